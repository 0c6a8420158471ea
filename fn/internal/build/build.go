// Package build turns a Plan into typed objects (k8s.io/api, Gateway API, and
// CiliumNetworkPolicy as unstructured). It makes no decisions: names, ports and
// peers all come from the Plan.
package build

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// Annotations and labels on generated objects.
const (
	PeerAnnotation   = v1alpha1.PeerAnnotation
	ReasonAnnotation = v1alpha1.ReasonAnnotation
	WorkloadLabel    = v1alpha1.WorkloadLabel
	// NamespaceNameLabel is the immutable label the API server sets on every
	// Namespace; selecting by it cannot be spoofed by namespace owners.
	NamespaceNameLabel = "kubernetes.io/metadata.name"
)

// Pod Security Standards labels.
const (
	pssPrefix = "pod-security.kubernetes.io/"
)

// Meta returns the metadata of a generated object. The workload label holds
// v1alpha1.WorkloadLabelValue(workload): the name, shortened with a hash past
// the 63 characters a label value may have.
func Meta(name, namespace, workload string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{v1alpha1.ManagedByLabel: v1alpha1.ManagedByValue}}
	if workload != "" {
		m.Labels[WorkloadLabel] = v1alpha1.WorkloadLabelValue(workload)
	}
	return m
}

// NamespaceLabels are the labels the function owns on a governed Namespace.
func NamespaceLabels(ns *plan.Namespace) map[string]string {
	l := map[string]string{}
	ps := ns.PodSecurity
	for mode, level := range map[string]string{"enforce": ps.Enforce, "audit": ps.Audit, "warn": ps.Warn} {
		l[pssPrefix+mode] = level
		l[pssPrefix+mode+"-version"] = ps.Version
	}
	switch {
	case ns.Mesh == v1alpha1.MeshIstio && ns.Redirect == v1alpha1.RedirectAmbient:
		// ambient mode: ztunnel captures the pods' traffic, no sidecar is
		// injected (istio.io/latest/docs/ambient/usage/add-workloads/).
		l["istio.io/dataplane-mode"] = "ambient"
	case ns.Mesh == v1alpha1.MeshIstio:
		l["istio-injection"] = "enabled"
	}
	return l
}

// NamespaceAnnotations are the annotations the function owns on a governed Namespace.
func NamespaceAnnotations(ns *plan.Namespace) map[string]string {
	if ns.Mesh == v1alpha1.MeshLinkerd {
		// deny: a port no Server and AuthorizationPolicy admit is closed, as
		// the namespace's default-deny NetworkPolicy closes it.
		return map[string]string{"linkerd.io/inject": "enabled", "config.linkerd.io/default-inbound-policy": "deny"}
	}
	return nil
}

// Namespace is the governed namespace with its Pod Security labels.
func Namespace(ns *plan.Namespace) *corev1.Namespace {
	o := &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: Meta(ns.Name, "", "")}
	for k, v := range NamespaceLabels(ns) {
		o.Labels[k] = v
	}
	o.Annotations = NamespaceAnnotations(ns)
	return o
}

func netpol(name, ns, workload string) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}, ObjectMeta: Meta(name, ns, workload)}
}

// DefaultDeny isolates every pod of the namespace in both directions.
func DefaultDeny(ns *plan.Namespace) *networkingv1.NetworkPolicy {
	p := netpol(plan.DefaultDenyPolicy, ns.Name, "")
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	return p
}

// DNSEgress lets every pod of the namespace resolve names: UDP and TCP 53 to
// the DNS pods (and the NodeLocal DNSCache address when declared).
func DNSEgress(ns *plan.Namespace) *networkingv1.NetworkPolicy {
	p := netpol(plan.DNSPolicy, ns.Name, "")
	p.Annotations = map[string]string{PeerAnnotation: dnsPeerText(ns.DNS), ReasonAnnotation: dnsReason}
	peers := []networkingv1.NetworkPolicyPeer{{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{NamespaceNameLabel: ns.DNS.Namespace}},
		PodSelector:       &metav1.LabelSelector{MatchLabels: ns.DNS.PodLabels},
	}}
	if ns.DNS.NodeLocal != "" {
		peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: hostPrefix(ns.DNS.NodeLocal)}})
	}
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	p.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
		To:    peers,
		Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, intstr.FromInt32(53)), port(corev1.ProtocolTCP, intstr.FromInt32(53))},
	}}
	return p
}

const dnsReason = "name resolution"

// hostPrefix is the block of one address: /32, or /128 for IPv6.
func hostPrefix(addr string) string {
	if strings.Contains(addr, ":") {
		return addr + "/128"
	}
	return addr + "/32"
}

// dnsPeerText names the DNS pods in the peer annotation.
func dnsPeerText(d *v1alpha1.DNS) string {
	return fmt.Sprintf("pods %s/{%s}", d.Namespace, plan.LabelString(d.PodLabels))
}

// MeshControlPlaneEgress lets every pod of a mesh-injected namespace reach the
// mesh control plane; nil without a mesh.
func MeshControlPlaneEgress(ns *plan.Namespace) *networkingv1.NetworkPolicy {
	cp, ok := ns.ControlPlane()
	if !ok {
		return nil
	}
	p := netpol(plan.MeshPolicy, ns.Name, "")
	p.Annotations = map[string]string{
		PeerAnnotation:   fmt.Sprintf("pods %s/{%s}", cp.Namespace, plan.LabelString(cp.Pods)),
		ReasonAnnotation: string(ns.Mesh) + " sidecars fetch configuration and certificates from the control plane",
	}
	var ps []networkingv1.NetworkPolicyPort
	for _, n := range cp.Ports {
		ps = append(ps, port(corev1.ProtocolTCP, intstr.FromInt32(n)))
	}
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	p.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
		To: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{NamespaceNameLabel: cp.Namespace}},
			PodSelector:       &metav1.LabelSelector{MatchLabels: cp.Pods},
		}},
		Ports: ps,
	}}
	return p
}

// FlowPolicy admits flows at workload w: one ingress rule for each flow of
// in (w is the callee), one egress rule for each flow of out (w is the
// caller), in order. In the per-flow layout it holds one flow; in the
// per-workload layout, the workload's flows (FQDN callees are not
// expressible in a NetworkPolicy: see CiliumFQDNPolicy).
func FlowPolicy(w *plan.Workload, name string, in, out []*plan.Flow) *networkingv1.NetworkPolicy {
	p := netpol(name, w.Namespace(), w.Name())
	// The selectors are the plan's (as DNSEgress shares the DNS pods'
	// labels): generated objects are read, never modified.
	p.Spec.PodSelector = *w.Selector()
	var inPeers, inReasons, outPeers, outReasons []string
	for _, f := range in {
		inPeers, inReasons = append(inPeers, peerText(f.From)), append(inReasons, f.Reason(true))
		p.Spec.Ingress = append(p.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{peer(f.From, w.Namespace())}, Ports: ports(slices.Concat(f.Ports, f.Tunnel))})
	}
	for _, f := range out {
		outPeers, outReasons = append(outPeers, peerText(f.To)), append(outReasons, f.Reason(false))
		p.Spec.Egress = append(p.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{peer(f.To, w.Namespace())}, Ports: ports(slices.Concat(f.Ports, f.Tunnel))})
	}
	if len(in) > 0 {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
	}
	if len(out) > 0 {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
	}
	p.Annotations = ruleAnnotations(inPeers, inReasons, outPeers, outReasons)
	return p
}

// ruleAnnotations are the peer and reason annotations of a policy's rules:
// the plain form for a policy of one rule, else one line per rule; nil for
// a policy without rules.
func ruleAnnotations(inPeers, inReasons, outPeers, outReasons []string) map[string]string {
	switch {
	case len(inPeers) == 0 && len(outPeers) == 0:
		return nil
	case len(inPeers) == 1 && len(outPeers) == 0:
		return map[string]string{PeerAnnotation: inPeers[0], ReasonAnnotation: inReasons[0]}
	case len(inPeers) == 0 && len(outPeers) == 1:
		return map[string]string{PeerAnnotation: outPeers[0], ReasonAnnotation: outReasons[0]}
	}
	return map[string]string{
		PeerAnnotation:   v1alpha1.RuleAnnotationValue(inPeers, outPeers),
		ReasonAnnotation: v1alpha1.RuleAnnotationValue(inReasons, outReasons),
	}
}

// IsolatePolicy isolates the workload's pods in both directions on their
// own, whatever their namespace renders: it admits what every governed pod
// may do (DNS, the mesh control plane, and with a cluster baseline its
// platform ingress and egress), and the workload's flow policies admit the
// rest. A critical workload always has it; an enforced workload has it
// where its namespace has no default-deny because another workload of it
// observes.
func IsolatePolicy(ns *plan.Namespace, w *plan.Workload, b *v1alpha1.Baseline) *networkingv1.NetworkPolicy {
	p := netpol(w.IsolatePolicy, w.Namespace(), w.Name())
	p.Spec.PodSelector = *w.Selector()
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	var inPeers, inReasons, outPeers, outReasons []string
	if ns.DNS != nil {
		p.Spec.Egress = append(p.Spec.Egress, DNSEgress(ns).Spec.Egress...)
		outPeers, outReasons = append(outPeers, dnsPeerText(ns.DNS)), append(outReasons, dnsReason)
	}
	if m := MeshControlPlaneEgress(ns); m != nil {
		p.Spec.Egress = append(p.Spec.Egress, m.Spec.Egress...)
		outPeers, outReasons = append(outPeers, m.Annotations[PeerAnnotation]), append(outReasons, m.Annotations[ReasonAnnotation])
	}
	if b != nil {
		rules, peers, reasons := baselineIngressRules(b)
		p.Spec.Ingress = append(p.Spec.Ingress, rules...)
		inPeers, inReasons = append(inPeers, peers...), append(inReasons, reasons...)
		erules, epeers, ereasons := baselineEgressRules(b)
		p.Spec.Egress = append(p.Spec.Egress, erules...)
		outPeers, outReasons = append(outPeers, epeers...), append(outReasons, ereasons...)
	}
	p.Annotations = ruleAnnotations(inPeers, inReasons, outPeers, outReasons)
	return p
}

// baselineIngressRules are the rules admitting the baseline's platform
// callers, one per spec.baseline.ingress entry, with each one's peer text
// and reason.
func baselineIngressRules(b *v1alpha1.Baseline) (rules []networkingv1.NetworkPolicyIngressRule, peers, reasons []string) {
	for _, r := range b.Ingress {
		rules = append(rules, networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{baselinePeer(r.From)}, Ports: baselinePorts(r.Ports)})
		peers, reasons = append(peers, BaselinePeerText(r.From)), append(reasons, r.Reason)
	}
	return rules, peers, reasons
}

// baselineEgressRules are the rules admitting the baseline's platform
// callees, one per spec.baseline.egress entry, with each one's peer text
// and reason.
func baselineEgressRules(b *v1alpha1.Baseline) (rules []networkingv1.NetworkPolicyEgressRule, peers, reasons []string) {
	for _, r := range b.Egress {
		rules = append(rules, networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{baselinePeer(r.To)}, Ports: baselinePorts(r.Ports)})
		peers, reasons = append(peers, BaselinePeerText(r.To)), append(reasons, r.Reason)
	}
	return rules, peers, reasons
}

// BaselineIngress admits the cluster baseline's platform callers
// (spec.baseline.ingress) to every pod of the namespace, one rule each; nil
// without any.
func BaselineIngress(ns *plan.Namespace, b *v1alpha1.Baseline) *networkingv1.NetworkPolicy {
	if len(b.Ingress) == 0 {
		return nil
	}
	p := netpol(plan.BaselineIngressPolicy, ns.Name, "")
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	rules, peers, reasons := baselineIngressRules(b)
	p.Spec.Ingress = rules
	p.Annotations = ruleAnnotations(peers, reasons, nil, nil)
	return p
}

// BaselineEgress admits the cluster baseline's platform callees
// (spec.baseline.egress) from every pod of the namespace, one rule each; nil
// without any.
func BaselineEgress(ns *plan.Namespace, b *v1alpha1.Baseline) *networkingv1.NetworkPolicy {
	if len(b.Egress) == 0 {
		return nil
	}
	p := netpol(plan.BaselineEgressPolicy, ns.Name, "")
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	rules, peers, reasons := baselineEgressRules(b)
	p.Spec.Egress = rules
	p.Annotations = ruleAnnotations(nil, nil, peers, reasons)
	return p
}

// BaselinePeerText is a baseline peer as the peer annotation names it:
// "pods monitoring/{app=prometheus}" or "cidr 10.0.0.0/8".
func BaselinePeerText(e v1alpha1.BaselinePeer) string {
	if e.CIDR != "" {
		return "cidr " + e.CIDR
	}
	return fmt.Sprintf("pods %s/{%s}", e.Namespace, plan.LabelString(e.PodLabels))
}

// baselinePeer is the NetworkPolicy peer of a baseline peer: the pods by
// their namespace's immutable name label, or the address block.
func baselinePeer(e v1alpha1.BaselinePeer) networkingv1.NetworkPolicyPeer {
	if e.CIDR != "" {
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: e.CIDR}}
	}
	return networkingv1.NetworkPolicyPeer{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{NamespaceNameLabel: e.Namespace}},
		PodSelector:       &metav1.LabelSelector{MatchLabels: e.PodLabels},
	}
}

// baselinePorts are a baseline rule's port numbers, TCP unless stated.
func baselinePorts(refs []v1alpha1.PortRef) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, r := range refs {
		out = append(out, port(baselineProtocol(r), r.Port))
	}
	return out
}

func baselineProtocol(r v1alpha1.PortRef) corev1.Protocol {
	if r.Protocol == "" {
		return corev1.ProtocolTCP
	}
	return r.Protocol
}

// peerText is an endpoint as the peer annotation names it, e.g. "workload shop/frontend".
func peerText(e plan.Endpoint) string { return string(e.Kind) + " " + e.String() }

// peer is the NetworkPolicy peer for an endpoint, seen from namespace ns.
func peer(e plan.Endpoint, ns string) networkingv1.NetworkPolicyPeer {
	switch e.Kind {
	case plan.KindCIDR:
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: e.CIDR, Except: e.Except}}
	}
	p := networkingv1.NetworkPolicyPeer{PodSelector: e.Selector}
	if e.Namespace != ns {
		p.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{NamespaceNameLabel: e.Namespace}}
	}
	return p
}

func ports(ps []plan.Port) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, p := range ps {
		out = append(out, port(p.Protocol, p.Target))
	}
	return out
}

func port(proto corev1.Protocol, target intstr.IntOrString) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &target}
}

func flowAnnotations(e plan.Endpoint, reason string) map[string]string {
	return map[string]string{PeerAnnotation: peerText(e), ReasonAnnotation: reason}
}
