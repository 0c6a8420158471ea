package netpol

import (
	"fmt"
	"math/rand/v2"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// A deterministic generator of small random estates and policies, shared by
// the Cyclonus differential test and the fuzz test. Label keys and values,
// port names and numbers, and CIDRs come from small pools so that selectors,
// named ports and ipBlocks hit often.

type scenario struct {
	namespaces map[string]map[string]string
	endpoints  []Endpoint
	policies   []networkingv1.NetworkPolicy
}

type probePort struct {
	port  int32
	proto corev1.Protocol
}

// probePorts are probed at every destination: numbers the generated rules,
// ranges and named ports use, on every protocol some rule can name.
var probePorts = []probePort{
	{80, tcp}, {81, tcp}, {8080, tcp}, {53, tcp},
	{80, udp}, {53, udp},
	{81, sctp},
}

type genOptions struct {
	// allIPs gives every endpoint an IP (Cyclonus cannot judge ipBlocks
	// against an endpoint without one); otherwise some pods have none.
	allIPs bool
}

var (
	genNamespaces = []string{"x", "y", "z", "w"}
	podLabelPool  = map[string][]string{"pod": {"a", "b", "c"}, "app": {"web", "db", ""}, "team": {"red", "blue"}}
	nsLabelPool   = map[string][]string{"ns": {"x", "y", "z", "w"}, "env": {"prod", "dev", ""}, "team": {"red", "blue"}}
	// namespace selectors may also name the label the API server sets
	nsSelectorPool = map[string][]string{"ns": {"x", "y", "z", "w"}, "env": {"prod", "dev", ""}, "team": {"red", "blue"},
		corev1.LabelMetadataName: {"x", "y", "z", "w"}}
	portNamePool = []string{"http", "dns", "metrics", "serve-80-tcp"}
	portNumPool  = []int32{80, 81, 53, 8080}
	protoPool    = []corev1.Protocol{tcp, udp, sctp}
	externalIPs  = []string{"10.0.1.200", "192.0.2.7", "2001:db8::7", "fd00::1:9"}
	cidrPool     = []struct {
		cidr   string
		except []string
	}{
		{"10.0.0.0/8", nil},
		{"10.0.0.0/16", []string{"10.0.1.0/24"}},
		{"10.0.1.0/24", []string{"10.0.1.1/32", "10.0.1.200/32"}},
		{"10.0.2.1/32", nil},
		{"0.0.0.0/0", []string{"10.0.0.0/8"}},
		{"192.0.2.0/24", nil},
		{"fd00::/16", []string{"fd00::2:0/112"}},
		{"fd00::1:0/112", nil},
		{"::/0", nil},
		{"2001:db8::/32", []string{"2001:db8::7/128"}},
	}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// the pools are tiny: insertion sort keeps the generator deterministic
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func genLabels(r *rand.Rand, pool map[string][]string, p float64) map[string]string {
	out := map[string]string{}
	for _, k := range sortedKeys(pool) {
		if chance(r, p) {
			out[k] = pick(r, pool[k])
		}
	}
	return out
}

func genScenario(r *rand.Rand, opt genOptions) scenario {
	sc := scenario{namespaces: map[string]map[string]string{}}
	for ni, ns := range genNamespaces {
		lbls := genLabels(r, nsLabelPool, 0.5)
		if chance(r, 0.8) {
			lbls["ns"] = ns
		}
		if chance(r, 0.9) { // sometimes a namespace is known only from its pods
			sc.namespaces[ns] = lbls
		}
		npods := r.IntN(4)
		if ns == "w" {
			npods = r.IntN(2)
		}
		for pi := range npods {
			ep := Endpoint{
				Name:      fmt.Sprintf("%s/p%d", ns, pi),
				Namespace: ns,
				Labels:    genLabels(r, podLabelPool, 0.6),
			}
			if opt.allIPs || chance(r, 0.8) {
				if chance(r, 0.7) {
					ep.IP = netip.AddrFrom4([4]byte{10, 0, byte(ni + 1), byte(pi + 1)})
				} else {
					ep.IP = netip.MustParseAddr(fmt.Sprintf("fd00::%d:%d", ni+1, pi+1))
				}
			}
			ep.Ports = genContainerPorts(r)
			sc.endpoints = append(sc.endpoints, ep)
		}
	}
	for _, ip := range externalIPs {
		if chance(r, 0.6) {
			sc.endpoints = append(sc.endpoints, Endpoint{Name: ip, IP: netip.MustParseAddr(ip)})
		}
	}
	for i := range 1 + r.IntN(6) {
		sc.policies = append(sc.policies, genPolicy(r, fmt.Sprintf("p%d", i)))
	}
	return sc
}

// genContainerPorts: unique names, unique (port, protocol).
func genContainerPorts(r *rand.Rand) []corev1.ContainerPort {
	var out []corev1.ContainerPort
	usedName := map[string]bool{}
	usedPort := map[probePort]bool{}
	for range r.IntN(4) {
		name := pick(r, portNamePool)
		pp := probePort{pick(r, portNumPool), pick(r, protoPool)}
		if usedName[name] || usedPort[pp] {
			continue
		}
		usedName[name], usedPort[pp] = true, true
		cp := corev1.ContainerPort{Name: name, ContainerPort: pp.port, Protocol: pp.proto}
		if pp.proto == tcp && chance(r, 0.5) {
			cp.Protocol = "" // defaulted to TCP
		}
		out = append(out, cp)
	}
	return out
}

func genPolicy(r *rand.Rand, name string) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: pick(r, genNamespaces), Name: name}}
	np.Spec.PodSelector = *genSelector(r, podLabelPool)
	switch r.IntN(6) {
	case 0:
		np.Spec.PolicyTypes = types(ingressType)
	case 1:
		np.Spec.PolicyTypes = types(egressType)
	case 2:
		np.Spec.PolicyTypes = types(ingressType, egressType)
	default: // defaulted
	}
	switch r.IntN(10) {
	case 0, 1, 2:
	case 3:
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{}
	default:
		for range 1 + r.IntN(3) {
			np.Spec.Ingress = append(np.Spec.Ingress, ingressRule(genPeers(r), genPorts(r)))
		}
	}
	switch r.IntN(10) {
	case 0, 1, 2, 3:
	case 4:
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{}
	default:
		for range 1 + r.IntN(3) {
			np.Spec.Egress = append(np.Spec.Egress, egressRule(genPeers(r), genPorts(r)))
		}
	}
	return np
}

func genSelector(r *rand.Rand, pool map[string][]string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	if chance(r, 0.25) {
		return s
	}
	keys := append(sortedKeys(pool), "missing")
	values := func(k string) []string {
		if k == "missing" {
			return []string{"v", ""}
		}
		return append(pool[k], "other")
	}
	for range r.IntN(3) {
		k := pick(r, keys)
		if s.MatchLabels == nil {
			s.MatchLabels = map[string]string{}
		}
		s.MatchLabels[k] = pick(r, values(k))
	}
	for range r.IntN(3) {
		k := pick(r, keys)
		req := metav1.LabelSelectorRequirement{Key: k}
		switch r.IntN(4) {
		case 0:
			req.Operator = metav1.LabelSelectorOpIn
		case 1:
			req.Operator = metav1.LabelSelectorOpNotIn
		case 2:
			req.Operator = metav1.LabelSelectorOpExists
		case 3:
			req.Operator = metav1.LabelSelectorOpDoesNotExist
		}
		if req.Operator == metav1.LabelSelectorOpIn || req.Operator == metav1.LabelSelectorOpNotIn {
			vs := values(k)
			for range 1 + r.IntN(2) {
				req.Values = append(req.Values, pick(r, vs))
			}
		}
		s.MatchExpressions = append(s.MatchExpressions, req)
	}
	return s
}

func genPeers(r *rand.Rand) []networkingv1.NetworkPolicyPeer {
	if chance(r, 0.3) {
		return nil
	}
	var out []networkingv1.NetworkPolicyPeer
	for range 1 + r.IntN(3) {
		switch r.IntN(4) {
		case 0:
			c := pick(r, cidrPool)
			out = append(out, ipPeer(c.cidr, c.except...))
		case 1:
			out = append(out, podPeer(genSelector(r, podLabelPool)))
		case 2:
			out = append(out, nsPeer(genSelector(r, nsSelectorPool)))
		case 3:
			out = append(out, nsPodPeer(genSelector(r, nsSelectorPool), genSelector(r, podLabelPool)))
		}
	}
	return out
}

func genPorts(r *rand.Rand) []networkingv1.NetworkPolicyPort {
	if chance(r, 0.4) {
		return nil
	}
	var out []networkingv1.NetworkPolicyPort
	for range 1 + r.IntN(3) {
		var p networkingv1.NetworkPolicyPort
		if !chance(r, 0.3) {
			proto := pick(r, protoPool)
			p.Protocol = &proto
		}
		switch r.IntN(5) {
		case 0: // every port of the protocol
		case 1, 2:
			n := intstr.FromInt32(pick(r, portNumPool))
			p.Port = &n
		case 3:
			n := intstr.FromString(pick(r, append(portNamePool, "nope")))
			p.Port = &n
		case 4:
			lo := pick(r, portNumPool)
			n := intstr.FromInt32(lo)
			p.Port = &n
			hi := lo + int32(r.IntN(3))*int32(r.IntN(8000))
			p.EndPort = &hi
		}
		out = append(out, p)
	}
	return out
}
