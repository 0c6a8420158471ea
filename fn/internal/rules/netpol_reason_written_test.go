package rules

import "testing"

const reasonApp = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  template: {metadata: {labels: {app: b}}, spec: {containers: [{name: b, image: b:1, ports: [{name: http, containerPort: 8080}]}]}}
---
`

var netpolReasonWrittenCases = table(netpolReasonWritten, []ruleCase{
	{name: "reasons written by a person", yaml: reasonApp + `
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: a, namespace: shop}
spec:
  egress: [{to: {workload: b}, ports: [http], reason: "a reads the catalogue from b"}]
  mesh: {provider: none, eastWest: "TLS in the app (ADR-0007)"}
`},
	{name: "an inferred flow still carries init's placeholder", yaml: reasonApp + `
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: a, namespace: shop}
spec:
  egress:
  - to: {workload: b}
    ports: [http]
    reason: 'netid init: inferred from env B_ADDR of container a ("b:8080"); replace with why a calls b'
`, want: []string{"NetworkIdentity/shop/a spec.egress[0].reason"}},
	{name: "the encryption decision and an exception still carry it", yaml: reasonApp + `
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: b, namespace: shop}
spec:
  mesh: {provider: none, eastWest: "netid init: say how calls to b are encrypted"}
  exceptions: [{rule: rbac-no-wildcard, adr: ADR-1, reason: "netid init: why"}]
`, want: []string{"NetworkIdentity/shop/b spec.mesh.eastWest", "NetworkIdentity/shop/b spec.exceptions[0].reason"}},
	{name: "a plain-HTTP Ingress's reason is still the draft", yaml: reasonApp + `
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: b, namespace: shop}
spec:
  exposure:
    controller: {namespace: ingress-nginx, podLabels: {app: ingress-nginx}}
    ingress: {className: nginx, host: b.example.com, port: http, plainReason: "netid init: Ingress shop/b serves plain HTTP; replace with why, or add TLS"}
`, want: []string{"NetworkIdentity/shop/b spec.exposure.ingress.plainReason"}},
})

func TestNetpolReasonWritten(t *testing.T) {
	runCases(t, netpolReasonWritten, netpolReasonWrittenCases)
}
