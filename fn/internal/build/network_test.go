package build_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/krm/v1alpha1"
)

// Observe in the NetworkPolicy dialect (rollout-observe-networkpolicy):
// frontend observes in shop beside cart; payments in pay is critical.
func TestNetworkPolicyObserve(t *testing.T) {
	list := readCase(t, "rollout-observe-networkpolicy")
	items, fc, gen := render(t, list, false)
	for _, g := range gen {
		labels, _ := field(g.Map, "metadata", "labels").(map[string]any)
		if g.Ref.Kind == "NetworkPolicy" && g.Ref.Namespace == "shop" && labels[v1alpha1.WorkloadLabel] == "frontend" {
			t.Errorf("observed frontend has %s", g.Ref.Name)
		}
	}
	for _, name := range []string{"default-deny", "allow-dns-egress"} {
		if generatedOf(gen, "NetworkPolicy", "shop", name) != nil {
			t.Errorf("shop, where frontend observes, has %s", name)
		}
		if generatedOf(gen, "NetworkPolicy", "pay", name) == nil {
			t.Errorf("pay, where nothing observes, has no %s", name)
		}
	}
	for _, w := range []struct{ ns, name string }{{"shop", "cart"}, {"pay", "payments"}} {
		iso := generatedOf(gen, "NetworkPolicy", w.ns, w.name+"-isolate")
		if iso == nil {
			t.Fatalf("%s/%s has no isolate policy", w.ns, w.name)
		}
		if got := fmt.Sprint(field(iso, "spec", "policyTypes"), field(iso, "spec", "podSelector")); got != "[Ingress Egress] map[matchLabels:map[app:"+w.name+"]]" {
			t.Errorf("%s-isolate: policyTypes and podSelector %s", w.name, got)
		}
	}
	// verify judges the enforce form (no mismatch) and lists what the
	// observe form opens beyond it
	v := process.Verify(items, fc)
	for _, c := range v.Mismatches {
		t.Errorf("observe render: the enforce form it is judged by has %s -> %s %s allowed %v expected %v", c.From, c.To, c.Port, c.Allowed, c.Expected)
	}
	if len(v.WouldBlock) == 0 {
		t.Fatal("the observe form closes what the enforce form closes: nothing is observed")
	}
	for _, c := range v.WouldBlock {
		observed := func(e string) bool { return strings.HasPrefix(e, "shop/frontend") || strings.HasPrefix(e, "shop/{}") }
		if !c.Allowed || c.Expected || !observed(c.From) && !observed(c.To) {
			t.Errorf("observe form: %s -> %s %s allowed %v expected %v; want only undeclared flows of shop's unisolated pods", c.From, c.To, c.Port, c.Allowed, c.Expected)
		}
	}
	observe := allowed(t, items, fc)

	items, fc, gen = render(t, list, true)
	if generatedOf(gen, "NetworkPolicy", "shop", "default-deny") == nil || generatedOf(gen, "NetworkPolicy", "shop", "cart-isolate") != nil {
		t.Error("enforcing: shop has no default-deny, or cart an isolate policy")
	}
	if generatedOf(gen, "NetworkPolicy", "pay", "payments-isolate") == nil {
		t.Error("enforcing: critical payments has no isolate policy")
	}
	v = process.Verify(items, fc)
	for _, c := range v.Mismatches {
		t.Errorf("enforce form: %s -> %s %s allowed %v expected %v", c.From, c.To, c.Port, c.Allowed, c.Expected)
	}
	for k := range allowed(t, items, fc) {
		if !observe[k] {
			t.Errorf("the observe form blocks %s, which the enforce form allows", k)
		}
	}
}

// The cluster baseline's DNS is every governed namespace's: a
// NetworkIdentity's own spec.dns is not what renders.
func TestBaselineDNSWinsOverSpecDNS(t *testing.T) {
	list := readCase(t, "dialect-networkpolicy-baseline")
	mesh := []byte("    mesh: {provider: none, eastWest: \"TLS in the app\"}\n")
	list = bytes.Replace(list, mesh, append([]byte("    dns: {namespace: dns-system, podLabels: {app: unbound}}\n"), mesh...), 1)
	_, _, gen := render(t, list, false)
	for _, ns := range []string{"shop", "web"} {
		dns := generatedOf(gen, "NetworkPolicy", ns, "allow-dns-egress")
		if got := fmt.Sprint(field(dns, "spec", "egress")); !strings.Contains(got, "kubernetes.io/metadata.name:kube-system") || !strings.Contains(got, "k8s-app:kube-dns") {
			t.Errorf("%s allow-dns-egress: %s; want the baseline's kube-system/{k8s-app=kube-dns}", ns, got)
		}
	}
	_, _, gen = render(t, withoutBaseline(t, list), false)
	if got := fmt.Sprint(field(generatedOf(gen, "NetworkPolicy", "shop", "allow-dns-egress"), "spec", "egress")); !strings.Contains(got, "dns-system") {
		t.Errorf("without a baseline, shop's allow-dns-egress is %s; want spec.dns's dns-system", got)
	}
}
