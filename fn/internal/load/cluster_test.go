package load

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

// TestClusterResolution covers what the cluster enforces: the
// ClusterNetworkIdentity's settings win, a NetworkIdentity naming another
// CNI contradicts it, two clusters are one too many, and without one the
// NetworkIdentities' spec.cni names the CNI.
func TestClusterResolution(t *testing.T) {
	parse := func(s string) *yaml.RNode {
		t.Helper()
		n, err := yaml.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	deploy := func(name string) *yaml.RNode {
		return parse(fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, namespace: shop}
spec:
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec: {containers: [{name: %[1]s, image: %[1]s:1}]}
`, name))
	}
	identity := func(name, cni string) *yaml.RNode {
		spec := ""
		if cni != "" {
			spec = "\n  cni: " + cni
		}
		return parse(fmt.Sprintf(`apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata:
  name: %s
  namespace: shop
  annotations: {config.kubernetes.io/local-config: "true"}
spec:
  mesh: {provider: none, eastWest: "TLS in the app"}%s
`, name, spec))
	}
	cluster := func(name, spec string) *yaml.RNode {
		return parse(fmt.Sprintf(`apiVersion: netid.dev/v1alpha1
kind: ClusterNetworkIdentity
metadata:
  name: %s
  annotations: {config.kubernetes.io/local-config: "true"}
spec: %s
`, name, spec))
	}
	base := func(extra ...*yaml.RNode) []*yaml.RNode {
		return append([]*yaml.RNode{deploy("web"), deploy("cart")}, extra...)
	}
	for _, tc := range []struct {
		name  string
		items []*yaml.RNode
		fc    *yaml.RNode
		want  Enforced
		// errs are substrings the error findings must hold, in order, each
		// naming the object and field; none means no error.
		errs []string
	}{
		{name: "nothing names a CNI", items: base(identity("web", ""), identity("cart", "")),
			want: Enforced{CNI: v1alpha1.CNIGeneric}},
		{name: "no cluster: the declarations' spec.cni", items: base(identity("web", ""), identity("cart", "cilium")),
			want: Enforced{CNI: v1alpha1.CNICilium}},
		{name: "no cluster: declarations agree", items: base(identity("web", "calico"), identity("cart", "calico")),
			want: Enforced{CNI: v1alpha1.CNICalico}},
		{name: "no cluster: declarations disagree", items: base(identity("web", "calico"), identity("cart", "cilium")),
			errs: []string{"NetworkIdentity/shop/web spec.cni: spec.cni is calico, but NetworkIdentity/shop/cart says cilium"}},
		{name: "cluster item wins", items: base(identity("web", ""), identity("cart", ""), cluster("prod", "{cni: antrea, adminNetworkPolicy: true}")),
			want: Enforced{CNI: v1alpha1.CNIAntrea, AdminNetworkPolicy: true}},
		{name: "cluster as the functionConfig", items: base(identity("web", ""), identity("cart", "")),
			fc: cluster("prod", "{adminNetworkPolicy: true}"), want: Enforced{CNI: v1alpha1.CNIGeneric, AdminNetworkPolicy: true}},
		{name: "cluster both functionConfig and item", items: base(identity("web", ""), identity("cart", ""), cluster("prod", "{cni: calico}")),
			fc: cluster("prod", "{cni: calico}"), want: Enforced{CNI: v1alpha1.CNICalico}},
		{name: "declaration agrees with the cluster", items: base(identity("web", "cilium"), identity("cart", ""), cluster("prod", "{cni: cilium}")),
			want: Enforced{CNI: v1alpha1.CNICilium}},
		{name: "declaration contradicts the cluster", items: base(identity("web", "cilium"), identity("cart", ""), cluster("prod", "{cni: calico}")),
			errs: []string{"NetworkIdentity/shop/web spec.cni: spec.cni is cilium, but ClusterNetworkIdentity/prod says the cluster runs calico (spec.cni): one cluster runs one CNI"}},
		{name: "declaration contradicts the generic cluster", items: base(identity("web", "cilium"), identity("cart", ""), cluster("prod", "{}")),
			errs: []string{"NetworkIdentity/shop/web spec.cni: spec.cni is cilium, but ClusterNetworkIdentity/prod says the cluster runs generic"}},
		{name: "two clusters", items: base(identity("web", ""), identity("cart", ""), cluster("a", "{}"), cluster("b", "{}")),
			errs: []string{"ClusterNetworkIdentity/b metadata.name: a second ClusterNetworkIdentity beside ClusterNetworkIdentity/a"}},
		{name: "same name, different specs", items: base(identity("web", ""), identity("cart", ""), cluster("prod", "{cni: calico}")),
			fc: cluster("prod", "{cni: cilium}"), errs: []string{"ClusterNetworkIdentity/prod spec: ClusterNetworkIdentity/prod is given twice, with different specs"}},
		{name: "unknown field", items: base(identity("web", ""), identity("cart", ""), cluster("prod", "{adminNetworkPolicies: true}")),
			errs: []string{"ClusterNetworkIdentity/prod spec.adminNetworkPolicies: unknown field (see docs/config.md for the ClusterNetworkIdentity fields)"}},
		{name: "mistyped field", items: base(identity("web", ""), identity("cart", "")), fc: cluster("prod", `{adminNetworkPolicy: "yes"}`),
			errs: []string{"ClusterNetworkIdentity/prod spec.adminNetworkPolicy: got a string, want true or false"}},
		{name: "unknown CNI", items: base(identity("web", ""), identity("cart", ""), cluster("prod", "{cni: flannel}")),
			errs: []string{`ClusterNetworkIdentity/prod spec.cni: Unsupported value: "flannel"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fs := Load(tc.items, tc.fc)
			var got []string
			for _, f := range fs {
				if f.Severity == finding.Error {
					got = append(got, f.Object.String()+" "+f.Field+": "+f.Message)
				}
			}
			if len(got) != len(tc.errs) {
				t.Fatalf("errors:\n%s\nwant %d containing %q", strings.Join(got, "\n"), len(tc.errs), tc.errs)
			}
			for i, w := range tc.errs {
				if !strings.Contains(got[i], w) {
					t.Errorf("error %d:\n%s\nwant it to contain\n%s", i, got[i], w)
				}
			}
			if len(tc.errs) > 0 {
				return
			}
			// what the cluster enforces; the rendering settings are
			// krm/v1alpha1's defaults, tested there
			e := Enforced{CNI: m.Enforced.CNI, AdminNetworkPolicy: m.Enforced.AdminNetworkPolicy, From: tc.want.From}
			if !reflect.DeepEqual(e, tc.want) {
				t.Errorf("enforced = %+v, want %+v", e, tc.want)
			}
		})
	}
}

func TestClusterLocalConfigWarning(t *testing.T) {
	const c = "apiVersion: netid.dev/v1alpha1\nkind: ClusterNetworkIdentity\nmetadata: {name: prod}\nspec: {adminNetworkPolicy: true}\n"
	n, err := yaml.Parse(c)
	if err != nil {
		t.Fatal(err)
	}
	_, fs := Load([]*yaml.RNode{n}, nil)
	for _, f := range fs {
		if f.Object.Kind == v1alpha1.ClusterKind && strings.Contains(f.Message, LocalConfig+` is not "true"`) {
			return
		}
	}
	t.Errorf("no local-config warning for a ClusterNetworkIdentity item without it: %v", fs)
}
