package rbac

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Table renders rules as `kubectl auth can-i --list` prints them: a header
// line and one line per Rule in the order given, columns Resources,
// Non-Resource URLs, Resource Names and Verbs, lists in Go's %v brackets
// ("[get list]", "[]"), aligned by kubectl's tabwriter (cli-runtime
// printers.GetNewTabWriter: minimum width 6, padding 3, spaces; its
// RememberWidths flag changes nothing in a single flush, so the standard
// library's tabwriter prints the same). The header is printed even with no
// rules, as kubectl does. A Rule with several Resources (which Effective,
// FromPolicyRules and Normalize never produce) shows them joined by commas.
//
// Example:
//
//	Resources   Non-Resource URLs   Resource Names   Verbs
//	pods        []                  []               [get list]
//	            [/healthz]          []               [get]
func Table(rules []Rule) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 6, 4, 3, ' ', 0)
	fmt.Fprintln(w, "Resources\tNon-Resource URLs\tResource Names\tVerbs")
	for _, r := range rules {
		fmt.Fprintf(w, "%s\t%v\t%v\t%v\n", strings.Join(r.Resources, ","), r.NonResourceURLs, r.ResourceNames, r.Verbs)
	}
	w.Flush()
	return b.String()
}
