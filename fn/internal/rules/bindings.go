package rules

import (
	rbacv1 "k8s.io/api/rbac/v1"
)

// BindingsOf names the RoleBindings and ClusterRoleBindings of the stream
// that grant something to ServiceAccount namespace/name, as a ServiceAccount
// subject or by its user name system:serviceaccount:NS:SA, e.g.
// "RoleBinding shop/legacy-reader", in stream order. The report lists them for
// a ServiceAccount a workload was moved away from (spec.identity.replaces):
// netid leaves it and its bindings in place.
func (s *Stream) BindingsOf(namespace, name string) []string {
	var out []string
	for _, b := range s.RoleBindings {
		if bindsServiceAccount(b.Typed.Subjects, b.Ref.Namespace, namespace, name) {
			out = append(out, "RoleBinding "+b.Ref.Namespace+"/"+b.Ref.Name)
		}
	}
	for _, b := range s.ClusterRoleBindings {
		if bindsServiceAccount(b.Typed.Subjects, "", namespace, name) {
			out = append(out, "ClusterRoleBinding "+b.Ref.Name)
		}
	}
	return out
}

// bindsServiceAccount reports whether subjects name ServiceAccount ns/name;
// bindingNS is the RoleBinding's namespace, which a ServiceAccount subject
// without a namespace lives in ("" for a ClusterRoleBinding).
func bindsServiceAccount(subjects []rbacv1.Subject, bindingNS, ns, name string) bool {
	for _, sub := range subjects {
		switch sub.Kind {
		case rbacv1.ServiceAccountKind:
			subNS := sub.Namespace
			if subNS == "" {
				subNS = bindingNS
			}
			if sub.Name == name && subNS == ns {
				return true
			}
		case rbacv1.UserKind:
			if sub.Name == "system:serviceaccount:"+ns+":"+name {
				return true
			}
		}
	}
	return false
}
