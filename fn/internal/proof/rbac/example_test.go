package rbac_test

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/fn/internal/proof/rbac"
)

func Example() {
	set := rbac.Set{
		Roles: []rbacv1.Role{{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cart"},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"cart-config"}, Verbs: []string{"watch", "get"}},
				{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"get", "update", "create"}},
			},
		}},
		RoleBindings: []rbacv1.RoleBinding{{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cart"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "cart"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: "shop", Name: "cart"}},
		}},
	}
	have := set.Effective("shop", "cart")
	fmt.Print(rbac.Table(have))

	declared := rbac.FromPolicyRules([]rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "watch"}},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"get", "update"}},
	})
	fmt.Print("\nbeyond the declaration:\n", rbac.Table(rbac.Exceeds(have, declared)))
	// Output:
	// Resources                    Non-Resource URLs   Resource Names   Verbs
	// leases.coordination.k8s.io   []                  []               [create get update]
	// configmaps                   []                  [cart-config]    [get watch]
	//
	// beyond the declaration:
	// Resources                    Non-Resource URLs   Resource Names   Verbs
	// leases.coordination.k8s.io   []                  []               [create]
}
