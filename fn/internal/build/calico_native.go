package build

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// Calico's native dialect (projectcalico.org/v3, Calico 3.32 or later,
// whose policy names need no tier prefix). Tiers are read by spec.order,
// lower first; within a tier, policies by spec.order, then by name; a tier
// whose policies select an endpoint but take no action ends in its
// defaultAction (https://docs.tigera.io/calico/latest/reference/resources/tier).
// Calico's default tier (order 1,000,000, Deny) holds the Kubernetes
// NetworkPolicies, each converted at order 1000.
//
// What netid renders:
//
//   - the workload tier (spec.tier, order 10,000 by default, defaultAction
//     Pass): each workload's allow policies, at CalicoAllowOrder, and a
//     critical workload's isolation policy after them, at
//     CalicoIsolateOrder. Unmatched traffic passes on to the default tier,
//     where the namespace's default-deny NetworkPolicy isolates, or to the
//     baseline;
//   - with spec.baseline, the guardrail tier (CalicoGuardrailTier, before
//     the workload tier, defaultAction Pass): the denied address blocks and
//     the platform's allowances; and the baseline tier (CalicoBaselineTier,
//     after the default tier, defaultAction Pass): DNS, the mesh control
//     planes, then an explicit deny of all else.
//
// In observe, a workload's policies render as StagedNetworkPolicies, which
// Calico records and previews but does not enforce, and the baseline's deny
// leaves its pods out (and previews the deny for them as a
// StagedGlobalNetworkPolicy).

// Calico's API group version and the places netid gives its policies.
const (
	CalicoAPIVersion = "projectcalico.org/v3"
	// CalicoDefaultTierOrder is the workload tier's order when spec.tier
	// gives none: after Calico's kube-admin tier (1,000, where the cluster's
	// AdminNetworkPolicies are), so a workload's allow does not preempt an
	// administrator's deny, and before the default tier (1,000,000).
	CalicoDefaultTierOrder = 10000
	// CalicoAllowOrder is the order of every allow policy in a tier; ties
	// are read by name, and allows never contradict each other.
	CalicoAllowOrder = 100
	// CalicoIsolateOrder is the order of the deny policies of a tier: after
	// every allow policy, so the allows of every policy selecting a pod
	// are read first (NetworkPolicy's union).
	CalicoIsolateOrder = 1000
	// CalicoGuardrailTier holds the baseline's denied blocks and platform
	// allowances, at half the workload tier's order.
	CalicoGuardrailTier = "netid-guardrail"
	// CalicoBaselineTier holds the baseline's DNS, mesh control plane and
	// deny, after Calico's default tier (1,000,000) and before its
	// kube-baseline tier (10,000,000).
	CalicoBaselineTier      = "netid-baseline"
	CalicoBaselineTierOrder = 2_000_000
	// CalicoIsolateSuffix names a workload's isolation policy:
	// "<workload>-isolate".
	CalicoIsolateSuffix = "-isolate"
	// calicoMaxPorts is the most ports one rule's destination may list
	// (the CRD's maxItems).
	calicoMaxPorts = 50
)

// Names of the baseline's GlobalNetworkPolicies.
const (
	CalicoGuardrailPolicy   = "netid-guardrail"
	CalicoBaselineDNSPolicy = "netid-baseline-dns"
	// CalicoBaselineStagedDeny previews the deny for the observed
	// workloads' pods.
	CalicoBaselineDenyPolicy  = "netid-baseline-deny"
	CalicoBaselineStagedDeny  = "netid-baseline-deny-observed"
	calicoBaselineMeshPrefix  = "netid-baseline-"
	calicoBaselineMeshSuffix  = "-control-plane"
	calicoNamespaceNameLabel  = "projectcalico.org/name"
	calicoEndpointNamespace   = "projectcalico.org/namespace"
	calicoStagedActionDefault = "Set"
)

// calicoWorkloadTier is the tier of the workloads' calico policies.
func calicoWorkloadTier(p *plan.Plan) []runtime.Object {
	return []runtime.Object{calicoTier(p.Settings.Tier.Name, calicoWorkloadTierOrder(p))}
}

// calicoWorkloadTierOrder is spec.tier.order, or Calico's default for it.
func calicoWorkloadTierOrder(p *plan.Plan) int64 {
	if o := p.Settings.Tier.Order; o != nil {
		return int64(*o)
	}
	return CalicoDefaultTierOrder
}

// calicoTier is a Tier whose unmatched traffic passes to the next tier.
func calicoTier(name string, order int64) *unstructured.Unstructured {
	return calicoObject("Tier", Meta(name, "", ""), map[string]any{"order": order, "defaultAction": "Pass"})
}

// calicoWorkload renders a workload's policies in the calico dialect: one
// NetworkPolicy per policy of Policies(w), in the order and with the
// rules of the NetworkPolicies they stand for, and the isolation policy
// of a critical workload (or of an enforced one whose namespace has no
// default deny because another workload observes). In observe they are
// StagedNetworkPolicies.
func calicoWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object {
	kind := "NetworkPolicy"
	if p.Observes(w) {
		kind = "StagedNetworkPolicy"
	}
	var out []runtime.Object
	for _, g := range Policies(w) {
		if g.FQDN == nil {
			out = append(out, calicoFlowPolicy(p, kind, w, g.Name, g.In, g.Out))
		}
	}
	if calicoIsolates(p, ns, w) {
		out = append(out, calicoIsolate(p, kind, ns, w))
	}
	return out
}

// calicoIsolates says whether w gets its own isolation policy: a critical
// workload always, so its isolation depends on no namespace-wide policy;
// an enforced workload of a namespace where another observes and no
// baseline denies, as that namespace has no default deny.
func calicoIsolates(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) bool {
	if w.Spec.Tier == v1alpha1.TierCritical {
		return true
	}
	return p.Settings.Baseline == nil && !p.Observes(w) && p.ObservesAny(ns)
}

// calicoFlowPolicy admits flows at w as a Calico NetworkPolicy (or
// StagedNetworkPolicy) of the workload tier: the rules of in (w is the
// callee) and of out (w is the caller), in order.
func calicoFlowPolicy(p *plan.Plan, kind string, w *plan.Workload, name string, in, out []*plan.Flow) *unstructured.Unstructured {
	var ingress, egress []any
	var inPeers, inReasons, outPeers, outReasons []string
	// One annotation line per rule: a flow whose ports span protocols is
	// several rules, one per protocol.
	for _, f := range in {
		rules := calicoAllows("source", calicoPeer(f.From, w.Namespace()), slices.Concat(f.Ports, f.Tunnel))
		ingress = append(ingress, rules...)
		for range rules {
			inPeers, inReasons = append(inPeers, peerText(f.From)), append(inReasons, f.Reason(true))
		}
	}
	for _, f := range out {
		rules := calicoAllows("destination", calicoPeer(f.To, w.Namespace()), slices.Concat(f.Ports, f.Tunnel))
		egress = append(egress, rules...)
		for range rules {
			outPeers, outReasons = append(outPeers, peerText(f.To)), append(outReasons, f.Reason(false))
		}
	}
	meta := Meta(name, w.Namespace(), w.Name())
	switch {
	case len(in) == 1 && len(out) == 0:
		meta.Annotations = map[string]string{PeerAnnotation: inPeers[0], ReasonAnnotation: inReasons[0]}
	case len(in) == 0 && len(out) == 1:
		meta.Annotations = map[string]string{PeerAnnotation: outPeers[0], ReasonAnnotation: outReasons[0]}
	default:
		meta.Annotations = map[string]string{
			PeerAnnotation:   v1alpha1.RuleAnnotationValue(inPeers, outPeers),
			ReasonAnnotation: v1alpha1.RuleAnnotationValue(inReasons, outReasons),
		}
	}
	spec := calicoPolicySpec(p.Settings.Tier.Name, CalicoAllowOrder, CalicoSelector(w.Selector()), ingress, egress)
	if kind == "StagedNetworkPolicy" {
		spec["stagedAction"] = calicoStagedActionDefault
	}
	return calicoObject(kind, meta, spec)
}

// calicoIsolate isolates w in both directions, after its allows: the
// egress every pod needs (DNS and the mesh control plane, from the
// baseline or the namespace) is admitted, then everything else is denied,
// logged first when the baseline logs denials.
func calicoIsolate(p *plan.Plan, kind string, ns *plan.Namespace, w *plan.Workload) *unstructured.Unstructured {
	var egress []any
	var peers, reasons []string
	dns := ns.DNS
	if b := p.Settings.Baseline; b != nil {
		dns = nil
		if b.DNS != nil && (b.DNS.Enabled == nil || *b.DNS.Enabled) {
			dns = b.DNS
		}
	}
	if dns != nil {
		rules := calicoDNSRules(dns, "")
		egress = append(egress, rules...)
		for range rules {
			peers, reasons = append(peers, calicoDNSPeerText(dns)), append(reasons, "name resolution")
		}
	}
	if cp, ok := ns.ControlPlane(); ok {
		rules := calicoAllows("destination", calicoPodsPeer(cp.Namespace, calicoSelectorOf(cp.Pods), ""), calicoTCP(cp.Ports))
		egress = append(egress, rules...)
		for range rules {
			peers, reasons = append(peers, calicoPodsText(cp.Namespace, cp.Pods)), append(reasons, string(ns.Mesh)+" sidecars fetch configuration and certificates from the control plane")
		}
	}
	logDenied := p.Settings.Baseline != nil && p.Settings.Baseline.LogDenied
	ingress := calicoDenyAll(logDenied)
	egress = append(egress, calicoDenyAll(logDenied)...)
	meta := Meta(plan.Fit(w.Name()+CalicoIsolateSuffix), w.Namespace(), w.Name())
	meta.Annotations = map[string]string{ReasonAnnotation: "isolates " + w.Namespace() + "/" + w.Name() + " in both directions beyond its declared flows"}
	if len(peers) > 0 {
		meta.Annotations[PeerAnnotation] = v1alpha1.RuleAnnotationValue(nil, peers)
		meta.Annotations[ReasonAnnotation] = v1alpha1.RuleAnnotationValue(nil, reasons)
	}
	spec := calicoPolicySpec(p.Settings.Tier.Name, CalicoIsolateOrder, CalicoSelector(w.Selector()), ingress, egress)
	if kind == "StagedNetworkPolicy" {
		spec["stagedAction"] = calicoStagedActionDefault
	}
	return calicoObject(kind, meta, spec)
}

// calicoBaseline is the cluster baseline in the calico dialect: the
// guardrail tier (denied blocks, platform allowances) before the workload
// tier, and the baseline tier (DNS, mesh control planes, deny) after
// Calico's default tier, for the pods of every governed namespace.
func calicoBaseline(p *plan.Plan) []runtime.Object {
	b := p.Settings.Baseline
	if b == nil || len(p.Namespaces) == 0 {
		return nil
	}
	chunks := calicoChunks(p.Namespaces)
	var out []runtime.Object

	// The guardrail: denies first, so no allowance reaches a denied block.
	var ingress, egress []any
	var inPeers, inReasons, outPeers, outReasons []string
	for _, d := range b.Deny {
		rules := calicoDeny(b.LogDenied, map[string]any{"destination": map[string]any{"nets": []any{d.CIDR}}})
		egress = append(egress, rules...)
		for range rules {
			outPeers, outReasons = append(outPeers, "cidr "+d.CIDR), append(outReasons, d.Reason)
		}
	}
	for _, r := range b.Ingress {
		rules := calicoAllows("source", calicoBaselinePeer(r.From), calicoPortRefs(r.Ports))
		ingress = append(ingress, rules...)
		for range rules {
			inPeers, inReasons = append(inPeers, calicoBaselinePeerText(r.From)), append(inReasons, r.Reason)
		}
	}
	for _, r := range b.Egress {
		rules := calicoAllows("destination", calicoBaselinePeer(r.To), calicoPortRefs(r.Ports))
		egress = append(egress, rules...)
		for range rules {
			outPeers, outReasons = append(outPeers, calicoBaselinePeerText(r.To)), append(outReasons, r.Reason)
		}
	}
	if len(ingress) > 0 || len(egress) > 0 {
		out = append(out, calicoTier(CalicoGuardrailTier, calicoWorkloadTierOrder(p)/2))
		for i, c := range chunks {
			meta := Meta(calicoChunkName(CalicoGuardrailPolicy, i), "", "")
			meta.Annotations = map[string]string{
				PeerAnnotation:   v1alpha1.RuleAnnotationValue(inPeers, outPeers),
				ReasonAnnotation: v1alpha1.RuleAnnotationValue(inReasons, outReasons),
			}
			spec := calicoPolicySpec(CalicoGuardrailTier, CalicoAllowOrder, "all()", ingress, egress)
			spec["namespaceSelector"] = c.selector
			out = append(out, calicoObject("GlobalNetworkPolicy", meta, spec))
		}
	}

	out = append(out, calicoTier(CalicoBaselineTier, CalicoBaselineTierOrder))
	if dns := b.DNS; dns != nil && (dns.Enabled == nil || *dns.Enabled) {
		for i, c := range chunks {
			meta := Meta(calicoChunkName(CalicoBaselineDNSPolicy, i), "", "")
			meta.Annotations = map[string]string{PeerAnnotation: calicoDNSPeerText(dns), ReasonAnnotation: "name resolution"}
			spec := calicoPolicySpec(CalicoBaselineTier, CalicoAllowOrder, "all()", nil, calicoDNSRules(dns, ""))
			spec["namespaceSelector"] = c.selector
			out = append(out, calicoObject("GlobalNetworkPolicy", meta, spec))
		}
	}
	out = append(out, calicoMeshControlPlanes(p)...)

	// The deny: the governed pods, less the observed workloads' pods,
	// whose deny is staged.
	deny := func(kind, name, namespaces, selector string) *unstructured.Unstructured {
		meta := Meta(name, "", "")
		spec := calicoPolicySpec(CalicoBaselineTier, CalicoIsolateOrder, selector, calicoDenyAll(b.LogDenied), calicoDenyAll(b.LogDenied))
		spec["namespaceSelector"] = namespaces
		if kind == "StagedGlobalNetworkPolicy" {
			spec["stagedAction"] = calicoStagedActionDefault
		}
		return calicoObject(kind, meta, spec)
	}
	var staged []runtime.Object
	for i, c := range chunks {
		var observed []string
		for _, ns := range c.namespaces {
			for _, w := range ns.Workloads {
				if p.Observes(w) {
					observed = append(observed, calicoEndpointNamespace+" == '"+w.Namespace()+"' && "+CalicoSelector(w.Selector()))
				}
			}
		}
		if len(observed) == 0 {
			out = append(out, deny("GlobalNetworkPolicy", calicoChunkName(CalicoBaselineDenyPolicy, i), c.selector, "all()"))
			continue
		}
		sel := "(" + strings.Join(observed, ") || (") + ")"
		out = append(out, deny("GlobalNetworkPolicy", calicoChunkName(CalicoBaselineDenyPolicy, i), c.selector, "!("+sel+")"))
		staged = append(staged, deny("StagedGlobalNetworkPolicy", calicoChunkName(CalicoBaselineStagedDeny, i), c.selector, sel))
	}
	return append(out, staged...)
}

// calicoMaxSelector is the longest selector Calico's CRD takes.
const calicoMaxSelector = 1024

// calicoChunk is governed namespaces whose names fit one namespaceSelector.
type calicoChunk struct {
	namespaces []*plan.Namespace
	selector   string
}

// calicoChunks splits namespaces, in order, into as few selectors by name
// as fit calicoMaxSelector each: each chunk gets its own copy of a
// baseline policy.
func calicoChunks(nss []*plan.Namespace) []calicoChunk {
	var out []calicoChunk
	var cur []*plan.Namespace
	for _, ns := range nss {
		if len(cur) > 0 && len(calicoGoverned(append(cur[:len(cur):len(cur)], ns))) > calicoMaxSelector {
			out = append(out, calicoChunk{cur, calicoGoverned(cur)})
			cur = nil
		}
		cur = append(cur, ns)
	}
	if len(cur) > 0 {
		out = append(out, calicoChunk{cur, calicoGoverned(cur)})
	}
	return out
}

// calicoChunkName is the name of chunk i's copy of a policy: the name
// itself for the first, then "<name>-2", "<name>-3"...
func calicoChunkName(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s-%d", name, i+1)
}

// calicoMeshControlPlanes lets the pods of each meshed namespace reach
// their mesh's control plane: one GlobalNetworkPolicy per mesh, in the
// baseline tier.
func calicoMeshControlPlanes(p *plan.Plan) []runtime.Object {
	byMesh := map[v1alpha1.MeshProvider][]*plan.Namespace{}
	for _, ns := range p.Namespaces {
		if _, ok := ns.ControlPlane(); ok {
			byMesh[ns.Mesh] = append(byMesh[ns.Mesh], ns)
		}
	}
	meshes := make([]string, 0, len(byMesh))
	for m := range byMesh {
		meshes = append(meshes, string(m))
	}
	sort.Strings(meshes)
	var out []runtime.Object
	for _, m := range meshes {
		nss := byMesh[v1alpha1.MeshProvider(m)]
		cp, _ := nss[0].ControlPlane()
		egress := calicoAllows("destination", calicoPodsPeer(cp.Namespace, calicoSelectorOf(cp.Pods), ""), calicoTCP(cp.Ports))
		for i, c := range calicoChunks(nss) {
			meta := Meta(calicoChunkName(calicoBaselineMeshPrefix+m+calicoBaselineMeshSuffix, i), "", "")
			meta.Annotations = map[string]string{
				PeerAnnotation:   calicoPodsText(cp.Namespace, cp.Pods),
				ReasonAnnotation: m + " sidecars fetch configuration and certificates from the control plane",
			}
			spec := calicoPolicySpec(CalicoBaselineTier, CalicoAllowOrder, "all()", nil, egress)
			spec["namespaceSelector"] = c.selector
			out = append(out, calicoObject("GlobalNetworkPolicy", meta, spec))
		}
	}
	return out
}

// calicoGoverned selects the namespaces by name.
func calicoGoverned(nss []*plan.Namespace) string {
	names := make([]string, 0, len(nss))
	for _, ns := range nss {
		names = append(names, "'"+ns.Name+"'")
	}
	return calicoNamespaceNameLabel + " in {" + strings.Join(names, ", ") + "}"
}

// calicoPolicySpec is a policy's spec: its tier and order, the selected
// endpoints and the rules, with the types of the directions it has rules
// for.
func calicoPolicySpec(tier string, order int64, selector string, ingress, egress []any) map[string]any {
	spec := map[string]any{"tier": tier, "order": order, "selector": selector}
	var types []any
	if len(ingress) > 0 {
		spec["ingress"] = ingress
		types = append(types, "Ingress")
	}
	if len(egress) > 0 {
		spec["egress"] = egress
		types = append(types, "Egress")
	}
	if len(types) > 0 {
		spec["types"] = types
	}
	return spec
}

// calicoAllows are the Allow rules admitting ports from or to peer (side
// is "source" for ingress, "destination" for egress): one per protocol,
// the ports in the order given, as many as the CRD allows per rule; one
// rule for every port when there are none.
func calicoAllows(side string, peer map[string]any, ports []plan.Port) []any {
	rule := func(proto corev1.Protocol, ps []any) map[string]any {
		r := map[string]any{"action": "Allow"}
		dest := map[string]any{}
		if side == "destination" {
			calicoMerge(dest, peer)
		} else if len(peer) > 0 {
			r["source"] = peer
		}
		if proto != "" {
			r["protocol"] = string(proto)
			dest["ports"] = ps
		}
		if len(dest) > 0 {
			r["destination"] = dest
		}
		return r
	}
	if len(ports) == 0 {
		return []any{rule("", nil)}
	}
	var protos []corev1.Protocol
	byProto := map[corev1.Protocol][]any{}
	for _, p := range ports {
		if _, ok := byProto[p.Protocol]; !ok {
			protos = append(protos, p.Protocol)
		}
		byProto[p.Protocol] = append(byProto[p.Protocol], calicoPort(p.Target))
	}
	var out []any
	for _, proto := range protos {
		ps := byProto[proto]
		for len(ps) > 0 {
			n := min(len(ps), calicoMaxPorts)
			out = append(out, rule(proto, ps[:n]))
			ps = ps[n:]
		}
	}
	return out
}

// calicoMerge copies src's entries into dst.
func calicoMerge(dst, src map[string]any) {
	for k, v := range src {
		dst[k] = v
	}
}

// calicoPort is a port number or a container port name.
func calicoPort(t intstr.IntOrString) any {
	if t.Type == intstr.String {
		return t.StrVal
	}
	return int64(t.IntVal)
}

// calicoDeny is a Deny rule with match, after a Log rule with the same
// match when log is set.
func calicoDeny(log bool, match map[string]any) []any {
	var out []any
	for _, action := range []string{"Log", "Deny"} {
		if action == "Log" && !log {
			continue
		}
		r := map[string]any{"action": action}
		calicoMerge(r, match)
		out = append(out, r)
	}
	return out
}

// calicoDenyAll denies everything in one direction, logged first when log
// is set.
func calicoDenyAll(log bool) []any { return calicoDeny(log, nil) }

// calicoPeer is the entity rule of an endpoint, seen from namespace ns.
func calicoPeer(e plan.Endpoint, ns string) map[string]any {
	if e.Kind == plan.KindCIDR {
		m := map[string]any{"nets": []any{e.CIDR}}
		if len(e.Except) > 0 {
			m["notNets"] = stringList(e.Except)
		}
		return m
	}
	return calicoPodsPeer(e.Namespace, CalicoSelector(e.Selector), ns)
}

// calicoPodsPeer selects pods of namespace by selector; the namespace is
// named unless it is from, the policy's own.
func calicoPodsPeer(namespace, selector, from string) map[string]any {
	m := map[string]any{"selector": selector}
	if namespace != from {
		m["namespaceSelector"] = calicoNamespaceNameLabel + " == '" + namespace + "'"
	}
	return m
}

// calicoBaselinePeer is the entity rule of a baseline peer.
func calicoBaselinePeer(b v1alpha1.BaselinePeer) map[string]any {
	if b.CIDR != "" {
		return map[string]any{"nets": []any{b.CIDR}}
	}
	return calicoPodsPeer(b.Namespace, calicoSelectorOf(b.PodLabels), "")
}

func calicoBaselinePeerText(b v1alpha1.BaselinePeer) string {
	if b.CIDR != "" {
		return "cidr " + b.CIDR
	}
	return calicoPodsText(b.Namespace, b.PodLabels)
}

func calicoPodsText(ns string, labels map[string]string) string {
	return fmt.Sprintf("pods %s/{%s}", ns, plan.LabelString(labels))
}

// calicoDNSRules admit UDP and TCP 53 to the DNS pods and, when declared,
// the NodeLocal DNSCache address (a rule of its own: Calico matches nets
// and a selector of one rule together).
func calicoDNSRules(dns *v1alpha1.DNS, from string) []any {
	dnsPorts := []plan.Port{{Protocol: corev1.ProtocolUDP, Target: intstr.FromInt32(53)}, {Protocol: corev1.ProtocolTCP, Target: intstr.FromInt32(53)}}
	out := calicoAllows("destination", calicoPodsPeer(dns.Namespace, calicoSelectorOf(dns.PodLabels), from), dnsPorts)
	if dns.NodeLocal != "" {
		bits := "/32"
		if strings.Contains(dns.NodeLocal, ":") {
			bits = "/128"
		}
		out = append(out, calicoAllows("destination", map[string]any{"nets": []any{dns.NodeLocal + bits}}, dnsPorts)...)
	}
	return out
}

func calicoDNSPeerText(dns *v1alpha1.DNS) string {
	t := calicoPodsText(dns.Namespace, dns.PodLabels)
	if dns.NodeLocal != "" {
		t += " and " + dns.NodeLocal
	}
	return t
}

// calicoTCP are TCP port numbers.
func calicoTCP(ns []int32) []plan.Port {
	out := make([]plan.Port, 0, len(ns))
	for _, n := range ns {
		out = append(out, plan.Port{Protocol: corev1.ProtocolTCP, Target: intstr.FromInt32(n)})
	}
	return out
}

// calicoPortRefs are a baseline rule's ports (numbers; TCP unless given).
func calicoPortRefs(refs []v1alpha1.PortRef) []plan.Port {
	out := make([]plan.Port, 0, len(refs))
	for _, r := range refs {
		proto := corev1.ProtocolTCP
		if r.Protocol != "" {
			proto = corev1.Protocol(r.Protocol)
		}
		out = append(out, plan.Port{Protocol: proto, Target: r.Port})
	}
	return out
}

// calicoSelectorOf is CalicoSelector of matchLabels.
func calicoSelectorOf(labels map[string]string) string {
	return CalicoSelector(&metav1.LabelSelector{MatchLabels: labels})
}

// CalicoSelector is a label selector in Calico's selector syntax: each
// matchLabels entry (keys sorted) as k == 'v', then each expression (In:
// k in {...}; NotIn: k not in {...}; Exists: has(k); DoesNotExist:
// !has(k)), joined by &&; all() when empty, as an empty selector selects
// every pod. Label keys and values hold no quotes, so single quotes need
// no escaping. An operator Kubernetes does not define selects nothing, as
// the API server refuses it.
func CalicoSelector(s *metav1.LabelSelector) string {
	if s == nil {
		return "all()"
	}
	keys := make([]string, 0, len(s.MatchLabels))
	for k := range s.MatchLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" == "+calicoQuote(s.MatchLabels[k]))
	}
	for _, e := range s.MatchExpressions {
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			vals[i] = calicoQuote(v)
		}
		switch e.Operator {
		case metav1.LabelSelectorOpIn:
			parts = append(parts, e.Key+" in {"+strings.Join(vals, ", ")+"}")
		case metav1.LabelSelectorOpNotIn:
			parts = append(parts, e.Key+" not in {"+strings.Join(vals, ", ")+"}")
		case metav1.LabelSelectorOpExists:
			parts = append(parts, "has("+e.Key+")")
		case metav1.LabelSelectorOpDoesNotExist:
			parts = append(parts, "!has("+e.Key+")")
		default:
			parts = append(parts, "!all()")
		}
	}
	if len(parts) == 0 {
		return "all()"
	}
	return strings.Join(parts, " && ")
}

func calicoQuote(v string) string { return "'" + v + "'" }

// calicoObject is a projectcalico.org/v3 object with the generated-object
// metadata; a cluster-scoped one (no namespace) has no namespace field.
// The spec is copied: objects never share rules.
func calicoObject(kind string, meta metav1.ObjectMeta, spec map[string]any) *unstructured.Unstructured {
	spec = runtime.DeepCopyJSON(spec)
	m := map[string]any{"name": meta.Name, "labels": stringMap(meta.Labels)}
	if meta.Namespace != "" {
		m["namespace"] = meta.Namespace
	}
	if len(meta.Annotations) > 0 {
		m["annotations"] = stringMap(meta.Annotations)
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": CalicoAPIVersion, "kind": kind, "metadata": m, "spec": spec}}
}
