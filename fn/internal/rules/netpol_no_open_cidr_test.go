package rules

import "testing"

var netpolNoOpenCIDRCases = table(netpolNoOpenCIDR, []ruleCase{
	{name: "narrow blocks", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart-to-psp, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
  egress:
  - to: [{ipBlock: {cidr: 203.0.113.0/24}}, {ipBlock: {cidr: "2001:db8::/32"}}, {ipBlock: {cidr: 0.0.0.0/1}}]
`},
	{name: "open block justified by the reason annotation", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart-to-internet
  namespace: shop
  labels: {netid.dev/workload: cart}
  annotations: {netid.dev/peer: cidr 0.0.0.0/0, netid.dev/reason: "webhooks to customer-chosen endpoints"}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}, {ipBlock: {cidr: "::/0"}}]
`},
	{name: "per-workload policy: the open block's own rule needs the reason", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart-flows
  namespace: shop
  labels: {netid.dev/workload: cart}
  annotations:
    netid.dev/peer: "egress[0]: cidr 0.0.0.0/0\negress[1]: cidr ::/0"
    netid.dev/reason: "egress[0]: webhooks to customer-chosen endpoints"
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
  - to: [{ipBlock: {cidr: "::/0"}}]
`, want: []string{"NetworkPolicy/shop/cart-flows spec.egress[1].to[0].ipBlock.cidr"}},
	{name: "pod peers are not this rule's concern", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-frontend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]
`},
	{name: "0.0.0.0/0 egress with except is still open", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-internet, namespace: shop, annotations: {netid.dev/peer: cidr 0.0.0.0/0}}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}, {ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}]
`, want: []string{"NetworkPolicy/shop/to-internet spec.egress[0].to[1].ipBlock.cidr"}},
	{name: "IPv6 ::/0 ingress", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-anywhere, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{ipBlock: {cidr: 192.0.2.0/24}}]
  - from: [{ipBlock: {cidr: "::/0"}}]
`, want: []string{"NetworkPolicy/shop/from-anywhere spec.ingress[1].from[0].ipBlock.cidr"}},
	{name: "prefix length 0 however written", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: odd-spellings, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/0}
    - ipBlock: {cidr: "0:0::/0"}
    - ipBlock: {cidr: "::ffff:0.0.0.0/0"}
    - ipBlock: {cidr: 0.0.0.0/00}
`, want: []string{
		"NetworkPolicy/shop/odd-spellings spec.egress[0].to[0].ipBlock.cidr",
		"NetworkPolicy/shop/odd-spellings spec.egress[0].to[1].ipBlock.cidr",
		"NetworkPolicy/shop/odd-spellings spec.egress[0].to[2].ipBlock.cidr",
		"NetworkPolicy/shop/odd-spellings spec.egress[0].to[3].ipBlock.cidr",
	}},
	{name: "a blank reason is no justification", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: blank-reason, namespace: shop, annotations: {netid.dev/reason: "  "}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
`, want: []string{"NetworkPolicy/shop/blank-reason spec.egress[0].to[0].ipBlock.cidr"}},
})

func TestNetpolNoOpenCIDR(t *testing.T) { runCases(t, netpolNoOpenCIDR, netpolNoOpenCIDRCases) }

var netpolNoOpenCIDRLayeredCases = table(netpolNoOpenCIDR, []ruleCase{
	{name: "Calico: a narrow net, and an open one with its reason", yaml: layeredApp("calico") + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: to-psp}
spec:
  selector: app == 'cart'
  types: [Egress]
  egress: [{action: Allow, destination: {nets: [203.0.113.0/24]}}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: webhooks, namespace: shop, annotations: {netid.dev/reason: "webhooks to customer-chosen endpoints"}}
spec:
  selector: app == 'cart'
  types: [Egress]
  egress: [{action: Allow, destination: {nets: [0.0.0.0/0]}}]
`},
	{name: "Calico: 0.0.0.0/0 without a reason", yaml: layeredApp("calico") + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: to-internet}
spec:
  selector: app == 'cart'
  types: [Egress]
  egress: [{action: Allow, destination: {nets: [0.0.0.0/0]}}]
`, want: []string{"GlobalNetworkPolicy/to-internet spec.egress[0]"}},
	{name: "Cilium: a narrow CIDR; a deny of every address is no opening", yaml: layeredApp("cilium") + `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: to-psp, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: cart}}
  egress: [{toCIDR: [203.0.113.0/24]}]
  egressDeny: [{toCIDR: [0.0.0.0/0]}]
`},
	{name: "Cilium: the world entity and ::/0", yaml: layeredApp("cilium") + `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: to-world, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: cart}}
  egress: [{toEntities: [world]}, {toCIDRSet: [{cidr: "::/0", except: ["2001:db8::/32"]}]}]
`, want: []string{"CiliumNetworkPolicy/shop/to-world spec.egress[0]", "CiliumNetworkPolicy/shop/to-world spec.egress[1]"}},
	{name: "Antrea: an open ipBlock", yaml: layeredApp("antrea") + `---
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: to-internet, namespace: shop}
spec:
  priority: 5
  tier: application
  appliedTo: [{podSelector: {matchLabels: {app: cart}}}]
  egress: [{action: Allow, to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
`, want: []string{"NetworkPolicy/shop/to-internet spec.egress[0]"}},
	{name: "Istio: callers from every address", yaml: layeredApp("generic") + `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: from-anywhere, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules: [{from: [{source: {ipBlocks: [0.0.0.0/0]}}]}]
`, want: []string{"AuthorizationPolicy/shop/from-anywhere spec.rules[0]"}},
})

func TestNetpolNoOpenCIDRLayered(t *testing.T) {
	runCases(t, netpolNoOpenCIDR, netpolNoOpenCIDRLayeredCases)
}
