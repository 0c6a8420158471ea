package rules

// l7-unenforced
//
// Governs: every ingress and egress rule of every NetworkIdentity with `l7`
// (HTTP, gRPC or Kafka request rules).
// Requires: the cluster enforces them, which netid renders only as
// CiliumNetworkPolicy L7 rules: a ClusterNetworkIdentity with cni cilium and
// dialect native (the render's settings, plan.Settings). Anywhere else the
// flow would be open to every request on its ports while the declaration
// says it is restricted.

import (
	"fmt"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/krm/v1alpha1"
)

var l7Unenforced = register(&Rule{
	ID:          "l7-unenforced",
	Title:       "L7 rules of a flow are declared only where the cluster enforces them (Cilium, native dialect)",
	Rationale:   "A flow restricted to some HTTP requests, gRPC methods or Kafka topics is reviewed as that narrow; rendered where nothing enforces layer 7, it admits every request on its ports, wider than anyone approved.",
	Remediation: "Declare a ClusterNetworkIdentity with cni cilium and dialect native, or remove the flow's l7 and review it as open to every request on its ports.",
	Severity:    finding.Error,
	NoControl:   "It keeps netid's render as narrow as its declaration (what a flow's l7 says must be enforced); the published catalogs name no control for layer-7 policy.",
	Check: func(s *Stream) []Violation {
		set := l7Settings(s)
		if set.CNI == v1alpha1.CNICilium && set.Native() {
			return nil
		}
		where := fmt.Sprintf("cni %s with dialect %s", set.CNI, set.Dialect)
		if set.Object.Kind != "" {
			where += " (" + set.Object.String() + " spec.cni, spec.dialect)"
		} else {
			where += " (no " + v1alpha1.ClusterKind + ")"
		}
		var out []Violation
		for _, k := range s.DeclaredKeys() {
			d := s.Declared[k]
			judge := func(field string, l7 *v1alpha1.L7) {
				if l7 == nil {
					return
				}
				out = append(out, Violation{Object: d.Object, Field: field, Workloads: []string{k},
					Message: fmt.Sprintf("declares L7 rules, but the cluster is %s: nothing would enforce them and the flow would admit every request on its ports; only cni cilium with dialect native renders them", where)})
			}
			for i, r := range d.Config.Spec.Ingress {
				judge(fmt.Sprintf("spec.ingress[%d].l7", i), r.L7)
			}
			for i, r := range d.Config.Spec.Egress {
				judge(fmt.Sprintf("spec.egress[%d].l7", i), r.L7)
			}
		}
		return out
	},
})

// l7Settings are the render's settings: the plan's, else the CNI the stream
// says in the NetworkPolicy dialect.
func l7Settings(s *Stream) load.Enforced {
	if s.Plan != nil {
		return s.Plan.Settings
	}
	return load.Enforced{CNI: v1alpha1.CNI(s.Cluster().CNI), Dialect: v1alpha1.DialectNetworkPolicy}
}
