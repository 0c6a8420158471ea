package netpol

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// FuzzAllowed generates a random estate and policies from the fuzzer's two
// seeds and checks invariants that hold whatever the policies say:
//   - Allowed == IngressAllowed && EgressAllowed;
//   - Sources(dst) is exactly {src : Allowed(src, dst)}, sorted;
//   - nothing restricts an external address's own side;
//   - an empty protocol is TCP;
//   - the order of the policies does not matter;
//   - adding an allow-all policy (ingress [{}], egress [{}]) to every
//     namespace allows everything (policies only ever union);
//   - the label index selects exactly what apimachinery's Selector.Matches
//     selects.
func FuzzAllowed(f *testing.F) {
	for i := range uint64(8) {
		f.Add(i, i*7919+1)
	}
	f.Fuzz(func(t *testing.T, seed1, seed2 uint64) {
		r := rand.New(rand.NewPCG(seed1, seed2))
		sc := genScenario(r, genOptions{})
		checkInvariants(t, sc, r)
	})
}

// TestInvariants runs the fuzz invariants over a fixed set of seeds, so they
// run on every `go test` and not only under -fuzz.
func TestInvariants(t *testing.T) {
	n := 500
	if testing.Short() {
		n = 100
	}
	for i := range n {
		r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
		sc := genScenario(r, genOptions{})
		checkInvariants(t, sc, r)
		if t.Failed() {
			t.Fatalf("seed %d", i)
		}
	}
}

func checkInvariants(t *testing.T, sc scenario, r *rand.Rand) {
	t.Helper()
	e := New(sc.namespaces, sc.policies, sc.endpoints)
	n := len(sc.endpoints)
	if e.Len() != n {
		t.Fatalf("Len() = %d, want %d", e.Len(), n)
	}

	shuffled := slices.Clone(sc.policies)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	eShuffled := New(sc.namespaces, shuffled, sc.endpoints)

	allowAll := slices.Clone(sc.policies)
	for _, ns := range genNamespaces {
		allowAll = append(allowAll, netpol(ns, "zz-allow-all", networkingv1.NetworkPolicySpec{
			PolicyTypes: types(ingressType, egressType),
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{}},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{}},
		}))
	}
	eAllowAll := New(sc.namespaces, allowAll, sc.endpoints)

	q := e.NewQuery()
	sets := testSets(e, r)
	for _, pp := range probePorts {
		for dst := range n {
			var want []int
			for src := range n {
				in := e.IngressAllowed(src, dst, pp.port, pp.proto)
				out := e.EgressAllowed(src, dst, pp.port, pp.proto)
				all := e.Allowed(src, dst, pp.port, pp.proto)
				where := fmt.Sprintf("%s -> %s on %d/%s", sc.endpoints[src].Name, sc.endpoints[dst].Name, pp.port, pp.proto)
				if all != (in && out) {
					t.Errorf("%s: Allowed=%v but IngressAllowed=%v EgressAllowed=%v", where, all, in, out)
				}
				if sc.endpoints[dst].Namespace == "" && !in {
					t.Errorf("%s: ingress to an external address restricted", where)
				}
				if sc.endpoints[src].Namespace == "" && !out {
					t.Errorf("%s: egress from an external address restricted", where)
				}
				if pp.proto == tcp && e.Allowed(src, dst, pp.port, "") != all {
					t.Errorf("%s: empty protocol is not TCP", where)
				}
				if eShuffled.Allowed(src, dst, pp.port, pp.proto) != all {
					t.Errorf("%s: verdict depends on the order of the policies", where)
				}
				if !eAllowAll.Allowed(src, dst, pp.port, pp.proto) {
					t.Errorf("%s: denied despite allow-all policies everywhere", where)
				}
				if all {
					want = append(want, src)
				}
			}
			if got := e.Sources(dst, pp.port, pp.proto); !slices.Equal(got, orEmpty(want)) || got == nil {
				t.Errorf("Sources(%s, %d/%s) = %v, want %v", sc.endpoints[dst].Name, pp.port, pp.proto, got, orEmpty(want))
			}
			checkEachSource(t, e, q, dst, pp.port, pp.proto, sets, want)
		}
	}

	// the label index against apimachinery, on fresh selectors
	b := newBuilder(sc.namespaces, nil, sc.endpoints)
	for range 20 {
		ls := genSelector(r, podLabelPool)
		s, err := metav1.LabelSelectorAsSelector(ls)
		got := b.podsMatching(ls, where{policy: "test"})
		for i, ep := range sc.endpoints {
			want := err == nil && ep.Namespace != "" && s.Matches(labels.Set(ep.Labels))
			if got.has(i) != want {
				t.Errorf("selector %s on %s %v: index says %v, apimachinery %v (err %v)", metav1.FormatLabelSelector(ls), ep.Name, ep.Labels, got.has(i), want, err)
			}
		}
	}
}

// testSets are sets to narrow Query.EachSource with: every endpoint, none,
// and random ones of several densities.
func testSets(e *Engine, r *rand.Rand) []Set {
	sets := []Set{e.NewSet(func(int) bool { return true }), e.NewSet(func(int) bool { return false })}
	for _, p := range []float64{0.02, 0.5, 0.9} {
		sets = append(sets, e.NewSet(func(int) bool { return r.Float64() < p }))
	}
	return sets
}

// checkEachSource compares q.EachSource with the sources the pairwise
// verdicts give (want, in increasing order), narrowed to each set.
func checkEachSource(t *testing.T, e *Engine, q *Query, dst int, port int32, proto corev1.Protocol, sets []Set, want []int) {
	t.Helper()
	for k, set := range sets {
		var got, narrowed []int
		q.EachSource(dst, port, proto, set, func(src int) { got = append(got, src) })
		for _, src := range want {
			if set.b.has(src) {
				narrowed = append(narrowed, src)
			}
		}
		if !slices.Equal(got, narrowed) {
			t.Errorf("EachSource(%d, %d/%s, set %d) = %v, want %v", dst, port, proto, k, got, narrowed)
		}
	}
}
