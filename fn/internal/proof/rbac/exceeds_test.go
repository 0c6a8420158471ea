package rbac

import (
	"testing"
)

func TestExceeds(t *testing.T) {
	r := func(resource string, verbs ...string) Rule { return Rule{Resources: l(resource), Verbs: verbs} }
	rn := func(resource, name string, verbs ...string) Rule {
		return Rule{Resources: l(resource), ResourceNames: l(name), Verbs: verbs}
	}
	u := func(url string, verbs ...string) Rule { return Rule{NonResourceURLs: l(url), Verbs: verbs} }
	tests := []struct {
		name           string
		have, declared []Rule
		want           string // "" when nothing exceeds
	}{
		{
			name:     "equal lists",
			have:     []Rule{r("pods", "get", "list"), u("/healthz", "get")},
			declared: []Rule{r("pods", "get", "list"), u("/healthz", "get")},
		},
		{
			name:     "nothing had",
			declared: []Rule{r("pods", "get")},
		},
		{
			name:     "nothing declared",
			have:     []Rule{r("pods", "get")},
			declared: nil,
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name:     "only the uncovered verbs are returned",
			have:     []Rule{r("pods", "get", "list", "watch")},
			declared: []Rule{r("pods", "list", "get")},
			want: table(
				header,
				"pods        []                  []               [watch]",
			),
		},
		{
			name:     "a subset is covered",
			have:     []Rule{r("pods", "get")},
			declared: []Rule{r("pods", "get", "list", "watch")},
		},
		{
			name:     "declared lines cover together",
			have:     []Rule{r("pods", "get", "list")},
			declared: []Rule{r("pods", "get"), r("*.*", "list")},
		},
		{
			name:     "declared verb * covers any verb",
			have:     []Rule{r("pods", "delete", "escalate")},
			declared: []Rule{r("pods", "*")},
		},
		{
			name:     "declared *.* [*] covers every resource but no URL",
			have:     []Rule{r("deployments.apps/scale", "update"), r("*", "get"), u("/healthz", "get")},
			declared: []Rule{r("*.*", "*")},
			want: table(
				header,
				"            [/healthz]          []               [get]",
			),
		},
		{
			name:     "a wildcard had needs the same or a wider wildcard declared",
			have:     []Rule{r("*.*", "get"), r("pods", "*"), r("*.apps", "list")},
			declared: []Rule{r("pods", "get", "list", "watch"), r("deployments.apps", "list"), r("*.apps", "list")},
			want: table(
				"Resources   Non-Resource URLs   Resource Names   Verbs",
				"pods        []                  []               [*]",
				"*.*         []                  []               [get]",
			),
		},
		{
			name:     "group wildcard: deployments.* covers deployments of every group, nothing else",
			have:     []Rule{r("deployments.apps", "get"), r("deployments.extensions", "get"), r("statefulsets.apps", "get")},
			declared: []Rule{r("deployments.*", "get")},
			want: table(
				"Resources           Non-Resource URLs   Resource Names   Verbs",
				"statefulsets.apps   []                  []               [get]",
			),
		},
		{
			name:     "core-group wildcard * does not cover other groups",
			have:     []Rule{r("pods", "get"), r("pods/log", "get"), r("deployments.apps", "get")},
			declared: []Rule{r("*", "get")},
			want: table(
				"Resources          Non-Resource URLs   Resource Names   Verbs",
				"deployments.apps   []                  []               [get]",
			),
		},
		{
			name:     "subresources: pods does not cover pods/log; */log does, and only log",
			have:     []Rule{r("pods/log", "get"), r("pods/exec", "create"), r("deployments.apps/scale", "get")},
			declared: []Rule{r("pods", "*"), r("*/log", "get"), r("*.apps/scale", "get")},
			want: table(
				"Resources   Non-Resource URLs   Resource Names   Verbs",
				"pods/exec   []                  []               [create]",
			),
		},
		{
			// ResourceMatches and component-helpers' resourceCoversAll expand
			// only "*" and "*/sub": "pods/*" is compared literally, so it
			// grants no pods subresource, and only "*/*" or "*" cover it.
			name: "subresources: pods/* is no wildcard, */scale is",
			have: []Rule{r("pods/exec", "create"), r("pods/attach", "get"), r("pods/*", "get"),
				r("deployments.apps/scale", "update"), r("statefulsets.apps/scale", "update"), r("deployments.apps", "update")},
			declared: []Rule{r("pods/*", "*"), r("*.apps/scale", "update")},
			want: table(
				"Resources          Non-Resource URLs   Resource Names   Verbs",
				"pods/exec          []                  []               [create]",
				"pods/attach        []                  []               [get]",
				"deployments.apps   []                  []               [update]",
			),
		},
		{
			name:     "subresources: */* covers pods/* as the API server's Covers does",
			have:     []Rule{r("pods/*", "get")},
			declared: []Rule{r("*/*", "get")},
		},
		{
			name:     "resourceNames: a named grant covers that name only, an unnamed one every name",
			have:     []Rule{rn("configmaps", "app", "get"), rn("configmaps", "other", "get"), r("configmaps", "get"), rn("secrets", "tls", "get")},
			declared: []Rule{rn("configmaps", "app", "get", "watch"), r("secrets", "get")},
			want: table(
				"Resources    Non-Resource URLs   Resource Names   Verbs",
				"configmaps   []                  []               [get]",
				"configmaps   []                  [other]          [get]",
			),
		},
		{
			name: "non-resource URLs: exact, prefix* and *",
			have: []Rule{u("/api/v1", "get"), u("/api/*", "get"), u("/api", "get"), u("/apis", "get"),
				u("/healthz", "get"), u("/healthz", "post"), u("/metrics", "get")},
			declared: []Rule{u("/api/*", "get"), u("/healthz", "get"), u("/metr*", "*")},
			want: table(
				header,
				"            [/api]              []               [get]",
				"            [/apis]             []               [get]",
				"            [/healthz]          []               [post]",
			),
		},
		{
			name:     "declared URL * covers every URL but no resource",
			have:     []Rule{u("/anything/at/all", "get"), r("pods", "get")},
			declared: []Rule{u("*", "get")},
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name:     "a permission had twice is reported once",
			have:     []Rule{u("/healthz", "get"), u("/healthz", "get"), r("pods", "get"), r("pods", "get")},
			declared: nil,
			want: table(
				header,
				"            [/healthz]          []               [get]",
				"pods        []                  []               [get]",
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Exceeds(tt.have, tt.declared)
			if tt.want == "" {
				if got != nil {
					t.Errorf("Exceeds = %+v, want nil", got)
				}
				return
			}
			diffTable(t, Table(got), tt.want)
		})
	}
}
