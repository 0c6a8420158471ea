package build

// The antrea dialect: Antrea-native policy (crd.antrea.io/v1beta1), as
// Antrea v2.2 documents it (docs/antrea-network-policy.md) and as its CRDs
// (e2e/testdata/crds/antrea) define it.
//
// Where each object sits. Antrea reads its Tiers by priority (emergency 50,
// securityops 100, networkops 150, platform 200, application 250), then
// Kubernetes NetworkPolicy, then the baseline Tier (253); within a Tier by
// the policy's priority, then rule by rule. An Allow or Drop decides; an
// Antrea-native policy never isolates by itself, so a connection no rule
// matches falls through. netid renders:
//
//   - the workloads' policies: one Antrea NetworkPolicy per NetworkPolicy
//     name the plan gives (same names, same rule order), Allow rules only,
//     in the tier spec.tier names (default netid, priority 240) at priority
//     antreaAllowPriority. Isolation comes from what follows: the
//     namespace's default-deny NetworkPolicy, or the baseline's Drop;
//   - a workload that must isolate itself (tier critical, or an enforced
//     workload of a namespace where another workload observes, which then
//     has no namespace-wide default deny) also gets <workload>-isolate at
//     antreaIsolatePriority, after every Allow of the tier: DNS and mesh
//     control plane egress, then Drop in both directions;
//   - the baseline (spec.baseline): ClusterNetworkPolicy netid-guardrails in
//     the securityops Tier (the denied blocks, DNS, the mesh control plane,
//     the platform's allowances), read before every namespace's policy, and
//     netid-default-deny in the baseline Tier, which Drops the rest. DNS and
//     the mesh control plane are allowed in securityops, not in the
//     baseline Tier: a pod a Kubernetes NetworkPolicy isolates never
//     reaches the baseline Tier ("baseline policies cannot counteract the
//     isolated Pod behavior provided by K8s NetworkPolicies").
//
// Observe (plan.Observes): the workload's rules log (enableLogging), and
// nothing netid renders isolates its pods. The baseline Tier refuses Pass
// rules (the admission webhook's validateTierForPassAction), so the
// baseline's "Pass" for observed pods is an Allow that logs, before the
// Drop: in the baseline Tier, after which nothing else is read, it decides
// what a Pass would (the connection is let through) and logs it.

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/internal/names"
	"netid.dev/netid/krm/v1alpha1"
)

// AntreaAPIVersion is the API of Antrea-native policy.
const AntreaAPIVersion = "crd.antrea.io/v1beta1"

// Tiers, priorities and names of the antrea dialect.
const (
	// AntreaDefaultTierPriority is the workload tier's priority when
	// spec.tier.order is not set: after the platform Tier (200), before the
	// application Tier (250). Custom Tiers must stay below 250.
	AntreaDefaultTierPriority = 240
	// antreaAllowPriority orders the workloads' Allow policies in their
	// tier; antreaIsolatePriority the isolate policies, after every Allow.
	antreaAllowPriority   = 10
	antreaIsolatePriority = 20
	// AntreaGuardrailsPolicy and AntreaDefaultDenyPolicy are the baseline's
	// ClusterNetworkPolicies, in the securityops and baseline Tiers.
	AntreaGuardrailsPolicy  = "netid-guardrails"
	AntreaDefaultDenyPolicy = "netid-default-deny"
	antreaGuardrailsTier    = "securityops"
	antreaBaselineTier      = "baseline"
	antreaBaselinePriority  = 10
	// Log labels (at most 63 characters) that the agent's np.log carries.
	AntreaLogObserveAllowed   = "netid-observe-allowed"
	AntreaLogObserveWouldDrop = "netid-observe-would-drop"
	AntreaLogBaselineDeny     = "netid-baseline-deny"
	AntreaLogBaselineDrop     = "netid-baseline-drop"
)

// AntreaStaticTiers are the Tiers antrea-controller creates (read-only):
// netid renders no Tier object of these names, and a tier of another name
// must not take their priorities.
var AntreaStaticTiers = map[string]int32{
	"emergency": 50, "securityops": 100, "networkops": 150, "platform": 200,
	"application": 250, "baseline": 253,
}

// The crd.antrea.io/v1beta1 fields netid renders (every one exists in the
// CRDs of e2e/testdata/crds/antrea).

type antreaTierSpec struct {
	Priority    int32  `json:"priority"`
	Description string `json:"description,omitempty"`
}

type antreaPolicySpec struct {
	Tier      string            `json:"tier"`
	Priority  int64             `json:"priority"`
	AppliedTo []antreaAppliedTo `json:"appliedTo,omitempty"`
	Ingress   []antreaRule      `json:"ingress,omitempty"`
	Egress    []antreaRule      `json:"egress,omitempty"`
}

type antreaAppliedTo struct {
	PodSelector       *metav1.LabelSelector `json:"podSelector,omitempty"`
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
}

type antreaRule struct {
	Action        string            `json:"action"`
	Name          string            `json:"name"`
	AppliedTo     []antreaAppliedTo `json:"appliedTo,omitempty"`
	From          []antreaPeer      `json:"from,omitempty"`
	To            []antreaPeer      `json:"to,omitempty"`
	Ports         []antreaPort      `json:"ports,omitempty"`
	EnableLogging bool              `json:"enableLogging,omitempty"`
	LogLabel      string            `json:"logLabel,omitempty"`
}

type antreaPeer struct {
	PodSelector       *metav1.LabelSelector `json:"podSelector,omitempty"`
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	IPBlock           *antreaIPBlock        `json:"ipBlock,omitempty"`
}

type antreaIPBlock struct {
	CIDR string `json:"cidr"`
}

type antreaPort struct {
	Protocol corev1.Protocol     `json:"protocol"`
	Port     *intstr.IntOrString `json:"port,omitempty"`
}

// Antrea rule actions.
const (
	antreaAllow = "Allow"
	antreaDrop  = "Drop"
)

// antreaObject is an Antrea-native object with the generated-object
// metadata; a cluster-scoped one (meta.Namespace "") has no namespace.
func antreaObject(kind string, meta metav1.ObjectMeta, spec any) *unstructured.Unstructured {
	m, err := yamlconv.ToMap(spec)
	if err != nil {
		panic(fmt.Sprintf("converting the spec of %s %s: %v", kind, meta.Name, err))
	}
	o := unstructuredObject(AntreaAPIVersion, kind, meta, m)
	if meta.Namespace == "" {
		delete(o.Object["metadata"].(map[string]any), "namespace")
	}
	return o
}

// antreaWorkloadTier is the Tier of the workloads' Antrea policies:
// spec.tier's name at spec.tier.order, by default AntreaDefaultTierPriority.
// A static Tier's name (application, say) renders no Tier: it exists.
// Nothing is refused here: a priority Antrea refuses (250 and over, or
// another Tier's) leaves the Tier, and the policies in it, unplaced by the
// proof, which names it.
func antreaWorkloadTier(p *plan.Plan) []runtime.Object {
	t := p.Settings.Tier
	if _, static := AntreaStaticTiers[strings.ToLower(t.Name)]; static {
		return nil
	}
	prio := int32(AntreaDefaultTierPriority)
	if t.Order != nil {
		prio = *t.Order
	}
	meta := Meta(t.Name, "", "")
	return []runtime.Object{antreaObject("Tier", meta, &antreaTierSpec{Priority: prio,
		Description: "netid: the workloads' declared flows, before Kubernetes NetworkPolicy and the baseline"})}
}

// antreaWorkload is a workload's policies as Antrea NetworkPolicies: one
// per NetworkPolicy name of the plan, with its rules in the same order,
// and the isolate policy where the workload must isolate itself.
func antreaWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object {
	var out []runtime.Object
	observe := p.Observes(w)
	for _, g := range Policies(w) {
		if g.FQDN != nil {
			continue
		}
		name := g.Name
		// the NetworkPolicy it replaces gives the metadata: name, labels and
		// the peer and reason annotations, per rule
		meta := FlowPolicy(w, name, g.In, g.Out).ObjectMeta
		spec := &antreaPolicySpec{Tier: p.Settings.Tier.Name, Priority: antreaAllowPriority,
			AppliedTo: []antreaAppliedTo{{PodSelector: w.Selector()}}}
		for i, f := range g.In {
			r := antreaFlowRule(fmt.Sprintf("ingress-%d-from-%s", i, antreaSlug(f.From)), f, observe)
			r.From = antreaPeers(f.From, w.Namespace())
			spec.Ingress = append(spec.Ingress, r)
		}
		for i, f := range g.Out {
			r := antreaFlowRule(fmt.Sprintf("egress-%d-to-%s", i, antreaSlug(f.To)), f, observe)
			r.To = antreaPeers(f.To, w.Namespace())
			spec.Egress = append(spec.Egress, r)
		}
		out = append(out, antreaObject("NetworkPolicy", meta, spec))
	}
	if antreaIsolates(p, ns, w) {
		out = append(out, antreaIsolate(p, ns, w))
	}
	return out
}

// antreaFlowRule is the Allow rule of one flow, on its ports; in observe it
// logs.
func antreaFlowRule(name string, f *plan.Flow, observe bool) antreaRule {
	r := antreaRule{Action: antreaAllow, Name: antreaRuleName(name)}
	for _, pt := range slices.Concat(f.Ports, f.Tunnel) {
		t := pt.Target
		r.Ports = append(r.Ports, antreaPort{Protocol: pt.Protocol, Port: &t})
	}
	if observe {
		r.EnableLogging, r.LogLabel = true, AntreaLogObserveAllowed
	}
	return r
}

// antreaIsolates says w gets its own isolate policy: a critical workload
// always (its isolation depends on nothing else), and, without a baseline,
// an enforced workload of a namespace where a workload observes (the
// namespace then has no default-deny that would isolate the observed pods
// too).
func antreaIsolates(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) bool {
	if w.Spec.Tier == v1alpha1.TierCritical {
		return true
	}
	return p.Settings.Baseline == nil && !p.Observes(w) && p.ObservesAny(ns)
}

// antreaIsolate is w's isolate policy, read after every Allow of its tier:
// the DNS and mesh control plane egress every pod of the namespace has
// (Kubernetes NetworkPolicies come after the tier, so they would not be
// read), then Drop in both directions.
func antreaIsolate(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) runtime.Object {
	meta := Meta(antreaIsolateName(ns, w), w.Namespace(), w.Name())
	spec := &antreaPolicySpec{Tier: p.Settings.Tier.Name, Priority: antreaIsolatePriority,
		AppliedTo: []antreaAppliedTo{{PodSelector: w.Selector()}}}
	why := "isolated by its own policy: tier critical"
	if w.Spec.Tier != v1alpha1.TierCritical {
		why = "isolated by its own policy: its namespace has no default deny while a workload of it observes"
	}
	var inPeers, inReasons, outPeers, outReasons []string
	if r, peer, reason, ok := antreaDNSRule(antreaDNS(p, ns)); ok {
		spec.Egress = append(spec.Egress, r)
		outPeers, outReasons = append(outPeers, peer), append(outReasons, reason)
	}
	if cp, ok := ns.ControlPlane(); ok {
		r, peer, reason := antreaControlPlaneRule(ns.Mesh, cp)
		spec.Egress = append(spec.Egress, r)
		outPeers, outReasons = append(outPeers, peer), append(outReasons, reason)
	}
	spec.Ingress = append(spec.Ingress, antreaRule{Action: antreaDrop, Name: "isolate-ingress"})
	inPeers, inReasons = append(inPeers, "any"), append(inReasons, why)
	spec.Egress = append(spec.Egress, antreaRule{Action: antreaDrop, Name: "isolate-egress"})
	outPeers, outReasons = append(outPeers, "any"), append(outReasons, why)
	meta.Annotations = map[string]string{
		PeerAnnotation:   v1alpha1.RuleAnnotationValue(inPeers, outPeers),
		ReasonAnnotation: v1alpha1.RuleAnnotationValue(inReasons, outReasons),
	}
	return antreaObject("NetworkPolicy", meta, spec)
}

// antreaIsolateName is "<workload>-isolate", made unique among the
// namespace's policy names.
func antreaIsolateName(ns *plan.Namespace, w *plan.Workload) string {
	taken := map[string]bool{}
	for _, o := range ns.Workloads {
		for _, f := range o.In {
			taken[f.IngressRule.Policy] = true
		}
		for _, f := range o.Out {
			taken[f.EgressRule.Policy] = true
		}
	}
	name := plan.Fit(w.Name() + "-isolate")
	for i := 2; taken[name]; i++ {
		name = plan.Fit(fmt.Sprintf("%s-isolate-%d", w.Name(), i))
	}
	return name
}

// antreaDNS is the DNS every governed pod of ns may reach: the baseline's
// when there is one (ns may then be nil), else the namespace's; nil when
// disabled.
func antreaDNS(p *plan.Plan, ns *plan.Namespace) *v1alpha1.DNS {
	if b := p.Settings.Baseline; b != nil {
		if b.DNS == nil || b.DNS.Enabled == nil || !*b.DNS.Enabled {
			return nil
		}
		return b.DNS
	}
	if ns == nil {
		return nil
	}
	return ns.DNS
}

// antreaDNSRule allows UDP and TCP 53 to the DNS pods and the NodeLocal
// DNSCache address, as DNSEgress does.
func antreaDNSRule(dns *v1alpha1.DNS) (r antreaRule, peer, reason string, ok bool) {
	if dns == nil {
		return antreaRule{}, "", "", false
	}
	r = antreaRule{Action: antreaAllow, Name: "allow-dns", To: []antreaPeer{{
		NamespaceSelector: antreaNamespaceIs(dns.Namespace),
		PodSelector:       &metav1.LabelSelector{MatchLabels: dns.PodLabels},
	}}}
	if dns.NodeLocal != "" {
		bits := "/32"
		if strings.Contains(dns.NodeLocal, ":") {
			bits = "/128"
		}
		r.To = append(r.To, antreaPeer{IPBlock: &antreaIPBlock{CIDR: dns.NodeLocal + bits}})
	}
	for _, proto := range []corev1.Protocol{corev1.ProtocolUDP, corev1.ProtocolTCP} {
		port := intstr.FromInt32(53)
		r.Ports = append(r.Ports, antreaPort{Protocol: proto, Port: &port})
	}
	return r, fmt.Sprintf("pods %s/{%s}", dns.Namespace, plan.LabelString(dns.PodLabels)), "name resolution", true
}

// antreaControlPlaneRule allows egress to a mesh's control plane.
func antreaControlPlaneRule(mesh v1alpha1.MeshProvider, cp plan.ControlPlane) (antreaRule, string, string) {
	r := antreaRule{Action: antreaAllow, Name: "allow-" + string(mesh) + "-control-plane", To: []antreaPeer{{
		NamespaceSelector: antreaNamespaceIs(cp.Namespace),
		PodSelector:       &metav1.LabelSelector{MatchLabels: cp.Pods},
	}}}
	for _, n := range cp.Ports {
		port := intstr.FromInt32(n)
		r.Ports = append(r.Ports, antreaPort{Protocol: corev1.ProtocolTCP, Port: &port})
	}
	return r, fmt.Sprintf("pods %s/{%s}", cp.Namespace, plan.LabelString(cp.Pods)),
		string(mesh) + " sidecars fetch configuration and certificates from the control plane"
}

// antreaPeers is the peer of a flow seen from namespace ns: pods by labels
// (and, in another namespace, by its name), or an address block. Antrea
// reads ipBlock.except only from v2.2 on (an older CRD prunes it, widening
// the rule), so a block with holes is written as the blocks that remain.
func antreaPeers(e plan.Endpoint, ns string) []antreaPeer {
	if e.Kind == plan.KindCIDR {
		var out []antreaPeer
		for _, b := range AntreaSplitExcept(e.CIDR, e.Except) {
			out = append(out, antreaPeer{IPBlock: &antreaIPBlock{CIDR: b}})
		}
		return out
	}
	p := antreaPeer{PodSelector: e.Selector}
	if e.Namespace != ns {
		p.NamespaceSelector = antreaNamespaceIs(e.Namespace)
	}
	return []antreaPeer{p}
}

func antreaNamespaceIs(ns string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{NamespaceNameLabel: ns}}
}

// AntreaSplitExcept is the address block cidr without the blocks of except,
// as the fewest blocks that cover exactly the remaining addresses, in
// address order. A block of except outside cidr removes nothing; one that
// holds cidr removes all of it. Unparseable input (validation refuses it)
// is returned as given.
func AntreaSplitExcept(cidr string, except []string) []string {
	base, err := netip.ParsePrefix(cidr)
	if err != nil {
		return []string{cidr}
	}
	blocks := []netip.Prefix{base.Masked()}
	for _, x := range except {
		hole, err := netip.ParsePrefix(x)
		if err != nil || hole.Addr().Is4() != base.Addr().Is4() {
			continue
		}
		hole = hole.Masked()
		var next []netip.Prefix
		for _, b := range blocks {
			switch {
			case hole.Bits() <= b.Bits() && hole.Contains(b.Addr()):
				// the hole covers b
			case b.Bits() < hole.Bits() && b.Contains(hole.Addr()):
				next = append(next, antreaWithout(b, hole)...)
			default:
				next = append(next, b)
			}
		}
		blocks = next
	}
	slices.SortFunc(blocks, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	out := make([]string, 0, len(blocks))
	for _, b := range blocks {
		out = append(out, b.String())
	}
	return out
}

// antreaWithout is b without hole, a block strictly inside it: at each
// length from b's to hole's, the half that does not hold hole.
func antreaWithout(b, hole netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for cur := b; cur.Bits() < hole.Bits(); {
		lo := netip.PrefixFrom(cur.Addr(), cur.Bits()+1)
		hi := netip.PrefixFrom(antreaSetBit(cur.Addr(), cur.Bits()), cur.Bits()+1)
		if lo.Contains(hole.Addr()) {
			out, cur = append(out, hi), lo
		} else {
			out, cur = append(out, lo), hi
		}
	}
	return out
}

// antreaSetBit sets bit i (0 the most significant) of an address.
func antreaSetBit(a netip.Addr, i int) netip.Addr {
	if a.Is4() {
		b := a.As4()
		b[i/8] |= 0x80 >> (i % 8)
		return netip.AddrFrom4(b)
	}
	b := a.As16()
	b[i/8] |= 0x80 >> (i % 8)
	return netip.AddrFrom16(b)
}

var antreaNonName = regexp.MustCompile(`[^a-z0-9]+`)

// antreaSlug names a flow's peer in a rule name: "workload-shop-frontend",
// "cidr-203-0-113-0-24".
func antreaSlug(e plan.Endpoint) string {
	return strings.Trim(antreaNonName.ReplaceAllString(strings.ToLower(string(e.Kind)+"-"+e.String()), "-"), "-")
}

// antreaRuleName keeps a rule name short enough to read in np.log, unique
// (Shorten keeps a hash of the whole).
func antreaRuleName(s string) string { return names.Shorten(s, 63) }

// antreaBaseline is the cluster baseline as two ClusterNetworkPolicies for
// the governed namespaces' pods: netid-guardrails in the securityops Tier
// (Drop to each denied block, then DNS, each mesh's control plane and the
// platform's allowances), and netid-default-deny in the baseline Tier (an
// Allow that logs for the observed workloads' pods, then Drop of every
// other ingress and egress, logging with logDenied).
func antreaBaseline(p *plan.Plan) []runtime.Object {
	b := p.Settings.Baseline
	if b == nil || len(p.Namespaces) == 0 {
		return nil
	}
	var governed []string
	for _, ns := range p.Namespaces {
		governed = append(governed, ns.Name)
	}
	all := []antreaAppliedTo{{NamespaceSelector: antreaNamespacesIn(governed)}}

	g := &antreaPolicySpec{Tier: antreaGuardrailsTier, Priority: antreaBaselinePriority}
	var gIn, gInWhy, gOut, gOutWhy []string
	for i, d := range b.Deny {
		g.Egress = append(g.Egress, antreaRule{Action: antreaDrop, Name: fmt.Sprintf("deny-%d", i), AppliedTo: all,
			To: []antreaPeer{{IPBlock: &antreaIPBlock{CIDR: d.CIDR}}}, EnableLogging: b.LogDenied, LogLabel: antreaLogLabel(b.LogDenied, AntreaLogBaselineDeny)})
		gOut, gOutWhy = append(gOut, "cidr "+d.CIDR), append(gOutWhy, d.Reason)
	}
	if r, peer, reason, ok := antreaDNSRule(antreaDNS(p, nil)); ok {
		r.AppliedTo = all
		g.Egress = append(g.Egress, r)
		gOut, gOutWhy = append(gOut, peer), append(gOutWhy, reason)
	}
	for _, mesh := range antreaMeshed(p) {
		r, peer, reason := antreaControlPlaneRule(mesh.provider, mesh.cp)
		r.AppliedTo = []antreaAppliedTo{{NamespaceSelector: antreaNamespacesIn(mesh.namespaces)}}
		g.Egress = append(g.Egress, r)
		gOut, gOutWhy = append(gOut, peer), append(gOutWhy, reason)
	}
	for i, e := range b.Egress {
		g.Egress = append(g.Egress, antreaRule{Action: antreaAllow, Name: fmt.Sprintf("platform-egress-%d", i), AppliedTo: all,
			To: []antreaPeer{antreaBaselinePeer(e.To)}, Ports: antreaPortRefs(e.Ports)})
		gOut, gOutWhy = append(gOut, antreaBaselinePeerText(e.To)), append(gOutWhy, e.Reason)
	}
	for i, e := range b.Ingress {
		g.Ingress = append(g.Ingress, antreaRule{Action: antreaAllow, Name: fmt.Sprintf("platform-ingress-%d", i), AppliedTo: all,
			From: []antreaPeer{antreaBaselinePeer(e.From)}, Ports: antreaPortRefs(e.Ports)})
		gIn, gInWhy = append(gIn, antreaBaselinePeerText(e.From)), append(gInWhy, e.Reason)
	}
	var out []runtime.Object
	if len(g.Ingress)+len(g.Egress) > 0 {
		meta := Meta(AntreaGuardrailsPolicy, "", "")
		meta.Annotations = map[string]string{
			PeerAnnotation:   v1alpha1.RuleAnnotationValue(gIn, gOut),
			ReasonAnnotation: v1alpha1.RuleAnnotationValue(gInWhy, gOutWhy),
		}
		out = append(out, antreaObject("ClusterNetworkPolicy", meta, g))
	}

	d := &antreaPolicySpec{Tier: antreaBaselineTier, Priority: antreaBaselinePriority}
	var dIn, dInWhy, dOut, dOutWhy []string
	if observed := antreaObserved(p); len(observed) > 0 {
		const why = "observed workloads: what the baseline would drop is let through and logged"
		d.Ingress = append(d.Ingress, antreaRule{Action: antreaAllow, Name: "observe-ingress", AppliedTo: observed,
			EnableLogging: true, LogLabel: AntreaLogObserveWouldDrop})
		d.Egress = append(d.Egress, antreaRule{Action: antreaAllow, Name: "observe-egress", AppliedTo: observed,
			EnableLogging: true, LogLabel: AntreaLogObserveWouldDrop})
		dIn, dInWhy, dOut, dOutWhy = append(dIn, "any"), append(dInWhy, why), append(dOut, "any"), append(dOutWhy, why)
	}
	const deny = "default deny of every governed pod"
	d.Ingress = append(d.Ingress, antreaRule{Action: antreaDrop, Name: "default-deny-ingress", AppliedTo: all,
		EnableLogging: b.LogDenied, LogLabel: antreaLogLabel(b.LogDenied, AntreaLogBaselineDrop)})
	d.Egress = append(d.Egress, antreaRule{Action: antreaDrop, Name: "default-deny-egress", AppliedTo: all,
		EnableLogging: b.LogDenied, LogLabel: antreaLogLabel(b.LogDenied, AntreaLogBaselineDrop)})
	dIn, dInWhy, dOut, dOutWhy = append(dIn, "any"), append(dInWhy, deny), append(dOut, "any"), append(dOutWhy, deny)
	meta := Meta(AntreaDefaultDenyPolicy, "", "")
	meta.Annotations = map[string]string{
		PeerAnnotation:   v1alpha1.RuleAnnotationValue(dIn, dOut),
		ReasonAnnotation: v1alpha1.RuleAnnotationValue(dInWhy, dOutWhy),
	}
	return append(out, antreaObject("ClusterNetworkPolicy", meta, d))
}

func antreaLogLabel(logged bool, label string) string {
	if !logged {
		return ""
	}
	return label
}

// antreaNamespacesIn selects namespaces by name.
func antreaNamespacesIn(names []string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: NamespaceNameLabel, Operator: metav1.LabelSelectorOpIn, Values: slices.Clone(names)}}}
}

type antreaMesh struct {
	provider   v1alpha1.MeshProvider
	cp         plan.ControlPlane
	namespaces []string
}

// antreaMeshed are the meshes whose sidecars some governed namespace runs,
// by provider, each with its namespaces.
func antreaMeshed(p *plan.Plan) []antreaMesh {
	var out []antreaMesh
	for _, ns := range p.Namespaces {
		cp, ok := ns.ControlPlane()
		if !ok {
			continue
		}
		i := slices.IndexFunc(out, func(m antreaMesh) bool { return m.provider == ns.Mesh })
		if i < 0 {
			out = append(out, antreaMesh{provider: ns.Mesh, cp: cp})
			i = len(out) - 1
		}
		out[i].namespaces = append(out[i].namespaces, ns.Name)
	}
	slices.SortFunc(out, func(a, b antreaMesh) int { return strings.Compare(string(a.provider), string(b.provider)) })
	return out
}

// antreaObserved selects the pods of the workloads in their observe stage.
func antreaObserved(p *plan.Plan) []antreaAppliedTo {
	var out []antreaAppliedTo
	for _, ns := range p.Namespaces {
		for _, w := range ns.Workloads {
			if p.Observes(w) {
				out = append(out, antreaAppliedTo{PodSelector: w.Selector(), NamespaceSelector: antreaNamespaceIs(ns.Name)})
			}
		}
	}
	return out
}

func antreaBaselinePeer(b v1alpha1.BaselinePeer) antreaPeer {
	if b.CIDR != "" {
		return antreaPeer{IPBlock: &antreaIPBlock{CIDR: b.CIDR}}
	}
	return antreaPeer{NamespaceSelector: antreaNamespaceIs(b.Namespace), PodSelector: &metav1.LabelSelector{MatchLabels: b.PodLabels}}
}

func antreaBaselinePeerText(b v1alpha1.BaselinePeer) string {
	if b.CIDR != "" {
		return "cidr " + b.CIDR
	}
	return fmt.Sprintf("pods %s/{%s}", b.Namespace, plan.LabelString(b.PodLabels))
}

// antreaPortRefs are a baseline rule's ports (numbers; TCP unless stated).
func antreaPortRefs(ps []v1alpha1.PortRef) []antreaPort {
	var out []antreaPort
	for _, pr := range ps {
		proto := pr.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		port := pr.Port
		out = append(out, antreaPort{Protocol: proto, Port: &port})
	}
	return out
}
