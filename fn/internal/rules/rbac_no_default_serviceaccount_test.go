package rules

import "testing"

// ndsaPod is a Deployment whose pod spec ends with the given fields.
func ndsaPod(specFields string) string {
	return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers: [{name: cart, image: cart:1}]
` + specFields
}

// ndsaCRB is a generated ClusterRoleBinding granting to two default identities.
const ndsaCRB = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: shop-cart-nodes
  labels: {netid.dev/workload: cart, netid.dev/workload-namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nodes}
subjects:
- {kind: ServiceAccount, name: default, namespace: other}
- {kind: User, name: "system:serviceaccount:shop:default", apiGroup: rbac.authorization.k8s.io}
`

var rbacNoDefaultServiceAccountCases = table(rbacNoDefaultServiceAccount, []ruleCase{
	{name: "dedicated ServiceAccount", yaml: ndsaPod("      serviceAccountName: cart\n")},
	{name: "deprecated serviceAccount naming a dedicated one", yaml: ndsaPod("      serviceAccount: cart\n")},
	{name: "serviceAccountName wins over a deprecated default", yaml: ndsaPod("      serviceAccountName: cart\n      serviceAccount: default\n")},
	{name: "bindings to dedicated ServiceAccounts, users and groups", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cart, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cart}
subjects:
- {kind: ServiceAccount, name: cart, namespace: shop}
- {kind: User, name: default}
- {kind: User, name: "system:serviceaccount:shop:cart"}
- {kind: Group, name: default, apiGroup: rbac.authorization.k8s.io}
`},
	{name: "no ServiceAccount named", yaml: ndsaPod(""),
		want: []string{"Deployment/shop/cart spec.template.spec.serviceAccountName"}},
	{name: "default named explicitly", yaml: ndsaPod("      serviceAccountName: default\n"),
		want: []string{"Deployment/shop/cart spec.template.spec.serviceAccountName"}},
	{name: "default through the deprecated field", yaml: ndsaPod("      serviceAccount: default\n"),
		want: []string{"Deployment/shop/cart spec.template.spec.serviceAccountName"}},
	{name: "StatefulSet without a ServiceAccount", yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      automountServiceAccountToken: false
      containers: [{name: db, image: db:1}]
`, want: []string{"StatefulSet/shop/db spec.template.spec.serviceAccountName"}},
	{name: "RoleBinding to default, namespace implied by the binding", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: cart, namespace: shop}
- {kind: ServiceAccount, name: default}
`, want: []string{"RoleBinding/shop/reader subjects[1]"}},
	{name: "ClusterRoleBinding to default and to its user name", yaml: ndsaCRB, want: []string{"ClusterRoleBinding/shop-cart-nodes subjects[0]", "ClusterRoleBinding/shop-cart-nodes subjects[1]"}},
})

func TestRbacNoDefaultServiceAccount(t *testing.T) {
	runCases(t, rbacNoDefaultServiceAccount, rbacNoDefaultServiceAccountCases)
}

// TestRbacNoDefaultServiceAccountAttribution checks whose exceptions apply: a
// template's own workload, and a generated binding's owner.
func TestRbacNoDefaultServiceAccountAttribution(t *testing.T) {
	s := streamOf(t, ndsaPod("")+"---\n"+ndsaCRB)
	got := map[string][]string{}
	for _, v := range rbacNoDefaultServiceAccount.Check(s) {
		got[v.Object.String()+" "+v.Field] = v.Workloads
	}
	for k, want := range map[string]string{
		"Deployment/shop/cart spec.template.spec.serviceAccountName": "shop/cart",
		"ClusterRoleBinding/shop-cart-nodes subjects[1]":             "shop/cart",
	} {
		if len(got[k]) != 1 || got[k][0] != want {
			t.Errorf("%s attributed to %q, want [%s]", k, got[k], want)
		}
	}
}
