package rules

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/krm/v1alpha1"
)

const rbacApp = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {serviceAccountName: a, containers: [{name: a, image: a:1}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: a, namespace: shop}
spec:
  identity:
    rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: a, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: a}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
`

// rbacShared is two workloads inheriting ServiceAccount shared from their pod
// templates, with one declaration, emitted once.
const rbacShared = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}, spec: {serviceAccountName: shared, containers: [{name: a, image: a:1}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  template: {metadata: {labels: {app: b}}, spec: {serviceAccountName: shared, containers: [{name: b, image: b:1}]}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: a, namespace: shop}
spec:
  identity:
    rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: b, namespace: shop}
spec:
  identity:
    rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: shared, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: shared, namespace: shop, labels: {netid.dev/workload: a}}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shared, namespace: shop, labels: {netid.dev/workload: a}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: shared}
subjects: [{kind: ServiceAccount, name: shared, namespace: shop}]
`

var proofRBACCases = table(proofRBAC, []ruleCase{
	{name: "a shared ServiceAccount with its one declared Role", yaml: rbacShared},
	{name: "a shared ServiceAccount granted more is one violation, not one per workload", yaml: rbacShared + `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shared-pods, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects: [{kind: ServiceAccount, name: shared, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: shop}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`, want: []string{"ServiceAccount/shop/shared metadata.name"}},
	{name: "exactly the declared Role", yaml: rbacApp},
	{name: "a binding for another ServiceAccount does not count", yaml: rbacApp + `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: other-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{kind: ServiceAccount, name: other, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin}
rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
`},
	{name: "a ClusterRoleBinding grants more", yaml: rbacApp + `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a-pods}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
`, want: []string{"ServiceAccount/shop/a metadata.name"}},
	{name: "a group binding reaches every ServiceAccount of the namespace", yaml: rbacApp + `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-sa-secrets, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects: [{kind: Group, name: "system:serviceaccounts:shop", apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [get]}]
`, want: []string{"ServiceAccount/shop/a metadata.name"}},
	{name: "a second name on the declared Role", yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}, spec: {serviceAccountName: a, containers: [{name: a, image: a:1}]}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: a, namespace: shop}
spec:
  identity:
    rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: a, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg, other], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: a}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
`, want: []string{"ServiceAccount/shop/a metadata.name"}},
	{name: "a binding to a role outside the render cannot be reviewed", yaml: rbacApp + `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
`, want: []string{"ServiceAccount/shop/a metadata.name"}},
})

func TestProofRBAC(t *testing.T) { runCases(t, proofRBAC, proofRBACCases) }

// A shared ServiceAccount is reviewed once, for all its workloads, and the
// identity objects generated with the first workload belong to all of them
// (an exception must be carried by all); a NetworkPolicy does not.
func TestSharedServiceAccountReview(t *testing.T) {
	s := streamOf(t, rbacShared+`---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: shared-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: "system:serviceaccount:shop:shared"}]
`)
	if s.Plan == nil {
		t.Fatal("the fixture does not plan")
	}
	rs := s.RBACReview()
	if len(rs) != 1 || rs[0].ServiceAccount != "shared" || !slices.Equal(rs[0].Workloads, []string{"shop/a", "shop/b"}) {
		t.Fatalf("reviews = %+v, want one of shop/shared for shop/a and shop/b", rs)
	}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.WorkloadLabel: "a"}}
	}
	for name, want := range map[string][]string{
		"shared":             {"shop/a", "shop/b"},
		"netid:shop:shared":  {"shop/a", "shop/b"},
		"a-ingress-from-web": {"shop/a"},
	} {
		if got := s.OwnerOf("shop", meta(name)); !slices.Equal(got, want) {
			t.Errorf("OwnerOf(%s) = %v, want %v", name, got, want)
		}
	}
	if got, want := s.BindingsOf("shop", "shared"), []string{"RoleBinding shop/shared", "ClusterRoleBinding shared-view"}; !slices.Equal(got, want) {
		t.Errorf("BindingsOf = %v, want %v", got, want)
	}
	if got := s.BindingsOf("shop", "a"); got != nil {
		t.Errorf("BindingsOf(a) = %v, want none", got)
	}
}
