package dialect

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/proof/model"
)

// NetworkPolicies compiles namespaced NetworkPolicies (networking.k8s.io/v1)
// with the semantics of proof/netpol, which the differential test holds it
// to: API-server defaulting of policyTypes and protocol; a policy isolates
// the directions of its policyTypes for the pods spec.podSelector selects in
// its namespace, and every rule allows; parts the API server would reject
// match nothing (an invalid spec.podSelector selects no pod).
//
// Reference: https://kubernetes.io/docs/concepts/services-networking/network-policies/
func NetworkPolicies(nps []networkingv1.NetworkPolicy, at Placement) model.Compiled {
	var out model.Compiled
	for i := range nps {
		out.Policies = append(out.Policies, networkPolicy(&nps[i], at, i))
	}
	return out
}

func networkPolicy(np *networkingv1.NetworkPolicy, at Placement, seq int) model.Policy {
	ns := np.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	spec := &np.Spec
	ingress, egress := len(spec.PolicyTypes) == 0, len(spec.PolicyTypes) == 0 && len(spec.Egress) > 0
	for _, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			ingress = true
		case networkingv1.PolicyTypeEgress:
			egress = true
		}
	}
	inNS := model.Labels(map[string]string{corev1.LabelMetadataName: ns})
	p := model.Policy{Layer: LayerNetworkPolicy, Object: "NetworkPolicy " + ns + "/" + np.Name, TierName: at.TierName,
		Point: model.Network, Tier: at.Tier, Order: at.Order, Seq: seq,
		Subject:         []model.Peer{{Pods: true, NS: inNS, Labels: labelSelector(&spec.PodSelector)}},
		IsolatesIngress: ingress, IsolatesEgress: egress}
	if ingress {
		for i := range spec.Ingress {
			r := &spec.Ingress[i]
			p.Ingress = append(p.Ingress, npRule(ns, r.Ports, r.From, fmt.Sprintf("spec.ingress[%d]", i)))
		}
	}
	if egress {
		for i := range spec.Egress {
			r := &spec.Egress[i]
			p.Egress = append(p.Egress, npRule(ns, r.Ports, r.To, fmt.Sprintf("spec.egress[%d]", i)))
		}
	}
	return p
}

// labelSelector is sel as a Match; an invalid selector matches nothing.
func labelSelector(sel *metav1.LabelSelector) model.Match {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return model.Nothing()
	}
	return model.Selector(s)
}

func npRule(ns string, ports []networkingv1.NetworkPolicyPort, peers []networkingv1.NetworkPolicyPeer, where string) model.Rule {
	r := model.Rule{Action: model.Allow, Where: where}
	if len(ports) > 0 {
		r.Ports = []model.Port{}
		for i := range ports {
			if pt, ok := npPort(&ports[i]); ok {
				r.Ports = append(r.Ports, pt)
			}
		}
	}
	if len(peers) > 0 {
		r.Peers = []model.Peer{}
		for i := range peers {
			if pr, ok := npPeer(ns, &peers[i]); ok {
				r.Peers = append(r.Peers, pr)
			}
		}
	}
	return r
}

func npPort(p *networkingv1.NetworkPolicyPort) (model.Port, bool) {
	proto := corev1.ProtocolTCP
	if p.Protocol != nil && *p.Protocol != "" {
		proto = *p.Protocol
	}
	switch proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		return model.Port{}, false
	}
	out := model.Port{Protocol: proto}
	switch {
	case p.Port == nil:
		if p.EndPort != nil {
			return model.Port{}, false
		}
		out.Lo, out.Hi = 0, 0
	case p.Port.Type == intstr.String:
		if p.EndPort != nil {
			return model.Port{}, false
		}
		out.Name = p.Port.StrVal
	default:
		out.Lo, out.Hi = p.Port.IntVal, p.Port.IntVal
		if p.EndPort != nil {
			if *p.EndPort < out.Lo {
				return model.Port{}, false
			}
			out.Hi = *p.EndPort
		}
		if out.Lo == 0 && out.Hi == 0 {
			// port 0 is a number, not "every port": it matches no traffic
			return model.Port{}, false
		}
	}
	return out, true
}

func npPeer(ns string, p *networkingv1.NetworkPolicyPeer) (model.Peer, bool) {
	if p.IPBlock != nil {
		if p.PodSelector != nil || p.NamespaceSelector != nil {
			return model.Peer{}, false
		}
		cidr, err := netip.ParsePrefix(p.IPBlock.CIDR)
		if err != nil {
			return model.Peer{}, false
		}
		out := model.Peer{Addrs: true, Nets: []netip.Prefix{cidr}}
		for _, x := range p.IPBlock.Except {
			pre, err := netip.ParsePrefix(x)
			if err != nil {
				return model.Peer{}, false
			}
			out.Except = append(out.Except, pre)
		}
		return out, true
	}
	out := model.Peer{Pods: true}
	switch {
	case p.NamespaceSelector != nil:
		out.NS = labelSelector(p.NamespaceSelector)
	case p.PodSelector != nil:
		out.NS = model.Labels(map[string]string{corev1.LabelMetadataName: ns})
	default:
		return model.Peer{}, false
	}
	if p.PodSelector != nil {
		out.Labels = labelSelector(p.PodSelector)
	}
	return out, true
}
