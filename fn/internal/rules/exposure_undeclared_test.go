package rules

import (
	"slices"
	"strings"
	"testing"
)

// exposureShop is a namespace with two workloads behind ClusterIP Services:
// web, whose NetworkIdentity declares an Ingress exposure, and worker, whose
// NetworkIdentity declares none.
const exposureShop = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker, tier: front}}
    spec: {containers: [{name: worker, image: worker:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: worker, namespace: shop}
spec: {selector: {app: worker}, ports: [{name: http, port: 80}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  exposure:
    ingress: {className: nginx, host: shop.example.com, port: http}
    controller: {namespace: ingress-nginx, podLabels: {app.kubernetes.io/name: ingress-nginx}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: worker, namespace: shop}
spec: {}
`

var exposureUndeclaredCases = table(exposureUndeclared, []ruleCase{
	{name: "declared workload behind a LoadBalancer, an Ingress and an HTTPRoute", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: web-lb, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop, labels: {netid.dev/workload: web}}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: web, port: {name: http}}}
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: gateway-system}]
  rules: [{backendRefs: [{name: web, port: 80}, {kind: Service, group: "", name: web, port: 80}]}]
`},
	{name: "in-cluster Services, non-Service backends and an Ingress without http", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: worker-headless, namespace: shop}
spec: {clusterIP: None, selector: {app: worker}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: assets, namespace: shop}
spec:
  defaultBackend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: assets}}
  rules:
  - host: assets.example.com
  - host: static.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: elsewhere, namespace: shop}
spec:
  rules:
  - backendRefs: [{group: multicluster.x-k8s.io, kind: ServiceImport, name: worker, port: 80}]
`},
	{name: "NodePort Service for a workload without declared exposure", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: worker-np, namespace: shop}
spec: {type: NodePort, selector: {app: worker}, ports: [{port: 80, nodePort: 30080}]}
`, want: []string{"Service/shop/worker-np spec.type"}},
	{name: "LoadBalancer reaching a declared and an undeclared workload", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop}
spec: {type: LoadBalancer, selector: {tier: front}, ports: [{port: 80}]}
`, want: []string{"Service/shop/front spec.type"}},
	{name: "LoadBalancer for a workload with no NetworkIdentity, and one selecting nothing", yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {type: LoadBalancer, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: data}
spec: {type: LoadBalancer, ports: [{port: 5432}]}
`, want: []string{"Service/data/db spec.type", "Service/data/external spec.type"}},
	{name: "Ingress paths and default backend reaching undeclared or missing Services", yaml: exposureShop + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend: {service: {name: not-rendered, port: {number: 80}}}
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /jobs, pathType: Prefix, backend: {service: {name: worker, port: {name: http}}}}
  - host: admin.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: admin}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: worker, port: {number: 80}}}}
`, want: []string{
		"Ingress/shop/shop spec.defaultBackend.service.name",
		"Ingress/shop/shop spec.rules[0].http.paths[1].backend.service.name",
		"Ingress/shop/shop spec.rules[1].http.paths[1].backend.service.name",
	}},
	{name: "HTTPRoute backendRef namespace overrides the route's", yaml: exposureShop + `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: legacy}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:0}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: legacy}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: shop}
spec: {selector: {app: nothing-here}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: gateway-system}]
  rules:
  - backendRefs: [{name: web, port: 80}, {name: web, namespace: legacy, port: 80, weight: 10}]
  - backendRefs: [{name: empty, port: 80}]
`, want: []string{"HTTPRoute/shop/web spec.rules[0].backendRefs[1]", "HTTPRoute/shop/web spec.rules[1].backendRefs[0]"}},
})

func TestExposureUndeclared(t *testing.T) {
	runCases(t, exposureUndeclared, exposureUndeclaredCases)
}

// TestExposureUndeclaredAttribution checks that a violation names the Service
// and is attributed to the reached workloads that lack the declaration, or,
// when nothing can be traced, to the workload the exposing object belongs to.
func TestExposureUndeclaredAttribution(t *testing.T) {
	s := streamOf(t, exposureShop+`---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop}
spec: {type: LoadBalancer, selector: {tier: front}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop, labels: {netid.dev/workload: web}}
spec:
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: gone, port: {number: 80}}}}]}
`)
	got := map[string]Violation{}
	for _, v := range exposureUndeclared.Check(s) {
		got[v.Object.String()] = v
	}
	lb := got["Service/shop/front"]
	if !slices.Equal(lb.Workloads, []string{"shop/worker"}) {
		t.Errorf("LoadBalancer attributed to %q, want [shop/worker]", lb.Workloads)
	}
	if !strings.Contains(lb.Message, "Service shop/front") || !strings.Contains(lb.Message, "shop/worker") || strings.Contains(lb.Message, "shop/web") {
		t.Errorf("LoadBalancer message %q should name the Service and only the undeclared workload", lb.Message)
	}
	in := got["Ingress/shop/web"]
	if !slices.Equal(in.Workloads, []string{"shop/web"}) {
		t.Errorf("untraceable Ingress attributed to %q, want its owner [shop/web]", in.Workloads)
	}
	if !strings.Contains(in.Message, "Service shop/gone") || !strings.Contains(in.Message, "cannot be traced to a declared workload") {
		t.Errorf("untraceable Ingress message %q", in.Message)
	}
}
