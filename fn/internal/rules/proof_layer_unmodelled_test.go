package rules

import (
	"testing"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/krm/v1alpha1"
)

var proofLayerUnmodelledCases = table(proofLayerUnmodelled, []ruleCase{
	{name: "NetworkPolicy only: the layer the proof evaluates", yaml: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
`},
	{name: "generated mesh authorization is named in the report, not refused", yaml: `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`, setup: func(s *Stream) {
		s.AddGenerated(nil, map[string]any{}, finding.Object{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy", Namespace: "shop", Name: "cart"})
		s.AddGenerated(nil, map[string]any{}, finding.Object{APIVersion: "policy.linkerd.io/v1alpha1", Kind: "MeshTLSAuthentication", Namespace: "shop", Name: "cart-from-frontend"})
	}},
	{name: "Cilium clusterwide and Calico global on a generic cluster, an Istio external authorizer", yaml: `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: open}
spec:
  endpointSelector: {}
  ingress: [{fromEntities: [all]}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-all}
spec:
  selector: all()
  ingress: [{action: Allow}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  action: CUSTOM
  provider: {name: ext-authz}
  rules: [{}]
`, want: []string{"CiliumClusterwideNetworkPolicy/open spec", "GlobalNetworkPolicy/allow-all spec", "AuthorizationPolicy/shop/allow-all spec.action"}},
	{name: "every family, any version", yaml: `
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: anp}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: cnp}
---
apiVersion: crd.projectcalico.org/v1
kind: NetworkSet
metadata: {name: ns, namespace: shop}
---
apiVersion: cilium.io/v2alpha1
kind: CiliumCIDRGroup
metadata: {name: vpn}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg}
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: cart, namespace: shop}
`, want: []string{"AdminNetworkPolicy/anp spec", "BaselineAdminNetworkPolicy/default spec", "ClusterNetworkPolicy/cnp spec",
		"NetworkSet/shop/ns spec", "CiliumCIDRGroup/vpn spec", "ClusterGroup/cg spec", "Server/shop/cart spec"}},
	{name: "an Istio allow-all is evaluated (the proof judges what it opens), not refused here", yaml: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  rules: [{}]
`},
	{name: "a same-named kind of another group is not a policy layer", yaml: `
apiVersion: example.com/v1
kind: AuthorizationPolicy
metadata: {name: other, namespace: shop}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec: {}
`},
})

func TestProofLayerUnmodelled(t *testing.T) {
	runCases(t, proofLayerUnmodelled, proofLayerUnmodelledCases)
}

// The connectivity proof's result names the layer it evaluated and every
// object of a layer it did not, generated or not.
func TestConnectivityNamesLayers(t *testing.T) {
	s := streamOf(t, `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: open}
spec: {endpointSelector: {}, ingress: [{fromEntities: [all]}]}
`)
	s.AddGenerated(nil, map[string]any{}, finding.Object{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy", Namespace: "shop", Name: "cart"})
	r := s.Connectivity()
	if len(r.Evaluated) != 1 || r.Evaluated[0] != proof.NetworkPolicyLayer.Name {
		t.Errorf("Evaluated = %q, want only %q", r.Evaluated, proof.NetworkPolicyLayer.Name)
	}
	// each with why: a CNI the settings do not name, an object that does
	// not decode
	for i := range r.NotEvaluated {
		if r.NotEvaluated[i].Why == "" {
			t.Errorf("NotEvaluated[%d] has no why: %+v", i, r.NotEvaluated[i])
		}
		r.NotEvaluated[i].Why, r.NotEvaluated[i].Field = "", ""
	}
	want := []proof.LayerObject{
		{APIVersion: "cilium.io/v2", Kind: "CiliumClusterwideNetworkPolicy", Name: "open", Layer: proof.CiliumLayer.Name},
		{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy", Namespace: "shop", Name: "cart", Layer: proof.IstioLayer.Name, Generated: true},
	}
	if len(r.NotEvaluated) != len(want) {
		t.Fatalf("NotEvaluated = %+v, want %+v", r.NotEvaluated, want)
	}
	for i := range want {
		if r.NotEvaluated[i] != want[i] {
			t.Errorf("NotEvaluated[%d] = %+v, want %+v", i, r.NotEvaluated[i], want[i])
		}
	}
}

// A namespaced object is softened by the exceptions (or audit mode) of its
// namespace's declared workloads; a cluster-scoped one needs every declared
// workload's.
func TestProofLayerUnmodelledExceptions(t *testing.T) {
	const manifests = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: shop}
spec: {action: CUSTOM, provider: {name: ext-authz}, rules: [{}]}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: open}
spec: {endpointSelector: {}, ingress: [{fromEntities: [all]}]}
`
	declare := func(s *Stream, key string, mode v1alpha1.Mode, excepted bool) {
		cfg := &v1alpha1.NetworkIdentity{}
		cfg.Spec.Mode = mode
		if excepted {
			cfg.Spec.Exceptions = []v1alpha1.Exception{{Rule: proofLayerUnmodelled.ID, ADR: "ADR-0007", Reason: "mesh policy ships with the app"}}
		}
		s.Declare(key, &Declaration{Config: cfg})
	}
	severities := func(s *Stream) map[string]finding.Severity {
		out := map[string]finding.Severity{}
		for _, v := range proofLayerUnmodelled.Check(s) {
			out[v.Object.Kind] = s.judge(proofLayerUnmodelled, v).Severity
		}
		return out
	}
	for _, tt := range []struct {
		name               string
		setup              func(*Stream)
		istio, clusterwide finding.Severity
	}{
		{"no exception", func(s *Stream) {
			declare(s, "shop/cart", v1alpha1.ModeEnforce, false)
			declare(s, "billing/api", v1alpha1.ModeEnforce, false)
		}, finding.Error, finding.Error},
		{"shop excepts: its namespace's object only", func(s *Stream) {
			declare(s, "shop/cart", v1alpha1.ModeEnforce, true)
			declare(s, "billing/api", v1alpha1.ModeEnforce, false)
		}, finding.Warning, finding.Error},
		{"every workload excepts", func(s *Stream) {
			declare(s, "shop/cart", v1alpha1.ModeEnforce, true)
			declare(s, "billing/api", v1alpha1.ModeEnforce, true)
		}, finding.Warning, finding.Warning},
		{"every workload in audit mode", func(s *Stream) {
			declare(s, "shop/cart", v1alpha1.ModeAudit, false)
			declare(s, "billing/api", v1alpha1.ModeAudit, false)
		}, finding.Warning, finding.Warning},
		{"the run in audit mode", func(s *Stream) {
			declare(s, "shop/cart", v1alpha1.ModeEnforce, false)
			s.Audit = true
		}, finding.Warning, finding.Warning},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := streamOf(t, manifests)
			tt.setup(s)
			got := severities(s)
			if got["AuthorizationPolicy"] != tt.istio || got["CiliumClusterwideNetworkPolicy"] != tt.clusterwide {
				t.Errorf("severities %v, want AuthorizationPolicy %s and CiliumClusterwideNetworkPolicy %s", got, tt.istio, tt.clusterwide)
			}
		})
	}
}
