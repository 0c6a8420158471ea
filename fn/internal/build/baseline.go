package build

import (
	"fmt"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// networkPolicyBaselineNamespace is the cluster baseline of one namespace as
// NetworkPolicies: the default-deny, DNS (spec.baseline.dns, which the plan
// makes every governed namespace's) and mesh control plane egress of
// networkPolicyNamespace, and the platform's ingress and egress allowances,
// one policy each. A namespace where some workload observes gets none of
// them (each selects every pod); its enforced workloads' isolate policies
// carry them. spec.baseline.deny has no NetworkPolicy form (NetworkPolicy
// cannot deny): nothing renders for it, and the baseline-deny rule refuses
// declared flows into the denied blocks.
func networkPolicyBaselineNamespace(p *plan.Plan, ns *plan.Namespace) []runtime.Object {
	out := networkPolicyNamespace(p, ns)
	if out == nil {
		return nil
	}
	b := p.Settings.Baseline
	if o := BaselineIngress(ns, b); o != nil {
		out = append(out, o)
	}
	if o := BaselineEgress(ns, b); o != nil {
		out = append(out, o)
	}
	return out
}

// The upstream baseline's ClusterNetworkPolicies and their priorities.
// Policies of one tier never share a priority (the API leaves the order of
// equal priorities undefined). In the Admin tier, priorities below
// UpstreamAdminPriority are free for what must decide before the baseline's
// denies (a break-glass allow).
const (
	UpstreamAdminPolicy      = "netid-baseline-admin"
	UpstreamMeshPolicy       = "netid-baseline-mesh"
	UpstreamBaselinePolicy   = "netid-baseline"
	UpstreamAdminPriority    = 100
	UpstreamBaselinePriority = 100
	// upstreamMaxRules is the most rules per direction a
	// ClusterNetworkPolicy may hold (the CRD's maxItems).
	upstreamMaxRules = 25
)

// upstreamBaseline is the cluster baseline in the upstream
// policy.networking.k8s.io API, ClusterNetworkPolicy v1alpha2:
//
//   - Admin tier, UpstreamAdminPolicy at UpstreamAdminPriority, for the
//     pods of every governed namespace: first a Deny of each
//     spec.baseline.deny block, then Accepts of DNS and of the platform's
//     egress and ingress allowances. They sit above NetworkPolicy because a
//     NetworkPolicy decides finally for the pods it isolates: DNS accepted
//     only in the Baseline tier would never reach a pod with egress
//     NetworkPolicies. Past 25 rules a direction continues in a next policy
//     at the next priority.
//   - Admin tier, UpstreamMeshPolicy, after those: each mesh control
//     plane's egress, for the pods of the namespaces it injects.
//   - Baseline tier, UpstreamBaselinePolicy: Deny of every other ingress
//     from pods and every egress, for the pods of the governed namespaces
//     where no workload observes (an observed workload's namespace is left
//     out; its enforced workloads are isolated by their own NetworkPolicy).
//
// The Baseline tier cannot deny ingress from outside the cluster (an
// ingress peer is namespaces or pods only), so each namespace it covers
// also gets an ingress default-deny NetworkPolicy (upstreamNamespace),
// which admits the baseline's address-block callers.
func upstreamBaseline(p *plan.Plan) []runtime.Object {
	b := p.Settings.Baseline
	var governed, enforced []string
	meshed := map[string][]string{}
	var meshes []string
	for _, ns := range p.Namespaces {
		governed = append(governed, ns.Name)
		if !p.ObservesAny(ns) {
			enforced = append(enforced, ns.Name)
		}
		if _, ok := ns.ControlPlane(); ok {
			if meshed[string(ns.Mesh)] == nil {
				meshes = append(meshes, string(ns.Mesh))
			}
			meshed[string(ns.Mesh)] = append(meshed[string(ns.Mesh)], ns.Name)
		}
	}
	if len(governed) == 0 {
		return nil
	}
	sort.Strings(meshes)

	var in []upstreamRule[v1alpha2.ClusterNetworkPolicyIngressRule]
	var eg []upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]
	for _, d := range b.Deny {
		eg = append(eg, upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]{
			rule: v1alpha2.ClusterNetworkPolicyEgressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionDeny,
				To: []v1alpha2.ClusterNetworkPolicyEgressPeer{{Networks: []v1alpha2.CIDR{v1alpha2.CIDR(d.CIDR)}}}},
			peer: "cidr " + d.CIDR, reason: d.Reason})
	}
	if d := b.DNS; d != nil && *d.Enabled {
		to := []v1alpha2.ClusterNetworkPolicyEgressPeer{{Pods: upstreamPods(d.Namespace, d.PodLabels)}}
		if d.NodeLocal != "" {
			to = append(to, v1alpha2.ClusterNetworkPolicyEgressPeer{Networks: []v1alpha2.CIDR{v1alpha2.CIDR(hostPrefix(d.NodeLocal))}})
		}
		eg = append(eg, upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]{
			rule: v1alpha2.ClusterNetworkPolicyEgressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionAccept, To: to,
				Protocols: []v1alpha2.ClusterNetworkPolicyProtocol{upstreamProtocol(corev1.ProtocolUDP, 53), upstreamProtocol(corev1.ProtocolTCP, 53)}},
			peer: dnsPeerText(d), reason: dnsReason})
	}
	for _, r := range b.Egress {
		to := v1alpha2.ClusterNetworkPolicyEgressPeer{Pods: upstreamPods(r.To.Namespace, r.To.PodLabels)}
		if r.To.CIDR != "" {
			to = v1alpha2.ClusterNetworkPolicyEgressPeer{Networks: []v1alpha2.CIDR{v1alpha2.CIDR(r.To.CIDR)}}
		}
		eg = append(eg, upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]{
			rule: v1alpha2.ClusterNetworkPolicyEgressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionAccept,
				To: []v1alpha2.ClusterNetworkPolicyEgressPeer{to}, Protocols: upstreamProtocols(r.Ports)},
			peer: BaselinePeerText(r.To), reason: r.Reason})
	}
	for _, r := range b.Ingress {
		if r.From.CIDR != "" {
			continue // no address peer on ingress: upstreamNamespace admits it
		}
		in = append(in, upstreamRule[v1alpha2.ClusterNetworkPolicyIngressRule]{
			rule: v1alpha2.ClusterNetworkPolicyIngressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionAccept,
				From: []v1alpha2.ClusterNetworkPolicyIngressPeer{{Pods: upstreamPods(r.From.Namespace, r.From.PodLabels)}}, Protocols: upstreamProtocols(r.Ports)},
			peer: BaselinePeerText(r.From), reason: r.Reason})
	}

	var out []runtime.Object
	priority := int32(UpstreamAdminPriority)
	for i := 0; i == 0 || i*upstreamMaxRules < max(len(in), len(eg)); i++ {
		name := UpstreamAdminPolicy
		if i > 0 {
			name = fmt.Sprintf("%s-%d", name, i+1)
		}
		out = append(out, upstreamPolicy(name, v1alpha2.AdminTier, priority, governed, chunk(in, i), chunk(eg, i)))
		priority++
	}
	for _, mesh := range meshes {
		var cp plan.ControlPlane
		for _, ns := range p.Namespaces {
			if string(ns.Mesh) == mesh {
				cp, _ = ns.ControlPlane()
				break
			}
		}
		var protocols []v1alpha2.ClusterNetworkPolicyProtocol
		for _, n := range cp.Ports {
			protocols = append(protocols, upstreamProtocol(corev1.ProtocolTCP, n))
		}
		rule := upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]{
			rule: v1alpha2.ClusterNetworkPolicyEgressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionAccept,
				To: []v1alpha2.ClusterNetworkPolicyEgressPeer{{Pods: upstreamPods(cp.Namespace, cp.Pods)}}, Protocols: protocols},
			peer:   fmt.Sprintf("pods %s/{%s}", cp.Namespace, plan.LabelString(cp.Pods)),
			reason: mesh + " sidecars fetch configuration and certificates from the control plane"}
		out = append(out, upstreamPolicy(UpstreamMeshPolicy+"-"+mesh, v1alpha2.AdminTier, priority, meshed[mesh], nil, []upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]{rule}))
		priority++
	}
	if len(enforced) > 0 {
		all := []v1alpha2.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}
		everywhere := []v1alpha2.ClusterNetworkPolicyEgressPeer{{Namespaces: &metav1.LabelSelector{}}, {Networks: []v1alpha2.CIDR{"0.0.0.0/0", "::/0"}}}
		const reason = "cluster baseline: what no rule admits is denied"
		out = append(out, upstreamPolicy(UpstreamBaselinePolicy, v1alpha2.BaselineTier, UpstreamBaselinePriority, enforced,
			[]upstreamRule[v1alpha2.ClusterNetworkPolicyIngressRule]{{rule: v1alpha2.ClusterNetworkPolicyIngressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionDeny, From: all}, peer: "all pods", reason: reason}},
			[]upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]{{rule: v1alpha2.ClusterNetworkPolicyEgressRule{Action: v1alpha2.ClusterNetworkPolicyRuleActionDeny, To: everywhere}, peer: "all pods and addresses", reason: reason}}))
	}
	return out
}

// upstreamNamespace is what a governed namespace renders beside the
// upstream baseline: where no workload observes, an ingress default-deny
// NetworkPolicy (the Baseline tier cannot deny callers outside the
// cluster) and the baseline's address-block callers, which an ingress rule
// of the upstream API cannot name.
func upstreamNamespace(p *plan.Plan, ns *plan.Namespace) []runtime.Object {
	if p.ObservesAny(ns) {
		return nil
	}
	deny := DefaultDeny(ns)
	deny.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	out := []runtime.Object{deny}
	var cidrs v1alpha1.Baseline
	for _, r := range p.Settings.Baseline.Ingress {
		if r.From.CIDR != "" {
			cidrs.Ingress = append(cidrs.Ingress, r)
		}
	}
	if o := BaselineIngress(ns, &cidrs); o != nil {
		out = append(out, o)
	}
	return out
}

// upstreamRule is one rule with its peer and reason annotation lines.
type upstreamRule[R any] struct {
	rule         R
	peer, reason string
}

func chunk[R any](rules []upstreamRule[R], i int) []upstreamRule[R] {
	lo := min(i*upstreamMaxRules, len(rules))
	return rules[lo:min(lo+upstreamMaxRules, len(rules))]
}

// upstreamPolicy is one ClusterNetworkPolicy for the pods of namespaces.
func upstreamPolicy(name string, tier v1alpha2.Tier, priority int32, namespaces []string, in []upstreamRule[v1alpha2.ClusterNetworkPolicyIngressRule], eg []upstreamRule[v1alpha2.ClusterNetworkPolicyEgressRule]) *v1alpha2.ClusterNetworkPolicy {
	o := &v1alpha2.ClusterNetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha2.GroupVersion.String(), Kind: "ClusterNetworkPolicy"},
		ObjectMeta: Meta(name, "", ""),
		Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: tier, Priority: priority, Subject: v1alpha2.ClusterNetworkPolicySubject{
			Namespaces: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: NamespaceNameLabel, Operator: metav1.LabelSelectorOpIn, Values: slices.Clone(namespaces)}}},
		}},
	}
	var inPeers, inReasons, outPeers, outReasons []string
	for _, r := range in {
		o.Spec.Ingress = append(o.Spec.Ingress, r.rule)
		inPeers, inReasons = append(inPeers, r.peer), append(inReasons, r.reason)
	}
	for _, r := range eg {
		o.Spec.Egress = append(o.Spec.Egress, r.rule)
		outPeers, outReasons = append(outPeers, r.peer), append(outReasons, r.reason)
	}
	o.Annotations = ruleAnnotations(inPeers, inReasons, outPeers, outReasons)
	return o
}

// upstreamPods selects pods by labels in the namespace of that name.
func upstreamPods(namespace string, pods map[string]string) *v1alpha2.NamespacedPod {
	return &v1alpha2.NamespacedPod{
		NamespaceSelector: metav1.LabelSelector{MatchLabels: map[string]string{NamespaceNameLabel: namespace}},
		PodSelector:       metav1.LabelSelector{MatchLabels: pods},
	}
}

func upstreamProtocols(refs []v1alpha1.PortRef) []v1alpha2.ClusterNetworkPolicyProtocol {
	var out []v1alpha2.ClusterNetworkPolicyProtocol
	for _, r := range refs {
		out = append(out, upstreamProtocol(baselineProtocol(r), r.Port.IntVal))
	}
	return out
}

func upstreamProtocol(proto corev1.Protocol, n int32) v1alpha2.ClusterNetworkPolicyProtocol {
	dp := &v1alpha2.Port{Number: n}
	switch proto {
	case corev1.ProtocolUDP:
		return v1alpha2.ClusterNetworkPolicyProtocol{UDP: &v1alpha2.ClusterNetworkPolicyProtocolUDP{DestinationPort: dp}}
	case corev1.ProtocolSCTP:
		return v1alpha2.ClusterNetworkPolicyProtocol{SCTP: &v1alpha2.ClusterNetworkPolicyProtocolSCTP{DestinationPort: dp}}
	}
	return v1alpha2.ClusterNetworkPolicyProtocol{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: dp}}
}
