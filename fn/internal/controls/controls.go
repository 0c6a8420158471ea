// Package controls names the published controls netid's rules evidence:
// recommendations of the CIS Kubernetes Benchmark, sections of the NSA/CISA
// Kubernetes Hardening Guidance and countermeasures of NIST SP 800-190, each
// with the identifier and the title its document gives it, so that a
// compliance reviewer can go from a control to the rules (and the results)
// that evidence it.
//
// The catalog holds only the controls some rule cites; netid evidences these
// and assesses nothing else of the three documents. Where each identifier and
// title was read is in catalog.go.
package controls

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Framework keys: stable, used in result tags (TagKey) and never renamed.
const (
	// CIS is the CIS Kubernetes Benchmark.
	CIS = "cis"
	// NSACISA is the NSA/CISA Kubernetes Hardening Guidance.
	NSACISA = "nsa-cisa"
	// NIST800190 is NIST SP 800-190, the Application Container Security Guide.
	NIST800190 = "nist-800-190"
)

// Framework is one published document netid maps its rules to.
type Framework struct {
	// Key is the stable short name used in tags, e.g. "cis".
	Key string `json:"key"`
	// Name is the document's title, e.g. "CIS Kubernetes Benchmark".
	Name string `json:"name"`
	// Short is the name listings use, e.g. "CIS".
	Short string `json:"short"`
	// Version is the edition the identifiers and titles are taken from,
	// e.g. "v1.11"; identifiers are only meaningful with it (CIS renumbers
	// sections between versions). Empty for a document published once.
	Version string `json:"version,omitempty"`
	// Published is the edition's publication date as its publisher states
	// it, e.g. "August 2022"; empty when netid does not cite one.
	Published string `json:"published,omitempty"`
	// Identifier says what a control's ID is in this document, for the docs.
	Identifier string `json:"identifier"`
	// Source says where netid read the identifiers and titles.
	Source string `json:"source"`
}

// Label is the framework's name with its version and date, e.g.
// "NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022)".
func (f Framework) Label() string {
	l := f.Name
	if f.Version != "" {
		l += " " + f.Version
	}
	if f.Published != "" {
		l += " (" + f.Published + ")"
	}
	return l
}

// Frameworks are the documents netid maps to, in the order docs and reports
// list them.
var Frameworks = []Framework{cisFramework, nsaFramework, nistFramework}

// FrameworkOf returns the framework with the key.
func FrameworkOf(key string) (Framework, bool) {
	for _, f := range Frameworks {
		if f.Key == key {
			return f, true
		}
	}
	return Framework{}, false
}

// Control is one published control: a CIS recommendation, an NSA/CISA
// section, a NIST SP 800-190 section.
type Control struct {
	// Framework is a Framework's Key, e.g. "cis".
	Framework string `json:"framework"`
	// ID identifies the control in its document: a CIS recommendation number
	// ("5.1.3"), a NIST SP 800-190 section number ("4.3.3"), or, since the
	// NSA/CISA guidance numbers nothing, its chapter and section headings
	// joined by " > " ("Network separation and hardening > Network policies").
	ID string `json:"id"`
	// Title is the control's title as its document words it, e.g.
	// "Minimize wildcard use in Roles and ClusterRoles".
	Title string `json:"title"`
}

// String is the framework key and ID, e.g. "cis 5.1.3".
func (c Control) String() string { return c.Framework + " " + c.ID }

// Lookup returns the catalog's control with this framework and ID; an
// unknown one comes back with an empty Title, which Validate refuses.
func Lookup(framework, id string) Control {
	return Control{Framework: framework, ID: id, Title: catalog[framework][id]}
}

// Shorthands for Lookup, for the rule registry.

// CISControl is the CIS Kubernetes Benchmark recommendation with this number.
func CISControl(id string) Control { return Lookup(CIS, id) }

// NSACISAControl is the NSA/CISA guidance section with these headings.
func NSACISAControl(id string) Control { return Lookup(NSACISA, id) }

// NISTControl is the NIST SP 800-190 section with this number.
func NISTControl(id string) Control { return Lookup(NIST800190, id) }

// PathSeparator joins an NSA/CISA chapter heading to a section heading.
const PathSeparator = " > "

var (
	cisID  = regexp.MustCompile(`^[1-5](\.[1-9][0-9]?){1,3}$`)
	nistID = regexp.MustCompile(`^[34]\.[1-6](\.[1-5])?$`)
)

// Validate reports whether the control names a known framework, has an ID
// of that framework's form, and is in the catalog with the same title.
func (c Control) Validate() error {
	if _, ok := FrameworkOf(c.Framework); !ok {
		return fmt.Errorf("control %q: unknown framework %q (want one of %s)", c.ID, c.Framework, strings.Join(keys(), ", "))
	}
	switch c.Framework {
	case CIS:
		if !cisID.MatchString(c.ID) {
			return fmt.Errorf("control %s: a CIS Kubernetes Benchmark ID is a recommendation number such as 5.1.3", c)
		}
	case NIST800190:
		if !nistID.MatchString(c.ID) {
			return fmt.Errorf("control %s: a NIST SP 800-190 ID is a section number of its risks (3.x.y) or countermeasures (4.x.y), such as 4.3.3", c)
		}
	case NSACISA:
		parts := strings.Split(c.ID, PathSeparator)
		if !slices.Contains(nsaChapters, parts[0]) || len(parts) > 2 {
			return fmt.Errorf("control %s: an NSA/CISA ID is a chapter heading of the guidance (%s), optionally %q and one of its section headings",
				c, strings.Join(nsaChapters, "; "), PathSeparator)
		}
		for _, p := range parts {
			if p == "" || strings.TrimSpace(p) != p || strings.Contains(p, ",") {
				return fmt.Errorf("control %s: empty, padded or comma-bearing heading %q", c, p)
			}
		}
	}
	want, ok := catalog[c.Framework][c.ID]
	switch {
	case !ok:
		return fmt.Errorf("control %s is not in the catalog (fn/internal/controls/catalog.go): add it with its title as the document words it", c)
	case c.Title != want:
		return fmt.Errorf("control %s: title %q, but the catalog has %q", c, c.Title, want)
	}
	return nil
}

// TagKey is the result tag that lists a rule's controls of one framework,
// e.g. "netid.dev/controls.cis".
func TagKey(framework string) string { return "netid.dev/controls." + framework }

// Tags are the result tags for a rule's controls: one key per framework
// (TagKey), its IDs in Sorted order joined by ", ", e.g.
// {"netid.dev/controls.cis": "5.1.3, 5.1.8"}. No control, no tag.
func Tags(cs []Control) map[string]string {
	ids := map[string][]string{}
	for _, c := range Sorted(cs) {
		ids[c.Framework] = append(ids[c.Framework], c.ID)
	}
	out := map[string]string{}
	for fw, l := range ids {
		out[TagKey(fw)] = strings.Join(l, ", ")
	}
	return out
}

// Sorted orders controls by framework (the order of Frameworks), then by ID,
// numerically for numbered IDs (5.1.9 before 5.1.10), without duplicates.
func Sorted(cs []Control) []Control {
	out := slices.Clone(cs)
	slices.SortFunc(out, Compare)
	return slices.CompactFunc(out, func(a, b Control) bool { return a.Framework == b.Framework && a.ID == b.ID })
}

// Compare orders two controls as Sorted does.
func Compare(a, b Control) int {
	if c := cmp.Compare(frameworkRank(a.Framework), frameworkRank(b.Framework)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Framework, b.Framework); c != 0 {
		return c
	}
	return compareIDs(a.ID, b.ID)
}

func frameworkRank(key string) int {
	for i, f := range Frameworks {
		if f.Key == key {
			return i
		}
	}
	return len(Frameworks)
}

// compareIDs compares dotted numbers numerically, part by part, and anything
// else as text.
func compareIDs(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		if errx != nil || erry != nil {
			return cmp.Compare(a, b)
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

func keys() []string {
	var out []string
	for _, f := range Frameworks {
		out = append(out, f.Key)
	}
	return out
}

// Catalog returns every control of the catalog, in Sorted order.
func Catalog() []Control {
	var out []Control
	for fw, m := range catalog {
		for id, title := range m {
			out = append(out, Control{Framework: fw, ID: id, Title: title})
		}
	}
	return Sorted(out)
}
