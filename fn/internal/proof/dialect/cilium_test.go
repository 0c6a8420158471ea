package dialect

import (
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// The documentation the truth tables cite: the Cilium v1.20 pages under
// https://docs.cilium.io/en/latest/security/policy/ (section, and the
// sentence each case encodes).
const (
	ciliumDocIntro    = "intro/ \"Endpoint default policy\": \"If any rule selects an endpoint and the rule has an ingress section, the endpoint goes into default deny-mode for ingress\""
	ciliumDocDefault  = "intro/ \"Endpoint default policy\": \"Rules with EnableDefaultDeny disabled are ignored when determining the default mode\"; CRD field enableDefaultDeny: \"if a policy only has Ingress or IngressDeny rules, then the default for ingress is true\""
	ciliumDocDeny     = "deny/: \"Deny policies take precedence over allow policies, regardless of whether they are a Cilium Network Policy, a Clusterwide Cilium Network Policy or even a Kubernetes Network Policy\""
	ciliumDocL3       = "layer3/ \"Ingress Allow All Endpoints\": \"An empty EndpointSelector will select all endpoints\"; \"Egress Allow All Endpoints\": \"based on the CiliumNetworkPolicy namespace\"; IngressRule reference: FromEndpoints, FromCIDR, FromCIDRSet and FromEntities \"are mutually exclusive\""
	ciliumDocEmpty    = "layer3/ \"Ingress/Egress Default Deny\": example egress: [{}] puts the endpoint into default deny \"without whitelisting other peers\""
	ciliumDocNS       = "kubernetes/ \"Specifying Namespace In EndpointSelector, FromEndpoints, ToEndpoints\": \"The endpointSelector always applies to pods in the namespace associated with the CiliumNetworkPolicy\"; \"Namespace Specific Information\": with namespace labels \"the selector is not implicitly restricted to the policy's own namespace\""
	ciliumDocCCNP     = "kubernetes/ \"Clusterwide Policies\": \"allow ingress traffic from pods matching the label name=luke from any namespace\""
	ciliumDocSA       = "kubernetes/ \"ServiceAccounts\": io.cilium.k8s.policy.serviceaccount"
	ciliumDocEntities = "layer3/ \"Entities based\": world \"corresponds to all endpoints outside of the cluster\", cluster \"all network endpoints inside of the local cluster\", all \"whitelists all communication\", host \"the local host\""
	ciliumDocCIDR     = "layer3/ \"IP/CIDR based\": \"CIDR rules do not apply to traffic where both sides of the connection are either managed by Cilium or use an IP belonging to a node\"; except and cidrGroupRef (CIDRRule reference)"
	ciliumDocL4       = "layer4/ \"Limit ingress/egress ports\", \"Example Port Ranges\"; \"EndPort is ignored if Port is a named port\"; IngressRule reference: \"nil FromEndpoints is implicitly treated as a wildcard selector if ToPorts are also specified\""
	ciliumDocL7       = "layer7/: HTTP rules are enforced by the proxy on the port the rule allows"
	ciliumDocDNS      = "layer3/ \"DNS based\": toFQDNs names are resolved to IPs at run time"
	ciliumDocNP       = "deny/ and intro/: Kubernetes NetworkPolicy is enforced with Cilium's own policies as one set"
)

// ciliumEstate: namespaces shop (team=a), other (team=b), kube-system;
// pods and two external addresses.
func ciliumEstate() (map[string]map[string]string, []netpol.Endpoint) {
	nss := map[string]map[string]string{"shop": {"team": "a"}, "other": {"team": "b"}, "kube-system": {}}
	eps := []netpol.Endpoint{
		{Name: "shop/web", Namespace: "shop", Labels: map[string]string{"app": "web", model.ServiceAccountLabel: "web-sa"}},
		{Name: "shop/db", Namespace: "shop", Labels: map[string]string{"app": "db", "pod-template-hash": "abc", model.ServiceAccountLabel: "default"},
			Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}}},
		{Name: "other/client", Namespace: "other", Labels: map[string]string{"app": "client", model.ServiceAccountLabel: "default"}},
		{Name: "other/web", Namespace: "other", Labels: map[string]string{"app": "web", model.ServiceAccountLabel: "default"},
			IP: netip.MustParseAddr("10.9.0.1")},
		{Name: "kube-system/dns", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
		{Name: "ext-203", IP: netip.MustParseAddr("203.0.113.5")},
		{Name: "ext-10", IP: netip.MustParseAddr("10.1.2.3")},
		{Name: "ext-10b", IP: netip.MustParseAddr("10.9.9.9")},
	}
	return nss, eps
}

// ciliumFlow is one probe and what must decide it: by are substrings of
// the verdict's decisions as the evaluator describes them.
type ciliumFlow struct {
	src, dst string
	port     int32
	proto    corev1.Protocol
	allow    bool
	by       []string
}

type ciliumCase struct {
	name, doc  string
	nps, objs  []string
	generated  bool
	flows      []ciliumFlow
	unmodelled []string // "Object Field" substrings, each must be listed
	inert      []string
	noPolicies bool
}

func ciliumObjects(t testing.TB, docs []string, generated bool) []Object {
	t.Helper()
	var out []Object
	for _, d := range docs {
		js, err := yaml.YAMLToJSON([]byte(d))
		if err != nil {
			t.Fatalf("yaml: %v\n%s", err, d)
		}
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name, Namespace string
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(js, &meta); err != nil {
			t.Fatal(err)
		}
		out = append(out, Object{APIVersion: meta.APIVersion, Kind: meta.Kind, Namespace: meta.Metadata.Namespace,
			Name: meta.Metadata.Name, JSON: js, Generated: generated})
	}
	return out
}

func ciliumNetworkPolicies(t testing.TB, docs []string) []networkingv1.NetworkPolicy {
	t.Helper()
	var out []networkingv1.NetworkPolicy
	for _, d := range docs {
		var np networkingv1.NetworkPolicy
		if err := yaml.UnmarshalStrict([]byte(d), &np); err != nil {
			t.Fatalf("networkpolicy: %v", err)
		}
		out = append(out, np)
	}
	return out
}

func ciliumEntries(es []model.Unmodelled) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.String() + "\n")
	}
	return b.String()
}

func ciliumRun(t *testing.T, tc ciliumCase) {
	t.Helper()
	nss, eps := ciliumEstate()
	idx := map[string]int{}
	for i, ep := range eps {
		idx[ep.Name] = i
	}
	objs := ciliumObjects(t, tc.objs, tc.generated)
	out := Compile(Cluster{CNI: Cilium}, ciliumNetworkPolicies(t, tc.nps), objs)
	for _, want := range tc.unmodelled {
		if !strings.Contains(ciliumEntries(out.Unmodelled), want) {
			t.Errorf("Unmodelled lacks %q; got:\n%s", want, ciliumEntries(out.Unmodelled))
		}
	}
	if len(tc.unmodelled) == 0 && len(out.Unmodelled) > 0 {
		t.Errorf("unexpected Unmodelled:\n%s", ciliumEntries(out.Unmodelled))
	}
	for _, want := range tc.inert {
		if !strings.Contains(ciliumEntries(out.Inert), want) {
			t.Errorf("Inert lacks %q; got:\n%s", want, ciliumEntries(out.Inert))
		}
	}
	if len(tc.inert) == 0 && len(out.Inert) > 0 {
		t.Errorf("unexpected Inert:\n%s", ciliumEntries(out.Inert))
	}
	cilium := 0
	for _, p := range out.Policies {
		if p.Layer == LayerCilium {
			cilium++
			for _, r := range append(append([]model.Rule{}, p.Ingress...), p.Egress...) {
				if r.Where == "" {
					t.Errorf("%s: rule without Where", p.Object)
				}
			}
		}
	}
	if tc.noPolicies && cilium > 0 {
		t.Errorf("want no Cilium policies, got %d", cilium)
	}
	ev := model.New(nss, out.Policies, eps)
	for _, f := range tc.flows {
		src, ok1 := idx[f.src]
		dst, ok2 := idx[f.dst]
		if !ok1 || !ok2 {
			t.Fatalf("no endpoint %s or %s", f.src, f.dst)
		}
		v := ev.Decide(src, dst, f.port, f.proto)
		var desc []string
		for _, d := range v.Decisions {
			desc = append(desc, ev.Describe(d))
		}
		got := strings.Join(desc, " | ")
		if v.Allowed != f.allow {
			t.Errorf("%s -> %s %d/%s: allowed %v, want %v (%s)", f.src, f.dst, f.port, f.proto, v.Allowed, f.allow, got)
			continue
		}
		for _, b := range f.by {
			if !strings.Contains(got, b) {
				t.Errorf("%s -> %s %d/%s: decided by %q, want %q", f.src, f.dst, f.port, f.proto, got, b)
			}
		}
	}
}

// ciliumAllowDB is a CiliumNetworkPolicy letting shop/web into shop/db.
const ciliumAllowDB = `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: allow-web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
`

func TestCiliumDefaultDenyAndScoping(t *testing.T) {
	for _, tc := range []ciliumCase{{
		name: "ingress section: default deny at ingress only; fromEndpoints limited to the policy's namespace",
		doc:  ciliumDocIntro + "; " + ciliumDocNS,
		objs: []string{ciliumAllowDB},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"CiliumNetworkPolicy shop/allow-web spec.ingress[0]: Allow"}},
			{src: "other/web", dst: "shop/db", port: 5432, allow: false, by: []string{"CiliumNetworkPolicy shop/allow-web: ingress isolated, no rule matches (Deny)"}},
			{src: "ext-203", dst: "shop/db", port: 5432, allow: false, by: []string{"ingress isolated"}},
			{src: "shop/db", dst: "ext-203", port: 443, allow: true, by: []string{"network egress: no policy decides"}},
			{src: "shop/web", dst: "other/client", port: 80, allow: true},
		},
	}, {
		name: "egress: [{}] isolates egress and allows nothing",
		doc:  ciliumDocEmpty,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: egress-deny, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress: [{}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"CiliumNetworkPolicy shop/egress-deny: egress isolated"}},
			{src: "shop/web", dst: "ext-203", port: 443, allow: false},
			{src: "shop/db", dst: "shop/web", port: 80, allow: true},
		},
	}, {
		name: "a deny-only ingress section also puts the endpoint in default deny",
		doc:  ciliumDocDefault,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-client, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: other, app: client}}]
`},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/db", port: 5432, allow: false, by: []string{"CiliumNetworkPolicy shop/deny-client spec.ingressDeny[0]: Deny"}},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"CiliumNetworkPolicy shop/deny-client: ingress isolated"}},
		},
	}, {
		name: "enableDefaultDeny ingress false: the deny applies, nothing else is closed",
		doc:  ciliumDocDefault,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-client, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  enableDefaultDeny: {ingress: false}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: other}}]
`},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/db", port: 5432, allow: false, by: []string{"spec.ingressDeny[0]: Deny"}},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"network ingress: no policy decides"}},
			{src: "ext-203", dst: "shop/db", port: 5432, allow: true},
		},
	}, {
		name: "enableDefaultDeny false on an allow policy: it isolates nothing, and adds to another policy's allows",
		doc:  ciliumDocDefault,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: dns-visibility}
spec:
  endpointSelector: {}
  enableDefaultDeny: {ingress: false, egress: false}
  egress:
  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
`, `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: db}}]
`},
		flows: []ciliumFlow{
			{src: "shop/db", dst: "ext-203", port: 443, allow: true},
			{src: "other/client", dst: "ext-203", port: 443, allow: true},
			{src: "shop/web", dst: "kube-system/dns", port: 53, proto: corev1.ProtocolUDP, allow: true,
				by: []string{"CiliumClusterwideNetworkPolicy dns-visibility spec.egress[0].toPorts[0]: Allow (L7-restricted: DNS pattern *)"}},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"CiliumNetworkPolicy shop/web-egress spec.egress[0]: Allow"}},
			{src: "shop/web", dst: "ext-203", port: 443, allow: false, by: []string{"CiliumNetworkPolicy shop/web-egress: egress isolated"}},
		},
	}, {
		name: "enableDefaultDeny true does not close a direction without rules; an empty fromEndpoints list selects nothing, even beside toPorts",
		doc:  ciliumDocDefault + "; " + ciliumDocL3,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ingress-only, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  enableDefaultDeny: {egress: true}
  ingress:
  - fromEndpoints: []
    fromEntities: [all]
    toPorts: [{ports: [{port: "5432"}]}]
`},
		flows: []ciliumFlow{
			{src: "shop/db", dst: "ext-203", port: 443, allow: true, by: []string{"network egress: no policy decides"}},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"shop/ingress-only: ingress isolated"}},
		},
	}, {
		name: "a CiliumNetworkPolicy's endpointSelector applies in its namespace only",
		doc:  ciliumDocNS,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-closed, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{}]
`},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/web", port: 80, allow: false, by: []string{"shop/web-closed: ingress isolated"}},
			{src: "other/client", dst: "other/web", port: 80, allow: true},
		},
	}, {
		name: "a clusterwide policy selects in every namespace; fromEndpoints {} there is every pod",
		doc:  ciliumDocCCNP + "; " + ciliumDocL3,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: web-from-pods}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{}]
`},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/web", port: 80, allow: true, by: []string{"CiliumClusterwideNetworkPolicy web-from-pods spec.ingress[0]: Allow"}},
			{src: "shop/db", dst: "other/web", port: 80, allow: true},
			{src: "ext-203", dst: "other/web", port: 80, allow: false, by: []string{"web-from-pods: ingress isolated"}},
			{src: "ext-203", dst: "shop/db", port: 80, allow: true},
		},
	}, {
		name: "fromEndpoints {} in a CiliumNetworkPolicy is every pod of its namespace",
		doc:  ciliumDocL3,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: same-ns, namespace: shop}
spec:
  endpointSelector: {}
  ingress:
  - fromEndpoints: [{}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/same-ns spec.ingress[0]: Allow"}},
			{src: "other/client", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "naming io.kubernetes.pod.namespace or a namespace label lifts the namespace limit",
		doc:  ciliumDocNS,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cross-ns, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: other, app: client}
    - matchLabels: {io.cilium.k8s.namespace.labels.team: b, any:app: web}
`},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/cross-ns spec.ingress[0]: Allow"}},
			{src: "other/web", dst: "shop/db", port: 5432, allow: true},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "io.cilium.k8s.policy.serviceaccount selects by ServiceAccount; the local cluster label matches",
		doc:  ciliumDocSA,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: by-sa, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {io.cilium.k8s.policy.serviceaccount: web-sa, io.cilium.k8s.policy.cluster: default}}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/by-sa spec.ingress[0]: Allow"}},
			{src: "other/client", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "specs: each rule is read; Where names specs[i]",
		doc:  ciliumDocIntro,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: two, namespace: shop}
specs:
- endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEndpoints: [{matchLabels: {app: web}}]}]
- endpointSelector: {matchLabels: {app: web}}
  egress: [{toEndpoints: [{matchLabels: {app: db}}]}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/two specs[1].egress[0]: Allow", "shop/two specs[0].ingress[0]: Allow"}},
			{src: "shop/web", dst: "ext-203", port: 443, allow: false, by: []string{"egress isolated"}},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) { ciliumRun(t, tc) })
	}
}

func TestCiliumComposition(t *testing.T) {
	npAllowClient := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-client, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: client}}}]
`
	npAllowAll := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-all, namespace: shop}
spec:
  podSelector: {}
  ingress: [{}]
`
	for _, tc := range []ciliumCase{{
		name: "allows of two Cilium policies are a union",
		doc:  ciliumDocIntro,
		objs: []string{ciliumAllowDB, `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: allow-client, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: other}}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/allow-web spec.ingress[0]: Allow"}},
			{src: "other/client", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/allow-client spec.ingress[0]: Allow"}},
			{src: "ext-203", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "Cilium allows and NetworkPolicy allows are a union",
		doc:  ciliumDocNP + "; " + ciliumDocIntro,
		nps:  []string{npAllowClient},
		objs: []string{ciliumAllowDB},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"CiliumNetworkPolicy shop/allow-web spec.ingress[0]: Allow"}},
			{src: "other/client", dst: "shop/db", port: 5432, allow: true, by: []string{"NetworkPolicy shop/np-client spec.ingress[0]: Allow"}},
			{src: "other/web", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "ingressDeny of a clusterwide policy beats a NetworkPolicy allow",
		doc:  ciliumDocDeny,
		nps:  []string{npAllowAll},
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-other}
spec:
  endpointSelector: {matchLabels: {io.kubernetes.pod.namespace: shop}}
  enableDefaultDeny: {ingress: false}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: other}}]
`},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/db", port: 5432, allow: false, by: []string{"CiliumClusterwideNetworkPolicy deny-other spec.ingressDeny[0]: Deny"}},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"NetworkPolicy shop/np-all spec.ingress[0]: Allow"}},
			{src: "ext-203", dst: "shop/web", port: 80, allow: true},
		},
	}, {
		name: "a deny on one port beats an allow of every port in another policy; other ports stay allowed",
		doc:  ciliumDocDeny + "; " + ciliumDocL4,
		objs: []string{ciliumAllowDB, `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-5432, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny:
  - toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"shop/deny-5432 spec.ingressDeny[0]: Deny"}},
			{src: "shop/web", dst: "shop/db", port: 5432, proto: corev1.ProtocolUDP, allow: true, by: []string{"shop/allow-web spec.ingress[0]: Allow"}},
			{src: "shop/web", dst: "shop/db", port: 80, allow: true},
		},
	}, {
		name: "egressDeny to world beats an egress allow of all",
		doc:  ciliumDocDeny + "; " + ciliumDocEntities,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-world, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress: [{toEntities: [all]}]
  egressDeny: [{toEntities: [world]}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "ext-203", port: 443, allow: false, by: []string{"shop/no-world spec.egressDeny[0]: Deny"}},
			{src: "shop/web", dst: "other/web", port: 80, allow: true, by: []string{"shop/no-world spec.egress[0]: Allow"}},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) { ciliumRun(t, tc) })
	}
}

func TestCiliumPeers(t *testing.T) {
	ingressFrom := func(name, from string) string {
		return `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ` + name + `, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - ` + from + "\n"
	}
	egressTo := func(name, to string) string {
		return `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ` + name + `, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - ` + to + "\n"
	}
	group := `
apiVersion: cilium.io/v2alpha1
kind: CiliumCIDRGroup
metadata: {name: partners, labels: {kind: partner}}
spec:
  externalCIDRs: [203.0.113.0/24]
`
	for _, tc := range []ciliumCase{{
		name: "fromEntities all: every pod and every address",
		doc:  ciliumDocEntities,
		objs: []string{ingressFrom("all", "fromEntities: [all]")},
		flows: []ciliumFlow{
			{src: "ext-203", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/all spec.ingress[0]: Allow"}},
			{src: "other/client", dst: "shop/db", port: 5432, allow: true},
		},
	}, {
		name: "fromEntities world: addresses outside the cluster, never a pod (even one with an IP)",
		doc:  ciliumDocEntities,
		objs: []string{ingressFrom("world", "fromEntities: [world]")},
		flows: []ciliumFlow{
			{src: "ext-203", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/world spec.ingress[0]: Allow"}},
			{src: "other/web", dst: "shop/db", port: 5432, allow: false, by: []string{"ingress isolated"}},
		},
	}, {
		name: "fromEntities cluster: every pod, no address",
		doc:  ciliumDocEntities,
		objs: []string{ingressFrom("cluster", "fromEntities: [cluster]")},
		flows: []ciliumFlow{
			{src: "other/client", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/cluster spec.ingress[0]: Allow"}},
			{src: "ext-203", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "entity host: matches nothing the proof holds, listed Inert; the policy still isolates",
		doc:  ciliumDocEntities,
		objs: []string{ingressFrom("host", "fromEntities: [host]")},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"shop/host: ingress isolated"}},
		},
		inert: []string{"CiliumNetworkPolicy shop/host spec.ingress[0].fromEntities[0]: entity host: the local node are not endpoints of the proof; flows to and from them are not judged"},
	}, {
		name: "reserved:world in fromEndpoints is the world entity",
		doc:  ciliumDocEntities,
		objs: []string{ingressFrom("reserved", "fromEndpoints: [{matchLabels: {reserved:world: \"\"}}]")},
		flows: []ciliumFlow{
			{src: "ext-10", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/reserved spec.ingress[0]: Allow"}},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "toCIDRSet with except; CIDR rules never match a pod",
		doc:  ciliumDocCIDR,
		objs: []string{egressTo("cidr", "toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]")},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "ext-10b", port: 443, allow: true, by: []string{"shop/cidr spec.egress[0]: Allow"}},
			{src: "shop/web", dst: "ext-10", port: 443, allow: false, by: []string{"egress isolated"}},
			{src: "shop/web", dst: "other/web", port: 80, allow: false},
			{src: "shop/web", dst: "ext-203", port: 443, allow: false},
		},
	}, {
		name: "toCIDR with a bare address and a prefix; never a pod inside the prefix",
		doc:  ciliumDocCIDR,
		objs: []string{egressTo("cidr", "toCIDR: [203.0.113.5, 10.0.0.0/8]")},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "ext-203", port: 443, allow: true, by: []string{"shop/cidr spec.egress[0]: Allow"}},
			{src: "shop/web", dst: "ext-10", port: 443, allow: true},
			{src: "shop/web", dst: "other/web", port: 443, allow: false, by: []string{"shop/cidr: egress isolated"}},
		},
	}, {
		name: "cidrGroupRef: the group's CIDRs",
		doc:  ciliumDocCIDR,
		objs: []string{group, egressTo("group", "toCIDRSet: [{cidrGroupRef: partners}]")},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "ext-203", port: 443, allow: true, by: []string{"shop/group spec.egress[0]: Allow"}},
			{src: "shop/web", dst: "ext-10", port: 443, allow: false},
		},
	}, {
		name: "cidrGroupSelector: the groups with the labels",
		doc:  ciliumDocCIDR,
		objs: []string{group, ingressFrom("groupsel", "fromCIDRSet: [{cidrGroupSelector: {matchLabels: {kind: partner}}}]")},
		flows: []ciliumFlow{
			{src: "ext-203", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/groupsel spec.ingress[0]: Allow"}},
			{src: "ext-10", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name:  "a CIDR group no policy references is Inert",
		doc:   ciliumDocCIDR,
		objs:  []string{group},
		inert: []string{"CiliumCIDRGroup partners: no Cilium policy"},
	}} {
		t.Run(tc.name, func(t *testing.T) { ciliumRun(t, tc) })
	}
}

func TestCiliumPorts(t *testing.T) {
	withPorts := func(name, rule string) string {
		return `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ` + name + `, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - ` + rule + "\n"
	}
	for _, tc := range []ciliumCase{{
		name: "fromEndpoints AND toPorts",
		doc:  ciliumDocL4,
		objs: []string{withPorts("l4", `fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]`)},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/l4 spec.ingress[0]: Allow"}},
			{src: "shop/web", dst: "shop/db", port: 5432, proto: corev1.ProtocolUDP, allow: false},
			{src: "shop/web", dst: "shop/db", port: 80, allow: false},
			{src: "other/client", dst: "shop/db", port: 5432, allow: false},
		},
	}, {
		name: "toPorts without an L3 field matches every peer, addresses included",
		doc:  ciliumDocL4,
		objs: []string{withPorts("any-peer", `toPorts: [{ports: [{port: "5432"}]}]`)},
		flows: []ciliumFlow{
			{src: "ext-203", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/any-peer spec.ingress[0]: Allow"}},
			{src: "other/client", dst: "shop/db", port: 5432, proto: corev1.ProtocolSCTP, allow: true},
			{src: "other/client", dst: "shop/db", port: 5433, allow: false},
		},
	}, {
		name: "endPort ranges, named ports, port 0 of one protocol",
		doc:  ciliumDocL4,
		objs: []string{withPorts("ranges", `toPorts: [{ports: [{port: "8000", endPort: 8080, protocol: TCP}, {port: pg, endPort: 9000, protocol: TCP}, {port: "0", protocol: UDP}]}]`)},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 8080, allow: true, by: []string{"shop/ranges spec.ingress[0]: Allow"}},
			{src: "shop/web", dst: "shop/db", port: 8081, allow: false},
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true},
			{src: "shop/web", dst: "shop/db", port: 9999, proto: corev1.ProtocolUDP, allow: true},
		},
	}, {
		name: "an HTTP rule allows its port at L3/L4, with L7 text",
		doc:  ciliumDocL7,
		objs: []string{withPorts("http", `fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET, path: "/api/.*"}]}}]`)},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 80, allow: true,
				by: []string{"shop/http spec.ingress[0].toPorts[0]: Allow (L7-restricted: HTTP method GET path /api/.*)"}},
			{src: "shop/web", dst: "shop/db", port: 81, allow: false},
			{src: "other/client", dst: "shop/db", port: 80, allow: false},
		},
	}, {
		name: "a plain allow of the same peer and port lifts the L7 restriction",
		doc:  ciliumDocL7,
		objs: []string{withPorts("http", `fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]`), withPorts("plain", `fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]`)},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 80, allow: true, by: []string{"CiliumNetworkPolicy shop/plain spec.ingress[0]: Allow"}},
			{src: "shop/db", dst: "shop/db", port: 80, allow: false},
		},
	}, {
		name: "icmps match no flow the proof probes: Inert; the section still isolates",
		doc:  ciliumDocL4,
		objs: []string{withPorts("icmp", `fromEndpoints: [{matchLabels: {app: web}}]
    icmps: [{fields: [{type: 8, family: IPv4}]}]`)},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"shop/icmp: ingress isolated"}},
		},
		inert: []string{"shop/icmp spec.ingress[0].icmps: ICMP"},
	}, {
		name: "an extended IP protocol port entry matches no probed flow: Inert",
		doc:  ciliumDocL4,
		objs: []string{withPorts("gre", `toPorts: [{ports: [{protocol: GRE}]}]`)},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: false, by: []string{"ingress isolated"}},
		},
		inert: []string{"spec.ingress[0].toPorts[0].ports[0]: protocol GRE"},
	}} {
		t.Run(tc.name, func(t *testing.T) { ciliumRun(t, tc) })
	}
}

// TestCiliumUnmodelled: every construct the model cannot express makes the
// object Unmodelled, naming the field, and the object gives no policy.
func TestCiliumUnmodelled(t *testing.T) {
	spec := func(name, body string) string {
		return `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ` + name + `, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
` + body
	}
	for _, tc := range []struct {
		name, doc, obj, want string
	}{
		{"toFQDNs in a user object", ciliumDocDNS,
			spec("fqdn", "  egress: [{toFQDNs: [{matchName: api.example.com}], toPorts: [{ports: [{port: \"443\"}]}]}]\n"),
			"CiliumNetworkPolicy shop/fqdn spec.egress[0].toFQDNs: DNS names resolve at run time; the flows they open are not judged"},
		{"nodeSelector (host policy)", ciliumDocCCNP, `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: host}
spec:
  nodeSelector: {}
  ingress: [{fromEntities: [cluster]}]
`, "CiliumClusterwideNetworkPolicy host spec.nodeSelector: host policy"},
		{"fromRequires", ciliumDocL3, spec("req", "  ingress: [{fromEndpoints: [{}], fromRequires: [{matchLabels: {env: prod}}]}]\n"), "spec.ingress[0].fromRequires"},
		{"toServices", ciliumDocL3, spec("svc", "  egress: [{toServices: [{k8sService: {serviceName: db, namespace: shop}}]}]\n"), "spec.egress[0].toServices"},
		{"toGroups", ciliumDocL3, spec("grp", "  egress: [{toGroups: [{aws: {securityGroupsIds: [sg-1]}}]}]\n"), "spec.egress[0].toGroups"},
		{"toNodes", ciliumDocL3, spec("nodes", "  egress: [{toNodes: [{}]}]\n"), "spec.egress[0].toNodes"},
		{"fromNodes", ciliumDocL3, spec("fnodes", "  ingress: [{fromNodes: [{}]}]\n"), "spec.ingress[0].fromNodes"},
		{"mutual authentication", ciliumDocL3, spec("auth", "  ingress: [{fromEndpoints: [{}], authentication: {mode: required}}]\n"), "spec.ingress[0].authentication: authentication mode \"required\""},
		{"two L3 fields in one rule (Cilium rejects it)", ciliumDocL3, spec("combo", "  ingress: [{fromEndpoints: [{}], fromCIDR: [10.0.0.0/8]}]\n"), "spec.ingress[0]: combines fromEndpoints and fromCIDR"},
		{"icmps with toPorts (Cilium rejects it)", ciliumDocL4, spec("icmpports", "  ingress: [{icmps: [{fields: [{type: 8}]}], toPorts: [{ports: [{port: \"80\"}]}]}]\n"), "icmps with toPorts"},
		{"unknown entity", ciliumDocEntities, spec("ent", "  ingress: [{fromEntities: [everything]}]\n"), "spec.ingress[0].fromEntities[0]: entity \"everything\""},
		{"label source other than k8s/any", ciliumDocL3, spec("src", "  ingress: [{fromEndpoints: [{matchLabels: {container:app: x}}]}]\n"), "label source \"container\""},
		{"another cluster", ciliumDocNS, spec("mesh", "  ingress: [{fromEndpoints: [{matchLabels: {io.cilium.k8s.policy.cluster: east}}]}]\n"), "other than the local cluster"},
		{"reserved label mixed with others", ciliumDocEntities, spec("mixed", "  ingress: [{fromEndpoints: [{matchLabels: {reserved:host: \"\", app: x}}]}]\n"), "mixing reserved"},
		{"reserved label as subject", ciliumDocEntities, `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: res}
spec:
  endpointSelector: {matchLabels: {reserved:health: ""}}
  ingress: [{}]
`, "spec.endpointSelector: selects reserved:health"},
		{"unknown field (strict decode)", ciliumDocL3, spec("typo", "  ingres: [{}]\n"), "does not decode"},
		{"port given as a number (the CRD types it string)", ciliumDocL4, spec("intport", "  ingress: [{toPorts: [{ports: [{port: 80}]}]}]\n"), "does not decode"},
		{"apiVersion not served", ciliumDocL3, `
apiVersion: cilium.io/v1
kind: CiliumNetworkPolicy
metadata: {name: old, namespace: shop}
spec: {}
`, "shop/old apiVersion"},
		{"endPort below port", ciliumDocL4, spec("range", "  ingress: [{toPorts: [{ports: [{port: \"90\", endPort: 80}]}]}]\n"), "endPort 80 below port 90"},
		{"port missing", ciliumDocL4, spec("noport", "  ingress: [{toPorts: [{ports: [{protocol: TCP}]}]}]\n"), "port must be specified"},
		{"spec without sections", ciliumDocIntro, spec("nothing", ""), "none of ingress, ingressDeny, egress, egressDeny"},
		{"missing CIDR group", ciliumDocCIDR, spec("nogroup", "  egress: [{toCIDRSet: [{cidrGroupRef: nowhere}]}]\n"), "CiliumCIDRGroup nowhere is not among the objects"},
		{"except with a CIDR group", ciliumDocCIDR, spec("grpexc", "  egress: [{toCIDRSet: [{cidrGroupRef: g, except: [10.0.0.0/8]}]}]\n"), "except with a CIDR group"},
		{"invalid selector", ciliumDocL3, spec("badsel", "  ingress: [{fromEndpoints: [{matchExpressions: [{key: app, operator: In}]}]}]\n"), "invalid label selector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ciliumRun(t, ciliumCase{name: tc.name, doc: tc.doc, objs: []string{tc.obj}, unmodelled: []string{tc.want}, noPolicies: true,
				flows: []ciliumFlow{{src: "shop/web", dst: "ext-203", port: 443, allow: true}, {src: "shop/db", dst: "shop/web", port: 80, allow: true}}})
		})
	}
}

func TestCiliumInert(t *testing.T) {
	for _, tc := range []ciliumCase{{
		name:      "toFQDNs in a generated object: Inert, and the egress section still isolates",
		doc:       ciliumDocDNS,
		generated: true,
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: fqdn, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toFQDNs: [{matchName: api.example.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "ext-203", port: 443, allow: false, by: []string{"shop/fqdn: egress isolated"}},
			{src: "shop/web", dst: "kube-system/dns", port: 53, proto: corev1.ProtocolUDP, allow: true, by: []string{"spec.egress[1].toPorts[0]: Allow (L7-restricted: DNS pattern *)"}},
		},
		inert: []string{"CiliumNetworkPolicy shop/fqdn spec.egress[0].toFQDNs: DNS names resolve at run time"},
	}, {
		name:  "neither spec nor specs",
		doc:   ciliumDocIntro,
		objs:  []string{"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: empty, namespace: shop}\n"},
		inert: []string{"CiliumNetworkPolicy shop/empty: neither spec nor specs"},
	}, {
		name:  "an empty specs list",
		doc:   ciliumDocIntro,
		objs:  []string{"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: empty, namespace: shop}\nspecs: []\n"},
		inert: []string{"CiliumNetworkPolicy shop/empty specs: specs is empty"},
	}} {
		t.Run(tc.name, func(t *testing.T) { ciliumRun(t, tc) })
	}
}

// TestCiliumNotEnforced: on another CNI, Cilium objects decide nothing.
func TestCiliumNotEnforced(t *testing.T) {
	out := Compile(Cluster{CNI: Calico}, nil, ciliumObjects(t, []string{ciliumAllowDB}, false))
	if len(out.Policies) != 0 || len(out.Unmodelled) != 1 || !strings.Contains(out.Unmodelled[0].Why, "does not enforce "+LayerCilium) {
		t.Fatalf("got %+v", out)
	}
}

func FuzzCilium(f *testing.F) {
	for _, s := range []string{ciliumAllowDB, `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: x}
specs:
- endpointSelector: {matchExpressions: [{key: "k8s:io.kubernetes.pod.namespace", operator: NotIn, values: [a]}]}
  ingressDeny: [{fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}], toPorts: [{ports: [{port: "1", endPort: 9}]}]}]
  egress: [{toEntities: [world, host], toPorts: [{ports: [{port: http}], rules: {http: [{}]}}]}]
`, `
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: g}
spec: {externalCIDRs: [1.2.3.4/32]}
`} {
		js, err := yaml.YAMLToJSON([]byte(s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(js, uint8(0))
	}
	kinds := []string{"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "CiliumCIDRGroup"}
	f.Fuzz(func(t *testing.T, js []byte, k uint8) {
		objs := []Object{
			{APIVersion: "cilium.io/v2", Kind: kinds[int(k)%3], Namespace: "shop", Name: "fuzz", JSON: js, Generated: k&4 != 0},
			{APIVersion: "cilium.io/v2", Kind: "CiliumCIDRGroup", Name: "g", JSON: []byte(`{"spec":{"externalCIDRs":["1.2.3.0/24"]}}`)},
		}
		if objs[0].Kind != "CiliumNetworkPolicy" {
			objs[0].Namespace = ""
		}
		out := Compile(Cluster{CNI: Cilium}, nil, objs)
		refs := map[string]bool{objs[0].Ref(): true, objs[1].Ref(): true}
		for _, e := range append(append([]model.Unmodelled{}, out.Unmodelled...), out.Inert...) {
			if !refs[e.Object] || e.Layer != LayerCilium || e.Why == "" {
				t.Fatalf("entry %+v names no object", e)
			}
		}
		for _, p := range out.Policies {
			if !refs[p.Object] {
				t.Fatalf("policy names %q", p.Object)
			}
		}
		nss, eps := ciliumEstate()
		ev := model.New(nss, out.Policies, eps)
		for i := range eps {
			ev.Decide(i, (i+1)%len(eps), 443, corev1.ProtocolTCP)
		}
	})
}

// TestCiliumIdentityLabels: selectors see only identity-relevant labels;
// the default filter keeps app.kubernetes.io and Cilium's own labels and
// drops other kubernetes.io, k8s.io and controller labels
// (https://docs.cilium.io/en/latest/operations/performance/scalability/identity-relevant-labels/).
func TestCiliumIdentityLabels(t *testing.T) {
	for key, want := range map[string]bool{
		"app": true, "app.kubernetes.io/name": true, "io.kubernetes.pod.namespace": true,
		"io.cilium.k8s.namespace.labels.team": true, "io.cilium.k8s.policy.serviceaccount": true,
		"statefulset.kubernetes.io/pod-name": false, "kubernetes.io/os": false, "pod-template-hash": false,
		"controller-revision-hash": false, "node.beta.kubernetes.io/x": false, "k8s.io/x": false,
		"io.kubernetes.container.name": false, "topology.kubernetes.io/zone": false, "team": true,
	} {
		if got := ciliumIdentityLabel(key); got != want {
			t.Errorf("%s: identity-relevant %v, want %v", key, got, want)
		}
	}
	ciliumRun(t, ciliumCase{
		name: "a selector on a label outside the identity matches as on a pod without it",
		objs: []string{`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: sts, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {pod-template-hash: abc}}]
  - fromEndpoints: [{matchExpressions: [{key: kubernetes.io/os, operator: DoesNotExist}], matchLabels: {app: web}}]
`},
		flows: []ciliumFlow{
			{src: "shop/web", dst: "shop/db", port: 5432, allow: true, by: []string{"shop/sts spec.ingress[1]: Allow"}},
			{src: "shop/db", dst: "shop/db", port: 5432, allow: false, by: []string{"ingress isolated"}},
		},
		inert: []string{
			"spec.ingress[0].fromEndpoints[0]: label pod-template-hash is not identity-relevant under Cilium's default label filter: the requirement pod-template-hash=abc holds for no pod",
			"spec.ingress[1].fromEndpoints[0]: label kubernetes.io/os is not identity-relevant under Cilium's default label filter: the requirement !kubernetes.io/os holds for every pod",
		},
	})
}
