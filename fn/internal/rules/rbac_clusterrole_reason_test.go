package rules

import "testing"

var rbacClusterRoleReasonCases = table(rbacClusterRoleReason, []ruleCase{
	{name: "generated ClusterRole with its declared reason", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: shop-cart
  labels: {netid.dev/workload: cart, netid.dev/workload-namespace: shop}
  annotations: {netid.dev/reason: "read node zones for topology-aware routing"}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
`},
	{name: "aggregated ClusterRole with a reason", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widget-viewer
  annotations: {netid.dev/reason: "view role for the widget CRDs, aggregated into view"}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-widget-viewer: "true"}}]
rules: []
`},
	{name: "no annotations at all", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
`, want: []string{"ClusterRole/node-reader metadata.annotations"}},
	{name: "other annotations but no reason", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-reader
  annotations: {netid.dev/generated: "true", reason: "looks like one but is not netid's"}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
`, want: []string{"ClusterRole/node-reader metadata.annotations"}},
	{name: "blank reason", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: shop-cart
  labels: {netid.dev/workload: cart, netid.dev/workload-namespace: shop}
  annotations: {netid.dev/reason: "  "}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
`, want: []string{"ClusterRole/shop-cart metadata.annotations"}},
	{name: "aggregated ClusterRole judged the same", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: widget-viewer}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-widget-viewer: "true"}}]
`, want: []string{"ClusterRole/widget-viewer metadata.annotations"}},
	{name: "a Role needs no reason, a ClusterRole beside it does", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cart, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cart], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cart}
rules: [{apiGroups: [""], resources: [namespaces], verbs: [get]}]
`, want: []string{"ClusterRole/cart metadata.annotations"}},
})

func TestRbacClusterRoleReason(t *testing.T) {
	runCases(t, rbacClusterRoleReason, rbacClusterRoleReasonCases)
}
