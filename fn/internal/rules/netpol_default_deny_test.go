package rules

import (
	"strings"
	"testing"
)

const ddWorkload = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
`

var netpolDefaultDenyCases = table(netpolDefaultDeny, []ruleCase{
	{name: "one policy both directions", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`},
	{name: "one policy per direction", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-in, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-out, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}
`},
	{name: "no policy", yaml: ddWorkload, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "reported on the Namespace when present", yaml: ddWorkload + `---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`, want: []string{"Namespace/shop metadata.name"}},
	{name: "ingress only (policyTypes defaulted)", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "selects some pods only", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "has allow rules, so not a deny", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {matchLabels: {app: x}}}]}]}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "deny in another namespace does not count", yaml: ddWorkload + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: other}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`, want: []string{"Deployment/shop/web metadata.namespace"}},
})

func TestNetpolDefaultDeny(t *testing.T) { runCases(t, netpolDefaultDeny, netpolDefaultDenyCases) }

// ddCluster is a Calico cluster's workload in namespace shop, declared (so
// the stream resolves the CNI and the plan), without any NetworkPolicy.
func ddCluster(cni, rollout string) string {
	return `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
` + cartDeployment + `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  cni: ` + cni + `
  rollout: ` + rollout + `
  dns: {enabled: false}
`
}

// ddGNPDeny is a cluster-wide Calico default deny of every governed
// namespace, the shape of a baseline: DNS allowed, then the end of the
// tier denies.
const ddGNPDeny = `---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: netid-baseline}
spec: {order: 1000}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: netid-baseline.default-deny}
spec:
  tier: netid-baseline
  namespaceSelector: team == 'shop'
  selector: all()
  types: [Ingress, Egress]
  egress: [{action: Allow, protocol: UDP, destination: {ports: [53]}}]
`

var netpolDefaultDenyLayeredCases = table(netpolDefaultDeny, []ruleCase{
	{name: "Calico: a GlobalNetworkPolicy isolating every pod of the namespace", yaml: ddCluster("calico", "enforce") + ddGNPDeny},
	{name: "Calico: explicit Deny rules of every endpoint", yaml: ddCluster("calico", "enforce") + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-all}
spec:
  selector: all()
  types: [Ingress, Egress]
  ingress: [{action: Log}, {action: Deny}]
  egress: [{action: Deny}]
`},
	{name: "Calico: the GlobalNetworkPolicy selects another namespace", yaml: ddCluster("calico", "enforce") + strings.Replace(ddGNPDeny, "team == 'shop'", "team == 'bank'", 1),
		want: []string{"Namespace/shop metadata.name"}},
	{name: "Calico: the GlobalNetworkPolicy selects some pods only", yaml: ddCluster("calico", "enforce") + strings.Replace(ddGNPDeny, "selector: all()", "selector: app == 'cart'", 1),
		want: []string{"Namespace/shop metadata.name"}},
	{name: "Calico: ingress only", yaml: ddCluster("calico", "enforce") + strings.Replace(ddGNPDeny, "[Ingress, Egress]", "[Ingress]", 1),
		want: []string{"Namespace/shop metadata.name"}},
	{name: "Calico: a Pass of everything earlier in the tier skips the deny", yaml: ddCluster("calico", "enforce") + ddGNPDeny + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: netid-baseline.pass}
spec:
  tier: netid-baseline
  order: 1
  selector: all()
  types: [Ingress, Egress]
  ingress: [{action: Pass}]
  egress: [{action: Pass}]
`, want: []string{"Namespace/shop metadata.name"}},
	{name: "Calico: an Allow of everything in an earlier tier opens the pods", yaml: ddCluster("calico", "enforce") + ddGNPDeny + `---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.open}
spec:
  tier: platform
  selector: app == 'cart'
  types: [Egress]
  egress: [{action: Allow}]
`, want: []string{"Namespace/shop metadata.name"}},
	{name: "Calico: a cluster that runs no Calico enforces none of it", yaml: ddCluster("generic", "enforce") + ddGNPDeny,
		want: []string{"Namespace/shop metadata.name"}},
	{name: "observing workload: a warning, not an error", yaml: ddCluster("calico", "observe"),
		want: []string{"Namespace/shop metadata.name"}},
})

func TestNetpolDefaultDenyLayered(t *testing.T) {
	runCases(t, netpolDefaultDeny, netpolDefaultDenyLayeredCases)
}

// TestNetpolDefaultDenyObserves checks the stage decides the severity: a
// namespace whose workload observes is a notice, one enforcing an error.
func TestNetpolDefaultDenyObserves(t *testing.T) {
	for _, tt := range []struct {
		rollout string
		notice  bool
	}{{"observe", true}, {"enforce", false}} {
		vs := netpolDefaultDeny.Check(streamOf(t, ddCluster("calico", tt.rollout)))
		if len(vs) != 1 {
			t.Fatalf("rollout %s: %d violations, want 1", tt.rollout, len(vs))
		}
		if vs[0].Notice != tt.notice || strings.HasPrefix(vs[0].Message, "observes: ") != tt.notice {
			t.Errorf("rollout %s: notice %v, message %q; want notice %v", tt.rollout, vs[0].Notice, vs[0].Message, tt.notice)
		}
		if tt.notice && !strings.Contains(vs[0].Message, "shop/cart") {
			t.Errorf("rollout observe: message %q does not name the observing workload", vs[0].Message)
		}
	}
}
