package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestBootstrapRules(t *testing.T) {
	// What `kubectl auth can-i --list` prints for a ServiceAccount with no
	// bindings of its own on a v1.37 API server: the five URLs that
	// system:discovery and system:public-info-viewer both grant appear twice.
	want := table(
		"Resources                                       Non-Resource URLs                      Resource Names   Verbs",
		"selfsubjectreviews.authentication.k8s.io        []                                     []               [create]",
		"selfsubjectaccessreviews.authorization.k8s.io   []                                     []               [create]",
		"selfsubjectrulesreviews.authorization.k8s.io    []                                     []               [create]",
		"clustertrustbundles.certificates.k8s.io         []                                     []               [get list watch]",
		"                                                [/.well-known/openid-configuration/]   []               [get]",
		"                                                [/.well-known/openid-configuration]    []               [get]",
		"                                                [/api/*]                               []               [get]",
		"                                                [/api]                                 []               [get]",
		"                                                [/apis/*]                              []               [get]",
		"                                                [/apis]                                []               [get]",
		"                                                [/healthz]                             []               [get]",
		"                                                [/healthz]                             []               [get]",
		"                                                [/livez]                               []               [get]",
		"                                                [/livez]                               []               [get]",
		"                                                [/openapi/*]                           []               [get]",
		"                                                [/openapi]                             []               [get]",
		"                                                [/openid/v1/jwks/]                     []               [get]",
		"                                                [/openid/v1/jwks]                      []               [get]",
		"                                                [/readyz]                              []               [get]",
		"                                                [/readyz]                              []               [get]",
		"                                                [/version/]                            []               [get]",
		"                                                [/version/]                            []               [get]",
		"                                                [/version]                             []               [get]",
		"                                                [/version]                             []               [get]",
	)
	diffTable(t, Table(BootstrapRules()), want)
}

// TestBootstrapWithEffective combines a render's permissions with the
// defaults, as a comparison with a real API server does.
func TestBootstrapWithEffective(t *testing.T) {
	s := Set{
		ClusterRoles: []rbacv1.ClusterRole{cr("probe", nil,
			urls(l("get"), "/healthz"),
			pr(l("create"), l("authorization.k8s.io"), l("selfsubjectaccessreviews")),
			pr(l("get"), l("authorization.k8s.io"), l("selfsubjectaccessreviews")),
		)},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("probe", "probe", sa("shop", "cart"))},
	}
	got := Normalize(append(s.Effective("shop", "cart"), BootstrapRules()...))
	bootstrap := BootstrapRules()
	// selfsubjectaccessreviews gains get on its existing line; /healthz gets a third line.
	if len(got) != len(bootstrap)+1 {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(bootstrap)+1, Table(got))
	}
	healthz := 0
	for _, r := range got {
		if len(r.NonResourceURLs) == 1 && r.NonResourceURLs[0] == "/healthz" {
			healthz++
		}
		if len(r.Resources) == 1 && r.Resources[0] == "selfsubjectaccessreviews.authorization.k8s.io" {
			if len(r.Verbs) != 2 || r.Verbs[0] != "create" || r.Verbs[1] != "get" {
				t.Errorf("selfsubjectaccessreviews verbs = %v, want [create get]", r.Verbs)
			}
		}
	}
	if healthz != 3 {
		t.Errorf("/healthz listed %d times, want 3:\n%s", healthz, Table(got))
	}
	if ex := Exceeds(got, BootstrapRules()); len(ex) != 1 || ex[0].Resources[0] != "selfsubjectaccessreviews.authorization.k8s.io" || ex[0].Verbs[0] != "get" {
		t.Errorf("Exceeds(got, bootstrap) = %+v, want selfsubjectaccessreviews.authorization.k8s.io [get]", ex)
	}
}
