package load

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestLocalConfigWarning(t *testing.T) {
	const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
`
	const config = `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata:
  name: web
  namespace: shop
  annotations: {%s}
spec:
  mesh: {provider: none, eastWest: "no mesh: TLS in the app"}
`
	parse := func(s string) *yaml.RNode {
		n, err := yaml.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	withAnnotations := func(a string) *yaml.RNode { return parse(strings.Replace(config, "%s", a, 1)) }
	for _, tc := range []struct {
		name     string
		item, fc *yaml.RNode
		warn     bool
	}{
		{"item without local-config", withAnnotations(""), nil, true},
		{"item with local-config", withAnnotations(`config.kubernetes.io/local-config: "true"`), nil, false},
		{"item with the function annotation", withAnnotations(`config.kubernetes.io/function: "exec: {path: netid}"`), nil, false},
		{"item that is also the functionConfig", withAnnotations(""), withAnnotations(""), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := Load([]*yaml.RNode{parse(deploy), tc.item}, tc.fc)
			warned := false
			for _, f := range fs {
				if strings.Contains(f.Message, LocalConfig+` is not "true"`) {
					warned = true
				}
			}
			if warned != tc.warn {
				t.Errorf("local-config warning: %v, want %v; findings: %v", warned, tc.warn, fs)
			}
		})
	}
}
