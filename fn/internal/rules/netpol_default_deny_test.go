package rules

import "testing"

const ddWorkload = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
`

var netpolDefaultDenyCases = table(netpolDefaultDeny, []ruleCase{
	{name: "one policy both directions", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`},
	{name: "one policy per direction", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-in, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-out, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}
`},
	{name: "no policy", yaml: ddWorkload, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "reported on the Namespace when present", yaml: ddWorkload + `---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`, want: []string{"Namespace/shop metadata.name"}},
	{name: "ingress only (policyTypes defaulted)", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "selects some pods only", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "has allow rules, so not a deny", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {matchLabels: {app: x}}}]}]}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "deny in another namespace does not count", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: other}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
})

func TestNetpolDefaultDeny(t *testing.T) { runCases(t, netpolDefaultDeny, netpolDefaultDenyCases) }
