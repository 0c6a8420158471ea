package build

import (
	"fmt"
	networkingv1 "k8s.io/api/networking/v1"
	"reflect"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// A flow's L7 restriction as Cilium's toPorts rules: HTTP as declared, gRPC
// as the HTTP/2 POST it is on the wire, Kafka not at all (Cilium 1.20 has
// no Kafka rules).
func TestCiliumL7Rules(t *testing.T) {
	for _, tc := range []struct {
		name        string
		l7          *v1alpha1.L7
		want        map[string]any
		unsupported bool
	}{
		{"none", nil, nil, false},
		{"http method and path", &v1alpha1.L7{HTTP: []v1alpha1.HTTPRule{{Method: "GET", Path: "/api/v1/.*"}}},
			map[string]any{"http": []any{map[string]any{"method": "GET", "path": "/api/v1/.*"}}}, false},
		{"http path only", &v1alpha1.L7{HTTP: []v1alpha1.HTTPRule{{Path: "/healthz"}}},
			map[string]any{"http": []any{map[string]any{"path": "/healthz"}}}, false},
		{"grpc method", &v1alpha1.L7{GRPC: []v1alpha1.GRPCRule{{Service: "hipstershop.CartService", Method: "GetCart"}}},
			map[string]any{"http": []any{map[string]any{"method": "POST", "path": `/hipstershop\.CartService/GetCart`}}}, false},
		{"grpc every method", &v1alpha1.L7{GRPC: []v1alpha1.GRPCRule{{Service: "grpc.health.v1.Health"}}},
			map[string]any{"http": []any{map[string]any{"method": "POST", "path": `/grpc\.health\.v1\.Health/.*`}}}, false},
		{"kafka", &v1alpha1.L7{Kafka: []v1alpha1.KafkaRule{{Topic: "orders", Role: "produce"}}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CiliumL7Rules(tc.l7); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CiliumL7Rules = %v, want %v", got, tc.want)
			}
			if got := CiliumL7Unsupported(tc.l7) != ""; got != tc.unsupported {
				t.Errorf("CiliumL7Unsupported says %v, want %v", got, tc.unsupported)
			}
		})
	}
}

// ciliumPlanned is a workload of namespace shop selected by app=name.
func ciliumPlanned(name string, spec v1alpha1.Spec) *plan.Workload {
	return &plan.Workload{
		Source: &load.Workload{Object: finding.Object{Kind: "Deployment", Name: name, Namespace: "shop"},
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}},
		Spec: &spec,
	}
}

// ciliumFlow makes flow from → to (workloads of shop) on TCP 8080 with its
// rule in each end's <workload>-flows policy.
func ciliumFlow(from, to *plan.Workload) *plan.Flow {
	f := &plan.Flow{
		From:         plan.Endpoint{Kind: plan.KindWorkload, Workload: from.Source, Planned: from, Namespace: "shop", Selector: from.Selector()},
		To:           plan.Endpoint{Kind: plan.KindWorkload, Workload: to.Source, Planned: to, Namespace: "shop", Selector: to.Selector()},
		Ports:        []plan.Port{{Protocol: "TCP", Target: intstr.FromInt32(8080)}},
		CalleeReason: "reads",
		IngressRule:  plan.NetpolRule{Policy: to.Name() + "-flows"},
		EgressRule:   plan.NetpolRule{Policy: from.Name() + "-flows"},
	}
	from.Out = append(from.Out, f)
	to.In = append(to.In, f)
	return f
}

func ciliumSpecOf(t *testing.T, o any) map[string]any {
	t.Helper()
	u, ok := o.(*unstructured.Unstructured)
	if !ok || u.GetKind() != "CiliumNetworkPolicy" || u.GetAPIVersion() != "cilium.io/v2" {
		t.Fatalf("not a cilium.io/v2 CiliumNetworkPolicy: %#v", o)
	}
	return u.Object["spec"].(map[string]any)
}

// A critical workload's policies isolate it in both directions (a section
// of empty rules for the direction it admits nothing in); with no flow at
// all it gets a policy of its own, named so as not to take a flow
// policy's name. In observe nothing isolates.
func TestCiliumWorkloadForms(t *testing.T) {
	critical := v1alpha1.Spec{Tier: v1alpha1.TierCritical}
	cart, web := ciliumPlanned("cart", critical), ciliumPlanned("web", v1alpha1.Spec{Rollout: v1alpha1.RolloutObserve})
	ciliumFlow(web, cart)
	ns := &plan.Namespace{Name: "shop", Workloads: []*plan.Workload{cart, web}}
	p := &plan.Plan{}

	objs := ciliumWorkload(p, ns, cart)
	// web observes and no baseline renders, so the namespace has no
	// default-deny and DNS NetworkPolicies: enforced cart has its own
	if len(objs) != 2 {
		t.Fatalf("cart: %d policies, want its isolation NetworkPolicy and one CiliumNetworkPolicy", len(objs))
	}
	if np, ok := objs[0].(*networkingv1.NetworkPolicy); !ok || len(np.Spec.PolicyTypes) != 2 {
		t.Errorf("cart's first policy is %#v, want a NetworkPolicy isolating both directions", objs[0])
	}
	spec := ciliumSpecOf(t, objs[1])
	if got := spec["egress"]; !reflect.DeepEqual(got, []any{map[string]any{}}) {
		t.Errorf("critical cart admits no egress: egress %v, want [{}]", got)
	}
	if in, _ := spec["ingress"].([]any); len(in) != 1 {
		t.Errorf("cart's ingress: %v, want its one flow", spec["ingress"])
	}
	if _, ok := spec["enableDefaultDeny"]; ok {
		t.Errorf("enforcing cart turns default deny off: %v", spec["enableDefaultDeny"])
	}

	objs = ciliumWorkload(p, ns, web)
	if len(objs) != 1 {
		t.Fatalf("web: %d policies, want 1", len(objs))
	}
	spec = ciliumSpecOf(t, objs[0])
	if got, want := spec["enableDefaultDeny"], map[string]any{"ingress": false, "egress": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("web in observe: enableDefaultDeny %v, want %v", got, want)
	}
	if objs = ciliumWorkload(p.WithEnforcing(), ns, web); ciliumSpecOf(t, objs[0])["enableDefaultDeny"] != nil {
		t.Errorf("web rendered enforcing still turns default deny off")
	}

	// a critical workload without flows, beside a policy named like its
	// isolation
	lone := ciliumPlanned("lone", critical)
	other := ciliumPlanned("other", v1alpha1.Spec{})
	f := ciliumFlow(other, ciliumPlanned("x", v1alpha1.Spec{}))
	f.EgressRule.Policy = "lone-isolate"
	ns = &plan.Namespace{Name: "shop", Workloads: []*plan.Workload{lone, other}}
	objs = ciliumWorkload(p, ns, lone)
	if len(objs) != 1 {
		t.Fatalf("lone: %d policies, want 1", len(objs))
	}
	u := objs[0].(*unstructured.Unstructured)
	if u.GetName() != "lone-isolate-2" || u.GetNamespace() != "shop" || u.GetLabels()[WorkloadLabel] != "lone" {
		t.Errorf("lone's isolation is %s/%s labelled %v, want shop/lone-isolate-2 with its workload label", u.GetNamespace(), u.GetName(), u.GetLabels())
	}
	spec = ciliumSpecOf(t, u)
	if !reflect.DeepEqual(spec["ingress"], []any{map[string]any{}}) || !reflect.DeepEqual(spec["egress"], []any{map[string]any{}}) {
		t.Errorf("lone's isolation: ingress %v egress %v, want [{}] each", spec["ingress"], spec["egress"])
	}
}

// The default deny's selection of a namespace with observed workloads is
// every pod no observed workload's selector selects, whatever its labels.
func TestCiliumExcluding(t *testing.T) {
	sel := func(ml map[string]string, exprs ...metav1.LabelSelectorRequirement) *plan.Workload {
		return &plan.Workload{Source: &load.Workload{Selector: &metav1.LabelSelector{MatchLabels: ml, MatchExpressions: exprs}}}
	}
	req := func(key string, op metav1.LabelSelectorOperator, values ...string) metav1.LabelSelectorRequirement {
		return metav1.LabelSelectorRequirement{Key: key, Operator: op, Values: values}
	}
	cases := map[string][]*plan.Workload{
		"one label":      {sel(map[string]string{"app": "a"})},
		"same key":       {sel(map[string]string{"app": "a"}), sel(map[string]string{"app": "b"})},
		"two labels":     {sel(map[string]string{"app": "a", "tier": "x"})},
		"two workloads":  {sel(map[string]string{"app": "a", "tier": "x"}), sel(map[string]string{"app": "b"})},
		"expressions":    {sel(nil, req("app", metav1.LabelSelectorOpIn, "a", "b"), req("tier", metav1.LabelSelectorOpNotIn, "x"))},
		"exists":         {sel(map[string]string{"app": "a"}, req("canary", metav1.LabelSelectorOpExists))},
		"does not exist": {sel(nil, req("canary", metav1.LabelSelectorOpDoesNotExist))},
	}
	var pods []labels.Set
	for _, app := range []string{"", "a", "b", "c"} {
		for _, tier := range []string{"", "x", "y"} {
			for _, canary := range []string{"", "1"} {
				l := labels.Set{}
				for k, v := range map[string]string{"app": app, "tier": tier, "canary": canary} {
					if v != "" {
						l[k] = v
					}
				}
				pods = append(pods, l)
			}
		}
	}
	for name, ws := range cases {
		t.Run(name, func(t *testing.T) {
			terms := ciliumExcluding(ws)
			for _, pod := range pods {
				observed := false
				for _, w := range ws {
					s, err := metav1.LabelSelectorAsSelector(w.Selector())
					if err != nil {
						t.Fatal(err)
					}
					observed = observed || s.Matches(pod)
				}
				denied := false
				for _, term := range terms {
					s, err := metav1.LabelSelectorAsSelector(&metav1.LabelSelector{MatchExpressions: term})
					if err != nil {
						t.Fatalf("term %v: %v", term, err)
					}
					denied = denied || s.Matches(pod)
				}
				if denied == observed {
					t.Errorf("pod %v: observed %v, default deny selects it %v (terms %s)", pod, observed, denied, fmt.Sprint(terms))
				}
			}
		})
	}
	if got := ciliumExcluding(cases["same key"]); len(got) != 1 {
		t.Errorf("two workloads on one key give %d selectors, want 1 (app NotIn [a b]): %v", len(got), got)
	}
}

// A flow's L7 rules sit on the callee's ingress when netid renders the
// callee's policy, else on the caller's egress.
func TestCiliumL7Placement(t *testing.T) {
	web, cart := ciliumPlanned("web", v1alpha1.Spec{}), ciliumPlanned("cart", v1alpha1.Spec{})
	l7 := &v1alpha1.L7{HTTP: []v1alpha1.HTTPRule{{Method: "GET"}}}
	ciliumFlow(web, cart).L7 = l7
	out := &plan.Flow{
		From:         web.Out[0].From,
		To:           plan.Endpoint{Kind: plan.KindPods, Namespace: "payments", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "gateway"}}},
		Ports:        []plan.Port{{Protocol: "TCP", Target: intstr.FromInt32(443)}},
		CallerReason: "pays",
		EgressRule:   plan.NetpolRule{Policy: "web-flows", Index: 1},
		L7:           l7,
	}
	web.Out = append(web.Out, out)
	ns := &plan.Namespace{Name: "shop", Workloads: []*plan.Workload{cart, web}}
	rules := func(rule any) any {
		return rule.(map[string]any)["toPorts"].([]any)[0].(map[string]any)["rules"]
	}
	want := map[string]any{"http": []any{map[string]any{"method": "GET"}}}
	egress := ciliumSpecOf(t, ciliumWorkload(&plan.Plan{}, ns, web)[0])["egress"].([]any)
	if len(egress) != 2 {
		t.Fatalf("web's egress: %v, want 2 rules", egress)
	}
	if got := rules(egress[0]); got != nil {
		t.Errorf("web → cart: the caller's egress carries L7 rules %v; cart's ingress holds them", got)
	}
	if got := rules(egress[1]); !reflect.DeepEqual(got, want) {
		t.Errorf("web → payments/{app=gateway}: egress rules %v, want %v", got, want)
	}
	sel := egress[1].(map[string]any)["toEndpoints"].([]any)[0].(map[string]any)["matchLabels"]
	if wantSel := map[string]any{"app": "gateway", CiliumPodNamespaceLabel: "payments"}; !reflect.DeepEqual(sel, wantSel) {
		t.Errorf("web → payments/{app=gateway}: toEndpoints %v, want %v", sel, wantSel)
	}
	ingress := ciliumSpecOf(t, ciliumWorkload(&plan.Plan{}, ns, cart)[0])["ingress"].([]any)
	if got := rules(ingress[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("web → cart: cart's ingress rules %v, want %v", got, want)
	}
}

// The baseline's objects: cluster-scoped, named, the denies tagged for
// Hubble when logDenied asks, the allows isolating nothing, DNS through
// Cilium's DNS proxy only when some workload calls a DNS name, and the mesh
// control plane for the meshed namespaces only.
func TestCiliumBaselineObjects(t *testing.T) {
	on := true
	base := &v1alpha1.Baseline{
		DNS:  &v1alpha1.DNS{Enabled: &on, Namespace: "kube-system", PodLabels: map[string]string{"k8s-app": "kube-dns"}},
		Deny: []v1alpha1.BaselineDeny{{CIDR: "169.254.169.254/32", Reason: "cloud metadata"}},
		Ingress: []v1alpha1.BaselineIngress{{From: v1alpha1.BaselinePeer{Namespace: "monitoring", PodLabels: map[string]string{"app": "prometheus"}},
			Ports: []v1alpha1.PortRef{{Port: intstr.FromInt32(9090)}}, Reason: "metrics scrape"}},
	}
	web := ciliumPlanned("web", v1alpha1.Spec{})
	p := &plan.Plan{Workloads: []*plan.Workload{web}, Namespaces: []*plan.Namespace{
		{Name: "shop", Workloads: []*plan.Workload{web}},
		{Name: "mesh", Mesh: v1alpha1.MeshLinkerd},
	}}
	p.Settings.Baseline = base
	byName := func(logDenied, fqdn bool) map[string]map[string]any {
		base.LogDenied = logDenied
		web.Out = nil
		if fqdn {
			web.Out = []*plan.Flow{{To: plan.Endpoint{Kind: plan.KindFQDN, FQDN: "api.example.com"}}}
		}
		out := map[string]map[string]any{}
		for _, o := range ciliumBaseline(p) {
			u := o.(*unstructured.Unstructured)
			if u.GetKind() != "CiliumClusterwideNetworkPolicy" || u.GetNamespace() != "" {
				t.Errorf("%s %s/%s: want a cluster-scoped CiliumClusterwideNetworkPolicy", u.GetKind(), u.GetNamespace(), u.GetName())
			}
			if _, ok := u.Object["metadata"].(map[string]any)["namespace"]; ok {
				t.Errorf("%s carries metadata.namespace", u.GetName())
			}
			spec, _ := u.Object["spec"].(map[string]any)
			out[u.GetName()] = spec
		}
		return out
	}
	objs := byName(false, false)
	for _, name := range []string{CiliumBaselineDeny, CiliumBaselineAllow, CiliumBaselineMeshPrefix + "linkerd", CiliumBaselineDefaultDeny} {
		if objs[name] == nil {
			t.Errorf("no %s among %v", name, objs)
		}
	}
	if len(objs) != 4 {
		t.Errorf("%d objects, want 4", len(objs))
	}
	if _, ok := objs[CiliumBaselineDeny]["log"]; ok {
		t.Errorf("deny tagged for Hubble without logDenied")
	}
	if got := byName(true, false)[CiliumBaselineDeny]["log"]; !reflect.DeepEqual(got, map[string]any{"value": CiliumBaselineDeny}) {
		t.Errorf("deny with logDenied: log %v", got)
	}
	off := map[string]any{"ingress": false, "egress": false}
	for _, name := range []string{CiliumBaselineDeny, CiliumBaselineAllow, CiliumBaselineMeshPrefix + "linkerd"} {
		if !reflect.DeepEqual(objs[name]["enableDefaultDeny"], off) {
			t.Errorf("%s isolates: enableDefaultDeny %v", name, objs[name]["enableDefaultDeny"])
		}
	}
	dnsRules := func(objs map[string]map[string]any) any {
		eg := objs[CiliumBaselineAllow]["egress"].([]any)
		return eg[len(eg)-1].(map[string]any)["toPorts"].([]any)[0].(map[string]any)["rules"]
	}
	if got := dnsRules(objs); got != nil {
		t.Errorf("DNS through the proxy with no FQDN flow: %v", got)
	}
	if got := dnsRules(byName(false, true)); got == nil {
		t.Errorf("an FQDN flow and DNS not through Cilium's DNS proxy")
	}
	meshSel := objs[CiliumBaselineMeshPrefix+"linkerd"]["endpointSelector"]
	want := map[string]any{"matchExpressions": []any{map[string]any{"key": CiliumPodNamespaceLabel, "operator": "In", "values": []any{"mesh"}}}}
	if !reflect.DeepEqual(meshSel, want) {
		t.Errorf("mesh control plane egress selects %v, want %v", meshSel, want)
	}
}

// In observe a workload's L7 rules go too (Cilium drops what an L7 rule
// does not admit even with default deny off); the DNS rules that let
// Cilium learn an FQDN's addresses stay.
func TestCiliumObserveDropsHTTP(t *testing.T) {
	web, cart := ciliumPlanned("web", v1alpha1.Spec{}), ciliumPlanned("cart", v1alpha1.Spec{Rollout: v1alpha1.RolloutObserve})
	ciliumFlow(web, cart).L7 = &v1alpha1.L7{HTTP: []v1alpha1.HTTPRule{{Method: "GET"}}}
	cart.Out = append(cart.Out, &plan.Flow{From: web.Out[0].To, To: plan.Endpoint{Kind: plan.KindFQDN, FQDN: "api.example.com"},
		Ports: []plan.Port{{Protocol: "TCP", Target: intstr.FromInt32(443)}}, CallerReason: "calls", EgressPolicy: "cart-egress-to-fqdn-api-example-com",
		L7: &v1alpha1.L7{HTTP: []v1alpha1.HTTPRule{{Path: "/v1/.*"}}}})
	ns := &plan.Namespace{Name: "shop", Workloads: []*plan.Workload{cart, web}}
	for _, enforcing := range []bool{false, true} {
		p := &plan.Plan{Enforcing: enforcing}
		var http, dns int
		for _, o := range ciliumWorkload(p, ns, cart) {
			spec := ciliumSpecOf(t, o)
			for _, dir := range []string{"ingress", "egress"} {
				rules, _ := spec[dir].([]any)
				for _, r := range rules {
					tps, _ := r.(map[string]any)["toPorts"].([]any)
					for _, tp := range tps {
						if l7, ok := tp.(map[string]any)["rules"].(map[string]any); ok {
							if l7["http"] != nil {
								http++
							}
							if l7["dns"] != nil {
								dns++
							}
						}
					}
				}
			}
		}
		if want := map[bool]int{false: 0, true: 2}[enforcing]; http != want || dns != 1 {
			t.Errorf("enforcing %v: %d HTTP and %d DNS rules, want %d and 1", enforcing, http, dns, want)
		}
	}
}
