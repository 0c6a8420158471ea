package rules

import "testing"

var rbacNoWildcardCases = table(rbacNoWildcard, []ruleCase{
	{name: "named permissions", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
`},
	{name: "wildcard verb and resource in a Role", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: admin, namespace: shop}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [apps], resources: ["*"], verbs: ["*"]}
`, want: []string{"Role/shop/admin rules[1].resources", "Role/shop/admin rules[1].verbs"}},
	{name: "wildcard API group in a ClusterRole", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: crd-reader}
rules: [{apiGroups: ["*"], resources: [widgets], verbs: [get]}]
`, want: []string{"ClusterRole/crd-reader rules[0].apiGroups"}},
	{name: "wildcard non-resource URL", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: urls}
rules: [{nonResourceURLs: ["*"], verbs: [get]}]
`, want: []string{"ClusterRole/urls rules[0].nonResourceURLs"}},
})

func TestRbacNoWildcard(t *testing.T) { runCases(t, rbacNoWildcard, rbacNoWildcardCases) }
