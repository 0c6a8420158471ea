package dialect

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// The documentation the truth tables follow.
const (
	calicoDocNP      = "https://docs.tigera.io/calico/latest/reference/resources/networkpolicy"
	calicoDocGNP     = "https://docs.tigera.io/calico/latest/reference/resources/globalnetworkpolicy"
	calicoDocTier    = "https://docs.tigera.io/calico/latest/reference/resources/tier"
	calicoDocTiered  = "https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy"
	calicoDocRule    = "https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#rule"
	calicoDocEntity  = "https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#entityrule"
	calicoDocSel     = "https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors"
	calicoDocLabels  = "https://docs.tigera.io/calico/latest/network-policy/get-started/calico-policy/calico-labels"
	calicoDocNetSet  = "https://docs.tigera.io/calico/latest/reference/resources/networkset"
	calicoDocGNetSet = "https://docs.tigera.io/calico/latest/reference/resources/globalnetworkset"
	calicoDocStaged  = "https://docs.tigera.io/calico/latest/reference/resources/stagednetworkpolicy"
)

// calicoEstate: namespaces shop (team=a) and bank (team=b); pods shop/web
// (app=web, ServiceAccount web, port http=80/TCP), shop/db (app=db,
// tier=back, ServiceAccount db), bank/api (app=api, ServiceAccount api);
// outside addresses ext 203.0.113.5 and ext2 198.51.100.7.
func calicoEstate() (map[string]map[string]string, []netpol.Endpoint) {
	nss := map[string]map[string]string{"shop": {"team": "a"}, "bank": {"team": "b"}}
	sa := model.ServiceAccountLabel
	eps := []netpol.Endpoint{
		{Name: "web", Namespace: "shop", Labels: map[string]string{"app": "web", sa: "web"},
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 80}}},
		{Name: "db", Namespace: "shop", Labels: map[string]string{"app": "db", "tier": "back", sa: "db"}},
		{Name: "api", Namespace: "bank", Labels: map[string]string{"app": "api", sa: "api"}},
		{Name: "ext", IP: netip.MustParseAddr("203.0.113.5")},
		{Name: "ext2", IP: netip.MustParseAddr("198.51.100.7")},
	}
	return nss, eps
}

// calicoObjects reads YAML documents into stream objects.
func calicoObjects(t testing.TB, docs string) []Object {
	t.Helper()
	var out []Object
	for _, d := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(d) == "" {
			continue
		}
		j, err := yaml.YAMLToJSON([]byte(d))
		if err != nil {
			t.Fatalf("yaml: %v\n%s", err, d)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct{ Name, Namespace string }
		}
		if err := json.Unmarshal(j, &head); err != nil {
			t.Fatal(err)
		}
		out = append(out, Object{APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace, JSON: j})
	}
	return out
}

func calicoNPs(t testing.TB, docs string) []networkingv1.NetworkPolicy {
	t.Helper()
	var out []networkingv1.NetworkPolicy
	for _, d := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(d) == "" {
			continue
		}
		var np networkingv1.NetworkPolicy
		if err := yaml.UnmarshalStrict([]byte(d), &np); err != nil {
			t.Fatalf("yaml: %v\n%s", err, d)
		}
		out = append(out, np)
	}
	return out
}

// calicoWant is one connection's expected verdict and the decision that
// made it: by is Describe of the network ingress decision, or of the
// network egress decision when egress is set.
type calicoWant struct {
	src, dst string
	port     int32
	proto    corev1.Protocol
	allowed  bool
	egress   bool
	by       string
	logged   string
}

type calicoCase struct {
	name, doc string
	nps, objs string
	want      []calicoWant
}

func calicoRun(t *testing.T, cases []calicoCase) {
	t.Helper()
	nss, eps := calicoEstate()
	idx := map[string]int{}
	for i, e := range eps {
		idx[e.Name] = i
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.HasPrefix(tc.doc, "https://") {
				t.Fatalf("case cites no documentation")
			}
			c := Compile(Cluster{CNI: Calico}, calicoNPs(t, tc.nps), calicoObjects(t, tc.objs))
			if len(c.Unmodelled) > 0 || len(c.Inert) > 0 {
				t.Fatalf("unexpected unmodelled %v inert %v", c.Unmodelled, c.Inert)
			}
			ev := model.New(nss, c.Policies, eps)
			for _, w := range tc.want {
				port := w.port
				if port == 0 {
					port = 80
				}
				v := ev.Decide(idx[w.src], idx[w.dst], port, w.proto)
				var descs []string
				for _, d := range v.Decisions {
					descs = append(descs, ev.Describe(d))
				}
				d := v.Decisions[1]
				if w.egress {
					d = v.Decisions[0]
				}
				if v.Allowed != w.allowed || ev.Describe(d) != w.by {
					t.Errorf("%s -> %s %d/%s: allowed %v by %q; want %v by %q (all: %q)", w.src, w.dst, port, w.proto, v.Allowed, ev.Describe(d), w.allowed, w.by, descs)
				}
				if w.logged != "" && !calicoContainsStr(d.Logged, w.logged) {
					t.Errorf("%s -> %s: logged %q, want %q", w.src, w.dst, d.Logged, w.logged)
				}
			}
		})
	}
}

const calicoNone = "network ingress: no policy decides (allowed)"
const calicoNoneEgress = "network egress: no policy decides (allowed)"

func TestCalicoTiersAndOrder(t *testing.T) {
	calicoRun(t, []calicoCase{{
		name: "a GlobalNetworkPolicy allowing all() from all()",
		doc:  calicoDocGNP + ` (sample: "selector: all()" applies to every endpoint; an Allow rule with no criteria matches every packet)`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-all}
spec:
  selector: all()
  types: [Ingress, Egress]
  ingress: [{action: Allow}]
  egress: [{action: Allow}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: true, by: "GlobalNetworkPolicy allow-all (Calico tier default) spec.ingress[0]: Allow"},
			{src: "web", dst: "ext", allowed: true, egress: true, by: "GlobalNetworkPolicy allow-all (Calico tier default) spec.egress[0]: Allow"},
		},
	}, {
		name: "no policy selects the endpoint: allowed",
		doc:  calicoDocTier + ` ("each tier that contains a policy that applies to the endpoint processes the packet"; with none, the profile allows)`,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-only, namespace: shop}
spec:
  selector: app == 'db'
  ingress: [{action: Deny}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: true, by: calicoNone},
			{src: "api", dst: "db", allowed: false, by: "NetworkPolicy shop/db-only (Calico tier default) spec.ingress[0]: Deny"},
		},
	}, {
		name: "a lower tier order is read first",
		doc:  calicoDocTier + ` ("Tiers are sorted by their order - smallest number first")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: app}
spec: {order: 200}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-web}
spec:
  tier: app
  order: 1
  selector: app == 'web'
  ingress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-bank}
spec:
  tier: security
  order: 500
  selector: app == 'web'
  ingress:
  - action: Deny
    source: {namespaceSelector: team == 'b'}
  - action: Pass`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy deny-bank (Calico tier security) spec.ingress[0]: Deny"},
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy allow-web (Calico tier app) spec.ingress[0]: Allow"},
		},
	}, {
		name: "Pass goes on at the next tier that applies",
		doc:  calicoDocTier + ` ("If a NetworkPolicy or GlobalNetworkPolicy in the Tier Passes the packet, the next Tier containing a Policy that applies to the endpoint processes the packet")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: pass-shop}
spec:
  tier: security
  selector: all()
  ingress:
  - action: Pass
    source: {namespaceSelector: team == 'a'}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-web}
spec:
  selector: app == 'web'
  ingress: [{action: Deny}]`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: false, by: "GlobalNetworkPolicy deny-web (Calico tier default) spec.ingress[0]: Deny"},
			{src: "db", dst: "api", allowed: true, by: calicoNone},
			{src: "api", dst: "db", allowed: false, by: "GlobalNetworkPolicy pass-shop (Calico tier security): ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "a tier that applies and takes no action drops",
		doc:  calicoDocTier + ` ("If the Tier applies to the endpoint, but takes no action on the packet the packet is dropped")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: web-from-shop, namespace: shop}
spec:
  tier: security
  selector: app == 'web'
  ingress:
  - action: Allow
    source: {selector: all()}`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: true, by: "NetworkPolicy shop/web-from-shop (Calico tier security) spec.ingress[0]: Allow"},
			{src: "api", dst: "web", allowed: false, by: "NetworkPolicy shop/web-from-shop (Calico tier security): ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "defaultAction Pass: the tier's end passes",
		doc:  calicoDocTier + ` ("This behaviour can be changed by setting the defaultAction of a tier to Pass")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: web-from-shop, namespace: shop}
spec:
  tier: security
  selector: app == 'web'
  ingress:
  - action: Allow
    source: {selector: all()}`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: true, by: calicoNone},
		},
	}, {
		name: "equal orders are read by name",
		doc:  calicoDocGNP + ` (order: "Policies with identical order will be applied in alphanumerical order based on the Policy Name within the tier")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: b-allow}
spec:
  order: 10
  selector: app == 'web'
  ingress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a-deny}
spec:
  order: 10
  selector: app == 'web'
  ingress: [{action: Deny, source: {selector: app == 'api'}}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy a-deny (Calico tier default) spec.ingress[0]: Deny"},
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy b-allow (Calico tier default) spec.ingress[0]: Allow"},
		},
	}, {
		name: "a lower order is read first; no order is read last",
		doc:  calicoDocGNP + ` (order: "Policies with higher order are applied after those with lower order within the same tier. If the order is omitted, it may be considered to be infinite")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a-no-order}
spec:
  selector: app == 'web'
  ingress: [{action: Deny}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: z-deny}
spec:
  order: 20
  selector: app == 'web'
  ingress: [{action: Deny, source: {selector: app == 'api'}}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: z-allow-db}
spec:
  order: 10.5
  selector: app == 'web'
  ingress: [{action: Allow, source: {selector: app == 'db'}}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy z-deny (Calico tier default) spec.ingress[0]: Deny"},
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy z-allow-db (Calico tier default) spec.ingress[0]: Allow"},
		},
	}, {
		name: "Log goes on to the next rule",
		doc:  calicoDocRule + ` (action Log: "Log the packet and continue processing the next rule")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: log-then-allow}
spec:
  selector: app == 'web'
  ingress:
  - action: Log
  - action: Allow
    source: {selector: app == 'db'}`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy log-then-allow (Calico tier default) spec.ingress[1]: Allow", logged: "GlobalNetworkPolicy log-then-allow spec.ingress[0]"},
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy log-then-allow (Calico tier default): ingress isolated, no rule matches (Deny)", logged: "GlobalNetworkPolicy log-then-allow spec.ingress[0]"},
		},
	}, {
		name: "a built-in tier with no Tier object: kube-admin before default",
		doc:  calicoDocTiered + ` ("The Tier with name kube-admin ... has the order of 1,000 and a default action of Pass")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: admin-deny}
spec:
  tier: kube-admin
  selector: app == 'web'
  ingress: [{action: Deny, source: {selector: app == 'api'}}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow}
spec:
  selector: app == 'web'
  ingress: [{action: Allow}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy admin-deny (Calico tier kube-admin) spec.ingress[0]: Deny"},
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy allow (Calico tier default) spec.ingress[0]: Allow"},
		},
	}, {
		name: "equal tier orders are read by tier name",
		doc:  calicoDocTier + ` (order: "Tiers with identical order will be applied in alphanumerical order based on the Tier Name")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: beta}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: alpha}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: in-beta}
spec:
  tier: beta
  selector: app == 'web'
  ingress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: in-alpha}
spec:
  tier: alpha
  selector: app == 'web'
  ingress: [{action: Deny}]`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: false, by: "GlobalNetworkPolicy in-alpha (Calico tier alpha) spec.ingress[0]: Deny"},
		},
	}})
}

func TestCalicoWithNetworkPolicy(t *testing.T) {
	np := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-shop, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {}}]`
	calicoRun(t, []calicoCase{{
		name: "a Calico policy of lower order in the default tier is read before NetworkPolicy",
		doc:  calicoDocTiered + ` (the default tier is where Kubernetes network policies reside; Calico converts each at order 1000) and ` + calicoDocNP + ` (order, lower first)`,
		nps:  np,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny-db, namespace: shop}
spec:
  order: 500
  selector: app == 'web'
  ingress: [{action: Deny, source: {selector: app == 'db'}}]`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: false, by: "NetworkPolicy shop/deny-db (Calico tier default) spec.ingress[0]: Deny"},
			// the tier's end is named by its first isolating policy
			{src: "api", dst: "web", allowed: false, by: "NetworkPolicy shop/deny-db (Calico tier default): ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "a Calico policy of higher order is read after NetworkPolicy",
		doc:  calicoDocTiered + ` (NetworkPolicy in the default tier at order 1000) and ` + calicoDocNP + ` (order, higher after)`,
		nps:  np,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny-db, namespace: shop}
spec:
  order: 2000
  selector: app == 'web'
  ingress: [{action: Deny, source: {selector: app == 'db'}}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-bank}
spec:
  order: 3000
  selector: app == 'web'
  ingress: [{action: Allow, source: {namespaceSelector: team == 'b'}}]`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: true, by: "NetworkPolicy shop/web-from-shop (Calico tier default) spec.ingress[0]: Allow"},
			{src: "api", dst: "web", allowed: true, by: "GlobalNetworkPolicy allow-bank (Calico tier default) spec.ingress[0]: Allow"},
		},
	}, {
		name: "a tier before the default tier decides before NetworkPolicy",
		doc:  calicoDocTier + ` ("Tiers are sorted by their order - smallest number first"; the default tier's order is 1,000,000)`,
		nps:  np,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: quarantine}
spec:
  tier: security
  selector: app == 'web'
  ingress:
  - action: Deny
    source: {selector: app == 'db'}
  - action: Pass`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: false, by: "GlobalNetworkPolicy quarantine (Calico tier security) spec.ingress[0]: Deny"},
			{src: "web", dst: "web", allowed: true, by: "NetworkPolicy shop/web-from-shop (Calico tier default) spec.ingress[0]: Allow"},
		},
	}, {
		name: "a tier after the default tier is not reached once NetworkPolicy isolates",
		doc:  calicoDocTier + ` ("If the Tier applies to the endpoint, but takes no action on the packet the packet is dropped")`,
		nps:  np,
		objs: `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: late}
spec: {order: 2000000}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-all}
spec:
  tier: late
  selector: all()
  ingress: [{action: Allow}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "NetworkPolicy shop/web-from-shop (Calico tier default): ingress isolated, no rule matches (Deny)"},
			{src: "api", dst: "db", allowed: true, by: "GlobalNetworkPolicy allow-all (Calico tier late) spec.ingress[0]: Allow"},
		},
	}})
}

func TestCalicoRules(t *testing.T) {
	calicoRun(t, []calicoCase{{
		name: "types default to Egress when only egress rules are present",
		doc:  calicoDocGNP + ` (types: "[ PolicyTypeEgress ], if there are Egress rules but no Ingress rules")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: egress-only}
spec:
  selector: app == 'web'
  egress: [{action: Allow, destination: {selector: app == 'db'}}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: true, by: calicoNone},
			{src: "web", dst: "db", allowed: true, egress: true, by: "GlobalNetworkPolicy egress-only (Calico tier default) spec.egress[0]: Allow"},
			{src: "web", dst: "api", allowed: false, egress: true, by: "GlobalNetworkPolicy egress-only (Calico tier default): egress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "types default to Ingress when there are no rules",
		doc:  calicoDocGNP + ` (types: "[ PolicyTypeIngress ], if there are no Egress rules (including the case where there are also no Ingress rules)")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: empty}
spec:
  selector: app == 'web'`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy empty (Calico tier default): ingress isolated, no rule matches (Deny)"},
			{src: "web", dst: "api", allowed: true, egress: true, by: calicoNoneEgress},
		},
	}, {
		name: "nets and notNets",
		doc:  calicoDocEntity + ` (nets: "Match packets with IP in any of the listed CIDRs"; notNets: "Negative match on CIDRs. Match packets with IP not in any of the listed CIDRs")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: egress-nets}
spec:
  selector: app == 'web'
  types: [Egress]
  egress:
  - action: Deny
    destination: {nets: [203.0.113.0/24], notNets: [203.0.113.5/32]}
  - action: Allow
    destination: {notNets: [198.51.100.0/24]}`,
		want: []calicoWant{
			{src: "web", dst: "ext", allowed: true, egress: true, by: "GlobalNetworkPolicy egress-nets (Calico tier default) spec.egress[1]: Allow"},
			{src: "web", dst: "ext2", allowed: false, egress: true, by: "GlobalNetworkPolicy egress-nets (Calico tier default): egress isolated, no rule matches (Deny)"},
			{src: "web", dst: "db", allowed: true, egress: true, by: "GlobalNetworkPolicy egress-nets (Calico tier default) spec.egress[1]: Allow"},
		},
	}, {
		name: "a GlobalNetworkSet's nets match a global policy's selector",
		doc:  calicoDocGNetSet + ` ("When Calico is calculating the set of IPs that should match a source/destination selector within a global network policy rule, it includes the CIDRs from any network sets that match the selector") and ` + calicoDocLabels + ` (in a global network policy an empty namespaceSelector means "resources in any namespace and non-namespaced resources")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners, labels: {role: partner}}
spec: {nets: [203.0.113.0/24]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: to-partners}
spec:
  selector: app == 'web'
  types: [Egress]
  egress: [{action: Allow, destination: {selector: role == 'partner'}}]`,
		want: []calicoWant{
			{src: "web", dst: "ext", allowed: true, egress: true, by: "GlobalNetworkPolicy to-partners (Calico tier default) spec.egress[0]: Allow"},
			{src: "web", dst: "ext2", allowed: false, egress: true, by: "GlobalNetworkPolicy to-partners (Calico tier default): egress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "a namespaced policy's selector does not reach a GlobalNetworkSet without global()",
		doc:  calicoDocLabels + ` (in a network policy an empty namespaceSelector with a selector means "resources in the same namespace as the network policy") and the EntityRule API reference (projectcalico.org/v3 policy_common.go: "For NetworkPolicy, global() NamespaceSelector implies that the Selector is limited to selecting only GlobalNetworkSet or HostEndpoint")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners, labels: {role: partner}}
spec: {nets: [203.0.113.0/24]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: to-partners, namespace: shop}
spec:
  selector: app == 'web'
  types: [Egress]
  egress:
  - action: Deny
    destination: {selector: role == 'partner'}
  - action: Allow
    destination: {selector: role == 'partner', namespaceSelector: global()}`,
		want: []calicoWant{
			{src: "web", dst: "ext", allowed: true, egress: true, by: "NetworkPolicy shop/to-partners (Calico tier default) spec.egress[1]: Allow"},
		},
	}, {
		name: "a NetworkSet is matched by selectors in its namespace",
		doc:  calicoDocNetSet + ` ("A NetworkSet in a specific namespace only applies to network policies in that namespace"; "it includes the CIDRs from any network sets that match the selector")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: {name: partners, namespace: shop, labels: {role: partner}}
spec: {nets: [203.0.113.0/24]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: to-partners, namespace: shop}
spec:
  selector: app == 'web'
  types: [Egress]
  egress: [{action: Allow, destination: {selector: role == 'partner'}}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: to-partners, namespace: bank}
spec:
  selector: all()
  types: [Egress]
  egress: [{action: Allow, destination: {selector: role == 'partner'}}]`,
		want: []calicoWant{
			{src: "web", dst: "ext", allowed: true, egress: true, by: "NetworkPolicy shop/to-partners (Calico tier default) spec.egress[0]: Allow"},
			{src: "api", dst: "ext", allowed: false, egress: true, by: "NetworkPolicy bank/to-partners (Calico tier default): egress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "a NetworkSet in another namespace, by namespaceSelector",
		doc: calicoDocEntity + ` (namespaceSelector: "Only traffic that originates from (or terminates at) endpoints within the selected namespaces will be matched") and ` + calicoDocLabels + ` (projectcalico.org/name is the namespace's name). ` +
			`The NetworkSet reference says a set "only applies to network policies in that namespace"; Calico's rule conversion (libcalico-go GetEntityRuleSelector) scopes the selector by namespaceSelector instead, and a NetworkSet inherits its namespace's labels, so this follows the code`,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: {name: partners, namespace: bank, labels: {role: partner}}
spec: {nets: [203.0.113.0/24]}
---
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: {name: others, namespace: shop, labels: {role: partner}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: to-bank-partners, namespace: shop}
spec:
  selector: app == 'web'
  types: [Egress]
  egress: [{action: Allow, destination: {selector: role == 'partner', namespaceSelector: projectcalico.org/name == 'bank'}}]`,
		want: []calicoWant{
			{src: "web", dst: "ext", allowed: true, egress: true, by: "NetworkPolicy shop/to-bank-partners (Calico tier default) spec.egress[0]: Allow"},
			{src: "web", dst: "ext2", allowed: false, egress: true, by: "NetworkPolicy shop/to-bank-partners (Calico tier default): egress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "notSelector in a namespaced policy: its namespace minus the selected",
		doc:  calicoDocEntity + ` (notSelector: "Negative match on selected endpoints"; in a namespaced policy the rule's selectors apply to its namespace, ` + calicoDocLabels + `)`,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: not-db, namespace: shop}
spec:
  selector: app == 'web'
  ingress: [{action: Allow, source: {notSelector: app == 'db'}}]`,
		want: []calicoWant{
			{src: "web", dst: "web", allowed: true, by: "NetworkPolicy shop/not-db (Calico tier default) spec.ingress[0]: Allow"},
			{src: "db", dst: "web", allowed: false, by: "NetworkPolicy shop/not-db (Calico tier default): ingress isolated, no rule matches (Deny)"},
			{src: "api", dst: "web", allowed: false, by: "NetworkPolicy shop/not-db (Calico tier default): ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "notSelector in a global policy: everything else, addresses too",
		doc:  calicoDocEntity + ` (Selector: "NotSelector = has(my_label) matches packets that are not from Calico-controlled endpoints that do have the label my_label ... the latter will accept packets from non-Calico sources")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: bad, labels: {role: bad}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: not-bad}
spec:
  selector: app == 'web'
  types: [Egress]
  egress: [{action: Allow, destination: {notSelector: role == 'bad' || app == 'db'}}]`,
		want: []calicoWant{
			{src: "web", dst: "ext", allowed: true, egress: true, by: "GlobalNetworkPolicy not-bad (Calico tier default) spec.egress[0]: Allow"},
			{src: "web", dst: "api", allowed: true, egress: true, by: "GlobalNetworkPolicy not-bad (Calico tier default) spec.egress[0]: Allow"},
			{src: "web", dst: "ext2", allowed: false, egress: true, by: "GlobalNetworkPolicy not-bad (Calico tier default): egress isolated, no rule matches (Deny)"},
			{src: "web", dst: "db", allowed: false, egress: true, by: "GlobalNetworkPolicy not-bad (Calico tier default): egress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "namespaceSelector by name, projectcalico.org/namespace and pcns. labels",
		doc:  calicoDocLabels + ` ("The label projectcalico.org/name is set to the name of the namespace") and ` + calicoDocSel + ` (namespace labels as pcns.<key>)`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: ns-forms}
spec:
  namespaceSelector: projectcalico.org/name in {"shop"}
  selector: app == "web"
  ingress:
  - action: Deny
    source: {selector: projectcalico.org/namespace == 'shop' && app == 'db'}
  - action: Allow
    source: {selector: pcns.team == 'b' || app == 'web'}`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: false, by: "GlobalNetworkPolicy ns-forms (Calico tier default) spec.ingress[0]: Deny"},
			{src: "api", dst: "web", allowed: true, by: "GlobalNetworkPolicy ns-forms (Calico tier default) spec.ingress[1]: Allow"},
			{src: "web", dst: "web", allowed: true, by: "GlobalNetworkPolicy ns-forms (Calico tier default) spec.ingress[1]: Allow"},
			{src: "web", dst: "api", allowed: true, by: calicoNone},
		},
	}, {
		name: "!= and not in match when the label is absent",
		doc:  calicoDocSel + ` ("k != 'v'": "Matches endpoints with label k and value not equal to v, or without label k"; "k not in { 'v1', 'v2' }": "... or without label k")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: absent}
spec:
  selector: app == 'web'
  ingress:
  - action: Deny
    source: {selector: "tier != 'front' && tier not in {'x', 'y'} && !has(tier)"}
  - action: Allow
    source: {selector: "tier in {'back'} && has(app)"}`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy absent (Calico tier default) spec.ingress[0]: Deny"},
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy absent (Calico tier default) spec.ingress[1]: Allow"},
		},
	}, {
		name: "serviceAccounts names and the projectcalico.org/serviceaccount label",
		doc:  calicoDocEntity + ` (serviceAccounts names: "Match service accounts with these names") and ` + calicoDocLabels + ` (projectcalico.org/serviceaccount)`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: by-sa}
spec:
  serviceAccountSelector: projectcalico.org/name == 'web'
  ingress:
  - action: Deny
    source: {selector: projectcalico.org/serviceaccount == 'api'}
  - action: Allow
    source: {serviceAccounts: {names: [db]}}`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy by-sa (Calico tier default) spec.ingress[0]: Deny"},
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy by-sa (Calico tier default) spec.ingress[1]: Allow"},
			{src: "web", dst: "web", allowed: false, by: "GlobalNetworkPolicy by-sa (Calico tier default): ingress isolated, no rule matches (Deny)"},
			{src: "web", dst: "db", allowed: true, by: calicoNone},
		},
	}, {
		name: "protocols, port ranges, named ports and notPorts",
		doc:  calicoDocRule + ` (protocol; ports: "a port number, a range lo:hi or a named port"; notPorts: "Negative match on ports") and netid's probe set (TCP, UDP, SCTP: an ICMP rule matches no probe)`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: ports}
spec:
  selector: app == 'web'
  ingress:
  - action: Deny
    protocol: ICMP
  - action: Allow
    protocol: TCP
    destination: {ports: ["8000:8100"], notPorts: [8080]}
  - action: Allow
    destination: {ports: [http]}
  - action: Allow
    protocol: 17
    destination: {ports: [53]}
  - action: Allow
    notProtocol: UDP
    destination: {}
    source: {selector: app == 'api'}`,
		want: []calicoWant{
			{src: "db", dst: "web", port: 8050, allowed: true, by: "GlobalNetworkPolicy ports (Calico tier default) spec.ingress[1]: Allow"},
			{src: "db", dst: "web", port: 8080, allowed: false, by: "GlobalNetworkPolicy ports (Calico tier default): ingress isolated, no rule matches (Deny)"},
			{src: "db", dst: "web", port: 80, allowed: true, by: "GlobalNetworkPolicy ports (Calico tier default) spec.ingress[2]: Allow"},
			{src: "db", dst: "web", port: 53, proto: corev1.ProtocolUDP, allowed: true, by: "GlobalNetworkPolicy ports (Calico tier default) spec.ingress[3]: Allow"},
			{src: "api", dst: "web", port: 9, proto: corev1.ProtocolSCTP, allowed: true, by: "GlobalNetworkPolicy ports (Calico tier default) spec.ingress[4]: Allow"},
			{src: "api", dst: "web", port: 9, proto: corev1.ProtocolUDP, allowed: false, by: "GlobalNetworkPolicy ports (Calico tier default): ingress isolated, no rule matches (Deny)"},
		},
	}, {
		name: "an http match is an L7 restriction",
		doc:  calicoDocRule + ` (http: "Match HTTP request parameters. Application layer policy must be enabled")`,
		objs: `
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: http}
spec:
  selector: app == 'web'
  ingress:
  - action: Allow
    http: {methods: [GET], paths: [{prefix: /api}]}`,
		want: []calicoWant{
			{src: "db", dst: "web", allowed: true, by: "GlobalNetworkPolicy http (Calico tier default) spec.ingress[0]: Allow (L7-restricted: HTTP methods GET; path prefix /api)"},
		},
	}, {
		name: "an egress rule's source criteria restrict the selected endpoint itself",
		doc:  calicoDocRule + ` (source: "Source match parameters"; for egress the source is the endpoint the policy selects) and ` + calicoDocEntity,
		objs: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: split, namespace: shop}
spec:
  selector: all()
  types: [Egress]
  egress:
  - action: Deny
    source: {selector: app == 'db'}
    destination: {namespaceSelector: team == 'b'}
  - action: Allow`,
		want: []calicoWant{
			{src: "db", dst: "api", allowed: false, egress: true, by: "NetworkPolicy shop/split (Calico tier default) spec.egress[0]: Deny"},
			{src: "web", dst: "api", allowed: true, egress: true, by: "NetworkPolicy shop/split (Calico tier default) spec.egress[1]: Allow"},
			{src: "db", dst: "web", allowed: true, egress: true, by: "NetworkPolicy shop/split (Calico tier default) spec.egress[1]: Allow"},
		},
	}, {
		name: "crd.projectcalico.org objects read as projectcalico.org",
		doc:  calicoDocGNP + ` (the crd.projectcalico.org/v1 resources store the same spec)`,
		objs: `
apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata: {name: deny-api}
spec:
  selector: app == 'web'
  ingress: [{action: Deny, source: {selector: app == 'api'}}, {action: Allow}]`,
		want: []calicoWant{
			{src: "api", dst: "web", allowed: false, by: "GlobalNetworkPolicy deny-api (Calico tier default) spec.ingress[0]: Deny"},
		},
	}})
}

// TestCalicoUnmodelled: every construct the model cannot express is named
// and its object contributes no policy.
func TestCalicoUnmodelled(t *testing.T) {
	gnp := func(spec string) string {
		return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec:\n" + spec
	}
	cases := []struct {
		name, doc, objs, field, why string
	}{
		{"contains", calicoDocSel, gnp("  selector: app contains 'w'"), "spec.selector", "substring"},
		{"starts with", calicoDocSel, gnp("  ingress: [{action: Allow, source: {selector: app starts with 'w'}}]"), "spec.ingress[0].source", "substring"},
		{"ends with", calicoDocSel, gnp("  ingress: [{action: Allow, source: {notSelector: app ends with 'w'}}]"), "spec.ingress[0].source", "substring"},
		{"another projectcalico.org label", calicoDocLabels, gnp("  selector: projectcalico.org/orchestrator == 'k8s'"), "spec.selector", "projectcalico.org/orchestrator"},
		{"ServiceAccount selector by label", calicoDocEntity, gnp("  ingress: [{action: Allow, source: {serviceAccounts: {selector: team == 'a'}}}]"), "spec.ingress[0].source", "ServiceAccount label"},
		{"serviceAccountSelector by label", calicoDocGNP, gnp("  serviceAccountSelector: team == 'a'"), "spec.serviceAccountSelector", "ServiceAccount label"},
		{"pcsa. label", calicoDocLabels, gnp("  selector: pcsa.team == 'a'"), "spec.selector", "ServiceAccount label"},
		{"services", calicoDocEntity, gnp("  egress: [{action: Allow, destination: {services: {name: api, namespace: bank}}}]"), "spec.egress[0]", "Service"},
		{"source ports", calicoDocEntity, gnp("  ingress: [{action: Allow, protocol: TCP, source: {ports: [1234]}}]"), "spec.ingress[0].source.ports", "ephemeral"},
		{"doNotTrack", calicoDocGNP, gnp("  doNotTrack: true\n  applyOnForward: true"), "spec", "host endpoints"},
		{"preDNAT", calicoDocGNP, gnp("  preDNAT: true\n  applyOnForward: true"), "spec", "host endpoints"},
		{"applyOnForward", calicoDocGNP, gnp("  applyOnForward: true"), "spec", "forwarded"},
		{"selector with nets", calicoDocEntity, gnp("  egress: [{action: Allow, destination: {selector: app == 'db', nets: [10.0.0.0/8]}}]"), "spec.egress[0].destination", "own address"},
		{"nets on the selected endpoint's side", calicoDocEntity, gnp("  ingress: [{action: Allow, destination: {nets: [10.0.0.0/8]}}]"), "spec.ingress[0].destination", "own address"},
		{"ipVersion", calicoDocRule, gnp("  ingress: [{action: Allow, ipVersion: 4}]"), "spec.ingress[0].ipVersion", "IP family"},
		{"unknown field", calicoDocGNP, gnp("  selector: all()\n  frobnicate: true"), "", "does not decode"},
		{"unknown action", calicoDocRule, gnp("  ingress: [{action: Reject}]"), "spec.ingress[0].action", "Reject"},
		{"icmp without ICMP", calicoDocRule, gnp("  ingress: [{action: Allow, protocol: TCP, icmp: {type: 8}}]"), "spec.ingress[0].icmp", "ICMP"},
		{"numeric port without protocol", calicoDocRule, gnp("  ingress: [{action: Allow, destination: {ports: [80]}}]"), "spec.ingress[0].destination.ports", "without a protocol"},
		{"named notPorts", calicoDocRule, gnp("  ingress: [{action: Allow, destination: {notPorts: [http]}}]"), "spec.ingress[0].destination.ports", "named port"},
		{"tier not in the stream", calicoDocTier, gnp("  tier: security"), "spec.tier", "tier security's order is not in the stream"},
		{"order 1000 in the default tier", calicoDocTiered, gnp("  order: 1000"), "spec.order", "ties with the Kubernetes NetworkPolicies"},
		{"a selector that does not parse", calicoDocSel, gnp("  selector: app =="), "spec.selector", "does not parse"},
		{"allowedEgressDomains", calicoDocNetSet, "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: p}\nspec: {allowedEgressDomains: [example.com]}", "spec.allowedEgressDomains", "domain"},
		{"a default tier moved", calicoDocTiered, "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: default}\nspec: {order: 5}", "spec", "default tier"},
		{"a NetworkSet whose match depends on namespace labels", calicoDocNetSet,
			"apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata: {name: s, namespace: shop, labels: {role: x}}\nspec: {nets: [10.0.0.0/8]}\n---\n" +
				gnp("  egress: [{action: Allow, destination: {namespaceSelector: team == 'a', selector: role == 'x'}}]"), "spec.egress[0].destination", "namespace's labels"},
		{"global() in a policy's namespaceSelector", calicoDocGNP, gnp("  namespaceSelector: global()"), "spec.namespaceSelector", "global()"},
		{"self-side conditions that expand too far", calicoDocEntity, gnp("  types: [Egress]\n  egress:\n" +
			"  - {action: Allow, source: {selector: \"(pcns.a == 'x' || b == 'y') && (pcns.c == 'x' || d == 'y') && (pcns.e == 'x' || f == 'y') && (pcns.g == 'x' || h == 'y') && (pcns.i == 'x' || j == 'y') && (pcns.k == 'x' || l == 'y') && (pcns.m == 'x' || n == 'y') && (pcns.o == 'x' || p == 'y')\"}}\n"), "spec", "more than 256"},
		{"global() in a rule's selector", calicoDocEntity, gnp("  ingress: [{action: Allow, source: {selector: global()}}]"), "spec.ingress[0].source", "validation rejects"},
		{"GlobalNetworkPolicy fields on a namespaced policy", calicoDocNP,
			"apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: {namespaceSelector: all()}", "spec", "GlobalNetworkPolicy fields"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objs := calicoObjects(t, tc.objs)
			c := Compile(Cluster{CNI: Calico}, nil, objs)
			if len(c.Policies) != 0 {
				t.Errorf("policies %v, want none", c.Policies)
			}
			found := false
			for _, u := range c.Unmodelled {
				if u.Layer != LayerCalico || u.Object == "" {
					t.Errorf("entry %+v names no layer or object", u)
				}
				if u.Field == tc.field && strings.Contains(u.Why, tc.why) {
					found = true
				}
			}
			if !found {
				t.Errorf("unmodelled %q, want field %q why ~%q (%s)", c.Unmodelled, tc.field, tc.why, tc.doc)
			}
		})
	}
}

func TestCalicoInert(t *testing.T) {
	// https://docs.tigera.io/calico/latest/reference/resources/stagednetworkpolicy:
	// a staged policy "is evaluated ... but not enforced".
	objs := calicoObjects(t, `
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: s, namespace: shop}
spec: {selector: all()}
---
apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata: {name: g}
spec: {selector: all()}
---
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: {name: k, namespace: shop}
spec: {podSelector: {}}`)
	c := Compile(Cluster{CNI: Calico}, nil, objs)
	if len(c.Policies) != 0 || len(c.Unmodelled) != 0 || len(c.Inert) != 3 {
		t.Fatalf("policies %d unmodelled %v inert %v; want 3 inert (%s)", len(c.Policies), c.Unmodelled, c.Inert, calicoDocStaged)
	}
	// Another CNI enforces no Calico object.
	c = Compile(Cluster{CNI: Cilium}, nil, calicoObjects(t, "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec: {}"))
	if len(c.Policies) != 0 || len(c.Unmodelled) != 1 {
		t.Fatalf("on Cilium: policies %d unmodelled %v", len(c.Policies), c.Unmodelled)
	}
}

// TestCalicoPlacement: Calico reads Kubernetes NetworkPolicy in its default
// tier (order 1,000,000) at policy order 1000.
func TestCalicoPlacement(t *testing.T) {
	p := NetworkPolicyPlacement(Cluster{CNI: Calico})
	if p.Tier != 1_000_000 || p.Order != 1000 || p.TierName != "Calico tier default" {
		t.Fatalf("placement %+v (%s)", p, calicoDocTiered)
	}
}
