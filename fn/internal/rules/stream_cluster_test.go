package rules

import (
	"testing"

	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/krm/v1alpha1"
)

// TestStreamCluster: the render's resolved settings win over the
// declarations; without them the declarations' non-generic spec.cni names
// the CNI and the admin network policy API is not assumed.
func TestStreamCluster(t *testing.T) {
	decl := func(cni v1alpha1.CNI) *Declaration {
		return &Declaration{Config: &v1alpha1.NetworkIdentity{Spec: v1alpha1.Spec{CNI: cni}}}
	}
	declared := map[string]*Declaration{"shop/a": decl(v1alpha1.CNIGeneric), "shop/b": decl(v1alpha1.CNICilium)}
	for _, tc := range []struct {
		name     string
		declared map[string]*Declaration
		enforced *dialect.Cluster
		want     dialect.Cluster
	}{
		{"nothing declared", nil, nil, dialect.Cluster{CNI: dialect.Generic}},
		{"from the declarations", declared, nil, dialect.Cluster{CNI: dialect.Cilium}},
		{"resolved settings win", declared, &dialect.Cluster{CNI: dialect.Calico, AdminNetworkPolicy: true},
			dialect.Cluster{CNI: dialect.Calico, AdminNetworkPolicy: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Stream{Declared: tc.declared, Enforced: tc.enforced}
			if got := s.Cluster(); got != tc.want {
				t.Errorf("Cluster() = %+v, want %+v", got, tc.want)
			}
		})
	}
}
