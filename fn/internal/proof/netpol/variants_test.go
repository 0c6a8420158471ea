package netpol

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestWithVariantsIsNew checks that WithVariants gives exactly the Engine New
// builds over the endpoints and the variants: the same sets, indexes, ports
// and warnings, and so the same verdicts, port entries and admitting rules,
// over random estates and policies, with variants of pods and of addresses,
// several of one endpoint, and variants of variants.
func TestWithVariantsIsNew(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 80
	}
	for seed := range n {
		r := rand.New(rand.NewPCG(uint64(seed), 0x7a1a))
		sc := genScenario(r, genOptions{})
		e := New(sc.namespaces, sc.policies, sc.endpoints)
		eps := slices.Clone(sc.endpoints)
		for round := range 1 + seed%2 {
			var vs []Variant
			n0 := len(eps)
			for range r.IntN(n0 + 1) {
				of := r.IntN(n0)
				v := Variant{Of: of, Ports: genContainerPorts(r)}
				vs = append(vs, v)
				ep := eps[of]
				ep.Name = fmt.Sprintf("%s variant %d", ep.Name, len(eps))
				ep.Ports = v.Ports
				eps = append(eps, ep)
			}
			e = e.WithVariants(vs)
			want := New(sc.namespaces, sc.policies, eps)
			if got, want := engineState(e), engineState(want); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, round %d: WithVariants differs from New:\n got  %v\n want %v", seed, round, got, want)
			}
			sameVerdicts(t, e, want, fmt.Sprintf("seed %d, round %d", seed, round))
		}
	}
}

// engineState is everything an Engine holds, sets as their members.
func engineState(e *Engine) map[string]any {
	members := func(s sparse) []int {
		var out []int
		s.each(func(i int) { out = append(out, i) })
		return out
	}
	dense := func(b bitset) []int {
		var out []int
		b.each(func(i int) { out = append(out, i) })
		return out
	}
	lists := func(ls [][]int32) [][]int32 {
		out := make([][]int32, len(ls))
		for i, l := range ls {
			if len(l) > 0 {
				out[i] = l
			}
		}
		return out
	}
	var policies, rules []string
	for _, p := range e.policies {
		policies = append(policies, fmt.Sprint(p.name, members(p.targets), p.ingress, p.egress))
	}
	for _, r := range e.rules {
		rules = append(rules, fmt.Sprint(r.policy, r.ports, members(r.peers), r.allPeers))
	}
	var ports []string
	for _, p := range e.ports {
		ports = append(ports, fmt.Sprint(p))
	}
	return map[string]any{
		"n": e.n, "all": dense(e.all), "pods": dense(e.pods), "ports": ports,
		"policies": policies, "rules": rules,
		"ingressIsolated": dense(e.ingressIsolated), "egressIsolated": dense(e.egressIsolated), "egressFree": dense(e.egressFree),
		"ingressOf": lists(e.ingressOf), "egressOf": lists(e.egressOf), "egressTo": lists(e.egressTo),
		"egressToAll": fmt.Sprint(e.egressToAll), "warnings": e.Warnings(),
	}
}

// sameVerdicts compares what two Engines answer, pair by pair.
func sameVerdicts(t *testing.T, got, want *Engine, where string) {
	t.Helper()
	for dst := range want.Len() {
		if g, w := got.PortEntries(dst), want.PortEntries(dst); !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: PortEntries(%d) = %v, want %v", where, dst, g, w)
		}
		for _, pp := range probePorts {
			if g, w := got.Sources(dst, pp.port, pp.proto), want.Sources(dst, pp.port, pp.proto); !slices.Equal(g, w) {
				t.Fatalf("%s: Sources(%d, %v) = %v, want %v", where, dst, pp, g, w)
			}
			for src := range want.Len() {
				if g, w := got.Admitting(src, dst, pp.port, pp.proto), want.Admitting(src, dst, pp.port, pp.proto); !slices.Equal(g, w) {
					t.Fatalf("%s: Admitting(%d, %d, %v) = %v, want %v", where, src, dst, pp, g, w)
				}
			}
		}
	}
}
