package rules

// object-conflict
//
// Governs: the user's objects that have the kind, namespace and name of an
// object netid generates (a NetworkPolicy, ServiceAccount, Role, RoleBinding,
// ClusterRole, ClusterRoleBinding, HTTPRoute or Ingress).
// Requires: such an object has the generated object's content. A Namespace or
// ServiceAccount of the declared name is completed, not judged here; an
// identical object stands in for the generated one. Anything else would
// either be silently replaced or silently override the declaration.

import "netid.dev/netid/fn/internal/finding"

var objectConflict = register(&Rule{
	ID:          "object-conflict",
	Title:       "User objects do not collide with the objects netid generates",
	Rationale:   "Two objects with one identity cannot both be applied: kustomize refuses the duplicate, and keeping either one silently drops the other's intent, a hand-written policy shadowing the declared one or the other way round.",
	Remediation: "Remove or rename the user object, or express its intent in the workload's NetworkIdentity so netid generates it.",
	Severity:    finding.Error,
	NoControl:   "It guards the integrity of netid's own render (one object silently replacing another), which no control of the three documents addresses.",
	Check: func(s *Stream) []Violation {
		return append([]Violation(nil), s.Conflicts...)
	},
})
