package rules

// rbac-clusterrole-reason
//
// Governs: every ClusterRole in the stream, aggregated ones (with an
// aggregationRule) included, generated or user-authored.
// Requires: a non-blank netid.dev/reason annotation saying why the permissions
// must be cluster-wide. netid writes the declared reason of each
// identity.clusterRules entry there; a ClusterRole from elsewhere must state
// its own.

import (
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var rbacClusterRoleReason = register(&Rule{
	ID:          "rbac-clusterrole-reason",
	Title:       "Every ClusterRole states why it is cluster-wide",
	Rationale:   "A ClusterRole grants across every namespace, or is the template a RoleBinding reuses anywhere; a reviewer cannot judge whether a Role would have done without the reason, and an unexplained ClusterRole outlives the need that created it.",
	Remediation: "Annotate the ClusterRole with netid.dev/reason saying why namespaced permissions do not suffice (netid writes each identity.clusterRules reason there), or replace it with a Role.",
	Severity:    finding.Error,
	NoControl:   "The documents ask for least privilege, which rbac-no-wildcard, rbac-no-escalation, rbac-secrets-named and proof-rbac evidence; none asks that a ClusterRole state why it is cluster-wide.",
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, r := range s.ClusterRoles {
			if strings.TrimSpace(r.Typed.Annotations[v1alpha1.ReasonAnnotation]) != "" {
				continue
			}
			what := "ClusterRole"
			if r.Typed.AggregationRule != nil {
				what = "aggregated ClusterRole"
			}
			out = append(out, Violation{Object: r.Ref, Field: "metadata.annotations",
				Message:   what + " " + r.Ref.Name + " has no " + v1alpha1.ReasonAnnotation + " annotation saying why it must be cluster-wide",
				Workloads: s.OwnerOf(r.Typed.Labels[v1alpha1.WorkloadNamespaceLabel], r.Typed.ObjectMeta)})
		}
		return out
	},
})
