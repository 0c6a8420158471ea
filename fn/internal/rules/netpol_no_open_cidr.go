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
//
// Every other layer the connectivity proof evaluates is judged alike,
// through its compiled policies (proof.Result.Policies): an Allow rule that
// a user object of Calico, Cilium, Antrea, the admin network policy API,
// Istio or Linkerd writes, with an address peer of every address (a /0
// net, whatever it excepts, or an address peer without a net: Cilium's
// entity world, world-ipv4, world-ipv6), is an open CIDR unless the object
// carries a non-empty netid.dev/reason annotation (the object's whole
// reason: the per-rule form names NetworkPolicy rules). A rule naming no
// peers at all is netpol-no-allow-all's concern. The finding names the
// object that writes the rule (a Linkerd NetworkAuthentication's
// authorization, not its Server), the rule's path and its layer. Objects
// netid generates are not judged.

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof/model"
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
		return append(out, noOpenCIDRLayered(s)...)
	},
})

// noOpenCIDRLayered judges the address peers of the Allow rules user
// objects of the layers other than NetworkPolicy write.
func noOpenCIDRLayered(s *Stream) []Violation {
	var out []Violation
	s.userRules(func(w writtenRule) {
		r := w.Rule
		if r.Action != model.Allow {
			return
		}
		var open []string
		for _, p := range r.Peers {
			if everyPod(p) || !everyAddress(p) {
				continue // every pod (and address) is netpol-no-allow-all's
			}
			if len(p.Nets) == 0 {
				open = append(open, "every address outside the cluster")
			}
			for _, n := range p.Nets {
				if n.Bits() == 0 {
					open = append(open, n.String())
				}
			}
		}
		if len(open) == 0 || strings.TrimSpace(noOpenCIDRReason(w.Object.JSON)) != "" {
			return
		}
		dir := "in from"
		if w.Dir == model.Egress {
			dir = "out to"
		}
		out = append(out, Violation{Object: w.Object.Ref, Field: w.Field, Workloads: s.layeredOwners(w.Object.Ref.Namespace),
			Message: fmt.Sprintf("%s: %s rule allows %s every address (%s), and the object has no %s annotation saying why",
				w.Policy.Layer, w.Dir, dir, strings.Join(open, ", "), v1alpha1.ReasonAnnotation)})
	})
	return out
}

// noOpenCIDRReason is an object's netid.dev/reason annotation.
func noOpenCIDRReason(js []byte) string {
	var o struct {
		Metadata struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if json.Unmarshal(js, &o) != nil {
		return ""
	}
	return o.Metadata.Annotations[v1alpha1.ReasonAnnotation]
}

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
