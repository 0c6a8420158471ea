package rules

// proof-layer-unmodelled
//
// Governs: every user-authored object of the stream whose kind belongs to a
// layer that decides reachability but that the connectivity proof does not
// evaluate (proof.LayerOf): AdminNetworkPolicy and its kin, Calico, Cilium
// and Antrea policy and the sets and tiers they reference, Istio
// AuthorizationPolicy, Linkerd's authorization resources.
// Requires: no such object. One may open a flow the declaration does not
// have (a CiliumClusterwideNetworkPolicy with `fromEntities: [all]`) or close
// one it has, and the proof would still say every flow is as declared; so
// each is a finding naming the object and its layer. Objects netid generates
// from the declaration (the mesh's authorization, Cilium FQDN egress) are
// not findings: the report names their layer as not evaluated.
// A namespaced object is attributed to the declared workloads of its
// namespace, a cluster-scoped one to every declared workload: an exception
// for this rule in each of them (with its ADR) turns the error into a warning.

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/finding"
)

var proofLayerUnmodelled = register(&Rule{
	ID:          "proof-layer-unmodelled",
	Title:       "The stream holds no policy of a layer the connectivity proof does not evaluate",
	Rationale:   "Reachability is decided by every layer of the cluster, not only by NetworkPolicy: a cluster-wide CNI policy, a CNI dialect or a mesh authorization policy can open an undeclared flow or block a declared one. The proof evaluates NetworkPolicy only, so with such an object in the stream its verdict would not be the truth.",
	Remediation: "Keep the objects of that layer out of the stream netid proves (apply them through their own review), or, where the object must ship with the workloads, record an exception for proof-layer-unmodelled with its ADR in the NetworkIdentity of every workload it concerns.",
	Severity:    finding.Error,
	NoControl:   "It guards the completeness of netid's own connectivity proof, which no control of the three documents addresses; the flows themselves are evidenced by proof-connectivity.",
	Check: func(s *Stream) []Violation {
		var out []Violation
		declared := s.DeclaredKeys()
		for _, u := range s.Unmodelled {
			if u.Generated {
				continue
			}
			var owners []string
			for _, k := range declared {
				if ns, _, _ := strings.Cut(k, "/"); u.Ref.Namespace == "" || ns == u.Ref.Namespace {
					owners = append(owners, k)
				}
			}
			out = append(out, Violation{Object: u.Ref, Field: "spec", Workloads: owners,
				Message: fmt.Sprintf("belongs to %s, a layer the connectivity proof does not evaluate: the flows it may open or close are not proven", u.Layer.Name)})
		}
		return out
	},
})
