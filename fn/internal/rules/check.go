package rules

import (
	"fmt"
	"slices"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

// Check runs every rule over the stream and returns one finding per
// violation, tagged with the rule ID. An error becomes a warning when every
// workload it is attributed to has an exception for the rule (the ADR is
// named in the message), or runs in audit mode, or the whole run does;
// never by an exception for an Unexcepted rule, nor by audit mode for an
// Unaudited one.
func Check(s *Stream) finding.List {
	var fs finding.List
	for _, k := range s.DeclaredKeys() {
		d := s.Declared[k]
		for i, e := range d.Config.Spec.Exceptions {
			switch r, ok := Lookup(e.Rule); {
			case !ok:
				fs = append(fs, finding.Configf(d.Object, fmt.Sprintf("spec.exceptions[%d].rule", i),
					"no rule %q; `netid rules` lists the rule IDs", e.Rule))
			case r.Unexcepted:
				fs = append(fs, finding.Configf(d.Object, fmt.Sprintf("spec.exceptions[%d].rule", i),
					"rule %s cannot be excepted: no ADR waives it (docs/rules.md, Waivers); remove this exception", e.Rule))
			}
		}
	}
	for _, r := range All() {
		for _, v := range r.Check(s) {
			fs = append(fs, s.judge(r, v))
		}
	}
	return fs
}

func (s *Stream) judge(r *Rule, v Violation) finding.Finding {
	f := finding.Finding{Severity: r.Severity, Rule: r.ID, Object: v.Object, Field: v.Field, Message: v.Message, Remediation: r.Remediation,
		Controls: r.Controls}
	if v.Notice {
		f.Severity = finding.Warning
	}
	if f.Severity != finding.Error {
		return f
	}
	if r.Unaudited && r.Unexcepted {
		return f
	}
	if adrs, ok := s.excepted(r.ID, v.Workloads); ok && !r.Unexcepted {
		f.Severity = finding.Warning
		f.Message += " (excepted by " + strings.Join(adrs, ", ") + ")"
		f.Excepted = adrs
		return f
	}
	if s.Audit || s.allAudit(v.Workloads) {
		f.Severity = finding.Warning
		f.Message += " (audit mode)"
		f.Audit = true
	}
	return f
}

// WithControls gives every finding of a registered rule that rule's
// controls, whichever stage found it (plan reports some pss-namespace-level
// findings itself), so that each result of a rule carries its controls.
func WithControls(fs finding.List) finding.List {
	out := make(finding.List, len(fs))
	for i, f := range fs {
		if r, ok := Lookup(f.Rule); ok && f.Controls == nil {
			f.Controls = r.Controls
		}
		out[i] = f
	}
	return out
}

// excepted reports whether every workload has an exception for the rule, and
// their ADRs.
func (s *Stream) excepted(rule string, workloads []string) ([]string, bool) {
	if len(workloads) == 0 {
		return nil, false
	}
	var adrs []string
	for _, w := range workloads {
		d := s.Declared[w]
		if d == nil {
			return nil, false
		}
		found := false
		for _, e := range d.Config.Spec.Exceptions {
			if e.Rule == rule {
				found = true
				if !slices.Contains(adrs, e.ADR) {
					adrs = append(adrs, e.ADR)
				}
			}
		}
		if !found {
			return nil, false
		}
	}
	return adrs, true
}

func (s *Stream) allAudit(workloads []string) bool {
	if len(workloads) == 0 {
		return false
	}
	for _, w := range workloads {
		d := s.Declared[w]
		if d == nil || d.Config.Spec.Mode != v1alpha1.ModeAudit {
			return false
		}
	}
	return true
}
