// Package netpol evaluates Kubernetes NetworkPolicies (networking.k8s.io/v1)
// over a fixed set of endpoints: which endpoint may open a connection to which
// other endpoint, on which port and protocol. It is the judge of netid's
// connectivity proof, so it follows the Kubernetes API reference to the letter
// and is fast enough for estates of thousands of workloads.
//
// Semantics (the API reference decides; the upstream netpol e2e truth tables
// and a differential test against the Cyclonus matcher check them):
//
//   - Defaulting as the API server does it: an empty spec.policyTypes means
//     Ingress, plus Egress when spec.egress is non-empty (so `egress: []` and an
//     absent egress do not isolate egress); a nil or "" protocol means TCP. An
//     explicit policyTypes is taken as written: `[Egress]` ignores spec.ingress.
//   - Isolation is per direction: a pod is isolated for ingress iff some policy
//     of its namespace selects it and has Ingress in its policyTypes (same for
//     egress). An isolated pod admits exactly the union of what the rules of
//     all policies selecting it allow; a pod no policy isolates admits all.
//     Policies never restrict an external address's own side.
//   - Selectors: spec.podSelector {} selects every pod of the policy's
//     namespace. In a peer, podSelector alone means pods of the policy's
//     namespace; namespaceSelector alone means every pod of the matching
//     namespaces ({} = all namespaces); both means pods matching both (AND).
//     Separate peers are OR'ed. Selector semantics are those of
//     metav1.LabelSelectorAsSelector and apimachinery labels: matchLabels
//     {k: ""} requires the key; NotIn matches when the key is absent;
//     Exists / DoesNotExist test the key.
//   - Namespaces carry kubernetes.io/metadata.name = name (added when
//     missing). A namespace that appears only in an endpoint or a policy gets
//     just that label. A policy with no metadata.namespace is in "default".
//   - Rules: `from`/`to` empty or absent admits every peer, external
//     addresses included; `ports` empty or absent admits every port and
//     protocol; a port entry with no port admits every port of its protocol;
//     port..endPort is an inclusive range.
//   - Named ports resolve on the destination pod's container ports, for
//     egress rules too: entry {protocol: P, port: "name"} admits traffic on
//     (n, P) iff the destination is a pod with a container port named "name"
//     whose containerPort is n and whose protocol (default TCP) is P. A named
//     port never admits traffic to an external address.
//   - ipBlock admits endpoints with a valid IP inside cidr and outside every
//     except entry, IPv4 and IPv6 alike; that includes pods whose IP is set
//     (CNI-dependent in real clusters: Cilium, for one, does not match pod IPs
//     with ipBlock). IPv4-mapped IPv6 endpoint addresses are unmapped first.
//   - Traffic from a pod to itself is judged like any other pair: the pod's
//     egress and ingress policies both apply. (Upstream leaves loopback
//     undefined and CNIs differ: most let a pod reach itself regardless.)
//   - Parts of a policy the API server would reject (an unparsable selector
//     or CIDR, a peer with ipBlock and a selector or with neither, endPort
//     with a named or absent port or below port, a protocol other than TCP,
//     UDP and SCTP) match nothing, and unknown policyTypes are ignored; each
//     one is listed by Warnings. An invalid spec.podSelector selects no pod,
//     so that policy isolates nothing; any other invalid part fails closed.
//
// SCTP, ipBlock on pod IPs and loopback are judged by these rules, but real
// clusters differ by CNI: the proof's findings about them are about what the
// API promises, not what every plugin does.
package netpol

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Endpoint is something that sends or receives traffic: a pod (Namespace != "")
// or an address outside the cluster (Namespace == "", IP set).
//
// Example pod: Endpoint{Name: "shop/frontend", Namespace: "shop",
// Labels: map[string]string{"app": "frontend"}, Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}.
// Example address: Endpoint{Name: "198.51.100.7", IP: netip.MustParseAddr("198.51.100.7")}.
type Endpoint struct {
	// Name is for messages only, e.g. "shop/frontend".
	Name string
	// Namespace is the pod's namespace; "" for an address outside the cluster.
	Namespace string
	// Labels are the pod's labels (ignored for external addresses).
	Labels map[string]string
	// Ports are the pod's container ports, for resolving named ports (Name,
	// ContainerPort, Protocol; an empty Protocol is TCP).
	Ports []corev1.ContainerPort
	// IP is an external address's address, and optionally a pod's. ipBlock
	// peers match only endpoints whose IP is valid.
	IP netip.Addr
}

// Engine evaluates a set of NetworkPolicies over a fixed set of endpoints and
// namespaces. Endpoints are named by their index in the slice given to New.
// An Engine is immutable once built and safe for concurrent use.
type Engine struct {
	n     int
	all   bitset // every endpoint
	pods  bitset // endpoints with a namespace
	ports [][]corev1.ContainerPort

	policies []policy
	rules    []rule

	ingressIsolated bitset
	egressIsolated  bitset
	// egressFree are the endpoints whose egress nothing restricts: external
	// addresses and pods no egress policy selects.
	egressFree bitset

	// ingressOf[i] / egressOf[i]: the policies selecting endpoint i for that
	// direction.
	ingressOf, egressOf [][]int32
	// egressTo[i]: the egress rules whose `to` peers include endpoint i,
	// except the rules with no `to` at all, which are in egressToAll.
	egressTo    [][]int32
	egressToAll []int32

	warnings []string
}

// policy is one NetworkPolicy after defaulting.
type policy struct {
	name    string // namespace/name, for messages
	targets sparse // the pods spec.podSelector selects in the policy's namespace
	ingress []int32
	egress  []int32
}

// rule is one ingress or egress rule.
type rule struct {
	policy int32
	// ports admit the traffic; empty admits every port and protocol.
	ports []portMatch
	// peers are the endpoints the rule admits: sources of an ingress rule,
	// destinations of an egress rule.
	peers    sparse
	allPeers bool // no from/to: peers is every endpoint
}

// portMatch is one entry of a rule's ports.
type portMatch struct {
	proto corev1.Protocol
	// name is a named port, resolved on the destination; "" for numbers.
	name string
	// lo..hi is the inclusive numeric range (everything when port is absent).
	lo, hi int32
	// never is set for entries the API server would reject.
	never bool
}

// New applies API-server defaulting to the policies (policyTypes: Ingress
// always, Egress when spec.egress is non-empty; protocol TCP) and indexes
// everything. namespaces maps a namespace name to its labels
// (kubernetes.io/metadata.name is added if missing). Policies in namespaces
// with no endpoints still count. The inputs are not modified nor retained.
func New(namespaces map[string]map[string]string, policies []networkingv1.NetworkPolicy, endpoints []Endpoint) *Engine {
	return NewWithSelectors(namespaces, policies, endpoints, NewSelectors())
}

// NewWithSelectors is New, parsing the policies' selectors through sels, so
// that a caller that parses them too (the connectivity proof) parses each
// once.
func NewWithSelectors(namespaces map[string]map[string]string, policies []networkingv1.NetworkPolicy, endpoints []Endpoint, sels *Selectors) *Engine {
	b := newBuilder(namespaces, policies, endpoints)
	b.sels = sels
	for i := range policies {
		b.addPolicy(&policies[i])
	}
	return b.finish()
}

// Len is the number of endpoints.
func (e *Engine) Len() int { return e.n }

// Warnings lists the parts of the policies the API server would reject, each
// treated as matching nothing, e.g.
// `shop/allow-web: spec.ingress[0].from[1]: ipBlock.cidr "10.0.0.0/33": netip.ParsePrefix(...)`.
func (e *Engine) Warnings() []string { return append([]string(nil), e.warnings...) }

// Allowed reports whether endpoint src may open a connection to endpoint dst
// on port/protocol: egress from src (if src is a pod) AND ingress to dst (if
// dst is a pod). Policies never restrict external endpoints' own side. An
// empty proto is TCP. src and dst are indices into New's endpoints.
func (e *Engine) Allowed(src, dst int, port int32, proto corev1.Protocol) bool {
	return e.EgressAllowed(src, dst, port, proto) && e.IngressAllowed(src, dst, port, proto)
}

// IngressAllowed reports whether dst's ingress policies admit src on
// port/proto (true when dst is external or not isolated for ingress).
func (e *Engine) IngressAllowed(src, dst int, port int32, proto corev1.Protocol) bool {
	e.check(src)
	e.check(dst)
	if !e.ingressIsolated.has(dst) {
		return true
	}
	proto = defaultProtocol(proto)
	for _, pi := range e.ingressOf[dst] {
		for _, ri := range e.policies[pi].ingress {
			r := &e.rules[ri]
			if r.peers.has(src) && e.portAllowed(r, port, proto, dst) {
				return true
			}
		}
	}
	return false
}

// EgressAllowed reports whether src's egress policies admit dst on
// port/proto (true when src is external or not isolated for egress).
func (e *Engine) EgressAllowed(src, dst int, port int32, proto corev1.Protocol) bool {
	e.check(src)
	e.check(dst)
	if !e.egressIsolated.has(src) {
		return true
	}
	proto = defaultProtocol(proto)
	for _, pi := range e.egressOf[src] {
		for _, ri := range e.policies[pi].egress {
			r := &e.rules[ri]
			if r.peers.has(dst) && e.portAllowed(r, port, proto, dst) {
				return true
			}
		}
	}
	return false
}

// Sources returns every src allowed to reach dst on port/proto (both
// directions), as a sorted slice of endpoint indices (empty, not nil, when
// none). It costs about (rules touching dst) × (endpoints/64) words: the
// ingress rules of the policies selecting dst, and the egress rules whose
// peers include dst; it never walks all policies.
func (e *Engine) Sources(dst int, port int32, proto corev1.Protocol) []int {
	e.check(dst)
	proto = defaultProtocol(proto)

	// Who dst admits.
	var in bitset
	if e.ingressIsolated.has(dst) {
		in = newBitset(e.n)
		for _, pi := range e.ingressOf[dst] {
			for _, ri := range e.policies[pi].ingress {
				r := &e.rules[ri]
				if e.portAllowed(r, port, proto, dst) {
					r.peers.orInto(in)
				}
			}
		}
		if in.empty() {
			return []int{}
		}
	} else {
		in = e.all.clone()
	}

	// Who may send to dst: the unrestricted, and the pods an egress rule
	// naming dst selects.
	out := e.egressFree.clone()
	for _, list := range [2][]int32{e.egressTo[dst], e.egressToAll} {
		for _, ri := range list {
			r := &e.rules[ri]
			if e.portAllowed(r, port, proto, dst) {
				e.policies[r.policy].targets.orInto(out)
			}
		}
	}
	in.and(out)
	return in.slice()
}

func (e *Engine) check(i int) {
	if i < 0 || i >= e.n {
		panic(fmt.Sprintf("netpol: endpoint index %d out of range [0,%d)", i, e.n))
	}
}

// portAllowed reports whether r's ports admit (port, proto) to dst.
func (e *Engine) portAllowed(r *rule, port int32, proto corev1.Protocol, dst int) bool {
	if len(r.ports) == 0 {
		return true
	}
	for i := range r.ports {
		pm := &r.ports[i]
		if pm.never || pm.proto != proto {
			continue
		}
		if pm.name == "" {
			if pm.lo <= port && port <= pm.hi {
				return true
			}
			continue
		}
		for _, cp := range e.ports[dst] {
			if cp.Name == pm.name && cp.ContainerPort == port && cp.Protocol == proto {
				return true
			}
		}
	}
	return false
}

func defaultProtocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// builder holds the indexes New needs and drops afterwards.
type builder struct {
	e   *Engine
	eps []Endpoint
	ips []netip.Addr // unmapped; invalid for endpoints without an IP

	nsNames  []string
	nsLabels map[string]labels.Set
	nsPods   map[string]sparse

	// byKey[k]: pods with label k; byKV[k][v]: pods with k=v.
	byKey map[string]*sparse
	byKV  map[string]map[string]*sparse

	sels       *Selectors
	reqCache   map[string]sparse // labels.Requirement.String() → pods
	podCache   map[string]sparse // selectorKey → pods, any namespace
	nsSelCache map[string]sparse // selectorKey → pods of matching namespaces
	ipCache    map[string]sparse

	// all and pods are the Engine's, sparse.
	all, pods sparse
	empty     sparse
}

func newBuilder(namespaces map[string]map[string]string, policies []networkingv1.NetworkPolicy, endpoints []Endpoint) *builder {
	n := len(endpoints)
	e := &Engine{
		n:               n,
		all:             fullBitset(n),
		pods:            newBitset(n),
		ports:           make([][]corev1.ContainerPort, n),
		ingressIsolated: newBitset(n),
		egressIsolated:  newBitset(n),
		ingressOf:       make([][]int32, n),
		egressOf:        make([][]int32, n),
		egressTo:        make([][]int32, n),
	}
	b := &builder{
		e: e, eps: endpoints, ips: make([]netip.Addr, n),
		nsLabels: map[string]labels.Set{}, nsPods: map[string]sparse{},
		byKey: map[string]*sparse{}, byKV: map[string]map[string]*sparse{},
		sels: NewSelectors(), reqCache: map[string]sparse{}, podCache: map[string]sparse{}, nsSelCache: map[string]sparse{}, ipCache: map[string]sparse{},
	}

	addNS := func(name string, lbls map[string]string) {
		if _, ok := b.nsLabels[name]; ok && lbls == nil {
			return
		}
		set := labels.Set{}
		for k, v := range lbls {
			set[k] = v
		}
		if _, ok := set[corev1.LabelMetadataName]; !ok {
			set[corev1.LabelMetadataName] = name
		}
		b.nsLabels[name] = set
	}
	for name, lbls := range namespaces {
		addNS(name, lbls)
	}
	for i := range policies {
		addNS(policyNamespace(&policies[i]), nil)
	}

	for i := range endpoints {
		ep := &endpoints[i]
		if ep.IP.IsValid() {
			b.ips[i] = ep.IP.Unmap()
		}
		if ep.Namespace == "" {
			continue
		}
		addNS(ep.Namespace, nil)
		e.pods.set(i)
		nsPods := b.nsPods[ep.Namespace]
		nsPods.add(i)
		b.nsPods[ep.Namespace] = nsPods
		for k, v := range ep.Labels {
			if b.byKey[k] == nil {
				b.byKey[k] = &sparse{}
				b.byKV[k] = map[string]*sparse{}
			}
			b.byKey[k].add(i)
			if b.byKV[k][v] == nil {
				b.byKV[k][v] = &sparse{}
			}
			b.byKV[k][v].add(i)
		}
		ports := make([]corev1.ContainerPort, len(ep.Ports))
		for j, cp := range ep.Ports {
			cp.Protocol = defaultProtocol(cp.Protocol)
			ports[j] = cp
		}
		e.ports[i] = ports
	}
	b.all, b.pods = sparseOf(e.all), sparseOf(e.pods)
	for name := range b.nsLabels {
		b.nsNames = append(b.nsNames, name)
	}
	sort.Strings(b.nsNames)
	return b
}

func policyNamespace(p *networkingv1.NetworkPolicy) string {
	if p.Namespace == "" {
		return metav1.NamespaceDefault
	}
	return p.Namespace
}

func (b *builder) warn(format string, args ...any) {
	b.e.warnings = append(b.e.warnings, fmt.Sprintf(format, args...))
}

func (b *builder) addPolicy(np *networkingv1.NetworkPolicy) {
	e := b.e
	ns := policyNamespace(np)
	name := ns + "/" + np.Name
	spec := &np.Spec

	ingress, egress := len(spec.PolicyTypes) == 0, len(spec.PolicyTypes) == 0 && len(spec.Egress) > 0
	for _, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			ingress = true
		case networkingv1.PolicyTypeEgress:
			egress = true
		default:
			b.warn("%s: spec.policyTypes: unknown type %q ignored", name, t)
		}
	}

	targets := b.podsMatching(&spec.PodSelector, where{policy: name}).and(b.nsPods[ns])
	pi := int32(len(e.policies))
	e.policies = append(e.policies, policy{name: name, targets: targets})
	p := &e.policies[pi]
	hasTargets := !targets.empty()

	if ingress {
		for i := range spec.Ingress {
			r := &spec.Ingress[i]
			at := where{policy: name, dir: "ingress", rule: i}
			p.ingress = append(p.ingress, b.addRule(pi, ns, r.Ports, r.From, at.in("from"), at.in("ports")))
		}
		if hasTargets {
			targets.each(func(t int) {
				e.ingressIsolated.set(t)
				e.ingressOf[t] = append(e.ingressOf[t], pi)
			})
		}
	}
	if egress {
		for i := range spec.Egress {
			r := &spec.Egress[i]
			at := where{policy: name, dir: "egress", rule: i}
			ri := b.addRule(pi, ns, r.Ports, r.To, at.in("to"), at.in("ports"))
			p.egress = append(p.egress, ri)
			if !hasTargets {
				continue
			}
			if e.rules[ri].allPeers {
				e.egressToAll = append(e.egressToAll, ri)
			} else {
				e.rules[ri].peers.each(func(d int) { e.egressTo[d] = append(e.egressTo[d], ri) })
			}
		}
		if hasTargets {
			targets.each(func(t int) {
				e.egressIsolated.set(t)
				e.egressOf[t] = append(e.egressOf[t], pi)
			})
		}
	}
}

func (b *builder) addRule(pi int32, ns string, ports []networkingv1.NetworkPolicyPort, peers []networkingv1.NetworkPolicyPeer, peersWhere, portsWhere where) int32 {
	e := b.e
	r := rule{policy: pi}
	for i := range ports {
		r.ports = append(r.ports, b.portMatch(&ports[i], portsWhere.at(i)))
	}
	if len(peers) == 0 {
		r.allPeers = true
		r.peers = b.all
	} else {
		for i := range peers {
			r.peers = r.peers.or(b.peerSet(ns, &peers[i], peersWhere.at(i)))
		}
	}
	e.rules = append(e.rules, r)
	return int32(len(e.rules) - 1)
}

func (b *builder) portMatch(p *networkingv1.NetworkPolicyPort, where where) portMatch {
	pm := portMatch{proto: corev1.ProtocolTCP, lo: math.MinInt32, hi: math.MaxInt32}
	if p.Protocol != nil {
		pm.proto = defaultProtocol(*p.Protocol)
	}
	switch pm.proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		b.warn("%s.protocol: unsupported protocol %q matches nothing", where, pm.proto)
		pm.never = true
	}
	switch {
	case p.Port == nil:
		if p.EndPort != nil {
			b.warn("%s: endPort without port matches nothing", where)
			pm.never = true
		}
	case p.Port.Type == intstr.String:
		pm.name = p.Port.StrVal
		if p.EndPort != nil {
			b.warn("%s: endPort with named port %q matches nothing", where, pm.name)
			pm.never = true
		}
	default:
		pm.lo, pm.hi = p.Port.IntVal, p.Port.IntVal
		if p.EndPort != nil {
			pm.hi = *p.EndPort
			if pm.hi < pm.lo {
				b.warn("%s: endPort %d below port %d matches nothing", where, pm.hi, pm.lo)
				pm.never = true
			}
		}
	}
	return pm
}

// peerSet is the set of endpoints one from/to entry admits.
func (b *builder) peerSet(ns string, p *networkingv1.NetworkPolicyPeer, where where) sparse {
	if p.IPBlock != nil {
		if p.PodSelector != nil || p.NamespaceSelector != nil {
			b.warn("%s: ipBlock together with a selector matches nothing", where)
			return b.empty
		}
		return b.ipBlock(p.IPBlock, where)
	}
	var inNS sparse
	switch {
	case p.NamespaceSelector != nil:
		inNS = b.namespacesMatching(p.NamespaceSelector, where.field(".namespaceSelector"))
	case p.PodSelector != nil:
		inNS = b.nsPods[ns]
		if inNS.empty() {
			return b.empty
		}
	default:
		b.warn("%s: a peer with no podSelector, namespaceSelector or ipBlock matches nothing", where)
		return b.empty
	}
	if p.PodSelector == nil {
		return inNS
	}
	return b.podsMatching(p.PodSelector, where.field(".podSelector")).and(inNS)
}

// ipBlock: the endpoints with a valid IP in cidr and in no except entry.
func (b *builder) ipBlock(blk *networkingv1.IPBlock, where where) sparse {
	key := blk.CIDR + "|" + strings.Join(blk.Except, ",")
	if s, ok := b.ipCache[key]; ok {
		return s
	}
	var out sparse
	cidr, err := netip.ParsePrefix(blk.CIDR)
	if err != nil {
		b.warn("%s.ipBlock.cidr %q: %v", where, blk.CIDR, err)
		return b.empty
	}
	except := make([]netip.Prefix, 0, len(blk.Except))
	for i, x := range blk.Except {
		p, err := netip.ParsePrefix(x)
		if err != nil {
			b.warn("%s.ipBlock.except[%d] %q: %v", where, i, x, err)
			return b.empty
		}
		except = append(except, p)
	}
next:
	for i, ip := range b.ips {
		if !ip.IsValid() || !cidr.Contains(ip) {
			continue
		}
		for _, x := range except {
			if x.Contains(ip) {
				continue next
			}
		}
		out.add(i)
	}
	b.ipCache[key] = out
	return out
}

// selector parses a LabelSelector the way the API does (once per selector,
// through b.sels: the validation dominates New); nil on error.
func (b *builder) selector(sel *metav1.LabelSelector, where where) (labels.Selector, string) {
	p := b.sels.Parse(sel)
	if p.Err != nil {
		b.warn("%s: %v", where, p.Err)
		return nil, p.key
	}
	return p.Selector, p.key
}

// Selectors parses LabelSelectors the way the API does
// (metav1.LabelSelectorAsSelector) and keeps them: by address, and by
// content, so that each selector, and each set of equal ones, is parsed
// once. A selector must not change while a Selectors keeps it. A Selectors is
// not safe for concurrent use.
type Selectors struct {
	byAddr map[*metav1.LabelSelector]*Parsed
	byKey  map[string]*Parsed
}

// NewSelectors returns an empty Selectors.
func NewSelectors() *Selectors {
	return &Selectors{byAddr: map[*metav1.LabelSelector]*Parsed{}, byKey: map[string]*Parsed{}}
}

// Parsed is a parsed LabelSelector.
type Parsed struct {
	// Selector is what metav1.LabelSelectorAsSelector returns; nil when
	// it returns the error Err.
	Selector labels.Selector
	Err      error
	key      string // selectorKey
	str      string // Selector.String(), once asked
	hasStr   bool
}

// String is Selector.String(), computed once.
func (p *Parsed) String() string {
	if !p.hasStr {
		p.str, p.hasStr = p.Selector.String(), true
	}
	return p.str
}

// Parse parses sel, or returns what it parsed of it, or of an equal
// selector, before.
func (c *Selectors) Parse(sel *metav1.LabelSelector) *Parsed {
	if p, ok := c.byAddr[sel]; ok {
		return p
	}
	key := selectorKey(sel)
	p, ok := c.byKey[key]
	if !ok {
		p = &Parsed{key: key}
		p.Selector, p.Err = metav1.LabelSelectorAsSelector(sel)
		if p.Err != nil {
			p.Selector = nil
		}
		c.byKey[key] = p
	}
	c.byAddr[sel] = p
	return p
}

// selectorKey is an injective encoding of a LabelSelector: equal keys, equal
// selectors. Each string is written as its length, ":" and itself: the
// matchLabels by key, then each expression after a "|" (key, operator,
// the number of values and "#", the values).
func selectorKey(sel *metav1.LabelSelector) string {
	b := make([]byte, 0, 64)
	str := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	if len(sel.MatchLabels) == 1 {
		for k, v := range sel.MatchLabels {
			str(k)
			str(v)
		}
	} else if len(sel.MatchLabels) > 1 {
		keys := make([]string, 0, len(sel.MatchLabels))
		for k := range sel.MatchLabels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			str(k)
			str(sel.MatchLabels[k])
		}
	}
	for _, r := range sel.MatchExpressions {
		b = append(b, '|')
		str(r.Key)
		str(string(r.Operator))
		b = strconv.AppendInt(b, int64(len(r.Values)), 10)
		b = append(b, '#')
		for _, v := range r.Values {
			str(v)
		}
	}
	return string(b)
}

// where is a part of a policy, as Warnings names it, e.g.
// "shop/allow-web: spec.ingress[0].from[1].podSelector"; the text is made
// only for a warning.
type where struct {
	policy string // namespace/name
	// dir is "ingress" or "egress" ("" is spec.podSelector), rule the
	// rule's index.
	dir  string
	rule int
	// list is "from", "to" or "ports" ("" is the rule), entry the entry's
	// index (-1 is the list).
	list  string
	entry int
	// sub is what follows, e.g. ".podSelector".
	sub string
}

func (w where) in(list string) where { w.list, w.entry = list, -1; return w }
func (w where) at(i int) where       { w.entry = i; return w }
func (w where) field(f string) where { w.sub = f; return w }

func (w where) String() string {
	if w.dir == "" {
		return w.policy + ": spec.podSelector" + w.sub
	}
	s := w.policy + ": spec." + w.dir + "[" + strconv.Itoa(w.rule) + "]"
	if w.list != "" {
		s += "." + w.list
		if w.entry >= 0 {
			s += "[" + strconv.Itoa(w.entry) + "]"
		}
	}
	return s + w.sub
}

// podsMatching is the set of pods (in any namespace) sel selects.
func (b *builder) podsMatching(sel *metav1.LabelSelector, where where) sparse {
	s, key := b.selector(sel, where)
	if s == nil {
		return b.empty
	}
	if out, ok := b.podCache[key]; ok {
		return out
	}
	reqs, selectable := s.Requirements()
	var out sparse
	if selectable {
		out = b.pods
		for _, r := range reqs {
			out = out.and(b.requirement(r))
		}
	}
	b.podCache[key] = out
	return out
}

// requirement evaluates one requirement over every pod with the label index,
// exactly as labels.Requirement.Matches would pod by pod.
func (b *builder) requirement(r labels.Requirement) sparse {
	key := r.String()
	if out, ok := b.reqCache[key]; ok {
		return out
	}
	var out sparse
	k := r.Key()
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		for _, v := range r.ValuesUnsorted() {
			if s := b.byKV[k][v]; s != nil {
				out = out.or(*s)
			}
		}
	case selection.NotEquals, selection.NotIn:
		// the absent key matches, as in labels.Requirement.Matches
		out = b.pods
		for _, v := range r.ValuesUnsorted() {
			if s := b.byKV[k][v]; s != nil {
				out = out.andNot(*s)
			}
		}
	case selection.Exists:
		if s := b.byKey[k]; s != nil {
			out = *s
		}
	case selection.DoesNotExist:
		out = b.pods
		if s := b.byKey[k]; s != nil {
			out = out.andNot(*s)
		}
	default: // gt, lt: never produced from a LabelSelector, but exact anyway
		b.e.pods.each(func(i int) {
			if r.Matches(labels.Set(b.eps[i].Labels)) {
				out.add(i)
			}
		})
	}
	b.reqCache[key] = out
	return out
}

// namespacesMatching is the set of pods in the namespaces sel selects.
func (b *builder) namespacesMatching(sel *metav1.LabelSelector, where where) sparse {
	s, key := b.selector(sel, where)
	if s == nil {
		return b.empty
	}
	if out, ok := b.nsSelCache[key]; ok {
		return out
	}
	var out sparse
	for _, name := range b.nsNames {
		if pods := b.nsPods[name]; !pods.empty() && s.Matches(b.nsLabels[name]) {
			out = out.or(pods)
		}
	}
	b.nsSelCache[key] = out
	return out
}

func (b *builder) finish() *Engine {
	e := b.e
	e.egressFree = e.all.clone()
	e.egressFree.andNot(e.egressIsolated)
	sort.Strings(e.warnings)
	return e
}

// PortEntry is one entry of a rule's ports, as the engine reads it: a
// protocol and an inclusive range (1..65535 for an entry without a port), or
// a port name resolved on the destination.
type PortEntry struct {
	Proto  corev1.Protocol
	Lo, Hi int32
	// Name is a named port ("" for numbers); Lo and Hi are then unset.
	Name string
}

// PortEntries lists the port entries of every rule that can admit traffic to
// dst on some port: the ingress rules of the policies isolating dst, and the
// egress rules whose peers include dst. Traffic to dst on two ports that lie
// in exactly the same entries (named entries resolved on dst's container
// ports) is admitted from exactly the same sources, so one port of each such
// class judges the class. Rules without ports admit every port and add
// nothing here; entries the API server would reject are left out.
func (e *Engine) PortEntries(dst int) []PortEntry {
	e.check(dst)
	var out []PortEntry
	add := func(r *rule) {
		for _, pm := range r.ports {
			if pm.never {
				continue
			}
			if pm.name != "" {
				out = append(out, PortEntry{Proto: pm.proto, Name: pm.name})
				continue
			}
			out = append(out, PortEntry{Proto: pm.proto, Lo: max(pm.lo, 1), Hi: min(pm.hi, 65535)})
		}
	}
	if e.ingressIsolated.has(dst) {
		for _, pi := range e.ingressOf[dst] {
			for _, ri := range e.policies[pi].ingress {
				add(&e.rules[ri])
			}
		}
	}
	for _, list := range [2][]int32{e.egressTo[dst], e.egressToAll} {
		for _, ri := range list {
			add(&e.rules[ri])
		}
	}
	return out
}

// Admitting names the rules that let src reach dst on port/proto, e.g.
// "shop/allow-web spec.ingress[0]": the ingress rules of dst's policies and
// the egress rules of src's policies that admit the connection. A side that
// no policy isolates admits it without a rule and adds nothing.
func (e *Engine) Admitting(src, dst int, port int32, proto corev1.Protocol) []string {
	e.check(src)
	e.check(dst)
	proto = defaultProtocol(proto)
	var out []string
	name := func(pi int32, dir string, list []int32, ri int32) string {
		for i, r := range list {
			if r == ri {
				return fmt.Sprintf("%s spec.%s[%d]", e.policies[pi].name, dir, i)
			}
		}
		return e.policies[pi].name
	}
	if e.egressIsolated.has(src) {
		for _, pi := range e.egressOf[src] {
			for _, ri := range e.policies[pi].egress {
				if r := &e.rules[ri]; r.peers.has(dst) && e.portAllowed(r, port, proto, dst) {
					out = append(out, name(pi, "egress", e.policies[pi].egress, ri))
				}
			}
		}
	}
	if e.ingressIsolated.has(dst) {
		for _, pi := range e.ingressOf[dst] {
			for _, ri := range e.policies[pi].ingress {
				if r := &e.rules[ri]; r.peers.has(src) && e.portAllowed(r, port, proto, dst) {
					out = append(out, name(pi, "ingress", e.policies[pi].ingress, ri))
				}
			}
		}
	}
	return out
}

// Variant is an endpoint that differs from an endpoint of an Engine only in
// its container ports: the same namespace, labels and IP, so that every
// selector, namespace selector and address block takes it as it takes that
// endpoint.
type Variant struct {
	// Of is the endpoint it is a variant of.
	Of int
	// Ports are its container ports (see Endpoint.Ports).
	Ports []corev1.ContainerPort
}

// WithVariants returns the Engine that New builds from the same namespaces
// and policies over e's endpoints followed by vs, in order (vs[k] is
// endpoint e.Len()+k), without evaluating a selector again: a variant is in
// exactly the sets its endpoint is in (the pods a policy selects, a rule's
// peers, the isolated pods), and its own container ports resolve named
// ports. e is not modified.
func (e *Engine) WithVariants(vs []Variant) *Engine {
	n0, n := e.n, e.n+len(vs)
	// variants[i]: the variants of endpoint i, in increasing order.
	variants := make([][]int32, n0)
	for k, v := range vs {
		e.check(v.Of)
		variants[v.Of] = append(variants[v.Of], int32(n0+k))
	}
	grow := func(b bitset) bitset {
		out := newBitset(n)
		copy(out, b)
		for k, v := range vs {
			if b.has(v.Of) {
				out.set(n0 + k)
			}
		}
		return out
	}
	// Sets are shared (a cached selector's pods, every endpoint): each one
	// is extended once.
	type setID struct {
		idx   *int32
		words *uint64
		n     int
	}
	extended := map[setID]sparse{}
	var added []int
	extend := func(s sparse) sparse {
		if s.empty() {
			return s
		}
		id := setID{&s.idx[0], &s.words[0], len(s.idx)}
		if out, ok := extended[id]; ok {
			return out
		}
		added = added[:0]
		s.each(func(i int) {
			for _, j := range variants[i] {
				added = append(added, int(j))
			}
		})
		out := s
		if len(added) > 0 {
			slices.Sort(added)
			out = sparse{idx: slices.Clone(s.idx), words: slices.Clone(s.words)}
			for _, j := range added {
				out.add(j)
			}
		}
		extended[id] = out
		return out
	}

	x := &Engine{
		n:               n,
		all:             fullBitset(n),
		pods:            grow(e.pods),
		ports:           slices.Grow(slices.Clip(e.ports), len(vs)),
		policies:        slices.Clone(e.policies),
		rules:           slices.Clone(e.rules),
		ingressIsolated: grow(e.ingressIsolated),
		egressIsolated:  grow(e.egressIsolated),
		ingressOf:       slices.Grow(slices.Clip(e.ingressOf), len(vs)),
		egressOf:        slices.Grow(slices.Clip(e.egressOf), len(vs)),
		egressTo:        slices.Grow(slices.Clip(e.egressTo), len(vs)),
		egressToAll:     e.egressToAll,
		warnings:        e.warnings,
	}
	for _, v := range vs {
		var ports []corev1.ContainerPort
		if e.pods.has(v.Of) { // an address has no ports, as in New
			ports = make([]corev1.ContainerPort, len(v.Ports))
			for j, cp := range v.Ports {
				cp.Protocol = defaultProtocol(cp.Protocol)
				ports[j] = cp
			}
		}
		x.ports = append(x.ports, ports)
		x.ingressOf = append(x.ingressOf, e.ingressOf[v.Of])
		x.egressOf = append(x.egressOf, e.egressOf[v.Of])
		x.egressTo = append(x.egressTo, e.egressTo[v.Of])
	}
	for i := range x.policies {
		x.policies[i].targets = extend(x.policies[i].targets)
	}
	for i := range x.rules {
		x.rules[i].peers = extend(x.rules[i].peers)
	}
	x.egressFree = x.all.clone()
	x.egressFree.andNot(x.egressIsolated)
	return x
}
