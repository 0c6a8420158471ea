package rules

// rbac-no-wildcard
//
// Governs: the rules of every Role and ClusterRole in the stream.
// Requires: no "*" in verbs, resources, apiGroups or nonResourceURLs. A
// wildcard grants whatever the API server adds later (new resources, CRDs,
// subresources such as pods/exec), which no review can have approved.

import (
	"fmt"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var rbacNoWildcard = register(&Rule{
	ID:          "rbac-no-wildcard",
	Title:       "RBAC rules name their verbs, resources and API groups",
	Rationale:   "A \"*\" grants every current and future verb, resource or API group, including escalation paths such as secrets, pods/exec and RBAC itself; least privilege needs each permission named.",
	Remediation: "Replace each \"*\" with the verbs, resources and API groups the workload needs, or record an exception with its ADR.",
	Severity:    finding.Error,
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, r := range s.Roles {
			out = append(out, wildcards(r.Ref, r.Typed.Rules, s.OwnerOf(r.Ref.Namespace, r.Typed.ObjectMeta))...)
		}
		for _, r := range s.ClusterRoles {
			out = append(out, wildcards(r.Ref, r.Typed.Rules, s.OwnerOf(r.Typed.Labels[v1alpha1.WorkloadNamespaceLabel], r.Typed.ObjectMeta))...)
		}
		return out
	},
})

func wildcards(ref finding.Object, rules []rbacv1.PolicyRule, owners []string) []Violation {
	var out []Violation
	for i, r := range rules {
		for _, f := range []struct {
			name   string
			values []string
		}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"verbs", r.Verbs}, {"nonResourceURLs", r.NonResourceURLs}} {
			if slices.Contains(f.values, "*") {
				out = append(out, Violation{Object: ref, Field: fmt.Sprintf("rules[%d].%s", i, f.name),
					Message: fmt.Sprintf("rule %d grants every %s (\"*\")", i, f.name), Workloads: owners})
			}
		}
	}
	return out
}
