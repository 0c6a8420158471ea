package build_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/build"
	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/proof"
)

// render is what netid generates from a ResourceList, before the rules
// judge it: the stream (the user's items and the generated objects), its
// functionConfig and the generated objects. enforcing renders every
// workload as enforce (the form the proof judges).
func render(t *testing.T, list []byte, enforcing bool) ([]*yaml.RNode, *yaml.RNode, []*emit.Generated) {
	t.Helper()
	r := &kio.ByteReader{Reader: bytes.NewReader(list)}
	items, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	m, fs := load.Load(items, r.FunctionConfig)
	if fs.HasErrors() {
		t.Fatalf("load: %v", fs)
	}
	p, fs := plan.Make(m)
	if fs.HasErrors() {
		t.Fatalf("plan: %v", fs)
	}
	if enforcing {
		p = p.WithEnforcing()
	}
	res := emit.Emit(m, p)
	if res.Findings.HasErrors() {
		t.Fatalf("emit: %v", res.Findings)
	}
	out := res.Items
	for _, g := range res.Generated {
		n, err := yaml.FromMap(g.Map)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out, r.FunctionConfig, res.Generated
}

func readCase(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../process/testdata/" + name + "/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withoutBaseline is the ResourceList with the ClusterNetworkIdentity's
// spec.baseline (the functionConfig's last field) removed.
func withoutBaseline(t *testing.T, list []byte) []byte {
	t.Helper()
	i := bytes.Index(list, []byte("\n    baseline:\n"))
	if i < 0 {
		t.Fatal("the case declares no spec.baseline")
	}
	return list[:i+1]
}

// endpoint is a matrix end without what the proof says it stands for
// (" (DNS)", " (baseline: …)", " (outside the cluster)"), which depends on
// the declarations rather than on what is allowed.
func endpoint(s string) string {
	if i := strings.Index(s, " ("); i >= 0 {
		return s[:i]
	}
	return s
}

func cellKey(c proof.Cell) string {
	return endpoint(c.From) + " -> " + endpoint(c.To) + " " + c.Port
}

// allowed is the proof's allowed-flow matrix of a stream.
func allowed(t *testing.T, items []*yaml.RNode, fc *yaml.RNode) map[string]bool {
	t.Helper()
	v := process.Verify(items, fc)
	if len(v.Incomplete) > 0 || len(v.Flows) == 0 {
		t.Fatalf("the proof judged nothing: incomplete %v, %d flows", v.Incomplete, len(v.Flows))
	}
	out := map[string]bool{}
	for _, c := range v.Flows {
		out[cellKey(c)] = true
	}
	return out
}

// The baseline's matrix is the matrix of the same declarations without a
// baseline, plus exactly the platform allowances: each governed pod
// (shop/cart, web/frontend and the other pods of shop and web) is reached
// from Prometheus on 9090 and from the monitoring network on 9100, and
// reaches the proxy on 3128. The cloud metadata deny closes nothing the
// default deny left open.
func TestBaselineMatrixIsTheMatrixWithoutItAndTheAllowances(t *testing.T) {
	for _, c := range []string{"dialect-networkpolicy-baseline", "dialect-upstream-baseline"} {
		t.Run(c, func(t *testing.T) {
			list := readCase(t, c)
			items, fc, _ := render(t, list, false)
			with := allowed(t, items, fc)
			items, fc, _ = render(t, withoutBaseline(t, list), false)
			without := allowed(t, items, fc)
			for k := range without {
				if !with[k] {
					t.Errorf("the baseline closes %s", k)
				}
			}
			var extra []string
			for k := range with {
				if !without[k] {
					extra = append(extra, k)
				}
			}
			slices.Sort(extra)
			var want []string
			for _, pod := range []string{"shop/cart", "shop/{}", "web/frontend", "web/{}"} {
				want = append(want,
					"monitoring/{app=prometheus} -> "+pod+" 9090/TCP",
					"192.0.2.0 -> "+pod+" 9100/TCP",
					pod+" -> proxy/{app=squid} 3128/TCP")
			}
			slices.Sort(want)
			if !slices.Equal(extra, want) {
				t.Errorf("the baseline adds\n  %s\nwant\n  %s", strings.Join(extra, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// generatedOf finds a generated object by kind, namespace and name.
func generatedOf(gs []*emit.Generated, kind, ns, name string) map[string]any {
	for _, g := range gs {
		if g.Ref.Kind == kind && g.Ref.Namespace == ns && g.Ref.Name == name {
			return g.Map
		}
	}
	return nil
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	return v
}

// The upstream baseline: the Admin tier's policy denies first and covers
// every governed namespace; the Baseline tier's deny leaves out a
// namespace where a workload observes, which then has no NetworkPolicy
// selecting the observed pods; the proof of the enforce form still finds
// only the declared flows and the allowances open.
func TestUpstreamBaselineObserve(t *testing.T) {
	list := bytes.Replace(readCase(t, "dialect-upstream-baseline"), []byte("    egress:\n    - to: {workload: cart, namespace: shop}"),
		[]byte("    rollout: observe\n    egress:\n    - to: {workload: cart, namespace: shop}"), 1)
	items, fc, gen := render(t, list, false)
	admin := generatedOf(gen, "ClusterNetworkPolicy", "", build.UpstreamAdminPolicy)
	base := generatedOf(gen, "ClusterNetworkPolicy", "", build.UpstreamBaselinePolicy)
	if admin == nil || base == nil {
		t.Fatalf("want ClusterNetworkPolicies %s and %s", build.UpstreamAdminPolicy, build.UpstreamBaselinePolicy)
	}
	subject := func(m map[string]any) string {
		return fmt.Sprint(field(m, "spec", "subject", "namespaces", "matchExpressions"))
	}
	if got := subject(admin); !strings.Contains(got, "[shop web]") {
		t.Errorf("admin tier subject %s, want shop and web", got)
	}
	if got := subject(base); !strings.Contains(got, "[shop]") {
		t.Errorf("baseline tier subject %s, want shop only (web observes)", got)
	}
	if first := field(admin, "spec", "egress").([]any)[0].(map[string]any)["action"]; first != "Deny" {
		t.Errorf("the admin tier's first egress rule is %v, want the baseline's Deny", first)
	}
	for _, g := range gen {
		if g.Ref.Namespace == "web" && g.Ref.Kind == "NetworkPolicy" {
			t.Errorf("namespace web, where frontend observes, has %s", g.Ref.Name)
		}
	}
	if generatedOf(gen, "NetworkPolicy", "shop", "default-deny") == nil {
		t.Error("shop, where nothing observes, has no ingress default-deny")
	}
	// observed: frontend's egress is open; the declared flow still is
	v := process.Verify(items, fc)
	open := false
	for _, c := range v.Flows {
		if strings.HasPrefix(c.From, "web/frontend") && strings.HasPrefix(c.To, "198.51.100.7") {
			open = true
		}
	}
	if !open {
		t.Error("observed frontend cannot reach outside the cluster: its stage blocks")
	}

	items, fc, gen = render(t, list, true)
	if got := subject(generatedOf(gen, "ClusterNetworkPolicy", "", build.UpstreamBaselinePolicy)); !strings.Contains(got, "[shop web]") {
		t.Errorf("enforcing: baseline tier subject %s, want shop and web", got)
	}
	enforced := allowed(t, items, fc)
	items, fc, _ = render(t, readCase(t, "dialect-upstream-baseline"), false)
	if want := allowed(t, items, fc); !mapsEqual(enforced, want) {
		t.Errorf("the enforce form of an observed render differs from the enforced render:\n got %v\nwant %v", enforced, want)
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// Past 25 rules a direction, the Admin tier continues in a next policy at
// the next priority: the denies still come first, and no two policies of a
// tier share a priority.
func TestUpstreamBaselineSplitsAt25Rules(t *testing.T) {
	list := readCase(t, "dialect-upstream-baseline")
	var deny strings.Builder
	deny.WriteString("      deny:\n")
	for i := range 30 {
		fmt.Fprintf(&deny, "      - {cidr: 203.0.113.%d/32, reason: \"blocked host %d\"}\n", i, i)
	}
	list = bytes.Replace(list, []byte("      deny:\n"), []byte(deny.String()), 1)
	_, _, gen := render(t, list, false)
	priorities := map[string]map[any]string{}
	var rules []any
	for _, g := range gen {
		if g.Ref.Kind != "ClusterNetworkPolicy" {
			continue
		}
		tier := fmt.Sprint(field(g.Map, "spec", "tier"))
		pr := field(g.Map, "spec", "priority")
		if priorities[tier] == nil {
			priorities[tier] = map[any]string{}
		}
		if other, ok := priorities[tier][pr]; ok {
			t.Errorf("%s and %s share priority %v in tier %s", other, g.Ref.Name, pr, tier)
		}
		priorities[tier][pr] = g.Ref.Name
		eg, _ := field(g.Map, "spec", "egress").([]any)
		if len(eg) > 25 {
			t.Errorf("%s has %d egress rules, the CRD allows 25", g.Ref.Name, len(eg))
		}
		if tier == "Admin" {
			rules = append(rules, eg...)
		}
	}
	if len(rules) != 33 {
		t.Fatalf("admin tier egress rules: %d, want 31 denies, then DNS and the proxy", len(rules))
	}
	for i, r := range rules {
		if want := map[bool]string{true: "Deny", false: "Accept"}[i < 31]; r.(map[string]any)["action"] != want {
			t.Errorf("admin egress rule %d is %v, want %s", i, r.(map[string]any)["action"], want)
		}
	}
	if generatedOf(gen, "ClusterNetworkPolicy", "", build.UpstreamAdminPolicy+"-2") == nil {
		t.Errorf("no %s-2", build.UpstreamAdminPolicy)
	}
}

// A meshed namespace's sidecars reach their control plane through an Admin
// tier policy of its own, for that namespace only, after the baseline's
// denies: the other governed namespaces get no such egress.
func TestUpstreamBaselineMeshControlPlane(t *testing.T) {
	list := bytes.Replace(readCase(t, "dialect-upstream-baseline"), []byte("  spec:\n    mesh: {provider: none, eastWest: \"TLS in the app\"}\n- apiVersion: netid.dev/v1alpha1"),
		[]byte("  spec:\n    mesh: {provider: istio, redirect: cni}\n- apiVersion: netid.dev/v1alpha1"), 1)
	items, fc, gen := render(t, list, false)
	mesh := generatedOf(gen, "ClusterNetworkPolicy", "", build.UpstreamMeshPolicy+"-istio")
	if mesh == nil {
		t.Fatalf("no %s-istio", build.UpstreamMeshPolicy)
	}
	if got := fmt.Sprintf("%v %v %v", field(mesh, "spec", "tier"), field(mesh, "spec", "priority"), field(mesh, "spec", "subject", "namespaces", "matchExpressions")); !strings.Contains(got, "Admin 101 ") || !strings.Contains(got, "[shop]") {
		t.Errorf("mesh policy tier, priority and subject: %s; want Admin 101, shop", got)
	}
	m := allowed(t, items, fc)
	for _, k := range []string{"shop/cart -> istio-system/{app=istiod} 15012/TCP", "shop/{} -> istio-system/{app=istiod} 15012/TCP"} {
		if !m[k] {
			t.Errorf("%s is not allowed", k)
		}
	}
	for k := range m {
		if strings.HasPrefix(k, "web/") && strings.Contains(k, "istiod") {
			t.Errorf("unmeshed web reaches the control plane: %s", k)
		}
	}
}
