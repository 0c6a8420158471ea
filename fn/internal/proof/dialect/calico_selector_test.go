package dialect

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"netid.dev/netid/fn/internal/proof/model"
)

// calicoView is one pod as Calico's selectors see it (its labels, with
// projectcalico.org/namespace, pcns.<namespace label>,
// pcns.projectcalico.org/name and projectcalico.org/serviceaccount added)
// and as the model sees it (namespace labels and pod labels apart).
type calicoView struct {
	ns, sa            string
	nsLabels, podLbls map[string]string
}

func (v calicoView) flat() map[string]string {
	out := map[string]string{"projectcalico.org/namespace": v.ns, "projectcalico.org/serviceaccount": v.sa,
		"pcns.projectcalico.org/name": v.ns, "pcns." + corev1.LabelMetadataName: v.ns}
	for k, val := range v.nsLabels {
		out["pcns."+k] = val
	}
	for k, val := range v.podLbls {
		out[k] = val
	}
	return out
}

func (v calicoView) model() (labels.Set, labels.Set) {
	ns := labels.Set{corev1.LabelMetadataName: v.ns}
	for k, val := range v.nsLabels {
		ns[k] = val
	}
	pod := labels.Set{model.ServiceAccountLabel: v.sa}
	for k, val := range v.podLbls {
		pod[k] = val
	}
	return ns, pod
}

func calicoPairsMatch(ps []calicoPair, ns, pod labels.Set) bool {
	for _, p := range ps {
		if p.ns.Matches(ns) && p.pod.Matches(pod) {
			return true
		}
	}
	return false
}

var calicoViews = []calicoView{
	{ns: "shop", sa: "web", nsLabels: map[string]string{"team": "a"}, podLbls: map[string]string{"app": "web", "tier": "front"}},
	{ns: "shop", sa: "db", nsLabels: map[string]string{"team": "a"}, podLbls: map[string]string{"app": "db"}},
	{ns: "bank", sa: "default", nsLabels: map[string]string{"team": "b", "a": "x"}, podLbls: map[string]string{"a": "y", "b": ""}},
	{ns: "empty", sa: "x"},
}

// TestCalicoSelector: the selector language's documented verdicts
// (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors),
// by Calico's own reading and by the compiled model formula.
func TestCalicoSelector(t *testing.T) {
	cases := []struct {
		sel  string
		want []bool // per calicoViews
		doc  string
	}{
		{"", []bool{true, true, true, true}, `"all() or the empty selector -> matches all endpoints"`},
		{"all()", []bool{true, true, true, true}, `"all()"`},
		{"app == 'web'", []bool{true, false, false, false}, `"k == 'v'": label k with value v`},
		{`app == "web"`, []bool{true, false, false, false}, `string literals in " or '`},
		{"app != 'web'", []bool{false, true, true, true}, `"k != 'v'": "also matches if label is not present"`},
		{"has(app)", []bool{true, true, false, false}, `"has(k)"`},
		{"!has(app)", []bool{false, false, true, true}, `"! expr -> negation of expr"`},
		{"app in {'web', 'db'}", []bool{true, true, false, false}, `"k in { 'v1', 'v2' }"`},
		{"app not in {'web'}", []bool{false, true, true, true}, `"k not in { 'v1', 'v2' }": or without label k`},
		{"app notin {'web'}", []bool{false, true, true, true}, `the tokenizer takes "notin" as "not in"`},
		{"app in {}", []bool{false, false, false, false}, `an empty set`},
		{"b == ''", []bool{false, false, true, false}, `an empty value`},
		{"app == 'web' || a == 'y'", []bool{true, false, true, false}, `"expr || expr"`},
		{"has(app) && tier != 'front'", []bool{false, true, false, false}, `"expr && expr"`},
		{"!!has(app)", []bool{true, true, false, false}, `a run of "!"`},
		{"!(has(app) || has(a))", []bool{false, false, false, true}, `"( expr ) -> parens for grouping"`},
		{"app == 'web' || app == 'db' && tier == 'front'", []bool{true, false, false, false}, `&& binds tighter than ||`},
		{"projectcalico.org/namespace == 'shop'", []bool{true, true, false, false}, `projectcalico.org/namespace (calico-labels)`},
		{"pcns.team == 'b' || app == 'db'", []bool{false, true, true, false}, `pcns.<key>: the namespace's labels, mixed with the pod's`},
		{"pcns.a == 'x' && a == 'y'", []bool{false, false, true, false}, `a namespace and a pod label of the same key`},
		{"!(pcns.team == 'a' && app == 'web')", []bool{false, true, true, true}, `a negated mixed formula`},
		{"projectcalico.org/serviceaccount in {'db', 'x'}", []bool{false, true, false, true}, `projectcalico.org/serviceaccount (calico-labels)`},
		{"pcns.projectcalico.org/name == 'bank'", []bool{false, false, true, false}, `the namespace's projectcalico.org/name`},
		{"app == 'not a label value'", []bool{false, false, false, false}, `a value no pod label can hold`},
		{"app != 'not a label value'", []bool{true, true, true, true}, `its negation`},
	}
	for _, tc := range cases {
		s, err := calicoParseSelector(tc.sel)
		if err != nil {
			t.Errorf("%q: %v", tc.sel, err)
			continue
		}
		ps, err := calicoPairs(calicoCtxEndpoint, s, false)
		if err != nil {
			t.Errorf("%q: %v", tc.sel, err)
			continue
		}
		for i, v := range calicoViews {
			ns, pod := v.model()
			if got := s.calicoEval(v.flat()); got != tc.want[i] {
				t.Errorf("%q on %v: Calico's reading %v, want %v (%s)", tc.sel, v, got, tc.want[i], tc.doc)
			}
			if got := calicoPairsMatch(ps, ns, pod); got != tc.want[i] {
				t.Errorf("%q on %v: model %v, want %v (%s)", tc.sel, v, got, tc.want[i], tc.doc)
			}
		}
	}
	for _, bad := range []string{"app ==", "app = 'x'", "has(app", "(app == 'x'", "app in {'x'", "'x'", "app == 'x' &&", "app ~ 'x'", "all(", "app == 'x"} {
		if _, err := calicoParseSelector(bad); err == nil {
			t.Errorf("%q parses, want an error", bad)
		}
	}
}

// TestCalicoNamespaceSelector: all() and global() in a namespaceSelector
// (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#entityrule:
// namespaceSelector "global()" selects non-namespaced resources, "all()"
// every namespace).
func TestCalicoNamespaceSelector(t *testing.T) {
	for _, tc := range []struct {
		sel              string
		pod, globalSet   bool
		namespaceLabelOK bool
	}{
		{"all()", true, false, true},
		{"global()", false, true, true},
		{"projectcalico.org/name == 'shop'", true, false, true},
		{"!has(team)", false, true, true},
	} {
		ps, err := calicoParsePairs(calicoCtxNamespace, tc.sel)
		if err != nil {
			t.Fatalf("%q: %v", tc.sel, err)
		}
		ns, pod := calicoViews[0].model()
		if got := calicoPairsMatch(ps, ns, pod); got != tc.pod {
			t.Errorf("%q on a pod in shop: %v, want %v", tc.sel, got, tc.pod)
		}
		if got := calicoPairsOn(ps, nil, "", true) == calicoTrue; got != tc.globalSet {
			t.Errorf("%q on a global set: %v, want %v", tc.sel, got, tc.globalSet)
		}
	}
}

// FuzzCalicoSelector: no input panics the parser; a parsed selector's
// String re-parses to the same verdicts; where it compiles, the model
// formula agrees with Calico's reading on every view.
func FuzzCalicoSelector(f *testing.F) {
	for _, s := range []string{"", "all()", "app == 'web'", "!has(a) || b in {'x', \"y\"}", "(a != 'x' && !(b not in {'y'}))",
		"pcns.team == 'a' || app == 'web' && !pcns.a == 'x'", "app contains 'w'", "a starts with 'x' || global()", "global() && a == 'x'",
		"projectcalico.org/namespace == 'shop'", "has( a )", "a notin{'x',}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := calicoParseSelector(in)
		if err != nil {
			return
		}
		text := s.String()
		s2, err := calicoParseSelector(text)
		if err != nil {
			t.Fatalf("%q prints as %q, which does not parse: %v", in, text, err)
		}
		for _, v := range calicoViews {
			if s.calicoEval(v.flat()) != s2.calicoEval(v.flat()) {
				t.Fatalf("%q and its print %q differ on %v", in, text, v)
			}
		}
		ps, err := calicoPairs(calicoCtxEndpoint, s, false)
		if err != nil {
			return
		}
		for _, v := range calicoViews {
			ns, pod := v.model()
			if got, want := calicoPairsMatch(ps, ns, pod), s.calicoEval(v.flat()); got != want {
				t.Fatalf("%q on %v: model %v, Calico %v", in, v, got, want)
			}
		}
	})
}

// FuzzCalico: arbitrary bytes as any Calico object never panic the
// compiler or the evaluator, and every entry names its object.
func FuzzCalico(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"f"},"spec":{"selector":"all()","ingress":[{"action":"Allow","source":{"notSelector":"a == 'x'"}}]}}`,
		`{"metadata":{"name":"f","namespace":"ns"},"spec":{"tier":"t","order":5,"egress":[{"action":"Deny","protocol":"TCP","destination":{"ports":["1:9",80,"http"],"notPorts":[5]}}]}}`,
		`{"metadata":{"name":"f"},"spec":{"order":3,"defaultAction":"Pass"}}`,
		`{"metadata":{"name":"f","labels":{"a":"x"}},"spec":{"nets":["10.0.0.0/8","1.2.3.4"]}}`,
		`{"spec":{"egress":[{"action":"Allow","source":{"selector":"a == 'x'"},"destination":{"selector":"pcns.a == 'y' || b == 'z'","namespaceSelector":"global()"}}]}}`,
		`{"metadata":{"name":"f","namespace":"shop"},"spec":{"types":["Egress"],"egress":[{"action":"Pass","notProtocol":"UDP","source":{"serviceAccounts":{"names":["web"]}},"destination":{"notSelector":"app == 'db' || pcns.team == 'b'","notPorts":["1:79"]}},{"action":"Log","ipVersion":4,"destination":{"nets":["10.0.0.0/8"]}}]}}`,
		`{"metadata":{"name":"f"},"spec":{"tier":"kube-admin","order":1,"namespaceSelector":"all()","serviceAccountSelector":"projectcalico.org/name == 'web'","ingress":[{"action":"Deny","protocol":1,"icmp":{"type":8}},{"action":"Allow","http":{"methods":["GET"]},"destination":{"selector":"app in {'web'}"}}]}}`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	kinds := []string{"GlobalNetworkPolicy", "NetworkPolicy", "Tier", "NetworkSet", "GlobalNetworkSet", "StagedNetworkPolicy"}
	nss, eps := calicoEstate()
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		var objs []Object
		for i, kind := range kinds {
			if uint8(i) != k%uint8(len(kinds)) && k < 128 {
				continue
			}
			o := Object{APIVersion: "projectcalico.org/v3", Kind: kind, Name: "f", JSON: data}
			if kind == "NetworkPolicy" || kind == "NetworkSet" || kind == "StagedNetworkPolicy" {
				o.Namespace = "shop"
			}
			objs = append(objs, o)
		}
		c := Compile(Cluster{CNI: Calico}, nil, objs)
		refs := map[string]bool{}
		for i := range objs {
			refs[objs[i].Ref()] = true
		}
		for _, u := range append(append([]model.Unmodelled{}, c.Unmodelled...), c.Inert...) {
			if !refs[u.Object] || u.Layer != LayerCalico || u.Why == "" {
				t.Fatalf("entry %+v does not name its object", u)
			}
		}
		for _, p := range c.Policies {
			if !refs[p.Object] {
				t.Fatalf("policy %q names no object", p.Object)
			}
		}
		ev := model.New(nss, c.Policies, eps)
		for s := range eps {
			for d := range eps {
				ev.Decide(s, d, 80, corev1.ProtocolTCP)
			}
		}
	})
}

// TestCalicoSubtract: notPorts carve ranges.
func TestCalicoSubtract(t *testing.T) {
	got := calicoSubtract([]calicoPortRange{{1, 100}}, []calicoPortRange{{1, 1}, {50, 60}, {100, 200}})
	want := []calicoPortRange{{2, 49}, {61, 99}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
}
