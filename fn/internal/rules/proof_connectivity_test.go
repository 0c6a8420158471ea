package rules

import "testing"

// proofApp is two declared workloads, a calls b on its http port, with DNS
// off so only the flow itself is expected.
const proofApp = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: b, image: b:1, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: a, namespace: shop}
spec:
  dns: {enabled: false}
  egress: [{to: {workload: b}, ports: [http], reason: "a calls b"}]
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: b, namespace: shop}
spec:
  dns: {enabled: false}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`

const proofAllowAB = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-egress-to-b, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: b}}}], ports: [{port: http}]}]
`

const proofAdmitA = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-ingress-from-a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 8080}]}]
`

var proofConnectivityCases = table(proofConnectivity, []ruleCase{
	{name: "both ends rendered: exactly the declared flow", yaml: proofApp + proofAllowAB + proofAdmitA},
	{name: "no stream configs: nothing expected, nothing judged", yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: a:1}]}}
`},
	{name: "declared flow blocked: the callee admits no one", yaml: proofApp + proofAllowAB,
		want: []string{"Deployment/shop/b spec"}},
	{name: "declared flow blocked: the caller may not leave", yaml: proofApp + proofAdmitA,
		want: []string{"Deployment/shop/b spec"}},
	{name: "undeclared flow open: every pod of the namespace may call b", yaml: proofApp + proofAllowAB + proofAdmitA + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-namespace, namespace: shop}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {}}], ports: [{port: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all-to-b, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: b}}}], ports: [{port: 8080}]}]
`, want: []string{"Deployment/shop/b spec"}}, // the probe with undeclared labels reaches b
	{name: "an admitting policy alone is not enough: the probe may not leave its namespace", yaml: proofApp + proofAllowAB + proofAdmitA + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-namespace, namespace: shop}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {}}], ports: [{port: 8080}]}]
`},
	{name: "undeclared flow open: a clone of a in another namespace reaches b", yaml: proofApp + proofAllowAB + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-ingress-from-a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}], ports: [{port: 8080}]}]
`, want: []string{"Deployment/shop/b spec"}},
	{name: "undeclared port open: the callee admits a on every port", yaml: proofApp + proofAllowAB + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-ingress-from-a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-egress-anywhere, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]
`, want: []string{"Deployment/shop/b spec"}}, // 65000/TCP, the probe port
})

func TestProofConnectivity(t *testing.T) {
	runCases(t, proofConnectivity, proofConnectivityCases)
}
