package rules

import (
	"slices"
	"testing"
)

// meshShop holds two workloads, web and cart; each case adds their
// NetworkIdentities and any PeerAuthentications.
const meshShop = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, image: cart:1}]}
`

// meshDeclared declares web and cart with STRICT Istio mTLS.
const meshDeclared = meshShop + `---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec: {mesh: {provider: istio}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec: {mesh: {provider: istio, mtls: STRICT}}
`

var meshMTLSStrictCases = table(meshMTLSStrict, []ruleCase{
	{name: "istio STRICT, by default and explicitly", yaml: meshDeclared},
	{name: "linkerd STRICT and provider none with an east-west decision", yaml: meshShop + `---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec: {mesh: {provider: linkerd, mtls: STRICT}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec: {mesh: {provider: none, eastWest: "WireGuard node-to-node encryption by the CNI"}}
`},
	{name: "STRICT and UNSET PeerAuthentications", yaml: meshDeclared + `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  mtls: {mode: UNSET}
  portLevelMtls: {"8080": {mode: STRICT}}
`},
	{name: "no spec.mesh: posture not stated", yaml: meshShop + `---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec: {}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec: {mesh: {provider: istio}}
`, want: []string{"NetworkIdentity/shop/web spec.mesh"}},
	{name: "PERMISSIVE istio and linkerd", yaml: meshShop + `---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec: {mesh: {provider: istio, mtls: PERMISSIVE}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec: {mesh: {provider: linkerd, mtls: PERMISSIVE}}
`, want: []string{"NetworkIdentity/shop/cart spec.mesh.mtls", "NetworkIdentity/shop/web spec.mesh.mtls"}},
	{name: "provider none without eastWest, and no provider", yaml: meshShop + `---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec: {mesh: {provider: none}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec: {mesh: {}}
`, want: []string{"NetworkIdentity/shop/cart spec.mesh.provider", "NetworkIdentity/shop/web spec.mesh.eastWest"}},
	{name: "PeerAuthentication PERMISSIVE, and DISABLE on one port", yaml: meshDeclared + `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: cart-metrics, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  mtls: {mode: STRICT}
  portLevelMtls:
    "9090": {mode: STRICT}
    "15020": {mode: DISABLE}
    "8080": {mode: PERMISSIVE}
`, want: []string{
		"PeerAuthentication/shop/cart-metrics spec.portLevelMtls.15020.mode",
		"PeerAuthentication/shop/cart-metrics spec.portLevelMtls.8080.mode",
		"PeerAuthentication/shop/default spec.mtls.mode",
	}},
	{name: "mesh-wide DISABLE in the root namespace", yaml: meshDeclared + `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: DISABLE}}
`, want: []string{"PeerAuthentication/istio-system/default spec.mtls.mode"}},
})

func TestMeshMTLSStrict(t *testing.T) { runCases(t, meshMTLSStrict, meshMTLSStrictCases) }

// TestMeshMTLSStrictAttribution checks whom each finding is attributed to: a
// declaration's to its workload, a PeerAuthentication's to the workloads its
// selector picks, or to every governed workload of its namespace.
func TestMeshMTLSStrictAttribution(t *testing.T) {
	s := streamOf(t, meshShop+`---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec: {mesh: {provider: istio, mtls: PERMISSIVE}}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec: {mesh: {provider: istio}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: cart, namespace: shop}
spec: {selector: {matchLabels: {app: cart}}, mtls: {mode: DISABLE}}
`)
	want := map[string][]string{
		"NetworkIdentity/shop/web spec.mesh.mtls":        {"shop/web"},
		"PeerAuthentication/shop/default spec.mtls.mode": {"shop/cart", "shop/web"},
		"PeerAuthentication/shop/cart spec.mtls.mode":    {"shop/cart"},
	}
	got := meshMTLSStrict.Check(s)
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d: %+v", len(got), len(want), got)
	}
	for _, v := range got {
		key := v.Object.String() + " " + v.Field
		ws := slices.Sorted(slices.Values(v.Workloads))
		if !slices.Equal(ws, want[key]) {
			t.Errorf("%s attributed to %q, want %q", key, ws, want[key])
		}
	}
}
