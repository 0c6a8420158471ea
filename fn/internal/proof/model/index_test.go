package model

import (
	"fmt"
	"math/rand"
	"net/netip"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"netid.dev/netid/fn/internal/proof/netpol"
)

// randomEstate draws endpoints (pods in namespaces, some with named ports
// or an IP, and addresses) and policies of every construct the evaluator
// reads: tiers, orders, every action, isolation and Pass ends, both points,
// and peers by labels, namespaces, formulas, addresses and complements.
func randomEstate(r *rand.Rand) (map[string]map[string]string, []Policy, []netpol.Endpoint) {
	nss := map[string]map[string]string{"a": {"team": "x"}, "b": {"team": "y"}, "c": {}}
	nsNames := []string{"a", "b", "c"}
	apps := []string{"web", "db", "api", "job"}
	var eps []netpol.Endpoint
	for i := range 4 + r.Intn(10) {
		ns := nsNames[r.Intn(len(nsNames))]
		l := map[string]string{"app": apps[r.Intn(len(apps))]}
		if r.Intn(2) == 0 {
			l["tier"] = []string{"front", "back"}[r.Intn(2)]
		}
		ep := netpol.Endpoint{Name: fmt.Sprintf("%s/p%d", ns, i), Namespace: ns, Labels: l}
		if r.Intn(3) == 0 {
			ep.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}
		}
		if r.Intn(6) == 0 {
			ep.IP = netip.MustParseAddr(fmt.Sprintf("10.0.0.%d", i+1))
		}
		eps = append(eps, ep)
	}
	for _, ip := range []string{"10.0.0.200", "192.0.2.1", "169.254.169.254"}[:1+r.Intn(3)] {
		eps = append(eps, netpol.Endpoint{Name: ip, IP: netip.MustParseAddr(ip)})
	}
	sel := func() Match {
		switch r.Intn(7) {
		case 0:
			return Everything()
		case 1:
			return Nothing()
		case 2:
			return Or(Labels(map[string]string{"app": apps[r.Intn(4)]}), Labels(map[string]string{"tier": "front"}))
		case 3:
			return Not(Labels(map[string]string{"app": apps[r.Intn(4)]}))
		case 4:
			s, _ := labels.Parse("app in (web,db),tier")
			return And(Selector(s), Labels(map[string]string{"tier": "back"}))
		case 5:
			s, _ := labels.Parse("!tier")
			return Selector(s)
		}
		return Labels(map[string]string{"app": apps[r.Intn(4)]})
	}
	nsSel := func() Match {
		switch r.Intn(4) {
		case 0:
			return Everything()
		case 1:
			return Labels(map[string]string{"team": "x"})
		case 2:
			return Not(Labels(map[string]string{corev1.LabelMetadataName: "b"}))
		}
		return Labels(map[string]string{corev1.LabelMetadataName: nsNames[r.Intn(3)]})
	}
	peer := func() Peer {
		switch r.Intn(6) {
		case 0:
			return Peer{Addrs: true, Nets: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Except: []netip.Prefix{netip.MustParsePrefix("10.0.0.128/25")}, ExternalOnly: r.Intn(2) == 0}
		case 1:
			return Peer{Pods: true, Labels: sel(), NS: nsSel(), Not: true}
		case 2:
			return AllEndpoints()
		}
		return Peer{Pods: true, Labels: sel(), NS: nsSel()}
	}
	peers := func() []Peer {
		switch r.Intn(5) {
		case 0:
			return nil
		case 1:
			return []Peer{}
		}
		out := []Peer{peer()}
		if r.Intn(3) == 0 {
			out = append(out, peer())
		}
		return out
	}
	ports := func() []Port {
		switch r.Intn(4) {
		case 0:
			return nil
		case 1:
			return []Port{{Name: "http"}}
		case 2:
			return []Port{{Protocol: corev1.ProtocolUDP, Lo: 53, Hi: 53}}
		}
		return []Port{{Protocol: corev1.ProtocolTCP, Lo: 8000, Hi: 8100}}
	}
	rules := func() []Rule {
		var out []Rule
		for range r.Intn(4) {
			out = append(out, Rule{Action: []Action{Allow, Deny, Pass, Log}[r.Intn(4)], Peers: peers(), Ports: ports(), Where: fmt.Sprintf("r%d", len(out))})
		}
		return out
	}
	var pols []Policy
	for i := range r.Intn(8) {
		p := Policy{Object: fmt.Sprintf("P%d", i), Point: Point(r.Intn(2)), Tier: float64(r.Intn(3)), Order: float64(r.Intn(3)), Seq: i,
			Subject: []Peer{{Pods: true, Labels: sel(), NS: nsSel(), Not: r.Intn(5) == 0}},
			Ingress: rules(), Egress: rules(), IsolatesIngress: r.Intn(2) == 0, IsolatesEgress: r.Intn(2) == 0}
		if r.Intn(3) == 0 {
			p.TierEnd = Pass
		}
		pols = append(pols, p)
	}
	return nss, pols, eps
}

// TestIndexedEqualsExhaustive checks what the evaluator's indexes stand for
// against an exhaustive reading, on random estates: every peer and subject
// set against Peer.Holds on every endpoint; PortEntries against every
// egress rule; and, for every source Named(dst) leaves out, At against
// Unnamed at every point, so skipping the unnamed sources skips nothing the
// rules tell apart.
func TestIndexedEqualsExhaustive(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	unnamed := 0
	for scenario := range 3000 {
		nss, pols, eps := randomEstate(r)
		e := New(nss, pols, eps)
		nsl := func(i int) labels.Set {
			if eps[i].Namespace == "" {
				return nil
			}
			l := labels.Set{corev1.LabelMetadataName: eps[i].Namespace}
			for k, v := range nss[eps[i].Namespace] {
				l[k] = v
			}
			return l
		}
		holds := func(ps []Peer, i int, podsOnly bool) bool {
			if podsOnly && eps[i].Namespace == "" {
				return false
			}
			for _, p := range ps {
				if podsOnly {
					p.Addrs = false
				}
				if p.Holds(&eps[i], nsl(i)) {
					return true
				}
			}
			return false
		}
		for pi := range e.policies {
			p := &e.policies[pi]
			for i := range eps {
				if got, want := e.subject[pi].has(i), holds(p.Subject, i, true); got != want {
					t.Fatalf("scenario %d: %s selects %s: %v, want %v", scenario, p.Object, eps[i].Name, got, want)
				}
				for d := Ingress; d <= Egress; d++ {
					for ri, ps := range e.peers[pi][d] {
						rule := &p.Rules(d)[ri]
						if (ps == nil) != (rule.Peers == nil) {
							t.Fatalf("scenario %d: %s %s %s: nil set for peers %v", scenario, p.Object, d, rule.Where, rule.Peers)
						}
						if ps != nil && ps.has(i) != holds(rule.Peers, i, false) {
							t.Fatalf("scenario %d: %s %s %s holds %s: %v", scenario, p.Object, d, rule.Where, eps[i].Name, ps.has(i))
						}
					}
				}
			}
		}
		for dst := range eps {
			var want []netpol.PortEntry
			for pt := range e.of {
				for _, pi := range e.of[pt][Ingress][dst] {
					for _, rl := range e.policies[pi].Ingress {
						want = appendPortEntries(want, rl.Ports)
					}
				}
			}
			for pi := range e.policies {
				if e.Selected(pi) == 0 || e.peers[pi][Egress] == nil {
					continue
				}
				for _, rl := range e.policies[pi].Egress {
					if rl.Peers == nil || holds(rl.Peers, dst, false) {
						want = appendPortEntries(want, rl.Ports)
					}
				}
			}
			if got := e.PortEntries(dst); !slices.Equal(got, want) {
				t.Fatalf("scenario %d: PortEntries(%s) = %v, want %v", scenario, eps[dst].Name, got, want)
			}
			named := e.Named(dst)
			for src := range eps {
				if _, ok := slices.BinarySearch(named, int32(src)); ok {
					continue
				}
				unnamed++
				for _, port := range []int32{53, 8080, 8090, 9000} {
					for _, proto := range []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP} {
						for _, at := range [][2]int{{int(Network), int(Egress)}, {int(Network), int(Ingress)}, {int(Mesh), int(Ingress)}, {int(Mesh), int(Egress)}} {
							pt, d := Point(at[0]), Direction(at[1])
							got, want := e.Unnamed(pt, d, src, dst, port, proto), e.At(pt, d, src, dst, port, proto)
							if got.Action != want.Action || got.Policy != want.Policy || got.Rule != want.Rule {
								t.Fatalf("scenario %d: %s → %s %d/%s at %s %s: Unnamed %+v, At %+v", scenario, eps[src].Name, eps[dst].Name, port, proto, pt, d, got, want)
							}
						}
					}
				}
			}
		}
	}
	if unnamed == 0 {
		t.Fatal("no scenario left a source unnamed: the test judged nothing")
	}
	t.Logf("%d unnamed (source, destination) pairs equal At at every point", unnamed)
}

// TestRequires: the key and values a formula requires are necessary: no
// label set without one of them matches.
func TestRequires(t *testing.T) {
	in, _ := labels.Parse("app in (web,db)")
	ex, _ := labels.Parse("app")
	for _, tc := range []struct {
		m      Match
		key    string
		values []string
		ok     bool
	}{
		{m: Labels(map[string]string{"app": "web"}), key: "app", values: []string{"web"}, ok: true},
		{m: Selector(in), key: "app", values: []string{"db", "web"}, ok: true},
		{m: And(Selector(ex), Labels(map[string]string{"tier": "back"})), key: "tier", values: []string{"back"}, ok: true},
		{m: Nothing(), ok: true},
		{m: Selector(ex)},
		{m: Everything()},
		{m: Or(Labels(map[string]string{"app": "web"}), Labels(map[string]string{"app": "db"}))},
		{m: Not(Labels(map[string]string{"app": "web"}))},
	} {
		k, vs, ok := tc.m.Requires()
		if k != tc.key || !slices.Equal(vs, tc.values) || ok != tc.ok {
			t.Errorf("%s.Requires() = %q %v %v, want %q %v %v", tc.m, k, vs, ok, tc.key, tc.values, tc.ok)
		}
	}
}
