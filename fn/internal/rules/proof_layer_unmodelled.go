package rules

// proof-layer-unmodelled
//
// Governs: every user-authored object of the stream of a layer other than
// NetworkPolicy that decides reachability (proof.LayerOf): AdminNetworkPolicy
// and its kin, Calico, Cilium and Antrea policy and the sets and tiers they
// reference, Istio and Linkerd authorization.
// Requires: the proof evaluates it: its kind has an adapter (proof/dialect)
// and none of its constructs is one the model cannot express. Each construct
// the proof cannot evaluate is a finding naming the object, the field and
// why. Objects netid generates from the declaration are not findings: the
// report names what of them is not evaluated.
// A namespaced object is attributed to the declared workloads of its
// namespace, a cluster-scoped one to every declared workload: an exception
// for this rule in each of them (with its ADR) turns the error into a warning.

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof"
)

var proofLayerUnmodelled = register(&Rule{
	ID:          "proof-layer-unmodelled",
	Title:       "Every policy of every layer in the stream is one the connectivity proof can evaluate",
	Rationale:   "Reachability is decided by every layer of the cluster, not only by NetworkPolicy: a cluster-wide CNI policy, a CNI dialect or a mesh authorization policy can open an undeclared flow or block a declared one. The proof compiles each layer's objects into one model and evaluates them together; an object, or a construct of one, that the model cannot express (an FQDN rule, a node selector, an external authorizer) may open or close flows the proof cannot see, so with it in the stream the proof's verdict would not be the truth.",
	Remediation: "Rewrite the named construct in terms the proof evaluates (selectors, CIDRs, ports), keep the object out of the stream netid proves (apply it through its own review), or record an exception for proof-layer-unmodelled with its ADR in the NetworkIdentity of every workload it concerns.",
	Severity:    finding.Error,
	NoControl:   "It guards the completeness of netid's own connectivity proof, which no control of the three documents addresses; the flows themselves are evidenced by proof-connectivity.",
	Check: func(s *Stream) []Violation {
		var out []Violation
		declared := s.DeclaredKeys()
		refs := map[proof.LayerObject]finding.Object{}
		for _, l := range s.Layered {
			refs[proof.LayerObject{APIVersion: l.Ref.APIVersion, Kind: l.Ref.Kind, Namespace: l.Ref.Namespace, Name: l.Ref.Name}] = l.Ref
		}
		for _, u := range s.Connectivity().NotEvaluated {
			if u.Generated {
				continue
			}
			ref, ok := refs[proof.LayerObject{APIVersion: u.APIVersion, Kind: u.Kind, Namespace: u.Namespace, Name: u.Name}]
			if !ok {
				ref = finding.Object{APIVersion: u.APIVersion, Kind: u.Kind, Namespace: u.Namespace, Name: u.Name}
			}
			var owners []string
			for _, k := range declared {
				if ns, _, _ := strings.Cut(k, "/"); u.Namespace == "" || ns == u.Namespace {
					owners = append(owners, k)
				}
			}
			field := u.Field
			if field == "" {
				field = "spec"
			}
			out = append(out, Violation{Object: ref, Field: field, Workloads: owners,
				Message: fmt.Sprintf("%s: %s; the connectivity proof does not evaluate it, so the flows it may open or close are not proven", u.Layer, u.Why)})
		}
		return out
	},
})
