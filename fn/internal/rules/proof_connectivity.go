package rules

// proof-connectivity
//
// Governs: the whole stream's NetworkPolicies (generated and user-authored),
// judged against the declared flows.
// Requires: the flow matrix the policies actually allow, computed with the
// full networking.k8s.io/v1 semantics between every workload, the declared
// peers outside the render and synthetic probes (a pod of each governed
// namespace with undeclared labels, a clone of each workload's labels in
// another namespace, the DNS pods, the mesh control plane, an address outside
// the cluster), equals the declaration: every declared flow open on exactly
// its ports (plus each namespace's DNS and mesh control-plane egress), every
// other judged flow closed. A pair is judged when either end is a pod of a
// governed namespace.

import (
	"strings"

	"netid.dev/netid/fn/internal/finding"
)

var proofConnectivity = register(&Rule{
	ID:          "proof-connectivity",
	Title:       "The rendered policies allow exactly the declared flows",
	Rationale:   "Each policy can look right and the set still be wrong: a user policy that opens more, a selector that also matches a clone in another namespace, a named port the callee does not have. Only the computed matrix over the whole stream shows what the cluster will enforce.",
	Remediation: "Remove or narrow the policy that opens the undeclared flow, or declare the flow (with its reason) in the NetworkIdentity; for a blocked declared flow, check the callee's ports and labels and any user policy that shadows the generated one.",
	Severity:    finding.Error,
	Check: func(s *Stream) []Violation {
		if s.Plan == nil {
			return nil
		}
		var out []Violation
		for _, c := range s.Connectivity().Mismatches {
			v := Violation{Message: c.Describe(), Field: "spec"}
			// Attribute to the governed workloads at either end.
			for _, name := range []string{c.To, c.From} {
				if w := s.workloadNamed(name); w != nil {
					if v.Object.Kind == "" {
						v.Object = w.Ref
					}
					if s.Declared[w.Key()] != nil {
						v.Workloads = append(v.Workloads, w.Key())
					}
				}
			}
			if v.Object.Kind == "" {
				v.Object = finding.Object{Kind: "Namespace", Name: strings.SplitN(c.To, "/", 2)[0]}
			}
			out = append(out, v)
		}
		return out
	},
})

// workloadNamed finds the workload an endpoint name ("ns/name") stands for.
func (s *Stream) workloadNamed(name string) *Workload {
	for _, w := range s.Workloads {
		if w.Key() == name {
			return w
		}
	}
	return nil
}
