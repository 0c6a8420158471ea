package rules

// baseline-deny
//
// Governs: every flow a NetworkIdentity declares to an address block (an
// egress cidr peer, plan.Plan.Flows), when a ClusterNetworkIdentity states
// spec.baseline.deny.
// Requires: no address the flow admits lies in a denied block. The flow's
// own `except` counts: a flow to 169.254.0.0/16 except 169.254.169.254/32
// does not reach a denied 169.254.169.254/32. The baseline denies what
// governed pods reach, so the flows into the pods (ingress from a cidr,
// exposure source ranges) are not judged. The deny is evaluated before every
// allow in every dialect, so such a flow would be declared, reviewed and
// rendered and still never work; no exception waives it (a namespace cannot
// widen the cluster's baseline).

import (
	"fmt"
	"net/netip"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/plan"
)

var baselineDeny = register(&Rule{
	ID:          "baseline-deny",
	Title:       "Declared flows do not reach an address block the cluster baseline denies",
	Rationale:   "The ClusterNetworkIdentity's baseline denies (the cloud metadata address, say) come before every allow, in every dialect: a flow declared into one is reviewed as open while the cluster blocks it, and a team cannot widen the platform's baseline by declaring it.",
	Remediation: "Remove the flow, narrow its cidr or except the denied block, or have the platform team change the ClusterNetworkIdentity's spec.baseline.deny.",
	Severity:    finding.Error,
	Unexcepted:  true,
	NoControl:   "It keeps the declarations consistent with the platform's own baseline (a contradiction, not a weakness); the baseline's deny is the platform's control, not this rule's.",
	Check: func(s *Stream) []Violation {
		if s.Plan == nil || s.Plan.Settings.Baseline == nil || len(s.Plan.Settings.Baseline.Deny) == 0 {
			return nil
		}
		set := s.Plan.Settings
		var out []Violation
		for _, f := range s.Plan.Flows {
			if f.To.Kind != plan.KindCIDR {
				continue
			}
			for i, d := range set.Baseline.Deny {
				block, err := netip.ParsePrefix(d.CIDR)
				if err != nil {
					continue // validation refuses it
				}
				hit, ok := baselineDenyReaches(f.To, block.Masked())
				if !ok {
					continue
				}
				for _, by := range f.DeclaredBy {
					obj, field, workload := s.baselineDenyDeclarer(by)
					out = append(out, Violation{Object: obj, Field: field + ".to.cidr", Workloads: workload,
						Message: fmt.Sprintf("the flow to %s reaches %s, which %s denies to every governed pod (spec.baseline.deny[%d] %s: %s); the cluster drops it before any allow",
							f.To, hit, set.Object, i, d.CIDR, d.Reason)})
				}
			}
		}
		return out
	},
})

// baselineDeclarer resolves a flow's DeclaredBy ("NetworkIdentity/ns/name
// spec.egress[0]") to the declaring NetworkIdentity, the field and its
// workload.
func (s *Stream) baselineDenyDeclarer(by string) (finding.Object, string, []string) {
	for _, k := range s.DeclaredKeys() {
		d := s.Declared[k]
		if field, ok := strings.CutPrefix(by, d.Object.String()+" "); ok {
			return d.Object, field, []string{k}
		}
	}
	obj, field, _ := strings.Cut(by, " ")
	return finding.Object{Name: obj}, field, nil
}

// baselineDenyReaches reports whether the cidr endpoint e admits an address
// of the denied block, and a block of such addresses for the message: two
// prefixes overlap only when one holds the other, and the overlap (the
// narrower) is reached unless e's except blocks cover all of it.
func baselineDenyReaches(e plan.Endpoint, denied netip.Prefix) (netip.Prefix, bool) {
	to, err := netip.ParsePrefix(e.CIDR)
	if err != nil || !to.Overlaps(denied) {
		return netip.Prefix{}, false
	}
	overlap := denied
	if to.Bits() > denied.Bits() {
		overlap = to.Masked()
	}
	var holes []netip.Prefix
	for _, x := range e.Except {
		if p, err := netip.ParsePrefix(x); err == nil && p.Overlaps(overlap) {
			holes = append(holes, p.Masked())
		}
	}
	return baselineDenyUncovered(overlap, holes)
}

// baselineDenyUncovered finds a sub-block of p no hole covers, halving p
// where a hole lies strictly inside it; false when the holes cover p.
func baselineDenyUncovered(p netip.Prefix, holes []netip.Prefix) (netip.Prefix, bool) {
	inside := false
	for _, h := range holes {
		if h.Bits() <= p.Bits() && h.Contains(p.Addr()) {
			return netip.Prefix{}, false // a hole holds all of p
		}
		if h.Bits() > p.Bits() && p.Contains(h.Addr()) {
			inside = true
		}
	}
	if !inside {
		return p, true
	}
	lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
	if q, ok := baselineDenyUncovered(lo, holes); ok {
		return q, true
	}
	hiAddr := p.Addr()
	b := hiAddr.AsSlice()
	bit := p.Bits()
	b[bit/8] |= 0x80 >> (bit % 8)
	hiAddr, _ = netip.AddrFromSlice(b)
	if p.Addr().Is4() {
		hiAddr = hiAddr.Unmap()
	}
	return baselineDenyUncovered(netip.PrefixFrom(hiAddr, p.Bits()+1), holes)
}
