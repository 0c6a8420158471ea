package proof

import (
	"testing"
)

func TestLayerOf(t *testing.T) {
	for _, tt := range []struct {
		apiVersion, kind string
		want             Layer
		ok               bool
	}{
		{"networking.k8s.io/v1", "NetworkPolicy", NetworkPolicyLayer, true},
		{"policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", AdminNetworkPolicyLayer, true},
		{"crd.projectcalico.org/v1", "GlobalNetworkPolicy", CalicoLayer, true},
		{"projectcalico.org/v3", "StagedKubernetesNetworkPolicy", CalicoLayer, true},
		{"cilium.io/v2alpha1", "CiliumCIDRGroup", CiliumLayer, true},
		{"crd.antrea.io/v1beta1", "NetworkPolicy", AntreaLayer, true},
		{"security.istio.io/v1beta1", "AuthorizationPolicy", IstioLayer, true},
		{"policy.linkerd.io/v1beta3", "HTTPRoute", LinkerdLayer, true},
		// same kinds, groups that decide no reachability
		{"gateway.networking.k8s.io/v1", "HTTPRoute", Layer{}, false},
		{"security.istio.io/v1", "PeerAuthentication", IstioLayer, true},
		{"v1", "NetworkPolicy", Layer{}, false},
		{"example.com/v1", "AuthorizationPolicy", Layer{}, false},
	} {
		got, ok := LayerOf(tt.apiVersion, tt.kind)
		if got != tt.want || ok != tt.ok {
			t.Errorf("LayerOf(%s, %s) = %+v, %v; want %+v, %v", tt.apiVersion, tt.kind, got, ok, tt.want, tt.ok)
		}
	}
}
