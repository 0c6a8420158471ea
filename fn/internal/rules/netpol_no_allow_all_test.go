package rules

import (
	"testing"

	"netid.dev/netid/fn/internal/finding"
)

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

// layeredApp is a declared workload cart in namespace shop on a cluster
// whose CNI is cni, for the rules that judge every layer.
func layeredApp(cni string) string {
	return `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
` + cartDeployment + `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  cni: ` + cni + `
  dns: {enabled: false}
`
}

// istioAllowAll is an Istio ALLOW policy admitting every caller.
var istioAllowAll = map[string]any{"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
	"metadata": map[string]any{"name": "generated-open", "namespace": "shop"},
	"spec":     map[string]any{"rules": []any{map[string]any{}}}}

var netpolNoAllowAllLayeredCases = table(netpolNoAllowAll, []ruleCase{
	{name: "Calico: a GlobalNetworkPolicy admitting named pods", yaml: layeredApp("calico") + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: cart-from-web}
spec:
  selector: app == 'cart'
  ingress: [{action: Allow, source: {selector: app == 'web'}}]
  egress: [{action: Deny}]
`},
	{name: "Calico: a GlobalNetworkPolicy allowing all()", yaml: layeredApp("calico") + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-all}
spec:
  selector: all()
  ingress: [{action: Allow}]
  egress: [{action: Allow, protocol: TCP, destination: {ports: [443], selector: all(), namespaceSelector: all()}}]
`, want: []string{"GlobalNetworkPolicy/allow-all spec.ingress[0]", "GlobalNetworkPolicy/allow-all spec.egress[0]"}},
	{name: "Cilium: endpoints selected by labels", yaml: layeredApp("cilium") + `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cart-from-web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: cart}}
  ingress: [{fromEndpoints: [{matchLabels: {app: web}}]}]
`},
	{name: "Cilium: fromEntities all", yaml: layeredApp("cilium") + `---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: open}
spec:
  endpointSelector: {}
  ingress: [{fromEntities: [all]}]
`, want: []string{"CiliumClusterwideNetworkPolicy/open spec.ingress[0]"}},
	{name: "Antrea: a peer of named pods", yaml: layeredApp("antrea") + `---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: cart-from-web}
spec:
  priority: 5
  tier: application
  appliedTo: [{podSelector: {matchLabels: {app: cart}}}]
  ingress: [{action: Allow, from: [{podSelector: {matchLabels: {app: web}}, namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}]}]
`},
	{name: "Antrea: every namespace's pods", yaml: layeredApp("antrea") + `---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: from-everywhere}
spec:
  priority: 5
  tier: application
  appliedTo: [{podSelector: {matchLabels: {app: cart}}}]
  ingress: [{action: Allow, from: [{namespaceSelector: {}}]}]
`, want: []string{"ClusterNetworkPolicy/from-everywhere spec.ingress[0]"}},
	{name: "Istio: a caller named by its identity; a generated allow-all is not judged", yaml: layeredApp("generic") + `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cart-from-web, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/web]}}]}]
`, setup: func(s *Stream) {
		s.AddGenerated(nil, istioAllowAll, finding.Object{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy", Namespace: "shop", Name: "generated-open"})
	}},
	{name: "Istio: rules [{}] admits every caller at the mesh", yaml: layeredApp("generic") + `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: open, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules: [{}]
`, want: []string{"AuthorizationPolicy/shop/open spec.rules[0]"}},
	{name: "Linkerd: a Server admitting every client", yaml: layeredApp("generic") + `---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: cart-http, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  port: http
  accessPolicy: all-unauthenticated
`, want: []string{"Server/shop/cart-http spec.accessPolicy"}},
})

func TestNetpolNoAllowAllLayered(t *testing.T) {
	runCases(t, netpolNoAllowAll, netpolNoAllowAllLayeredCases)
}
