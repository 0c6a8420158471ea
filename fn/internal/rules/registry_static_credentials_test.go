package rules

import "testing"

// rscIdentity is a NetworkIdentity with the given registry stanza.
func rscIdentity(name, workload, registry string) string {
	return `
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: ` + name + `, namespace: shop}
spec:
  workload: ` + workload + `
  registry: ` + registry + `
  mesh: {provider: none, eastWest: "TLS in the app"}
`
}

const rscPuller = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      imagePullSecrets: [{name: regcred}]
      containers: [{name: cart, image: registry.example.com/cart:1}]
`

// rscCommitted is the pull secret of rscPuller, committed with its credential.
const rscCommitted = `
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: shop}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: eyJhdXRocyI6e319}
`

var registryStaticCredentialsCases = table(registryStaticCredentials, []ruleCase{
	{name: "short-lived auth (the default) and a referenced Secret", yaml: rscIdentity("cart", "cart", "{pullSecret: regcred}") + "---" + rscPuller},
	{name: "node-identity auth", yaml: rscIdentity("cart", "cart", "{auth: node-identity}")},
	{name: "registry Secret shell without a credential", yaml: `
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: shop}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: ""}
`},
	{name: "an Opaque Secret is not a registry credential", yaml: `
apiVersion: v1
kind: Secret
metadata: {name: app-config, namespace: shop}
type: Opaque
stringData: {token: s3cr3t}
`},
	{name: "static auth", yaml: rscIdentity("cart", "cart", "{auth: static, pullSecret: regcred}"),
		want: []string{"NetworkIdentity/shop/cart spec.registry.auth"}},
	{name: "static auth on a NetworkIdentity named apart from its workload", yaml: rscIdentity("cart-identity", "cart", "{auth: static}"),
		want: []string{"NetworkIdentity/shop/cart-identity spec.registry.auth"}},
	{name: "dockerconfigjson with data", yaml: rscPuller + "---" + rscCommitted, want: []string{"Secret/shop/regcred data"}},
	{name: "legacy dockercfg with stringData", yaml: `
apiVersion: v1
kind: Secret
metadata: {name: oldcred, namespace: shop}
type: kubernetes.io/dockercfg
stringData: {.dockercfg: '{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}'}
`, want: []string{"Secret/shop/oldcred stringData"}},
})

func TestRegistryStaticCredentials(t *testing.T) {
	runCases(t, registryStaticCredentials, registryStaticCredentialsCases)
}

// TestRegistryStaticCredentialsAttribution checks whose exceptions apply: the
// declaring workload, and the workloads that pull with a committed Secret.
func TestRegistryStaticCredentialsAttribution(t *testing.T) {
	s := streamOf(t, rscIdentity("cart-identity", "cart", "{auth: static}")+"---"+rscPuller+"---"+rscCommitted)
	got := map[string][]string{}
	for _, v := range registryStaticCredentials.Check(s) {
		got[v.Object.String()+" "+v.Field] = v.Workloads
	}
	for k, want := range map[string]string{
		"NetworkIdentity/shop/cart-identity spec.registry.auth": "shop/cart",
		"Secret/shop/regcred data":                              "shop/cart",
	} {
		if len(got[k]) != 1 || got[k][0] != want {
			t.Errorf("%s attributed to %q, want [%s]", k, got[k], want)
		}
	}
}
