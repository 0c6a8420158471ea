package dialect

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// TestCalicoAgreesWithNetworkPolicy: random NetworkPolicies, written as
// the Calico NetworkPolicies Calico itself converts them into (one rule
// per peer and port entry, the pod selector as a selector expression,
// ipBlock as nets and notNets; Calico's converter, K8sNetworkPolicyToCalico,
// in libcalico-go), compile to the verdicts of the NetworkPolicy engine
// (proof/netpol), the plain-NetworkPolicy oracle, on every connection and
// probe port.
func TestCalicoAgreesWithNetworkPolicy(t *testing.T) {
	verdicts := 0
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 7))
		nss, eps, nps := calicoGenEstate(r)
		engine := netpol.New(nss, nps, eps)
		var objs []Object
		for i := range nps {
			objs = append(objs, calicoFromNP(t, &nps[i]))
		}
		c := Compile(Cluster{CNI: Calico}, nil, objs)
		if len(c.Unmodelled) > 0 {
			t.Fatalf("seed %d: unmodelled %v", seed, c.Unmodelled)
		}
		ev := model.New(nss, c.Policies, eps)
		for s := range eps {
			for d := range eps {
				for _, pp := range calicoProbes {
					want := engine.Allowed(s, d, pp.port, pp.proto)
					verdicts++
					if got := ev.Allowed(s, d, pp.port, pp.proto); got != want {
						js := []string{}
						for _, o := range objs {
							js = append(js, string(o.JSON))
						}
						t.Fatalf("seed %d: %s -> %s %d/%s: Calico %v, NetworkPolicy %v\n%s", seed, eps[s].Name, eps[d].Name, pp.port, pp.proto, got, want, strings.Join(js, "\n"))
					}
				}
			}
		}
	}
	t.Logf("%d verdicts equal", verdicts)
}

var calicoProbes = []struct {
	port  int32
	proto corev1.Protocol
}{{80, corev1.ProtocolTCP}, {81, corev1.ProtocolTCP}, {443, corev1.ProtocolTCP}, {53, corev1.ProtocolUDP}, {80, corev1.ProtocolUDP}, {80, corev1.ProtocolSCTP}}

func calicoGenEstate(r *rand.Rand) (map[string]map[string]string, []netpol.Endpoint, []networkingv1.NetworkPolicy) {
	vals := []string{"a", "b"}
	keys := []string{"app", "tier"}
	lbls := func() map[string]string {
		m := map[string]string{}
		for _, k := range keys {
			if r.IntN(3) > 0 {
				m[k] = vals[r.IntN(len(vals))]
			}
		}
		return m
	}
	nss := map[string]map[string]string{"x": lbls(), "y": lbls()}
	var eps []netpol.Endpoint
	for i := range 4 {
		ns := []string{"x", "y"}[r.IntN(2)]
		eps = append(eps, netpol.Endpoint{Name: fmt.Sprintf("%s/p%d", ns, i), Namespace: ns, Labels: lbls(),
			Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: []int32{80, 81}[r.IntN(2)]}}})
	}
	eps = append(eps, netpol.Endpoint{Name: "ext1", IP: netip.MustParseAddr("10.0.0.1")}, netpol.Endpoint{Name: "ext2", IP: netip.MustParseAddr("10.1.0.1")})
	sel := func() *metav1.LabelSelector {
		s := &metav1.LabelSelector{}
		for _, k := range keys {
			switch r.IntN(6) {
			case 0:
				s.MatchLabels = map[string]string{k: vals[r.IntN(2)]}
			case 1:
				s.MatchExpressions = append(s.MatchExpressions, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpNotIn, Values: []string{vals[r.IntN(2)]}})
			case 2:
				s.MatchExpressions = append(s.MatchExpressions, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpExists})
			case 3:
				s.MatchExpressions = append(s.MatchExpressions, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpDoesNotExist})
			}
		}
		return s
	}
	peers := func() []networkingv1.NetworkPolicyPeer {
		var out []networkingv1.NetworkPolicyPeer
		for range r.IntN(3) {
			switch r.IntN(4) {
			case 0:
				out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: sel()})
			case 1:
				out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: sel()})
			case 2:
				out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: sel(), NamespaceSelector: sel()})
			case 3:
				b := &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}
				if r.IntN(2) == 0 {
					b.Except = []string{"10.1.0.0/16"}
				}
				out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: b})
			}
		}
		return out
	}
	ports := func() []networkingv1.NetworkPolicyPort {
		var out []networkingv1.NetworkPolicyPort
		for range r.IntN(3) {
			proto := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP}[r.IntN(2)]
			p := networkingv1.NetworkPolicyPort{Protocol: &proto}
			switch r.IntN(4) {
			case 1:
				v := intstr.FromInt32([]int32{80, 53}[r.IntN(2)])
				p.Port = &v
			case 2:
				v := intstr.FromString("web")
				p.Port = &v
			case 3:
				v, end := intstr.FromInt32(80), int32(443)
				p.Port, p.EndPort = &v, &end
			}
			out = append(out, p)
		}
		return out
	}
	var nps []networkingv1.NetworkPolicy
	for i := range 1 + r.IntN(3) {
		np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("np%d", i), Namespace: []string{"x", "y"}[r.IntN(2)]}}
		np.Spec.PodSelector = *sel()
		switch r.IntN(3) {
		case 1:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
		case 2:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		}
		for range r.IntN(3) {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: peers(), Ports: ports()})
		}
		for range r.IntN(3) {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: peers(), Ports: ports()})
		}
		if len(np.Spec.PolicyTypes) == 0 {
			np.Spec.Egress = nil // an Ingress-only policy, as the API server defaults it
		}
		nps = append(nps, np)
	}
	return nss, eps, nps
}

// calicoFromNP writes np as Calico converts it.
func calicoFromNP(t *testing.T, np *networkingv1.NetworkPolicy) Object {
	sel := func(s *metav1.LabelSelector) string {
		var parts []string
		keys := make([]string, 0, len(s.MatchLabels))
		for k := range s.MatchLabels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s == '%s'", k, s.MatchLabels[k]))
		}
		for _, e := range s.MatchExpressions {
			switch e.Operator {
			case metav1.LabelSelectorOpIn:
				parts = append(parts, fmt.Sprintf("%s in {'%s'}", e.Key, strings.Join(e.Values, "', '")))
			case metav1.LabelSelectorOpNotIn:
				parts = append(parts, fmt.Sprintf("%s not in {'%s'}", e.Key, strings.Join(e.Values, "', '")))
			case metav1.LabelSelectorOpExists:
				parts = append(parts, "has("+e.Key+")")
			case metav1.LabelSelectorOpDoesNotExist:
				parts = append(parts, "!has("+e.Key+")")
			}
		}
		if len(parts) == 0 {
			return "all()"
		}
		return strings.Join(parts, " && ")
	}
	type entity = map[string]any
	rules := func(peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort, ingress bool) []map[string]any {
		var out []map[string]any
		ents := []entity{{}}
		if len(peers) > 0 {
			ents = nil
		}
		for _, p := range peers {
			e := entity{}
			if p.IPBlock != nil {
				e["nets"] = []string{p.IPBlock.CIDR}
				if len(p.IPBlock.Except) > 0 {
					e["notNets"] = p.IPBlock.Except
				}
			}
			if p.PodSelector != nil {
				e["selector"] = sel(p.PodSelector)
			}
			if p.NamespaceSelector != nil {
				e["namespaceSelector"] = sel(p.NamespaceSelector)
			}
			ents = append(ents, e)
		}
		type portSpec struct {
			proto string
			port  any
		}
		pss := []*portSpec{nil}
		if len(ports) > 0 {
			pss = nil
		}
		for _, p := range ports {
			ps := &portSpec{proto: string(*p.Protocol)}
			switch {
			case p.Port == nil:
			case p.EndPort != nil:
				ps.port = fmt.Sprintf("%d:%d", p.Port.IntVal, *p.EndPort)
			case p.Port.Type == intstr.String:
				ps.port = p.Port.StrVal
			default:
				ps.port = p.Port.IntVal
			}
			pss = append(pss, ps)
		}
		for _, e := range ents {
			for _, ps := range pss {
				rule := map[string]any{"action": "Allow"}
				peer, dst := "source", entity{}
				if !ingress {
					peer, dst = "destination", e
				}
				rule[peer] = e
				if ps != nil {
					rule["protocol"] = ps.proto
					if ps.port != nil {
						d := entity{}
						for k, v := range dst {
							d[k] = v
						}
						d["ports"] = []any{ps.port}
						dst = d
					}
				}
				if len(dst) > 0 {
					rule["destination"] = dst
				}
				out = append(out, rule)
			}
		}
		return out
	}
	spec := map[string]any{"selector": sel(&np.Spec.PodSelector), "order": 100}
	types := []string{"Ingress"}
	if len(np.Spec.PolicyTypes) > 0 {
		types = nil
		for _, pt := range np.Spec.PolicyTypes {
			types = append(types, string(pt))
		}
	}
	spec["types"] = types
	var in, eg []map[string]any
	for _, rl := range np.Spec.Ingress {
		in = append(in, rules(rl.From, rl.Ports, true)...)
	}
	for _, rl := range np.Spec.Egress {
		eg = append(eg, rules(rl.To, rl.Ports, false)...)
	}
	spec["ingress"], spec["egress"] = in, eg
	obj := map[string]any{"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy",
		"metadata": map[string]any{"name": np.Name, "namespace": np.Namespace}, "spec": spec}
	j, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return Object{APIVersion: "projectcalico.org/v3", Kind: "NetworkPolicy", Namespace: np.Namespace, Name: np.Name, JSON: j}
}
