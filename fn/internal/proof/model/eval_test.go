package model

import (
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"netid.dev/netid/fn/internal/proof/netpol"
)

// The evaluator's own truth table: the order of tiers, orders and rules,
// each action, isolation and its end of tier, the points' conjunction,
// complements and named ports. Each case is the semantics model.go states.
func TestEvaluator(t *testing.T) {
	eps := []netpol.Endpoint{
		{Name: "a/web", Namespace: "a", Labels: map[string]string{"app": "web"}},
		{Name: "a/db", Namespace: "a", Labels: map[string]string{"app": "db"}, Ports: []corev1.ContainerPort{{Name: "sql", ContainerPort: 5432}}},
		{Name: "b/x", Namespace: "b", Labels: map[string]string{"app": "x"}},
		{Name: "203.0.113.9", IP: netip.MustParseAddr("203.0.113.9")},
	}
	const web, db, x, addr = 0, 1, 2, 3
	pods := func(app string) Peer {
		return Peer{Pods: true, Labels: Labels(map[string]string{"app": app})}
	}
	toDB := []Peer{pods("db")}
	rule := func(a Action, peers []Peer, where string) Rule { return Rule{Action: a, Peers: peers, Where: where} }
	for _, tc := range []struct {
		name     string
		policies []Policy
		src, dst int
		port     int32
		want     bool
		// by is Describe of the first decision that denies, or of the
		// last one that allows by a rule ("" when every point allows by
		// default)
		by string
	}{
		{name: "no policy: allowed", src: web, dst: db, port: 5432, want: true},
		{name: "isolation without a matching rule denies at the end of the tier",
			policies: []Policy{{Object: "P iso", Subject: toDB, IsolatesIngress: true}},
			src:      web, dst: db, port: 5432, want: false, by: "P iso: ingress isolated, no rule matches (Deny)"},
		{name: "an allow of the tier admits",
			policies: []Policy{{Object: "P iso", Subject: toDB, IsolatesIngress: true, Ingress: []Rule{rule(Allow, []Peer{pods("web")}, "r0")}}},
			src:      web, dst: db, port: 5432, want: true, by: "P iso r0: Allow"},
		{name: "a lower tier's deny is read first",
			policies: []Policy{
				{Object: "P allow", Tier: 1, Subject: toDB, Ingress: []Rule{rule(Allow, nil, "r0")}},
				{Object: "P deny", Tier: 0, Subject: toDB, Ingress: []Rule{rule(Deny, nil, "r0")}},
			},
			src: web, dst: db, port: 5432, want: false, by: "P deny r0: Deny"},
		{name: "within a tier the lower order is read first",
			policies: []Policy{
				{Object: "P deny", Order: 2, Subject: toDB, Ingress: []Rule{rule(Deny, nil, "r0")}},
				{Object: "P allow", Order: 1, Subject: toDB, Ingress: []Rule{rule(Allow, nil, "r0")}},
			},
			src: web, dst: db, port: 5432, want: true, by: "P allow r0: Allow"},
		{name: "pass skips the rest of the tier, isolation included",
			policies: []Policy{
				{Object: "P pass", Order: 1, Subject: toDB, Ingress: []Rule{rule(Pass, nil, "r0")}},
				{Object: "P iso", Order: 2, Subject: toDB, IsolatesIngress: true},
			},
			src: web, dst: db, port: 5432, want: true},
		{name: "pass goes on to the next tier",
			policies: []Policy{
				{Object: "P pass", Tier: 0, Subject: toDB, Ingress: []Rule{rule(Pass, nil, "r0")}},
				{Object: "P deny", Tier: 1, Subject: toDB, Ingress: []Rule{rule(Deny, nil, "r0")}},
			},
			src: web, dst: db, port: 5432, want: false, by: "P deny r0: Deny"},
		{name: "log goes on with the next rule",
			policies: []Policy{{Object: "P", Subject: toDB, Ingress: []Rule{rule(Log, nil, "r0"), rule(Deny, nil, "r1")}}},
			src:      web, dst: db, port: 5432, want: false, by: "P r1: Deny"},
		{name: "a tier ending in Pass lets an isolated endpoint through to the next tier",
			policies: []Policy{{Object: "P iso", Subject: toDB, IsolatesIngress: true, TierEnd: Pass}},
			src:      web, dst: db, port: 5432, want: true},
		{name: "egress is judged at the source",
			policies: []Policy{{Object: "P egress", Subject: []Peer{pods("web")}, IsolatesEgress: true, Egress: []Rule{rule(Allow, toDB, "e0")}}},
			src:      web, dst: x, port: 80, want: false, by: "P egress: egress isolated, no rule matches (Deny)"},
		{name: "the mesh point is ANDed with the network",
			policies: []Policy{{Object: "M", Point: Mesh, Subject: toDB, Ingress: []Rule{rule(Deny, []Peer{pods("web")}, "m0")}}},
			src:      web, dst: db, port: 5432, want: false, by: "M m0: Deny"},
		{name: "a complement peer holds what the peer does not",
			policies: []Policy{{Object: "P", Subject: toDB, Ingress: []Rule{rule(Deny, []Peer{{Pods: true, Labels: Labels(map[string]string{"app": "web"}), Not: true}}, "r0")}}},
			src:      x, dst: db, port: 5432, want: false, by: "P r0: Deny"},
		{name: "addresses are peers, never subjects",
			policies: []Policy{{Object: "P", Subject: []Peer{AllEndpoints()}, IsolatesIngress: true, Ingress: []Rule{rule(Allow, []Peer{{Addrs: true, Nets: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}}, "r0")}}},
			src:      addr, dst: db, port: 5432, want: true, by: "P r0: Allow"},
		{name: "a named port resolves on the destination",
			policies: []Policy{{Object: "P", Subject: toDB, IsolatesIngress: true, Ingress: []Rule{{Action: Allow, Ports: []Port{{Protocol: corev1.ProtocolTCP, Name: "sql"}}, Where: "r0"}}}},
			src:      web, dst: db, port: 5432, want: true, by: "P r0: Allow"},
		{name: "a named port matches no other number",
			policies: []Policy{{Object: "P", Subject: toDB, IsolatesIngress: true, Ingress: []Rule{{Action: Allow, Ports: []Port{{Protocol: corev1.ProtocolTCP, Name: "sql"}}, Where: "r0"}}}},
			src:      web, dst: db, port: 5433, want: false, by: "P: ingress isolated, no rule matches (Deny)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := New(map[string]map[string]string{"a": {}, "b": {}}, tc.policies, eps)
			v := ev.Decide(tc.src, tc.dst, tc.port, corev1.ProtocolTCP)
			if v.Allowed != tc.want || ev.Allowed(tc.src, tc.dst, tc.port, corev1.ProtocolTCP) != tc.want {
				t.Fatalf("allowed = %v, want %v", v.Allowed, tc.want)
			}
			by := ""
			for _, d := range v.Decisions {
				if d.Policy < 0 {
					continue
				}
				by = ev.Describe(d)
				if d.Action != Allow {
					break
				}
			}
			if by != tc.by {
				t.Errorf("decided by %q, want %q", by, tc.by)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	web := Labels(map[string]string{"app": "web"})
	prod := Labels(map[string]string{"env": "prod"})
	l := map[string]string{"app": "web", "env": "dev"}
	for _, tc := range []struct {
		m    Match
		want bool
	}{
		{Everything(), true}, {Nothing(), false}, {web, true}, {prod, false},
		{And(web, prod), false}, {Or(web, prod), true}, {Not(prod), true}, {Not(Or(web, prod)), false},
	} {
		if got := tc.m.Matches(l); got != tc.want {
			t.Errorf("%s matches %v = %v, want %v", tc.m, l, got, tc.want)
		}
	}
	if n := len(And(web, Not(Or(prod, web))).Selectors()); n != 3 {
		t.Errorf("leaves = %d, want 3", n)
	}
	if v, ok := And(prod, Labels(map[string]string{"kubernetes.io/metadata.name": "shop"})).Pins("kubernetes.io/metadata.name"); !ok || v != "shop" {
		t.Errorf("Pins = %q, %v", v, ok)
	}
	if _, ok := Or(prod, web).Pins("app"); ok {
		t.Error("an Or pins nothing")
	}
}
