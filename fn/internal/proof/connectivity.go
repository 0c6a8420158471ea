// Package proof proves a rendered stream: the connectivity proof computes the
// flow matrix the NetworkPolicies actually allow (with the evaluator in
// proof/netpol) and compares it with the declared flows; the RBAC review
// (proof/rbac) lists what each ServiceAccount can really do.
package proof

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
	"netid.dev/netid/krm/v1alpha1"
)

// Pod is one workload of the stream, judged as one representative pod.
type Pod struct {
	Namespace, Name string
	Labels          map[string]string
	Ports           []corev1.ContainerPort
	// ServiceAccount is the pod template's ServiceAccount ("" is
	// "default"): the identity mesh policies select on.
	ServiceAccount string
	// Annotations are the pod template's annotations: the proof reads
	// Linkerd's linkerd.io/inject from them.
	Annotations map[string]string
}

// Input is what the connectivity proof reads: the whole stream's policies and
// workloads, and the Plan's declarations (nil for a stream without them:
// then the matrix is computed but nothing is expected).
type Input struct {
	// Rendered says netid rendered the stream's generated objects in this
	// run (they carry Generated), as opposed to reading a rendered stream
	// back (netid verify), where every object is the user's.
	Rendered bool
	// Namespaces maps a Namespace of the stream to its labels.
	Namespaces map[string]map[string]string
	// NamespaceAnnotations maps a Namespace of the stream to its
	// annotations (Linkerd's linkerd.io/inject).
	NamespaceAnnotations map[string]map[string]string
	Policies             []networkingv1.NetworkPolicy
	Pods                 []Pod
	Plan                 *plan.Plan
	// Objects are the stream's objects of every layer other than
	// NetworkPolicy (LayerOf), with their JSON: the proof compiles those of
	// the layers the cluster enforces (proof/dialect) and evaluates them with
	// the NetworkPolicies; an object it cannot model is named, and the proof
	// claims nothing of the flows it may open or close.
	Objects []Object
	// Cluster says what the cluster enforces (its CNI, the admin network
	// policy API).
	Cluster dialect.Cluster
	// extra are compiled policies added as they are (the completeness
	// test's random policies of every action and tier).
	extra []model.Policy
	// forceModel evaluates NetworkPolicies through the model even when no
	// other layer has policies (the differential test).
	forceModel bool
}

// Object is an object of a layer other than NetworkPolicy.
type Object struct {
	LayerObject
	// JSON is the whole object.
	JSON []byte
}

// Cell is one judged (source, destination, port).
type Cell struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Port is "8080/TCP".
	Port string `json:"port"`
	// Allowed is what the rendered policies do; Expected what was declared.
	Allowed  bool `json:"allowed"`
	Expected bool `json:"expected"`
	// Via are the rules that admit an undeclared open flow, e.g.
	// "shop/allow-web spec.ingress[0]" (set on mismatches only); with
	// layers other than NetworkPolicy, the decisions of every point, e.g.
	// "GlobalNetworkPolicy allow-all (Calico tier default) spec.ingress[0]: Allow".
	Via []string `json:"via,omitempty"`
	// BlockedBy names what blocks a declared flow found blocked, when
	// layers other than NetworkPolicy are evaluated (the deciding rule or
	// isolation of each point that denies).
	BlockedBy []string `json:"blockedBy,omitempty"`
	// Layers are the layers whose policies decided an allowed flow (each
	// point that allowed by a rule, not by default), when layers other than
	// NetworkPolicy are evaluated.
	Layers []string `json:"layers,omitempty"`
	// L7 says what restricts the allowed flow above layer 4 (an HTTP path,
	// a JWT): the connection opens, only some requests pass.
	L7 []string `json:"l7,omitempty"`
	// FromWorkload and ToWorkload are the workloads ("ns/name") the ends
	// stand for, if any.
	FromWorkload string `json:"-"`
	ToWorkload   string `json:"-"`
	// Namespace is the governed namespace the cell is about: the
	// destination's when it is a pod of one, else the source's.
	Namespace string `json:"-"`
}

// Result is the proof's outcome.
type Result struct {
	// Endpoints are every endpoint considered: the workloads and the
	// witnesses that stand for every other pod and address (see witnesses).
	Endpoints []string
	// Allowed is the flow matrix: every allowed, judged connection, sorted.
	Allowed []Cell
	// Mismatches are declared flows found blocked and undeclared flows found
	// open (empty without a Plan).
	Mismatches []Cell
	// Unjudged are the declared flows the proof cannot judge, and why (FQDN
	// egress).
	Unjudged []Unjudged
	// Incomplete says why the proof could not consider every endpoint; then
	// it claims nothing and the render is refused.
	Incomplete []Gap
	// Evaluated names the layers whose objects the proof evaluated, e.g.
	// "Kubernetes NetworkPolicy (networking.k8s.io)".
	Evaluated []string
	// NotEvaluated are the objects the proof could not evaluate (a layer or
	// a construct it does not model), sorted by layer, each with why: the
	// flows they may open or close are not proven.
	NotEvaluated []LayerObject
	// Inert are objects, or parts of objects, that decide nothing the proof
	// judges (a staged policy, a dialect the cluster's CNI does not enforce,
	// a rule about nodes), with why.
	Inert []LayerObject
	// Policies are the compiled policies of every evaluated layer
	// (NetworkPolicy included), in the evaluator's order, when the model
	// judged the flows (some layer other than NetworkPolicy has policies);
	// nil otherwise. Rules judge what users write through them, whatever
	// the dialect.
	Policies []CompiledPolicy
	// Conflicts are judged flows on which the network layer and the mesh
	// contradict each other by their own rules (see Conflict), at most
	// MaxConflicts per pair of deciding objects; model mode only.
	Conflicts []Conflict
}

// CompiledPolicy is one policy as the model's evaluator read it.
type CompiledPolicy struct {
	model.Policy
	// Source is the object of Input.Objects it was compiled from, as given
	// there (its Generated says netid rendered it); zero for a NetworkPolicy
	// (Policy.Object names it, "NetworkPolicy ns/name") and for a policy
	// that stands for a dialect's own behaviour ("ztunnel (Istio ambient)").
	// Rules of a policy may be written in other objects: a Linkerd Server's
	// authorizations name theirs at the start of Rule.Where.
	Source LayerObject
	// Selected is how many of Result.Endpoints the policy selects. The
	// witnesses stand for every pod that could exist, so 0 means it can
	// select no pod at all.
	Selected int
}

// Conflict is a judged flow the network layer and the mesh decide
// oppositely, each by a policy (not by default): a declared flow the
// network blocks (by a rule or isolation) while the mesh admits it by a
// rule, or a flow the network admits by a rule (at the source or the
// destination, and the other network point lets it through) that the mesh
// denies by a rule. Rules marked model.Rule.Builtin and the mesh's
// isolation (an ALLOW policy's "nothing else") do not count as rules.
type Conflict struct {
	From, To string
	// Port is "8080/TCP".
	Port string
	// Declared says the flow is declared.
	Declared bool
	// Network and Mesh are the two points' decisions; their Policy indexes
	// Result.Policies.
	Network, Mesh model.Decision
	// FromWorkload and ToWorkload are the workloads ("ns/name") the ends
	// stand for, if any.
	FromWorkload, ToWorkload string
}

// MaxConflicts bounds the Conflicts recorded per pair of deciding objects:
// they are evidence, and one is enough to act on.
const MaxConflicts = 200

// Unjudged is a declared flow the proof cannot judge.
type Unjudged struct {
	// From and To are the flow's ends, e.g. "shop/payments" and
	// "api.example.com".
	From, To string
	// Why says why it cannot be judged.
	Why string
}

// String is "from → to: why".
func (u Unjudged) String() string { return u.From + " → " + u.To + ": " + u.Why }

// Gap is a part of the universe the proof could not enumerate: then it
// claims nothing about the flows there.
type Gap struct {
	// Namespace it concerns ("" for namespaces outside the stream).
	Namespace string `json:"namespace,omitempty"`
	Reason    string `json:"reason"`
}

// ProbeNamespace names the witnesses of namespaces that nothing in the
// stream names: their pods stand for every pod of such a namespace.
const ProbeNamespace = "netid-probe"

type port struct {
	n     int32
	proto corev1.Protocol
}

func (p port) String() string { return fmt.Sprintf("%d/%s", p.n, p.proto) }

// nsInstance is one namespace as the proof considers it: a namespace of the
// stream with its labels, or one possible label set of a namespace the stream
// names but does not hold (key "name#i" for every label set after the first),
// or a namespace nothing names.
type nsInstance struct {
	key, name string
	labels    labels.Set
	display   string
}

type prover struct {
	in        Input
	endpoints []netpol.Endpoint
	index     map[string]int
	// realNS[i] is endpoint i's namespace name ("" for an address).
	realNS []string
	// judged endpoints are pods of governed namespaces: a pair is judged when
	// either end is one.
	judged []bool
	// variantOf[i] is, for a named-port variant, the endpoint (witness or
	// workload) it is a variant of, else -1. As a source a variant is its
	// base, so only traffic to it is judged; as a destination it is its base
	// with one more named port.
	variantOf []int
	// workloads is the number of workload endpoints, the first ones.
	workloads int
	governed  map[string]bool
	// declared: the stream has declarations, so every judged flow is
	// compared with them.
	declared bool

	policies []networkingv1.NetworkPolicy
	// sels parses every selector once, for the proof and the engine.
	sels      *netpol.Selectors
	decls     []declaration
	nsSels    map[string]labels.Selector
	podSels   map[string]map[string]labels.Selector
	combined  []combinedPeer
	prefixes  []netip.Prefix
	mentioned map[string]bool
	// nsLabels are the labels of each namespace instance by key.
	nsLabels map[string]labels.Set

	// compiled are the policies of every evaluated layer (NetworkPolicy
	// included) when some layer other than NetworkPolicy has policies; nil
	// otherwise, and the NetworkPolicy engine judges alone.
	compiled []model.Policy
	// others: some layer other than NetworkPolicy has policies.
	others bool
	// podMatchers are the pod selectors of the network layer's policies
	// (NetworkPolicy's, and the other dialects' at the network point:
	// netid's own when it rendered some, else every one), each once: two
	// pods of a namespace that every one of them matches alike are alike
	// to the network layer.
	podMatchers []model.Match
	matcherSeen map[string]bool
	// sources maps a compiled policy's Object to the Input.Objects entry
	// it came from.
	sources map[string]LayerObject
	// conflicts counts the Conflicts recorded per pair of objects.
	conflicts map[[2]string]int

	// roles name what a declared side stands for ("DNS"), for witnesses on it.
	roles []role
	// expected[dst][port] holds the sources declared to reach dst on port;
	// permitted those that may reach it without having to.
	expected, permitted map[int]map[port]map[int]bool
	result              Result
}

type combinedPeer struct {
	ns      labels.Selector
	podsKey string
	pods    labels.Selector
}

type role struct {
	side side
	name string
}

// Connectivity runs the proof.
//
// The endpoints are the stream's workloads and witnesses derived from every
// selector and address block of every policy and declaration, so that every
// pod or address that could exist is judged through one that no policy and no
// declaration can tell apart from it (see witnesses).
func Connectivity(in Input) Result {
	p := newProver(in)
	if in.Plan != nil {
		p.declared = true
		p.declare()
	}
	return p.prove()
}

func newProver(in Input) *prover {
	p := &prover{in: in, index: map[string]int{}, expected: map[int]map[port]map[int]bool{}, permitted: map[int]map[port]map[int]bool{},
		nsSels: map[string]labels.Selector{}, podSels: map[string]map[string]labels.Selector{}, mentioned: map[string]bool{}, nsLabels: map[string]labels.Set{},
		sels: netpol.NewSelectors()}
	p.governed = p.governedNamespaces()
	p.policies = in.Policies
	p.compile()
	return p
}

// prove derives the witnesses, evaluates and compares with the declarations.
func (p *prover) prove() Result {
	p.collect()
	if gap := p.witnesses(); gap != nil {
		p.result.Incomplete = append(p.result.Incomplete, *gap)
		return p.result
	}
	if p.compiled != nil {
		ev := model.New(p.namespaces(), p.compiled, p.endpoints)
		if p.namedPortVariants(ev) {
			ev = model.New(p.namespaces(), p.compiled, p.endpoints)
		}
		p.expectAll(func(src, dst int, pt port) bool {
			for _, d := range ev.Decide(src, dst, pt.n, pt.proto).Decisions {
				if d.Point == model.Mesh && d.Policy >= 0 && d.Action == model.Allow {
					return true
				}
			}
			return false
		})
		p.result.Policies = make([]CompiledPolicy, len(ev.Policies()))
		for i, pol := range ev.Policies() {
			p.result.Policies[i] = CompiledPolicy{Policy: pol, Source: p.sources[pol.Object], Selected: ev.Selected(i)}
		}
		p.run(newModelJudge(ev, p))
		return p.result
	}
	engine := netpol.NewWithSelectors(p.namespaces(), p.policies, p.endpoints, p.sels)
	if n := len(p.endpoints); p.namedPortVariants(engine) {
		engine = p.withVariants(engine, n)
	}
	p.expectAll(nil)
	p.run(newEngineJudge(engine, p))
	return p.result
}

// compile compiles the objects of the layers other than NetworkPolicy that
// the cluster enforces (proof/dialect), names what it cannot evaluate and
// what decides nothing, and, when some layer other than NetworkPolicy has
// policies, keeps every compiled policy for the model's evaluator (the pods
// then carry their ServiceAccount as model.ServiceAccountLabel).
func (p *prover) compile() {
	var objs []dialect.Object
	byRef := map[string]LayerObject{}
	for _, o := range p.in.Objects {
		if !dialect.Handles(o.APIVersion, o.Kind) {
			lo := o.LayerObject
			lo.Why = "netid has no model of this kind"
			p.result.NotEvaluated = append(p.result.NotEvaluated, lo)
			continue
		}
		objs = append(objs, dialect.Object{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, JSON: o.JSON, Generated: o.Generated})
		byRef[objs[len(objs)-1].Ref()] = o.LayerObject
	}
	p.sources = byRef
	// NetworkPolicies are compiled into the model only when another layer
	// has policies: alone, the NetworkPolicy engine judges them.
	c := dialect.Compile(p.in.Cluster, nil, objs)
	named := func(us []model.Unmodelled) []LayerObject {
		var out []LayerObject
		for _, u := range us {
			lo, ok := byRef[u.Object]
			if !ok {
				lo = LayerObject{Name: u.Object}
			}
			lo.Layer, lo.Field, lo.Why = u.Layer, u.Field, u.Why
			out = append(out, lo)
		}
		return out
	}
	p.result.NotEvaluated = append(p.result.NotEvaluated, named(c.Unmodelled)...)
	p.result.Inert = named(c.Inert)
	sortLayerObjects(p.result.NotEvaluated)
	sortLayerObjects(p.result.Inert)
	if len(p.result.NotEvaluated) == 0 {
		p.result.NotEvaluated = nil
	}
	evaluated := map[string]bool{dialect.LayerNetworkPolicy: true}
	others := false
	for _, pol := range append(c.Policies, p.in.extra...) {
		evaluated[pol.Layer] = true
		others = others || pol.Layer != dialect.LayerNetworkPolicy
	}
	p.result.Evaluated = slices.Sorted(maps.Keys(evaluated))
	p.others = others
	if !others && !p.in.forceModel {
		return
	}
	nps := dialect.NetworkPolicies(p.in.Policies, dialect.NetworkPolicyPlacement(p.in.Cluster))
	p.compiled = slices.Concat(nps.Policies, c.Policies, p.in.extra)
	pods := make([]Pod, len(p.in.Pods))
	for i, pod := range p.in.Pods {
		l := make(map[string]string, len(pod.Labels)+1)
		maps.Copy(l, pod.Labels)
		sa := pod.ServiceAccount
		if sa == "" {
			sa = "default"
		}
		l[model.ServiceAccountLabel] = sa
		if v, ok := pod.Annotations[linkerdInject]; ok {
			l[dialect.LinkerdInjectLabel] = v
		}
		pod.Labels = l
		pods[i] = pod
	}
	p.in.Pods = pods
	if len(p.in.NamespaceAnnotations) > 0 {
		nss := make(map[string]map[string]string, len(p.in.Namespaces))
		for ns, l := range p.in.Namespaces {
			if v, ok := p.in.NamespaceAnnotations[ns][linkerdInject]; ok {
				l = maps.Clone(l)
				if l == nil {
					l = map[string]string{}
				}
				l[dialect.LinkerdInjectLabel] = v
			}
			nss[ns] = l
		}
		p.in.Namespaces = nss
	}
}

// linkerdInject is the annotation that meshes a namespace's or a pod's
// pods with Linkerd; the proof carries it as dialect.LinkerdInjectLabel.
const linkerdInject = "linkerd.io/inject"

// governedNamespaces are the namespaces the Plan governs; without a Plan,
// every namespace with a workload.
func (p *prover) governedNamespaces() map[string]bool {
	out := map[string]bool{}
	if p.in.Plan != nil {
		for _, ns := range p.in.Plan.Namespaces {
			out[ns.Name] = true
		}
		return out
	}
	for _, pod := range p.in.Pods {
		out[pod.Namespace] = true
	}
	return out
}

func (p *prover) add(name, realNS string, e netpol.Endpoint) int {
	if i, ok := p.index[name]; ok {
		return i
	}
	e.Name = name
	p.index[name] = len(p.endpoints)
	p.endpoints = append(p.endpoints, e)
	p.realNS = append(p.realNS, realNS)
	p.judged = append(p.judged, realNS != "" && p.governed[realNS])
	p.variantOf = append(p.variantOf, -1)
	return len(p.endpoints) - 1
}

// side is one end of a declared flow: one workload of the stream, the pods of
// a namespace that a selector matches, or the addresses of a block outside
// its excepts.
type side struct {
	workload string // "ns/name"
	ns       string
	sel      labels.Selector
	block    netip.Prefix
	except   []netip.Prefix
	// ident, when set, narrows a side of pods to those any of its peers
	// holds: a caller of a meshed destination is one of the mesh's pods,
	// running as the declared ServiceAccount (the identity the mesh
	// authorizes).
	ident []model.Peer
}

// declaration is a declared flow on one port (a named port resolves on the
// destination).
type declaration struct {
	from, to side
	port     plan.Port
	// tunnel: the port is a mesh's tunnel (ambient's HBONE), which any pod
	// of the mesh may open, whatever its ServiceAccount.
	tunnel bool
}

// declare turns the Plan into declarations: every flow on its ports, and each
// governed namespace's DNS and mesh control-plane egress from every pod of the
// namespace (those policies select all pods).
func (p *prover) declare() {
	for _, f := range p.in.Plan.Flows {
		from, okFrom := p.sideOf(f.From)
		to, okTo := p.sideOf(f.To)
		if !okFrom || !okTo {
			if f.From.Kind == plan.KindFQDN || f.To.Kind == plan.KindFQDN {
				u := Unjudged{From: f.From.String(), To: f.To.String(), Why: "FQDN egress is enforced by the CNI's DNS-aware policy, which NetworkPolicy semantics cannot express"}
				p.result.Unjudged = append(p.result.Unjudged, u)
			}
			continue
		}
		tunnelFrom := from
		// with a mesh's policies compiled, a declared caller of a meshed
		// destination is judged by its identity
		if p.compiled != nil {
			from.ident = p.identity(f, true)
			tunnelFrom.ident = p.identity(f, false)
		}
		for _, pt := range f.Ports {
			p.decls = append(p.decls, declaration{from: from, to: to, port: pt})
		}
		// A tunnel port (ambient's HBONE) carries the declared flows for
		// any pod of the mesh: the connection it carries is judged on its
		// own port, by identity.
		for _, pt := range f.Tunnel {
			p.decls = append(p.decls, declaration{from: tunnelFrom, to: to, port: pt, tunnel: true})
		}
	}
	for _, ns := range p.in.Plan.Namespaces {
		all := side{ns: ns.Name, sel: labels.Everything()}
		if d := ns.DNS; d != nil {
			dns := side{ns: d.Namespace, sel: labels.SelectorFromSet(d.PodLabels)}
			p.roles = append(p.roles, role{dns, "DNS"})
			var nodeLocal side
			if d.NodeLocal != "" {
				addr := netip.MustParseAddr(d.NodeLocal)
				nodeLocal = side{block: netip.PrefixFrom(addr, addr.BitLen())}
				p.roles = append(p.roles, role{nodeLocal, "NodeLocal DNS"})
			}
			for _, pt := range dnsPorts {
				p.decls = append(p.decls, declaration{from: all, to: dns, port: pt})
				if nodeLocal.block.IsValid() {
					p.decls = append(p.decls, declaration{from: all, to: nodeLocal, port: pt})
				}
			}
		}
		if cp, ok := ns.ControlPlane(); ok {
			mesh := side{ns: cp.Namespace, sel: labels.SelectorFromSet(cp.Pods)}
			p.roles = append(p.roles, role{mesh, "mesh control plane"})
			for _, n := range cp.Ports {
				p.decls = append(p.decls, declaration{from: all, to: mesh, port: plan.Port{Protocol: corev1.ProtocolTCP, Target: intstr.FromInt32(n)}})
			}
		}
		// the cluster baseline's platform allowances are declared for every
		// pod of every governed namespace
		if b := p.in.Plan.Settings.Baseline; b != nil {
			for _, r := range b.Ingress {
				for _, pt := range baselinePorts(r.Ports) {
					p.decls = append(p.decls, declaration{from: baselineSide(r.From), to: all, port: pt})
				}
			}
			for _, r := range b.Egress {
				for _, pt := range baselinePorts(r.Ports) {
					p.decls = append(p.decls, declaration{from: all, to: baselineSide(r.To), port: pt})
				}
			}
		}
	}
}

// baselineSide is a baseline rule's platform peer: pods by namespace and
// labels, or an address block.
func baselineSide(b v1alpha1.BaselinePeer) side {
	if b.CIDR != "" {
		pre, _ := netip.ParsePrefix(b.CIDR) // validated canonical
		return side{block: pre.Masked()}
	}
	return side{ns: b.Namespace, sel: labels.SelectorFromSet(b.PodLabels)}
}

// baselinePorts are a baseline rule's port numbers (TCP unless stated).
func baselinePorts(ps []v1alpha1.PortRef) []plan.Port {
	var out []plan.Port
	for _, pr := range ps {
		proto := pr.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		out = append(out, plan.Port{Protocol: proto, Target: pr.Port})
	}
	return out
}

// identity is what a meshed destination's mesh requires of the flow's
// callers, as netid renders it: pods of the mesh, running as the declared
// ServiceAccount when the caller is pods outside the render (a workload of
// the render is itself, its ServiceAccount included); nil when the
// destination is not meshed or the caller is an address block.
func (p *prover) identity(f *plan.Flow, withSA bool) []model.Peer {
	if f.From.Kind != plan.KindPods && f.From.Kind != plan.KindWorkload {
		return nil
	}
	ns := f.To.Namespace
	var provider string
	for _, n := range p.in.Plan.Namespaces {
		if n.Name == ns {
			provider = string(n.Mesh)
		}
	}
	meshed := dialect.Meshed(provider)
	if meshed == nil {
		return nil
	}
	if !withSA || f.From.Kind != plan.KindPods || f.From.ServiceAccount == "" {
		return meshed
	}
	sa := model.Labels(map[string]string{model.ServiceAccountLabel: f.From.ServiceAccount})
	out := make([]model.Peer, len(meshed))
	for i, m := range meshed {
		m.Labels = model.And(m.Labels, sa)
		out[i] = m
	}
	return out
}

var dnsPorts = []plan.Port{{Protocol: corev1.ProtocolUDP, Target: intstr.FromInt32(53)}, {Protocol: corev1.ProtocolTCP, Target: intstr.FromInt32(53)}}

func (p *prover) sideOf(e plan.Endpoint) (side, bool) {
	switch e.Kind {
	case plan.KindWorkload:
		return side{workload: e.Namespace + "/" + e.Workload.Name()}, true
	case plan.KindPods:
		sel := p.sels.Parse(e.Selector)
		if sel.Err != nil {
			return side{}, false
		}
		return side{ns: e.Namespace, sel: sel.Selector}, true
	case plan.KindCIDR:
		block, err := netip.ParsePrefix(e.CIDR)
		if err != nil {
			return side{}, false
		}
		s := side{block: block.Masked()}
		for _, x := range e.Except {
			if pre, err := netip.ParsePrefix(x); err == nil {
				s.except = append(s.except, pre.Masked())
			}
		}
		return s, true
	}
	return side{}, false
}

// matches reports whether endpoint i lies on the side.
func (p *prover) matches(s side, i int) bool {
	if s.ident != nil && !p.holds(s.ident, i) {
		return false
	}
	e := &p.endpoints[i]
	switch {
	case s.workload != "":
		if v := p.variantOf[i]; v >= 0 {
			e = &p.endpoints[v]
		}
		return e.Name == s.workload
	case s.sel != nil:
		return p.realNS[i] == s.ns && s.sel.Matches(labels.Set(e.Labels))
	case s.block.IsValid():
		if !e.IP.IsValid() || e.Namespace != "" || !s.block.Contains(e.IP.Unmap()) {
			return false
		}
		for _, x := range s.except {
			if x.Contains(e.IP.Unmap()) {
				return false
			}
		}
		return true
	}
	return false
}

// holds reports whether some peer holds endpoint i.
func (p *prover) holds(peers []model.Peer, i int) bool {
	e := &p.endpoints[i]
	var ns labels.Set
	if e.Namespace != "" {
		ns = p.nsLabels[e.Namespace]
		if ns == nil {
			ns = labels.Set{corev1.LabelMetadataName: p.realNS[i]}
			maps.Copy(ns, p.in.Namespaces[p.realNS[i]])
		}
	}
	for k := range peers {
		if peers[k].Holds(e, ns) {
			return true
		}
	}
	return false
}

// collect gathers what can tell endpoints apart: every selector and address
// block of every policy, and of every declaration.
func (p *prover) collect() {
	addPodSel := func(ns, key string, sel labels.Selector) {
		if p.podSels[ns] == nil {
			p.podSels[ns] = map[string]labels.Selector{}
		}
		p.podSels[ns][key] = sel
		p.mentioned[ns] = true
	}
	block := func(b *networkingv1.IPBlock) {
		if pre, err := netip.ParsePrefix(b.CIDR); err == nil {
			p.prefixes = append(p.prefixes, pre.Masked())
		}
		for _, x := range b.Except {
			if pre, err := netip.ParsePrefix(x); err == nil {
				p.prefixes = append(p.prefixes, pre.Masked())
			}
		}
	}
	p.matcherSeen = map[string]bool{}
	npMatchers := func(sel *metav1.LabelSelector) {
		if sel == nil {
			return
		}
		if s, err := metav1.LabelSelectorAsSelector(sel); err == nil {
			p.addMatcher("np:"+s.String(), model.Selector(s))
		}
	}
	for i := range p.in.Policies {
		spec := &p.in.Policies[i].Spec
		npMatchers(&spec.PodSelector)
		for _, r := range spec.Ingress {
			for _, peer := range r.From {
				npMatchers(peer.PodSelector)
			}
		}
		for _, r := range spec.Egress {
			for _, peer := range r.To {
				npMatchers(peer.PodSelector)
			}
		}
	}
	for i := range p.in.Policies {
		pol := &p.in.Policies[i]
		ns := pol.Namespace
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		if sel := p.sels.Parse(&pol.Spec.PodSelector); sel.Err == nil {
			addPodSel(ns, sel.String(), sel.Selector)
		}
		p.mentioned[ns] = true
		var peers []networkingv1.NetworkPolicyPeer
		for _, r := range pol.Spec.Ingress {
			peers = append(peers, r.From...)
		}
		for _, r := range pol.Spec.Egress {
			peers = append(peers, r.To...)
		}
		for _, peer := range peers {
			switch {
			case peer.IPBlock != nil:
				block(peer.IPBlock)
			case peer.NamespaceSelector != nil:
				nsSel := p.sels.Parse(peer.NamespaceSelector)
				if nsSel.Err != nil {
					continue
				}
				p.nsSels[nsSel.String()] = nsSel.Selector
				p.mentionNames(peer.NamespaceSelector)
				if peer.PodSelector != nil {
					if podSel := p.sels.Parse(peer.PodSelector); podSel.Err == nil {
						p.combined = append(p.combined, combinedPeer{nsSel.Selector, podSel.String(), podSel.Selector})
					}
				}
			case peer.PodSelector != nil:
				if sel := p.sels.Parse(peer.PodSelector); sel.Err == nil {
					addPodSel(ns, sel.String(), sel.Selector)
				}
			}
		}
	}
	for i := range p.compiled {
		pol := &p.compiled[i]
		if pol.Layer == dialect.LayerNetworkPolicy {
			continue // read above, from the policies themselves
		}
		// a network-point policy tells pods apart by its pod selectors as
		// a NetworkPolicy does: netid's own native policies (Calico,
		// Cilium, Antrea, the admin API) stand for the NetworkPolicies of
		// the generic render. A user's policy does not make a pod of a
		// workload another pod: what it lets such a pod do beyond the
		// workload's declaration is judged all the same. Reading a
		// rendered stream back (netid verify), where netid's objects are
		// not told from the user's, every policy counts.
		networkKeys := func(peer model.Peer) {
			if pol.Point != model.Network || (p.in.Rendered && !p.sources[pol.Object].Generated) {
				return
			}
			m := peer.Labels
			p.addMatcher("m:"+m.String(), m)
		}
		for _, peer := range pol.Subject {
			p.collectPeer(peer, addPodSel)
			networkKeys(peer)
		}
		for _, rs := range [][]model.Rule{pol.Ingress, pol.Egress} {
			for _, r := range rs {
				for _, peer := range r.Peers {
					p.collectPeer(peer, addPodSel)
					networkKeys(peer)
				}
			}
		}
	}
	for _, d := range p.decls {
		for _, peer := range d.from.ident {
			p.collectPeer(peer, addPodSel)
		}
		for _, s := range []side{d.from, d.to} {
			switch {
			case s.sel != nil:
				addPodSel(s.ns, s.sel.String(), s.sel)
			case s.block.IsValid():
				p.prefixes = append(p.prefixes, s.block)
				p.prefixes = append(p.prefixes, s.except...)
			}
		}
	}
	for _, pod := range p.in.Pods {
		p.mentioned[pod.Namespace] = true
	}
	for ns := range p.in.Namespaces {
		p.mentioned[ns] = true
	}
	for ns := range p.governed {
		p.mentioned[ns] = true
	}
}

// collectPeer gathers what a compiled peer tells apart: its namespace
// selectors, its pod selectors (in the namespace it pins, else in every
// namespace) and its address blocks.
func (p *prover) collectPeer(peer model.Peer, addPodSel func(ns, key string, sel labels.Selector)) {
	if peer.Pods {
		for _, l := range peer.NS.Selectors() {
			p.nsSels[l.String()] = l
			if rs, ok := l.Requirements(); ok {
				for _, r := range rs {
					if r.Key() == corev1.LabelMetadataName {
						for v := range r.Values() {
							p.mentioned[v] = true
						}
					}
				}
			}
		}
		ns, pinned := peer.NS.Pins(corev1.LabelMetadataName)
		for _, l := range peer.Labels.Selectors() {
			if pinned {
				addPodSel(ns, l.String(), l)
			} else {
				p.combined = append(p.combined, combinedPeer{labels.Everything(), l.String(), l})
			}
		}
	}
	if peer.Addrs {
		for _, n := range slices.Concat(peer.Nets, peer.Except) {
			p.prefixes = append(p.prefixes, n.Masked())
		}
	}
}

// mentionNames records the namespace names a namespace selector names.
func (p *prover) mentionNames(sel *metav1.LabelSelector) {
	if v, ok := sel.MatchLabels[corev1.LabelMetadataName]; ok {
		p.mentioned[v] = true
	}
	for _, r := range sel.MatchExpressions {
		if r.Key == corev1.LabelMetadataName {
			for _, v := range r.Values {
				p.mentioned[v] = true
			}
		}
	}
}

// witnesses adds the endpoints.
//
// Namespaces: a namespace of the stream has its labels; a namespace the
// stream only names (by a policy in it, a selector naming it, a declaration)
// may have any labels, so it gets one instance per combination of
// namespaceSelector verdicts its name allows; every other namespace is one of
// the instances of namespaces nothing names (ProbeNamespace, -2, …), one per
// combination of verdicts.
//
// Pods: in each namespace instance, one pod per combination of verdicts of
// the pod selectors that apply there (the policies' spec.podSelector and
// podSelector peers of that namespace, the podSelector of each peer whose
// namespaceSelector matches it, the declared peers there), except the
// combinations a workload of the stream already has.
//
// Addresses: one address per combination of the address blocks (ipBlock
// cidr and except, declared blocks, NodeLocal DNS) containing it, IPv4 and
// IPv6.
func (p *prover) witnesses() *Gap {
	nsList := make([]string, 0, len(p.nsSels))
	for k := range p.nsSels {
		nsList = append(nsList, k)
	}
	sort.Strings(nsList)
	nsSels := make([]labels.Selector, len(nsList))
	for i, k := range nsList {
		nsSels[i] = p.nsSels[k]
	}

	var instances []nsInstance
	names := make([]string, 0, len(p.mentioned))
	for ns := range p.mentioned {
		names = append(names, ns)
	}
	sort.Strings(names)
	for _, ns := range names {
		if l, ok := p.in.Namespaces[ns]; ok {
			set := labels.Set{corev1.LabelMetadataName: ns}
			for k, v := range l {
				set[k] = v
			}
			instances = append(instances, nsInstance{key: ns, name: ns, labels: set, display: ns})
			continue
		}
		atoms, err := labelAtoms(nsSels, map[string]string{corev1.LabelMetadataName: ns})
		if err != nil {
			return &Gap{Namespace: ns, Reason: "the namespace selectors " + err.Error()}
		}
		for i, a := range atoms {
			inst := nsInstance{key: ns, name: ns, labels: a.Labels, display: ns}
			if i > 0 {
				inst.key = fmt.Sprintf("%s#%d", ns, i+1)
				inst.display = ns + "{" + nsLabelString(a.Labels) + "}"
				p.copyPolicies(ns, inst.key)
			}
			instances = append(instances, inst)
		}
	}
	fresh := ProbeNamespace
	for i := 2; p.mentioned[fresh]; i++ {
		fresh = fmt.Sprintf("%s-%d", ProbeNamespace, i)
	}
	atoms, err := labelAtoms(nsSels, map[string]string{corev1.LabelMetadataName: fresh})
	if err != nil {
		return &Gap{Reason: "the namespace selectors " + err.Error()}
	}
	for i, a := range atoms {
		key := fresh
		if i > 0 {
			key = fmt.Sprintf("%s-%d", fresh, i+1)
		}
		a.Labels[corev1.LabelMetadataName] = key
		display := key
		if l := nsLabelString(a.Labels); l != "" {
			display += "{" + l + "}"
		}
		instances = append(instances, nsInstance{key: key, name: key, labels: a.Labels, display: display})
	}

	for _, inst := range instances {
		p.nsLabels[inst.key] = inst.labels
	}
	workloads := map[string][]Pod{}
	for _, pod := range p.in.Pods {
		workloads[pod.Namespace] = append(workloads[pod.Namespace], pod)
		p.add(pod.Namespace+"/"+pod.Name, pod.Namespace, netpol.Endpoint{Namespace: pod.Namespace, Labels: pod.Labels, Ports: pod.Ports})
	}
	p.workloads = len(p.endpoints)
	for _, inst := range instances {
		sels := p.podSelectorsIn(inst)
		atoms, err := labelAtoms(sels, nil)
		if err != nil {
			return &Gap{Namespace: inst.name, Reason: "the pod selectors of namespace " + inst.display + " " + err.Error()}
		}
		have := map[string]bool{}
		if inst.key == inst.name {
			for _, pod := range workloads[inst.name] {
				have[verdictKey(verdicts(sels, pod.Labels))] = true
			}
		}
		for _, a := range atoms {
			if have[verdictKey(a.Matches)] {
				continue
			}
			i := p.add(inst.display+"/{"+plan.LabelString(a.Labels)+"}", inst.name, netpol.Endpoint{Namespace: inst.key, Labels: a.Labels})
			p.nameRoles(i)
		}
	}

	for _, a := range addrAtoms(p.prefixes) {
		name := a.Addr.String() + " (outside the cluster)"
		if len(a.In) > 0 {
			smallest := p.prefixes[a.In[0]]
			for _, i := range a.In[1:] {
				if p.prefixes[i].Bits() > smallest.Bits() {
					smallest = p.prefixes[i]
				}
			}
			name = a.Addr.String() + " (in " + smallest.String() + ")"
		}
		p.nameRoles(p.add(name, "", netpol.Endpoint{IP: a.Addr}))
	}
	return nil
}

// nameRoles appends to a witness's name what it stands for, e.g. " (DNS)".
func (p *prover) nameRoles(i int) {
	e := &p.endpoints[i]
	for _, r := range p.roles {
		if p.matches(r.side, i) && !strings.HasSuffix(e.Name, " ("+r.name+")") {
			delete(p.index, e.Name)
			e.Name += " (" + r.name + ")"
			p.index[e.Name] = i
		}
	}
}

// podSelectorsIn are the pod selectors that apply to pods of a namespace
// instance, in a deterministic order.
func (p *prover) podSelectorsIn(inst nsInstance) []labels.Selector {
	set := map[string]labels.Selector{}
	for k, s := range p.podSels[inst.name] {
		set[k] = s
	}
	for _, c := range p.combined {
		if c.ns.Matches(inst.labels) {
			set[c.podsKey] = c.pods
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]labels.Selector, len(keys))
	for i, k := range keys {
		out[i] = set[k]
	}
	return out
}

// copyPolicies gives a further instance of namespace ns the policies of ns.
func (p *prover) copyPolicies(ns, key string) {
	if len(p.policies) == len(p.in.Policies) {
		p.policies = append([]networkingv1.NetworkPolicy(nil), p.in.Policies...)
	}
	for _, pol := range p.in.Policies {
		if pol.Namespace == ns || (pol.Namespace == "" && ns == metav1.NamespaceDefault) {
			c := *pol.DeepCopy()
			c.Namespace = key
			p.policies = append(p.policies, c)
		}
	}
}

// nsLabelString is a namespace's labels without its name.
func nsLabelString(l labels.Set) string {
	m := map[string]string{}
	for k, v := range l {
		if k != corev1.LabelMetadataName {
			m[k] = v
		}
	}
	return plan.LabelString(m)
}

// namedPortVariants adds, for each witness pod that a rule with a named port
// can admit traffic to, one pod per (name, class of the numeric ports that
// apply to it) carrying that name on a port of that class: a pod of the
// universe may name any of its ports, and a port that is both named and in a
// numeric range is admitted by the rules of both. It reports whether it added
// any.
func (p *prover) namedPortVariants(engine portEntries) bool {
	added := false
	n := len(p.endpoints)
	// The declarations with a named port, by the workload ("ns/name") or
	// the namespace ("ns/*") of their destination.
	namedTo := map[string][]declaration{}
	for _, d := range p.decls {
		switch {
		case d.port.Target.Type != intstr.String:
		case d.to.workload != "":
			namedTo[d.to.workload] = append(namedTo[d.to.workload], d)
		case d.to.sel != nil:
			namedTo[d.to.ns+"/*"] = append(namedTo[d.to.ns+"/*"], d)
		}
	}
	for i := 0; i < n; i++ {
		e := p.endpoints[i]
		if e.Namespace == "" {
			continue
		}
		var ranges []portRange
		type named struct {
			name  string
			proto corev1.Protocol
		}
		var names []named
		seen := map[named]bool{}
		for _, pe := range engine.PortEntries(i) {
			if pe.Name == "" {
				ranges = append(ranges, portRange{pe.Proto, pe.Lo, pe.Hi})
				continue
			}
			if nm := (named{pe.Name, pe.Proto}); !seen[nm] {
				seen[nm] = true
				names = append(names, nm)
			}
		}
		for _, d := range append(namedTo[e.Name], namedTo[p.realNS[i]+"/*"]...) {
			if p.matches(d.to, i) {
				if nm := (named{d.port.Target.StrVal, protocolOf(d.port.Protocol)}); !seen[nm] {
					seen[nm] = true
					names = append(names, nm)
				}
			}
		}
		sort.Slice(names, func(a, b int) bool {
			if names[a].name != names[b].name {
				return names[a].name < names[b].name
			}
			return names[a].proto < names[b].proto
		})
		for _, nm := range names {
			for _, pt := range portClasses(ranges, nm.proto) {
				v := e
				v.Ports = []corev1.ContainerPort{{Name: nm.name, ContainerPort: pt.n, Protocol: nm.proto}}
				name := e.Name
				if p.isWorkload(i) {
					l := maps.Clone(e.Labels)
					delete(l, model.ServiceAccountLabel) // the workload names it
					delete(l, dialect.LinkerdInjectLabel)
					name = fmt.Sprintf("%s/{%s} (labels of %s)", e.Namespace, plan.LabelString(l), e.Name)
				}
				j := p.add(fmt.Sprintf("%s with port %s=%s", name, nm.name, pt), p.realNS[i], v)
				p.variantOf[j] = i
				added = true
			}
		}
	}
	return added
}

// withVariants is the engine over the endpoints after namedPortVariants
// added endpoints n and on: the engine extended with them (each a copy of its
// base with other ports, which netpol.Engine.WithVariants turns into the
// engine New builds over them, without evaluating every selector again).
func (p *prover) withVariants(engine *netpol.Engine, n int) *netpol.Engine {
	vs := make([]netpol.Variant, 0, len(p.endpoints)-n)
	for j := n; j < len(p.endpoints); j++ {
		base := p.variantOf[j]
		if base < 0 || base >= n {
			return netpol.NewWithSelectors(p.namespaces(), p.policies, p.endpoints, p.sels)
		}
		e, b := &p.endpoints[j], &p.endpoints[base]
		if e.Namespace != b.Namespace || e.IP != b.IP || !maps.Equal(e.Labels, b.Labels) {
			// not a variant WithVariants can take (none is): build anew
			return netpol.NewWithSelectors(p.namespaces(), p.policies, p.endpoints, p.sels)
		}
		vs = append(vs, netpol.Variant{Of: base, Ports: e.Ports})
	}
	return engine.WithVariants(vs)
}

// isWorkload reports whether endpoint i is a workload of the stream (they
// are added first).
func (p *prover) isWorkload(i int) bool { return i < p.workloads }

// expectAll turns the declarations into expected (source, destination, port)
// triples over the endpoints.
//
// meshAdmits (nil without a mesh) reports whether a mesh's rule admits a
// connection: a twin of a declared caller is let through by such a rule
// only with an identity declared for the destination.
func (p *prover) expectAll(meshAdmits func(src, dst int, pt port) bool) {
	byNS := map[string][]int{}
	// variants["ns/name"]: a workload's endpoint and its named-port variants.
	variants := map[string][]int{}
	var addrs []int
	for i, e := range p.endpoints {
		if base := p.variantOf[i]; base >= 0 && base < p.workloads {
			variants[p.endpoints[base].Name] = append(variants[p.endpoints[base].Name], i)
		} else if i < p.workloads {
			variants[e.Name] = append(variants[e.Name], i)
		}
		if e.Namespace == "" {
			addrs = append(addrs, i)
		} else {
			byNS[p.realNS[i]] = append(byNS[p.realNS[i]], i)
		}
	}
	candidates := func(s side) []int {
		switch {
		case s.workload != "":
			return variants[s.workload]
		case s.sel != nil:
			return byNS[s.ns]
		}
		return addrs
	}
	// A twin may run as another ServiceAccount: its labels make it the
	// workload for the network layer, its identity is the mesh's to judge.
	twins := p.twins()
	dstTwins := twins
	type twinPermit struct {
		dst  int
		pt   port
		srcs []int
	}
	var pending []twinPermit
	// declaredIDs[dst][pt]: the ServiceAccounts of the declared callers
	type dstPort struct {
		dst int
		pt  port
	}
	declaredIDs := map[dstPort]map[string]bool{}
	for _, d := range p.decls {
		var srcs, twinSrcs, anyIdent []int
		noIdent := d.from
		noIdent.ident = nil
		for _, i := range candidates(d.from) {
			if p.variantOf[i] >= 0 || !p.matches(noIdent, i) {
				continue
			}
			anyIdent = append(anyIdent, i)
			if d.from.ident == nil || p.holds(d.from.ident, i) {
				srcs = append(srcs, i)
			}
		}
		if d.from.workload != "" {
			for _, i := range twins[d.from.workload] {
				if d.from.ident == nil || p.holds(d.from.ident, i) {
					twinSrcs = append(twinSrcs, i)
				}
			}
		}
		for _, dst := range candidates(d.to) {
			if !p.matches(d.to, dst) {
				continue
			}
			pt, ok := p.resolve(dst, d.port)
			if !ok {
				continue
			}
			// A workload's variant is a pod with its labels and other ports:
			// a flow declared to the workload may reach it, but need not.
			m := p.expected
			if d.to.workload != "" && p.variantOf[dst] >= 0 {
				m = p.permitted
			}
			if declaredIDs[dstPort{dst, pt}] == nil {
				declaredIDs[dstPort{dst, pt}] = map[string]bool{}
			}
			for _, src := range srcs {
				declaredIDs[dstPort{dst, pt}][p.endpoints[src].Labels[model.ServiceAccountLabel]] = true
				if m[dst] == nil {
					m[dst] = map[port]map[int]bool{}
				}
				if m[dst][pt] == nil {
					m[dst][pt] = map[int]bool{}
				}
				m[dst][pt][src] = true
			}
			if len(twinSrcs) > 0 {
				pending = append(pending, twinPermit{dst, pt, twinSrcs})
			}
		}
		// A pod that is the workload but for labels only the mesh's
		// membership reads (a twin) may receive what the workload is
		// declared to receive, from the declared callers whatever their
		// identity (a twin outside the mesh does not ask for one), but
		// need not.
		if d.to.workload != "" {
			for _, dst := range dstTwins[d.to.workload] {
				if pt, ok := p.resolve(dst, d.port); ok {
					p.permit(dst, pt, append(anyIdent, dstTwins[d.from.workload]...))
				}
			}
		}
	}
	// A twin of a declared caller runs as any ServiceAccount: where a mesh
	// rule admits it, only as an identity some declared caller of the
	// destination has (its labels may be one caller's and its identity
	// another's: each layer then admits what was declared to it); where no
	// mesh rule reads its identity, its labels decide.
	for _, tp := range pending {
		ids := declaredIDs[dstPort{tp.dst, tp.pt}]
		var ok []int
		for _, src := range tp.srcs {
			if meshAdmits == nil || !meshAdmits(src, tp.dst, tp.pt) || ids[p.endpoints[src].Labels[model.ServiceAccountLabel]] {
				ok = append(ok, src)
			}
		}
		p.permit(tp.dst, tp.pt, ok)
	}
}

func (p *prover) permit(dst int, pt port, srcs []int) {
	if len(srcs) == 0 {
		return
	}
	if p.permitted[dst] == nil {
		p.permitted[dst] = map[port]map[int]bool{}
	}
	if p.permitted[dst][pt] == nil {
		p.permitted[dst][pt] = map[int]bool{}
	}
	for _, src := range srcs {
		p.permitted[dst][pt][src] = true
	}
}

// twins are, by workload ("ns/name"), the witness pods (and the named-port
// variants of witnesses) of its namespace that every pod selector of the
// network layer matches as it matches the workload (they differ in labels
// only the mesh reads, its membership and ServiceAccount, or in values no
// selector tells apart): pods of the workload as far as the network layer goes, so
// they may do what it is declared to do, but need not (expectAll says when
// a mesh reads their identity). Only with layers other than NetworkPolicy,
// whose selectors tell such pods apart.
func (p *prover) twins() map[string][]int {
	if !p.others || len(p.podMatchers) == 0 {
		return nil // no policy selects by label: nothing tells pods apart there
	}
	// Two pods are alike to every selector when the same selectors match
	// them: a pod's signature lists those it matches, found among the
	// selectors that do not require a label value the pod lacks.
	var general []int
	byValue := map[string]map[string][]int{}
	for mi, m := range p.podMatchers {
		k, vs, ok := m.Requires()
		if !ok {
			general = append(general, mi)
			continue
		}
		if byValue[k] == nil {
			byValue[k] = map[string][]int{}
		}
		for _, v := range vs {
			byValue[k][v] = append(byValue[k][v], mi)
		}
	}
	signature := func(i int) string {
		l := labels.Set(p.endpoints[i].Labels)
		matched := []int{}
		for _, mi := range general {
			if p.podMatchers[mi].Matches(l) {
				matched = append(matched, mi)
			}
		}
		for k, v := range l {
			for _, mi := range byValue[k][v] {
				if p.podMatchers[mi].Matches(l) {
					matched = append(matched, mi)
				}
			}
		}
		slices.Sort(matched)
		matched = slices.Compact(matched)
		var b strings.Builder
		for _, mi := range matched {
			b.WriteString(strconv.Itoa(mi))
			b.WriteByte(',')
		}
		return b.String()
	}
	// The pods that may be a workload's twins, by namespace and signature,
	// ascending: witnesses, and the named-port variants of witnesses.
	type group struct{ realNS, ns, sig string }
	groups := map[group][]int{}
	for i := p.workloads; i < len(p.endpoints); i++ {
		if v := p.variantOf[i]; v >= 0 && v < p.workloads {
			continue
		}
		if e := &p.endpoints[i]; e.Namespace != "" {
			g := group{p.realNS[i], e.Namespace, signature(i)}
			groups[g] = append(groups[g], i)
		}
	}
	out := map[string][]int{}
	for w := 0; w < p.workloads; w++ {
		if ts := groups[group{p.realNS[w], p.endpoints[w].Namespace, signature(w)}]; len(ts) > 0 {
			out[p.endpoints[w].Name] = append(out[p.endpoints[w].Name], ts...)
		}
	}
	return out
}

// resolve turns a planned port into a number: a named target port through
// the destination's container ports (a pod without that name cannot receive
// the flow).
func (p *prover) resolve(dst int, pt plan.Port) (port, bool) {
	proto := protocolOf(pt.Protocol)
	if pt.Target.Type == intstr.Int {
		return port{pt.Target.IntVal, proto}, true
	}
	for _, cp := range p.endpoints[dst].Ports {
		if cp.Name == pt.Target.StrVal && protocolOf(cp.Protocol) == proto {
			return port{cp.ContainerPort, proto}, true
		}
	}
	return port{}, false
}

// probes are the ports judged at dst: one per class of the ports that the
// rules reaching dst and the declarations tell apart.
func (p *prover) probes(engine portEntries, dst int) []port {
	var ranges []portRange
	for _, pe := range engine.PortEntries(dst) {
		if pe.Name == "" {
			ranges = append(ranges, portRange{pe.Proto, pe.Lo, pe.Hi})
			continue
		}
		for _, cp := range p.endpoints[dst].Ports {
			if cp.Name == pe.Name && protocolOf(cp.Protocol) == pe.Proto {
				ranges = append(ranges, portRange{pe.Proto, cp.ContainerPort, cp.ContainerPort})
			}
		}
	}
	for _, m := range []map[port]map[int]bool{p.expected[dst], p.permitted[dst]} {
		for pt := range m {
			ranges = append(ranges, portRange{pt.proto, pt.n, pt.n})
		}
	}
	// The pod's own ports, so the matrix names them even where every port is open.
	for _, cp := range p.endpoints[dst].Ports {
		ranges = append(ranges, portRange{protocolOf(cp.Protocol), cp.ContainerPort, cp.ContainerPort})
	}
	return portClasses(ranges)
}

func (p *prover) run(j judge) {
	res := &p.result
	for _, e := range p.endpoints {
		res.Endpoints = append(res.Endpoints, e.Name)
	}
	// allowed[src] == probe marks the sources allowed in the current probe.
	allowed := make([]int, len(p.endpoints))
	probe := 0
	for dst := range p.endpoints {
		// The sources judged at all: never a variant (as a source it is
		// its base), and a judged endpoint unless the destination is judged.
		judgedOnly := !p.judged[dst]
		for _, pt := range p.probes(j, dst) {
			probe++
			exp := p.expected[dst][pt]
			j.eachSource(dst, pt.n, pt.proto, judgedOnly, func(src int) {
				// src == dst is traffic between two pods of one kind (two
				// replicas of a workload): one endpoint stands for all of them.
				allowed[src] = probe
				c := p.cell(src, dst, pt)
				c.Allowed, c.Expected = true, exp[src] || p.permitted[dst][pt][src]
				j.annotate(&c, src, dst, pt)
				if p.variantOf[dst] < 0 {
					// A variant's open flows are its base's, on one more
					// port: the matrix lists the base's only.
					res.Allowed = append(res.Allowed, c)
				}
				// A variant adds only what its named port opens: what its
				// base also admits on that port is the base's finding.
				if base := p.variantOf[dst]; base >= 0 && j.Allowed(src, base, pt.n, pt.proto) {
					return
				}
				if p.declared && !c.Expected {
					c.Via = j.Admitting(src, dst, pt.n, pt.proto)
					res.Mismatches = append(res.Mismatches, c)
				}
			})
			for src := range exp {
				if allowed[src] != probe {
					c := p.cell(src, dst, pt)
					c.Expected = true
					c.BlockedBy = j.blocking(src, dst, pt)
					res.Mismatches = append(res.Mismatches, c)
				}
			}
		}
	}
	sortCells(res.Allowed)
	sortCells(res.Mismatches)
}

// conflict records a Conflict, up to MaxConflicts per pair of objects.
func (p *prover) conflict(src, dst int, pt port, declared bool, net, mesh model.Decision) {
	pols := p.result.Policies
	key := [2]string{pols[net.Policy].Object, pols[mesh.Policy].Object}
	if p.conflicts == nil {
		p.conflicts = map[[2]string]int{}
	}
	if p.conflicts[key] >= MaxConflicts {
		return
	}
	p.conflicts[key]++
	c := p.cell(src, dst, pt)
	p.result.Conflicts = append(p.result.Conflicts, Conflict{From: c.From, To: c.To, Port: c.Port, Declared: declared,
		Network: net, Mesh: mesh, FromWorkload: c.FromWorkload, ToWorkload: c.ToWorkload})
}

func (p *prover) cell(src, dst int, pt port) Cell {
	ns := p.realNS[dst]
	if !p.judged[dst] {
		ns = p.realNS[src]
	}
	return Cell{From: p.endpoints[src].Name, To: p.endpoints[dst].Name, Port: pt.String(), Namespace: ns,
		FromWorkload: p.workloadOf(src), ToWorkload: p.workloadOf(dst)}
}

// workloadOf is "ns/name" of the workload endpoint i is or is a variant of.
func (p *prover) workloadOf(i int) string {
	if v := p.variantOf[i]; v >= 0 {
		i = v
	}
	if p.isWorkload(i) {
		return p.endpoints[i].Name
	}
	return ""
}

// namespaces are the stream's Namespaces plus every namespace instance an
// endpoint lives in, each with the immutable kubernetes.io/metadata.name
// label (a further instance of a namespace carries the namespace's name).
func (p *prover) namespaces() map[string]map[string]string {
	out := map[string]map[string]string{}
	for ns, l := range p.in.Namespaces {
		out[ns] = l
	}
	for key, l := range p.nsLabels {
		out[key] = l
	}
	for i, e := range p.endpoints {
		if e.Namespace != "" && out[e.Namespace] == nil {
			out[e.Namespace] = map[string]string{corev1.LabelMetadataName: p.realNS[i]}
		}
	}
	return out
}

func protocolOf(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

func sortCells(cs []Cell) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Port < b.Port
	})
}

// Describe is a mismatch in words.
func (c Cell) Describe() string {
	if c.From == c.To {
		if c.Expected {
			msg := fmt.Sprintf("declared flow between two pods of %s on %s is blocked by the rendered policies", c.From, c.Port)
			if len(c.BlockedBy) > 0 {
				msg += " (blocked by " + strings.Join(c.BlockedBy, "; ") + ")"
			}
			return msg
		}
		msg := fmt.Sprintf("undeclared flow between two pods of %s (replicas, or pods with the same labels) on %s is allowed by the rendered policies", c.From, c.Port)
		if len(c.Via) > 0 {
			msg += " (admitted by " + strings.Join(c.Via, ", ") + ")"
		}
		return msg
	}
	if c.Expected {
		msg := fmt.Sprintf("declared flow %s → %s on %s is blocked by the rendered policies", c.From, c.To, c.Port)
		if len(c.BlockedBy) > 0 {
			msg += " (blocked by " + strings.Join(c.BlockedBy, "; ") + ")"
		}
		return msg
	}
	msg := fmt.Sprintf("undeclared flow %s → %s on %s is allowed by the rendered policies", c.From, c.To, c.Port)
	if len(c.Via) > 0 {
		msg += " (admitted by " + strings.Join(c.Via, ", ") + ")"
	}
	return msg
}

// Row is one (source, destination) pair of the matrix with its ports.
type Row struct {
	From, To string
	Ports    []string
}

// Rows groups sorted cells by pair.
func Rows(cells []Cell) []Row {
	var rows []Row
	for _, c := range cells {
		if n := len(rows); n > 0 && rows[n-1].From == c.From && rows[n-1].To == c.To {
			rows[n-1].Ports = append(rows[n-1].Ports, c.Port)
			continue
		}
		rows = append(rows, Row{From: c.From, To: c.To, Ports: []string{c.Port}})
	}
	return rows
}

// Table renders the matrix as lines "from → to: ports".
func Table(cells []Cell) string {
	var b strings.Builder
	for _, r := range Rows(cells) {
		fmt.Fprintf(&b, "%s → %s: %s\n", r.From, r.To, strings.Join(r.Ports, ", "))
	}
	return b.String()
}

// addMatcher records a pod selector of the network layer once, by key.
func (p *prover) addMatcher(key string, m model.Match) {
	if !p.matcherSeen[key] {
		p.matcherSeen[key] = true
		p.podMatchers = append(p.podMatchers, m)
	}
}
