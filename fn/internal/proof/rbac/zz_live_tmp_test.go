package rbac

import (
	"os"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

func TestLiveTmp(t *testing.T) {
	b, err := os.ReadFile("/tmp/rbaclive/objs.yaml")
	if err != nil {
		t.Skip()
	}
	var s Set
	for _, doc := range strings.Split(string(b), "\n---\n") {
		var meta struct{ Kind string }
		yaml.Unmarshal([]byte(doc), &meta)
		switch meta.Kind {
		case "Role":
			var o rbacv1.Role
			yaml.Unmarshal([]byte(doc), &o)
			s.Roles = append(s.Roles, o)
		case "ClusterRole":
			var o rbacv1.ClusterRole
			yaml.Unmarshal([]byte(doc), &o)
			s.ClusterRoles = append(s.ClusterRoles, o)
		case "RoleBinding":
			var o rbacv1.RoleBinding
			yaml.Unmarshal([]byte(doc), &o)
			s.RoleBindings = append(s.RoleBindings, o)
		case "ClusterRoleBinding":
			var o rbacv1.ClusterRoleBinding
			yaml.Unmarshal([]byte(doc), &o)
			s.ClusterRoleBindings = append(s.ClusterRoleBindings, o)
		}
	}
	os.WriteFile("/tmp/rbaclive/mine.txt", []byte(Table(Normalize(append(s.Effective("shop", "cart"), BootstrapRules()...)))), 0o644)
	os.WriteFile("/tmp/rbaclive/unresolved.txt", []byte(strings.TrimSpace(strings.Join(func() []string {
		var o []string
		for _, u := range s.Unresolved("shop", "cart") {
			o = append(o, u.Kind+" "+u.Name+" -> "+u.RoleRef.Kind+" "+u.RoleRef.Name)
		}
		return o
	}(), "\n"))), 0o644)
}
