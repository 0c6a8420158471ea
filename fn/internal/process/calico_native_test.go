package process

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/krm/v1alpha1"
)

// calicoRendered is one render of a golden case's declarations, as the
// connectivity proof sees it.
type calicoRendered struct {
	generated []*emit.Generated
	result    *proof.Result
	// cells are the allowed connections, "from -> to : port".
	cells map[string]bool
}

// calicoRender renders the ResourceList of testdata/<name>/input.yaml
// through load, plan, emit and the rule registry's stream, and proves it.
// generic drops the ClusterNetworkIdentity (the same declarations as
// plain NetworkPolicy); enforcing renders every workload as enforce.
func calicoRender(t *testing.T, name string, generic, enforcing bool) calicoRendered {
	t.Helper()
	return calicoRenderWithout(t, name, generic, enforcing, nil)
}

// calicoRenderWithout is calicoRender with the generated objects drop
// says to leave out.
func calicoRenderWithout(t *testing.T, name string, generic, enforcing bool, drop func(*emit.Generated) bool) calicoRendered {
	t.Helper()
	input, err := os.ReadFile("testdata/" + name + "/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return calicoRenderInput(t, input, generic, enforcing, drop)
}

// calicoRenderInput is calicoRenderWithout of a ResourceList.
func calicoRenderInput(t *testing.T, input []byte, generic, enforcing bool, drop func(*emit.Generated) bool) calicoRendered {
	t.Helper()
	items, fc := readList(t, input)
	if generic {
		items = slices.DeleteFunc(items, func(n *yaml.RNode) bool { return n.GetKind() == v1alpha1.ClusterKind })
	}
	m, fs := load.Load(items, fc)
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
	if drop != nil {
		res.Generated = slices.DeleteFunc(res.Generated, drop)
	}
	s, _ := judge(res.Items, res.Generated, m, p, res.Conflicts)
	c := s.Connectivity()
	if len(c.Incomplete) > 0 {
		t.Fatalf("the proof is incomplete: %v", c.Incomplete)
	}
	if len(c.NotEvaluated) > 0 {
		t.Fatalf("the proof did not evaluate: %v", c.NotEvaluated)
	}
	out := calicoRendered{generated: res.Generated, result: c, cells: map[string]bool{}}
	for _, cell := range c.Allowed {
		out.cells[cell.From+" -> "+cell.To+" : "+cell.Port] = true
	}
	return out
}

// calicoDiff are the cells of a not in b, sorted, among the endpoints
// both renders probe. Each render's proof derives witness pods from its
// policies' selectors, and Calico's selectors yield a few more than the
// same NetworkPolicy selectors (a pod of cart's labels with track=canary);
// those are witnesses only, never a workload (calicoCommon checks).
func calicoDiff(a, b calicoRendered) []string {
	common := map[string]bool{}
	for _, e := range b.result.Endpoints {
		common[e] = true
	}
	var out []string
	for _, c := range a.result.Allowed {
		key := c.From + " -> " + c.To + " : " + c.Port
		if common[c.From] && common[c.To] && !b.cells[key] {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

// calicoCommon fails unless a and b probe the same workloads and
// addresses: only witness pods (namespace/{labels}) and the addresses
// named in also may differ.
func calicoCommon(t *testing.T, a, b calicoRendered, also ...string) {
	t.Helper()
	for _, pair := range [][2]calicoRendered{{a, b}, {b, a}} {
		for _, e := range pair[0].result.Endpoints {
			witness := strings.Contains(e, "/{") || slices.ContainsFunc(also, func(p string) bool { return strings.HasPrefix(e, p) })
			if !slices.Contains(pair[1].result.Endpoints, e) && !witness {
				t.Errorf("endpoint %q is probed in one render only", e)
			}
		}
	}
}

// The native render proves the same flow matrix as the NetworkPolicy
// render of the same declarations, and it is Calico's policies that
// decide the workloads' flows.
func TestCalicoNativeProvesTheGenericMatrix(t *testing.T) {
	native := calicoRender(t, "dialect-calico-native", false, false)
	generic := calicoRender(t, "dialect-calico-native", true, false)
	if len(native.cells) == 0 {
		t.Fatal("the native render allows nothing")
	}
	calicoCommon(t, native, generic)
	if d := calicoDiff(native, generic); len(d) > 0 {
		t.Errorf("allowed by the Calico render only:\n%s", strings.Join(d, "\n"))
	}
	if d := calicoDiff(generic, native); len(d) > 0 {
		t.Errorf("allowed by the NetworkPolicy render only:\n%s", strings.Join(d, "\n"))
	}
	if len(native.result.Mismatches) > 0 {
		t.Errorf("mismatches: %v", native.result.Mismatches)
	}
	decided := false
	for _, c := range native.result.Allowed {
		if c.From == "shop/frontend" && c.To == "shop/cart" {
			decided = slices.Contains(c.Layers, "Calico policy (projectcalico.org)")
		}
	}
	if !decided {
		t.Error("shop/frontend -> shop/cart is not decided by a Calico policy")
	}
	kinds := map[string]int{}
	for _, g := range native.generated {
		if g.Ref.APIVersion == "projectcalico.org/v3" {
			kinds[g.Ref.Kind]++
		}
		if g.Ref.Kind == "NetworkPolicy" && g.Ref.APIVersion == "networking.k8s.io/v1" && strings.HasSuffix(g.Ref.Name, "-flows") {
			t.Errorf("%s: a workload's NetworkPolicy is rendered beside its Calico policy", g.Ref)
		}
	}
	// a tier; three workloads' policies and the critical cart's isolation
	if kinds["Tier"] != 1 || kinds["NetworkPolicy"] != 4 {
		t.Errorf("projectcalico.org/v3 objects: %v; want 1 Tier and 4 NetworkPolicies", kinds)
	}
}

// cart is critical: without the namespace's default deny, its own
// isolation policy still closes everything it does not declare, in both
// directions, while the standard frontend is left open.
func TestCalicoNativeCriticalIsolatesWithoutTheNamespaceDefaultDeny(t *testing.T) {
	r := calicoRenderWithout(t, "dialect-calico-native", false, false, func(g *emit.Generated) bool {
		return g.Ref.APIVersion == "networking.k8s.io/v1" && g.Ref.Namespace == "shop" && g.Ref.Name == plan.DefaultDenyPolicy
	})
	open := map[string]bool{}
	var cartOpen []string
	for _, c := range r.result.Mismatches {
		if c.Allowed {
			open[c.FromWorkload] = true
			open[c.ToWorkload] = true
			if c.FromWorkload == "shop/cart" || c.ToWorkload == "shop/cart" {
				cartOpen = append(cartOpen, c.From+" -> "+c.To+" : "+c.Port)
			}
		}
	}
	if !open["shop/frontend"] {
		t.Fatal("without the default deny, the standard frontend is still isolated: the test proves nothing")
	}
	if len(cartOpen) > 0 {
		t.Errorf("without the namespace's default deny, %d undeclared flows of the critical cart are open, e.g. %s", len(cartOpen), cartOpen[0])
	}
	for _, c := range r.result.Allowed {
		if c.From == "shop/cart" && strings.HasPrefix(c.To, "kube-system/{k8s-app=kube-dns}") {
			return
		}
	}
	t.Error("cart's isolation closes its DNS")
}

// With the baseline, the enforce form proves the generic matrix plus
// exactly the baseline's platform allowance (prometheus scrapes every
// governed pod on 9090); the observe form opens only flows of the observed
// frontend, and nothing else changes.
func TestCalicoBaselineProvesTheGenericMatrixAndItsAllowances(t *testing.T) {
	enforce := calicoRender(t, "dialect-calico-baseline-observe", false, true)
	generic := calicoRender(t, "dialect-calico-baseline-observe", true, true)
	calicoCommon(t, enforce, generic, "169.254.169.254 ")
	if d := calicoDiff(generic, enforce); len(d) > 0 {
		t.Errorf("allowed by the NetworkPolicy render only:\n%s", strings.Join(d, "\n"))
	}
	var extra []string
	for c := range enforce.cells {
		if !generic.cells[c] {
			extra = append(extra, c)
		}
	}
	if len(extra) == 0 {
		t.Error("the baseline's ingress allowance opens nothing")
	}
	for _, c := range extra {
		if !strings.HasPrefix(c, "monitoring/{app.kubernetes.io/name=prometheus} -> shop/") || !strings.HasSuffix(c, " : 9090/TCP") {
			t.Errorf("allowed by the Calico baseline render only, and not its allowance: %s", c)
		}
	}
	for _, to := range []string{"shop/cart", "shop/frontend"} {
		if !enforce.cells["monitoring/{app.kubernetes.io/name=prometheus} -> "+to+" : 9090/TCP"] {
			t.Errorf("the baseline's scrape of %s is not open", to)
		}
	}
	for c := range enforce.cells {
		if strings.Contains(c, "169.254.169.254") {
			t.Errorf("the denied block is reached: %s", c)
		}
	}

	observe := calicoRender(t, "dialect-calico-baseline-observe", false, false)
	if d := calicoDiff(enforce, observe); len(d) > 0 {
		t.Errorf("observe blocks what enforce allows:\n%s", strings.Join(d, "\n"))
	}
	opened := calicoDiff(observe, enforce)
	if len(opened) == 0 {
		t.Error("observe opens nothing for the observed frontend")
	}
	for _, c := range opened {
		if !strings.Contains(c, "shop/frontend") {
			t.Errorf("observe opens a flow of no observed workload: %s", c)
		}
	}
	staged := map[string]bool{}
	for _, g := range observe.generated {
		if strings.HasPrefix(g.Ref.Kind, "Staged") {
			staged[g.Ref.Kind+"/"+g.Ref.Name] = true
		}
	}
	for _, want := range []string{"StagedNetworkPolicy/frontend-flows", "StagedGlobalNetworkPolicy/netid-baseline-deny-observed"} {
		if !staged[want] {
			t.Errorf("observe renders no %s; staged: %v", want, staged)
		}
	}
}

// In the per-flow layout each flow's NetworkPolicy becomes a Calico
// NetworkPolicy of the same name, and the render still proves.
func TestCalicoNativePerFlowLayout(t *testing.T) {
	input, err := os.ReadFile("testdata/dialect-calico-native/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items, fc := readList(t, input)
	out := Render(items, fc, Options{Layout: v1alpha1.LayoutPerFlow})
	if out.Findings.HasErrors() {
		t.Fatalf("refused: %v", out.Findings)
	}
	var names []string
	for _, g := range out.Generated {
		if g.Ref.APIVersion == "projectcalico.org/v3" && g.Ref.Kind == "NetworkPolicy" {
			names = append(names, g.Ref.Namespace+"/"+g.Ref.Name)
		}
	}
	want := []string{"billing/payments-ingress-from-shop-cart", "shop/cart-ingress-from-frontend", "shop/cart-egress-to-cidr-203-0-113-0-24",
		"shop/cart-egress-to-billing-payments", "shop/cart-isolate", "shop/frontend-ingress-from-monitoring-prometheus", "shop/frontend-egress-to-cart"}
	if !slices.Equal(names, want) {
		t.Errorf("Calico NetworkPolicies %q, want %q", names, want)
	}
}

// Without a baseline, a namespace where a workload observes has no default
// deny (the NetworkPolicy dialect's observe form): the observed frontend's
// policies are staged and nothing isolates it, while the enforced cart
// isolates itself, DNS still open.
func TestCalicoNativeObserveWithoutBaseline(t *testing.T) {
	input, err := os.ReadFile("testdata/dialect-calico-baseline-observe/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(input), "    baseline:\n"), strings.Index(string(input), "      logDenied: true\n")
	if i < 0 || j < i {
		t.Fatal("the case's baseline is not where the test expects it")
	}
	input = append(input[:i:i], input[j+len("      logDenied: true\n"):]...)
	r := calicoRenderInput(t, input, false, false, func(g *emit.Generated) bool {
		return g.Ref.APIVersion == "networking.k8s.io/v1" && g.Ref.Namespace == "shop"
	})
	kinds := map[string]string{}
	for _, g := range r.generated {
		if g.Ref.APIVersion == "projectcalico.org/v3" {
			kinds[g.Ref.Name] = g.Ref.Kind
		}
	}
	want := map[string]string{"netid": "Tier", "cart-flows": "NetworkPolicy", "cart-isolate": "NetworkPolicy", "frontend-flows": "StagedNetworkPolicy"}
	if len(kinds) != len(want) {
		t.Errorf("projectcalico.org/v3 objects %v, want %v", kinds, want)
	}
	for name, kind := range want {
		if kinds[name] != kind {
			t.Errorf("%s is a %q, want %s", name, kinds[name], kind)
		}
	}
	open := map[string]int{}
	for _, c := range r.result.Mismatches {
		if c.Allowed {
			open[c.FromWorkload]++
			open[c.ToWorkload]++
		}
	}
	if open["shop/frontend"] == 0 {
		t.Error("the observed frontend is isolated")
	}
	if open["shop/cart"] > 0 {
		t.Errorf("%d undeclared flows of the enforced cart are open", open["shop/cart"])
	}
	dns := false
	for _, c := range r.result.Allowed {
		dns = dns || c.From == "shop/cart" && strings.HasPrefix(c.To, "kube-system/{k8s-app=kube-dns}")
	}
	if !dns {
		t.Error("cart's isolation closes its DNS")
	}
}
