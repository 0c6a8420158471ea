package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"
)

// Set is the RBAC objects of a render: every Role, ClusterRole, RoleBinding
// and ClusterRoleBinding of the stream, in any order. Only these count: a
// binding to a ClusterRole the render does not carry (a cluster's built-in
// "view", say) grants nothing here; Set.Unresolved lists such bindings.
//
// Example: Set{Roles: []rbacv1.Role{reader}, RoleBindings:
// []rbacv1.RoleBinding{readerBinding}}.Effective("shop", "cart").
type Set struct {
	// Roles are matched to a RoleBinding's roleRef by namespace and name.
	Roles []rbacv1.Role
	// ClusterRoles are matched by name, after aggregation.
	ClusterRoles []rbacv1.ClusterRole
	// RoleBindings count in their own namespace only.
	RoleBindings []rbacv1.RoleBinding
	// ClusterRoleBindings count in every namespace.
	ClusterRoleBindings []rbacv1.ClusterRoleBinding
}

// Group names the API server gives every ServiceAccount
// (k8s.io/apiserver/pkg/authentication/serviceaccount and user).
const (
	allServiceAccounts = "system:serviceaccounts"
	allAuthenticated   = "system:authenticated"
	usernamePrefix     = "system:serviceaccount:"
)

// Effective returns the rules that apply to the ServiceAccount sa in
// namespace ns when it acts in namespace ns, as `kubectl auth can-i --list
// --as system:serviceaccount:NS:SA -n NS` lists them against an API server
// holding exactly this Set (so without the bootstrap policy: see
// BootstrapRules). It never returns nil.
//
// Example: a Role "reader" in "shop" with {apiGroups: [""], resources:
// [configmaps], verbs: [get, list]} bound by a RoleBinding in "shop" to
// ServiceAccount "cart" gives, for Effective("shop", "cart"), the one line
// configmaps [get list].
func (s Set) Effective(ns, sa string) []Rule {
	var rules []rbacv1.PolicyRule
	s.visit(ns, sa, func(_ Binding, granted []rbacv1.PolicyRule, ok bool) {
		rules = append(rules, granted...)
	})
	return FromPolicyRules(rules)
}

// Binding names a RoleBinding or ClusterRoleBinding and the role it refers to.
//
// Example: {Kind: "RoleBinding", Namespace: "shop", Name: "cart-view",
// RoleRef: {Kind: "ClusterRole", Name: "view"}}.
type Binding struct {
	// Kind is "RoleBinding" or "ClusterRoleBinding".
	Kind string `json:"kind"`
	// Namespace is the RoleBinding's namespace; empty for a ClusterRoleBinding.
	Namespace string `json:"namespace,omitempty"`
	// Name is the binding's name.
	Name string `json:"name"`
	// RoleRef is the binding's roleRef.
	RoleRef rbacv1.RoleRef `json:"roleRef"`
}

// Unresolved lists the bindings that apply to the ServiceAccount sa of
// namespace ns (as in Effective) but whose roleRef the Set cannot resolve: a
// role it does not carry, a Role named by a ClusterRoleBinding, or a kind
// other than Role and ClusterRole. Effective counts them as granting
// nothing, which a cluster holding that role would not; a proof that must
// not under-report should fail on them. Nil when every reference resolves.
//
// Example: a RoleBinding shop/cart-view to ClusterRole "view" in a render
// without that ClusterRole gives [{RoleBinding shop cart-view {ClusterRole view}}].
func (s Set) Unresolved(ns, sa string) []Binding {
	var out []Binding
	s.visit(ns, sa, func(b Binding, _ []rbacv1.PolicyRule, ok bool) {
		if !ok {
			out = append(out, b)
		}
	})
	return out
}

// visit calls f for every binding that applies to the ServiceAccount, in the
// API server's order (ClusterRoleBindings, then the namespace's
// RoleBindings), with the rules its roleRef grants and whether it resolved.
func (s Set) visit(ns, sa string, f func(b Binding, rules []rbacv1.PolicyRule, ok bool)) {
	user := usernamePrefix + ns + ":" + sa
	groups := []string{allServiceAccounts, allServiceAccounts + ":" + ns, allAuthenticated}
	clusterRoles := aggregate(s.ClusterRoles)
	for _, b := range s.ClusterRoleBindings {
		if !appliesTo(b.Subjects, "", user, groups) {
			continue
		}
		var rules []rbacv1.PolicyRule
		ok := false
		if b.RoleRef.Kind == "ClusterRole" {
			rules, ok = clusterRoles[b.RoleRef.Name]
		}
		f(Binding{Kind: "ClusterRoleBinding", Name: b.Name, RoleRef: b.RoleRef}, rules, ok)
	}
	if ns == "" {
		return
	}
	for _, b := range s.RoleBindings {
		if namespaceOf(b.Namespace) != ns || !appliesTo(b.Subjects, ns, user, groups) {
			continue
		}
		var rules []rbacv1.PolicyRule
		ok := false
		switch b.RoleRef.Kind {
		case "Role":
			rules, ok = s.role(ns, b.RoleRef.Name)
		case "ClusterRole":
			rules, ok = clusterRoles[b.RoleRef.Name]
		}
		f(Binding{Kind: "RoleBinding", Namespace: ns, Name: b.Name, RoleRef: b.RoleRef}, rules, ok)
	}
}

// role returns the rules of the Role ns/name without their nonResourceURLs,
// which the API server refuses in a Role.
func (s Set) role(ns, name string) ([]rbacv1.PolicyRule, bool) {
	for _, r := range s.Roles {
		if namespaceOf(r.Namespace) != ns || r.Name != name {
			continue
		}
		rules := make([]rbacv1.PolicyRule, 0, len(r.Rules))
		for _, pr := range r.Rules {
			pr.NonResourceURLs = nil
			rules = append(rules, pr)
		}
		return rules, true
	}
	return nil, false
}

// namespaceOf is where a namespaced object without metadata.namespace lands.
func namespaceOf(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// appliesTo reports whether a subject of a binding in bindingNS ("" for a
// ClusterRoleBinding) is the ServiceAccount with this user name and groups,
// as the API server's appliesToUser decides it.
func appliesTo(subjects []rbacv1.Subject, bindingNS, user string, groups []string) bool {
	for _, sub := range subjects {
		switch sub.Kind {
		case rbacv1.UserKind:
			if sub.Name == user {
				return true
			}
		case rbacv1.GroupKind:
			for _, g := range groups {
				if sub.Name == g {
					return true
				}
			}
		case rbacv1.ServiceAccountKind:
			ns := sub.Namespace
			if ns == "" {
				ns = bindingNS
			}
			if ns != "" && usernamePrefix+ns+":"+sub.Name == user {
				return true
			}
		}
	}
	return false
}
