package rules

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/finding"
)

// consistentMeshed is web calling cart on http, declared, in the meshed
// namespace shop, each with its own ServiceAccount.
const consistentMeshed = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {serviceAccountName: cart, containers: [{name: cart, image: cart:1, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {serviceAccountName: web, containers: [{name: web, image: web:1}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  dns: {enabled: false}
  egress: [{to: {workload: cart}, ports: [http], reason: "web calls cart"}]
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  dns: {enabled: false}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cart-from-web, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/web]}}], to: [{operation: {ports: ["8080"]}}]}]
`

// consistentNetwork lets web reach cart on 8080 and nothing else.
const consistentNetwork = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-cart, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: cart}}}], ports: [{port: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
`

var proofLayerConsistentCases = table(proofLayerConsistent, []ruleCase{
	{name: "the layers agree on the declared flow; the mesh narrowing the network by its ALLOW policy is no contradiction", yaml: consistentMeshed + consistentNetwork},
	{name: "NetworkPolicy only: nothing compiled through the model", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`},
	{name: "an AuthorizationPolicy in kube-system, which the mesh never joins, selects no pod", yaml: consistentMeshed + consistentNetwork + `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: dns-from-shop, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: kube-dns}}
  rules: [{from: [{source: {namespaces: [shop]}}]}]
`, want: []string{"AuthorizationPolicy/kube-system/dns-from-shop spec"}},
	{name: "a Calico selector no pod satisfies; a generated dead policy is not judged", yaml: layeredApp("calico") + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: contradiction}
spec:
  selector: app == 'cart' && app == 'web'
  types: [Ingress]
  ingress: [{action: Deny}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: cart-only}
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{action: Allow}]
`, setup: func(s *Stream) {
		s.AddGenerated(nil, map[string]any{"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
			"metadata": map[string]any{"name": "dead", "namespace": "kube-system"}, "spec": map[string]any{}},
			finding.Object{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy", Namespace: "kube-system", Name: "dead"})
	}, want: []string{"GlobalNetworkPolicy/contradiction spec"}},
	{name: "a declared flow the network blocks while a mesh rule admits it", yaml: consistentMeshed + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
`, want: []string{"NetworkPolicy/shop/default-deny spec"}},
	{name: "a network rule admits what a mesh DENY rule refuses", yaml: consistentMeshed + consistentNetwork + `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-web, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  action: DENY
  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/web]}}]}]
`, want: []string{"AuthorizationPolicy/shop/deny-web spec.rules[0]"}},
})

func TestProofLayerConsistent(t *testing.T) {
	runCases(t, proofLayerConsistent, proofLayerConsistentCases)
}

// A contradiction's finding names both sides and the flows.
func TestProofLayerConsistentMessage(t *testing.T) {
	s := streamOf(t, proofLayerConsistentCases[len(proofLayerConsistentCases)-1].yaml)
	vs := proofLayerConsistent.Check(s)
	if len(vs) != 1 {
		t.Fatalf("violations %+v, want one", vs)
	}
	for _, want := range []string{"NetworkPolicy shop/cart-from-web spec.ingress[0]: Allow", "AuthorizationPolicy shop/deny-web spec.rules[0]: Deny", "shop/web → shop/cart on 8080/TCP"} {
		if !strings.Contains(vs[0].Message, want) {
			t.Errorf("message %q does not name %q", vs[0].Message, want)
		}
	}
}
