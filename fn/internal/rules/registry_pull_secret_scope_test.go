package rules

import "testing"

// psPod is a Deployment "cart" in shop whose pod spec ends with the given
// fields (indented for the pod spec).
func psPod(specFields string) string {
	return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      serviceAccountName: cart
      containers: [{name: cart, image: registry.example.com/cart:1}]
` + specFields
}

const psDefaultSA = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
imagePullSecrets: [{name: regcred}]
`

var registryPullSecretScopeCases = table(registryPullSecretScope, []ruleCase{
	{name: "pull secret on the workload's own ServiceAccount and template", yaml: psPod(`      imagePullSecrets: [{name: regcred}]
`) + `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cart, namespace: shop}
imagePullSecrets: [{name: regcred}]
`},
	{name: "other Secrets mounted, directly and projected", yaml: psPod(`      imagePullSecrets: [{name: regcred}]
      volumes:
      - {name: tls, secret: {secretName: cart-tls}}
      - name: bundle
        projected:
          sources:
          - serviceAccountToken: {path: token, audience: vault}
          - configMap: {name: cart-config}
          - secret: {name: cart-db}
`)},
	{name: "a mounted Secret that nobody pulls with", yaml: psPod(`      volumes: [{name: regcred, secret: {secretName: regcred}}]
`)},
	{name: "default ServiceAccount with a pull secret", yaml: psDefaultSA,
		want: []string{"ServiceAccount/shop/default imagePullSecrets"}},
	{name: "own pull secret mounted as a Secret volume", yaml: psPod(`      imagePullSecrets: [{name: mirror}, {name: regcred}]
      volumes:
      - {name: tls, secret: {secretName: cart-tls}}
      - {name: docker, secret: {secretName: regcred}}
`), want: []string{"Deployment/shop/cart spec.template.spec.volumes[1]"}},
	{name: "own pull secret in a projected volume", yaml: psPod(`      imagePullSecrets: [{name: regcred}]
      volumes:
      - name: bundle
        projected:
          sources:
          - configMap: {name: cart-config}
          - secret: {name: regcred, items: [{key: .dockerconfigjson, path: config.json}]}
`), want: []string{"Deployment/shop/cart spec.template.spec.volumes[0]"}},
	{name: "the ServiceAccount's pull secret mounted", yaml: psPod(`      volumes: [{name: docker, secret: {secretName: mirror}}]
`) + `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cart, namespace: shop}
imagePullSecrets: [{name: mirror}]
`, want: []string{"Deployment/shop/cart spec.template.spec.volumes[0]"}},
	{name: "the declared registry.pullSecret mounted before it is rendered in", yaml: psPod(`      volumes: [{name: docker, secret: {secretName: regcred}}]
`) + `---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  registry: {pullSecret: regcred}
  mesh: {provider: none, eastWest: "TLS in the app"}
`, want: []string{"Deployment/shop/cart spec.template.spec.volumes[0]"}},
})

func TestRegistryPullSecretScope(t *testing.T) {
	runCases(t, registryPullSecretScope, registryPullSecretScopeCases)
}

// TestRegistryPullSecretScopeAttribution checks that the default
// ServiceAccount's pull secret is held against the namespace's governed
// workloads.
func TestRegistryPullSecretScopeAttribution(t *testing.T) {
	s := streamOf(t, psPod("")+"---"+psDefaultSA+`---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  mesh: {provider: none, eastWest: "TLS in the app"}
`)
	vs := registryPullSecretScope.Check(s)
	if len(vs) != 1 || len(vs[0].Workloads) != 1 || vs[0].Workloads[0] != "shop/cart" {
		t.Errorf("violations %+v, want one attributed to shop/cart", vs)
	}
}
