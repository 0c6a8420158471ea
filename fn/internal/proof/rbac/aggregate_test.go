package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Every case binds the ClusterRole "bound" to shop/cart with a
// ClusterRoleBinding and compares what that grants.
func TestAggregation(t *testing.T) {
	get := l("get")
	labelled := func(k, v string) map[string]string { return map[string]string{k: v} }
	matchLabels := func(k, v string) metav1.LabelSelector {
		return metav1.LabelSelector{MatchLabels: map[string]string{k: v}}
	}
	tests := []struct {
		name  string
		roles []rbacv1.ClusterRole
		want  string
	}{
		{
			name: "matchLabels: every ClusterRole with the label, nothing else",
			roles: []rbacv1.ClusterRole{
				aggCR("bound", nil, matchLabels("aggregate-to-bound", "true")),
				cr("pods", labelled("aggregate-to-bound", "true"), pr(get, l(""), l("pods"))),
				cr("services", labelled("aggregate-to-bound", "true"), pr(l("list"), l(""), l("services"))),
				cr("secrets", labelled("aggregate-to-bound", "false"), pr(get, l(""), l("secrets"))),
				cr("nodes", nil, pr(get, l(""), l("nodes"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
				"services    []                  []               [list]",
			),
		},
		{
			name: "matchExpressions: In and NotIn (NotIn matches a missing key)",
			roles: []rbacv1.ClusterRole{
				aggCR("bound", nil, metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: l("a", "b")},
					{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: l("prod")},
				}}),
				cr("tier-a", labelled("tier", "a"), pr(get, l(""), l("pods"))),
				cr("tier-b-prod", map[string]string{"tier": "b", "env": "prod"}, pr(get, l(""), l("secrets"))),
				cr("tier-b-dev", map[string]string{"tier": "b", "env": "dev"}, pr(get, l(""), l("services"))),
				cr("tier-c", labelled("tier", "c"), pr(get, l(""), l("nodes"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
				"services    []                  []               [get]",
			),
		},
		{
			name: "matchExpressions: Exists and DoesNotExist, with matchLabels ANDed",
			roles: []rbacv1.ClusterRole{
				aggCR("bound", nil, metav1.LabelSelector{
					MatchLabels: map[string]string{"team": "shop"},
					MatchExpressions: []metav1.LabelSelectorRequirement{
						{Key: "extra", Operator: metav1.LabelSelectorOpExists},
						{Key: "deprecated", Operator: metav1.LabelSelectorOpDoesNotExist},
					}}),
				cr("match", map[string]string{"team": "shop", "extra": ""}, pr(get, l(""), l("pods"))),
				cr("deprecated", map[string]string{"team": "shop", "extra": "", "deprecated": "yes"}, pr(get, l(""), l("secrets"))),
				cr("no-extra", map[string]string{"team": "shop"}, pr(get, l(""), l("nodes"))),
				cr("other-team", map[string]string{"team": "billing", "extra": ""}, pr(get, l(""), l("services"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name: "several selectors: a ClusterRole matching any of them",
			roles: []rbacv1.ClusterRole{
				aggCR("bound", nil, matchLabels("a", "1"), matchLabels("b", "1")),
				cr("by-a", labelled("a", "1"), pr(get, l(""), l("pods"))),
				cr("by-b", labelled("b", "1"), pr(l("list"), l(""), l("pods"))),
				cr("by-both", map[string]string{"a": "1", "b": "1"}, pr(l("watch"), l(""), l("pods"))),
			},
			want: table(
				header,
				"pods        []                  []               [get list watch]",
			),
		},
		{
			name: "aggregation of an aggregated ClusterRole, whatever the name order, its own rules replaced",
			roles: []rbacv1.ClusterRole{
				aggCR("bound", nil, matchLabels("level", "top")),
				func() rbacv1.ClusterRole {
					mid := aggCR("a-mid", labelled("level", "top"), matchLabels("level", "mid"))
					mid.Rules = []rbacv1.PolicyRule{pr(l("*"), l("*"), l("*"))} // the controller overwrites these
					return mid
				}(),
				aggCR("0-lower", labelled("level", "mid"), matchLabels("level", "low")),
				cr("z-leaf", labelled("level", "low"), pr(get, l(""), l("pods"))),
				cr("y-leaf", labelled("level", "mid"), pr(l("list"), l(""), l("services"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
				"services    []                  []               [list]",
			),
		},
		{
			name: "own rules of an aggregated ClusterRole that selects nothing are dropped",
			roles: []rbacv1.ClusterRole{
				func() rbacv1.ClusterRole {
					r := aggCR("bound", nil, matchLabels("nothing", "here"))
					r.Rules = []rbacv1.PolicyRule{pr(get, l(""), l("secrets"))}
					return r
				}(),
			},
			want: table(header),
		},
		{
			name: "an empty selector matches every other ClusterRole, not itself",
			roles: []rbacv1.ClusterRole{
				func() rbacv1.ClusterRole {
					r := aggCR("bound", nil, metav1.LabelSelector{})
					r.Rules = []rbacv1.PolicyRule{pr(get, l(""), l("secrets"))}
					return r
				}(),
				cr("anything", nil, pr(get, l(""), l("pods"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name: "a selector that does not parse leaves the ClusterRole's own rules",
			roles: []rbacv1.ClusterRole{
				func() rbacv1.ClusterRole {
					r := aggCR("bound", nil, metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Bogus"}}})
					r.Rules = []rbacv1.PolicyRule{pr(get, l(""), l("secrets"))}
					return r
				}(),
				cr("pods", labelled("a", "1"), pr(get, l(""), l("pods"))),
			},
			want: table(
				header,
				"secrets     []                  []               [get]",
			),
		},
		{
			name: "a selection cycle settles on what the non-aggregated ClusterRoles supply",
			roles: []rbacv1.ClusterRole{
				aggCR("bound", labelled("ring", "1"), matchLabels("ring", "2")),
				func() rbacv1.ClusterRole {
					r := aggCR("other", labelled("ring", "2"), matchLabels("ring", "1"))
					r.Rules = []rbacv1.PolicyRule{pr(get, l(""), l("secrets"))} // never counts
					return r
				}(),
				cr("leaf", labelled("ring", "2"), pr(get, l(""), l("pods"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name: "two ClusterRoles of one name: the first counts",
			roles: []rbacv1.ClusterRole{
				cr("bound", nil, pr(get, l(""), l("pods"))),
				cr("bound", nil, pr(get, l(""), l("secrets"))),
			},
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Set{
				ClusterRoles:        tt.roles,
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("bound", "bound", sa("shop", "cart"))},
			}
			diffTable(t, Table(s.Effective("shop", "cart")), tt.want)
		})
	}
}
