package load_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/load"
)

// config governs web in shop, so that a render is possible at all.
const config = `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop, annotations: {config.kubernetes.io/local-config: "true"}}
spec: {mesh: {provider: none, eastWest: app TLS}}
`

// workload is a Deployment with the given name, namespace, app label (in
// the selector and the pod labels) and container ports.
func workload(name, ns, app, ports string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %q, namespace: %q}
spec:
  selector: {matchLabels: {app: %q}}
  template:
    metadata: {labels: {app: %q}}
    spec:
      containers:
      - name: app
        image: example.com/app:1
        ports: %s
`, name, ns, app, app, ports)
}

func service(name, ns, ports string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: %q, namespace: %q}\nspec:\n  selector: {app: web}\n  ports: %s\n", name, ns, ports)
}

// TestUserObjectsValidated: the names, namespaces, labels and ports netid
// reads from workloads, Services and Namespaces are validated as the API
// server validates them; each refusal names the object and the field.
func TestUserObjectsValidated(t *testing.T) {
	long := strings.Repeat
	tests := []struct {
		name string
		doc  string
		// want are "Kind/namespace/name field" of the errors, sorted; none: valid.
		want []string
		msg  string
	}{
		{name: "a valid Deployment", doc: workload("web", "shop", "web", `[{name: http, containerPort: 8080}]`)},
		{name: "a 253-character workload name in a 63-character namespace", doc: workload(long("w", 253), long("n", 63), "w", `[]`)},
		{name: "a 254-character workload name", doc: workload(long("w", 254), "shop", "w", `[]`),
			want: []string{"Deployment/shop/" + long("w", 254) + " metadata.name"}},
		{name: "a 63-character StatefulSet name", doc: strings.Replace(workload(long("s", 63), "shop", "s", `[]`), "kind: Deployment", "kind: StatefulSet", 1)},
		{name: "a 64-character StatefulSet name (a StatefulSet's name is a DNS label)", doc: strings.Replace(workload(long("s", 64), "shop", "s", `[]`), "kind: Deployment", "kind: StatefulSet", 1),
			want: []string{"StatefulSet/shop/" + long("s", 64) + " metadata.name"}, msg: "no more than 63"},
		{name: "an upper-case workload name", doc: workload("Web", "shop", "w", `[]`), want: []string{"Deployment/shop/Web metadata.name"}},
		{name: "a 70-character namespace", doc: workload("w", long("n", 70), "w", `[]`),
			want: []string{"Deployment/" + long("n", 70) + "/w metadata.namespace"}, msg: "no more than 63"},
		{name: "namespace Shop", doc: workload("w", "Shop", "w", `[]`), want: []string{"Deployment/Shop/w metadata.namespace"}},
		{name: "namespace ../../x", doc: workload("w", "../../x", "w", `[]`), want: []string{"Deployment/../../x/w metadata.namespace"}},
		{name: "a namespace with a newline", doc: workload("w", "shop\nx", "w", `[]`), want: []string{"Deployment/shop\nx/w metadata.namespace"}, msg: `"shop\nx"`},
		{name: "a 64-character pod label value", doc: workload("w", "shop", long("a", 64), `[]`),
			want: []string{"Deployment/shop/w spec.selector.matchLabels[app]", "Deployment/shop/w spec.template.metadata.labels[app]"}},
		{name: "a selector expression with an unknown operator", doc: strings.Replace(workload("w", "shop", "w", `[]`),
			"selector: {matchLabels: {app: \"w\"}}", "selector: {matchLabels: {app: \"w\"}, matchExpressions: [{key: tier, operator: Contains, values: [a]}]}", 1),
			want: []string{"Deployment/shop/w spec.selector.matchExpressions[0].operator"}},
		{name: "a 15-character container port name", doc: workload("w", "shop", "w", `[{name: fifteen-chars-x, containerPort: 8080}]`)},
		{name: "a 16-character container port name", doc: workload("w", "shop", "w", `[{name: sixteen-chars-xx, containerPort: 8080}]`),
			want: []string{"Deployment/shop/w spec.template.spec.containers[0].ports[0].name"}, msg: "no more than 15"},
		{name: "container port 70000 over HTTP", doc: workload("w", "shop", "w", `[{containerPort: 70000, protocol: HTTP}]`),
			want: []string{"Deployment/shop/w spec.template.spec.containers[0].ports[0].containerPort", "Deployment/shop/w spec.template.spec.containers[0].ports[0].protocol"}},

		{name: "a valid Service with a 63-character port name and a 15-character target port", doc: service("web", "shop", `[{name: `+long("p", 63)+`, port: 80, targetPort: fifteen-chars-x}]`)},
		{name: "a Service name must start with a letter", doc: service("1web", "shop", `[{port: 80}]`), want: []string{"Service/shop/1web metadata.name"}},
		{name: "a Service in namespace ../../x", doc: service("web", "../../x", `[{port: 80}]`), want: []string{"Service/../../x/web metadata.namespace"}},
		{name: "a 64-character Service port name", doc: service("web", "shop", `[{name: `+long("p", 64)+`, port: 80}]`),
			want: []string{"Service/shop/web spec.ports[0].name"}},
		{name: "a 16-character named targetPort", doc: service("web", "shop", `[{port: 80, targetPort: sixteen-chars-xx}]`),
			want: []string{"Service/shop/web spec.ports[0].targetPort"}, msg: "no more than 15"},
		{name: "Service port 0, targetPort 70000, protocol HTTP", doc: service("web", "shop", `[{port: 0, targetPort: 70000, protocol: HTTP}]`),
			want: []string{"Service/shop/web spec.ports[0].port", "Service/shop/web spec.ports[0].protocol", "Service/shop/web spec.ports[0].targetPort"}},
		{name: "an invalid Service selector", doc: strings.Replace(service("web", "shop", `[{port: 80}]`), "{app: web}", "{\"bad key\": web}", 1),
			want: []string{"Service/shop/web spec.selector[bad key]"}},

		{name: "a valid Namespace", doc: "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: checkout}}\n"},
		{name: "Namespace Shop", doc: "apiVersion: v1\nkind: Namespace\nmetadata: {name: Shop}\n", want: []string{"Namespace/Shop metadata.name"}},
		{name: "a Namespace label value with a space", doc: "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: check out}}\n",
			want: []string{"Namespace/shop metadata.labels[team]"}},
		{name: "objects netid does not read are not judged", doc: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_Checked, namespace: Shop}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, err := kio.ParseAll(tt.doc + "---\n" + workload("web", "shop", "web", `[{containerPort: 8080}]`) + "---\n" + config)
			if err != nil {
				t.Fatal(err)
			}
			_, fs := load.Load(nodes, nil)
			got := []string{}
			for _, f := range fs {
				got = append(got, f.Object.String()+" "+f.Field)
			}
			slices.Sort(got)
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("findings at %q, want %q\n%v", got, want, fs)
			}
			if tt.msg != "" && !strings.Contains(fs[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", fs[0].Message, tt.msg)
			}
		})
	}
}
