package rules

import "testing"

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

var proofRBACCases = table(proofRBAC, []ruleCase{
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
