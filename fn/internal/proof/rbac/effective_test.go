package rbac

import (
	"reflect"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Every case asks what ServiceAccount shop/cart can do in "shop" (unless ns
// and sa say otherwise) and compares kubectl's table, written out by hand.
func TestEffective(t *testing.T) {
	cart := sa("shop", "cart")
	get := l("get")
	tests := []struct {
		name    string
		set     Set
		ns, sa  string
		want    string
		wantErr []Binding // Unresolved
	}{
		{
			name: "Role via RoleBinding",
			set: Set{
				Roles:        []rbacv1.Role{role("shop", "reader", pr(l("list", "get"), l(""), l("configmaps")))},
				RoleBindings: []rbacv1.RoleBinding{rb("shop", "reader", "Role", "reader", cart)},
			},
			want: table(
				"Resources    Non-Resource URLs   Resource Names   Verbs",
				"configmaps   []                  []               [get list]",
			),
		},
		{
			name: "ClusterRole via RoleBinding applies in the binding's namespace",
			set: Set{
				ClusterRoles: []rbacv1.ClusterRole{cr("pod-reader", nil, pr(get, l(""), l("pods")))},
				RoleBindings: []rbacv1.RoleBinding{rb("shop", "pods", "ClusterRole", "pod-reader", cart)},
			},
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name: "ClusterRole via RoleBinding does not apply in another namespace",
			set: Set{
				ClusterRoles: []rbacv1.ClusterRole{cr("pod-reader", nil, pr(get, l(""), l("pods")))},
				RoleBindings: []rbacv1.RoleBinding{rb("shop", "pods", "ClusterRole", "pod-reader", sa("", "cart"))},
			},
			ns: "billing", sa: "cart",
			want: table(header),
		},
		{
			name: "ClusterRole via ClusterRoleBinding",
			set: Set{
				ClusterRoles:        []rbacv1.ClusterRole{cr("node-reader", nil, pr(l("get", "list", "watch"), l(""), l("nodes")))},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("nodes", "node-reader", cart)},
			},
			want: table(
				header,
				"nodes       []                  []               [get list watch]",
			),
		},
		{
			name: "RoleBinding in another namespace is ignored",
			set: Set{
				ClusterRoles: []rbacv1.ClusterRole{cr("pod-reader", nil, pr(get, l(""), l("pods")))},
				Roles:        []rbacv1.Role{role("billing", "reader", pr(get, l(""), l("secrets")))},
				RoleBindings: []rbacv1.RoleBinding{
					rb("billing", "pods", "ClusterRole", "pod-reader", cart),
					rb("billing", "reader", "Role", "reader", cart),
				},
			},
			want: table(header),
		},
		{
			name: "Role of another namespace is not resolved by a RoleBinding",
			set: Set{
				Roles:        []rbacv1.Role{role("billing", "reader", pr(get, l(""), l("secrets")))},
				RoleBindings: []rbacv1.RoleBinding{rb("shop", "reader", "Role", "reader", cart)},
			},
			want:    table(header),
			wantErr: []Binding{{Kind: "RoleBinding", Namespace: "shop", Name: "reader", RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "reader"}}},
		},
		{
			name: "Role and RoleBinding without namespace are in default",
			set: Set{
				Roles:        []rbacv1.Role{role("", "reader", pr(get, l(""), l("pods")))},
				RoleBindings: []rbacv1.RoleBinding{rb("", "reader", "Role", "reader", sa("", "cart"))},
			},
			ns: "default", sa: "cart",
			want: table(
				header,
				"pods        []                  []               [get]",
			),
		},
		{
			name: "roleRef to a missing Role, a missing ClusterRole, and a Role from a ClusterRoleBinding grant nothing",
			set: Set{
				Roles:        []rbacv1.Role{role("shop", "present", pr(get, l(""), l("pods")))},
				RoleBindings: []rbacv1.RoleBinding{rb("shop", "ghost-role", "Role", "ghost", cart), rb("shop", "ghost-cr", "ClusterRole", "ghost", cart)},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{
					crb("ghost", "ghost", cart),
					{ObjectMeta: metav1.ObjectMeta{Name: "role-from-crb"}, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "present"}, Subjects: []rbacv1.Subject{cart}},
				},
			},
			want: table(header),
			wantErr: []Binding{
				{Kind: "ClusterRoleBinding", Name: "ghost", RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "ghost"}},
				{Kind: "ClusterRoleBinding", Name: "role-from-crb", RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "present"}},
				{Kind: "RoleBinding", Namespace: "shop", Name: "ghost-role", RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "ghost"}},
				{Kind: "RoleBinding", Namespace: "shop", Name: "ghost-cr", RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "ghost"}},
			},
		},
		{
			name: "resourceNames: one line per name, verbs merged across rules",
			set: Set{
				Roles: []rbacv1.Role{role("shop", "config",
					named(pr(l("watch", "get"), l(""), l("configmaps")), "b-config", "a-config"),
					named(pr(l("update"), l(""), l("configmaps")), "a-config"),
					pr(l("list"), l(""), l("configmaps")),
				)},
				RoleBindings: []rbacv1.RoleBinding{rb("shop", "config", "Role", "config", cart)},
			},
			want: table(
				"Resources    Non-Resource URLs   Resource Names   Verbs",
				"configmaps   []                  [a-config]       [get update watch]",
				"configmaps   []                  [b-config]       [get watch]",
				"configmaps   []                  []               [list]",
			),
		},
		{
			name: "subresources print after the group",
			set: Set{
				ClusterRoles: []rbacv1.ClusterRole{cr("debug", nil,
					pr(get, l(""), l("pods/log")),
					pr(l("create"), l(""), l("pods/exec")),
					pr(l("update", "get", "patch"), l("apps"), l("deployments/scale")),
				)},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("debug", "debug", cart)},
			},
			want: table(
				"Resources                Non-Resource URLs   Resource Names   Verbs",
				"pods/exec                []                  []               [create]",
				"deployments.apps/scale   []                  []               [get patch update]",
				"pods/log                 []                  []               [get]",
			),
		},
		{
			name: "nonResourceURLs only from ClusterRoles (listed even through a RoleBinding, as kubectl lists them)",
			set: Set{
				Roles: []rbacv1.Role{role("shop", "invalid",
					pr(get, l(""), l("pods")),
					urls(get, "/from-a-role"),
				)},
				ClusterRoles: []rbacv1.ClusterRole{
					cr("metrics", nil, urls(get, "/metrics")),
					cr("debug", nil, urls(get, "/debug/*")),
				},
				RoleBindings:        []rbacv1.RoleBinding{rb("shop", "invalid", "Role", "invalid", cart), rb("shop", "debug", "ClusterRole", "debug", cart)},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("metrics", "metrics", cart)},
			},
			want: table(
				header,
				"            [/debug/*]          []               [get]",
				"            [/metrics]          []               [get]",
				"pods        []                  []               [get]",
			),
		},
		{
			name: "wildcards sort first and print as kubectl prints them",
			set: Set{
				ClusterRoles: []rbacv1.ClusterRole{cr("wild", nil,
					pr(l("update"), l("apps"), l("*/scale")),
					pr(get, l(""), l("*")),
					urls(l("*"), "*"),
					pr(l("*"), l("*"), l("*")),
				)},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("wild", "wild", cart)},
			},
			want: table(
				"Resources      Non-Resource URLs   Resource Names   Verbs",
				"*.*            []                  []               [*]",
				"               [*]                 []               [*]",
				"*              []                  []               [get]",
				"*.apps/scale   []                  []               [update]",
			),
		},
		{
			name: "merging and sorting: verbs merged per resource, deduplicated and sorted; lines by kubectl's PolicyRule string",
			set: Set{
				Roles: []rbacv1.Role{
					role("shop", "one", pr(l("watch", "get"), l(""), l("pods")), pr(l("list"), l("apps"), l("deployments"))),
					role("shop", "two", pr(l("list", "get"), l(""), l("pods", "services")), pr(l("watch"), l(""), l("services"))),
				},
				ClusterRoles: []rbacv1.ClusterRole{cr("cluster", nil,
					pr(get, l("coordination.k8s.io"), l("leases")),
					pr(l("create"), l("", "events.k8s.io"), l("events")),
				)},
				RoleBindings:        []rbacv1.RoleBinding{rb("shop", "one", "Role", "one", cart), rb("shop", "two", "Role", "two", cart)},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("cluster", "cluster", cart)},
			},
			want: table(
				"Resources                    Non-Resource URLs   Resource Names   Verbs",
				"events                       []                  []               [create]",
				"events.events.k8s.io         []                  []               [create]",
				"pods                         []                  []               [get list watch]",
				"services                     []                  []               [get list watch]",
				"leases.coordination.k8s.io   []                  []               [get]",
				"deployments.apps             []                  []               [list]",
			),
		},
		{
			name: "non-resource URLs are never merged: one line per URL and verb, repeated when granted twice",
			set: Set{
				ClusterRoles: []rbacv1.ClusterRole{
					cr("health", nil, urls(get, "/healthz")),
					cr("health-rw", nil, urls(l("post", "get"), "/healthz")),
				},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("health", "health", cart), crb("health-rw", "health-rw", cart)},
			},
			want: table(
				header,
				"            [/healthz]          []               [get]",
				"            [/healthz]          []               [get]",
				"            [/healthz]          []               [post]",
			),
		},
		{
			name: "rules without apiGroups or verbs grant nothing",
			set: Set{
				ClusterRoles:        []rbacv1.ClusterRole{cr("broken", nil, pr(get, nil, l("pods")), pr(nil, l(""), l("pods")))},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("broken", "broken", cart)},
			},
			want: table(header),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, name := "shop", "cart"
			if tt.ns != "" {
				ns, name = tt.ns, tt.sa
			}
			diffTable(t, Table(tt.set.Effective(ns, name)), tt.want)
			if got := tt.set.Unresolved(ns, name); !reflect.DeepEqual(got, tt.wantErr) {
				t.Errorf("Unresolved = %+v, want %+v", got, tt.wantErr)
			}
		})
	}
}

// TestSubjects binds pods [get] to one subject and asks whether shop/cart
// gets it.
func TestSubjects(t *testing.T) {
	tests := []struct {
		name    string
		subject rbacv1.Subject
		cluster bool // bind with a ClusterRoleBinding instead of a RoleBinding in shop
		want    bool
	}{
		{"ServiceAccount", sa("shop", "cart"), false, true},
		{"ServiceAccount, ClusterRoleBinding", sa("shop", "cart"), true, true},
		{"ServiceAccount without namespace in a RoleBinding is of the binding's namespace", sa("", "cart"), false, true},
		{"ServiceAccount without namespace in a ClusterRoleBinding matches nothing", sa("", "cart"), true, false},
		{"ServiceAccount of another namespace", sa("billing", "cart"), false, false},
		{"another ServiceAccount", sa("shop", "checkout"), true, false},
		{"kind is case-sensitive", rbacv1.Subject{Kind: "serviceaccount", Namespace: "shop", Name: "cart"}, true, false},
		{"User system:serviceaccount:NS:SA", user("system:serviceaccount:shop:cart"), true, true},
		{"User system:serviceaccount:NS:SA, RoleBinding", user("system:serviceaccount:shop:cart"), false, true},
		{"User with the bare name", user("cart"), true, false},
		{"User of another namespace", user("system:serviceaccount:billing:cart"), true, false},
		{"Group system:serviceaccounts", group("system:serviceaccounts"), true, true},
		{"Group system:serviceaccounts:NS", group("system:serviceaccounts:shop"), false, true},
		{"Group system:serviceaccounts of another namespace", group("system:serviceaccounts:billing"), true, false},
		{"Group system:authenticated", group("system:authenticated"), true, true},
		{"Group system:unauthenticated", group("system:unauthenticated"), true, false},
		{"User kind naming a group", user("system:authenticated"), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Set{ClusterRoles: []rbacv1.ClusterRole{cr("pod-reader", nil, pr(l("get"), l(""), l("pods")))}}
			if tt.cluster {
				s.ClusterRoleBindings = []rbacv1.ClusterRoleBinding{crb("b", "pod-reader", sa("other", "x"), tt.subject)}
			} else {
				s.RoleBindings = []rbacv1.RoleBinding{rb("shop", "b", "ClusterRole", "pod-reader", sa("other", "x"), tt.subject)}
			}
			got := len(s.Effective("shop", "cart")) > 0
			if got != tt.want {
				t.Errorf("granted = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEffectiveNeverNil(t *testing.T) {
	if got := (Set{}).Effective("shop", "cart"); got == nil || len(got) != 0 {
		t.Errorf("Effective of an empty Set = %#v, want an empty, non-nil list", got)
	}
}
