package build

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/krm/v1alpha1"
)

func TestCalicoSelector(t *testing.T) {
	for _, c := range []struct {
		name string
		sel  *metav1.LabelSelector
		want string
	}{
		{"nil selects every pod", nil, "all()"},
		{"empty selects every pod", &metav1.LabelSelector{}, "all()"},
		{"matchLabels, keys sorted", &metav1.LabelSelector{MatchLabels: map[string]string{"b": "2", "app.kubernetes.io/name": "cart"}},
			"app.kubernetes.io/name == 'cart' && b == '2'"},
		{"In", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"web", "api"}}}},
			"tier in {'web', 'api'}"},
		{"NotIn", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "track", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"canary"}}}},
			"track not in {'canary'}"},
		{"Exists", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "example.com/team", Operator: metav1.LabelSelectorOpExists}}},
			"has(example.com/team)"},
		{"DoesNotExist", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist}}},
			"!has(legacy)"},
		{"labels then expressions in order", &metav1.LabelSelector{MatchLabels: map[string]string{"app": "cart"}, MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist}, {Key: "env", Operator: metav1.LabelSelectorOpIn, Values: []string{"prod"}}}},
			"app == 'cart' && !has(legacy) && env in {'prod'}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CalicoSelector(c.sel); got != c.want {
				t.Errorf("CalicoSelector = %q, want %q", got, c.want)
			}
		})
	}
}

// What the selector selects, read by the connectivity proof's Calico
// adapter, is what the Kubernetes label selector selects, over random
// selectors and label sets of a small alphabet (so that keys and values
// collide often).
func TestCalicoSelectorSelectsAsKubernetes(t *testing.T) {
	keys, vals := []string{"app", "tier", "example.com/team"}, []string{"a", "b", "c"}
	ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
	r := rand.New(rand.NewPCG(13, 7))
	tierJSON, err := json.Marshal(calicoTier("netid", CalicoDefaultTierOrder).Object)
	if err != nil {
		t.Fatal(err)
	}
	tier := dialect.Object{APIVersion: CalicoAPIVersion, Kind: "Tier", Name: "netid", JSON: tierJSON}
	randLabels := func() map[string]string {
		l := map[string]string{}
		for _, k := range keys {
			if r.IntN(3) > 0 {
				l[k] = vals[r.IntN(len(vals))]
			}
		}
		return l
	}
	for i := 0; i < 300; i++ {
		sel := &metav1.LabelSelector{}
		if r.IntN(2) == 0 {
			sel.MatchLabels = randLabels()
		}
		for j := r.IntN(3); j > 0; j-- {
			req := metav1.LabelSelectorRequirement{Key: keys[r.IntN(len(keys))], Operator: ops[r.IntN(len(ops))]}
			if req.Operator == metav1.LabelSelectorOpIn || req.Operator == metav1.LabelSelectorOpNotIn {
				req.Values = []string{vals[r.IntN(len(vals))], vals[r.IntN(len(vals))]}
			}
			sel.MatchExpressions = append(sel.MatchExpressions, req)
		}
		want, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			t.Fatal(err)
		}
		text := CalicoSelector(sel)
		pol := calicoObject("NetworkPolicy", Meta("p", "shop", ""), calicoPolicySpec("netid", CalicoAllowOrder, text, []any{map[string]any{"action": "Allow"}}, nil))
		b, err := json.Marshal(pol.Object)
		if err != nil {
			t.Fatal(err)
		}
		compiled := dialect.Compile(dialect.Cluster{CNI: dialect.Calico}, nil, []dialect.Object{tier, {APIVersion: CalicoAPIVersion, Kind: "NetworkPolicy", Namespace: "shop", Name: "p", JSON: b}})
		if len(compiled.Unmodelled) > 0 || len(compiled.Policies) != 1 {
			t.Fatalf("selector %q: the adapter compiled %d policies, unmodelled %v", text, len(compiled.Policies), compiled.Unmodelled)
		}
		for k := 0; k < 20; k++ {
			l := labels.Set(randLabels())
			got := false
			for _, s := range compiled.Policies[0].Subject {
				got = got || s.Labels.Matches(l)
			}
			if got != want.Matches(l) {
				t.Fatalf("selector %v as %q: labels %v selected %v, Kubernetes says %v", sel, text, l, got, want.Matches(l))
			}
		}
	}
}

// A flow's ports become one Allow rule per protocol, in the order the
// protocols first appear, numbers and names alike, at most calicoMaxPorts
// a rule; no ports is one rule for every port.
func TestCalicoAllowsSplitsByProtocolAndSize(t *testing.T) {
	peer := map[string]any{"selector": "app == 'cart'"}
	var ports []plan.Port
	for n := int32(1); n <= calicoMaxPorts+1; n++ {
		ports = append(ports, plan.Port{Protocol: corev1.ProtocolTCP, Target: intstr.FromInt32(n)})
	}
	ports = append(ports, plan.Port{Protocol: corev1.ProtocolUDP, Target: intstr.FromString("stats")})
	ports = append([]plan.Port{{Protocol: corev1.ProtocolSCTP, Target: intstr.FromInt32(9)}}, ports...)
	rules := calicoAllows("destination", peer, ports)
	type shape struct {
		proto string
		n     int
	}
	want := []shape{{"SCTP", 1}, {"TCP", calicoMaxPorts}, {"TCP", 1}, {"UDP", 1}}
	if len(rules) != len(want) {
		t.Fatalf("%d rules, want %d: %v", len(rules), len(want), rules)
	}
	for i, w := range want {
		r := rules[i].(map[string]any)
		dest := r["destination"].(map[string]any)
		if r["protocol"] != w.proto || len(dest["ports"].([]any)) != w.n || dest["selector"] != "app == 'cart'" || r["action"] != "Allow" {
			t.Errorf("rule %d = %v, want %s with %d ports to the peer", i, r, w.proto, w.n)
		}
	}
	if got := rules[3].(map[string]any)["destination"].(map[string]any)["ports"].([]any)[0]; got != "stats" {
		t.Errorf("named port rendered as %#v, want \"stats\"", got)
	}
	in := calicoAllows("source", peer, nil)
	if len(in) != 1 {
		t.Fatalf("no ports: %d rules, want 1", len(in))
	}
	r := in[0].(map[string]any)
	if _, ok := r["protocol"]; ok || r["destination"] != nil || r["source"].(map[string]any)["selector"] != "app == 'cart'" {
		t.Errorf("no ports: rule %v, want an Allow from the peer on every protocol and port", r)
	}
}

// Governed namespaces too many for one namespaceSelector are split over
// copies of each baseline policy, each selector within the CRD's bound,
// every namespace in exactly one copy of each policy.
func TestCalicoBaselineSplitsLongNamespaceSelectors(t *testing.T) {
	p := &plan.Plan{Settings: load.Enforced{CNI: v1alpha1.CNICalico, Tier: v1alpha1.PolicyTier{Name: "netid"},
		Baseline: &v1alpha1.Baseline{DNS: &v1alpha1.DNS{Namespace: "kube-system", PodLabels: map[string]string{"k8s-app": "kube-dns"}},
			Deny: []v1alpha1.BaselineDeny{{CIDR: "169.254.169.254/32", Reason: "cloud metadata"}}}}}
	for i := 0; i < 120; i++ {
		p.Namespaces = append(p.Namespaces, &plan.Namespace{Name: fmt.Sprintf("team-%03d-application-namespace", i)})
	}
	covered := map[string]map[string]int{}
	for _, o := range calicoBaseline(p) {
		u := o.(*unstructured.Unstructured)
		if u.GetKind() != "GlobalNetworkPolicy" {
			continue
		}
		sel, _, _ := unstructured.NestedString(u.Object, "spec", "namespaceSelector")
		if len(sel) > calicoMaxSelector {
			t.Errorf("%s: namespaceSelector of %d characters", u.GetName(), len(sel))
		}
		base := strings.TrimRight(u.GetName(), "-0123456789")
		if covered[base] == nil {
			covered[base] = map[string]int{}
		}
		for _, ns := range p.Namespaces {
			if strings.Contains(sel, "'"+ns.Name+"'") {
				covered[base][ns.Name]++
			}
		}
	}
	for _, base := range []string{CalicoGuardrailPolicy, CalicoBaselineDNSPolicy, CalicoBaselineDenyPolicy} {
		if len(covered[base]) != len(p.Namespaces) {
			t.Errorf("%s covers %d of %d namespaces", base, len(covered[base]), len(p.Namespaces))
		}
		for ns, n := range covered[base] {
			if n != 1 {
				t.Errorf("%s selects %s %d times", base, ns, n)
			}
		}
	}
	if _, ok := covered[CalicoBaselineDenyPolicy]; !ok || len(calicoChunks(p.Namespaces)) < 2 {
		t.Errorf("%d chunks: the test does not split", len(calicoChunks(p.Namespaces)))
	}
}

// Each meshed namespace's pods reach their own mesh's control plane, and
// only theirs; Istio ambient namespaces (ztunnel talks to istiod) and
// unmeshed ones get none.
func TestCalicoBaselineMeshControlPlanes(t *testing.T) {
	p := &plan.Plan{Settings: load.Enforced{CNI: v1alpha1.CNICalico, Tier: v1alpha1.PolicyTier{Name: "netid"}, Baseline: &v1alpha1.Baseline{}},
		Namespaces: []*plan.Namespace{
			{Name: "ambient", Mesh: v1alpha1.MeshIstio, Redirect: v1alpha1.RedirectAmbient},
			{Name: "linked", Mesh: v1alpha1.MeshLinkerd},
			{Name: "plain"},
			{Name: "sidecars", Mesh: v1alpha1.MeshIstio},
		}}
	got := map[string]string{}
	for _, o := range calicoBaseline(p) {
		u := o.(*unstructured.Unstructured)
		if !strings.HasSuffix(u.GetName(), "-control-plane") {
			continue
		}
		sel, _, _ := unstructured.NestedString(u.Object, "spec", "namespaceSelector")
		rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "egress")
		var to []string
		for _, r := range rules {
			d := r.(map[string]any)["destination"].(map[string]any)
			to = append(to, fmt.Sprintf("%s/%s %v", d["namespaceSelector"], d["selector"], d["ports"]))
		}
		got[u.GetName()] = sel + " -> " + strings.Join(to, "; ")
	}
	want := map[string]string{
		"netid-baseline-istio-control-plane":   "projectcalico.org/name in {'sidecars'} -> projectcalico.org/name == 'istio-system'/app == 'istiod' [15012]",
		"netid-baseline-linkerd-control-plane": "projectcalico.org/name in {'linked'} -> projectcalico.org/name == 'linkerd'/linkerd.io/control-plane-ns == 'linkerd' [8080 8086 8090]",
	}
	if len(got) != len(want) {
		t.Errorf("control plane policies %v, want %v", got, want)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
}
