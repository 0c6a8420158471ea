package finding

import (
	"maps"
	"testing"

	"netid.dev/netid/fn/internal/controls"
)

// A finding's result keeps its rule and remediation tags and adds one tag
// per framework of its controls; a finding without controls gets none.
func TestResultTagsControls(t *testing.T) {
	f := Finding{Severity: Error, Rule: "rbac-no-wildcard", Message: "m", Remediation: "Do it.",
		Controls: []controls.Control{controls.NISTControl("4.3.1"), controls.CISControl("5.1.3")}}
	want := map[string]string{
		"rule":                            "rbac-no-wildcard",
		"remediation":                     "Do it.",
		"netid.dev/controls.cis":          "5.1.3",
		"netid.dev/controls.nist-800-190": "4.3.1",
	}
	if got := f.Result().Tags; !maps.Equal(got, want) {
		t.Errorf("tags = %v; want %v", got, want)
	}
	f.Controls = nil
	if got := f.Result().Tags; len(got) != 2 {
		t.Errorf("tags without controls = %v; want only rule and remediation", got)
	}
}
