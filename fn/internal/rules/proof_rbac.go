package rules

// proof-rbac
//
// Governs: every ServiceAccount netid generated for a declared workload, once
// when several workloads share it (their declaration is one: plan refuses
// shared ServiceAccounts with different rules).
// Requires: its effective permissions, computed from every Role, ClusterRole
// (aggregation included), RoleBinding and ClusterRoleBinding of the stream as
// `kubectl auth can-i --list` would list them, are covered by what its
// NetworkIdentity declared (identity.rules and identity.clusterRules). A
// binding elsewhere in the stream that grants it more fails the render, and so
// does a binding to a role that is not in the stream (its grant is unknown).

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof/rbac"
)

var proofRBAC = register(&Rule{
	ID:          "proof-rbac",
	Title:       "Each ServiceAccount can do exactly what its NetworkIdentity declared",
	Rationale:   "Least privilege is a property of all bindings together: a RoleBinding or ClusterRoleBinding written elsewhere, a group subject or an aggregated ClusterRole can hand a workload's identity permissions its declaration never asked for.",
	Remediation: "Remove the binding that grants the extra permissions, or declare them (with a reason) in the workload's identity.rules or identity.clusterRules.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.1.1"),
		controls.NSACISAControl("Authentication and authorization > Role-based access control"),
		controls.NISTControl("4.3.1"),
	},
	Check: func(s *Stream) []Violation {
		if s.Plan == nil {
			return nil
		}
		var out []Violation
		for _, r := range s.RBACReview() {
			obj := finding.Object{APIVersion: "v1", Kind: "ServiceAccount", Namespace: r.Namespace, Name: r.ServiceAccount}
			if sas := s.ServiceAccountsNamed(r.Namespace, r.ServiceAccount); len(sas) > 0 {
				obj = sas[len(sas)-1].Ref
			}
			if len(r.Excess) > 0 {
				out = append(out, Violation{Object: obj, Field: "metadata.name", Workloads: r.Workloads,
					Message: fmt.Sprintf("ServiceAccount %s/%s can do more than its NetworkIdentity declares:\n%s", r.Namespace, r.ServiceAccount,
						strings.TrimRight(rbac.Table(r.Excess), "\n"))})
			}
			for _, b := range r.Unresolved {
				where := b.Kind + " " + b.Name
				if b.Namespace != "" {
					where = b.Kind + " " + b.Namespace + "/" + b.Name
				}
				out = append(out, Violation{Object: obj, Field: "metadata.name", Workloads: r.Workloads,
					Message: fmt.Sprintf("ServiceAccount %s/%s is bound by %s to %s %s, which is not in the render: what it grants cannot be reviewed",
						r.Namespace, r.ServiceAccount, where, b.RoleRef.Kind, b.RoleRef.Name)})
			}
		}
		return out
	},
})
