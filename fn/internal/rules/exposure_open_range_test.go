package rules

import "testing"

// exposureRanges has web, declaring the LoadBalancer web-lb and the NodePort
// web-np with narrow ranges, and edge, declaring the NodePort edge-np open to
// every address.
const exposureRanges = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: shop}
spec:
  selector: {matchLabels: {app: edge}}
  template:
    metadata: {labels: {app: edge}}
    spec: {containers: [{name: edge, image: edge:1}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  exposure:
    loadBalancer: {service: web-lb, sourceRanges: [198.51.100.0/24]}
    nodePort: {service: web-np, sourceRanges: [10.20.0.0/16], nodeCIDRs: [10.0.0.0/24]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: edge, namespace: shop}
spec:
  exposure:
    nodePort: {service: edge-np, sourceRanges: ["0.0.0.0/0"], nodeCIDRs: [10.0.0.0/24]}
`

var exposureOpenRangeCases = table(exposureOpenRange, []ruleCase{
	{name: "narrow LoadBalancer and NodePort ranges", yaml: exposureRanges + `---
apiVersion: v1
kind: Service
metadata: {name: web-lb, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, loadBalancerSourceRanges: [198.51.100.0/24, "2001:db8::/32"], ports: [{port: 443}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-np, namespace: shop}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 443}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 443}]}
`},
	{name: "LoadBalancer without ranges, with 0.0.0.0/0 or ::/0", yaml: exposureRanges + `---
apiVersion: v1
kind: Service
metadata: {name: web-lb, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-lb6, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, loadBalancerSourceRanges: [198.51.100.0/24, "::/0", " 0.0.0.0/0"], ports: [{port: 443}]}
`, want: []string{"Service/shop/web-lb spec.loadBalancerSourceRanges", "Service/shop/web-lb6 spec.loadBalancerSourceRanges[1]", "Service/shop/web-lb6 spec.loadBalancerSourceRanges[2]"}},
	{name: "NodePort declared open", yaml: exposureRanges + `---
apiVersion: v1
kind: Service
metadata: {name: edge-np, namespace: shop}
spec: {type: NodePort, selector: {app: edge}, ports: [{port: 443}]}
`, want: []string{"Service/shop/edge-np spec.type"}},
})

func TestExposureOpenRange(t *testing.T) {
	runCases(t, exposureOpenRange, exposureOpenRangeCases)
}
