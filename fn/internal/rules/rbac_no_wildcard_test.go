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
	{name: "named subresources and a URL prefix", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: scaler}
rules:
- {apiGroups: [apps], resources: [deployments/scale, statefulsets/scale], verbs: [get, update]}
- {apiGroups: [""], resources: [pods/log], verbs: [get]}
- {nonResourceURLs: ["/healthz/*"], verbs: [get]}
`},
	{name: "every subresource of pods (pods/*) in a ClusterRole", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debugger}
rules: [{apiGroups: [""], resources: [pods, "pods/*"], verbs: [create, get]}]
`, want: []string{"ClusterRole/debugger rules[0].resources"}},
	{name: "a subresource of every resource (*/scale) and */*", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: autoscaler, namespace: shop}
rules:
- {apiGroups: [apps], resources: ["*/scale"], verbs: [update]}
- {apiGroups: [""], resources: ["*/*"], verbs: [get]}
`, want: []string{"Role/shop/autoscaler rules[0].resources", "Role/shop/autoscaler rules[1].resources"}},
	{name: "every subresource of secrets, and stars inside names", yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- {apiGroups: [""], resources: ["secrets/*"], verbs: [get]}
- {apiGroups: ["*.example.com"], resources: ["widget*"], verbs: ["get*"]}
`, want: []string{"Role/shop/reader rules[0].resources", "Role/shop/reader rules[1].apiGroups",
		"Role/shop/reader rules[1].resources", "Role/shop/reader rules[1].verbs"}},
})

// TestRbacNoWildcardMessages checks that a finding says what the value
// expands to in the API server's RBAC matching.
func TestRbacNoWildcardMessages(t *testing.T) {
	for _, c := range []struct{ field, value, want string }{
		{"verbs", "*", `grants every verbs ("*")`},
		{"resources", "*/scale", `grants the scale subresource of every resource in its API groups ("*/scale"), including resources added later: deployments/scale, replicasets/scale, statefulsets/scale`},
		{"resources", "*/status", `grants the status subresource of every resource in its API groups ("*/status"), including resources added later`},
		{"resources", "pods/*", `names "pods/*"; the API server does not expand it (RBAC matches only "*" and, in resources, "*/subresource"), so it grants nothing today, but it reads as a wildcard for every subresource of pods, including pods/exec, pods/attach, pods/portforward, pods/proxy, pods/ephemeralcontainers, pods/eviction, pods/log; name the subresources`},
		{"resources", "widgets/*", `names "widgets/*"; the API server does not expand it (RBAC matches only "*" and, in resources, "*/subresource"), so it grants nothing today, but it reads as a wildcard for every subresource of widgets; name the subresources`},
		{"resources", "*/*", `names "*/*"; the API server does not expand it (RBAC matches only "*" and, in resources, "*/subresource"), so it grants nothing today, but it reads as a wildcard`},
		{"apiGroups", "*.k8s.io", `names "*.k8s.io"; the API server does not expand it (RBAC matches only "*" and, in resources, "*/subresource"), so it grants nothing today, but it reads as a wildcard`},
	} {
		if got := wildcardMeaning(c.field, c.value); got != c.want {
			t.Errorf("%s %q:\n got  %s\n want %s", c.field, c.value, got, c.want)
		}
	}
}

func TestRbacNoWildcard(t *testing.T) { runCases(t, rbacNoWildcard, rbacNoWildcardCases) }
