// Package rules is netid's rule registry: every reason the function refuses a
// render. Each rule is data (a stable ID, title, rationale, remediation,
// severity) plus a pure check over the whole output Stream, one rule per file.
// docs/rules.md is generated from the registry (`netid rules`).
package rules

import (
	"fmt"
	"sort"
	"strings"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

// Rule is one refusal rule.
type Rule struct {
	// ID is stable and kebab-case with a domain prefix, e.g. "rbac-no-wildcard".
	// IDs are never renamed or reused: exceptions and CI logs refer to them.
	ID string
	// Title is one line, e.g. "RBAC rules name their verbs, resources and API groups".
	Title string
	// Rationale says why the rule exists.
	Rationale string
	// Remediation is an imperative sentence saying how to comply.
	Remediation string
	// Severity of a violation before exceptions and audit mode (Error for every
	// rule today).
	Severity finding.Severity
	// Controls are the published controls the rule evidences, from the
	// catalog of fn/internal/controls, e.g. CIS Kubernetes Benchmark 5.1.3
	// for rbac-no-wildcard. Its findings carry them as result tags, and the
	// report and docs/rules.md list them. Only a control the rule genuinely
	// carries out belongs here: none is better than a loose fit.
	Controls []controls.Control
	// NoControl says why no published control fits, for a rule whose
	// Controls are empty, e.g. "It guards the integrity of netid's own
	// render…": every rule's mapping is a decision, never an omission.
	NoControl string
	// Unexcepted says no exception waives the rule: its errors stay errors
	// whatever ADR a workload lists for it, and spec.exceptions naming it is
	// refused (a break-glass past its expiry, the critical profile, the
	// platform's baseline are not a team's to waive).
	Unexcepted bool
	// Unaudited says audit mode does not soften the rule either (the
	// workload's nor the run's): what it refuses includes audit mode itself.
	Unaudited bool
	// Check finds the violations in a stream. It must be pure.
	Check func(*Stream) []Violation
}

// Violation is one place a rule is broken.
type Violation struct {
	Object finding.Object
	// Field is the path of the offending field, e.g. spec.ingress[0].from[1].
	Field   string
	Message string
	// Workloads are the governed workloads ("namespace/name") the violation is
	// attributed to; their exceptions and mode apply. Empty: none, so only a
	// run-wide audit mode softens it.
	Workloads []string
	// Notice marks what the rule reports without it being broken (a flow it
	// cannot judge): a warning whatever the rule's severity.
	Notice bool
}

// Domains are the allowed ID prefixes.
var Domains = []string{"netpol-", "rbac-", "pss-", "mesh-", "exposure-", "registry-", "proof-", "object-",
	"flow-", "tier-", "baseline-", "l7-"}

var registry = map[string]*Rule{}

// register adds a rule; a duplicate or malformed ID is a programming error.
func register(r *Rule) *Rule {
	if _, dup := registry[r.ID]; dup {
		panic(fmt.Sprintf("rules: duplicate rule ID %q", r.ID))
	}
	if err := r.wellFormed(); err != nil {
		panic(fmt.Sprintf("rules: %v", err))
	}
	registry[r.ID] = r
	return r
}

// wellFormed checks a rule's data.
func (r *Rule) wellFormed() error {
	prefixed := false
	for _, d := range Domains {
		prefixed = prefixed || strings.HasPrefix(r.ID, d)
	}
	switch {
	case !prefixed:
		return fmt.Errorf("rule %q: ID needs one of the prefixes %v", r.ID, Domains)
	case strings.ToLower(r.ID) != r.ID || strings.ContainsAny(r.ID, " _."):
		return fmt.Errorf("rule %q: ID must be kebab-case", r.ID)
	case r.Title == "" || r.Rationale == "" || r.Remediation == "":
		return fmt.Errorf("rule %q: title, rationale and remediation are required", r.ID)
	case !strings.HasSuffix(r.Remediation, ".") || r.Remediation[0] < 'A' || r.Remediation[0] > 'Z':
		return fmt.Errorf("rule %q: remediation must be a sentence (capitalised, ending in a period)", r.ID)
	case r.Severity != finding.Error && r.Severity != finding.Warning:
		return fmt.Errorf("rule %q: severity must be error or warning", r.ID)
	case r.Check == nil:
		return fmt.Errorf("rule %q: no check", r.ID)
	case len(r.Controls) == 0 && strings.TrimSpace(r.NoControl) == "":
		return fmt.Errorf("rule %q: no control mapping decided: list the published controls it evidences in Controls, or say in NoControl why none fits", r.ID)
	case r.Unaudited && !r.Unexcepted:
		return fmt.Errorf("rule %q: unaudited but exceptable: an exception would soften what audit mode cannot", r.ID)
	case len(r.Controls) > 0 && r.NoControl != "":
		return fmt.Errorf("rule %q: both Controls and NoControl: a rule either evidences controls or says why none fits", r.ID)
	}
	seen := map[string]bool{}
	for _, c := range r.Controls {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("rule %q: %w", r.ID, err)
		}
		if seen[c.String()] {
			return fmt.Errorf("rule %q: control %s listed twice", r.ID, c)
		}
		seen[c.String()] = true
	}
	return nil
}

// All returns every rule, by ID.
func All() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup finds a rule by ID.
func Lookup(id string) (*Rule, bool) {
	r, ok := registry[id]
	return r, ok
}
