package netpol

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Small builders for hand-written policies in tests.

const (
	tcp  = corev1.ProtocolTCP
	udp  = corev1.ProtocolUDP
	sctp = corev1.ProtocolSCTP
)

func netpol(ns, name string, spec networkingv1.NetworkPolicySpec) networkingv1.NetworkPolicy {
	return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: spec}
}

// labelsSel is a LabelSelector with matchLabels from key, value pairs;
// labelsSel() is the empty selector {}.
func labelsSel(kv ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	if len(kv) > 0 {
		s.MatchLabels = map[string]string{}
	}
	for i := 0; i < len(kv); i += 2 {
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

func exprSel(reqs ...metav1.LabelSelectorRequirement) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: reqs}
}

func expr(key string, op metav1.LabelSelectorOperator, values ...string) metav1.LabelSelectorRequirement {
	return metav1.LabelSelectorRequirement{Key: key, Operator: op, Values: values}
}

func types(t ...networkingv1.PolicyType) []networkingv1.PolicyType { return t }

const (
	ingressType = networkingv1.PolicyTypeIngress
	egressType  = networkingv1.PolicyTypeEgress
)

// portNum is {port: n} with no protocol (defaulted to TCP); give proto to set one.
func portNum(n int32, proto ...corev1.Protocol) networkingv1.NetworkPolicyPort {
	p := intstr.FromInt32(n)
	return withProto(networkingv1.NetworkPolicyPort{Port: &p}, proto)
}

func portRange(from, to int32, proto ...corev1.Protocol) networkingv1.NetworkPolicyPort {
	p := portNum(from, proto...)
	p.EndPort = &to
	return p
}

func portName(name string, proto ...corev1.Protocol) networkingv1.NetworkPolicyPort {
	p := intstr.FromString(name)
	return withProto(networkingv1.NetworkPolicyPort{Port: &p}, proto)
}

func portProto(proto corev1.Protocol) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: &proto}
}

func withProto(p networkingv1.NetworkPolicyPort, proto []corev1.Protocol) networkingv1.NetworkPolicyPort {
	if len(proto) > 0 {
		p.Protocol = &proto[0]
	}
	return p
}

func ports(p ...networkingv1.NetworkPolicyPort) []networkingv1.NetworkPolicyPort { return p }

func peers(p ...networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer { return p }

func podPeer(s *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{PodSelector: s}
}

func nsPeer(s *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: s}
}

func nsPodPeer(ns, pod *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: ns, PodSelector: pod}
}

func ipPeer(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
}

func ingressRule(from []networkingv1.NetworkPolicyPeer, p []networkingv1.NetworkPolicyPort) networkingv1.NetworkPolicyIngressRule {
	return networkingv1.NetworkPolicyIngressRule{From: from, Ports: p}
}

func egressRule(to []networkingv1.NetworkPolicyPeer, p []networkingv1.NetworkPolicyPort) networkingv1.NetworkPolicyEgressRule {
	return networkingv1.NetworkPolicyEgressRule{To: to, Ports: p}
}
