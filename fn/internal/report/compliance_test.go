package report

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/krm/v1alpha1"
)

// TestComplianceSection: each control the rules evidence is listed with its
// rules and their outcome in this render: passed, findings (errors, excepted
// with their ADRs, audit), or excepted without a finding; a hostile ADR is
// escaped.
func TestComplianceSection(t *testing.T) {
	p := cartPlan(t)
	wl := p.Workloads[0]
	wl.Spec.Exceptions = append(wl.Spec.Exceptions, v1alpha1.Exception{Rule: "pss-pod-template", ADR: "ADR-7 | <b>*x*</b>", Reason: "legacy"})
	fs := finding.List{
		{Severity: finding.Warning, Rule: "rbac-no-wildcard", Message: "m (excepted by ADR-0042)", Excepted: []string{"ADR-0042"}},
		{Severity: finding.Error, Rule: "netpol-default-deny", Message: "a"},
		{Severity: finding.Error, Rule: "netpol-default-deny", Message: "b"},
		{Severity: finding.Warning, Rule: "proof-connectivity", Message: "c (audit mode)", Audit: true},
		{Severity: finding.Error, Rule: finding.ConfigRule, Message: "not a rule's"},
	}
	md := Markdown(p, Proofs{}, fs)
	section, _, ok := strings.Cut(md[strings.Index(md, "\n## Compliance controls\n"):], "\n## Handoffs")
	if !ok || !strings.Contains(md, "\n## Compliance controls\n") {
		t.Fatalf("no Compliance controls section before Handoffs:\n%s", md)
	}
	for _, want := range []string{
		"### CIS Kubernetes Benchmark v1.11\n\n| Control | Title | Evidence (rule: outcome) |\n|---|---|---|\n| 5.1.1 |",
		"| 5.1.3 | Minimize wildcard use in Roles and ClusterRoles | `rbac-no-wildcard`: 1 finding: 1 excepted (ADR-0042) |\n",
		"| 5.1.2 | Minimize access to secrets | `rbac-secrets-named`: passed |\n",
		"| 5.3.2 | Ensure that all Namespaces have NetworkPolicies defined | `netpol-default-deny`: **2 findings**: 2 errors |\n",
		"| 5.2.2 | Minimize the admission of privileged containers | `pss-pod-template`: passed, excepted (ADR-7 \\| &lt;b>\\*x\\*&lt;/b>) |\n",
		"### NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022)\n",
		"| Network separation and hardening > Encryption | Encryption | `mesh-mtls-strict`: passed |\n",
		"### NIST SP 800-190 Application Container Security Guide (September 2017)\n",
		"| 4.3.3 | Poorly separated inter-container network traffic | `exposure-undeclared`: passed<br>`netpol-default-deny`: **2 findings**: 2 errors<br>`netpol-flow-justified`: passed<br>`netpol-no-allow-all`: passed<br>`proof-connectivity`: 1 finding: 1 warning in audit mode |\n",
		"Rules that evidence no published control: `baseline-deny` (passed), `flow-expired` (passed), `l7-unenforced` (passed), `netpol-reason-written` (passed), `object-conflict` (passed)",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("compliance section lacks\n%s\nsection:\n%s", want, section)
		}
	}
	for _, raw := range []string{"<b>", "*x*", "7 | <"} {
		if strings.Contains(section, raw) {
			t.Errorf("compliance section contains the ADR's %q raw", raw)
		}
	}
	// Every control some rule evidences has its row, once.
	for _, r := range rules.All() {
		for _, c := range r.Controls {
			if n := strings.Count(section, "\n| "+text(c.ID)+" | "+text(c.Title)+" | "); n != 1 {
				t.Errorf("control %s has %d rows; want 1", c, n)
			}
		}
	}
	if n := strings.Count(section, "\n| "); n-3 != len(controls.Catalog()) {
		t.Errorf("%d table rows (headers excluded); want one per catalog control (%d)", n-3, len(controls.Catalog()))
	}
}
