package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BootstrapRules returns what every ServiceAccount can do from the API
// server's default policy alone, listed as Effective lists it: the
// ClusterRoleBindings of kube-apiserver v1.37's bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) whose subjects
// include the groups every ServiceAccount is in:
//
//   - system:basic-user (system:authenticated): create
//     selfsubjectaccessreviews and selfsubjectrulesreviews
//     (authorization.k8s.io) and selfsubjectreviews (authentication.k8s.io);
//   - system:discovery (system:authenticated): get /livez, /readyz,
//     /healthz, /version, /version/, /openapi, /openapi/*, /api, /api/*,
//     /apis, /apis/*;
//   - system:public-info-viewer (system:authenticated): get /livez, /readyz,
//     /healthz, /version, /version/ — the same URLs again, so, as in
//     kubectl's output, each of these five is listed twice;
//   - system:service-account-issuer-discovery (system:serviceaccounts): get
//     /.well-known/openid-configuration, /.well-known/openid-configuration/,
//     /openid/v1/jwks, /openid/v1/jwks/;
//   - system:cluster-trust-bundle-discovery (system:serviceaccounts, bound
//     since the ClusterTrustBundle feature went GA and on by default in
//     v1.37): get, list, watch clustertrustbundles (certificates.k8s.io).
//
// Normalize(append(set.Effective(ns, sa), BootstrapRules()...)) is therefore
// what a real v1.37 API server's `kubectl auth can-i --list` lists for the
// ServiceAccount (with verbs sorted).
func BootstrapRules() []Rule {
	return bootstrapPolicy().Effective("default", "default")
}

// bootstrapPolicy is the part of the bootstrap policy that binds groups
// every ServiceAccount is in.
func bootstrapPolicy() Set {
	get := []string{"get"}
	roles := []rbacv1.ClusterRole{
		clusterRole("system:basic-user",
			rbacv1.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
			rbacv1.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"selfsubjectreviews"}}),
		clusterRole("system:discovery",
			rbacv1.PolicyRule{Verbs: get, NonResourceURLs: []string{"/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"}}),
		clusterRole("system:public-info-viewer",
			rbacv1.PolicyRule{Verbs: get, NonResourceURLs: []string{"/livez", "/readyz", "/healthz", "/version", "/version/"}}),
		clusterRole("system:service-account-issuer-discovery",
			rbacv1.PolicyRule{Verbs: get, NonResourceURLs: []string{"/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"}}),
		clusterRole("system:cluster-trust-bundle-discovery",
			rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"clustertrustbundles"}}),
	}
	bindings := []rbacv1.ClusterRoleBinding{
		groupBinding("system:basic-user", allAuthenticated),
		groupBinding("system:discovery", allAuthenticated),
		groupBinding("system:public-info-viewer", allAuthenticated, "system:unauthenticated"),
		groupBinding("system:service-account-issuer-discovery", allServiceAccounts),
		groupBinding("system:cluster-trust-bundle-discovery", allServiceAccounts),
	}
	return Set{ClusterRoles: roles, ClusterRoleBindings: bindings}
}

func clusterRole(name string, rules ...rbacv1.PolicyRule) rbacv1.ClusterRole {
	return rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
}

func groupBinding(role string, groups ...string) rbacv1.ClusterRoleBinding {
	b := rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
	}
	for _, g := range groups {
		b.Subjects = append(b.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: g})
	}
	return b
}
