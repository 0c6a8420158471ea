package rules

import (
	"slices"
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

// TestControlMappingDecided: every registered rule either lists the
// published controls it evidences, each well formed for its framework and
// in the catalog, or says why none fits (TestRegistry runs wellFormed too;
// this names the mapping in the failure).
func TestControlMappingDecided(t *testing.T) {
	for _, r := range All() {
		switch {
		case len(r.Controls) == 0 && strings.TrimSpace(r.NoControl) == "":
			t.Errorf("rule %s: no control mapping decided (Controls or NoControl)", r.ID)
		case len(r.Controls) > 0 && r.NoControl != "":
			t.Errorf("rule %s: both Controls and NoControl", r.ID)
		}
		for _, c := range r.Controls {
			if err := c.Validate(); err != nil {
				t.Errorf("rule %s: %v", r.ID, err)
			}
		}
	}
}

// TestWellFormedRefusesMappings checks the guard itself: a rule with no
// decision, with both, or citing a control that is unknown, malformed or
// listed twice is refused.
func TestWellFormedRefusesMappings(t *testing.T) {
	base := func() Rule {
		return Rule{ID: "netpol-x", Title: "x", Rationale: "x", Remediation: "X.", Severity: finding.Error, Check: netpolDefaultDeny.Check}
	}
	for _, tt := range []struct {
		name string
		edit func(*Rule)
		want string
	}{
		{"no decision", func(r *Rule) {}, "no control mapping decided"},
		{"blank NoControl", func(r *Rule) { r.NoControl = "  " }, "no control mapping decided"},
		{"both", func(r *Rule) { r.NoControl = "none"; r.Controls = []controls.Control{controls.CISControl("5.3.2")} }, "both Controls and NoControl"},
		{"unknown framework", func(r *Rule) {
			r.Controls = []controls.Control{{Framework: "pci-dss", ID: "1.2.1", Title: "x"}}
		}, "unknown framework"},
		{"malformed CIS ID", func(r *Rule) {
			r.Controls = []controls.Control{{Framework: controls.CIS, ID: "CIS-5.3.2", Title: "Ensure that all Namespaces have NetworkPolicies defined"}}
		}, "recommendation number"},
		{"malformed NIST ID", func(r *Rule) {
			r.Controls = []controls.Control{{Framework: controls.NIST800190, ID: "800-190", Title: "x"}}
		}, "section number"},
		{"not in the catalog", func(r *Rule) { r.Controls = []controls.Control{controls.CISControl("5.7.4")} }, "not in the catalog"},
		{"twice", func(r *Rule) {
			r.Controls = []controls.Control{controls.CISControl("5.3.2"), controls.CISControl("5.3.2")}
		}, "listed twice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(&r)
			err := r.wellFormed()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("wellFormed() = %v; want an error containing %q", err, tt.want)
			}
		})
	}
	r := base()
	r.NoControl = "It is a test rule."
	if err := r.wellFormed(); err != nil {
		t.Errorf("a rule saying why no control fits is refused: %v", err)
	}
}

// TestCatalogCited: the catalog holds only controls some rule evidences, so
// the docs never list a control that nothing carries out.
func TestCatalogCited(t *testing.T) {
	cited := map[string]bool{}
	for _, r := range All() {
		for _, c := range r.Controls {
			cited[c.String()] = true
		}
	}
	for _, c := range controls.Catalog() {
		if !cited[c.String()] {
			t.Errorf("catalog control %s (%s) is cited by no rule: remove it or map the rule that evidences it", c, c.Title)
		}
	}
}

// TestControlMappingPinned pins the mappings a compliance reviewer relies
// on most, so that none is dropped by accident.
func TestControlMappingPinned(t *testing.T) {
	for _, tt := range []struct {
		rule    string
		control controls.Control
	}{
		{"rbac-no-wildcard", controls.CISControl("5.1.3")},
		{"rbac-secrets-named", controls.CISControl("5.1.2")},
		{"rbac-no-default-serviceaccount", controls.CISControl("5.1.5")},
		{"rbac-no-escalation", controls.CISControl("5.1.8")},
		{"rbac-no-escalation", controls.CISControl("5.1.13")},
		{"proof-rbac", controls.NISTControl("4.3.1")},
		{"pss-namespace-level", controls.CISControl("5.2.1")},
		{"pss-pod-template", controls.CISControl("5.2.2")},
		{"pss-pod-template", controls.NSACISAControl("Kubernetes Pod security > Pod security enforcement")},
		{"netpol-default-deny", controls.CISControl("5.3.2")},
		{"netpol-default-deny", controls.NISTControl("4.3.3")},
		{"netpol-no-open-cidr", controls.NISTControl("4.4.2")},
		{"mesh-mtls-strict", controls.NSACISAControl("Network separation and hardening > Encryption")},
	} {
		r, ok := Lookup(tt.rule)
		if !ok {
			t.Errorf("no rule %s", tt.rule)
			continue
		}
		if !slices.Contains(r.Controls, tt.control) {
			t.Errorf("rule %s does not evidence %s (%s)", tt.rule, tt.control, tt.control.Title)
		}
	}
	for _, id := range []string{"netpol-reason-written", "object-conflict", "rbac-clusterrole-reason", "registry-pull-secret-scope"} {
		if r, ok := Lookup(id); !ok || len(r.Controls) != 0 || r.NoControl == "" {
			t.Errorf("rule %s: want the decided \"no published control\" with its reason", id)
		}
	}
}
