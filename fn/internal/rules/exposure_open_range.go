package rules

// exposure-open-range
//
// Governs: every Service of type LoadBalancer (its
// spec.loadBalancerSourceRanges) and every Service of type NodePort (the
// spec.exposure.nodePort.sourceRanges and nodeCIDRs that the NetworkIdentities
// of the workloads it selects declare for it).
// Requires: a LoadBalancer Service lists loadBalancerSourceRanges (none admits
// every address) and none of them, nor of a NodePort's declared ranges, has
// prefix length 0 (0.0.0.0/0, ::/0). An open range is a decision to expose to
// the whole Internet: it takes an exception with its ADR.

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

var exposureOpenRange = register(&Rule{
	ID:          "exposure-open-range",
	Title:       "LoadBalancer and NodePort Services admit declared source ranges, not every address",
	Rationale:   "A LoadBalancer without loadBalancerSourceRanges, or with 0.0.0.0/0 or ::/0, and a NodePort whose declared ranges are open, take connections from the whole Internet: scanners find them within minutes. That can be the intent (a public endpoint), but then it is a decision a reviewer signs, not a default.",
	Remediation: "Set the client address blocks in spec.exposure.loadBalancer or nodePort sourceRanges (and the LoadBalancer Service's spec.loadBalancerSourceRanges to the same), or record the decision to serve every address as an exception for exposure-open-range with its ADR.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, svc := range s.Services {
			reached := s.WorkloadsSelectedBy(svc.Ref.Namespace, svc.Typed.Spec.Selector)
			var keys []string
			for _, w := range reached {
				keys = append(keys, w.Key())
			}
			if len(keys) == 0 {
				keys = s.OwnerOf(svc.Ref.Namespace, svc.Typed.ObjectMeta)
			}
			switch svc.Typed.Spec.Type {
			case corev1.ServiceTypeLoadBalancer:
				ranges := svc.Typed.Spec.LoadBalancerSourceRanges
				if len(ranges) == 0 {
					out = append(out, Violation{Object: svc.Ref, Field: "spec.loadBalancerSourceRanges", Workloads: keys,
						Message: "the LoadBalancer has no loadBalancerSourceRanges, so it admits every address"})
					continue
				}
				for i, r := range ranges {
					if noOpenCIDRCoversAll(r) {
						out = append(out, Violation{Object: svc.Ref, Field: fmt.Sprintf("spec.loadBalancerSourceRanges[%d]", i), Workloads: keys,
							Message: fmt.Sprintf("the LoadBalancer admits %s, every address", strings.TrimSpace(r))})
					}
				}
			case corev1.ServiceTypeNodePort:
				names := previousNames(svc.Typed.ObjectMeta)
				for _, w := range reached {
					d := s.Declared[w.Key()]
					if d == nil || d.Config.Spec.Exposure == nil || d.Config.Spec.Exposure.NodePort == nil {
						continue
					}
					np := d.Config.Spec.Exposure.NodePort
					if !slices.Contains(names, np.Service) {
						continue
					}
					for _, r := range append(slices.Clone(np.SourceRanges), np.NodeCIDRs...) {
						if noOpenCIDRCoversAll(r) {
							out = append(out, Violation{Object: svc.Ref, Field: "spec.type", Workloads: []string{w.Key()},
								Message: fmt.Sprintf("the NodePort admits %s, every address, as %s declares in spec.exposure.nodePort", r, d.Object)})
							break
						}
					}
				}
			}
		}
		return out
	},
})
