package rules

// l7-unenforced
//
// Governs: every ingress and egress rule of every NetworkIdentity with `l7`
// (HTTP, gRPC or Kafka request rules).
// Requires: the cluster enforces them, which netid renders only as
// CiliumNetworkPolicy L7 rules (HTTP, and gRPC as HTTP; Cilium no longer
// enforces Kafka topics, so those are refused everywhere): a ClusterNetworkIdentity with cni cilium and
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
		enforced := set.CNI == v1alpha1.CNICilium && set.Native()
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
				switch {
				case l7 == nil:
					return
				case enforced && len(l7.Kafka) > 0:
					// Cilium 1.20's toPorts rules hold http and dns only:
					// Kafka-aware policy was removed (its upgrade notes)
					out = append(out, Violation{Object: d.Object, Field: field + ".kafka", Workloads: []string{k},
						Message: "declares Kafka topic rules, which Cilium no longer enforces (its policy's L7 rules are HTTP and DNS since Kafka-aware policy was removed): the flow would admit every Kafka request on its ports; remove kafka and review the flow as open to every topic"})
					return
				case enforced:
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
