package proof

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Preferred representatives, so that the report names the same probes as
// long as nothing tells them apart: a documentation address outside the
// cluster for each family, and a port no one declares.
var (
	outsideAddr4 = netip.MustParseAddr("198.51.100.7")
	outsideAddr6 = netip.MustParseAddr("2001:db8::7")
	probePort    = port{65000, corev1.ProtocolTCP}
)

// addrAtom is one address standing for every address inside exactly the
// same prefixes (In: their indices).
type addrAtom struct {
	Addr netip.Addr
	In   []int
}

// addrAtoms returns, for IPv4 and IPv6, one address for each distinct set of
// the given prefixes that contain it: every address there is lies inside
// exactly the same prefixes as one of them, so an ipBlock (a prefix minus
// except prefixes) matches it iff it matches that one. Prefixes are cut at
// their first address and just past their last; between two cuts membership
// does not change. Invalid prefixes are ignored.
func addrAtoms(prefixes []netip.Prefix) []addrAtom {
	var out []addrAtom
	for _, v6 := range []bool{false, true} {
		first, preferred := netip.IPv4Unspecified(), outsideAddr4
		if v6 {
			first, preferred = netip.IPv6Unspecified(), outsideAddr6
		}
		cuts := []netip.Addr{first}
		var fam []int
		for i, p := range prefixes {
			if !p.IsValid() || p.Addr().Is6() != v6 {
				continue
			}
			fam = append(fam, i)
			p = p.Masked()
			cuts = append(cuts, p.Addr())
			if next := lastAddr(p).Next(); next.IsValid() {
				cuts = append(cuts, next)
			}
		}
		slices.SortFunc(cuts, netip.Addr.Compare)
		cuts = slices.Compact(cuts)
		in := func(a netip.Addr) []int {
			var s []int
			for _, i := range fam {
				if prefixes[i].Contains(a) {
					s = append(s, i)
				}
			}
			return s
		}
		seen := map[string]bool{}
		// The preferred address first, so it stands for its class.
		cands := append([]netip.Addr{preferred}, cuts...)
		for _, a := range cands {
			s := in(a)
			key := intsKey(s)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, addrAtom{Addr: a, In: s})
		}
	}
	return out
}

// lastAddr is the last address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// portRange is an inclusive range of one protocol's ports.
type portRange struct {
	proto  corev1.Protocol
	lo, hi int32
}

var protocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// portClasses returns one port for each distinct set of ranges containing it,
// over ports 1 to 65535 of the given protocols (TCP, UDP and SCTP when none
// are given): two ports in exactly the same ranges are admitted by exactly the
// same rules. The ports in no range form one class across protocols,
// represented by port 65000 of the first protocol when it is in it.
func portClasses(ranges []portRange, protos ...corev1.Protocol) []port {
	if len(protos) == 0 {
		protos = protocols
	}
	in := func(pt port) []int {
		var s []int
		for i, r := range ranges {
			if r.proto == pt.proto && r.lo <= pt.n && pt.n <= r.hi {
				s = append(s, i)
			}
		}
		return s
	}
	cands := []port{{probePort.n, protos[0]}}
	for _, proto := range protos {
		cuts := []int32{1}
		for _, r := range ranges {
			if r.proto != proto {
				continue
			}
			cuts = append(cuts, r.lo)
			if r.hi < 65535 {
				cuts = append(cuts, r.hi+1)
			}
		}
		slices.Sort(cuts)
		for _, c := range slices.Compact(cuts) {
			cands = append(cands, port{c, proto})
		}
	}
	seen := map[string]bool{}
	var out []port
	for _, pt := range cands {
		key := intsKey(in(pt))
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, pt)
	}
	return out
}

func intsKey(s []int) string {
	var b strings.Builder
	for _, i := range s {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	return b.String()
}
