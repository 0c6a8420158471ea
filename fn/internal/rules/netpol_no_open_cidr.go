package rules

// netpol-no-open-cidr
//
// Governs: the ipBlock peers of every NetworkPolicy in the stream, ingress
// and egress.
// Requires: no ipBlock cidr with prefix length 0 (0.0.0.0/0, ::/0, however
// the address is written), unless the policy carries a non-empty
// netid.dev/reason annotation justifying it (for that rule, when the
// annotation is in the per-rule form, v1alpha1.RuleAnnotation). `except` does not count as
// narrowing: a /0 with holes still reaches the whole Internet.

import (
	"fmt"
	"net/netip"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var netpolNoOpenCIDR = register(&Rule{
	ID:          "netpol-no-open-cidr",
	Title:       "NetworkPolicies do not allow 0.0.0.0/0 or ::/0 without a stated reason",
	Rationale:   "An ipBlock of prefix length 0 allows every address, in the cluster and on the Internet; it is the usual path for data exfiltration and command-and-control, so it needs a reason a reviewer can read, and except lists do not make it narrow.",
	Remediation: "Narrow the cidr to the addresses the workload talks to, or state why it needs every address in the policy's netid.dev/reason annotation (the reason of the declared flow).",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening > Network policies"),
		controls.NISTControl("4.4.2"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, p := range s.NetworkPolicies {
			reason := p.Typed.Annotations[v1alpha1.ReasonAnnotation]
			owners := s.OwnerOf(p.Ref.Namespace, p.Typed.ObjectMeta)
			judge := func(field, dir string, peers []networkingv1.NetworkPolicyPeer, why string) {
				if strings.TrimSpace(why) != "" {
					return
				}
				for j, peer := range peers {
					if peer.IPBlock == nil || !noOpenCIDRCoversAll(peer.IPBlock.CIDR) {
						continue
					}
					out = append(out, Violation{Object: p.Ref, Field: fmt.Sprintf("%s[%d].ipBlock.cidr", field, j), Workloads: owners,
						Message: fmt.Sprintf("ipBlock %s allows %s every address, and the policy has no %s annotation saying why", peer.IPBlock.CIDR, dir, v1alpha1.ReasonAnnotation)})
				}
			}
			for i, r := range p.Typed.Spec.Ingress {
				judge(fmt.Sprintf("spec.ingress[%d].from", i), "in from", r.From, v1alpha1.RuleAnnotation(reason, "ingress", i))
			}
			for i, r := range p.Typed.Spec.Egress {
				judge(fmt.Sprintf("spec.egress[%d].to", i), "out to", r.To, v1alpha1.RuleAnnotation(reason, "egress", i))
			}
		}
		return out
	},
})

// noOpenCIDRCoversAll reports a cidr of prefix length 0. A /0 covers every
// address whatever address it is written with (10.0.0.0/0 included); when
// net/netip cannot read the text (e.g. "0.0.0.0/00", which the API server's
// sloppy parser accepts), the length after the slash decides.
func noOpenCIDRCoversAll(cidr string) bool {
	cidr = strings.TrimSpace(cidr)
	if p, err := netip.ParsePrefix(cidr); err == nil {
		return p.Bits() == 0
	}
	i := strings.LastIndexByte(cidr, '/')
	if i < 0 || i == len(cidr)-1 {
		return false
	}
	return strings.Trim(cidr[i+1:], "0") == ""
}
