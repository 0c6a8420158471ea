package proof

import (
	"fmt"
	"math/rand"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// The completeness test: random policies and declarations over a small
// vocabulary of namespaces, labels, addresses and ports; a large random
// universe of pods (in the stream's namespaces, in namespaces the stream only
// names, with any labels, and in namespaces nothing names) and addresses, each
// judged by brute force with the same evaluator on every port of the
// vocabulary and some others. Every judged flow of the universe that is open
// and undeclared, or declared and blocked, must show in the proof as a
// mismatch between endpoints of the same kind (the same workload, a pod of the
// same namespace, a pod of a namespace nothing names, an address of the same
// family). The evaluator itself is checked against the upstream truth tables
// and Cyclonus in proof/netpol; this test checks the witness construction.

var (
	vocabNS       = []string{"shop", "pay", "mon", "kube-system"}
	governedNS    = map[string]bool{"shop": true, "pay": true}
	fixedNSLabels = map[string]map[string]string{"shop": {"team": "a"}, "pay": {"team": "b", "env": "prod"}}
	nsKeys        = map[string][]string{"team": {"a", "b", "x"}, "env": {"prod", "dev"}, corev1.LabelMetadataName: {"shop", "pay", "mon", "attacker"}}
	podKeys       = map[string][]string{"app": {"a", "b", "c"}, "role": {"db", "web"}, "tier": {"1"}}
	vocabCIDRs    = []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "0.0.0.0/0", "0.0.0.0/1", "8.8.8.0/24", "198.51.100.0/24", "2001:db8::/32", "2001:db8:1::/48", "::/0"}
	vocabPorts    = []int32{53, 80, 443, 8080, 9090}
	vocabNames    = []string{"http", "grpc", "metrics"}
)

type gen struct{ r *rand.Rand }

func (g gen) pick(s []string) string { return s[g.r.Intn(len(s))] }
func (g gen) chance(p float64) bool  { return g.r.Float64() < p }

func (g gen) keyOf(m map[string][]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic for a seed
	return keys[g.r.Intn(len(keys))]
}

func (g gen) selector(vocab map[string][]string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	for n := g.r.Intn(3); n > 0; n-- {
		k := g.keyOf(vocab)
		if g.chance(0.6) {
			if s.MatchLabels == nil {
				s.MatchLabels = map[string]string{}
			}
			s.MatchLabels[k] = g.pick(vocab[k])
			continue
		}
		ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
		op := ops[g.r.Intn(len(ops))]
		req := metav1.LabelSelectorRequirement{Key: k, Operator: op}
		if op == metav1.LabelSelectorOpIn || op == metav1.LabelSelectorOpNotIn {
			for m := 1 + g.r.Intn(2); m > 0; m-- {
				req.Values = append(req.Values, g.pick(vocab[k]))
			}
		}
		s.MatchExpressions = append(s.MatchExpressions, req)
	}
	return s
}

func (g gen) labels(vocab map[string][]string) map[string]string {
	l := map[string]string{}
	for k, vs := range vocab {
		if k == corev1.LabelMetadataName {
			continue
		}
		switch g.r.Intn(4) {
		case 0: // absent
		case 1:
			l[k] = "zz-unnamed"
		default:
			l[k] = g.pick(vs)
		}
	}
	return l
}

func (g gen) peer() networkingv1.NetworkPolicyPeer {
	switch g.r.Intn(4) {
	case 0:
		blk := &networkingv1.IPBlock{CIDR: g.pick(vocabCIDRs)}
		if g.chance(0.3) {
			blk.Except = []string{g.pick(vocabCIDRs)}
		}
		return networkingv1.NetworkPolicyPeer{IPBlock: blk}
	case 1:
		return networkingv1.NetworkPolicyPeer{PodSelector: g.selector(podKeys)}
	case 2:
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: g.selector(nsKeys)}
	}
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: g.selector(nsKeys), PodSelector: g.selector(podKeys)}
}

func (g gen) ports() []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for n := g.r.Intn(3); n > 0; n-- {
		proto := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}[g.r.Intn(3)]
		p := networkingv1.NetworkPolicyPort{Protocol: &proto}
		switch g.r.Intn(4) {
		case 0: // every port of the protocol
		case 1:
			v := intstr.FromString(g.pick(vocabNames))
			p.Port = &v
		case 2:
			v := intstr.FromInt32(vocabPorts[g.r.Intn(len(vocabPorts))])
			end := v.IntVal + int32(g.r.Intn(2000))
			p.Port, p.EndPort = &v, &end
		default:
			v := intstr.FromInt32(vocabPorts[g.r.Intn(len(vocabPorts))])
			p.Port = &v
		}
		out = append(out, p)
	}
	return out
}

func (g gen) policy(i int) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i), Namespace: g.pick(vocabNS)}}
	np.Spec.PodSelector = *g.selector(podKeys)
	for n := g.r.Intn(3); n > 0; n-- {
		r := networkingv1.NetworkPolicyIngressRule{Ports: g.ports()}
		for m := g.r.Intn(3); m > 0; m-- {
			r.From = append(r.From, g.peer())
		}
		np.Spec.Ingress = append(np.Spec.Ingress, r)
	}
	for n := g.r.Intn(3); n > 0; n-- {
		r := networkingv1.NetworkPolicyEgressRule{Ports: g.ports()}
		for m := g.r.Intn(3); m > 0; m-- {
			r.To = append(r.To, g.peer())
		}
		np.Spec.Egress = append(np.Spec.Egress, r)
	}
	switch g.r.Intn(3) {
	case 0:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	case 1:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	}
	return np
}

func (g gen) containerPorts() []corev1.ContainerPort {
	var out []corev1.ContainerPort
	used := map[string]bool{}
	for n := g.r.Intn(3); n > 0; n-- {
		name := g.pick(append([]string{"other"}, vocabNames...))
		if used[name] {
			continue
		}
		used[name] = true
		num := vocabPorts[g.r.Intn(len(vocabPorts))]
		if g.chance(0.3) {
			num = int32(1 + g.r.Intn(65535))
		}
		proto := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP}[g.r.Intn(2)]
		out = append(out, corev1.ContainerPort{Name: name, ContainerPort: num, Protocol: proto})
	}
	return out
}

// sideOf makes a random declared side over the workloads and the vocabulary.
func (g gen) side(pods []Pod) side {
	switch g.r.Intn(3) {
	case 0:
		w := pods[g.r.Intn(len(pods))]
		return side{workload: w.Namespace + "/" + w.Name}
	case 1:
		sel, _ := metav1.LabelSelectorAsSelector(g.selector(podKeys))
		return side{ns: g.pick(vocabNS), sel: sel}
	}
	s := side{block: netip.MustParsePrefix(g.pick(vocabCIDRs)).Masked()}
	if g.chance(0.3) {
		s.except = []netip.Prefix{netip.MustParsePrefix(g.pick(vocabCIDRs)).Masked()}
	}
	return s
}

func (g gen) addr() netip.Addr {
	if g.chance(0.5) {
		base := netip.MustParsePrefix(g.pick(vocabCIDRs))
		b := base.Addr().AsSlice()
		for i := base.Bits() / 8; i < len(b); i++ {
			b[i] = byte(g.r.Intn(256))
		}
		a, _ := netip.AddrFromSlice(b)
		return a
	}
	if g.chance(0.5) {
		return netip.AddrFrom4([4]byte{byte(g.r.Intn(256)), byte(g.r.Intn(256)), byte(g.r.Intn(256)), byte(g.r.Intn(256))})
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.Intn(256))
	}
	return netip.AddrFrom16(b)
}

// scenario is one random stream, declaration and universe.
type scenario struct {
	in       Input
	decls    []declaration
	universe []netpol.Endpoint
	uNS      map[string]map[string]string
	realNS   []string
}

func makeScenario(seed int64) scenario {
	g := gen{rand.New(rand.NewSource(seed))}
	var sc scenario
	sc.in.Namespaces = map[string]map[string]string{}
	for ns, l := range fixedNSLabels {
		sc.in.Namespaces[ns] = l
	}
	for i := 0; i < 2+g.r.Intn(3); i++ {
		ns := []string{"shop", "pay"}[g.r.Intn(2)]
		sc.in.Pods = append(sc.in.Pods, Pod{Namespace: ns, Name: fmt.Sprintf("w%d", i), Labels: g.labels(podKeys), Ports: g.containerPorts()})
	}
	for i := 0; i < 1+g.r.Intn(6); i++ {
		sc.in.Policies = append(sc.in.Policies, g.policy(i))
	}
	for i := 0; i < g.r.Intn(5); i++ {
		d := declaration{from: g.side(sc.in.Pods), to: g.side(sc.in.Pods)}
		if g.chance(0.3) {
			d.port = plan.Port{Protocol: corev1.ProtocolTCP, Target: intstr.FromString(g.pick(vocabNames))}
		} else {
			d.port = plan.Port{Protocol: []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP}[g.r.Intn(2)], Target: intstr.FromInt32(vocabPorts[g.r.Intn(len(vocabPorts))])}
		}
		sc.decls = append(sc.decls, d)
	}

	// The universe: the workloads, many pods in every kind of namespace,
	// many addresses. Namespaces the stream does not hold get random labels
	// (one label set per name and scenario; other scenarios draw others).
	sc.uNS = map[string]map[string]string{}
	for ns, l := range sc.in.Namespaces {
		sc.uNS[ns] = l
	}
	for _, ns := range []string{"mon", "kube-system", "attacker", "u-fresh-1", "u-fresh-2", "u-fresh-3"} {
		l := g.labels(nsKeys)
		l[corev1.LabelMetadataName] = ns
		sc.uNS[ns] = l
	}
	for _, w := range sc.in.Pods {
		sc.universe = append(sc.universe, netpol.Endpoint{Name: w.Namespace + "/" + w.Name, Namespace: w.Namespace, Labels: w.Labels, Ports: w.Ports})
		sc.realNS = append(sc.realNS, w.Namespace)
	}
	nsNames := []string{"shop", "pay", "mon", "kube-system", "attacker", "u-fresh-1", "u-fresh-2", "u-fresh-3"}
	for i := 0; i < 60; i++ {
		ns := nsNames[g.r.Intn(len(nsNames))]
		sc.universe = append(sc.universe, netpol.Endpoint{Name: fmt.Sprintf("%s/u%d", ns, i), Namespace: ns, Labels: g.labels(podKeys), Ports: g.containerPorts()})
		sc.realNS = append(sc.realNS, ns)
	}
	for i := 0; i < 30; i++ {
		a := g.addr()
		sc.universe = append(sc.universe, netpol.Endpoint{Name: a.String(), IP: a})
		sc.realNS = append(sc.realNS, "")
	}
	return sc
}

// kinds are what the test requires a proof endpoint to share with a
// universe endpoint it stands for: the same workload; for a pod that is no
// workload, a pod (witness or workload) of the same namespace, or of some
// namespace nothing names; an address of the same family.
func kinds(e netpol.Endpoint, realNS string, workloads, mentioned map[string]bool, proofSide bool) []string {
	switch {
	case e.Namespace == "" && e.IP.Unmap().Is4():
		return []string{"IPv4 address"}
	case e.Namespace == "":
		return []string{"IPv6 address"}
	}
	ns := "pod of " + realNS
	if !mentioned[realNS] {
		ns = "pod of a namespace nothing names"
	}
	if !workloads[e.Name] {
		return []string{ns}
	}
	if proofSide {
		return []string{"workload " + e.Name, ns}
	}
	return []string{"workload " + e.Name}
}

func TestProofIsComplete(t *testing.T) {
	checkComplete(t, proofScenarios(400), makeScenario)
}

// proofScenarios is n, fewer with -short, or NETID_PROOF_SCENARIOS (CI runs
// the default).
func proofScenarios(n int) int {
	if testing.Short() {
		n = 60
	}
	if v, err := strconv.Atoi(os.Getenv("NETID_PROOF_SCENARIOS")); err == nil && v > 0 {
		n = v
	}
	return n
}

// checkComplete runs the completeness check on scenarios made by mk: with
// layers other than NetworkPolicy (sc.in.extra), the universe is judged by
// the model's evaluator over every policy, NetworkPolicies compiled.
func checkComplete(t *testing.T, scenarios int, mk func(int64) scenario) {
	judged, violations, misses := 0, 0, 0
	probePorts := append([]int32{1, 54, 444, 8081, 9091, 12000, 65000}, vocabPorts...)
	for seed := int64(1); seed <= int64(scenarios); seed++ {
		sc := mk(seed)

		p := newProver(sc.in)
		p.governed = governedNS
		p.declared = true
		p.decls = sc.decls
		start := time.Now()
		res := p.prove()
		if os.Getenv("NETID_PROOF_VERBOSE") != "" {
			t.Logf("seed %d: %d endpoints, %d universe, %s", seed, len(res.Endpoints), len(sc.universe), time.Since(start))
		}
		if len(res.Incomplete) > 0 {
			t.Fatalf("seed %d: incomplete: %v", seed, res.Incomplete)
		}
		workloads := map[string]bool{}
		for _, w := range sc.in.Pods {
			workloads[w.Namespace+"/"+w.Name] = true
		}
		type key struct {
			declared bool
			src, dst string
		}
		found := map[key]bool{}
		for _, m := range res.Mismatches {
			src, dst := p.index[m.From], p.index[m.To]
			for _, ks := range kinds(p.endpoints[src], p.realNS[src], workloads, p.mentioned, true) {
				for _, kd := range kinds(p.endpoints[dst], p.realNS[dst], workloads, p.mentioned, true) {
					found[key{m.Expected, ks, kd}] = true
				}
			}
		}
		uKind := make([]string, len(sc.universe))
		for i, e := range sc.universe {
			uKind[i] = kinds(e, sc.realNS[i], workloads, p.mentioned, false)[0]
		}

		// Brute force over the universe, declarations matched on it.
		u := &prover{endpoints: sc.universe, realNS: sc.realNS, variantOf: make([]int, len(sc.universe))}
		for i := range u.variantOf {
			u.variantOf[i] = -1
		}
		sources := func(dst int, n int32, proto corev1.Protocol) []int {
			return netpol.New(sc.uNS, sc.in.Policies, sc.universe).Sources(dst, n, proto)
		}
		if sc.in.extra != nil || sc.in.forceModel {
			pols := append(dialect.NetworkPolicies(sc.in.Policies, dialect.NetworkPolicyPlacement(sc.in.Cluster)).Policies, sc.in.extra...)
			ev := model.New(sc.uNS, pols, sc.universe)
			sources = func(dst int, n int32, proto corev1.Protocol) []int {
				var out []int
				for src := range sc.universe {
					if ev.Allowed(src, dst, n, proto) {
						out = append(out, src)
					}
				}
				return out
			}
		} else {
			engine := netpol.New(sc.uNS, sc.in.Policies, sc.universe)
			sources = engine.Sources
		}
		from := make([][]bool, len(sc.decls))
		for i, d := range sc.decls {
			from[i] = make([]bool, len(sc.universe))
			for src := range sc.universe {
				from[i][src] = u.matches(d.from, src)
			}
		}
		for dst := range sc.universe {
			for _, proto := range protocols {
				for _, n := range probePorts {
					allowed := make([]bool, len(sc.universe))
					for _, src := range sources(dst, n, proto) {
						allowed[src] = true
					}
					declaredFrom := make([]bool, len(sc.universe))
					for i, d := range sc.decls {
						if !u.matches(d.to, dst) {
							continue
						}
						if pt, ok := u.resolve(dst, d.port); !ok || pt != (port{n, proto}) {
							continue
						}
						for src, ok := range from[i] {
							declaredFrom[src] = declaredFrom[src] || ok
						}
					}
					for src := range sc.universe {
						if src == dst || !(governedNS[sc.realNS[src]] || governedNS[sc.realNS[dst]]) {
							continue
						}
						declared := declaredFrom[src]
						judged++
						if allowed[src] == declared {
							continue
						}
						violations++
						k := key{declared, uKind[src], uKind[dst]}
						if !found[k] {
							misses++
							if misses <= 10 {
								what := "undeclared flow open"
								if declared {
									what = "declared flow blocked"
								}
								t.Errorf("seed %d: %s in the universe, %s → %s on %d/%s, and the proof has no such mismatch (%+v); the proof found %d mismatches",
									seed, what, sc.universe[src].Name, sc.universe[dst].Name, n, proto, k, len(res.Mismatches))
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d scenarios, %d universe flows judged, %d open-and-undeclared or declared-and-blocked, %d missed by the proof", scenarios, judged, violations, misses)
}
