package rbac

import (
	"reflect"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestFromPolicyRules(t *testing.T) {
	tests := []struct {
		name  string
		rules []rbacv1.PolicyRule
		want  string
	}{
		{
			// kubectl's own expectation: staging/src/k8s.io/kubectl/pkg/cmd/auth/cani_test.go
			// TestRunAccessList feeds this rules review and expects this table.
			name: "kubectl TestRunAccessList",
			rules: []rbacv1.PolicyRule{
				named(pr(l("get", "list"), l("*"), l("pod", "job")), "test-resource"),
				urls(l("get"), "/apis/*", "/version"),
			},
			want: "Resources   Non-Resource URLs   Resource Names    Verbs\n" +
				"job.*       []                  [test-resource]   [get list]\n" +
				"pod.*       []                  [test-resource]   [get list]\n" +
				"            [/apis/*]           []                [get]\n" +
				"            [/version]          []                [get]\n",
		},
		{
			name: "every group × resource × name becomes its own line",
			rules: []rbacv1.PolicyRule{
				named(pr(l("get"), l("", "apps"), l("a", "b")), "x", "y"),
			},
			want: table(
				"Resources   Non-Resource URLs   Resource Names   Verbs",
				"a           []                  [x]              [get]",
				"a           []                  [y]              [get]",
				"b           []                  [x]              [get]",
				"b           []                  [y]              [get]",
				"a.apps      []                  [x]              [get]",
				"a.apps      []                  [y]              [get]",
				"b.apps      []                  [x]              [get]",
				"b.apps      []                  [y]              [get]",
			),
		},
		{
			name: "verbs: [get list] sorts before [get] (a space before a bracket), [*] before letters",
			rules: []rbacv1.PolicyRule{
				pr(l("get"), l(""), l("a")),
				pr(l("list", "get"), l(""), l("b")),
				pr(l("*"), l(""), l("c")),
				pr(l("create", "*"), l(""), l("d")),
			},
			want: table(
				header,
				"d           []                  []               [* create]",
				"c           []                  []               [*]",
				"b           []                  []               [get list]",
				"a           []                  []               [get]",
			),
		},
		{
			name:  "empty",
			rules: nil,
			want:  table(header),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diffTable(t, Table(FromPolicyRules(tt.rules)), tt.want)
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		want  []Rule
	}{
		{
			name: "several resources, names and URLs in one Rule come apart; lines merge by resource and name",
			rules: []Rule{
				{Resources: l("pods", "deployments.apps/scale"), Verbs: l("watch", "get")},
				{Resources: l("pods"), Verbs: l("list", "get")},
				{Resources: l("configmaps"), ResourceNames: l("b", "a"), Verbs: l("get")},
				{NonResourceURLs: l("/b", "/a"), Verbs: l("get")},
			},
			// By verbs first ("[get list watch]" < "[get watch]" < "[get]"),
			// then "Resources:[]" of a URL line before "Resources:[configmaps]".
			want: []Rule{
				{Resources: l("pods"), Verbs: l("get", "list", "watch")},
				{Resources: l("deployments.apps/scale"), Verbs: l("get", "watch")},
				{NonResourceURLs: l("/a"), Verbs: l("get")},
				{NonResourceURLs: l("/b"), Verbs: l("get")},
				{Resources: l("configmaps"), ResourceNames: l("a"), Verbs: l("get")},
				{Resources: l("configmaps"), ResourceNames: l("b"), Verbs: l("get")},
			},
		},
		{
			name:  "empty",
			rules: nil,
			want:  []Rule{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.rules)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Normalize = %+v, want %+v", got, tt.want)
			}
			if again := Normalize(got); !reflect.DeepEqual(again, got) {
				t.Errorf("Normalize is not idempotent: %+v, then %+v", got, again)
			}
		})
	}
}

// TestNormalizeCombines checks that normalising two lists together is the
// list of the union of their RBAC objects.
func TestNormalizeCombines(t *testing.T) {
	cart := sa("shop", "cart")
	a := Set{
		ClusterRoles:        []rbacv1.ClusterRole{cr("a", nil, pr(l("get"), l(""), l("pods")), urls(l("get"), "/healthz"))},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("a", "a", cart)},
	}
	b := Set{
		ClusterRoles:        []rbacv1.ClusterRole{cr("b", nil, pr(l("list"), l(""), l("pods")), urls(l("get"), "/healthz"))},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("b", "b", cart)},
	}
	both := Set{
		ClusterRoles:        append(append([]rbacv1.ClusterRole(nil), a.ClusterRoles...), b.ClusterRoles...),
		ClusterRoleBindings: append(append([]rbacv1.ClusterRoleBinding(nil), a.ClusterRoleBindings...), b.ClusterRoleBindings...),
	}
	got := Normalize(append(a.Effective("shop", "cart"), b.Effective("shop", "cart")...))
	if want := both.Effective("shop", "cart"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestPrintResource(t *testing.T) {
	tests := []struct{ group, resource, printed string }{
		{"", "pods", "pods"},
		{"", "pods/log", "pods/log"},
		{"apps", "deployments", "deployments.apps"},
		{"apps", "deployments/scale", "deployments.apps/scale"},
		{"metrics.k8s.io", "pods", "pods.metrics.k8s.io"},
		{"*", "*", "*.*"},
		{"", "*", "*"},
		{"apps", "*/scale", "*.apps/scale"},
		{"*", "pods", "pods.*"},
	}
	for _, tt := range tests {
		t.Run(tt.printed, func(t *testing.T) {
			if got := printResource(tt.group, tt.resource); got != tt.printed {
				t.Errorf("printResource(%q, %q) = %q, want %q", tt.group, tt.resource, got, tt.printed)
			}
			if g, r := parseResource(tt.printed); g != tt.group || r != tt.resource {
				t.Errorf("parseResource(%q) = %q, %q, want %q, %q", tt.printed, g, r, tt.group, tt.resource)
			}
		})
	}
}

// TestEmptyResourceName: a resourceNames entry "" is a name (it matches only
// requests without one), so it keeps its own line, which prints exactly like
// the unnamed line; the unnamed one comes first.
func TestEmptyResourceName(t *testing.T) {
	got := FromPolicyRules([]rbacv1.PolicyRule{
		named(pr(l("get"), l(""), l("pods")), ""),
		pr(l("get"), l(""), l("pods")),
	})
	want := []Rule{
		{Resources: l("pods"), Verbs: l("get")},
		{Resources: l("pods"), ResourceNames: l(""), Verbs: l("get")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	diffTable(t, Table(got), table(
		header,
		"pods        []                  []               [get]",
		"pods        []                  []               [get]",
	))
}
