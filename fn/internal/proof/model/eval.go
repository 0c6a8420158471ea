package model

import (
	"fmt"
	"math/bits"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"netid.dev/netid/fn/internal/proof/netpol"
)

// Evaluator answers, over a fixed set of endpoints, what the policies decide
// for a connection. It is immutable once built and safe for concurrent use.
//
// Its cost grows with the sizes of the policies' subjects and peers, not
// with endpoints × policies: New finds each peer's endpoints through an
// index of the labels selectors require, and Named lists the only sources a
// destination's rules tell apart.
type Evaluator struct {
	eps      []netpol.Endpoint
	policies []Policy
	// subject[p] holds the endpoints policy p selects.
	subject []*set
	// peers[p][d][r] holds the peers rule r of direction d of policy p
	// matches; nil when the rule matches every endpoint.
	peers [][2][]*set
	// of[point][d][i] are the policies selecting endpoint i at point for
	// direction d, in evaluation order.
	of [2][2][][]int32
	// egressTo[i] are the egress rules (of policies selecting some
	// endpoint) whose peers hold endpoint i, egressToAll those matching
	// every endpoint, both in evaluation order.
	egressTo    [][]ruleRef
	egressToAll []ruleRef
	// mesh says some policy is read at the Mesh point.
	mesh bool
}

// ruleRef is rule r of direction Egress of policy p.
type ruleRef struct{ p, r int32 }

// set is a set of endpoints: its members ascending, and a bitset as well
// when it is large.
type set struct {
	members []int32
	bits    []uint64
}

func (s *set) has(i int) bool {
	if i < 0 {
		return false
	}
	if s.bits != nil {
		return i>>6 < len(s.bits) && s.bits[i>>6]&(1<<(uint(i)&63)) != 0
	}
	_, ok := slices.BinarySearch(s.members, int32(i))
	return ok
}

func (s *set) count() int { return len(s.members) }

// newSet makes a set of members (any order, repeats allowed) among n
// endpoints.
func newSet(members []int32, n int) *set {
	slices.Sort(members)
	s := &set{members: slices.Compact(members)}
	if len(s.members) > n/32 {
		s.bits = make([]uint64, (n+63)/64)
		for _, i := range s.members {
			s.bits[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	return s
}

// index finds the endpoints a peer may hold without testing every one.
type index struct {
	n int
	// pods are the endpoints in a namespace, ips those with an IP.
	pods, ips []int32
	// byNS are the pods of each namespace; nsLabels the namespaces'
	// labels.
	byNS     map[string][]int32
	nsLabels map[string]labels.Set
	// podsBy[key][value]: the pods labelled key=value; nsBy likewise for
	// the namespaces.
	podsBy map[string]map[string][]int32
	nsBy   map[string]map[string][]string
	epNS   []labels.Set
}

func newIndex(namespaces map[string]map[string]string, endpoints []netpol.Endpoint) *index {
	x := &index{n: len(endpoints), byNS: map[string][]int32{}, nsLabels: map[string]labels.Set{},
		podsBy: map[string]map[string][]int32{}, nsBy: map[string]map[string][]string{}, epNS: make([]labels.Set, len(endpoints))}
	nsOf := func(ns string) labels.Set {
		if l, ok := x.nsLabels[ns]; ok {
			return l
		}
		l := labels.Set{}
		for k, v := range namespaces[ns] {
			l[k] = v
		}
		if _, ok := l[corev1.LabelMetadataName]; !ok {
			l[corev1.LabelMetadataName] = ns
		}
		x.nsLabels[ns] = l
		for k, v := range l {
			if x.nsBy[k] == nil {
				x.nsBy[k] = map[string][]string{}
			}
			x.nsBy[k][v] = append(x.nsBy[k][v], ns)
		}
		return l
	}
	for i, ep := range endpoints {
		if ep.IP.IsValid() {
			x.ips = append(x.ips, int32(i))
		}
		if ep.Namespace == "" {
			continue
		}
		x.epNS[i] = nsOf(ep.Namespace)
		x.pods = append(x.pods, int32(i))
		x.byNS[ep.Namespace] = append(x.byNS[ep.Namespace], int32(i))
		for k, v := range ep.Labels {
			if x.podsBy[k] == nil {
				x.podsBy[k] = map[string][]int32{}
			}
			x.podsBy[k][v] = append(x.podsBy[k][v], int32(i))
		}
	}
	return x
}

// candidates are endpoints among which lie all the pods peer p holds (p
// not a complement), possibly with others and repeats; all says every pod
// is one.
func (x *index) candidates(p *Peer) (out []int32, all bool) {
	if k, vs, ok := p.Labels.Requires(); ok {
		for _, v := range vs {
			out = append(out, x.podsBy[k][v]...)
		}
		return out, false
	}
	if k, vs, ok := p.NS.Requires(); ok {
		for _, v := range vs {
			for _, ns := range x.nsBy[k][v] {
				out = append(out, x.byNS[ns]...)
			}
		}
		return out, false
	}
	return x.pods, true
}

// set is the set of endpoints some peer of ps holds; policies apply to
// pods only when podsOnly.
func (x *index) set(ps []Peer, endpoints []netpol.Endpoint, podsOnly bool) *set {
	var members []int32
	test := func(p *Peer, cands []int32) {
		for _, i := range cands {
			if (!podsOnly || endpoints[i].Namespace != "") && p.holds(&endpoints[i], x.epNS[i]) {
				members = append(members, i)
			}
		}
	}
	for pi := range ps {
		p := ps[pi]
		if podsOnly {
			p.Addrs = false
		}
		if p.Not {
			// A complement holds what the peer does not: test them all.
			for i := range endpoints {
				if (!podsOnly || endpoints[i].Namespace != "") && p.holds(&endpoints[i], x.epNS[i]) {
					members = append(members, int32(i))
				}
			}
			continue
		}
		if p.Pods {
			cands, _ := x.candidates(&p)
			test(&p, cands)
		}
		if p.Addrs {
			test(&p, x.ips)
		}
	}
	return newSet(members, x.n)
}

// New builds the evaluator. namespaces maps a namespace (an endpoint's
// Namespace) to its labels; kubernetes.io/metadata.name is added when
// missing. The policies are put in evaluation order (SortPolicies).
func New(namespaces map[string]map[string]string, policies []Policy, endpoints []netpol.Endpoint) *Evaluator {
	e := &Evaluator{eps: endpoints, policies: append([]Policy(nil), policies...)}
	SortPolicies(e.policies)
	n := len(endpoints)
	x := newIndex(namespaces, endpoints)
	for pt := range e.of {
		for d := range e.of[pt] {
			e.of[pt][d] = make([][]int32, n)
		}
	}
	e.subject = make([]*set, len(e.policies))
	e.peers = make([][2][]*set, len(e.policies))
	e.egressTo = make([][]ruleRef, n)
	for pi := range e.policies {
		p := &e.policies[pi]
		if p.Point == Mesh {
			e.mesh = true
		}
		e.subject[pi] = x.set(p.Subject, endpoints, true)
		for d := Ingress; d <= Egress; d++ {
			rules := p.Rules(d)
			if len(rules) == 0 && !p.Isolates(d) {
				continue
			}
			if p.Point == Mesh && d == Egress {
				continue
			}
			e.peers[pi][d] = make([]*set, len(rules))
			for ri := range rules {
				if rules[ri].Peers != nil {
					e.peers[pi][d][ri] = x.set(rules[ri].Peers, endpoints, false)
				}
			}
			for _, i := range e.subject[pi].members {
				e.of[p.Point][d][i] = append(e.of[p.Point][d][i], int32(pi))
			}
		}
		if e.subject[pi].count() == 0 || e.peers[pi][Egress] == nil {
			continue // its egress rules decide nothing
		}
		for ri, ps := range e.peers[pi][Egress] {
			ref := ruleRef{int32(pi), int32(ri)}
			if ps == nil {
				e.egressToAll = append(e.egressToAll, ref)
				continue
			}
			for _, i := range ps.members {
				e.egressTo[i] = append(e.egressTo[i], ref)
			}
		}
	}
	return e
}

// Holds reports whether endpoint ep, whose namespace has labels ns (nil for
// an address), lies in the peer.
func (p *Peer) Holds(ep *netpol.Endpoint, ns labels.Set) bool { return p.holds(ep, ns) }

// holds reports whether endpoint ep (whose namespace has labels ns) lies in
// the peer.
func (p *Peer) holds(ep *netpol.Endpoint, ns labels.Set) bool {
	in := false
	if p.Pods && ep.Namespace != "" && p.NS.Matches(ns) && p.Labels.Matches(labels.Set(ep.Labels)) {
		in = true
	}
	if !in && p.Addrs && ep.IP.IsValid() && !(p.ExternalOnly && ep.Namespace != "") {
		in = inNets(ep.IP.Unmap(), p.Nets, p.Except)
	}
	return in != p.Not
}

func inNets(ip netip.Addr, nets, except []netip.Prefix) bool {
	ok := len(nets) == 0
	for _, n := range nets {
		if n.Contains(ip) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for _, x := range except {
		if x.Contains(ip) {
			return false
		}
	}
	return true
}

// Len is the number of endpoints.
func (e *Evaluator) Len() int { return len(e.eps) }

// MeshSelects reports whether some policy of the Mesh point selects
// endpoint i.
//
// Policies of built-in rules only (ztunnel's own admissions) judge no
// identity and do not count.
func (e *Evaluator) MeshSelects(i int) bool {
	for _, pi := range e.of[Mesh][Ingress][i] {
		p := &e.policies[pi]
		if p.IsolatesIngress {
			return true
		}
		for _, r := range p.Ingress {
			if !r.Builtin {
				return true
			}
		}
	}
	return false
}

// HasMesh reports whether some policy is read at the Mesh point.
func (e *Evaluator) HasMesh() bool { return e.mesh }

// Decision is what one point decided in one direction.
type Decision struct {
	Point     Point
	Direction Direction
	// Action is Allow or Deny: what the point did.
	Action Action
	// Policy is the deciding policy's index in Policies(), -1 when no
	// policy decided (nothing selects the endpoint, or every tier passed):
	// then the point allows by default.
	Policy int
	// Rule is the deciding rule's index in the policy's rules of Direction,
	// -1 when the end of a tier decided (isolation).
	Rule int
	// Logged are the Log rules the connection matched on the way, as
	// "Object Where".
	Logged []string
}

// Verdict is what every point decided about one connection.
type Verdict struct {
	// Allowed is the conjunction.
	Allowed bool
	// Decisions: network egress (at the source), network ingress (at the
	// destination), and mesh ingress when some policy is read at the mesh.
	Decisions []Decision
}

// Policies are the evaluator's policies in evaluation order.
func (e *Evaluator) Policies() []Policy { return e.policies }

// Decide judges a connection from endpoint src to endpoint dst on
// port/proto (an empty proto is TCP).
func (e *Evaluator) Decide(src, dst int, port int32, proto corev1.Protocol) Verdict {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	v := Verdict{Allowed: true}
	add := func(d Decision) {
		v.Decisions = append(v.Decisions, d)
		if d.Action != Allow {
			v.Allowed = false
		}
	}
	add(e.decide(Network, Egress, src, dst, dst, port, proto))
	add(e.decide(Network, Ingress, dst, src, dst, port, proto))
	if e.mesh {
		add(e.decide(Mesh, Ingress, dst, src, dst, port, proto))
	}
	return v
}

// At is what point pt decides in direction d about a connection from
// endpoint src to endpoint dst on port/proto (an empty proto is TCP): one
// of Decide's Decisions, without the others (no policy is read at the mesh
// in egress: At allows it by default).
func (e *Evaluator) At(pt Point, d Direction, src, dst int, port int32, proto corev1.Protocol) Decision {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	if d == Egress {
		return e.decide(pt, d, src, dst, dst, port, proto)
	}
	return e.decide(pt, d, dst, src, dst, port, proto)
}

// Allowed is Decide(...).Allowed.
func (e *Evaluator) Allowed(src, dst int, port int32, proto corev1.Protocol) bool {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	if e.decide(Network, Egress, src, dst, dst, port, proto).Action != Allow ||
		e.decide(Network, Ingress, dst, src, dst, port, proto).Action != Allow {
		return false
	}
	return !e.mesh || e.decide(Mesh, Ingress, dst, src, dst, port, proto).Action == Allow
}

// decide walks the policies selecting self (the endpoint whose side is
// judged) at point pt for direction d, matching other (the far end); dst
// resolves named ports.
func (e *Evaluator) decide(pt Point, d Direction, self, other, dst int, port int32, proto corev1.Protocol) Decision {
	out := Decision{Point: pt, Direction: d, Action: Allow, Policy: -1, Rule: -1}
	list := e.of[pt][d][self]
	for i := 0; i < len(list); {
		tier := e.policies[list[i]].Tier
		isolated, isolator := false, -1
		end := Deny
		passed := false
		j := i
		for ; j < len(list) && e.policies[list[j]].Tier == tier; j++ {
			if passed {
				continue
			}
			pi := int(list[j])
			p := &e.policies[pi]
			if p.Isolates(d) && !isolated {
				isolated, isolator = true, pi
				if p.TierEnd == Pass {
					end = Pass
				}
			}
			rules := p.Rules(d)
			for ri := range rules {
				r := &rules[ri]
				if ps := e.peers[pi][d][ri]; ps != nil && !ps.has(other) {
					continue
				}
				if !e.portMatches(r.Ports, port, proto, dst) {
					continue
				}
				switch r.Action {
				case Log:
					out.Logged = append(out.Logged, p.Object+" "+r.Where)
					continue
				case Pass:
					passed = true
				default:
					out.Action, out.Policy, out.Rule = r.Action, pi, ri
					return out
				}
				break
			}
		}
		if !passed && isolated && end != Pass {
			out.Action, out.Policy, out.Rule = Deny, isolator, -1
			return out
		}
		i = j
	}
	return out
}

func (e *Evaluator) portMatches(ports []Port, port int32, proto corev1.Protocol, dst int) bool {
	if ports == nil {
		return true
	}
	for _, p := range ports {
		if p.Protocol != "" && p.Protocol != proto {
			continue
		}
		if p.Name != "" {
			for _, cp := range e.eps[dst].Ports {
				cpProto := cp.Protocol
				if cpProto == "" {
					cpProto = corev1.ProtocolTCP
				}
				if cp.Name == p.Name && cp.ContainerPort == port && cpProto == proto && e.eps[dst].Namespace != "" {
					return true
				}
			}
			continue
		}
		if (p.Lo == 0 && p.Hi == 0) || (p.Lo <= port && port <= p.Hi) {
			return true
		}
	}
	return false
}

// PortEntries lists the port entries of every rule that may decide traffic
// to dst: the ingress rules of the policies selecting dst, at every point,
// and the egress rules whose peers hold dst. Two ports of dst in exactly the
// same entries are decided alike, so one port of each class judges it.
// Entries for every protocol are given once per protocol.
func (e *Evaluator) PortEntries(dst int) []netpol.PortEntry {
	var out []netpol.PortEntry
	add := func(ports []Port) { out = appendPortEntries(out, ports) }
	for pt := range e.of {
		for _, pi := range e.of[pt][Ingress][dst] {
			for _, r := range e.policies[pi].Ingress {
				add(r.Ports)
			}
		}
	}
	e.eachEgressTo(dst, func(r ruleRef) { add(e.policies[r.p].Egress[r.r].Ports) })
	return out
}

// appendPortEntries appends the port entries of a rule's ports to out.
func appendPortEntries(out []netpol.PortEntry, ports []Port) []netpol.PortEntry {
	for _, p := range ports {
		protos := []corev1.Protocol{p.Protocol}
		if p.Protocol == "" {
			protos = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
		}
		for _, proto := range protos {
			switch {
			case p.Name != "":
				out = append(out, netpol.PortEntry{Proto: proto, Name: p.Name})
			case p.Lo == 0 && p.Hi == 0:
				out = append(out, netpol.PortEntry{Proto: proto, Lo: 1, Hi: 65535})
			default:
				out = append(out, netpol.PortEntry{Proto: proto, Lo: max(p.Lo, 1), Hi: min(p.Hi, 65535)})
			}
		}
	}
	return out
}

// eachEgressTo calls f, in evaluation order, for every egress rule of a
// policy selecting some endpoint whose peers hold dst.
func (e *Evaluator) eachEgressTo(dst int, f func(ruleRef)) {
	to, all := e.egressTo[dst], e.egressToAll
	for len(to) > 0 || len(all) > 0 {
		if len(all) == 0 || (len(to) > 0 && (to[0].p < all[0].p || to[0].p == all[0].p && to[0].r < all[0].r)) {
			f(to[0])
			to = to[1:]
			continue
		}
		f(all[0])
		all = all[1:]
	}
}

// Named lists, ascending, the sources that the rules deciding connections
// to dst tell apart: the peers of the ingress rules of the policies
// selecting dst (at every point) and the endpoints selected by a policy
// with an egress rule whose peers hold dst (Log rules, which decide
// nothing, aside). Every other source is an unnamed one: no rule names it
// or dst in particular, so its connection to dst is decided as Unnamed
// says.
func (e *Evaluator) Named(dst int) []int32 {
	b := make([]uint64, (len(e.eps)+63)/64)
	e.MarkNamed(dst, b)
	var out []int32
	for w, word := range b {
		for ; word != 0; word &= word - 1 {
			out = append(out, int32(w<<6|bits.TrailingZeros64(word)))
		}
	}
	return out
}

// MarkNamed sets the bits of Named(dst) in b, a bitset of Len() bits.
func (e *Evaluator) MarkNamed(dst int, b []uint64) {
	mark := func(s *set) {
		if s.bits != nil {
			for w, word := range s.bits {
				b[w] |= word
			}
			return
		}
		for _, i := range s.members {
			b[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	// A Log rule decides nothing: the sources it names are decided as
	// the others are.
	for pt := range e.of {
		for _, pi := range e.of[pt][Ingress][dst] {
			for ri, ps := range e.peers[pi][Ingress] {
				if ps != nil && e.policies[pi].Ingress[ri].Action != Log {
					mark(ps)
				}
			}
		}
	}
	for _, r := range e.egressTo[dst] {
		if e.policies[r.p].Egress[r.r].Action != Log {
			mark(e.subject[r.p])
		}
	}
}

// Unnamed is what point pt decides in direction d about a connection from
// src to dst on port/proto when src is not among Named(dst): only the
// rules matching every endpoint match it. In ingress src is ignored: the
// decision is one for every unnamed source. It equals At, Logged aside, for
// every such src.
func (e *Evaluator) Unnamed(pt Point, d Direction, src, dst int, port int32, proto corev1.Protocol) Decision {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	if d == Egress {
		// Only the rules matching every destination match: the same as
		// for dst, whose named ports they resolve.
		return e.decide(pt, d, src, -1, dst, port, proto)
	}
	return e.decide(pt, d, dst, -1, dst, port, proto)
}

// Describe names a decision, e.g. "Calico GlobalNetworkPolicy deny-metadata
// (Calico tier security) spec.egress[0]: Deny", or "network ingress: no
// policy applies (allowed)".
func (e *Evaluator) Describe(d Decision) string {
	if d.Policy < 0 {
		return fmt.Sprintf("%s %s: no policy decides (allowed)", d.Point, d.Direction)
	}
	p := &e.policies[d.Policy]
	s := p.Object
	if p.TierName != "" {
		s += " (" + p.TierName + ")"
	}
	if d.Rule < 0 {
		return fmt.Sprintf("%s: %s isolated, no rule matches (%s)", s, d.Direction, d.Action)
	}
	r := &p.Rules(d.Direction)[d.Rule]
	s += " " + r.Where + ": " + d.Action.String()
	if r.L7 != "" {
		s += " (L7-restricted: " + r.L7 + ")"
	}
	return s
}

// Layer is the layer of a decision's policy ("" when none decided).
func (e *Evaluator) Layer(d Decision) string {
	if d.Policy < 0 {
		return ""
	}
	return e.policies[d.Policy].Layer
}

// Selected counts the endpoints policy i selects (for "selects no pod").
func (e *Evaluator) Selected(i int) int { return e.subject[i].count() }
