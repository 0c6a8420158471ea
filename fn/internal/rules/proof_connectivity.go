package rules

// proof-connectivity
//
// Governs: the whole stream's NetworkPolicies (generated and user-authored),
// judged against the declared flows.
// Requires: the flow matrix the policies actually allow, computed with the
// full networking.k8s.io/v1 semantics between every workload and witnesses
// derived from every selector and address block of the policies and the
// declarations (one pod or address for every combination of verdicts they
// can have, so that every pod or address that could exist is judged through
// one nothing can tell apart from it), equals the declaration: every declared
// flow open on exactly its ports (plus each namespace's DNS and mesh
// control-plane egress), every other judged flow closed. A pair is judged when
// either end is a pod of a governed namespace. Where the witnesses cannot be
// enumerated (past the proof's bound), the rule fails rather than judge a
// sample. A declared FQDN flow, which NetworkPolicy cannot express, is not
// judged: each is a warning on its caller, so the results say so too.

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

var proofConnectivity = register(&Rule{
	ID:          "proof-connectivity",
	Title:       "The rendered policies allow exactly the declared flows",
	Rationale:   "Each policy can look right and the set still be wrong: a user policy that opens more, a selector that also matches a clone in another namespace, a named port the callee does not have. Only the computed matrix over the whole stream shows what the cluster will enforce.",
	Remediation: "Remove or narrow the policy that opens the undeclared flow, or declare the flow (with its reason) in the NetworkIdentity; for a blocked declared flow, check the callee's ports and labels and any user policy that shadows the generated one.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening > Network policies"),
		controls.NISTControl("4.3.3"),
		controls.NISTControl("4.4.2"),
	},
	Check: func(s *Stream) []Violation {
		if s.Plan == nil {
			return nil
		}
		var out []Violation
		// per object and field: how many mismatches it has, to bound the
		// findings (every mismatch stays in netid verify's output)
		seen := map[string]int{}
		over := map[string]*Violation{}
		var overOrder []string
		for _, c := range s.Connectivity().Mismatches {
			v := Violation{Message: c.Describe(), Field: "spec"}
			// Attribute to the governed workloads at either end.
			for _, name := range []string{c.ToWorkload, c.FromWorkload} {
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
				v.Object = finding.Object{Kind: "Namespace", Name: c.Namespace}
			}
			// An undeclared open flow is reported on the policy rule that
			// opens it, so the findings group under their cause.
			if len(c.Via) > 0 {
				name, field, _ := strings.Cut(c.Via[0], " ")
				if np := s.networkPolicyNamed(name); np != nil {
					v.Object, v.Field = np.Ref, field
				}
			}
			key := v.Object.String() + " " + v.Field
			if seen[key]++; seen[key] > maxMismatchFindings {
				if over[key] == nil {
					o := v
					over[key] = &o
					overOrder = append(overOrder, key)
				}
				continue
			}
			out = append(out, v)
		}
		for _, k := range overOrder {
			v := *over[k]
			v.Message = fmt.Sprintf("… and %d more flows here differ from the declaration (the first %d are listed; `netid verify` lists every one)", seen[k]-maxMismatchFindings, maxMismatchFindings)
			out = append(out, v)
		}
		for _, u := range s.Connectivity().Unjudged {
			ns, _, _ := strings.Cut(u.From, "/")
			v := Violation{Object: finding.Object{Kind: "Namespace", Name: ns}, Field: "spec", Notice: true,
				Message: "declared flow " + u.String() + "; the connectivity proof does not judge it"}
			if w := s.workloadNamed(u.From); w != nil {
				v.Object = w.Ref
				if s.Declared[w.Key()] != nil {
					v.Workloads = []string{w.Key()}
				}
			}
			out = append(out, v)
		}
		for _, g := range s.Connectivity().Incomplete {
			out = append(out, Violation{Object: finding.Object{Kind: "Namespace", Name: g.Namespace}, Field: "spec",
				Message: "the connectivity proof cannot judge every pod: " + g.Reason + "; it claims nothing, so the render is refused"})
		}
		return out
	},
})

// maxMismatchFindings bounds the findings of one object and field: with a
// mesh's membership labels the witnesses, and so the mismatches of one cause,
// can number hundreds of thousands, which no runner can carry as results.
const maxMismatchFindings = 200

// networkPolicyNamed finds a NetworkPolicy of the stream by "namespace/name".
func (s *Stream) networkPolicyNamed(name string) *Object[networkingv1.NetworkPolicy] {
	return s.idx().policies[name]
}

// workloadNamed finds the workload an endpoint name ("ns/name") stands for.
func (s *Stream) workloadNamed(name string) *Workload {
	return s.idx().workloadByKey[name]
}
