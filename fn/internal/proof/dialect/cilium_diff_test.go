package dialect

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// TestCiliumAgreesWithNetworkPolicy: a NetworkPolicy rewritten as the
// CiliumNetworkPolicy Cilium documents as its equivalent (podSelector →
// endpointSelector; namespaceSelector → io.cilium.k8s.namespace.labels.*
// keys, {} → io.kubernetes.pod.namespace Exists; ipBlock → fromCIDRSet; a
// rule with pods and ipBlocks → one rule each; an isolated direction without
// rules → [{}]; a rule with no peer and no port → fromEntities [all]) gets
// the same verdicts as the NetworkPolicy, which model_diff_test in
// proof/netpol holds equal to the NetworkPolicy engine. The estate gives pods
// no IP, where the two differ by design (CIDR rules never match a pod).
func TestCiliumAgreesWithNetworkPolicy(t *testing.T) {
	probes := []struct {
		port  int32
		proto corev1.Protocol
	}{{80, corev1.ProtocolTCP}, {80, corev1.ProtocolUDP}, {53, corev1.ProtocolUDP}, {8080, corev1.ProtocolTCP}, {8081, corev1.ProtocolTCP}, {443, corev1.ProtocolTCP}}
	verdicts := 0
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 7))
		nss, eps := ciliumDiffEstate(r)
		var nps []networkingv1.NetworkPolicy
		var objs []Object
		for i := range 1 + r.IntN(4) {
			np := ciliumDiffPolicy(r, fmt.Sprintf("p%d", i))
			nps = append(nps, np)
			objs = append(objs, ciliumFromNetworkPolicy(t, &np))
		}
		want := model.New(nss, NetworkPolicies(nps, NetworkPolicyPlacement(Cluster{CNI: Cilium})).Policies, eps)
		compiled := Compile(Cluster{CNI: Cilium}, nil, objs)
		if len(compiled.Unmodelled)+len(compiled.Inert) > 0 {
			t.Fatalf("seed %d: %s%s", seed, ciliumEntries(compiled.Unmodelled), ciliumEntries(compiled.Inert))
		}
		got := model.New(nss, compiled.Policies, eps)
		for src := range eps {
			for dst := range eps {
				for _, p := range probes {
					verdicts++
					w, g := want.Decide(src, dst, p.port, p.proto), got.Decide(src, dst, p.port, p.proto)
					if w.Allowed != g.Allowed {
						js, _ := json.Marshal(nps)
						var cnps []string
						for _, o := range objs {
							cnps = append(cnps, string(o.JSON))
						}
						t.Fatalf("seed %d: %s -> %s %d/%s: NetworkPolicy %v, Cilium %v\nnps: %s\ncnps: %v", seed, eps[src].Name, eps[dst].Name, p.port, p.proto, w.Allowed, g.Allowed, js, cnps)
					}
				}
			}
		}
	}
	t.Logf("%d verdicts, all equal", verdicts)
}

func ciliumDiffEstate(r *rand.Rand) (map[string]map[string]string, []netpol.Endpoint) {
	nss := map[string]map[string]string{"a": {"env": "prod"}, "b": {"env": "dev"}, "c": {}}
	var eps []netpol.Endpoint
	for _, ns := range []string{"a", "b", "c"} {
		for i := range 1 + r.IntN(3) {
			l := map[string]string{"app": []string{"x", "y", "z"}[r.IntN(3)]}
			if r.IntN(2) == 0 {
				l["tier"] = []string{"fe", "be"}[r.IntN(2)]
			}
			ep := netpol.Endpoint{Name: fmt.Sprintf("%s/%d", ns, i), Namespace: ns, Labels: l}
			if r.IntN(2) == 0 {
				ep.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: []int32{80, 8080}[r.IntN(2)]}}
			}
			eps = append(eps, ep)
		}
	}
	eps = append(eps,
		netpol.Endpoint{Name: "ext-10", IP: netip.MustParseAddr("10.1.2.3")},
		netpol.Endpoint{Name: "ext-10b", IP: netip.MustParseAddr("10.200.0.1")},
		netpol.Endpoint{Name: "ext-192", IP: netip.MustParseAddr("192.0.2.7")})
	return nss, eps
}

func ciliumDiffSelector(r *rand.Rand, keys ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	switch r.IntN(4) {
	case 0:
	case 1:
		s.MatchLabels = map[string]string{keys[0]: []string{"x", "y", "prod", "dev"}[r.IntN(4)]}
	case 2:
		s.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: keys[len(keys)-1], Operator: metav1.LabelSelectorOpNotIn, Values: []string{"fe", "dev"}}}
	default:
		s.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: keys[len(keys)-1], Operator: []metav1.LabelSelectorOperator{metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}[r.IntN(2)]}}
	}
	return s
}

func ciliumDiffPolicy(r *rand.Rand, name string) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: []string{"a", "b", "c"}[r.IntN(3)]}}
	np.Spec.PodSelector = *ciliumDiffSelector(r, "app", "tier")
	switch r.IntN(4) {
	case 1:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	case 2:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	case 3:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	}
	peers := func() []networkingv1.NetworkPolicyPeer {
		if r.IntN(3) == 0 {
			return nil
		}
		var out []networkingv1.NetworkPolicyPeer
		for range 1 + r.IntN(2) {
			switch r.IntN(4) {
			case 0:
				out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: ciliumDiffSelector(r, "app", "tier")})
			case 1:
				out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: ciliumDiffSelector(r, "env")})
			case 2:
				out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: ciliumDiffSelector(r, "env"), PodSelector: ciliumDiffSelector(r, "app", "tier")})
			default:
				b := &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}
				if r.IntN(2) == 0 {
					b.Except = []string{"10.1.0.0/16"}
				}
				if r.IntN(3) == 0 {
					b.CIDR = "0.0.0.0/0"
				}
				out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: b})
			}
		}
		return out
	}
	ports := func() []networkingv1.NetworkPolicyPort {
		var out []networkingv1.NetworkPolicyPort
		for range r.IntN(3) {
			tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
			switch r.IntN(4) {
			case 0:
				p := intstr.FromInt32(80)
				out = append(out, networkingv1.NetworkPolicyPort{Protocol: &tcp, Port: &p})
			case 1:
				p := intstr.FromInt32(53)
				out = append(out, networkingv1.NetworkPolicyPort{Protocol: &udp, Port: &p})
			case 2:
				p := intstr.FromString("http")
				out = append(out, networkingv1.NetworkPolicyPort{Port: &p})
			default:
				p, end := intstr.FromInt32(8000), int32(8080)
				out = append(out, networkingv1.NetworkPolicyPort{Protocol: &tcp, Port: &p, EndPort: &end})
			}
		}
		return out
	}
	for range r.IntN(3) {
		np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: peers(), Ports: ports()})
	}
	for range r.IntN(3) {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: peers(), Ports: ports()})
	}
	return np
}

// ciliumFromNetworkPolicy writes np as a CiliumNetworkPolicy.
func ciliumFromNetworkPolicy(t *testing.T, np *networkingv1.NetworkPolicy) Object {
	t.Helper()
	ingress := len(np.Spec.PolicyTypes) == 0
	egress := len(np.Spec.PolicyTypes) == 0 && len(np.Spec.Egress) > 0
	for _, pt := range np.Spec.PolicyTypes {
		ingress = ingress || pt == networkingv1.PolicyTypeIngress
		egress = egress || pt == networkingv1.PolicyTypeEgress
	}
	spec := map[string]any{"endpointSelector": np.Spec.PodSelector}
	section := func(key, from string, rules [][2]any) {
		out := []any{}
		for _, rule := range rules {
			peers := rule[0].([]networkingv1.NetworkPolicyPeer)
			ports := rule[1].([]networkingv1.NetworkPolicyPort)
			var toPorts []any
			if len(ports) > 0 {
				var pps []any
				for _, p := range ports {
					pp := map[string]any{"port": p.Port.String()}
					if p.Protocol != nil {
						pp["protocol"] = string(*p.Protocol)
					} else {
						pp["protocol"] = "TCP"
					}
					if p.EndPort != nil {
						pp["endPort"] = *p.EndPort
					}
					pps = append(pps, pp)
				}
				toPorts = []any{map[string]any{"ports": pps}}
			}
			withPorts := func(m map[string]any) map[string]any {
				if toPorts != nil {
					m["toPorts"] = toPorts
				}
				return m
			}
			if len(peers) == 0 {
				if toPorts == nil {
					out = append(out, map[string]any{from + "Entities": []string{"all"}})
				} else {
					out = append(out, withPorts(map[string]any{}))
				}
				continue
			}
			var sels, cidrs []any
			for _, p := range peers {
				if p.IPBlock != nil {
					cidrs = append(cidrs, map[string]any{"cidr": p.IPBlock.CIDR, "except": p.IPBlock.Except})
					continue
				}
				sel := &metav1.LabelSelector{MatchLabels: map[string]string{}}
				if p.PodSelector != nil {
					for k, v := range p.PodSelector.MatchLabels {
						sel.MatchLabels[k] = v
					}
					sel.MatchExpressions = append(sel.MatchExpressions, p.PodSelector.MatchExpressions...)
				}
				if ns := p.NamespaceSelector; ns != nil {
					if len(ns.MatchLabels)+len(ns.MatchExpressions) == 0 {
						sel.MatchExpressions = append(sel.MatchExpressions, metav1.LabelSelectorRequirement{Key: ciliumPodNamespace, Operator: metav1.LabelSelectorOpExists})
					}
					for k, v := range ns.MatchLabels {
						sel.MatchLabels[ciliumNamespaceLabels+k] = v
					}
					for _, e := range ns.MatchExpressions {
						e.Key = ciliumNamespaceLabels + e.Key
						sel.MatchExpressions = append(sel.MatchExpressions, e)
					}
				}
				sels = append(sels, sel)
			}
			if sels != nil {
				out = append(out, withPorts(map[string]any{from + "Endpoints": sels}))
			}
			if cidrs != nil {
				out = append(out, withPorts(map[string]any{from + "CIDRSet": cidrs}))
			}
		}
		if len(out) == 0 {
			out = append(out, map[string]any{})
		}
		spec[key] = out
	}
	if ingress {
		var rules [][2]any
		for _, r := range np.Spec.Ingress {
			rules = append(rules, [2]any{r.From, r.Ports})
		}
		section("ingress", "from", rules)
	}
	if egress {
		var rules [][2]any
		for _, r := range np.Spec.Egress {
			rules = append(rules, [2]any{r.To, r.Ports})
		}
		section("egress", "to", rules)
	}
	obj := map[string]any{"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
		"metadata": map[string]any{"name": np.Name, "namespace": np.Namespace}, "spec": spec}
	js, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return Object{APIVersion: "cilium.io/v2", Kind: "CiliumNetworkPolicy", Namespace: np.Namespace, Name: np.Name, JSON: js}
}
