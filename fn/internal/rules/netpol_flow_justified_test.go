package rules

import (
	"slices"
	"strings"
	"testing"
)

var netpolFlowJustifiedCases = table(netpolFlowJustified, []ruleCase{
	{name: "generated flow policy names peer and reason", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart-from-frontend
  namespace: shop
  labels: {netid.dev/workload: cart, app.kubernetes.io/managed-by: netid}
  annotations: {netid.dev/peer: workload shop/frontend, netid.dev/reason: "frontend adds items to the cart"}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8080}]}]
`},
	{name: "per-workload policy names each rule's peer and reason", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart-flows
  namespace: shop
  labels: {netid.dev/workload: cart, app.kubernetes.io/managed-by: netid}
  annotations:
    netid.dev/peer: "ingress[0]: workload shop/frontend\ningress[1]: workload shop/checkout\negress[0]: workload shop/db"
    netid.dev/reason: "ingress[0]: frontend adds items\ningress[1]: checkout reads the cart\negress[0]: store the cart"
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress, Egress]
  ingress:
  - {from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8080}]}
  - {from: [{podSelector: {matchLabels: {app: checkout}}}], ports: [{port: 8080}]}
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
`},
	{name: "per-workload policy with a rule whose lines are missing", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart-flows
  namespace: shop
  labels: {netid.dev/workload: cart}
  annotations:
    netid.dev/peer: "ingress[0]: workload shop/frontend\negress[0]: workload shop/db"
    netid.dev/reason: "ingress[0]: frontend adds items\ningress[1]: checkout reads the cart\negress[0]: \t"
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress:
  - {from: [{podSelector: {matchLabels: {app: frontend}}}]}
  - {from: [{podSelector: {matchLabels: {app: checkout}}}]}
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
`, want: []string{"NetworkPolicy/shop/cart-flows spec.ingress[1]", "NetworkPolicy/shop/cart-flows spec.egress[0]"}},
	{name: "pure deny policies need no justification", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-web, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, ingress: [], egress: []}
`},
	{name: "user policy with neither annotation", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-metrics, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]}]
`, want: []string{"NetworkPolicy/shop/allow-metrics metadata.annotations"}},
	{name: "peer without reason", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart-to-db
  namespace: shop
  labels: {netid.dev/workload: cart}
  annotations: {netid.dev/peer: workload shop/db}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
`, want: []string{"NetworkPolicy/shop/cart-to-db metadata.annotations"}},
	{name: "reason with a blank peer", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: dns
  namespace: shop
  annotations: {netid.dev/peer: "", netid.dev/reason: name resolution}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}], ports: [{port: 53, protocol: UDP}]}]
`, want: []string{"NetworkPolicy/shop/dns metadata.annotations"}},
	{name: "an allow-all ingress rule still allows something", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: shop, annotations: {netid.dev/reason: "  "}}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{}]
`, want: []string{"NetworkPolicy/shop/open metadata.annotations"}},
})

func TestNetpolFlowJustified(t *testing.T) {
	runCases(t, netpolFlowJustified, netpolFlowJustifiedCases)
}

// TestNetpolFlowJustifiedNamesMissing checks that the message names exactly
// the annotations that are missing.
func TestNetpolFlowJustifiedNamesMissing(t *testing.T) {
	for _, c := range []struct {
		annotations string
		want, not   []string
	}{
		{`{netid.dev/peer: workload shop/db}`, []string{"netid.dev/reason"}, []string{"netid.dev/peer"}},
		{`{netid.dev/reason: "read orders"}`, []string{"netid.dev/peer"}, []string{"netid.dev/reason"}},
		{`{}`, []string{"netid.dev/peer", "netid.dev/reason"}, nil},
	} {
		s := streamOf(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart-to-db, namespace: shop, labels: {netid.dev/workload: cart}, annotations: `+c.annotations+`}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
`)
		vs := netpolFlowJustified.Check(s)
		if len(vs) != 1 {
			t.Fatalf("%s: got %d violations, want 1", c.annotations, len(vs))
		}
		if !slices.Equal(vs[0].Workloads, []string{"shop/cart"}) {
			t.Errorf("%s: attributed to %q, want [shop/cart]", c.annotations, vs[0].Workloads)
		}
		for _, w := range c.want {
			if !strings.Contains(vs[0].Message, w) {
				t.Errorf("%s: message %q does not name %s", c.annotations, vs[0].Message, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(vs[0].Message, n) {
				t.Errorf("%s: message %q names %s, which is present", c.annotations, vs[0].Message, n)
			}
		}
	}
}
