package dialect

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/proof/model"
)

var antreaFuzzKinds = []string{"ClusterNetworkPolicy", "NetworkPolicy", "Tier", "ClusterGroup", "Group"}

// antreaFuzzContext are objects a fuzzed policy may refer to.
const antreaFuzzContext = `
apiVersion: crd.antrea.io/v1beta1
kind: Tier
metadata: {name: mytier}
spec: {priority: 10}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg}
spec: {childGroups: [cg-web]}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg-web}
spec: {podSelector: {matchLabels: {app: web}}}
---
apiVersion: crd.antrea.io/v1beta1
kind: Group
metadata: {name: g, namespace: shop}
spec: {ipBlocks: [{cidr: 10.0.0.0/8}]}
`

// FuzzAntrea: arbitrary bytes as an Antrea object's JSON never make
// Compile panic; every entry names an object of the stream, every policy
// names the fuzzed object, and the evaluator takes what Compile gives.
func FuzzAntrea(f *testing.F) {
	for _, s := range []string{
		antreaDenyClientToDB,
		antreaACNP(antreaAppliedAll + "  tier: mytier\n  ingress: [{action: Pass, from: [{group: cg}]}]\n  egress: [{action: Drop, to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.10.0/24]}}], ports: [{port: 80, endPort: 90}, {port: pg}], protocols: [{icmp: {}}]}]\n"),
		antreaANNP("  priority: 2\n  appliedTo: [{group: g}]\n  ingress: [{action: Allow, l7Protocols: [{http: {method: GET}}], from: [{serviceAccount: {name: web, namespace: shop}}]}]\n"),
		antreaACNP("  priority: 1\n  ingress: [{action: Drop, appliedTo: [{podSelector: {}}], from: [{fqdn: x}]}]\n"),
		"apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: x}\nspec: {childGroups: [cg]}\n",
	} {
		for _, o := range antreaObjects(f, s) {
			for k, kind := range antreaFuzzKinds {
				if kind == o.Kind {
					f.Add(uint8(k), o.JSON)
				}
			}
		}
	}
	f.Add(uint8(0), []byte(`{"spec":{"priority":1e400}}`))
	f.Add(uint8(1), []byte(`null`))
	f.Add(uint8(2), []byte(`{"spec":{"priority":-1}}`))
	context := antreaObjects(f, antreaFuzzContext)
	eps := antreaEndpoints()
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		o := Object{APIVersion: "crd.antrea.io/v1beta1", Kind: antreaFuzzKinds[int(kind)%len(antreaFuzzKinds)], Name: "fuzz", JSON: data}
		if o.Kind == "NetworkPolicy" || o.Kind == "Group" {
			o.Namespace = "shop"
		}
		objs := append([]Object{o}, context...)
		refs := map[string]bool{}
		for i := range objs {
			refs[objs[i].Ref()] = true
		}
		c := Compile(Cluster{CNI: Antrea}, nil, objs)
		for _, u := range append(append([]model.Unmodelled(nil), c.Unmodelled...), c.Inert...) {
			if !refs[u.Object] || u.Layer != LayerAntrea || u.Why == "" {
				t.Fatalf("entry names no object of the stream: %+v", u)
			}
			if u.Object != o.Ref() && !strings.HasPrefix(u.Why, "Tiers ") {
				t.Fatalf("a context object is blamed: %+v", u)
			}
		}
		for _, p := range c.Policies {
			if p.Object != o.Ref() {
				t.Fatalf("policy %s from the fuzzed object %s", p.Object, o.Ref())
			}
			for _, r := range append(append([]model.Rule(nil), p.Ingress...), p.Egress...) {
				if r.Where == "" {
					t.Fatalf("rule without Where in %s", p.Object)
				}
			}
		}
		ev := model.New(antreaNamespaces, c.Policies, eps)
		for src := range eps {
			for dst := range eps {
				ev.Decide(src, dst, 80, "")
			}
		}
	})
}
