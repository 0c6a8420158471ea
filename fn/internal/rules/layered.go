package rules

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/selection"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
)

// Helpers for the rules that judge the objects of every layer through the
// connectivity proof's compiled policies (proof.Result.Policies), so that a
// Calico, Cilium, Antrea, Istio or Linkerd object is judged as a
// NetworkPolicy is.

// writtenRule is one rule of a compiled policy of a layer other than
// NetworkPolicy, with the stream object that writes it.
type writtenRule struct {
	Policy *proof.CompiledPolicy
	Dir    model.Direction
	Rule   *model.Rule
	// Object writes the rule; Field is the rule's path in it, e.g.
	// "spec.ingress[0]".
	Object Layered
	Field  string
}

// layeredByRef maps "Kind namespace/name" (or "Kind name") to the stream's
// objects of the layers other than NetworkPolicy.
func (s *Stream) layeredByRef() map[string]Layered {
	out := make(map[string]Layered, len(s.Layered))
	for _, l := range s.Layered {
		out[layeredRef(l.Ref)] = l
	}
	return out
}

// layeredRef is the object as proof/dialect names it (dialect.Object.Ref).
func layeredRef(o finding.Object) string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// ruleObject resolves where a rule of a compiled policy is written: a
// Where that starts with an object's reference names that object (a Linkerd
// Server's authorizations: "AuthorizationPolicy shop/x
// spec.requiredAuthenticationRefs"), else the policy's source object writes
// it. False for a policy of no stream object (Istio's ztunnel).
func ruleObject(byRef map[string]Layered, pol *proof.CompiledPolicy, where string) (Layered, string, bool) {
	// A reference is "Kind name" or "Kind ns/name": two words before the field.
	if kind, rest, ok := strings.Cut(where, " "); ok {
		if name, field, ok := strings.Cut(rest, " "); ok {
			if l, ok := byRef[kind+" "+name]; ok {
				return l, field, true
			}
		}
	}
	if pol.Source.Kind == "" {
		return Layered{}, "", false
	}
	l, ok := byRef[pol.Source.String()]
	return l, where, ok
}

// userRules calls f for every rule a user object of a layer other than
// NetworkPolicy writes (generated objects and the dialects' Builtin rules
// left out), once per object and field: a dialect may compile one rule
// into several policies (Istio's sidecar and ztunnel forms).
func (s *Stream) userRules(f func(w writtenRule)) {
	pols := s.Connectivity().Policies
	byRef := s.layeredByRef()
	seen := map[string]bool{}
	for i := range pols {
		pol := &pols[i]
		if pol.Layer == dialect.LayerNetworkPolicy {
			continue // judged from the NetworkPolicies themselves
		}
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			rules := pol.Rules(d)
			for ri := range rules {
				r := &rules[ri]
				if r.Builtin {
					continue
				}
				obj, field, ok := ruleObject(byRef, pol, r.Where)
				if !ok || obj.Generated {
					continue
				}
				key := layeredRef(obj.Ref) + " " + field + " " + r.Action.String()
				if seen[key] {
					continue
				}
				seen[key] = true
				f(writtenRule{Policy: pol, Dir: d, Rule: r, Object: obj, Field: field})
			}
		}
	}
}

// layeredOwners are the declared workloads an object of a layer other than
// NetworkPolicy concerns: those of its namespace, every one for a
// cluster-scoped object.
func (s *Stream) layeredOwners(ns string) []string {
	var out []string
	for _, k := range s.DeclaredKeys() {
		if wns, _, _ := strings.Cut(k, "/"); ns == "" || wns == ns {
			out = append(out, k)
		}
	}
	return out
}

// everyPod reports a peer holding every pod of every namespace.
func everyPod(p model.Peer) bool {
	return p.Pods && !p.Not && everyNamespace(p.NS) && p.Labels.IsEverything()
}

// everyNamespace reports a namespace formula every namespace matches:
// everything, or only "has kubernetes.io/metadata.name", which every
// namespace carries (Calico's namespaceSelector all()).
func everyNamespace(m model.Match) bool {
	if m.IsEverything() {
		return true
	}
	sels := m.Selectors()
	if len(sels) != 1 || m.String() != "{"+sels[0].String()+"}" {
		return false // not a single leaf
	}
	rs, ok := sels[0].Requirements()
	if !ok {
		return false
	}
	for _, r := range rs {
		if r.Key() != corev1.LabelMetadataName || r.Operator() != selection.Exists {
			return false
		}
	}
	return true
}

// everyAddress reports an address peer holding every address, whatever it
// excepts: a /0 (0.0.0.0/0, ::/0), or no block at all (Cilium's world).
func everyAddress(p model.Peer) bool {
	if !p.Addrs || p.Not {
		return false
	}
	if len(p.Nets) == 0 {
		return true
	}
	for _, n := range p.Nets {
		if n.Bits() == 0 {
			return true
		}
	}
	return false
}
