package controls

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// Every catalog entry is well formed for its framework.
func TestCatalogValid(t *testing.T) {
	if len(Catalog()) == 0 {
		t.Fatal("empty catalog")
	}
	for _, c := range Catalog() {
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
	}
	for _, fw := range Frameworks {
		if len(catalog[fw.Key]) == 0 {
			t.Errorf("framework %s has no control in the catalog", fw.Key)
		}
	}
	for fw := range catalog {
		if _, ok := FrameworkOf(fw); !ok {
			t.Errorf("catalog has controls of unknown framework %q", fw)
		}
	}
}

func TestValidateRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Control
		want string
	}{
		{"unknown framework", Control{Framework: "iso-27001", ID: "A.8.1", Title: "x"}, "unknown framework"},
		{"empty framework", Control{ID: "5.1.3", Title: catalog[CIS]["5.1.3"]}, "unknown framework"},
		{"CIS ID not a number", Control{Framework: CIS, ID: "RBAC", Title: "x"}, "recommendation number"},
		{"CIS ID with a trailing dot", Control{Framework: CIS, ID: "5.1.3.", Title: "x"}, "recommendation number"},
		{"CIS ID with the CIS- prefix", Control{Framework: CIS, ID: "CIS-5.1.3", Title: "x"}, "recommendation number"},
		{"CIS section only", Control{Framework: CIS, ID: "5", Title: "x"}, "recommendation number"},
		{"NIST outside sections 3 and 4", Control{Framework: NIST800190, ID: "5.1", Title: "x"}, "section number"},
		{"NIST with text", Control{Framework: NIST800190, ID: "4.3.3 Poorly separated", Title: "x"}, "section number"},
		{"NSA unknown chapter", Control{Framework: NSACISA, ID: "Network policies", Title: "Network policies"}, "chapter heading"},
		{"NSA too deep", Control{Framework: NSACISA, ID: "Network separation and hardening > Control plane hardening > Etcd", Title: "Etcd"}, "chapter heading"},
		{"NSA empty section", Control{Framework: NSACISA, ID: "Network separation and hardening > ", Title: "x"}, "heading"},
		{"well formed, not in the catalog", Control{Framework: CIS, ID: "5.1.4", Title: "Minimize access to create pods"}, "not in the catalog"},
		{"title differs from the catalog", Control{Framework: CIS, ID: "5.1.3", Title: "No wildcards"}, "but the catalog has"},
		{"lookup of an unknown ID", CISControl("5.9.9"), "not in the catalog"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate(%+v) = %v; want an error containing %q", tt.c, err, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	c := CISControl("5.3.2")
	if c.Title != "Ensure that all Namespaces have NetworkPolicies defined" || c.Validate() != nil {
		t.Errorf("CISControl(5.3.2) = %+v (%v)", c, c.Validate())
	}
	if n := NISTControl("4.3.3"); n.Title != "Poorly separated inter-container network traffic" {
		t.Errorf("NISTControl(4.3.3) = %+v", n)
	}
	if n := NSACISAControl("Network separation and hardening > Network policies"); n.Title != "Network policies" {
		t.Errorf("NSACISAControl = %+v", n)
	}
}

func TestSortedNumericAndByFramework(t *testing.T) {
	in := []Control{NISTControl("4.3.3"), CISControl("5.1.10"), NSACISAControl("Network separation and hardening"), CISControl("5.1.9"), CISControl("5.1.10"), NISTControl("4.3.1")}
	var got []string
	for _, c := range Sorted(in) {
		got = append(got, c.String())
	}
	want := []string{"cis 5.1.9", "cis 5.1.10", "nsa-cisa Network separation and hardening", "nist-800-190 4.3.1", "nist-800-190 4.3.3"}
	if !slices.Equal(got, want) {
		t.Errorf("Sorted = %q; want %q", got, want)
	}
	if len(in) != 6 || in[0].ID != "4.3.3" {
		t.Error("Sorted changed its argument")
	}
}

func TestTags(t *testing.T) {
	got := Tags([]Control{CISControl("5.1.8"), CISControl("5.1.3"), NISTControl("4.3.1"), NSACISAControl("Authentication and authorization > Role-based access control")})
	want := map[string]string{
		"netid.dev/controls.cis":          "5.1.3, 5.1.8",
		"netid.dev/controls.nsa-cisa":     "Authentication and authorization > Role-based access control",
		"netid.dev/controls.nist-800-190": "4.3.1",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Tags = %v; want %v", got, want)
	}
	if len(Tags(nil)) != 0 {
		t.Errorf("Tags(nil) = %v; want none", Tags(nil))
	}
}
