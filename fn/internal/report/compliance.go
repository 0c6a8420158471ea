package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/rules"
)

// compliance writes the "Compliance controls" section: each published
// control the rule registry evidences, with the rules that evidence it and
// what each found in this render, so that a reviewer can go from a control
// to its evidence. fs are the render's findings.
func compliance(b *strings.Builder, p *plan.Plan, fs finding.List) {
	b.WriteString("\n## Compliance controls\n\n")
	b.WriteString("The published controls netid's rules evidence, each with the rules that check it and their outcome in this render: " +
		"*passed* (no finding), the findings (errors refuse the render), or *excepted* with the ADRs of the exceptions that turned errors into warnings. " +
		"netid evidences only these controls, and only for the objects of this render; it does not assess the rest of any of these documents. " +
		"The mapping and its sources are in netid's docs/rules.md (Compliance controls).\n")
	outcomes := map[string]string{}
	for _, r := range rules.All() {
		outcomes[r.ID] = outcome(r.ID, p, fs)
	}
	evidence := map[controls.Control][]string{}
	for _, r := range rules.All() {
		for _, c := range r.Controls {
			evidence[c] = append(evidence[c], code(r.ID)+": "+outcomes[r.ID])
		}
	}
	cited := controls.Sorted(slices.Collect(maps.Keys(evidence)))
	for _, f := range controls.Frameworks {
		fmt.Fprintf(b, "\n### %s\n\n| Control | Title | Evidence (rule: outcome) |\n|---|---|---|\n", text(f.Label()))
		for _, c := range cited {
			if c.Framework == f.Key {
				b.WriteString(row(text(c.ID), text(c.Title), strings.Join(evidence[c], "<br>")))
			}
		}
	}
	var none []string
	for _, r := range rules.All() {
		if len(r.Controls) == 0 {
			none = append(none, code(r.ID)+" ("+outcomes[r.ID]+")")
		}
	}
	if len(none) > 0 {
		fmt.Fprintf(b, "\nRules that evidence no published control: %s.\n", strings.Join(none, ", "))
	}
}

// outcome is what one rule found in this render, e.g. "passed",
// "2 findings: 1 error, 1 excepted (ADR-0042)", or, for a rule some
// workload declares an exception for but that found nothing (an exception
// for pss-pod-template lowers the namespace's level, so the stricter checks
// are not run), "passed, excepted (ADR-0012)". ADRs are escaped.
func outcome(rule string, p *plan.Plan, fs finding.List) string {
	var n, errs, audit, warnings int
	var adrs []string
	addADR := func(a string) {
		if !slices.Contains(adrs, a) {
			adrs = append(adrs, a)
		}
	}
	excepted := 0
	for _, f := range fs {
		if f.Rule != rule {
			continue
		}
		n++
		switch {
		case f.Severity == finding.Error:
			errs++
		case len(f.Excepted) > 0:
			excepted++
			for _, a := range f.Excepted {
				addADR(a)
			}
		case f.Audit:
			audit++
		default:
			warnings++
		}
	}
	for _, wl := range p.Workloads {
		for _, e := range wl.Spec.Exceptions {
			if e.Rule == rule {
				addADR(e.ADR)
			}
		}
	}
	escaped := make([]string, len(adrs))
	for i, a := range adrs {
		escaped[i] = text(a)
	}
	adrList := strings.Join(escaped, ", ")
	if n == 0 {
		if len(adrs) > 0 {
			return "passed, excepted (" + adrList + ")"
		}
		return "passed"
	}
	var parts []string
	count := func(k int, one, many string) {
		switch {
		case k == 1:
			parts = append(parts, "1 "+one)
		case k > 1:
			parts = append(parts, fmt.Sprintf("%d %s", k, many))
		}
	}
	count(errs, "error", "errors")
	if excepted > 0 {
		parts = append(parts, fmt.Sprintf("%d excepted (%s)", excepted, adrList))
	}
	count(audit, "warning in audit mode", "warnings in audit mode")
	count(warnings, "warning", "warnings")
	head := "1 finding"
	if n > 1 {
		head = fmt.Sprintf("%d findings", n)
	}
	if errs > 0 {
		head = "**" + head + "**"
	}
	return head + ": " + strings.Join(parts, ", ")
}
