package netpol

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// benchEstate is a synthetic estate shaped like netid's output: 40
// namespaces × 25 workloads (one pod each, serving http 8080 and metrics
// 9090, the db tier also pg 5432), plus two CoreDNS pods in kube-system and
// two external addresses. Each namespace has a default-deny (ingress and
// egress) and a DNS egress policy; each workload calls 3 others, chosen at
// random (fixed seed), and every such flow is allowed by a per-flow egress
// policy at the caller (numeric port) and a per-flow ingress policy at the
// callee (named port) — about 3 policies per pod at each end.
type benchProbe struct {
	dst   int
	port  int32
	proto corev1.Protocol
}

func benchEstate() (map[string]map[string]string, []networkingv1.NetworkPolicy, []Endpoint, []benchProbe) {
	const nsCount, podsPerNS, flowsPerPod = 40, 25, 3
	r := rand.New(rand.NewPCG(1, 2))
	namespaces := map[string]map[string]string{"kube-system": {}}
	var eps []Endpoint
	var policies []networkingv1.NetworkPolicy
	tiers := []string{"web", "api", "db"}
	for n := range nsCount {
		ns := fmt.Sprintf("team-%02d", n)
		namespaces[ns] = map[string]string{"team": ns, "env": "prod"}
		for p := range podsPerNS {
			tier := tiers[p%3]
			ports := []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}}
			if tier == "db" {
				ports = append(ports, corev1.ContainerPort{Name: "pg", ContainerPort: 5432})
			}
			eps = append(eps, Endpoint{
				Name: fmt.Sprintf("%s/w%02d", ns, p), Namespace: ns,
				Labels: map[string]string{"app.kubernetes.io/name": fmt.Sprintf("w%02d", p), "tier": tier},
				Ports:  ports,
				IP:     netip.AddrFrom4([4]byte{10, byte(n), byte(p), 1}),
			})
		}
		policies = append(policies,
			netpol(ns, "default-deny", networkingv1.NetworkPolicySpec{PolicyTypes: types(ingressType, egressType)}),
			netpol(ns, "dns", networkingv1.NetworkPolicySpec{PolicyTypes: types(egressType),
				Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(
					peers(nsPodPeer(labelsSel(corev1.LabelMetadataName, "kube-system"), labelsSel("k8s-app", "kube-dns"))),
					ports(portNum(53, udp), portNum(53, tcp)))}}),
		)
	}
	workloads := len(eps)
	for i := range 2 {
		eps = append(eps, Endpoint{
			Name: fmt.Sprintf("kube-system/coredns-%d", i), Namespace: "kube-system",
			Labels: map[string]string{"k8s-app": "kube-dns"},
			Ports:  []corev1.ContainerPort{{Name: "dns", ContainerPort: 53, Protocol: udp}, {Name: "dns-tcp", ContainerPort: 53}},
		})
	}
	eps = append(eps,
		Endpoint{Name: "198.51.100.7", IP: netip.MustParseAddr("198.51.100.7")},
		Endpoint{Name: "2001:db8::7", IP: netip.MustParseAddr("2001:db8::7")})

	for src := range workloads {
		for f := range flowsPerPod {
			dst := r.IntN(workloads)
			for dst == src {
				dst = r.IntN(workloads)
			}
			s, d := eps[src], eps[dst]
			port := d.Ports[r.IntN(len(d.Ports))]
			name := fmt.Sprintf("%s-to-%s-%d", s.Labels["app.kubernetes.io/name"], d.Labels["app.kubernetes.io/name"], f)
			policies = append(policies,
				netpol(s.Namespace, "egress-"+name, networkingv1.NetworkPolicySpec{
					PodSelector: *labelsSel("app.kubernetes.io/name", s.Labels["app.kubernetes.io/name"]),
					PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(
						peers(nsPodPeer(labelsSel(corev1.LabelMetadataName, d.Namespace), labelsSel("app.kubernetes.io/name", d.Labels["app.kubernetes.io/name"]))),
						ports(portNum(port.ContainerPort, tcp)))},
				}),
				netpol(d.Namespace, "ingress-"+name, networkingv1.NetworkPolicySpec{
					PodSelector: *labelsSel("app.kubernetes.io/name", d.Labels["app.kubernetes.io/name"]),
					PolicyTypes: types(ingressType),
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(
						peers(nsPodPeer(labelsSel(corev1.LabelMetadataName, s.Namespace), labelsSel("app.kubernetes.io/name", s.Labels["app.kubernetes.io/name"]))),
						ports(portName(port.Name, tcp)))},
				}),
			)
		}
	}

	var probes []benchProbe
	for i, ep := range eps {
		for _, cp := range ep.Ports {
			probes = append(probes, benchProbe{i, cp.ContainerPort, defaultProtocol(cp.Protocol)})
		}
	}
	return namespaces, policies, eps, probes
}

// BenchmarkSources: one op is the whole sweep (Sources for every pod on each
// of its ports); ns/Sources is the cost of one call.
func BenchmarkSources(b *testing.B) {
	namespaces, policies, eps, probes := benchEstate()
	e := New(namespaces, policies, eps)
	for b.Loop() {
		for _, p := range probes {
			e.Sources(p.dst, p.port, p.proto)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(probes)), "ns/Sources")
	b.ReportMetric(float64(len(probes)), "Sources/op")
	b.ReportMetric(float64(len(policies)), "policies")
	b.ReportMetric(float64(len(eps)), "endpoints")
}

// BenchmarkNew is the cost of indexing the estate.
func BenchmarkNew(b *testing.B) {
	namespaces, policies, eps, _ := benchEstate()
	for b.Loop() {
		New(namespaces, policies, eps)
	}
}

// BenchmarkSourcesViaAllowed is the sweep done pair by pair, for comparison.
func BenchmarkSourcesViaAllowed(b *testing.B) {
	namespaces, policies, eps, probes := benchEstate()
	e := New(namespaces, policies, eps)
	for b.Loop() {
		for _, p := range probes {
			for src := range eps {
				e.Allowed(src, p.dst, p.port, p.proto)
			}
		}
	}
}

// TestBenchEstate checks the benchmark's estate is judged as designed:
// Sources agrees with Allowed, every declared flow is open, every pod reaches
// DNS, and nothing else reaches a workload.
func TestBenchEstate(t *testing.T) {
	namespaces, policies, eps, probes := benchEstate()
	e := New(namespaces, policies, eps)
	if w := e.Warnings(); len(w) > 0 {
		t.Fatalf("warnings: %q", w)
	}
	q := e.NewQuery()
	sets := testSets(e, rand.New(rand.NewPCG(1, 2)))
	step := 1
	if testing.Short() {
		step = 7
	}
	open := 0
	for i := 0; i < len(probes); i += step {
		p := probes[i]
		var want []int
		for src := range eps {
			if e.Allowed(src, p.dst, p.port, p.proto) {
				want = append(want, src)
			}
		}
		got := e.Sources(p.dst, p.port, p.proto)
		if !slices.Equal(got, orEmpty(want)) {
			t.Fatalf("Sources(%s, %d/%s) = %v, want %v", eps[p.dst].Name, p.port, p.proto, got, want)
		}
		checkEachSource(t, e, q, p.dst, p.port, p.proto, sets, want)
		if eps[p.dst].Labels["k8s-app"] == "kube-dns" {
			// every workload by its namespace's DNS policy; kube-system's
			// pods and the external addresses, whose egress is free
			if len(got) != len(eps) {
				t.Errorf("Sources(%s, %d/%s): %d sources, want every endpoint", eps[p.dst].Name, p.port, p.proto, len(got))
			}
			continue
		}
		open += len(got)
	}
	if open == 0 {
		t.Errorf("no flow open at all")
	}
	// the declared flows: each egress-<flow> policy names one destination
	// and port; each must be open from its caller
	byName := map[string]int{}
	for i, ep := range eps {
		byName[ep.Name] = i
	}
	for _, p := range policies {
		if p.Spec.PodSelector.MatchLabels == nil || len(p.Spec.Egress) != 1 || p.Name == "dns" {
			continue
		}
		src := byName[p.Namespace+"/"+p.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"]]
		to := p.Spec.Egress[0].To[0]
		dst := byName[to.NamespaceSelector.MatchLabels[corev1.LabelMetadataName]+"/"+to.PodSelector.MatchLabels["app.kubernetes.io/name"]]
		port := p.Spec.Egress[0].Ports[0].Port.IntVal
		if !e.Allowed(src, dst, port, tcp) {
			t.Errorf("declared flow %s -> %s:%d is blocked", eps[src].Name, eps[dst].Name, port)
		}
		if e.Allowed(src, dst, 1, tcp) {
			t.Errorf("undeclared %s -> %s:1 is open", eps[src].Name, eps[dst].Name)
		}
	}
}
