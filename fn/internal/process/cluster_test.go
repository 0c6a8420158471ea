package process

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestVerifyClusterOnly: verify reads a ClusterNetworkIdentity without any
// NetworkIdentity, and evaluates the AdminNetworkPolicy it says the cluster
// enforces; without it the policy is not evaluated.
func TestVerifyClusterOnly(t *testing.T) {
	const stream = `apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, image: cart:1, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  podSelector: {}
  ingress: [{}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: isolate-shop}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
  ingress:
  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}
`
	const cluster = `---
apiVersion: netid.dev/v1alpha1
kind: ClusterNetworkIdentity
metadata:
  name: cluster
  annotations: {config.kubernetes.io/local-config: "true"}
spec: {adminNetworkPolicy: true}
`
	read := func(s string) []*yaml.RNode {
		t.Helper()
		items, err := (&kio.ByteReader{Reader: strings.NewReader(s)}).Read()
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	const anp = "Kubernetes AdminNetworkPolicy (policy.networking.k8s.io)"
	with := Verify(read(stream+cluster), nil)
	if with.Findings.HasErrors() || !slices.Contains(with.Layers, anp) || len(with.NotEvaluated) != 0 {
		t.Errorf("with the ClusterNetworkIdentity: findings %v, layers %v, not evaluated %v; want no error, the AdminNetworkPolicy evaluated",
			with.Findings, with.Layers, with.NotEvaluated)
	}
	// pods of other namespaces (the probe namespace stands for them) are
	// denied; addresses outside the cluster are no namespace's pods
	opened := func(v Verification) bool {
		for _, c := range v.Flows {
			if strings.HasSuffix(c.To, "shop/cart") && strings.HasPrefix(c.From, "netid-probe/") {
				return true
			}
		}
		return false
	}
	if opened(with) {
		t.Errorf("with the ClusterNetworkIdentity, other namespaces' pods reach shop/cart: %v", with.Flows)
	}
	without := Verify(read(stream), nil)
	if slices.Contains(without.Layers, anp) || len(without.NotEvaluated) != 1 {
		t.Errorf("without it: layers %v, not evaluated %v; want the AdminNetworkPolicy not evaluated", without.Layers, without.NotEvaluated)
	}
	if !opened(without) {
		t.Errorf("without it, only the NetworkPolicy decides and lets every pod in: %v", without.Flows)
	}
}
