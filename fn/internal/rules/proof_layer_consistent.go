package rules

// proof-layer-consistent
//
// Governs: the policies of the layers other than NetworkPolicy that the
// connectivity proof evaluates (proof.Result.Policies: AdminNetworkPolicy
// and its kin, Calico, Cilium, Antrea, Istio AuthorizationPolicy and
// PeerAuthentication, Linkerd Server and authorizations), and how the
// network layer and the mesh decide each judged flow
// (proof.Result.Conflicts). Evaluated only when the proof judged through the
// model (some layer other than NetworkPolicy has policies).
// Requires:
//   - every user object of those layers selects some pod: the proof's
//     witnesses stand for every pod that could exist, so an object none of
//     whose compiled policies selects an endpoint (an AuthorizationPolicy in
//     a namespace the mesh never injects, kube-system; a selector no label
//     set satisfies) can select no pod at all and decides nothing;
//   - the network and the mesh do not contradict each other by their own
//     rules on a flow: a declared flow the network blocks (by a rule or its
//     isolation) while a mesh rule admits it, or a flow a network rule
//     admits while a mesh rule denies it. A mesh that denies by isolation
//     (an ALLOW policy's "nothing else", a Linkerd Server's clients no
//     authorization admits) is the mesh narrowing the network, not a
//     contradiction, and the dialects' own behaviour (model.Rule.Builtin)
//     is no rule.
//
// A contradiction is reported on the user object of the side that refuses
// the flow (the network's for a declared flow, the mesh's otherwise), or on
// the other side's when netid generated that one; not at all when netid
// generated both. One finding per object, field and opposite rule, naming
// how many flows and up to three of them; the proof records at most 200
// flows per pair of objects.
//
// Severity: warning. Neither finding changes what the cluster allows: the
// proof already evaluates a dead policy as deciding nothing, and a
// contradiction's outcome (the flow blocked) is judged against the
// declarations by proof-connectivity, which refuses the render when it
// blocks a declared flow or opens an undeclared one. What this rule adds is
// the diagnosis: which object is dead weight, and which layer disagrees
// with which, so a reviewer fixes the wrong layer instead of widening the
// other.

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
)

var proofLayerConsistent = register(&Rule{
	ID:          "proof-layer-consistent",
	Title:       "Every layer's policy selects some pod, and the network and the mesh do not contradict each other",
	Rationale:   "A policy that can select no pod (a mesh policy in a namespace the mesh never joins, a selector no pod can satisfy) decides nothing while its author believes it protects something; a mesh rule admitting a declared flow the network blocks, or a network rule admitting a flow a mesh rule denies, means the layers encode two different intents, and the usual fix of widening the layer that blocks opens more than was meant. Both are warnings: the proof already evaluates what the cluster enforces, and proof-connectivity refuses any outcome that departs from the declarations.",
	Remediation: "Fix or remove the policy that selects no pod (its namespace, its selector, its pods' mesh membership), and where two layers contradict each other, change the rule of the layer that is wrong so that both encode the declared flows.",
	Severity:    finding.Warning,
	NoControl:   "It checks the coherence of the policies across layers, a property of netid's own multi-layer proof that no control of the three documents addresses; the flows themselves are evidenced by proof-connectivity.",
	Check: func(s *Stream) []Violation {
		r := s.Connectivity()
		if len(r.Policies) == 0 {
			return nil
		}
		return append(consistentSelects(s, r), consistentConflicts(s, r)...)
	},
})

// consistentSelects reports the user objects of the layers other than
// NetworkPolicy none of whose policies selects an endpoint.
func consistentSelects(s *Stream, r *proof.Result) []Violation {
	byRef := s.layeredByRef()
	selected := map[string]int{}
	var order []string
	for _, p := range r.Policies {
		if p.Layer == dialect.LayerNetworkPolicy || p.Source.Kind == "" || p.Source.Generated {
			continue
		}
		ref := p.Source.String()
		if _, ok := selected[ref]; !ok {
			order = append(order, ref)
		}
		selected[ref] += p.Selected
	}
	var out []Violation
	for _, ref := range order {
		l, ok := byRef[ref]
		if !ok || selected[ref] > 0 {
			continue
		}
		what := "its selector and namespace match no pod that could exist"
		if l.Layer.Name == dialect.LayerIstio || l.Layer.Name == dialect.LayerLinkerd {
			what = "its selector, its namespace and the mesh's membership match no pod that could exist"
		}
		out = append(out, Violation{Object: l.Ref, Field: "spec", Workloads: s.layeredOwners(l.Ref.Namespace),
			Message: fmt.Sprintf("%s: selects no pod: %s, so it decides nothing", l.Layer.Name, what)})
	}
	return out
}

// consistentSide is one point's decision of a conflict, resolved to the
// stream object that made it.
type consistentSide struct {
	ref       finding.Object
	field     string
	generated bool
	ok        bool
	// says is the decision in words, e.g. "NetworkPolicy shop/x
	// spec.ingress[0]: Allow".
	says string
}

// consistentConflicts reports the flows the network and the mesh decide
// oppositely by their own rules.
func consistentConflicts(s *Stream, r *proof.Result) []Violation {
	byRef := s.layeredByRef()
	type group struct {
		v     Violation
		flows []string
		n     int
	}
	groups := map[string]*group{}
	var order []string
	for _, c := range r.Conflicts {
		net, mesh := consistentResolve(s, byRef, r, c.Network), consistentResolve(s, byRef, r, c.Mesh)
		blocked := c.Network.Action != model.Allow
		// Blame the side that refuses the flow, unless netid generated it.
		blame, other := mesh, net
		if blocked {
			blame, other = net, mesh
		}
		if !blame.ok || blame.generated {
			blame = other
		}
		if !blame.ok || blame.generated {
			continue
		}
		var what string
		if blocked {
			what = fmt.Sprintf("declared flows are blocked at the network (%s) while the mesh admits them by a rule (%s)", net.says, mesh.says)
		} else {
			what = fmt.Sprintf("flows a network rule admits (%s) are denied by a mesh rule (%s)", net.says, mesh.says)
		}
		key := blame.ref.String() + " " + blame.field + " " + what
		g := groups[key]
		if g == nil {
			g = &group{v: Violation{Object: blame.ref, Field: blame.field, Workloads: s.layeredOwners(blame.ref.Namespace), Message: what}}
			groups[key] = g
			order = append(order, key)
		}
		g.n++
		if len(g.flows) < 3 {
			g.flows = append(g.flows, fmt.Sprintf("%s → %s on %s", c.From, c.To, c.Port))
		}
	}
	out := make([]Violation, 0, len(order))
	for _, k := range order {
		g := groups[k]
		v := g.v
		n := fmt.Sprintf("%d flow%s", g.n, plural(g.n))
		if g.n >= proof.MaxConflicts {
			n = "at least " + n // the proof records no more per pair of objects
		}
		v.Message = fmt.Sprintf("the network and the mesh contradict each other: %s: %s, e.g. %s", v.Message, n, strings.Join(g.flows, "; "))
		out = append(out, v)
	}
	return out
}

// consistentResolve names the object and field behind a decision: the
// object that writes the deciding rule (its whole spec for an isolation).
func consistentResolve(s *Stream, byRef map[string]Layered, r *proof.Result, d model.Decision) consistentSide {
	p := &r.Policies[d.Policy]
	where := "spec"
	says := p.Object + ": isolated, no rule matches (" + d.Action.String() + ")"
	if d.Rule >= 0 {
		where = p.Rules(d.Direction)[d.Rule].Where
		says = p.Object + " " + where + ": " + d.Action.String()
	}
	if p.Layer == dialect.LayerNetworkPolicy {
		np := s.networkPolicyNamed(strings.TrimPrefix(p.Object, "NetworkPolicy "))
		if np == nil {
			return consistentSide{says: says}
		}
		return consistentSide{ref: np.Ref, field: where, generated: np.Node == nil, ok: true, says: says}
	}
	l, field, ok := ruleObject(byRef, p, where)
	if !ok {
		return consistentSide{says: says}
	}
	return consistentSide{ref: l.Ref, field: field, generated: l.Generated, ok: true, says: says}
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
