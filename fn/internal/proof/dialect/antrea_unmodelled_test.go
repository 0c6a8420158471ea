package dialect

import (
	"strings"
	"testing"
)

// antreaACNP is a ClusterNetworkPolicy named bad with the given spec
// (indented by two spaces).
func antreaACNP(spec string) string {
	return "apiVersion: crd.antrea.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: bad}\nspec:\n" + spec
}

func antreaANNP(spec string) string {
	return "apiVersion: crd.antrea.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: shop}\nspec:\n" + spec
}

const antreaAppliedAll = "  priority: 1\n  appliedTo: [{podSelector: {}}]\n"

// TestAntreaUnmodelled: every construct the model cannot express, and
// every object Antrea's admission would refuse, makes its object
// Unmodelled, named with its field, and contributes no policy.
func TestAntreaUnmodelled(t *testing.T) {
	cases := []struct {
		name, objs    string
		object, field string
		why           string
	}{
		{name: "unknown field", objs: antreaACNP(antreaAppliedAll + "  bogus: 1\n"),
			object: "ClusterNetworkPolicy bad", why: "does not decode"},
		{name: "tier not in the stream", objs: antreaACNP(antreaAppliedAll + "  tier: nosuch\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.tier", why: "neither a static Tier nor in the stream"},
		{name: "tier with a reserved priority", objs: "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: t}\nspec: {priority: 251}\n---\n" +
			antreaACNP(antreaAppliedAll+"  tier: t\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.tier", why: "reserved"},
		{name: "the reserved tier itself", objs: "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: t}\nspec: {priority: 252}\n",
			object: "Tier t", field: "spec.priority", why: "reserved"},
		{name: "tier with a static tier's priority", objs: "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: t}\nspec: {priority: 50}\n",
			object: "Tier t", field: "spec.priority", why: "static Tier emergency"},
		{name: "tier named like a static tier", objs: "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: Baseline}\nspec: {priority: 20}\n",
			object: "Tier Baseline", field: "metadata.name", why: "read-only"},
		{name: "two tiers of one priority", objs: "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: t1}\nspec: {priority: 20}\n---\n" +
			"apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: t2}\nspec: {priority: 20}\n---\n" +
			antreaACNP(antreaAppliedAll+"  tier: t2\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.tier", why: "share priority 20"},
		{name: "Pass in the Baseline tier", objs: antreaACNP(antreaAppliedAll + "  tier: baseline\n  ingress: [{action: Pass}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].action", why: "refuses Pass in the Baseline Tier"},
		{name: "priority missing", objs: antreaACNP("  appliedTo: [{podSelector: {}}]\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.priority", why: "required"},
		{name: "priority out of range", objs: antreaACNP("  priority: 0.5\n  appliedTo: [{podSelector: {}}]\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.priority", why: "outside 1.0..10000.0"},
		{name: "action missing", objs: antreaACNP(antreaAppliedAll + "  ingress: [{from: [{podSelector: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].action", why: "required"},
		{name: "action unknown", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Audit}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].action", why: "none of Allow"},
		{name: "appliedTo missing", objs: antreaACNP("  priority: 1\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].appliedTo", why: "in every rule"},
		{name: "appliedTo at both levels", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, appliedTo: [{podSelector: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].appliedTo", why: "both"},
		{name: "appliedTo nodeSelector", objs: antreaACNP("  priority: 1\n  appliedTo: [{nodeSelector: {}}]\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.appliedTo[0].nodeSelector", why: "Nodes"},
		{name: "appliedTo service", objs: antreaACNP("  priority: 1\n  appliedTo: [{service: {name: s, namespace: shop}}]\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.appliedTo[0].service", why: "NodePort"},
		{name: "appliedTo externalEntitySelector", objs: antreaACNP("  priority: 1\n  appliedTo: [{externalEntitySelector: {}}]\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.appliedTo[0].externalEntitySelector", why: "ExternalEntities"},
		{name: "Antrea NetworkPolicy appliedTo namespaceSelector", objs: antreaANNP("  priority: 1\n  appliedTo: [{namespaceSelector: {}}]\n  ingress: [{action: Drop}]\n"),
			object: "NetworkPolicy shop/bad", field: "spec.appliedTo[0].namespaceSelector", why: "cannot set namespaceSelector"},
		{name: "Antrea NetworkPolicy appliedTo Group with namespaceSelector",
			objs: "apiVersion: crd.antrea.io/v1beta1\nkind: Group\nmetadata: {name: g, namespace: shop}\nspec: {namespaceSelector: {}}\n---\n" +
				antreaANNP("  priority: 1\n  appliedTo: [{group: g}]\n  ingress: [{action: Drop}]\n"),
			object: "NetworkPolicy shop/bad", field: "spec.appliedTo[0].group", why: "does not realize"},
		{name: "peer fqdn", objs: antreaACNP(antreaAppliedAll + "  egress: [{action: Drop, to: [{fqdn: '*.example.com'}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.egress[0].to[0].fqdn", why: "fqdn"},
		{name: "peer nodeSelector", objs: antreaACNP(antreaAppliedAll + "  egress: [{action: Drop, to: [{nodeSelector: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.egress[0].to[0].nodeSelector", why: "Nodes"},
		{name: "peer namespaces Self over any namespace", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Allow, from: [{namespaces: {match: Self}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.appliedTo", why: "not a list of names"},
		{name: "peer namespaces Self, rule appliedTo over any namespace", objs: antreaACNP("  priority: 1\n  ingress: [{action: Allow, appliedTo: [{namespaceSelector: {matchLabels: {env: prod}}}], from: [{namespaces: {match: Self}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].appliedTo", why: "not a list of names"},
		{name: "peer namespaces Self with namespaceSelector", objs: antreaACNP("  priority: 1\n  appliedTo: [{serviceAccount: {name: db, namespace: shop}}]\n  ingress: [{action: Allow, from: [{namespaces: {match: Self}, namespaceSelector: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].namespaces", why: "match: Self"},
		{name: "peer namespaces in an Antrea NetworkPolicy", objs: antreaANNP("  priority: 1\n  appliedTo: [{podSelector: {}}]\n  ingress: [{action: Allow, from: [{namespaces: {match: Self}}]}]\n"),
			object: "NetworkPolicy shop/bad", field: "spec.ingress[0].from[0].namespaces", why: "cannot set namespaces"},
		{name: "peer namespaces SameLabels", objs: antreaACNP("  priority: 1\n  appliedTo: [{serviceAccount: {name: db, namespace: shop}}]\n  ingress: [{action: Allow, from: [{namespaces: {sameLabels: [team]}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].namespaces.sameLabels", why: "relative"},
		{name: "peer scope ClusterSet", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Allow, from: [{podSelector: {}, scope: ClusterSet}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].scope", why: "ClusterSet"},
		{name: "peer externalEntitySelector", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Allow, from: [{externalEntitySelector: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].externalEntitySelector", why: "ExternalEntities"},
		{name: "peer with two kinds", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Allow, from: [{podSelector: {}, ipBlock: {cidr: 10.0.0.0/8}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0]", why: "exactly one"},
		{name: "ipBlock except outside its cidr", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].ipBlock", why: "strictly within"},
		{name: "toServices", objs: antreaACNP(antreaAppliedAll + "  egress: [{action: Drop, toServices: [{name: s, namespace: shop}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.egress[0].toServices", why: "ClusterIP"},
		{name: "sourcePort", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, ports: [{port: 80, sourcePort: 1000}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].ports[0].sourcePort", why: "source port"},
		{name: "endPort without port", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, ports: [{endPort: 90}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].ports[0].endPort", why: "numerical port"},
		{name: "l7Protocols with Drop", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, l7Protocols: [{http: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].l7Protocols", why: "only valid with action Allow"},
		{name: "to in an ingress rule", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, to: [{podSelector: {}}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].to", why: "not a field of ingress rules"},
		{name: "ClusterGroup not in the stream", objs: antreaACNP(antreaAppliedAll + "  ingress: [{action: Drop, from: [{group: nosuch}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].group", why: "not in the stream"},
		{name: "ClusterGroup serviceReference",
			objs: "apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: g}\nspec: {serviceReference: {name: s, namespace: shop}}\n---\n" +
				antreaACNP(antreaAppliedAll+"  ingress: [{action: Drop, from: [{group: g}]}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.ingress[0].from[0].group", why: "serviceReference"},
		{name: "the serviceReference ClusterGroup itself",
			objs:   "apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: g}\nspec: {serviceReference: {name: s, namespace: shop}}\n",
			object: "ClusterGroup g", field: "spec", why: "serviceReference"},
		{name: "ClusterGroup externalEntitySelector",
			objs:   "apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: g}\nspec: {externalEntitySelector: {}}\n",
			object: "ClusterGroup g", field: "spec", why: "externalEntitySelector"},
		{name: "ClusterGroup nodeSelector",
			objs:   "apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: g}\nspec: {nodeSelector: {}}\n",
			object: "ClusterGroup g", field: "spec", why: "nodeSelector"},
		{name: "ClusterGroup nested childGroups",
			objs: "apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: leaf}\nspec: {podSelector: {}}\n---\n" +
				"apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: mid}\nspec: {childGroups: [leaf]}\n---\n" +
				"apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {name: top}\nspec: {childGroups: [mid]}\n---\n" +
				antreaACNP("  priority: 1\n  appliedTo: [{group: top}]\n  ingress: [{action: Drop}]\n"),
			object: "ClusterNetworkPolicy bad", field: "spec.appliedTo[0].group", why: "one level"},
		{name: "Group that does not decode",
			objs:   "apiVersion: crd.antrea.io/v1beta1\nkind: Group\nmetadata: {name: g, namespace: shop}\nspec: {podSelector: {}, extra: true}\n",
			object: "Group shop/g", field: "spec", why: "does not decode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Compile(Cluster{CNI: Antrea}, nil, antreaObjects(t, tc.objs))
			found := false
			for _, u := range c.Unmodelled {
				if u.Layer != LayerAntrea {
					t.Errorf("entry of layer %q: %v", u.Layer, u)
				}
				if u.Object == tc.object && u.Field == tc.field && strings.Contains(u.Why, tc.why) {
					found = true
				}
			}
			if !found {
				t.Errorf("want Unmodelled %s %s (%q); got %v", tc.object, tc.field, tc.why, c.Unmodelled)
			}
			for _, p := range c.Policies {
				if p.Object == tc.object {
					t.Errorf("unmodelled %s still contributes a policy", tc.object)
				}
			}
		})
	}
}

// TestAntreaInert: an ICMP or IGMP entry matches none of the probed
// connections and is noted; objects of a cluster whose CNI is not Antrea
// are Inert and compile to nothing.
func TestAntreaInert(t *testing.T) {
	objs := antreaObjects(t, antreaACNP(antreaAppliedAll+"  ingress: [{action: Drop, protocols: [{icmp: {}}, {igmp: {igmpType: 0x11}}]}]\n"))
	c := Compile(Cluster{CNI: Antrea}, nil, objs)
	if len(c.Unmodelled) != 0 || len(c.Policies) != 1 || len(c.Inert) != 2 {
		t.Fatalf("want 1 policy, 2 Inert notes, no Unmodelled; got %+v", c)
	}
	if c.Inert[0].Field != "spec.ingress[0].protocols[0]" || !strings.Contains(c.Inert[1].Why, "IGMP") {
		t.Errorf("Inert notes %v", c.Inert)
	}
	if r := c.Policies[0].Ingress[0]; r.Ports == nil || len(r.Ports) != 0 {
		t.Errorf("an ICMP-only rule must match no port, got %v", r.Ports)
	}
	for _, cni := range []CNI{Generic, Calico, Cilium} {
		c := Compile(Cluster{CNI: cni}, nil, objs)
		if len(c.Policies) != 0 || len(c.Unmodelled) != 1 || c.Unmodelled[0].Object != "ClusterNetworkPolicy bad" {
			t.Errorf("%s: want the object Unmodelled (not enforced), got %+v", cni, c)
		}
	}
}

// TestAntreaPlacement: NetworkPolicy lies strictly between the regular
// Tiers (all at most 250, the Application Tier's) and the Baseline Tier
// (253), on a priority no user Tier may take.
func TestAntreaPlacement(t *testing.T) {
	at := NetworkPolicyPlacement(Cluster{CNI: Antrea})
	if !(antreaRegularTier < at.Tier && at.Tier < antreaBaselineTier) {
		t.Errorf("NetworkPolicy at %v, want strictly between %v and %v", at.Tier, antreaRegularTier, antreaBaselineTier)
	}
	if !antreaReservedTierPriorities[int32(at.Tier)] || float64(int32(at.Tier)) != at.Tier {
		t.Errorf("NetworkPolicy at %v, want a priority reserved from user Tiers", at.Tier)
	}
	if antreaStaticTiers["application"] != int32(antreaRegularTier) || antreaStaticTiers["baseline"] != int32(antreaBaselineTier) {
		t.Errorf("static tiers %v", antreaStaticTiers)
	}
}
