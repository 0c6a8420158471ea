package dialect

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// The estate every truth table runs on: shop and dev inject sidecars, amb is
// ambient, plain is outside the mesh.
var istioNamespaces = map[string]map[string]string{
	"shop":         {"istio-injection": "enabled"},
	"dev":          {"istio-injection": "enabled"},
	"amb":          {"istio.io/dataplane-mode": "ambient"},
	"plain":        {},
	"istio-system": {},
}

func istioPod(ns, app string, extra ...string) netpol.Endpoint {
	l := map[string]string{"app": app, model.ServiceAccountLabel: app}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return netpol.Endpoint{Name: ns + "/" + app, Namespace: ns, Labels: l}
}

var istioEndpoints = []netpol.Endpoint{
	istioPod("shop", "web"),
	istioPod("shop", "api"),
	istioPod("shop", "legacy", "sidecar.istio.io/inject", "false"), // opted out: no sidecar
	istioPod("dev", "tool"),
	istioPod("plain", "client"),
	istioPod("amb", "db"),
	{Name: "external", IP: netip.MustParseAddr("203.0.113.7")},
}

func istioIndex(t *testing.T, name string) int {
	t.Helper()
	for i, ep := range istioEndpoints {
		if ep.Name == name {
			return i
		}
	}
	t.Fatalf("no endpoint %s", name)
	return -1
}

func istioObject(kind, ns, name, spec string, meta ...string) Object {
	m := fmt.Sprintf(`"name":%q,"namespace":%q`, name, ns)
	if len(meta) > 0 {
		m += "," + meta[0]
	}
	return Object{APIVersion: "security.istio.io/v1", Kind: kind, Namespace: ns, Name: name,
		JSON: []byte(fmt.Sprintf(`{"apiVersion":"security.istio.io/v1","kind":%q,"metadata":{%s},"spec":%s}`, kind, m, spec))}
}

func istioAP(ns, name, spec string) Object { return istioObject("AuthorizationPolicy", ns, name, spec) }
func istioPA(ns, name, spec string) Object { return istioObject("PeerAuthentication", ns, name, spec) }

// istioFlow is one connection and what the proof must decide: allowed or
// not, and a fragment of the deciding decision's description (the first
// point that denies, or the mesh point when every point allows).
type istioFlow struct {
	src, dst string
	port     int32
	proto    corev1.Protocol
	allowed  bool
	decider  string
}

func istioCheck(t *testing.T, nps []networkingv1.NetworkPolicy, objs []Object, flows []istioFlow) model.Compiled {
	t.Helper()
	c := Compile(Cluster{}, nps, objs)
	ev := model.New(istioNamespaces, c.Policies, istioEndpoints)
	for _, f := range flows {
		v := ev.Decide(istioIndex(t, f.src), istioIndex(t, f.dst), f.port, f.proto)
		d := v.Decisions[len(v.Decisions)-1]
		for _, x := range v.Decisions {
			if x.Action != model.Allow {
				d = x
				break
			}
		}
		desc := ev.Describe(d)
		if v.Allowed != f.allowed || !strings.Contains(desc, f.decider) {
			t.Errorf("%s -> %s:%d/%s: allowed %v by %q, want %v by …%q…", f.src, f.dst, f.port, f.proto, v.Allowed, desc, f.allowed, f.decider)
		}
	}
	return c
}

// TestIstioAuthorizationTruthTable: each case cites the documented
// behaviour it encodes.
func TestIstioAuthorizationTruthTable(t *testing.T) {
	const allowWeb = `{"selector":{"matchLabels":{"app":"api"}},"rules":[{"from":[{"source":{"principals":["cluster.local/ns/shop/sa/web"]}}]}]}`
	cases := []struct {
		name  string
		doc   string
		nps   []networkingv1.NetworkPolicy
		objs  []Object
		flows []istioFlow
		inert []string // Field of each expected Inert entry
	}{{
		name: "allow by principal",
		doc:  "authorization-policy: ALLOW; principals need mTLS, a plaintext caller has no principal; 'if any of the ALLOW policies match, allow; deny'",
		objs: []Object{istioAP("shop", "allow-web", allowWeb)},
		flows: []istioFlow{
			{"shop/web", "shop/api", 8080, "", true, "AuthorizationPolicy shop/allow-web (Istio ALLOW policies) spec.rules[0]: Allow"},
			{"dev/tool", "shop/api", 8080, "", false, "AuthorizationPolicy shop/allow-web (Istio ALLOW policies): ingress isolated"},
			{"shop/legacy", "shop/api", 8080, "", false, "allow-web (Istio ALLOW policies): ingress isolated"},
			{"plain/client", "shop/api", 8080, "", false, "allow-web (Istio ALLOW policies): ingress isolated"},
			{"external", "shop/api", 8080, "", false, "allow-web (Istio ALLOW policies): ingress isolated"},
			// not selected: no ALLOW policy for the workload, allow
			{"plain/client", "shop/web", 8080, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "deny precedes allow",
		doc:  "authorization-policy: 'the CUSTOM action is evaluated first, then the DENY action, and finally the ALLOW action'",
		objs: []Object{
			istioAP("shop", "allow-all", `{"rules":[{}]}`),
			istioAP("shop", "deny-dev", `{"action":"DENY","rules":[{"from":[{"source":{"namespaces":["dev"]}}]}]}`),
		},
		flows: []istioFlow{
			{"dev/tool", "shop/api", 80, "", false, "AuthorizationPolicy shop/deny-dev (Istio DENY policies) spec.rules[0]: Deny"},
			{"shop/web", "shop/api", 80, "", true, "AuthorizationPolicy shop/allow-all (Istio ALLOW policies) spec.rules[0]: Allow"},
			// namespaces need mTLS: a plaintext caller is in no namespace
			{"plain/client", "shop/api", 80, "", true, "allow-all (Istio ALLOW policies) spec.rules[0]: Allow"},
		},
	}, {
		name: "empty spec denies all",
		doc:  "authorization-policy: allow-nothing `spec: {}` 'allows nothing and effectively denies all requests to workloads in namespace foo'",
		objs: []Object{istioAP("shop", "allow-nothing", `{}`)},
		flows: []istioFlow{
			{"shop/web", "shop/api", 80, "", false, "allow-nothing (Istio ALLOW policies): ingress isolated"},
			{"dev/tool", "shop/web", 80, "", false, "allow-nothing (Istio ALLOW policies): ingress isolated"},
			// a workload without a proxy is not enforced upon
			{"shop/web", "shop/legacy", 80, "", true, "mesh ingress: no policy decides"},
			// other namespaces untouched
			{"shop/web", "dev/tool", 80, "", true, "mesh ingress: no policy decides"},
			// the proxy intercepts TCP only
			{"shop/web", "shop/api", 53, corev1.ProtocolUDP, true, "(UDP and SCTP: the proxy intercepts TCP only): Allow"},
		},
	}, {
		name: "rules [{}] allows all",
		doc:  "authorization-policy: allow-all `rules: [{}]` 'allows all requests to workloads in namespace foo'; 'an empty rule is always matched'",
		objs: []Object{istioAP("shop", "allow-all", `{"rules":[{}]}`)},
		flows: []istioFlow{
			{"plain/client", "shop/api", 80, "", true, "allow-all (Istio ALLOW policies) spec.rules[0]: Allow"},
			{"external", "shop/web", 443, "", true, "allow-all (Istio ALLOW policies) spec.rules[0]: Allow"},
		},
	}, {
		name: "selector narrows the namespace",
		doc:  "authorization-policy: 'workload selector can be used to further restrict where a policy applies'",
		objs: []Object{istioAP("shop", "api-nothing", `{"selector":{"matchLabels":{"app":"api"}}}`)},
		flows: []istioFlow{
			{"shop/web", "shop/api", 80, "", false, "api-nothing (Istio ALLOW policies): ingress isolated"},
			{"shop/api", "shop/web", 80, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "root namespace is mesh-wide",
		doc:  "authorization-policy: 'If set to root namespace, the policy applies to all namespaces in a mesh' (root namespace assumed istio-system)",
		objs: []Object{istioAP("istio-system", "deny-dev", `{"action":"DENY","rules":[{"from":[{"source":{"namespaces":["dev"]}}]}]}`)},
		flows: []istioFlow{
			{"dev/tool", "shop/web", 80, "", false, "AuthorizationPolicy istio-system/deny-dev (Istio DENY policies) spec.rules[0]: Deny"},
			{"dev/tool", "amb/db", 5432, "", false, "istio-system/deny-dev (Istio DENY policies) spec.rules[0]: Deny"},
			{"dev/tool", "shop/legacy", 80, "", true, "mesh ingress: no policy decides"},
			{"dev/tool", "plain/client", 80, "", true, "mesh ingress: no policy decides"},
			{"shop/web", "amb/db", 5432, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "deny plaintext by notPrincipals",
		doc:  "authorization-policy: a negative match of peer identities; ISTIO-SECURITY-2021-004: mTLS-only fields are compared to an empty value for plain text, so notPrincipals [\"*\"] matches every plaintext caller",
		objs: []Object{istioAP("shop", "require-mtls", `{"action":"DENY","rules":[{"from":[{"source":{"notPrincipals":["*"]}}]}]}`)},
		flows: []istioFlow{
			{"plain/client", "shop/web", 80, "", false, "shop/require-mtls (Istio DENY policies) spec.rules[0]: Deny"},
			{"external", "shop/web", 80, "", false, "shop/require-mtls (Istio DENY policies) spec.rules[0]: Deny"},
			{"shop/legacy", "shop/web", 80, "", false, "shop/require-mtls (Istio DENY policies) spec.rules[0]: Deny"},
			{"dev/tool", "shop/web", 80, "", true, "mesh ingress: no policy decides"},
			{"amb/db", "shop/web", 80, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "ALLOW notNamespaces admits plaintext",
		doc:  "ISTIO-SECURITY-2021-004: allow-ns-not-foo, 'a plain text request from the namespace foo will actually be allowed'",
		objs: []Object{istioAP("shop", "allow-ns-not-dev", `{"rules":[{"from":[{"source":{"notNamespaces":["dev"]}}]}]}`)},
		flows: []istioFlow{
			{"dev/tool", "shop/web", 80, "", false, "allow-ns-not-dev (Istio ALLOW policies): ingress isolated"},
			{"plain/client", "shop/web", 80, "", true, "allow-ns-not-dev (Istio ALLOW policies) spec.rules[0]: Allow"},
			{"shop/api", "shop/web", 80, "", true, "allow-ns-not-dev (Istio ALLOW policies) spec.rules[0]: Allow"},
		},
	}, {
		name: "principal patterns, serviceAccounts, notNamespaces",
		doc:  "authorization-policy: prefix and suffix matches on principals; serviceAccounts '<namespace>/<serviceaccount>' or the policy's namespace; notNamespaces a negative match",
		objs: []Object{
			istioAP("shop", "allow", `{"selector":{"matchLabels":{"app":"api"}},"rules":[
				{"from":[{"source":{"principals":["cluster.local/ns/dev/sa/*"]}}],"to":[{"operation":{"ports":["8080"]}}]},
				{"from":[{"source":{"principals":["*/sa/db"]}},{"source":{"serviceAccounts":["web"]}}]}]}`),
			istioAP("shop", "deny", `{"action":"DENY","selector":{"matchLabels":{"app":"web"}},"rules":[{"from":[{"source":{"notNamespaces":["shop","amb"]}}]}]}`),
		},
		flows: []istioFlow{
			{"dev/tool", "shop/api", 8080, "", true, "shop/allow (Istio ALLOW policies) spec.rules[0]: Allow"},
			{"dev/tool", "shop/api", 9090, "", false, "shop/allow (Istio ALLOW policies): ingress isolated"},
			{"amb/db", "shop/api", 9090, "", true, "shop/allow (Istio ALLOW policies) spec.rules[1].from[0]: Allow"},
			{"shop/web", "shop/api", 9090, "", true, "shop/allow (Istio ALLOW policies) spec.rules[1].from[1]: Allow"},
			{"dev/tool", "shop/web", 80, "", false, "shop/deny (Istio DENY policies) spec.rules[0]: Deny"},
			{"plain/client", "shop/web", 80, "", false, "shop/deny (Istio DENY policies) spec.rules[0]: Deny"},
			{"amb/db", "shop/web", 80, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "source addresses and layer-4 conditions",
		doc:  "authorization-policy: ipBlocks 'populated from the source address of the IP packet'; conditions source.namespace, destination.port (conditions reference)",
		objs: []Object{istioAP("shop", "allow", `{"selector":{"matchLabels":{"app":"api"}},"rules":[
			{"from":[{"source":{"ipBlocks":["203.0.113.0/24"],"notIpBlocks":["203.0.113.8"]}}]},
			{"when":[{"key":"source.namespace","values":["dev"]},{"key":"destination.port","notValues":["22"]}]}]}`)},
		flows: []istioFlow{
			{"external", "shop/api", 80, "", true, "shop/allow (Istio ALLOW policies) spec.rules[0]: Allow"},
			{"plain/client", "shop/api", 80, "", false, "ingress isolated"},
			{"dev/tool", "shop/api", 80, "", true, "shop/allow (Istio ALLOW policies) spec.rules[1]: Allow"},
			{"dev/tool", "shop/api", 22, "", false, "ingress isolated"},
		},
	}, {
		name: "ALLOW on HTTP attributes",
		doc:  "authorization-policy: methods/paths 'must be used only with HTTP'; ambient l4-policy: ztunnel omits ALLOW rules on HTTP attributes",
		objs: []Object{istioAP("istio-system", "get-only", `{"selector":{"matchLabels":{"app":"api"}},"rules":[{"to":[{"operation":{"methods":["GET"],"paths":["/info*"]}}]}]}`),
			istioAP("amb", "get-only", `{"rules":[{"to":[{"operation":{"methods":["GET"]}}]}]}`),
			istioAP("dev", "jwt", `{"rules":[{"from":[{"source":{"principals":["cluster.local/ns/shop/sa/web"],"requestPrincipals":["https://idp/*"]}}],
				"when":[{"key":"request.auth.claims[iss]","values":["https://idp"]}]}]}`)},
		flows: []istioFlow{
			{"shop/web", "dev/tool", 80, "", true, "dev/jwt (Istio ALLOW policies) spec.rules[0]: Allow (L7-restricted: requestPrincipals [https://idp/*]; when request.auth.claims[iss] in [https://idp])"},
			{"shop/api", "dev/tool", 80, "", false, "dev/jwt (Istio ALLOW policies): ingress isolated"},
			{"shop/web", "shop/api", 80, "", true, "istio-system/get-only (Istio ALLOW policies) spec.rules[0]: Allow (L7-restricted: methods [GET]; paths [/info*])"},
			{"shop/web", "amb/db", 80, "", false, "amb/get-only (Istio ALLOW policies): ingress isolated"},
		},
		inert: []string{"spec.rules[0]", "spec.rules[0]", "spec.rules[0]"},
	}, {
		name: "DENY on HTTP attributes",
		doc:  "authorization-policy: a DENY rule on HTTP attributes denies the matching requests (the connection is kept); at ztunnel the DENY 'is enforced without the HTTP rules'",
		objs: []Object{istioAP("istio-system", "no-post", `{"action":"DENY","rules":[{"to":[{"operation":{"methods":["POST"],"ports":["8080"]}}]}]}`)},
		flows: []istioFlow{
			{"shop/web", "shop/api", 8080, "", true, "mesh ingress: no policy decides"},
			{"shop/web", "amb/db", 8080, "", false, "istio-system/no-post (Istio DENY policies) spec.rules[0]: Deny"},
			{"shop/web", "amb/db", 9090, "", true, "mesh ingress: no policy decides"},
		},
		inert: []string{"spec.rules[0]"},
	}, {
		name: "NetworkPolicy closes what the mesh allows",
		doc:  "model: a connection is open only if every point lets it through (network layer AND mesh)",
		nps: []networkingv1.NetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Name: "deny-api", Namespace: "shop"},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}}}}},
		objs: []Object{istioAP("shop", "allow-web", allowWeb)},
		flows: []istioFlow{
			{"shop/web", "shop/api", 8080, "", false, "NetworkPolicy shop/deny-api: ingress isolated"},
		},
	}, {
		name: "the mesh closes what NetworkPolicy allows",
		doc:  "model: a connection is open only if every point lets it through; authorization-policy: allow-nothing",
		nps: []networkingv1.NetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Name: "allow-all", Namespace: "shop"},
			Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}}},
		objs: []Object{istioAP("shop", "allow-nothing", `{}`)},
		flows: []istioFlow{
			{"shop/web", "shop/api", 8080, "", false, "shop/allow-nothing (Istio ALLOW policies): ingress isolated"},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Log(tc.doc)
			c := istioCheck(t, tc.nps, tc.objs, tc.flows)
			if len(c.Unmodelled) > 0 {
				t.Errorf("unexpected Unmodelled: %v", c.Unmodelled)
			}
			var got []string
			for _, in := range c.Inert {
				got = append(got, in.Field)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.inert) {
				t.Errorf("Inert fields %v, want %v (%v)", got, tc.inert, c.Inert)
			}
		})
	}
}

// TestIstioPeerAuthenticationTruthTable: STRICT refuses plaintext, the most
// specific policy wins, a port-level mode wins over the workload's.
func TestIstioPeerAuthenticationTruthTable(t *testing.T) {
	cases := []struct {
		name  string
		doc   string
		objs  []Object
		flows []istioFlow
	}{{
		name: "namespace STRICT",
		doc:  "peer_authentication: 'Policy to require mTLS traffic for all workloads under namespace foo'; STRICT: 'Connection is an mTLS tunnel'",
		objs: []Object{istioPA("shop", "default", `{"mtls":{"mode":"STRICT"}}`)},
		flows: []istioFlow{
			{"plain/client", "shop/web", 80, "", false, "PeerAuthentication shop/default (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"external", "shop/web", 80, "", false, "PeerAuthentication shop/default (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"shop/legacy", "shop/api", 80, "", false, "shop/default (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"dev/tool", "shop/web", 80, "", true, "mesh ingress: no policy decides"},
			{"amb/db", "shop/web", 80, "", true, "mesh ingress: no policy decides"},
			// a destination without a proxy accepts plaintext
			{"plain/client", "shop/legacy", 80, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "workload port-level over workload over namespace over mesh",
		doc:  "peer_authentication: 'require mTLS for workload finance' over a PERMISSIVE namespace; portLevelMtls 8080 DISABLE 'leaves the port 8080 to plaintext'; UNSET 'inherits'; mesh level in the root namespace",
		objs: []Object{
			istioPA("istio-system", "mesh", `{"mtls":{"mode":"STRICT"}}`),
			istioPA("dev", "default", `{"mtls":{"mode":"PERMISSIVE"}}`),
			istioPA("dev", "tool", `{"selector":{"matchLabels":{"app":"tool"}},"mtls":{"mode":"UNSET"},"portLevelMtls":{"9000":{"mode":"STRICT"}}}`),
			istioPA("shop", "web", `{"selector":{"matchLabels":{"app":"web"}},"mtls":{"mode":"STRICT"},"portLevelMtls":{"8080":{"mode":"DISABLE"},"8081":{"mode":"UNSET"}}}`),
		},
		flows: []istioFlow{
			{"plain/client", "shop/web", 8080, "", true, "mesh ingress: no policy decides"},
			{"plain/client", "shop/web", 8081, "", false, "PeerAuthentication shop/web (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"plain/client", "shop/web", 80, "", false, "PeerAuthentication shop/web (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"plain/client", "shop/api", 80, "", false, "PeerAuthentication istio-system/mesh (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"plain/client", "amb/db", 80, "", false, "PeerAuthentication istio-system/mesh (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"plain/client", "dev/tool", 80, "", true, "mesh ingress: no policy decides"},
			{"plain/client", "dev/tool", 9000, "", false, "PeerAuthentication dev/tool (Istio PeerAuthentication (mTLS)) spec.portLevelMtls[9000]: Deny"},
			{"shop/web", "dev/tool", 9000, "", true, "mesh ingress: no policy decides"},
		},
	}, {
		name: "STRICT is read before ALLOW",
		doc:  "concepts/security: peer authentication before authorization; authorization-policy rules [{}] would allow the caller",
		objs: []Object{istioPA("shop", "default", `{"mtls":{"mode":"STRICT"}}`), istioAP("shop", "allow-all", `{"rules":[{}]}`)},
		flows: []istioFlow{
			{"plain/client", "shop/web", 80, "", false, "PeerAuthentication shop/default (Istio PeerAuthentication (mTLS)) spec.mtls: Deny"},
			{"dev/tool", "shop/web", 80, "", true, "AuthorizationPolicy shop/allow-all (Istio ALLOW policies) spec.rules[0]: Allow"},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Log(tc.doc)
			c := istioCheck(t, nil, tc.objs, tc.flows)
			if len(c.Unmodelled)+len(c.Inert) > 0 {
				t.Errorf("unexpected entries: %v %v", c.Unmodelled, c.Inert)
			}
		})
	}
}

// TestIstioNotModelled: every construct the model cannot express is named
// (object, field) and the object contributes no policy; the objects that
// decide nothing are Inert.
func TestIstioNotModelled(t *testing.T) {
	src := func(s string) string { return `{"rules":[{"from":[{"source":` + s + `}]}]}` }
	cases := []struct {
		obj        Object
		unmodelled string // Field of the first Unmodelled entry ("-" none)
		inert      string // Field of the first Inert entry ("-" none)
		why        string
	}{
		{istioAP("shop", "custom", `{"action":"CUSTOM","provider":{"name":"ext"},"rules":[{}]}`), "spec.action", "-", "external authorizer"},
		{istioAP("shop", "audit", `{"action":"AUDIT","rules":[{}]}`), "-", "spec.action", "AUDIT"},
		{istioObject("AuthorizationPolicy", "shop", "dry", `{}`, `"annotations":{"istio.io/dry-run":"true"}`), "-", "metadata.annotations[istio.io/dry-run]", "dry-run"},
		{istioAP("shop", "waypoint", `{"targetRefs":[{"kind":"Service","group":"","name":"api"}]}`), "spec.targetRefs", "-", "waypoint"},
		{istioAP("shop", "gw", `{"targetRef":{"kind":"Gateway","group":"gateway.networking.k8s.io","name":"gw"}}`), "spec.targetRef", "-", "gateway"},
		{istioAP("shop", "provider", `{"action":"DENY","provider":{"name":"ext"}}`), "spec.provider", "-", "only with action CUSTOM"},
		{istioAP("shop", "td", src(`{"principals":["example.org/ns/shop/sa/web"]}`)), "spec.rules[0].from[0].source.principals[0]", "-", "trust domain"},
		{istioAP("shop", "wild", src(`{"notPrincipals":["cluster.local/ns/sh*"]}`)), "spec.rules[0].from[0].source.notPrincipals[0]", "-", "exactly"},
		{istioAP("shop", "nswild", src(`{"namespaces":["prod-*"]}`)), "spec.rules[0].from[0].source.namespaces[0]", "-", "exactly"},
		{istioAP("shop", "sawild", src(`{"serviceAccounts":["shop/*"]}`)), "spec.rules[0].from[0].source.serviceAccounts[0]", "-", "exactly"},
		{istioAP("shop", "samix", src(`{"serviceAccounts":["web"],"namespaces":["shop"]}`)), "spec.rules[0].from[0].source", "-", "Istio rejects"},
		{istioAP("shop", "remote", src(`{"remoteIpBlocks":["1.2.3.4"]}`)), "spec.rules[0].from[0].source.remoteIpBlocks", "-", "X-Forwarded-For"},
		{istioAP("shop", "notremote", src(`{"notRemoteIpBlocks":["1.2.3.4"]}`)), "spec.rules[0].from[0].source.notRemoteIpBlocks", "-", "X-Forwarded-For"},
		{istioAP("shop", "trust", src(`{"trustDomains":["cluster.local"]}`)), "spec.rules[0].from[0].source.trustDomains", "-", "trust domains"},
		{istioAP("shop", "badip", src(`{"ipBlocks":["10.0.0.300"]}`)), "spec.rules[0].from[0].source.ipBlocks[0]", "-", "not an address"},
		{istioAP("shop", "mix", src(`{"principals":["*"],"ipBlocks":["10.0.0.0/8"]}`)), "spec.rules[0].from[0]", "-", "cannot AND"},
		{istioAP("shop", "port", `{"rules":[{"to":[{"operation":{"ports":["http"]}}]}]}`), "spec.rules[0].to[0].operation.ports[0]", "-", "not a port number"},
		{istioAP("shop", "dstip", `{"rules":[{"when":[{"key":"destination.ip","values":["10.0.0.1"]}]}]}`), "spec.rules[0].when[0]", "-", "pods' addresses"},
		{istioAP("shop", "remoteip", `{"rules":[{"when":[{"key":"remote.ip","values":["10.0.0.1"]}]}]}`), "spec.rules[0].when[0]", "-", "X-Forwarded-For"},
		{istioAP("shop", "novalues", `{"rules":[{"when":[{"key":"request.headers[x]"}]}]}`), "spec.rules[0].when[0]", "-", "Istio rejects"},
		{istioAP("shop", "unknown", `{"rules":[{"form":[]}]}`), "", "-", "cannot decode"},
		{istioAP("shop", "badaction", `{"action":"LOG"}`), "", "-", "cannot decode"},
		{Object{APIVersion: "security.istio.io/v1", Kind: "AuthorizationPolicy", Namespace: "shop", Name: "kind",
			JSON: []byte(`{"apiVersion":"security.istio.io/v1","kind":"PeerAuthentication","metadata":{"name":"kind"},"spec":{}}`)}, "", "-", "kind"},
		{istioAP("shop", "badsel", `{"selector":{"matchLabels":{"a b":"c"}}}`), "spec.selector.matchLabels", "-", "invalid selector"},
		{Object{APIVersion: "security.istio.io/v2", Kind: "AuthorizationPolicy", Namespace: "shop", Name: "v2",
			JSON: []byte(`{"apiVersion":"security.istio.io/v2","kind":"AuthorizationPolicy","metadata":{"name":"v2"},"spec":{}}`)}, "", "-", "apiVersion"},
		{istioPA("shop", "noselector", `{"mtls":{"mode":"STRICT"},"portLevelMtls":{"80":{"mode":"DISABLE"}}}`), "spec.portLevelMtls", "-", "requires a workload selector"},
		{istioPA("shop", "port0", `{"selector":{"matchLabels":{"app":"web"}},"portLevelMtls":{"0":{"mode":"DISABLE"}}}`), "spec.portLevelMtls[0]", "-", "1-65535"},
		{istioPA("shop", "badmode", `{"mtls":{"mode":"OPTIONAL"}}`), "", "-", "cannot decode"},
		{istioPA("istio-system", "rootsel", `{"selector":{"matchLabels":{"app":"web"}},"mtls":{"mode":"STRICT"}}`), "-", "spec.selector", "ignored"},
	}
	for _, tc := range cases {
		t.Run(tc.obj.Name, func(t *testing.T) {
			c := Compile(Cluster{}, nil, []Object{tc.obj})
			if len(c.Policies) > 0 {
				t.Errorf("policies compiled: %d", len(c.Policies))
			}
			check := func(kind string, es []model.Unmodelled, want string) {
				if want == "-" {
					if len(es) > 0 {
						t.Errorf("%s: %v, want none", kind, es)
					}
					return
				}
				if len(es) == 0 {
					t.Fatalf("%s: none, want %q", kind, want)
				}
				e := es[0]
				if e.Field != want || e.Object != tc.obj.Ref() || e.Layer != LayerIstio || !strings.Contains(e.Why, tc.why) {
					t.Errorf("%s: %+v, want field %q object %q why …%q…", kind, e, want, tc.obj.Ref(), tc.why)
				}
			}
			check("Unmodelled", c.Unmodelled, tc.unmodelled)
			check("Inert", c.Inert, tc.inert)
		})
	}
}

// TestIstioPeerAuthenticationClash: two policies of one level that may
// select the same workload are decided by creation time, unknown offline.
func TestIstioPeerAuthenticationClash(t *testing.T) {
	c := Compile(Cluster{}, nil, []Object{
		istioPA("shop", "a", `{"mtls":{"mode":"STRICT"}}`),
		istioPA("shop", "b", `{"mtls":{"mode":"PERMISSIVE"}}`),
		istioPA("shop", "web", `{"selector":{"matchLabels":{"app":"web"}},"mtls":{"mode":"STRICT"}}`),
		istioPA("shop", "api", `{"selector":{"matchLabels":{"app":"api"}},"mtls":{"mode":"STRICT"}}`),
		istioPA("dev", "a", `{"mtls":{"mode":"STRICT"}}`),
	})
	var got []string
	for _, u := range c.Unmodelled {
		got = append(got, u.Object)
	}
	if fmt.Sprint(got) != "[PeerAuthentication shop/a PeerAuthentication shop/b]" {
		t.Errorf("Unmodelled %v", got)
	}
	var objs []string
	for _, p := range c.Policies {
		objs = append(objs, p.Object)
	}
	if fmt.Sprint(objs) != "[PeerAuthentication shop/web PeerAuthentication shop/api PeerAuthentication dev/a ztunnel (Istio ambient)]" {
		t.Errorf("policies %v, want shop/web, shop/api, dev/a and ztunnel's own", objs)
	}
}

// TestIstioMeshed: the injection table (sidecar-injection, "controlling the
// injection policy": a disabled label wins, then an enabled one) and
// ambient enrolment; IstioMeshed and its complement istioOutside split
// every endpoint.
func TestIstioMeshed(t *testing.T) {
	cases := []struct {
		ns     map[string]string
		nsName string
		pod    map[string]string
		meshed bool
	}{
		{map[string]string{"istio-injection": "enabled"}, "a", nil, true},
		{map[string]string{"istio-injection": "enabled"}, "a", map[string]string{"sidecar.istio.io/inject": "false"}, false},
		{map[string]string{"istio-injection": "enabled"}, "a", map[string]string{"sidecar.istio.io/inject": "true"}, true},
		{map[string]string{"istio-injection": "disabled"}, "a", map[string]string{"sidecar.istio.io/inject": "true"}, false},
		{map[string]string{"istio-injection": "disabled", "istio.io/rev": "canary"}, "a", nil, false},
		{map[string]string{"istio.io/rev": "canary"}, "a", nil, true},
		{map[string]string{"istio.io/rev": "canary"}, "a", map[string]string{"sidecar.istio.io/inject": "false"}, false},
		{map[string]string{"istio-injection": "enabled", "istio.io/rev": "canary"}, "a", nil, true},
		{nil, "a", nil, false},
		{nil, "a", map[string]string{"sidecar.istio.io/inject": "true"}, true},
		{nil, "a", map[string]string{"istio.io/rev": "canary"}, true},
		{nil, "a", map[string]string{"istio.io/rev": "canary", "sidecar.istio.io/inject": "false"}, false},
		{map[string]string{"istio-injection": "enabled"}, "kube-system", nil, false},
		{map[string]string{"istio-injection": "enabled"}, "kube-public", nil, false},
		{map[string]string{"istio.io/dataplane-mode": "ambient"}, "a", nil, true},
		{map[string]string{"istio.io/dataplane-mode": "ambient"}, "a", map[string]string{"istio.io/dataplane-mode": "none"}, false},
		{nil, "a", map[string]string{"istio.io/dataplane-mode": "ambient"}, true},
		{map[string]string{"istio.io/dataplane-mode": "ambient"}, "kube-system", nil, false},
		// a sidecar pod in an ambient namespace stays in the mesh
		{map[string]string{"istio.io/dataplane-mode": "ambient", "istio-injection": "enabled"}, "a", nil, true},
		{map[string]string{"istio.io/dataplane-mode": "ambient", "istio-injection": "enabled"}, "a", map[string]string{"istio.io/dataplane-mode": "none"}, true},
		{map[string]string{"istio.io/dataplane-mode": "ambient", "istio-injection": "enabled"}, "a", map[string]string{"sidecar.istio.io/inject": "false"}, true},
	}
	for i, tc := range cases {
		nss := map[string]map[string]string{tc.nsName: tc.ns}
		eps := []netpol.Endpoint{{Name: "p", Namespace: tc.nsName, Labels: tc.pod}, {Name: "x", IP: netip.MustParseAddr("192.0.2.1")}}
		meshed := istioHolds(nss, eps, IstioMeshed())
		outside := istioHolds(nss, eps, istioOutside())
		if meshed[0] != tc.meshed || outside[0] == meshed[0] {
			t.Errorf("case %d (ns %s %v, pod %v): meshed %v outside %v, want meshed %v", i, tc.nsName, tc.ns, tc.pod, meshed[0], outside[0], tc.meshed)
		}
		if meshed[1] || !outside[1] {
			t.Errorf("case %d: an external address is meshed %v, outside %v", i, meshed[1], outside[1])
		}
	}
}

// istioHolds reports, per endpoint, whether some peer of ps holds it (read
// through the evaluator: a Deny rule on ps).
func istioHolds(nss map[string]map[string]string, eps []netpol.Endpoint, ps []model.Peer) []bool {
	dst := append(append([]netpol.Endpoint(nil), eps...), netpol.Endpoint{Name: "dst", Namespace: "dst"})
	ev := model.New(nss, []model.Policy{{Object: "t", Point: model.Mesh, Subject: []model.Peer{model.AllPods()},
		Ingress: []model.Rule{{Action: model.Deny, Peers: ps}}}}, dst)
	out := make([]bool, len(eps))
	for i := range eps {
		out[i] = !ev.Allowed(i, len(eps), 80, "")
	}
	return out
}

// TestIstioMeshedComplement: over every combination of the labels that
// matter, IstioMeshed and istioOutside split the pods.
func TestIstioMeshedComplement(t *testing.T) {
	nsVals := []map[string]string{}
	podVals := []map[string]string{}
	for _, inj := range []string{"", "enabled", "disabled"} {
		for _, rev := range []string{"", "canary"} {
			for _, dm := range []string{"", "ambient", "none"} {
				for _, inject := range []string{"", "true", "false"} {
					ns, pod := map[string]string{}, map[string]string{}
					if inj != "" {
						ns["istio-injection"] = inj
					}
					if rev != "" {
						ns["istio.io/rev"] = rev
						pod["istio.io/rev"] = rev
					}
					if dm != "" {
						ns["istio.io/dataplane-mode"] = dm
						pod["istio.io/dataplane-mode"] = dm
					}
					if inject != "" {
						pod["sidecar.istio.io/inject"] = inject
					}
					nsVals = append(nsVals, ns)
					podVals = append(podVals, pod)
				}
			}
		}
	}
	for _, name := range []string{"a", "kube-system"} {
		for i, ns := range nsVals {
			var eps []netpol.Endpoint
			for _, pod := range podVals {
				eps = append(eps, netpol.Endpoint{Name: "p", Namespace: name, Labels: pod})
			}
			nss := map[string]map[string]string{name: ns}
			meshed, outside := istioHolds(nss, eps, IstioMeshed()), istioHolds(nss, eps, istioOutside())
			for j := range eps {
				if meshed[j] == outside[j] {
					t.Errorf("ns %s %v (%d), pod %v: meshed %v, outside %v", name, ns, i, podVals[j], meshed[j], outside[j])
				}
			}
		}
	}
}

// FuzzIstio: arbitrary bytes as an object never panic, and every entry
// names the object.
func FuzzIstio(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"security.istio.io/v1","kind":"AuthorizationPolicy","metadata":{"name":"x"},"spec":{"rules":[{"from":[{"source":{"principals":["cluster.local/ns/a/sa/b"],"notNamespaces":["c"]}}],"to":[{"operation":{"ports":["80"],"methods":["GET"]}}],"when":[{"key":"destination.port","notValues":["22"]}]}]}}`), false)
	f.Add([]byte(`{"apiVersion":"security.istio.io/v1","kind":"AuthorizationPolicy","metadata":{"name":"x"},"spec":{"action":"DENY","rules":[{"from":[{"source":{"ipBlocks":["10.0.0.0/8"]}}]}]}}`), false)
	f.Add([]byte(`{"apiVersion":"security.istio.io/v1","kind":"PeerAuthentication","metadata":{"name":"x"},"spec":{"selector":{"matchLabels":{"app":"web"}},"mtls":{"mode":"STRICT"},"portLevelMtls":{"80":{"mode":"DISABLE"}}}}`), true)
	f.Fuzz(func(t *testing.T, data []byte, pa bool) {
		kind := "AuthorizationPolicy"
		if pa {
			kind = "PeerAuthentication"
		}
		o := Object{APIVersion: "security.istio.io/v1", Kind: kind, Namespace: "shop", Name: "x", JSON: data}
		c := Compile(Cluster{}, nil, []Object{o, istioPA("shop", "default", `{"mtls":{"mode":"STRICT"}}`)})
		for _, e := range append(c.Unmodelled, c.Inert...) {
			if e.Layer != LayerIstio || (e.Object != o.Ref() && e.Object != "PeerAuthentication shop/default") {
				t.Fatalf("entry %+v does not name the object", e)
			}
		}
		if len(c.Unmodelled) > 0 {
			for _, p := range c.Policies {
				if p.Object == o.Ref() {
					t.Fatalf("an Unmodelled object compiled a policy: %+v", c.Unmodelled)
				}
			}
		}
		ev := model.New(istioNamespaces, c.Policies, istioEndpoints)
		for s := range istioEndpoints {
			for d := range istioEndpoints {
				ev.Decide(s, d, 80, "")
			}
		}
	})
}

// TestIstioDifferential: on an estate where every namespace but one injects
// sidecars, an ALLOW AuthorizationPolicy over namespaces, principals and
// ports admits, on TCP, exactly the connections the NetworkPolicy of the
// same shape (namespaceSelector for a namespace, namespaceSelector and the
// ServiceAccount label for a principal, TCP ports) admits in the plain
// NetworkPolicy engine: a caller outside the mesh has no identity there and
// is in none of the meshed namespaces here.
func TestIstioDifferential(t *testing.T) {
	meshedNS := []string{"n1", "n2", "n3"}
	nss := map[string]map[string]string{"out": {}}
	for _, n := range meshedNS {
		nss[n] = map[string]string{"istio-injection": "enabled"}
	}
	apps, sas, ports := []string{"a", "b", "c"}, []string{"s1", "s2"}, []int32{80, 443, 8080}
	for seed := int64(0); seed < 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		pick := func(xs []string) string { return xs[r.Intn(len(xs))] }
		var eps []netpol.Endpoint
		for i := 0; i < 8; i++ {
			ns := pick(append([]string{"out"}, meshedNS...))
			eps = append(eps, netpol.Endpoint{Name: fmt.Sprintf("%s/p%d", ns, i), Namespace: ns,
				Labels: map[string]string{"app": pick(apps), model.ServiceAccountLabel: pick(sas)}})
		}
		eps = append(eps, netpol.Endpoint{Name: "external", IP: netip.MustParseAddr("198.51.100.1")})
		var objs []Object
		var nps []networkingv1.NetworkPolicy
		for k := 0; k < 1+r.Intn(3); k++ {
			ns, name := pick(meshedNS), fmt.Sprintf("p%d", k)
			np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
				Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}}
			spec := map[string]any{}
			if r.Intn(2) == 0 {
				app := pick(apps)
				spec["selector"] = map[string]any{"matchLabels": map[string]string{"app": app}}
				np.Spec.PodSelector.MatchLabels = map[string]string{"app": app}
			}
			var rules []any
			for ri := 0; ri < r.Intn(3); ri++ {
				rule := map[string]any{}
				var npr networkingv1.NetworkPolicyIngressRule
				var froms []any
				for fi := 0; fi < r.Intn(3); fi++ {
					n := pick(meshedNS)
					nsSel := &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: n}}
					if r.Intn(2) == 0 {
						froms = append(froms, map[string]any{"source": map[string]any{"namespaces": []string{n}}})
						npr.From = append(npr.From, networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSel})
					} else {
						sa := pick(sas)
						froms = append(froms, map[string]any{"source": map[string]any{"principals": []string{"cluster.local/ns/" + n + "/sa/" + sa}}})
						npr.From = append(npr.From, networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSel,
							PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{model.ServiceAccountLabel: sa}}})
					}
				}
				if froms != nil {
					rule["from"] = froms
				}
				if r.Intn(2) == 0 {
					p := ports[r.Intn(len(ports))]
					rule["to"] = []any{map[string]any{"operation": map[string]any{"ports": []string{fmt.Sprint(p)}}}}
					tcp := corev1.ProtocolTCP
					port := intstr.FromInt32(p)
					npr.Ports = []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port}}
				}
				rules = append(rules, rule)
				np.Spec.Ingress = append(np.Spec.Ingress, npr)
			}
			if rules != nil {
				spec["rules"] = rules
			}
			js, _ := json.Marshal(spec)
			objs = append(objs, istioAP(ns, name, string(js)))
			nps = append(nps, np)
		}
		c := Compile(Cluster{}, nil, objs)
		if len(c.Unmodelled) > 0 {
			t.Fatalf("seed %d: %v", seed, c.Unmodelled)
		}
		mesh := model.New(nss, c.Policies, eps)
		plain := netpol.New(nss, nps, eps)
		for s := range eps {
			for d := range eps {
				if eps[d].Namespace == "" {
					continue
				}
				for _, p := range append(ports, 22) {
					got, want := mesh.Allowed(s, d, p, corev1.ProtocolTCP), plain.Allowed(s, d, p, corev1.ProtocolTCP)
					if got != want {
						t.Fatalf("seed %d: %s -> %s:%d: Istio %v, NetworkPolicy %v\n%s", seed, eps[s].Name, eps[d].Name, p, got, want, istioJSONs(objs))
					}
				}
			}
		}
	}
}

func istioJSONs(objs []Object) string {
	var b strings.Builder
	for _, o := range objs {
		b.Write(o.JSON)
		b.WriteByte('\n')
	}
	return b.String()
}
