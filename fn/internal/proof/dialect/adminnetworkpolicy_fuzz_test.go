package dialect

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/proof/model"
)

// FuzzAdminNetworkPolicy feeds arbitrary bytes as the JSON of an object of
// each kind and version the adapter reads: compiling never panics, and every
// policy, unmodelled and inert entry names the object.
func FuzzAdminNetworkPolicy(f *testing.F) {
	for _, docs := range []string{
		anpGressRules([3]string{"Allow", "Deny", "Pass"}),
		anpPriority(40),
		anpIntegration("Pass", false),
		anpInlineCIDR("  - action: Allow\n    to: [{networks: [10.244.0.4/32]}]\n"),
		anpCNP("v1alpha2"),
	} {
		for _, doc := range strings.Split(docs, "\n---\n") {
			js, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(js)
		}
	}
	f.Add([]byte(`{"spec":{"subject":{},"ingress":[{"from":[{}],"ports":[{}]}],"egress":[{"to":[{"nodes":{}}]}]}}`))
	f.Add([]byte(`{"spec":{"tier":"Admin","subject":{"namespaces":{}},"egress":[{"action":"Accept","to":[{"networks":["::/0"]}],"protocols":[{"sctp":{"destinationPort":{"range":{"start":1,"end":2}}}}]}]}}`))
	kinds := []struct{ apiVersion, kind, name string }{
		{"policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", "fuzz"},
		{"policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy", "default"},
		{"policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", "fuzz"},
		{"policy.networking.k8s.io/v1beta1", "ClusterNetworkPolicy", "fuzz"},
	}
	f.Fuzz(func(t *testing.T, js []byte) {
		for _, k := range kinds {
			o := Object{APIVersion: k.apiVersion, Kind: k.kind, Name: k.name, JSON: js}
			ref := o.Ref()
			comp := Compile(Cluster{AdminNetworkPolicy: true}, nil, []Object{o})
			for _, p := range comp.Policies {
				if p.Object != ref || p.Layer != LayerAdmin {
					t.Fatalf("policy %q (%s) for object %q", p.Object, p.Layer, ref)
				}
				for _, r := range append(append([]model.Rule{}, p.Ingress...), p.Egress...) {
					if r.Where == "" || (r.Action != model.Allow && r.Action != model.Deny && r.Action != model.Pass) {
						t.Fatalf("%s: rule %+v", ref, r)
					}
				}
			}
			for _, u := range append(append([]model.Unmodelled{}, comp.Unmodelled...), comp.Inert...) {
				if u.Object != ref || u.Layer != LayerAdmin || u.Why == "" {
					t.Fatalf("entry %+v for object %q", u, ref)
				}
			}
			if len(comp.Policies) > 0 && len(comp.Unmodelled) > 0 {
				t.Fatalf("%s: both policies and unmodelled entries: %v", ref, comp.Unmodelled)
			}
		}
	})
}
