package proof

import (
	"fmt"
	"math/rand"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/fn/internal/proof/model"
)

// TestLayeredProofIsComplete is the completeness test with layers other
// than NetworkPolicy: random compiled policies of every action (Allow, Deny,
// Pass, Log), tier, order, isolation and point (network, mesh), whose
// subjects and peers are boolean formulas of selectors (And, Or, Not), the
// pods' ServiceAccounts among the labels they select on, address blocks and
// complements. Every open-and-undeclared or declared-and-blocked flow of the
// universe, judged by brute force with the model's evaluator, must show in
// the proof.
func TestLayeredProofIsComplete(t *testing.T) {
	checkComplete(t, proofScenarios(60), makeLayeredScenario)
}

// TestModelProofEqualsEngineProof: with NetworkPolicies only, the proof
// through the model's evaluator (forced) finds exactly the endpoints, the
// matrix and the mismatches the proof through the NetworkPolicy engine
// finds.
func TestModelProofEqualsEngineProof(t *testing.T) {
	n := proofScenarios(300)
	for seed := int64(1); seed <= int64(n); seed++ {
		sc := makeScenario(seed)
		run := func(force bool) Result {
			in := sc.in
			in.forceModel = force
			p := newProver(in)
			p.governed = governedNS
			p.declared = true
			p.decls = sc.decls
			return p.prove()
		}
		a, b := run(false), run(true)
		if fmt.Sprint(a.Endpoints) != fmt.Sprint(b.Endpoints) {
			t.Fatalf("seed %d: endpoints differ:\nengine %v\nmodel  %v", seed, a.Endpoints, b.Endpoints)
		}
		strip := func(cs []Cell) string {
			var out []string
			for _, c := range cs {
				out = append(out, fmt.Sprintf("%s>%s:%s:%v:%v", c.From, c.To, c.Port, c.Allowed, c.Expected))
			}
			return fmt.Sprint(out)
		}
		if strip(a.Allowed) != strip(b.Allowed) {
			t.Fatalf("seed %d: matrices differ:\nengine %s\nmodel  %s", seed, strip(a.Allowed), strip(b.Allowed))
		}
		if strip(a.Mismatches) != strip(b.Mismatches) {
			t.Fatalf("seed %d: mismatches differ:\nengine %s\nmodel  %s", seed, strip(a.Mismatches), strip(b.Mismatches))
		}
	}
}

var saPool = []string{"web", "api", "default"}

func makeLayeredScenario(seed int64) scenario {
	sc := makeScenario(seed)
	g := gen{rand.New(rand.NewSource(seed ^ 0x5eed))}
	podVocab := map[string][]string{model.ServiceAccountLabel: saPool}
	for k, v := range podKeys {
		podVocab[k] = v
	}
	for i := range sc.in.Pods {
		sc.in.Pods[i].ServiceAccount = g.pick(saPool)
	}
	// the universe's pods run as any ServiceAccount, named or not
	for i := range sc.universe {
		e := &sc.universe[i]
		if e.Namespace == "" {
			continue
		}
		l := map[string]string{}
		for k, v := range e.Labels {
			l[k] = v
		}
		if i < len(sc.in.Pods) {
			l[model.ServiceAccountLabel] = sc.in.Pods[i].ServiceAccount
		} else if g.chance(0.8) {
			l[model.ServiceAccountLabel] = g.pick(append([]string{"zz-other"}, saPool...))
		} else {
			l[model.ServiceAccountLabel] = "default"
		}
		e.Labels = l
	}
	for i := 0; i < 1+g.r.Intn(5); i++ {
		sc.in.extra = append(sc.in.extra, g.modelPolicy(i, podVocab))
	}
	return sc
}

func (g gen) match(vocab map[string][]string, depth int) model.Match {
	if depth > 1 {
		return g.leaf(vocab)
	}
	switch g.r.Intn(6) {
	case 0:
		return model.And(g.match(vocab, depth+1), g.match(vocab, depth+1))
	case 1:
		return model.Or(g.match(vocab, depth+1), g.match(vocab, depth+1))
	case 2:
		return model.Not(g.match(vocab, depth+1))
	case 3:
		return model.Everything()
	}
	return g.leaf(vocab)
}

func (g gen) leaf(vocab map[string][]string) model.Match {
	sel, err := metav1.LabelSelectorAsSelector(g.selector(vocab))
	if err != nil {
		return model.Nothing()
	}
	return model.Selector(sel)
}

func (g gen) modelPeer(podVocab map[string][]string) model.Peer {
	var p model.Peer
	switch g.r.Intn(5) {
	case 0:
		p = model.Peer{Addrs: true, Nets: []netip.Prefix{netip.MustParsePrefix(g.pick(vocabCIDRs))}}
		if g.chance(0.3) {
			p.Except = []netip.Prefix{netip.MustParsePrefix(g.pick(vocabCIDRs))}
		}
	case 1:
		p = model.Peer{Pods: true, NS: model.Labels(map[string]string{corev1.LabelMetadataName: g.pick(vocabNS)}), Labels: g.match(podVocab, 0)}
	case 2:
		p = model.Peer{Pods: true, NS: g.match(nsKeys, 0), Labels: g.match(podVocab, 0)}
	case 3:
		p = model.AllEndpoints()
	default:
		p = model.Peer{Pods: true, Labels: g.match(podVocab, 0), Addrs: g.chance(0.5)}
	}
	p.Not = g.chance(0.15)
	return p
}

func (g gen) modelPorts() []model.Port {
	if g.chance(0.4) {
		return nil
	}
	var out []model.Port
	for n := 1 + g.r.Intn(2); n > 0; n-- {
		pt := model.Port{Protocol: []corev1.Protocol{"", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}[g.r.Intn(4)]}
		switch g.r.Intn(3) {
		case 0:
			pt.Name = g.pick(vocabNames)
		case 1:
			pt.Lo = vocabPorts[g.r.Intn(len(vocabPorts))]
			pt.Hi = pt.Lo + int32(g.r.Intn(2000))
		default:
			pt.Lo = vocabPorts[g.r.Intn(len(vocabPorts))]
			pt.Hi = pt.Lo
		}
		out = append(out, pt)
	}
	return out
}

func (g gen) modelPolicy(i int, podVocab map[string][]string) model.Policy {
	p := model.Policy{Layer: "test layer", Object: fmt.Sprintf("Policy x%d", i), Seq: i,
		Tier:  []float64{model.TierAdmin, -5, model.TierNetworkPolicy, 5, model.TierBaseline}[g.r.Intn(5)],
		Order: float64(g.r.Intn(3))}
	if g.chance(0.25) {
		p.Point = model.Mesh
	}
	subj := g.modelPeer(podVocab)
	subj.Addrs = false
	p.Subject = []model.Peer{subj}
	if g.chance(0.3) {
		s2 := g.modelPeer(podVocab)
		p.Subject = append(p.Subject, s2)
	}
	rules := func(dir string) []model.Rule {
		var out []model.Rule
		for n := g.r.Intn(4); n > 0; n-- {
			r := model.Rule{Action: []model.Action{model.Allow, model.Allow, model.Deny, model.Pass, model.Log}[g.r.Intn(5)],
				Ports: g.modelPorts(), Where: fmt.Sprintf("spec.%s[%d]", dir, len(out))}
			if g.chance(0.8) {
				r.Peers = []model.Peer{g.modelPeer(podVocab)}
				if g.chance(0.3) {
					r.Peers = append(r.Peers, g.modelPeer(podVocab))
				}
			}
			out = append(out, r)
		}
		return out
	}
	p.Ingress = rules("ingress")
	p.IsolatesIngress = g.chance(0.5)
	if p.Point == model.Network {
		p.Egress = rules("egress")
		p.IsolatesEgress = g.chance(0.5)
	}
	if g.chance(0.2) {
		p.TierEnd = model.Pass
	}
	return p
}

// TestLayeredConflictsAreSound: on random layered scenarios, every
// recorded Conflict is what the evaluator decides on its ends and port (the
// network and the mesh deciding oppositely, each by a policy, the side that
// admits by a rule not Builtin), at most MaxConflicts per pair of objects,
// and every compiled policy's Selected is the number of endpoints it
// selects.
func TestLayeredConflictsAreSound(t *testing.T) {
	recorded := 0
	for seed := int64(1); seed <= int64(proofScenarios(60)); seed++ {
		sc := makeLayeredScenario(seed)
		p := newProver(sc.in)
		p.governed = governedNS
		p.declared = true
		p.decls = sc.decls
		res := p.prove()
		if res.Policies == nil {
			continue
		}
		ev := model.New(p.namespaces(), p.compiled, p.endpoints)
		for i, pol := range res.Policies {
			if pol.Selected != ev.Selected(i) || pol.Object != ev.Policies()[i].Object {
				t.Fatalf("seed %d: policy %d %s: Selected %d, the evaluator's %d (%s)", seed, i, pol.Object, pol.Selected, ev.Selected(i), ev.Policies()[i].Object)
			}
		}
		pairs := map[[2]string]int{}
		for _, c := range res.Conflicts {
			recorded++
			var n int32
			var proto corev1.Protocol
			if _, err := fmt.Sscanf(c.Port, "%d/%s", &n, &proto); err != nil {
				t.Fatalf("seed %d: port %q: %v", seed, c.Port, err)
			}
			src, dst := p.index[c.From], p.index[c.To]
			net := ev.At(model.Network, c.Network.Direction, src, dst, n, proto)
			mesh := ev.At(model.Mesh, model.Ingress, src, dst, n, proto)
			if net.Action != c.Network.Action || net.Policy != c.Network.Policy || net.Rule != c.Network.Rule ||
				mesh.Action != c.Mesh.Action || mesh.Policy != c.Mesh.Policy || mesh.Rule != c.Mesh.Rule {
				t.Fatalf("seed %d: conflict %+v, the evaluator decides network %+v, mesh %+v", seed, c, net, mesh)
			}
			if net.Policy < 0 || mesh.Policy < 0 || (net.Action == model.Allow) == (mesh.Action == model.Allow) {
				t.Fatalf("seed %d: conflict %+v is no contradiction", seed, c)
			}
			admit := mesh
			if net.Action == model.Allow {
				admit = net
			} else if !c.Declared {
				t.Fatalf("seed %d: conflict %+v: a blocked flow is recorded only when declared", seed, c)
			}
			if admit.Rule < 0 || ev.Policies()[admit.Policy].Rules(admit.Direction)[admit.Rule].Builtin {
				t.Fatalf("seed %d: conflict %+v: the admitting side is no rule", seed, c)
			}
			key := [2]string{res.Policies[net.Policy].Object, res.Policies[mesh.Policy].Object}
			if pairs[key]++; pairs[key] > MaxConflicts {
				t.Fatalf("seed %d: more than %d conflicts for %v", seed, MaxConflicts, key)
			}
		}
	}
	if recorded == 0 {
		t.Error("no scenario recorded a conflict: the test checks nothing")
	}
}
