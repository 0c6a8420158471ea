package rules

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/finding"
)

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

// proofWithFQDN is proofApp where a also calls an FQDN, which the proof
// cannot judge.
func proofWithFQDN() string {
	return strings.Replace(proofApp, `
  egress: [{to: {workload: b}, ports: [http], reason: "a calls b"}]
`, `
  cni: cilium
  egress:
  - {to: {workload: b}, ports: [http], reason: "a calls b"}
  - {to: {fqdn: api.example.com}, ports: [443], reason: "card network API"}
`, 1)
}

var proofConnectivityCases = table(proofConnectivity, []ruleCase{
	{name: "an FQDN flow is reported as not judged, on its caller", yaml: proofWithFQDN() + proofAllowAB + proofAdmitA, want: []string{"Deployment/shop/a spec"}},
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
`, want: []string{"NetworkPolicy/shop/all-to-b spec.egress[0]", "NetworkPolicy/shop/all-to-b spec.egress[0]"}}, // a pod with undeclared labels reaches b, and so does another replica of b: each reported on the rule that opens it
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
`, want: []string{"NetworkPolicy/shop/b-ingress-from-a spec.ingress[0]"}},
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
`, want: []string{"NetworkPolicy/shop/a-egress-anywhere spec.egress[0]"}}, // 65000/TCP, a port no rule names
})

func TestProofConnectivity(t *testing.T) {
	runCases(t, proofConnectivity, proofConnectivityCases)
}

// userPolicy is a NetworkPolicy of the user's in shop selecting b (ingress)
// or a (egress) with one rule.
func userPolicy(name, spec string) string {
	return "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: shop}\nspec:\n" + spec
}

// Flows a user policy opens to endpoints that neither the declaration nor the
// stream's workloads name: the proof derives a witness from the policy's own
// peers, so each is judged (and each was missed by a proof over a fixed
// sample of endpoints).
var proofCompletenessCases = []struct {
	name, yaml, want string
}{
	{"ingress from every pod of namespace attacker", userPolicy("from-attacker", `
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: attacker}}}], ports: [{port: 8080}]}]
`), "undeclared flow attacker/{} → shop/b on 8080/TCP"},
	{"egress to 8.8.8.0/24", userPolicy("to-google", `
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 8.8.8.0/24}}]}]
`), "undeclared flow shop/a → 8.8.8.0 (in 8.8.8.0/24) on 65000/TCP"},
	{"ingress from 0.0.0.0/1", userPolicy("from-half", `
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/1}}], ports: [{port: 8080}]}]
`), "undeclared flow 0.0.0.0 (in 0.0.0.0/1) → shop/b on 8080/TCP"},
	{"ingress from any namespace labelled team=x", userPolicy("from-team-x", `
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}}], ports: [{port: 8080}]}]
`), "undeclared flow netid-probe-2{team=x}/{} → shop/b on 8080/TCP"},
	{"egress to the API server's service address on 443", userPolicy("to-apiserver", `
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.96.0.1/32}}], ports: [{port: 443}]}]
`), "undeclared flow shop/a → 10.96.0.1 (in 10.96.0.1/32) on 443/TCP"},
}

func TestProofConnectivityJudgesWhatPoliciesOpen(t *testing.T) {
	for _, c := range proofCompletenessCases {
		t.Run(c.name, func(t *testing.T) {
			// Without the policy: exactly the declaration, nothing refused.
			if vs := proofConnectivity.Check(streamOf(t, proofApp+proofAllowAB+proofAdmitA)); len(vs) != 0 {
				t.Fatalf("the declared app alone is refused: %v", vs)
			}
			var msgs []string
			for _, v := range proofConnectivity.Check(streamOf(t, proofApp+proofAllowAB+proofAdmitA+c.yaml)) {
				msgs = append(msgs, v.Message)
			}
			for _, m := range msgs {
				if strings.HasPrefix(m, c.want) {
					return
				}
			}
			t.Errorf("want a violation starting %q, got %q", c.want, msgs)
		})
	}
}

// An FQDN flow is a notice: a warning, never an error, whatever the mode.
func TestProofConnectivityFQDNIsWarning(t *testing.T) {
	s := streamOf(t, proofWithFQDN()+proofAllowAB+proofAdmitA)
	vs := proofConnectivity.Check(s)
	if len(vs) != 1 {
		t.Fatalf("violations %+v, want the FQDN flow's notice only", vs)
	}
	if f := s.judge(proofConnectivity, vs[0]); f.Severity != finding.Warning || !strings.Contains(f.Message, "api.example.com") {
		t.Errorf("finding %s %q, want a warning naming api.example.com", f.Severity, f.Message)
	}
}
