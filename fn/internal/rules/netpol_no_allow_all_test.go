package rules

import "testing"

var netpolNoAllowAllCases = table(netpolNoAllowAll, []ruleCase{
	{name: "peers selected by labels", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart-from-frontend, namespace: shop, labels: {netid.dev/workload: cart}}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
    ports: [{port: 8080, protocol: TCP}]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}]
`},
	{name: "pure default-deny has no rules", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`},
	{name: "every pod of one named namespace, an ipBlock and a matchExpressions selector", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart-from-monitoring, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress:
  - from:
    - {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {}}
    - {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}
    - ipBlock: {cidr: 0.0.0.0/0}
    - podSelector: {matchExpressions: [{key: app, operator: In, values: [frontend]}]}
`},
	{name: "ingress [{}] admits every source", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress: [{}]
`, want: []string{"NetworkPolicy/shop/open spec.ingress[0]"}},
	{name: "ports-only egress rule and an explicit empty from", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ports-only, namespace: shop, labels: {netid.dev/workload: cart}}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
  - from: []
    ports: [{port: 8080}]
  egress:
  - ports: [{port: 443, protocol: TCP}]
`, want: []string{"NetworkPolicy/shop/ports-only spec.egress[0]", "NetworkPolicy/shop/ports-only spec.ingress[1]"}},
	{name: "podSelector {} peer without namespaceSelector selects the whole namespace", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-namespace, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}, {podSelector: {}}]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
  - to: [{podSelector: {}}]
`, want: []string{"NetworkPolicy/shop/from-namespace spec.egress[1].to[0]", "NetworkPolicy/shop/from-namespace spec.ingress[0].from[1]"}},
	{name: "namespaceSelector {} selects every namespace, with or without a podSelector", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cluster-wide, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{namespaceSelector: {}}]
  egress:
  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}]
`, want: []string{"NetworkPolicy/shop/cluster-wide spec.egress[0].to[0].namespaceSelector", "NetworkPolicy/shop/cluster-wide spec.ingress[0].from[0].namespaceSelector"}},
})

func TestNetpolNoAllowAll(t *testing.T) { runCases(t, netpolNoAllowAll, netpolNoAllowAllCases) }
