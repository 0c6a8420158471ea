package rules

import (
	"slices"
	"strings"
	"testing"
)

// exposureShop is a namespace with four workloads behind ClusterIP Services:
// web, whose NetworkIdentity declares an Ingress with TLS and the
// LoadBalancer Service front; api, which declares a GRPCRoute; blog, which
// declares a plain-HTTP Ingress with its reason; and worker, which declares
// no exposure.
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
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: blog, namespace: shop}
spec:
  selector: {matchLabels: {app: blog}}
  template:
    metadata: {labels: {app: blog}}
    spec: {containers: [{name: blog, image: blog:1}]}
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
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{name: grpc, port: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: blog, namespace: shop}
spec: {selector: {app: blog}, ports: [{name: http, port: 80}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  exposure:
    ingress: {className: nginx, host: shop.example.com, tlsSecret: shop-tls, port: http}
    loadBalancer: {service: front, sourceRanges: [198.51.100.0/24]}
    controller: {namespace: ingress-nginx, podLabels: {app.kubernetes.io/name: ingress-nginx}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: api, namespace: shop}
spec:
  exposure:
    gateway: {kind: GRPCRoute, parentRef: {name: public, namespace: gateway-system}, port: grpc}
    controller: {namespace: gateway-system, podLabels: {app: gateway}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: blog, namespace: shop}
spec:
  exposure:
    ingress: {className: nginx, host: blog.example.com, plainReason: "TLS ends at the CDN (ADR-0031)", port: http}
    controller: {namespace: ingress-nginx, podLabels: {app.kubernetes.io/name: ingress-nginx}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: worker, namespace: shop}
spec: {}
`

var exposureUndeclaredCases = table(exposureUndeclared, []ruleCase{
	{name: "each path declared by its kind: LoadBalancer, Ingress with TLS, GRPCRoute, plain Ingress with a reason", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, loadBalancerSourceRanges: [198.51.100.0/24], ports: [{port: 443}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop, labels: {netid.dev/workload: web}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  defaultBackend: {service: {name: web, port: {name: http}}}
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: blog, namespace: shop}
spec:
  rules:
  - host: blog.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: blog, port: {name: http}}}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: api, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: gateway-system}]
  rules: [{backendRefs: [{name: api, port: 9090}, {kind: Service, group: "", name: api, port: 9090}]}]
`},
	{name: "a Service kustomize renamed is matched by its earlier name", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: prod-front, namespace: shop, annotations: {internal.config.kubernetes.io/previousNames: "front"}}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}
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
	{name: "a declared Ingress does not excuse a LoadBalancer, nor a declared LoadBalancer another one or a NodePort", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: blog-lb, namespace: shop}
spec: {type: LoadBalancer, selector: {app: blog}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-lb2, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-np, namespace: shop}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
`, want: []string{"Service/shop/blog-lb spec.type", "Service/shop/web-lb2 spec.type", "Service/shop/web-np spec.type"}},
	{name: "externalIPs are refused even for a workload that declares every other kind", yaml: exposureShop + `---
apiVersion: v1
kind: Service
metadata: {name: web-ext, namespace: shop}
spec: {selector: {app: web}, externalIPs: [203.0.113.10], ports: [{port: 80}]}
`, want: []string{"Service/shop/web-ext spec.externalIPs"}},
	{name: "an Ingress without TLS for a workload that declares TLS", yaml: exposureShop + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-plain, namespace: shop}
spec:
  tls: [{hosts: [other.example.com], secretName: other-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-default, namespace: shop}
spec:
  defaultBackend: {service: {name: web, port: {name: http}}}
`, want: []string{"Ingress/shop/web-default spec.tls", "Ingress/shop/web-plain spec.tls"}},
	{name: "user routes of other kinds: TCPRoute to an undeclared workload, TLSRoute and UDPRoute to a GRPCRoute's", yaml: exposureShop + `---
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: worker, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: gateway-system}]
  rules: [{backendRefs: [{name: worker, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: api-tls, namespace: shop}
spec:
  hostnames: [api.example.com]
  rules: [{backendRefs: [{name: api, port: 9090}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata: {name: api-udp, namespace: shop}
spec:
  rules: [{backendRefs: [{name: api, port: 9090}]}]
`, want: []string{"TCPRoute/shop/worker spec.rules[0].backendRefs[0]", "TLSRoute/shop/api-tls spec.rules[0].backendRefs[0]", "UDPRoute/shop/api-udp spec.rules[0].backendRefs[0]"}},
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
  tls: [{hosts: [shop.example.com, admin.example.com], secretName: shop-tls}]
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
	{name: "route backendRef namespace overrides the route's", yaml: exposureShop + `---
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
kind: GRPCRoute
metadata: {name: api, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: gateway-system}]
  rules:
  - backendRefs: [{name: api, port: 9090}, {name: web, namespace: legacy, port: 80, weight: 10}]
  - backendRefs: [{name: empty, port: 80}]
`, want: []string{"GRPCRoute/shop/api spec.rules[0].backendRefs[1]", "GRPCRoute/shop/api spec.rules[1].backendRefs[0]"}},
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
