package rules

// netpol-flow-justified
//
// Governs: every NetworkPolicy in the stream that allows something, i.e. has
// at least one ingress or egress rule.
// Requires: non-empty netid.dev/peer and netid.dev/reason annotations, naming
// the other end of the flow and why the flow exists (netid writes both from
// the declaration), for every rule: an annotation in the per-rule form
// ("ingress[0]: …", one line per rule, v1alpha1.RuleAnnotation) must have a
// non-empty line for each rule; a plain one speaks for every rule. Pure deny
// policies, with no rules, need neither.

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var netpolFlowJustified = register(&Rule{
	ID:          "netpol-flow-justified",
	Title:       "Every NetworkPolicy that allows a flow names its peer and its reason",
	Rationale:   "An allow policy whose peer and purpose are not written down cannot be reviewed or removed safely: nobody can tell whether the flow is still needed, or who asked for it.",
	Remediation: "Declare the flow in the workload's NetworkIdentity with a reason (netid annotates the policy), or add the netid.dev/peer and netid.dev/reason annotations to the policy.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening > Network policies"),
		controls.NISTControl("4.3.3"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, p := range s.NetworkPolicies {
			spec := p.Typed.Spec
			if len(spec.Ingress) == 0 && len(spec.Egress) == 0 {
				continue
			}
			var missing []string
			for _, a := range []string{v1alpha1.PeerAnnotation, v1alpha1.ReasonAnnotation} {
				if strings.TrimSpace(p.Typed.Annotations[a]) == "" {
					missing = append(missing, a)
				}
			}
			if len(missing) > 0 {
				out = append(out, Violation{Object: p.Ref, Field: "metadata.annotations",
					Message:   fmt.Sprintf("policy has %s but no %s annotation", flowJustifiedAllows(len(spec.Ingress), len(spec.Egress)), strings.Join(missing, " or ")),
					Workloads: s.OwnerOf(p.Ref.Namespace, p.Typed.ObjectMeta)})
				continue
			}
			for _, d := range []struct {
				name  string
				rules int
			}{{"ingress", len(spec.Ingress)}, {"egress", len(spec.Egress)}} {
				for i := range d.rules {
					var missing []string
					for _, a := range []string{v1alpha1.PeerAnnotation, v1alpha1.ReasonAnnotation} {
						if strings.TrimSpace(v1alpha1.RuleAnnotation(p.Typed.Annotations[a], d.name, i)) == "" {
							missing = append(missing, a)
						}
					}
					if len(missing) > 0 {
						out = append(out, Violation{Object: p.Ref, Field: fmt.Sprintf("spec.%s[%d]", d.name, i),
							Message:   fmt.Sprintf("rule has no %s[%d] line in its policy's %s annotation", d.name, i, strings.Join(missing, " or ")),
							Workloads: s.OwnerOf(p.Ref.Namespace, p.Typed.ObjectMeta)})
					}
				}
			}
		}
		return out
	},
})

// flowJustifiedAllows describes what a policy's rules allow, e.g. "2 ingress rules".
func flowJustifiedAllows(ingress, egress int) string {
	var parts []string
	for _, d := range []struct {
		n    int
		name string
	}{{ingress, "ingress"}, {egress, "egress"}} {
		switch {
		case d.n == 1:
			parts = append(parts, "1 "+d.name+" rule")
		case d.n > 1:
			parts = append(parts, fmt.Sprintf("%d %s rules", d.n, d.name))
		}
	}
	return strings.Join(parts, " and ")
}
