package build

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// ServiceAccount is the workload's dedicated identity, token automount off
// unless declared.
func ServiceAccount(w *plan.Workload) *corev1.ServiceAccount {
	automount := *w.Spec.Identity.AutomountToken
	return &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   Meta(w.ServiceAccount, w.Namespace(), w.Name()),
		AutomountServiceAccountToken: &automount,
	}
}

// Role holds the declared namespaced rules; nil when none are declared.
func Role(w *plan.Workload) *rbacv1.Role {
	if len(w.Spec.Identity.Rules) == 0 {
		return nil
	}
	return &rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: Meta(w.ServiceAccount, w.Namespace(), w.Name()),
		Rules:      policyRules(w.Spec.Identity.Rules),
	}
}

// RoleBinding grants Role to the ServiceAccount; nil without a Role.
func RoleBinding(w *plan.Workload) *rbacv1.RoleBinding {
	if len(w.Spec.Identity.Rules) == 0 {
		return nil
	}
	return &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: Meta(w.ServiceAccount, w.Namespace(), w.Name()),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: w.ServiceAccount},
		Subjects:   []rbacv1.Subject{subject(w)},
	}
}

// ClusterRoleName is the name of a workload's ClusterRole and its binding,
// e.g. "netid:shop:checkoutservice", shortened with a hash past 253
// characters (a 253-character ServiceAccount name would make it longer).
func ClusterRoleName(w *plan.Workload) string {
	return plan.Fit("netid:" + w.Namespace() + ":" + w.ServiceAccount)
}

// ClusterRole holds the declared cluster rules (each with its reason); nil when none.
func ClusterRole(w *plan.Workload) *rbacv1.ClusterRole {
	if len(w.Spec.Identity.ClusterRules) == 0 {
		return nil
	}
	return &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: withReasons(clusterMeta(w), w.Spec.Identity.ClusterRules),
		Rules:      policyRules(w.Spec.Identity.ClusterRules),
	}
}

// ClusterRoleBinding grants ClusterRole to the ServiceAccount; nil without one.
func ClusterRoleBinding(w *plan.Workload) *rbacv1.ClusterRoleBinding {
	if len(w.Spec.Identity.ClusterRules) == 0 {
		return nil
	}
	return &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
		ObjectMeta: clusterMeta(w),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: ClusterRoleName(w)},
		Subjects:   []rbacv1.Subject{subject(w)},
	}
}

// clusterMeta is the metadata of a cluster-scoped object owned by a workload.
func clusterMeta(w *plan.Workload) metav1.ObjectMeta {
	m := Meta(ClusterRoleName(w), "", w.Name())
	m.Labels[v1alpha1.WorkloadNamespaceLabel] = w.Namespace()
	return m
}

func subject(w *plan.Workload) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: w.ServiceAccount, Namespace: w.Namespace()}
}

func policyRules(rs []v1alpha1.Rule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, 0, len(rs))
	for _, r := range rs {
		out = append(out, *r.PolicyRule.DeepCopy())
	}
	return out
}

// withReasons records each cluster rule's reason on the ClusterRole, as
// netid.dev/reason: "rule 0: …; rule 1: …".
func withReasons(m metav1.ObjectMeta, rs []v1alpha1.Rule) metav1.ObjectMeta {
	var s string
	for i, r := range rs {
		if i > 0 {
			s += "; "
		}
		s += "rule " + strconv.Itoa(i) + ": " + r.Reason
	}
	m.Annotations = map[string]string{ReasonAnnotation: s}
	return m
}
