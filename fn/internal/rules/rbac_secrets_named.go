package rules

// rbac-secrets-named
//
// Governs: every rule of every Role and ClusterRole in the stream that covers
// core Secrets: apiGroups holds "" or "*", and resources holds "secrets" or
// "*". ("secrets/*" is not among them: the API server compares it literally
// and Secrets have no subresource, so it reads no Secret; rbac-no-wildcard
// refuses it.)
// Requires: the rule lists resourceNames, and grants none of list, watch,
// deletecollection or "*". List and watch return (and deletecollection
// deletes) every Secret of the namespace whatever resourceNames say, and a
// Secret can be read through them as surely as through get.

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

var rbacSecretsNamed = register(&Rule{
	ID:          "rbac-secrets-named",
	Title:       "Access to Secrets names the Secrets and never lists or watches them",
	Rationale:   "Reading one Secret is reading a credential; a rule on all Secrets of a namespace, or one that lists or watches them, hands over every credential there, including ServiceAccount tokens and other workloads' keys, and any Secret added later.",
	Remediation: "List the Secrets the workload reads in resourceNames and grant only get (or update/patch on those names), never list, watch, deletecollection or \"*\".",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.1.2"),
		controls.NSACISAControl("Authentication and authorization > Role-based access control"),
		controls.NISTControl("4.3.1"),
	},
	Check: func(s *Stream) []Violation {
		return s.roleRules(func(ref finding.Object, rules []rbacv1.PolicyRule, _ bool, owners []string) []Violation {
			return rbacSecretsNamedRules(ref, rules, owners)
		})
	},
})

// rbacSecretsBroadVerbs ignore resourceNames (or read every Secret anyway).
var rbacSecretsBroadVerbs = []string{rbacv1.VerbAll, "list", "watch", "deletecollection"}

func rbacSecretsNamedRules(ref finding.Object, rules []rbacv1.PolicyRule, owners []string) []Violation {
	var out []Violation
	for i, r := range rules {
		if !rbacCoversSecrets(r) {
			continue
		}
		if len(r.ResourceNames) == 0 {
			out = append(out, Violation{Object: ref, Field: fmt.Sprintf("rules[%d].resourceNames", i),
				Message: fmt.Sprintf("rule %d grants %s on every Secret; it names none in resourceNames", i, strings.Join(r.Verbs, ", ")), Workloads: owners})
		}
		var broad []string
		for _, v := range r.Verbs {
			if slices.Contains(rbacSecretsBroadVerbs, v) && !slices.Contains(broad, v) {
				broad = append(broad, v)
			}
		}
		if len(broad) > 0 {
			out = append(out, Violation{Object: ref, Field: fmt.Sprintf("rules[%d].verbs", i),
				Message: fmt.Sprintf("rule %d grants %s on Secrets, which reach every Secret whatever resourceNames say", i, strings.Join(broad, ", ")), Workloads: owners})
		}
	}
	return out
}

// rbacCoversSecrets reports a rule that applies to core Secrets.
func rbacCoversSecrets(r rbacv1.PolicyRule) bool {
	core := slices.Contains(r.APIGroups, "") || slices.Contains(r.APIGroups, rbacv1.APIGroupAll)
	secrets := slices.Contains(r.Resources, "secrets") || slices.Contains(r.Resources, rbacv1.ResourceAll)
	return core && secrets
}
