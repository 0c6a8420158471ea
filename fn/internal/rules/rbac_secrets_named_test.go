package rules

import "testing"

var rbacSecretsNamedCases = table(rbacSecretsNamed, []ruleCase{
	{name: "get on named Secrets", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cart, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [cart-db, cart-tls], verbs: [get]}]
`},
	{name: "update and patch on a named Secret", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rotator, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [cart-tls], verbs: [get, update, patch]}]
`},
	{name: "listing other core resources is not about Secrets", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: watcher, annotations: {netid.dev/reason: "watch endpoints"}}
rules:
- {apiGroups: [""], resources: [configmaps, endpoints], verbs: [get, list, watch]}
- {apiGroups: [apps], resources: [secrets], verbs: [list]}
`},
	{name: "secrets/* reads no Secret (the API server compares it literally; rbac-no-wildcard refuses it)", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cart, namespace: shop}
rules: [{apiGroups: [""], resources: ["secrets/*"], verbs: [get, list]}]
`},
	{name: "get on every Secret", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cart, namespace: shop}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [""], resources: [secrets], verbs: [get]}
`, want: []string{"Role/shop/cart rules[1].resourceNames"}},
	{name: "list and watch despite resourceNames", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cart, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [cart-db], verbs: [get, list, watch]}]
`, want: []string{"Role/shop/cart rules[0].verbs"}},
	{name: "deletecollection with no names fails both ways", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: janitor}
rules: [{apiGroups: [""], resources: [secrets], verbs: [deletecollection]}]
`, want: []string{"ClusterRole/janitor rules[0].resourceNames", "ClusterRole/janitor rules[0].verbs"}},
	{name: "wildcard resources and API groups cover Secrets", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: ["*"], verbs: [get]}
- {apiGroups: ["*"], resources: [secrets], resourceNames: [cart-db], verbs: ["*"]}
`, want: []string{"ClusterRole/reader rules[0].resourceNames", "ClusterRole/reader rules[1].verbs"}},
	{name: "explicitly empty resourceNames", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cart, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [], verbs: [get]}]
`, want: []string{"Role/shop/cart rules[0].resourceNames"}},
})

func TestRbacSecretsNamed(t *testing.T) { runCases(t, rbacSecretsNamed, rbacSecretsNamedCases) }
