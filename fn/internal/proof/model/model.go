// Package model is the one policy model every layer that decides reachability
// compiles into, and its evaluator. Each dialect (Kubernetes NetworkPolicy,
// the upstream admin/baseline network policy API, Calico, Cilium, Antrea,
// Istio) has an adapter in proof/dialect that turns its objects into Policies;
// the evaluator answers, for one connection, what every enforcement point
// decides and which rule of which object decided it.
//
// The model, in words:
//
//   - An enforcement Point is where a connection is judged: the CNI's network
//     layer (egress at the source, ingress at the destination) or a mesh's
//     proxy (ingress at the destination). A connection is open only if every
//     point lets it through: the flow matrix is the conjunction.
//   - At one point and in one direction, the Policies selecting an endpoint
//     are read in tier order (Tier, lower first), within a tier by Order
//     (lower first, then Seq), and within a Policy rule by rule. The first
//     rule that matches the peer and port decides: Allow and Deny end the
//     evaluation; Pass skips the rest of the tier; Log is recorded and the
//     evaluation goes on.
//   - A Policy that Isolates a direction makes the endpoints it selects
//     closed at the end of its tier when no rule of the tier matched: the
//     tier's end is then TierEnd (Deny, or Pass to the next tier). This is
//     NetworkPolicy's isolation, Calico's implicit end-of-tier deny, Cilium's
//     default deny and Istio's "an ALLOW policy selects the workload".
//   - When no tier decides, the connection is allowed (no policy, or only
//     Pass and Log).
//
// Each adapter places its objects on this scale so that one cluster's
// dialects compose as the cluster composes them; see the Tier constants.
package model

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// Action is what a matching rule does with a connection.
type Action uint8

const (
	// Allow lets the connection through this point; nothing later is read.
	Allow Action = iota + 1
	// Deny drops (or rejects) it; nothing later is read.
	Deny
	// Pass skips the rest of the tier: evaluation goes on at the next tier.
	Pass
	// Log records the match and goes on with the next rule.
	Log
)

func (a Action) String() string {
	switch a {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	case Pass:
		return "Pass"
	case Log:
		return "Log"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Point is where a connection is judged.
type Point uint8

const (
	// Network is the CNI's datapath: egress at the source, ingress at the
	// destination.
	Network Point = iota
	// Mesh is a service mesh's proxy at the destination (ingress only).
	Mesh
)

func (p Point) String() string {
	if p == Mesh {
		return "mesh"
	}
	return "network"
}

// Direction is the side of a connection a rule is about.
type Direction uint8

const (
	// Ingress rules are read at the destination and match the source.
	Ingress Direction = iota
	// Egress rules are read at the source and match the destination.
	Egress
)

func (d Direction) String() string {
	if d == Egress {
		return "egress"
	}
	return "ingress"
}

// Tiers on the one scale every adapter places its policies on. Within a
// cluster only the dialects it enforces are present, and their documented
// order is kept: the upstream admin tier before NetworkPolicy and the
// baseline after it; Antrea's tiers (Emergency 50 … Application 250) before
// NetworkPolicy and its Baseline tier after; Calico's tiers by their order,
// NetworkPolicy inside Calico's "default" tier. See each adapter.
const (
	// TierAdmin is AdminNetworkPolicy (and ClusterNetworkPolicy's Admin
	// tier): read before NetworkPolicy.
	TierAdmin float64 = -1e12
	// TierNetworkPolicy is where namespaced NetworkPolicy is read on a
	// cluster whose CNI gives it no other place (generic, Cilium).
	TierNetworkPolicy float64 = 0
	// TierBaseline is BaselineAdminNetworkPolicy (and ClusterNetworkPolicy's
	// Baseline tier): read after NetworkPolicy.
	TierBaseline float64 = 1e12
)

// Match is a boolean formula over label selectors, e.g. Calico's
// "app == 'web' || !has(team)". Its leaves are conjunctive
// labels.Selectors: any boolean formula over them is decided by their
// verdicts alone, which is what the proof's witnesses enumerate.
// The zero Match matches everything.
type Match struct {
	op   op
	sel  labels.Selector
	args []Match
}

type op uint8

const (
	opAll op = iota
	opNone
	opLeaf
	opAnd
	opOr
	opNot
)

// Everything matches every label set.
func Everything() Match { return Match{} }

// Nothing matches no label set.
func Nothing() Match { return Match{op: opNone} }

// Selector matches what s matches.
func Selector(s labels.Selector) Match {
	if s == nil || s.Empty() {
		return Everything()
	}
	if _, ok := s.Requirements(); !ok {
		return Nothing()
	}
	return Match{op: opLeaf, sel: s}
}

// Labels matches label sets holding every pair of set ({} matches all).
func Labels(set map[string]string) Match { return Selector(labels.SelectorFromSet(set)) }

// And matches what every m matches.
func And(ms ...Match) Match { return Match{op: opAnd, args: ms} }

// Or matches what some m matches.
func Or(ms ...Match) Match { return Match{op: opOr, args: ms} }

// Not matches what m does not.
func Not(m Match) Match { return Match{op: opNot, args: []Match{m}} }

// Matches reports whether l satisfies the formula.
func (m Match) Matches(l labels.Set) bool {
	switch m.op {
	case opAll:
		return true
	case opNone:
		return false
	case opLeaf:
		return m.sel.Matches(l)
	case opAnd:
		for _, a := range m.args {
			if !a.Matches(l) {
				return false
			}
		}
		return true
	case opOr:
		for _, a := range m.args {
			if a.Matches(l) {
				return true
			}
		}
		return false
	case opNot:
		return !m.args[0].Matches(l)
	}
	return false
}

// Selectors are the formula's leaves.
func (m Match) Selectors() []labels.Selector {
	var out []labels.Selector
	var walk func(Match)
	walk = func(m Match) {
		if m.op == opLeaf {
			out = append(out, m.sel)
		}
		for _, a := range m.args {
			walk(a)
		}
	}
	walk(m)
	return out
}

// Pins returns the value the formula requires of key in every label set it
// matches, when it requires one (a leaf with key = v or key in (v), or an
// And with such an argument): a namespace Match pinning
// kubernetes.io/metadata.name names one namespace.
func (m Match) Pins(key string) (string, bool) {
	switch m.op {
	case opLeaf:
		rs, _ := m.sel.Requirements()
		for _, r := range rs {
			if r.Key() != key {
				continue
			}
			switch r.Operator() {
			case selection.Equals, selection.DoubleEquals, selection.In:
				if vs := r.Values(); vs.Len() == 1 {
					return vs.UnsortedList()[0], true
				}
			}
		}
	case opAnd:
		for _, a := range m.args {
			if v, ok := a.Pins(key); ok {
				return v, true
			}
		}
	}
	return "", false
}

// Requires returns a key and the values the formula requires of it in every
// label set it matches (a leaf with key = v or key in (v, w), or an And with
// such an argument), when it requires one: only a label set with one of
// those values may match, which lets an index narrow the label sets to test.
// A formula that matches nothing returns ok with no values.
func (m Match) Requires() (key string, values []string, ok bool) {
	switch m.op {
	case opNone:
		return "", nil, true
	case opLeaf:
		rs, _ := m.sel.Requirements()
		for _, r := range rs {
			switch r.Operator() {
			case selection.Equals, selection.DoubleEquals, selection.In:
				return r.Key(), r.Values().List(), true
			}
		}
	case opAnd:
		for _, a := range m.args {
			if k, vs, ok := a.Requires(); ok {
				return k, vs, true
			}
		}
	}
	return "", nil, false
}

// IsEverything reports whether the formula is the plain "everything".
func (m Match) IsEverything() bool { return m.op == opAll }

func (m Match) String() string {
	switch m.op {
	case opAll:
		return "all"
	case opNone:
		return "none"
	case opLeaf:
		return "{" + m.sel.String() + "}"
	case opNot:
		return "!" + m.args[0].String()
	}
	parts := make([]string, len(m.args))
	for i, a := range m.args {
		parts[i] = a.String()
	}
	sep := " && "
	if m.op == opOr {
		sep = " || "
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// Peer is a set of endpoints: pods, addresses, or both.
//
// Example, "pods labelled app=web in namespace shop":
// Peer{Pods: true, NS: model.Labels(map[string]string{"kubernetes.io/metadata.name": "shop"}), Labels: model.Labels(map[string]string{"app": "web"})}.
// Example, "every address outside 10.0.0.0/8": Peer{Addrs: true, Nets: []netip.Prefix{0.0.0.0/0, ::/0}, Except: []netip.Prefix{10.0.0.0/8}}.
type Peer struct {
	// Pods: the peer holds the pods whose namespace's labels (which carry
	// kubernetes.io/metadata.name) match NS and whose own labels match
	// Labels.
	Pods   bool
	NS     Match
	Labels Match
	// Addrs: the peer holds the endpoints with an IP inside some Nets
	// (every IP when Nets is empty) and outside every Except. Pods carry no
	// IP in the proof unless a test gives them one; ExternalOnly keeps a pod
	// with an IP out (Cilium's CIDR rules never match cluster endpoints).
	Addrs        bool
	Nets, Except []netip.Prefix
	ExternalOnly bool
	// Not is the complement: every endpoint the above does not hold
	// (Calico's notSelector, Istio's notPrincipals).
	Not bool
}

// ServiceAccountLabel is the pseudo-label the proof gives every pod: its
// ServiceAccount's name. Mesh identities (Istio's
// cluster.local/ns/NS/sa/SA principals, Linkerd's ServiceAccount
// identities) select on it; no real label uses the proof.netid.dev prefix.
const ServiceAccountLabel = "proof.netid.dev/serviceaccount"

// AllPods holds every pod of every namespace.
func AllPods() Peer { return Peer{Pods: true} }

// AllEndpoints holds every pod and every address.
func AllEndpoints() Peer { return Peer{Pods: true, Addrs: true} }

// Port is one entry of a rule's ports.
type Port struct {
	// Protocol is TCP, UDP or SCTP; "" matches every protocol.
	Protocol corev1.Protocol
	// Lo..Hi is an inclusive range; 0..0 is every port. A single port is
	// Lo == Hi.
	Lo, Hi int32
	// Name is a named port, resolved on the destination pod's container
	// ports (Lo and Hi unset); it never matches an address.
	Name string
}

func (p Port) String() string {
	proto := string(p.Protocol)
	if proto == "" {
		proto = "any"
	}
	switch {
	case p.Name != "":
		return p.Name + "/" + proto
	case p.Lo == 0 && p.Hi == 0:
		return "*/" + proto
	case p.Lo == p.Hi:
		return fmt.Sprintf("%d/%s", p.Lo, proto)
	}
	return fmt.Sprintf("%d-%d/%s", p.Lo, p.Hi, proto)
}

// Rule is one rule of a Policy.
type Rule struct {
	Action Action
	// Peers: the rule matches a peer held by any of them; nil matches every
	// endpoint. (A rule whose list the API requires but which is empty is
	// given Peers: []Peer{} and matches nothing.)
	Peers []Peer
	// Ports: the rule matches a port any entry matches; nil matches every
	// port and protocol.
	Ports []Port
	// Where is the rule's field path in its object, e.g. "spec.ingress[0]".
	Where string
	// L7 names what the rule further restricts above layer 4 (HTTP method
	// and path, Kafka topic, request principal), or "": at layers 3 and 4 it
	// matches as written, and the proof lists the flow as L7-restricted.
	L7 string
	// Builtin marks a rule no field of the object writes: the dialect's own
	// behaviour around the object's rules (Istio's proxies let UDP and SCTP
	// through, ztunnel admits the kubelet's probes, a Linkerd Server denies
	// the clients no authorization admits). Rules that judge what users
	// write (an allow-all, two layers that contradict each other) skip it.
	Builtin bool
}

// Policy is one object (or one part of an object) of a dialect, compiled.
type Policy struct {
	// Layer names the layer, e.g. "Calico policy (projectcalico.org)".
	Layer string
	// Object names the object, e.g. "GlobalNetworkPolicy allow-all" or
	// "NetworkPolicy shop/default-deny".
	Object string
	// TierName names its tier for messages ("" when the dialect has none),
	// e.g. "Calico tier security".
	TierName string
	Point    Point
	// Tier, Order and Seq order evaluation (lower first): Tier across
	// tiers, Order within a tier, Seq between equal Orders (adapters give
	// the documented tie-break, e.g. Calico's policy name order).
	Tier, Order float64
	Seq         int
	// Subject is what the policy applies to: the pods any of the peers
	// holds (addresses are never subjects).
	Subject []Peer
	// Ingress and Egress are its rules, in order. Rules of a direction the
	// policy does not affect are left out.
	Ingress, Egress []Rule
	// IsolatesIngress / IsolatesEgress: a selected endpoint no rule of the
	// tier matches gets TierEnd at the end of the tier.
	IsolatesIngress, IsolatesEgress bool
	// TierEnd is Deny (the zero value stands for Deny) or Pass.
	TierEnd Action
}

// Rules are the policy's rules of direction d.
func (p *Policy) Rules(d Direction) []Rule {
	if d == Egress {
		return p.Egress
	}
	return p.Ingress
}

// Isolates reports whether the policy closes direction d for its subject.
func (p *Policy) Isolates(d Direction) bool {
	if d == Egress {
		return p.IsolatesEgress
	}
	return p.IsolatesIngress
}

// Unmodelled is a construct of an object the model cannot express: the
// proof names it and claims nothing about the flows it may open or close.
type Unmodelled struct {
	// Layer and Object as in Policy; Field is the path, e.g.
	// "spec.ingress[0].fromEntities[1]".
	Layer, Object, Field string
	// Why says what it is and why it is not modelled, e.g. "entity
	// kube-apiserver: the API server's addresses are not known offline".
	Why string
}

func (u Unmodelled) String() string {
	s := u.Object
	if u.Field != "" {
		s += " " + u.Field
	}
	return s + ": " + u.Why
}

// Compiled is what an adapter makes of a stream's objects of its dialect.
type Compiled struct {
	Policies   []Policy
	Unmodelled []Unmodelled
	// Inert are objects that decide nothing as written (a Calico staged
	// policy, an Istio AUDIT policy), with why: listed, not evaluated.
	Inert []Unmodelled
}

// Add appends c2 to c.
func (c *Compiled) Add(c2 Compiled) {
	c.Policies = append(c.Policies, c2.Policies...)
	c.Unmodelled = append(c.Unmodelled, c2.Unmodelled...)
	c.Inert = append(c.Inert, c2.Inert...)
}

// SortPolicies puts policies in evaluation order (Point, Tier, Order, Seq,
// Object), the order the evaluator reads them in.
func SortPolicies(ps []Policy) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := &ps[i], &ps[j]
		if a.Point != b.Point {
			return a.Point < b.Point
		}
		if a.Tier != b.Tier {
			return a.Tier < b.Tier
		}
		if a.Order != b.Order {
			return a.Order < b.Order
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		return a.Object < b.Object
	})
}
