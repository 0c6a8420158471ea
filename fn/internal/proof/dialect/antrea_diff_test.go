package dialect

import (
	"fmt"
	"math/rand/v2"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// antreaRandomNetworkPolicies draws NetworkPolicies over the truth tables'
// estate.
func antreaRandomNetworkPolicies(r *rand.Rand) []networkingv1.NetworkPolicy {
	sel := func() *metav1.LabelSelector {
		apps := []string{"", "web", "db", "client"}
		if a := apps[r.IntN(len(apps))]; a != "" {
			return &metav1.LabelSelector{MatchLabels: map[string]string{"app": a}}
		}
		return &metav1.LabelSelector{}
	}
	peers := func() []networkingv1.NetworkPolicyPeer {
		var out []networkingv1.NetworkPolicyPeer
		for range r.IntN(3) {
			switch r.IntN(4) {
			case 0:
				out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: sel()})
			case 1:
				envs := []map[string]string{{"env": "prod"}, {"env": "dev"}, {}}
				out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: envs[r.IntN(3)]}, PodSelector: sel()})
			case 2:
				out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.0.10.0/24"}}})
			default:
				out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "203.0.113.0/24"}})
			}
		}
		return out
	}
	ports := func() []networkingv1.NetworkPolicyPort {
		var out []networkingv1.NetworkPolicyPort
		udp := corev1.ProtocolUDP
		for range r.IntN(3) {
			switch r.IntN(4) {
			case 0:
				p := intstr.FromInt32(80)
				out = append(out, networkingv1.NetworkPolicyPort{Port: &p})
			case 1:
				p := intstr.FromString("pg")
				out = append(out, networkingv1.NetworkPolicyPort{Port: &p})
			case 2:
				p := intstr.FromInt32(53)
				out = append(out, networkingv1.NetworkPolicyPort{Protocol: &udp, Port: &p})
			default:
				p, end := intstr.FromInt32(400), int32(500)
				out = append(out, networkingv1.NetworkPolicyPort{Port: &p, EndPort: &end})
			}
		}
		return out
	}
	var nps []networkingv1.NetworkPolicy
	for i := range r.IntN(4) {
		np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("np%d", i), Namespace: []string{"shop", "lab"}[r.IntN(2)]}}
		np.Spec.PodSelector = *sel()
		switch r.IntN(3) {
		case 0:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		case 1:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		}
		for range r.IntN(3) {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: peers(), Ports: ports()})
		}
		for range r.IntN(3) {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: peers(), Ports: ports()})
		}
		nps = append(nps, np)
	}
	return nps
}

// antreaDefaultDeny is a NetworkPolicy denying both directions to every
// pod of ns.
func antreaDefaultDeny(ns string) networkingv1.NetworkPolicy {
	return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "zz-default-deny", Namespace: ns},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}}
}

// TestAntreaAgreesWithNetworkPolicyEngine compares the model, given
// NetworkPolicies and Antrea-native policies, with the NetworkPolicy
// engine of proof/netpol on random NetworkPolicies, where the documented
// semantics make them equal:
//
//   - a Pass-everything ClusterNetworkPolicy in the Emergency tier, a Drop
//     policy that selects no pod, and a Baseline Allow-everything policy
//     leave NetworkPolicy's verdicts as they are ("Pass ... delegates the
//     decision to K8s namespaced NetworkPolicies"; "baseline policies
//     cannot counteract the isolated Pod behavior");
//   - a Baseline Drop-everything policy is a default-deny NetworkPolicy in
//     every namespace: pods NetworkPolicy isolates keep its verdict, the
//     others are dropped ("If the packet still does not match any rule for
//     K8s NP, it will then be evaluated against policies created in the
//     baseline Tier").
func TestAntreaAgreesWithNetworkPolicyEngine(t *testing.T) {
	neutral := antreaObjects(t, `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: pass-everything}
spec:
  priority: 1
  tier: emergency
  appliedTo: [{namespaceSelector: {}}]
  ingress: [{action: Pass}]
  egress: [{action: Pass}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: selects-nothing}
spec:
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {app: none}}}]
  ingress: [{action: Drop}]
  egress: [{action: Drop}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: baseline-allow}
spec:
  priority: 1
  tier: baseline
  appliedTo: [{podSelector: {}}]
  ingress: [{action: Allow}]
  egress: [{action: Allow}]
`)
	baselineDrop := antreaObjects(t, `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: baseline-drop}
spec:
  priority: 1
  tier: baseline
  appliedTo: [{namespaceSelector: {}}]
  ingress: [{action: Drop}]
  egress: [{action: Drop}]
`)
	eps := antreaEndpoints()
	probes := []struct {
		port  int32
		proto corev1.Protocol
	}{{80, ""}, {5432, ""}, {450, ""}, {53, corev1.ProtocolUDP}, {80, corev1.ProtocolSCTP}}
	verdicts := 0
	for seed := range uint64(500) {
		r := rand.New(rand.NewPCG(seed, 0xa47ea))
		nps := antreaRandomNetworkPolicies(r)
		for _, variant := range []struct {
			name      string
			objs      []Object
			reference []networkingv1.NetworkPolicy
		}{
			{"neutral", neutral, nps},
			{"baseline drop", baselineDrop, append(append([]networkingv1.NetworkPolicy(nil), nps...), antreaDefaultDeny("shop"), antreaDefaultDeny("lab"))},
		} {
			engine := netpol.New(antreaNamespaces, variant.reference, eps)
			c := Compile(Cluster{CNI: Antrea}, nps, variant.objs)
			if len(c.Unmodelled) > 0 {
				t.Fatalf("unmodelled: %v", c.Unmodelled)
			}
			ev := model.New(antreaNamespaces, c.Policies, eps)
			for src := range eps {
				for dst := range eps {
					for _, p := range probes {
						verdicts++
						want := engine.Allowed(src, dst, p.port, p.proto)
						if v := ev.Decide(src, dst, p.port, p.proto); v.Allowed != want {
							var why []string
							for _, d := range v.Decisions {
								why = append(why, ev.Describe(d))
							}
							t.Fatalf("seed %d, %s: %s -> %s %d/%s: engine %v, model %v %q\n%+v", seed, variant.name,
								eps[src].Name, eps[dst].Name, p.port, p.proto, want, v.Allowed, why, nps)
						}
					}
				}
			}
		}
	}
	t.Logf("%d verdicts, all equal", verdicts)
}
