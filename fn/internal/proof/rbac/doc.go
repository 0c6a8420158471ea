// Package rbac computes what a ServiceAccount can do from the RBAC objects of
// a render, listed the way `kubectl auth can-i --list --as
// system:serviceaccount:NS:SA -n NS` lists it, and judges that list against
// what the ServiceAccount's NetworkIdentity declared.
//
// Semantics (upstream decides; the files named are kubernetes v1.37 and
// kubectl at the same release):
//
//   - Which bindings count (pkg/registry/rbac/validation/rule.go,
//     VisitRulesFor and appliesToUser): every ClusterRoleBinding, and every
//     RoleBinding of the namespace asked about; a binding counts when one of
//     its subjects is the ServiceAccount (kind ServiceAccount; an empty
//     subject namespace means the RoleBinding's own namespace and never
//     matches in a ClusterRoleBinding), the user
//     "system:serviceaccount:NS:SA", or one of the groups
//     "system:serviceaccounts", "system:serviceaccounts:NS" and
//     "system:authenticated". Subject kinds are compared exactly. A Role or
//     RoleBinding without metadata.namespace is in "default" (as in
//     proof/netpol: where kubectl would create it without -n).
//   - roleRef (GetRoleReferenceRules): kind Role means the Role of that name
//     in the binding's namespace (so never from a ClusterRoleBinding); kind
//     ClusterRole the ClusterRole of that name. A reference to a role missing
//     from the Set, or of another kind, grants nothing (the API server lists
//     the rest and marks the list incomplete); Set.Unresolved names them.
//   - Roles never grant nonResourceURLs (pkg/apis/rbac/validation refuses
//     them in a Role). A ClusterRole's nonResourceURLs are listed even when
//     it is bound by a RoleBinding: the API server's rules review lists them
//     (plugin/pkg/auth/authorizer/rbac/rbac.go RulesFor) although a request
//     for a URL never carries a namespace and so never uses a RoleBinding.
//   - Aggregation (pkg/controller/clusterroleaggregation): a ClusterRole with
//     an aggregationRule has, instead of its own rules, the rules of every
//     other ClusterRole of the Set whose labels match any of its
//     clusterRoleSelectors (metav1.LabelSelectorAsSelector: matchLabels and
//     matchExpressions; an empty selector matches every ClusterRole), with
//     aggregated ClusterRoles contributing their aggregated rules. A selector
//     that does not parse stops the controller for that role: it keeps its
//     own rules.
//   - Listing (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go printStatus
//     with pkg/util/rbac BreakdownRule, CompactRules and SortableRuleSlice):
//     every rule is broken into one (group, resource, name, verb) or (URL,
//     verb) each; resource pieces that share group, resource and name are
//     merged into one line with their verbs; URL pieces are never merged, so
//     a URL granted twice is listed twice, as kubectl does. Lines are ordered
//     by rbacv1.PolicyRule's String() (verbs first, then groups, resources,
//     names, URLs), as kubectl orders them. Resources are printed
//     "resource.group/subresource" (describe.CombineResourceGroup).
//
// Where this package departs from kubectl, on purpose: verbs of a merged line
// are sorted (kubectl keeps them in the order the API server returned them,
// which follows binding order; both drop duplicates), so the list does not
// depend on the order of the objects in the render.
package rbac
