package netpol_test

import (
	"os"
	"strconv"
	"testing"

	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// TestModelAgreesWithEngine: the multi-layer evaluator, given only
// NetworkPolicies (compiled by dialect.NetworkPolicies, at every placement a
// CNI gives them), answers exactly as this package's engine, on every
// (source, destination, port) of random estates. So nothing regresses when
// the proof evaluates NetworkPolicy through the model.
func TestModelAgreesWithEngine(t *testing.T) {
	n := 3000
	if s := os.Getenv("NETID_MODEL_SCENARIOS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	placements := []dialect.Cluster{{CNI: dialect.Generic}, {CNI: dialect.Calico}, {CNI: dialect.Cilium}, {CNI: dialect.Antrea}}
	verdicts := 0
	for seed := range uint64(n) {
		nss, eps, pols := netpol.GenScenario(seed)
		engine := netpol.New(nss, pols, eps)
		c := placements[seed%uint64(len(placements))]
		compiled := dialect.NetworkPolicies(pols, dialect.NetworkPolicyPlacement(c))
		ev := model.New(nss, compiled.Policies, eps)
		for src := range eps {
			for dst := range eps {
				for _, pp := range netpol.ProbePorts() {
					want := engine.Allowed(src, dst, pp.Port, pp.Proto)
					v := ev.Decide(src, dst, pp.Port, pp.Proto)
					verdicts++
					if v.Allowed != want || ev.Allowed(src, dst, pp.Port, pp.Proto) != want {
						t.Fatalf("seed %d: %s -> %s on %d/%s: engine %v, model %v (%v)", seed, eps[src].Name, eps[dst].Name, pp.Port, pp.Proto, want, v.Allowed, describe(ev, v))
					}
				}
			}
		}
	}
	t.Logf("%d scenarios, %d verdicts, all equal", n, verdicts)
}

func describe(ev *model.Evaluator, v model.Verdict) []string {
	var out []string
	for _, d := range v.Decisions {
		out = append(out, ev.Describe(d))
	}
	return out
}
