package rules

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/finding"
)

// tcApp is a workload whose NetworkIdentity has tier tier and the spec
// lines extra (indented two spaces).
func tcApp(tier, extra string) string {
	return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger, namespace: bank}
spec:
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec: {containers: [{name: ledger, image: ledger:1, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: ledger, namespace: bank}
spec:
  tier: ` + tier + `
  dns: {enabled: false}
` + extra
}

const tcRelaxed = `  mode: audit
  rollout: observe
  identity:
    automountToken: true
    clusterRules: [{apiGroups: [""], resources: [nodes], verbs: [get], reason: "reads its node's zone"}]
  exceptions:
  - {rule: registry-static-credentials, adr: ADR-7, reason: "vendor registry"}
  - {rule: netpol-no-open-cidr, adr: ADR-8, reason: "webhooks"}
  - {rule: pss-pod-template, adr: ADR-9, reason: "legacy image"}
  - {rule: exposure-open-range, adr: ADR-10, reason: "public API"}
`

var tierCriticalCases = table(tierCritical, []ruleCase{
	{name: "critical, strict", yaml: tcApp("critical", "  mode: enforce\n  rollout: enforce\n  identity: {automountToken: false}\n  exceptions: [{rule: registry-static-credentials, adr: ADR-7, reason: vendor registry}]\n")},
	{name: "standard may relax", yaml: tcApp("standard", tcRelaxed)},
	{name: "critical, every relaxation", yaml: tcApp("critical", tcRelaxed), want: []string{
		"NetworkIdentity/bank/ledger spec.mode",
		"NetworkIdentity/bank/ledger spec.rollout",
		"NetworkIdentity/bank/ledger spec.identity.clusterRules",
		"NetworkIdentity/bank/ledger spec.identity.automountToken",
		"NetworkIdentity/bank/ledger spec.exceptions[1].rule",
		"NetworkIdentity/bank/ledger spec.exceptions[2].rule",
		"NetworkIdentity/bank/ledger spec.exceptions[3].rule",
	}},
})

func TestTierCritical(t *testing.T) { runCases(t, tierCritical, tierCriticalCases) }

// TestTierCriticalUnwaivable checks neither the workload's audit mode (one
// of what the rule refuses), nor the run's, nor an exception softens it, and
// that an exception naming it is refused.
func TestTierCriticalUnwaivable(t *testing.T) {
	s := streamOf(t, tcApp("critical", "  mode: audit\n  exceptions: [{rule: tier-critical, adr: ADR-1, reason: not now}]\n"))
	s.Audit = true
	var rule, config []finding.Finding
	for _, f := range Check(s) {
		switch f.Rule {
		case tierCritical.ID:
			rule = append(rule, f)
		case finding.ConfigRule:
			config = append(config, f)
		}
	}
	if len(rule) != 1 || rule[0].Severity != finding.Error || rule[0].Field != "spec.mode" {
		t.Errorf("tier-critical findings %v; want one error at spec.mode", rule)
	}
	if len(config) != 1 || config[0].Field != "spec.exceptions[0].rule" || !strings.Contains(config[0].Message, "cannot be excepted") {
		t.Errorf("config findings %v; want the exception of tier-critical refused", config)
	}
}
