package dialect

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// linkerdObjects reads a YAML stream of objects ("---" separated).
func linkerdObjects(t testing.TB, docs string) []Object {
	t.Helper()
	var out []Object
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("yaml: %v\n%s", err, doc)
		}
		out = append(out, linkerdObject(t, js))
	}
	return out
}

func linkerdObject(t testing.TB, js []byte) Object {
	t.Helper()
	var m struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name, Namespace string
		} `json:"metadata"`
	}
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatalf("object: %v", err)
	}
	return Object{APIVersion: m.APIVersion, Kind: m.Kind, Namespace: m.Metadata.Namespace, Name: m.Metadata.Name, JSON: js}
}

// linkerdNamespaces: shop and other are annotated linkerd.io/inject:
// enabled (the stand-in label); plain is not meshed.
var linkerdNamespaces = map[string]map[string]string{
	"shop":  {LinkerdInjectLabel: "enabled"},
	"other": {LinkerdInjectLabel: "enabled"},
	"plain": {},
}

// linkerdEstate: cart serves grpc 7070, http 8080 and metrics 9090.
var linkerdEstate = []netpol.Endpoint{
	{Name: "shop/cart", Namespace: "shop", Labels: map[string]string{"app": "cart", model.ServiceAccountLabel: "cart"},
		Ports: []corev1.ContainerPort{{Name: "grpc", ContainerPort: 7070}, {Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}}},
	{Name: "shop/web", Namespace: "shop", Labels: map[string]string{"app": "web", model.ServiceAccountLabel: "web"}},
	{Name: "shop/admin", Namespace: "shop", Labels: map[string]string{"app": "admin", model.ServiceAccountLabel: "admin"}},
	// runs as web but its pod opts out of injection: no identity
	{Name: "shop/optout", Namespace: "shop", Labels: map[string]string{"app": "optout", model.ServiceAccountLabel: "web", LinkerdInjectLabel: "disabled"}},
	{Name: "other/client", Namespace: "other", Labels: map[string]string{"app": "client", model.ServiceAccountLabel: "client"}},
	{Name: "plain/legacy", Namespace: "plain", Labels: map[string]string{"app": "legacy", model.ServiceAccountLabel: "legacy"}},
	// injected by its own pod annotation in an unmeshed namespace
	{Name: "plain/podmeshed", Namespace: "plain", Labels: map[string]string{"app": "pm", model.ServiceAccountLabel: "pm", LinkerdInjectLabel: "enabled"}},
	{Name: "10.1.2.3", IP: netip.MustParseAddr("10.1.2.3")},
	{Name: "10.9.9.9", IP: netip.MustParseAddr("10.9.9.9")},
}

func linkerdIndex(t testing.TB, eps []netpol.Endpoint, name string) int {
	t.Helper()
	for i, ep := range eps {
		if ep.Name == name {
			return i
		}
	}
	t.Fatalf("no endpoint %s", name)
	return -1
}

const linkerdServerGRPC = `
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: cart-grpc, namespace: shop}
spec: {podSelector: {matchLabels: {app: cart}}, port: grpc, proxyProtocol: gRPC}
`

const linkerdWebAuthn = `
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: web, namespace: shop}
spec:
  identityRefs: [{kind: ServiceAccount, name: web}]
`

const linkerdWebPolicy = `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web-grpc, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-grpc}
  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}]
`

// linkerdAuthzDoc is an AuthorizationPolicy on cart-grpc requiring the
// authentication kind/name.
func linkerdAuthzDoc(name, kind, authn string) string {
	return `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ` + name + `, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-grpc}
  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: ` + kind + `, name: ` + authn + `}]
`
}

func linkerdMeshTLSDoc(name, spec string) string {
	return `
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: ` + name + `, namespace: shop}
spec: ` + spec + `
`
}

func linkerdNetworkDoc(name, spec string) string {
	return `
apiVersion: policy.linkerd.io/v1alpha1
kind: NetworkAuthentication
metadata: {name: ` + name + `, namespace: shop}
spec: ` + spec + `
`
}

func linkerdJoin(docs ...string) string { return strings.Join(docs, "\n---\n") }

// linkerdFlow is one connection and what the proof must say of it.
type linkerdFlow struct {
	src, dst string
	port     int32
	allowed  bool
	// decided is a substring of the deciding mesh decision's description
	// ("" when no policy decides at the mesh point: allowed by default).
	decided string
	// network, when set, is a substring of the network ingress decision.
	network string
}

func linkerdCheck(t *testing.T, c model.Compiled, eps []netpol.Endpoint, ns map[string]map[string]string, flows []linkerdFlow) {
	t.Helper()
	e := model.New(ns, c.Policies, eps)
	for _, f := range flows {
		v := e.Decide(linkerdIndex(t, eps, f.src), linkerdIndex(t, eps, f.dst), f.port, corev1.ProtocolTCP)
		var mesh, netIn string
		for _, d := range v.Decisions {
			if d.Point == model.Mesh {
				mesh = e.Describe(d)
				if f.decided == "" && d.Policy >= 0 {
					t.Errorf("%s -> %s:%d: decided by %s, want no mesh policy", f.src, f.dst, f.port, mesh)
				}
			}
			if d.Point == model.Network && d.Direction == model.Ingress {
				netIn = e.Describe(d)
			}
		}
		if v.Allowed != f.allowed {
			t.Errorf("%s -> %s:%d: allowed %v, want %v (mesh: %s; network ingress: %s)", f.src, f.dst, f.port, v.Allowed, f.allowed, mesh, netIn)
		}
		if f.decided != "" && !strings.Contains(mesh, f.decided) {
			t.Errorf("%s -> %s:%d: mesh decision %q, want it to name %q", f.src, f.dst, f.port, mesh, f.decided)
		}
		if f.network != "" && !strings.Contains(netIn, f.network) {
			t.Errorf("%s -> %s:%d: network ingress decision %q, want it to name %q", f.src, f.dst, f.port, netIn, f.network)
		}
	}
}

const linkerdDenyRule = "spec.port (no authorization admits the client): Deny"

// TestLinkerdTruthTable: each case cites the documented behaviour it holds
// the adapter to.
func TestLinkerdTruthTable(t *testing.T) {
	cases := []struct {
		name string
		// doc is the documented behaviour.
		doc   string
		objs  string
		nps   []networkingv1.NetworkPolicy
		flows []linkerdFlow
	}{{
		name: "server without authorization denies its port",
		doc:  "authorization-policy#server: when a Server resource is present, all traffic to the port on its pods will be denied unless explicitly authorized",
		objs: linkerdServerGRPC,
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, decided: "Server shop/cart-grpc " + linkerdDenyRule},
			{src: "10.1.2.3", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "another port of the pod is not governed",
		doc:  "authorization-policy#server: a Server selects a single port; features/server-policy: other ports follow the default policy (all-unauthenticated assumed)",
		objs: linkerdServerGRPC,
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 8080, allowed: true},
			{src: "plain/legacy", dst: "shop/cart", port: 9090, allowed: true},
		},
	}, {
		name: "numeric port",
		doc:  "authorization-policy#server: port is a port name or number",
		objs: strings.Replace(linkerdServerGRPC, "port: grpc", "port: 7070", 1),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
			{src: "shop/web", dst: "shop/cart", port: 7071, allowed: true},
		},
	}, {
		name: "MeshTLS identityRef admits that ServiceAccount only",
		doc:  "authorization-policy#meshtlsauthentication: clients must be in the mesh and have one of the identities; identityRefs to ServiceAccounts",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, linkerdWebPolicy),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "AuthorizationPolicy shop/web-grpc spec.requiredAuthenticationRefs: Allow"},
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
			// a caller that is not meshed has no identity
			{src: "shop/optout", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
			{src: "10.1.2.3", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "MeshTLS exact identity string",
		doc:  "authorization-policy#meshtlsauthentication example: identities books.booksapp.serviceaccount.identity.linkerd.cluster.local",
		objs: linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identities: [web.shop.serviceaccount.identity.linkerd.cluster.local]}`), linkerdWebPolicy),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "web-grpc"},
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "identity * admits every meshed client, not an unmeshed one",
		doc:  "authorization-policy#meshtlsauthentication: an identity string of * indicates that all meshed clients are authorized",
		objs: linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identities: ["*"]}`), linkerdWebPolicy),
		flows: []linkerdFlow{
			{src: "other/client", dst: "shop/cart", port: 7070, allowed: true, decided: "web-grpc"},
			{src: "plain/podmeshed", dst: "shop/cart", port: 7070, allowed: true, decided: "web-grpc"},
			{src: "plain/legacy", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
			{src: "shop/optout", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
			{src: "10.1.2.3", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "identity *.<ns> admits the namespace's ServiceAccounts",
		doc:  "authorization-policy#meshtlsauthentication: the * prefix can be used to match all identities in a domain",
		objs: linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identities: ["*.other.serviceaccount.identity.linkerd.cluster.local"]}`), linkerdWebPolicy),
		flows: []linkerdFlow{
			{src: "other/client", dst: "shop/cart", port: 7070, allowed: true, decided: "web-grpc"},
			{src: "shop/web", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "identityRef of kind Namespace",
		doc:  "MeshTLSAuthentication identityRefs: ServiceAccount or Namespace (every ServiceAccount of the namespace)",
		objs: linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identityRefs: [{kind: Namespace, name: other}]}`), linkerdWebPolicy),
		flows: []linkerdFlow{
			{src: "other/client", dst: "shop/cart", port: 7070, allowed: true, decided: "web-grpc"},
			{src: "shop/web", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "ServiceAccount as the required authentication",
		doc:  "authorization-policy#authorizationpolicy example: requiredAuthenticationRefs [{name: webapp, kind: ServiceAccount}]",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web-sa, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-grpc}
  requiredAuthenticationRefs: [{kind: ServiceAccount, name: web}]
`),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "web-sa"},
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "NetworkAuthentication admits a CIDR minus its exceptions",
		doc:  "authorization-policy#networkauthentication: clients must be in one of the networks; except excludes subnets",
		objs: linkerdJoin(linkerdServerGRPC, linkerdNetworkDoc("nodes", `{networks: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]}`), linkerdAuthzDoc("nodes-grpc", "NetworkAuthentication", "nodes")),
		flows: []linkerdFlow{
			{src: "10.9.9.9", dst: "shop/cart", port: 7070, allowed: true, decided: "nodes-grpc"},
			{src: "10.1.2.3", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
			// pods carry no address in the proof: a CIDR holds none
			{src: "shop/web", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "NetworkAuthentication of every address admits every client",
		doc:  "configuring-per-route-policy: a NetworkAuthentication of 0.0.0.0/0 and ::/0 authorizes probes from anywhere; no identity is required",
		objs: linkerdJoin(linkerdServerGRPC, linkerdNetworkDoc("all", `{networks: [{cidr: 0.0.0.0/0}, {cidr: "::/0"}]}`), linkerdAuthzDoc("all-grpc", "NetworkAuthentication", "all")),
		flows: []linkerdFlow{
			{src: "plain/legacy", dst: "shop/cart", port: 7070, allowed: true, decided: "all-grpc"},
			{src: "10.1.2.3", dst: "shop/cart", port: 7070, allowed: true, decided: "all-grpc"},
		},
	}, {
		name: "MeshTLS and a NetworkAuthentication of every address are both required",
		doc:  "authorization-policy#authorizationpolicy: in the case of multiple entries, all authentications must match",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, linkerdNetworkDoc("all", `{networks: [{cidr: 0.0.0.0/0}, {cidr: "::/0"}]}`), `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: both, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-grpc}
  requiredAuthenticationRefs:
  - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}
  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: all}
`),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "both"},
			{src: "plain/legacy", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "two AuthorizationPolicies on one Server are alternatives",
		doc:  "authorization-policy#authorizationpolicy: each policy authorizes its clients to the target",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, linkerdWebPolicy,
			linkerdMeshTLSDoc("client", `{identityRefs: [{kind: ServiceAccount, name: client, namespace: other}]}`), linkerdAuthzDoc("client-grpc", "MeshTLSAuthentication", "client")),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "web-grpc"},
			{src: "other/client", dst: "shop/cart", port: 7070, allowed: true, decided: "client-grpc"},
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "HTTPRoute target is L7-restricted",
		doc:  "authorization-policy#httproute: AuthorizationPolicies may target HTTPRoutes, authorizing traffic to that route only",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, `
apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: read, namespace: shop}
spec:
  parentRefs: [{group: policy.linkerd.io, kind: Server, name: cart-grpc}]
  rules:
  - matches: [{method: GET, path: {type: PathPrefix, value: /cart}}]
`, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web-read, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: read}
  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}]
`),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "web-read spec.requiredAuthenticationRefs: Allow (L7-restricted: requests matching HTTPRoute shop/read: GET PathPrefix /cart)"},
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "Namespace target authorizes every Server of the namespace",
		doc:  "authorization-policy#targetref: a namespace target applies to all traffic to all Servers in the namespace",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ns-web, namespace: shop}
spec:
  targetRef: {kind: Namespace, name: shop}
  requiredAuthenticationRefs: [{kind: ServiceAccount, name: web}]
`),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "ns-web"},
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "accessPolicy all-authenticated admits meshed clients",
		doc:  "authorization-policy#accesspolicy: accepts the default policies; all-authenticated allows traffic from meshed clients",
		objs: strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "proxyProtocol: gRPC, accessPolicy: all-authenticated", 1),
		flows: []linkerdFlow{
			{src: "other/client", dst: "shop/cart", port: 7070, allowed: true, decided: "spec.accessPolicy: Allow"},
			{src: "plain/legacy", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "accessPolicy audit lets everything through",
		doc:  "authorization-policy#accesspolicy: audit, same as all-unauthenticated but requests get flagged",
		objs: strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "proxyProtocol: gRPC, accessPolicy: audit", 1),
		flows: []linkerdFlow{
			{src: "plain/legacy", dst: "shop/cart", port: 7070, allowed: true, decided: "spec.accessPolicy: Allow"},
		},
	}, {
		name: "ServerAuthorization meshTLS serviceAccounts and unauthenticated networks",
		doc:  "authorization-policy#serverauthorization: client meshTLS serviceAccounts, or unauthenticated limited by networks",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: web, namespace: shop}
spec:
  server: {name: cart-grpc}
  client: {meshTLS: {serviceAccounts: [{name: web}]}}
`, `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: nodes, namespace: shop}
spec:
  server: {selector: {matchLabels: {}}}
  client: {unauthenticated: true, networks: [{cidr: 10.9.0.0/16}]}
`),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "ServerAuthorization shop/web spec.client: Allow"},
			{src: "10.9.9.9", dst: "shop/cart", port: 7070, allowed: true, decided: "ServerAuthorization shop/nodes"},
			{src: "10.1.2.3", dst: "shop/cart", port: 7070, decided: linkerdDenyRule},
		},
	}, {
		name: "overlapping Servers: the older, then the first by name, decides",
		doc:  "authorization-policy#server: Servers must not overlap; the policy controller keeps the first by creation then name",
		objs: linkerdJoin(linkerdServerGRPC, strings.Replace(strings.Replace(linkerdServerGRPC, "cart-grpc", "a-open", 1), "proxyProtocol: gRPC", "accessPolicy: all-unauthenticated", 1)),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "Server shop/a-open spec.accessPolicy: Allow"},
		},
	}, {
		name: "reference kinds are read case-insensitively, an empty group being core",
		doc:  "policy controller: a reference targets a kind when group (empty: core) and kind are equal ignoring case",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: lower, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: server, name: cart-grpc}
  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: meshtlsauthentication, name: web}]
`),
		flows: []linkerdFlow{
			{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "lower"},
		},
	}, {
		name: "conjunction with NetworkPolicy",
		doc:  "features/server-policy: the proxy authorizes what reaches it; model: the mesh point is AND'ed with the network layer",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, linkerdWebPolicy),
		nps: []networkingv1.NetworkPolicy{linkerdNetworkPolicy(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart-from-admin, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress: [{from: [{podSelector: {matchLabels: {app: admin}}}]}]
`)},
		flows: []linkerdFlow{
			// the mesh admits web, the network does not
			{src: "shop/web", dst: "shop/cart", port: 7070, decided: "web-grpc", network: "NetworkPolicy shop/cart-from-admin: ingress isolated"},
			// the network admits admin, the mesh does not
			{src: "shop/admin", dst: "shop/cart", port: 7070, decided: linkerdDenyRule, network: "spec.ingress[0]: Allow"},
			{src: "shop/admin", dst: "shop/cart", port: 8080, allowed: true},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Compile(Cluster{}, tc.nps, linkerdObjects(t, tc.objs))
			if len(c.Unmodelled) > 0 {
				t.Fatalf("unmodelled: %v", c.Unmodelled)
			}
			for _, p := range c.Policies {
				if p.Layer == LayerLinkerd {
					linkerdPolicyWellFormed(t, p)
				}
			}
			linkerdCheck(t, c, linkerdEstate, linkerdNamespaces, tc.flows)
		})
	}
}

func linkerdNetworkPolicy(t testing.TB, doc string) networkingv1.NetworkPolicy {
	t.Helper()
	var np networkingv1.NetworkPolicy
	if err := yaml.UnmarshalStrict([]byte(doc), &np); err != nil {
		t.Fatal(err)
	}
	return np
}

// linkerdPolicyWellFormed: every policy is read at the mesh, names its
// object, and every rule says where it comes from and is port-restricted.
func linkerdPolicyWellFormed(t testing.TB, p model.Policy) {
	t.Helper()
	if p.Point != model.Mesh || p.Object == "" || len(p.Egress) > 0 || p.IsolatesIngress {
		t.Errorf("policy %s: point %v, %d egress rules, isolates %v", p.Object, p.Point, len(p.Egress), p.IsolatesIngress)
	}
	for i, r := range p.Ingress {
		if r.Where == "" || len(r.Ports) != 1 {
			t.Errorf("policy %s rule %d: where %q, ports %v", p.Object, i, r.Where, r.Ports)
		}
	}
}

// TestLinkerdUnmodelled: each construct the model cannot express is named,
// and its object contributes no rule.
func TestLinkerdUnmodelled(t *testing.T) {
	cases := []struct {
		name, objs string
		// object, field and why are substrings of the one expected entry.
		object, field, why string
		// flow, when set, is judged after the compile.
		flows []linkerdFlow
	}{{
		name: "MeshTLS AND a network block",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, linkerdNetworkDoc("nodes", `{networks: [{cidr: 10.0.0.0/8}]}`), `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: both, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-grpc}
  requiredAuthenticationRefs:
  - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}
  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: nodes}
`),
		object: "AuthorizationPolicy shop/both", field: "spec.requiredAuthenticationRefs", why: "mesh identity AND a client network",
		flows: []linkerdFlow{{src: "shop/web", dst: "shop/cart", port: 7070, decided: linkerdDenyRule}},
	}, {
		name:   "identity of another trust domain",
		objs:   linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identities: [web.shop.serviceaccount.identity.linkerd.example.org]}`), linkerdWebPolicy),
		object: "MeshTLSAuthentication shop/web", field: "spec.identities[0]", why: "is not <serviceaccount>.<namespace>",
	}, {
		name:   "identity suffix inside a ServiceAccount name",
		objs:   linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identities: ["*.web.shop.serviceaccount.identity.linkerd.cluster.local"]}`), linkerdWebPolicy),
		object: "MeshTLSAuthentication shop/web", field: "spec.identities[0]", why: "only *, *.<namespace>",
	}, {
		name:   "ServiceAccount identityRef without a name (netid's every-ServiceAccount form)",
		objs:   linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identityRefs: [{kind: ServiceAccount, namespace: other}]}`), linkerdWebPolicy),
		object: "MeshTLSAuthentication shop/web", field: "spec.identityRefs[0]", why: "requires the name",
	}, {
		name:   "identityRef of another kind",
		objs:   linkerdJoin(linkerdServerGRPC, linkerdMeshTLSDoc("web", `{identityRefs: [{kind: Deployment, name: web}]}`), linkerdWebPolicy),
		object: "MeshTLSAuthentication shop/web", field: "spec.identityRefs[0]", why: "kind \"Deployment\"",
	}, {
		name:   "both identities and identityRefs",
		objs:   linkerdMeshTLSDoc("web", `{identities: ["*"], identityRefs: [{kind: ServiceAccount, name: web}]}`),
		object: "MeshTLSAuthentication shop/web", field: "spec", why: "exactly one",
	}, {
		name:   "accessPolicy cluster-unauthenticated",
		objs:   strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "accessPolicy: cluster-unauthenticated", 1),
		object: "Server shop/cart-grpc", field: "spec.accessPolicy", why: "clusterNetworks",
		// the Server contributes no policy
		flows: []linkerdFlow{{src: "plain/legacy", dst: "shop/cart", port: 7070, allowed: true}},
	}, {
		name:   "accessPolicy of no known value",
		objs:   strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "accessPolicy: allow", 1),
		object: "Server shop/cart-grpc", field: "spec.accessPolicy", why: "not a default policy",
	}, {
		name:   "accessPolicy before v1beta3",
		objs:   strings.Replace(strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "accessPolicy: deny", 1), "v1beta3", "v1beta1", 1),
		object: "Server shop/cart-grpc", why: "accessPolicy",
	}, {
		name:   "unknown field",
		objs:   strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "proxyProtocl: gRPC", 1),
		object: "Server shop/cart-grpc", why: "unknown field",
	}, {
		name:   "unserved version",
		objs:   strings.Replace(linkerdServerGRPC, "v1beta3", "v2", 1),
		object: "Server shop/cart-grpc", field: "apiVersion", why: "not a served version",
	}, {
		name:   "bad port",
		objs:   strings.Replace(linkerdServerGRPC, "port: grpc", "port: 70000", 1),
		object: "Server shop/cart-grpc", field: "spec.port", why: "not a port number",
	}, {
		name:   "bad proxyProtocol",
		objs:   strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "proxyProtocol: SMTP", 1),
		object: "Server shop/cart-grpc", field: "spec.proxyProtocol", why: "SMTP",
	}, {
		name:   "both selectors",
		objs:   strings.Replace(linkerdServerGRPC, "proxyProtocol: gRPC", "externalWorkloadSelector: {}", 1),
		object: "Server shop/cart-grpc", field: "spec", why: "exactly one",
	}, {
		name: "ServerAuthorization unauthenticated without networks",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: any, namespace: shop}
spec: {server: {name: cart-grpc}, client: {unauthenticated: true}}
`),
		object: "ServerAuthorization shop/any", field: "spec.client.unauthenticated", why: "clusterNetworks",
	}, {
		name: "ServerAuthorization unauthenticatedTLS",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: tls, namespace: shop}
spec: {server: {name: cart-grpc}, client: {meshTLS: {unauthenticatedTLS: true}}}
`),
		object: "ServerAuthorization shop/tls", field: "spec.client.meshTLS.unauthenticatedTLS", why: "without a verified identity",
	}, {
		name: "two MeshTLS authentications",
		objs: linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: two, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cart-grpc}
  requiredAuthenticationRefs:
  - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}
  - {kind: ServiceAccount, name: admin}
`),
		object: "AuthorizationPolicy shop/two", field: "spec.requiredAuthenticationRefs", why: "admission webhook rejects",
	}, {
		name: "Gateway API HTTPRoute target",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: gw, namespace: shop}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}
  requiredAuthenticationRefs: [{kind: ServiceAccount, name: web}]
`),
		object: "AuthorizationPolicy shop/gw", field: "spec.targetRef", why: "Gateway API",
	}, {
		name: "Namespace target of another namespace",
		objs: linkerdJoin(linkerdServerGRPC, `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ns, namespace: shop}
spec:
  targetRef: {kind: Namespace, name: other}
  requiredAuthenticationRefs: [{kind: ServiceAccount, name: web}]
`),
		object: "AuthorizationPolicy shop/ns", field: "spec.targetRef", why: "not its own",
	}, {
		name:   "NetworkAuthentication except outside its cidr",
		objs:   linkerdNetworkDoc("nodes", `{networks: [{cidr: 10.0.0.0/16, except: [10.1.0.0/24]}]}`),
		object: "NetworkAuthentication shop/nodes", field: "spec.networks[0].except[0]", why: "not strictly inside",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Compile(Cluster{}, nil, linkerdObjects(t, tc.objs))
			// one entry names the construct; the only others are the
			// authorizations requiring it, which are not modelled either
			var u model.Unmodelled
			for _, e := range c.Unmodelled {
				switch {
				case e.Layer == LayerLinkerd && strings.Contains(e.Object, tc.object) && strings.Contains(e.Field, tc.field) && strings.Contains(e.Why, tc.why):
					u = e
				case strings.Contains(e.Why, "which is not modelled"):
				default:
					t.Errorf("unexpected unmodelled %v", e)
				}
			}
			if u.Object == "" {
				t.Fatalf("unmodelled %v, want object %q field %q why %q", c.Unmodelled, tc.object, tc.field, tc.why)
			}
			for _, e := range c.Unmodelled {
				linkerdNoRules(t, c, e.Object)
			}
			linkerdCheck(t, c, linkerdEstate, linkerdNamespaces, tc.flows)
		})
	}
}

// linkerdNoRules: an unmodelled object contributes no policy and no rule.
func linkerdNoRules(t *testing.T, c model.Compiled, object string) {
	t.Helper()
	for _, p := range c.Policies {
		if p.Object == object {
			t.Errorf("unmodelled %s still contributes a policy", object)
		}
		for _, r := range p.Ingress {
			if strings.HasPrefix(r.Where, object+" ") {
				t.Errorf("unmodelled %s still contributes rule %s", object, r.Where)
			}
		}
	}
}

// TestLinkerdInert: what decides nothing is listed, with the notice of what
// the proof assumes said once.
func TestLinkerdInert(t *testing.T) {
	cases := []struct {
		name, objs, object, why string
	}{{
		name:   "missing authentication: Linkerd ignores the policy",
		objs:   linkerdJoin(linkerdServerGRPC, linkerdWebPolicy),
		object: "AuthorizationPolicy shop/web-grpc", why: "not in the stream",
	}, {
		name:   "target Server not in the stream",
		objs:   linkerdJoin(linkerdWebAuthn, linkerdWebPolicy),
		object: "AuthorizationPolicy shop/web-grpc", why: "attaches to no Server",
	}, {
		name: "HTTPRoute with a Service parent",
		objs: `
apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: out, namespace: shop}
spec:
  parentRefs: [{group: core, kind: Service, name: cart, port: 7070}]
  rules: [{backendRefs: [{name: cart, port: 7070}]}]
`,
		object: "HTTPRoute shop/out", why: "no Server parent",
	}, {
		name: "Server of external workloads",
		objs: `
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: vm, namespace: shop}
spec: {externalWorkloadSelector: {matchLabels: {app: vm}}, port: 80}
`,
		object: "Server shop/vm", why: "ExternalWorkloads",
	}, {
		name: "ServerAuthorization selecting no Server",
		objs: `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: web, namespace: shop}
spec: {server: {name: gone}, client: {meshTLS: {identities: ["*"]}}}
`,
		object: "ServerAuthorization shop/web", why: "selects no Server",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Compile(Cluster{}, nil, linkerdObjects(t, tc.objs))
			if len(c.Unmodelled) > 0 {
				t.Fatalf("unmodelled: %v", c.Unmodelled)
			}
			notices, found := 0, false
			for _, u := range c.Inert {
				if u.Object == "Linkerd default inbound policy" {
					notices++
					if !strings.Contains(u.Why, "all-unauthenticated") {
						t.Errorf("notice %q does not say the assumed default", u.Why)
					}
				}
				found = found || u.Layer == LayerLinkerd && u.Object == tc.object && strings.Contains(u.Why, tc.why)
			}
			if notices != 1 || !found {
				t.Errorf("inert %v: want the notice once and %s: ...%s", c.Inert, tc.object, tc.why)
			}
		})
	}
}

// TestLinkerdNetidOutput compiles what netid renders for
// mesh: {provider: linkerd} (the mesh-linkerd golden) with its
// NetworkPolicies: the declared callers are allowed, the undeclared denied,
// at the mesh and at the network.
func TestLinkerdNetidOutput(t *testing.T) {
	raw, err := os.ReadFile("../../process/testdata/mesh-linkerd/output.yaml")
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(js, &list); err != nil {
		t.Fatal(err)
	}
	var objs []Object
	var nps []networkingv1.NetworkPolicy
	ns := map[string]map[string]string{"monitoring": {LinkerdInjectLabel: "enabled"}}
	for _, item := range list.Items {
		o := linkerdObject(t, item)
		switch {
		case o.Kind == "NetworkPolicy":
			var np networkingv1.NetworkPolicy
			if err := json.Unmarshal(item, &np); err != nil {
				t.Fatal(err)
			}
			nps = append(nps, np)
		case o.Kind == "Namespace":
			var n corev1.Namespace
			if err := json.Unmarshal(item, &n); err != nil {
				t.Fatal(err)
			}
			l := map[string]string{}
			for k, v := range n.Labels {
				l[k] = v
			}
			// the stand-in for the injection annotation netid sets
			if v, ok := n.Annotations["linkerd.io/inject"]; ok {
				l[LinkerdInjectLabel] = v
			}
			ns[n.Name] = l
		case o.Group() == "policy.linkerd.io":
			o.Generated = true
			objs = append(objs, o)
		}
	}
	if len(objs) != 8 || ns["shop"][LinkerdInjectLabel] != "enabled" {
		t.Fatalf("golden holds %d Linkerd objects, shop %v: the test's reading of it is stale", len(objs), ns["shop"])
	}
	c := Compile(Cluster{}, nps, objs)
	if len(c.Unmodelled) > 0 {
		t.Fatalf("netid's own output is unmodelled: %v", c.Unmodelled)
	}
	for _, u := range c.Inert {
		if u.Object != "Linkerd default inbound policy" {
			t.Errorf("netid's own output is inert: %v", u)
		}
	}
	eps := []netpol.Endpoint{
		{Name: "shop/cart", Namespace: "shop", Labels: map[string]string{"app": "cart", model.ServiceAccountLabel: "cart"},
			Ports: []corev1.ContainerPort{{Name: "grpc", ContainerPort: 7070}, {Name: "metrics", ContainerPort: 9090}}},
		{Name: "shop/web", Namespace: "shop", Labels: map[string]string{"app": "web", model.ServiceAccountLabel: "web"}},
		{Name: "shop/stranger", Namespace: "shop", Labels: map[string]string{"app": "web", model.ServiceAccountLabel: "stranger"}},
		{Name: "monitoring/prometheus", Namespace: "monitoring", Labels: map[string]string{"app": "prometheus", model.ServiceAccountLabel: "prometheus"}},
		{Name: "10.10.1.1", IP: netip.MustParseAddr("10.10.1.1")},
		{Name: "10.10.9.9", IP: netip.MustParseAddr("10.10.9.9")},
	}
	linkerdCheck(t, c, eps, ns, []linkerdFlow{
		{src: "shop/web", dst: "shop/cart", port: 7070, allowed: true, decided: "AuthorizationPolicy shop/cart-ingress-from-web-grpc"},
		{src: "monitoring/prometheus", dst: "shop/cart", port: 9090, allowed: true, decided: "AuthorizationPolicy shop/cart-ingress-from-monitoring-prometheus-metrics"},
		{src: "10.10.1.1", dst: "shop/cart", port: 9090, allowed: true, decided: "AuthorizationPolicy shop/cart-ingress-from-cidr-10-10-0-0-16-metrics"},
		// undeclared: denied at the mesh by the Server, and at the network
		{src: "10.10.9.9", dst: "shop/cart", port: 9090, decided: "Server shop/cart-metrics " + linkerdDenyRule},
		{src: "shop/web", dst: "shop/cart", port: 9090, decided: "Server shop/cart-metrics " + linkerdDenyRule},
		{src: "monitoring/prometheus", dst: "shop/cart", port: 7070, decided: "Server shop/cart-grpc " + linkerdDenyRule},
		// the same labels as web, another ServiceAccount: the NetworkPolicy
		// admits it, the mesh does not
		{src: "shop/stranger", dst: "shop/cart", port: 7070, decided: "Server shop/cart-grpc " + linkerdDenyRule, network: "cart-flows spec.ingress[2]: Allow"},
	})
}

// FuzzLinkerd: arbitrary bytes as one object's JSON, beside a valid Server
// and authentication: the compile never panics, every entry names its
// object, and the result evaluates.
func FuzzLinkerd(f *testing.F) {
	kinds := []struct{ apiVersion, kind string }{
		{"policy.linkerd.io/v1beta3", "Server"}, {"policy.linkerd.io/v1beta1", "ServerAuthorization"},
		{"policy.linkerd.io/v1alpha1", "AuthorizationPolicy"}, {"policy.linkerd.io/v1alpha1", "MeshTLSAuthentication"},
		{"policy.linkerd.io/v1alpha1", "NetworkAuthentication"}, {"policy.linkerd.io/v1beta3", "HTTPRoute"},
	}
	for _, o := range linkerdObjects(f, linkerdJoin(linkerdServerGRPC, linkerdWebAuthn, linkerdWebPolicy, linkerdNetworkDoc("nodes", `{networks: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]}`))) {
		for i, k := range kinds {
			if k.kind == o.Kind {
				f.Add(uint8(i), o.JSON)
			}
		}
	}
	f.Add(uint8(1), []byte(`{"spec":{"server":{"selector":{"matchExpressions":[{"key":"a","operator":"In"}]}},"client":{"meshTLS":{"identities":["*.x"]}}}}`))
	f.Add(uint8(5), []byte(`{"spec":{"parentRefs":[{"group":"policy.linkerd.io","kind":"Server","name":"cart-grpc"}],"rules":[{"matches":[{}]}]}}`))
	base := linkerdObjects(f, linkerdJoin(linkerdServerGRPC, linkerdWebAuthn))
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := kinds[int(k)%len(kinds)]
		o := Object{APIVersion: kind.apiVersion, Kind: kind.kind, Namespace: "shop", Name: "fuzz", JSON: data}
		c := Compile(Cluster{}, nil, append(append([]Object(nil), base...), o))
		for _, u := range append(append([]model.Unmodelled(nil), c.Unmodelled...), c.Inert...) {
			if u.Layer != LayerLinkerd || u.Object == "" || u.Why == "" {
				t.Fatalf("entry without layer, object or why: %+v", u)
			}
		}
		for _, p := range c.Policies {
			if p.Point != model.Mesh || p.Object == "" {
				t.Fatalf("policy %+v", p)
			}
			for _, r := range p.Ingress {
				if r.Where == "" {
					t.Fatalf("rule without where in %s", p.Object)
				}
			}
		}
		e := model.New(linkerdNamespaces, c.Policies, linkerdEstate)
		for i := range linkerdEstate {
			e.Decide(i, 0, 7070, "")
		}
	})
}

// linkerdOracle decides a connection as Linkerd's inbound proxy does, read
// directly from the documented behaviour over plain data, independently of
// the model: the first Server (by name) selecting the destination pod's
// port governs it; an authorization admits a client when its identity
// (meshed clients only) and its network match; otherwise accessPolicy
// decides; a port no Server selects is open (all-unauthenticated).
type linkerdOracle struct {
	servers []linkerdOracleServer
	// policies: target ("Server/<name>" or "Namespace") and required
	// identity and network (nil: none required).
	policies []linkerdOraclePolicy
}

type linkerdOracleServer struct {
	name, app, portName, access string
	port                        int32
}

type linkerdOraclePolicy struct {
	target string
	// ids: "*", "ns/" (every ServiceAccount of ns) or "ns/sa".
	ids  []string
	nets []netip.Prefix // with except 10.1.0.0/16 inside 10.0.0.0/8
	all  bool           // networks of every address
}

func (o *linkerdOracle) meshed(ep *netpol.Endpoint, ns map[string]map[string]string) bool {
	if ep.Namespace == "" {
		return false
	}
	if v, ok := ep.Labels[LinkerdInjectLabel]; ok {
		return v == "enabled" || v == "ingress"
	}
	v := ns[ep.Namespace][LinkerdInjectLabel]
	return v == "enabled" || v == "ingress"
}

func (o *linkerdOracle) allowed(src, dst *netpol.Endpoint, port int32, ns map[string]map[string]string) bool {
	if dst.Namespace != "shop" {
		return true
	}
	var srv *linkerdOracleServer
	for i := range o.servers {
		s := &o.servers[i]
		if s.app != "" && dst.Labels["app"] != s.app {
			continue
		}
		match := s.port == port
		if s.portName != "" {
			match = false
			for _, cp := range dst.Ports {
				match = match || cp.Name == s.portName && cp.ContainerPort == port
			}
		}
		if match {
			srv = s
			break
		}
	}
	if srv == nil {
		return true
	}
	meshed := o.meshed(src, ns)
	for _, p := range o.policies {
		if p.target != "Server/"+srv.name && p.target != "Namespace" {
			continue
		}
		idOK := p.ids == nil
		for _, id := range p.ids {
			n, sa, _ := strings.Cut(id, "/")
			idOK = idOK || meshed && (id == "*" || n == src.Namespace && (sa == "" || sa == src.Labels[model.ServiceAccountLabel]))
		}
		netOK := p.nets == nil || p.all
		for _, n := range p.nets {
			netOK = netOK || src.IP.IsValid() && n.Contains(src.IP) && !netip.MustParsePrefix("10.1.0.0/16").Contains(src.IP)
		}
		if idOK && netOK {
			return true
		}
	}
	switch srv.access {
	case "all-unauthenticated", "audit":
		return true
	case "all-authenticated":
		return meshed
	}
	return false
}

// TestLinkerdOracle compares the compiled model with linkerdOracle on
// random Servers, authentications and AuthorizationPolicies over random
// estates.
func TestLinkerdOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	compared, skipped := 0, 0
	for round := 0; round < 400; round++ {
		ns := map[string]map[string]string{"shop": {}, "other": {}}
		for n := range ns {
			if v := pick("", "enabled", "disabled"); v != "" {
				ns[n][LinkerdInjectLabel] = v
			}
		}
		var eps []netpol.Endpoint
		for i := 0; i < 6; i++ {
			l := map[string]string{"app": pick("a", "b"), model.ServiceAccountLabel: pick("s1", "s2")}
			if v := pick("", "", "enabled", "disabled"); v != "" {
				l[LinkerdInjectLabel] = v
			}
			ep := netpol.Endpoint{Name: fmt.Sprintf("pod%d", i), Namespace: pick("shop", "other"), Labels: l,
				Ports: []corev1.ContainerPort{{Name: "p1", ContainerPort: 7070}, {Name: "p2", ContainerPort: 8080}}}
			if rng.IntN(2) == 0 {
				ep.Ports[0], ep.Ports[1] = corev1.ContainerPort{Name: "p1", ContainerPort: 8080}, corev1.ContainerPort{Name: "p2", ContainerPort: 7070}
			}
			eps = append(eps, ep)
		}
		eps = append(eps, netpol.Endpoint{Name: "10.1.2.3", IP: netip.MustParseAddr("10.1.2.3")}, netpol.Endpoint{Name: "10.9.9.9", IP: netip.MustParseAddr("10.9.9.9")})

		var or linkerdOracle
		var docs []string
		for i, n := 0, 1+rng.IntN(3); i < n; i++ {
			s := linkerdOracleServer{name: fmt.Sprintf("srv%d", rng.IntN(9)), app: pick("", "a", "b"), access: pick("deny", "deny", "all-authenticated", "all-unauthenticated", "audit")}
			sel := "{}"
			if s.app != "" {
				sel = "{matchLabels: {app: " + s.app + "}}"
			}
			port := ""
			if rng.IntN(2) == 0 {
				s.port = []int32{7070, 8080}[rng.IntN(2)]
				port = fmt.Sprint(s.port)
			} else {
				s.portName = pick("p1", "p2")
				port = s.portName
			}
			dup := false
			for _, o := range or.servers {
				dup = dup || o.name == s.name
			}
			if dup {
				continue
			}
			or.servers = append(or.servers, s)
			docs = append(docs, fmt.Sprintf("apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: %s, namespace: shop}\nspec: {podSelector: %s, port: %s, accessPolicy: %s}\n", s.name, sel, port, s.access))
		}
		sort.Slice(or.servers, func(i, j int) bool { return or.servers[i].name < or.servers[j].name })
		ids := map[string][]string{
			"any":      {"*"},
			"s1-shop":  {"shop/s1"},
			"other":    {"other/"},
			"s2-mixed": {"shop/s2", "other/s1"},
		}
		docs = append(docs,
			linkerdMeshTLSDoc("any", `{identities: ["*"]}`),
			linkerdMeshTLSDoc("s1-shop", `{identities: [s1.shop.serviceaccount.identity.linkerd.cluster.local]}`),
			linkerdMeshTLSDoc("other", `{identityRefs: [{kind: Namespace, name: other}]}`),
			linkerdMeshTLSDoc("s2-mixed", `{identityRefs: [{kind: ServiceAccount, name: s2}, {kind: ServiceAccount, name: s1, namespace: other}]}`),
			linkerdNetworkDoc("ten", `{networks: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]}`),
			linkerdNetworkDoc("all", `{networks: [{cidr: 0.0.0.0/0}, {cidr: "::/0"}]}`))
		for i, n := 0, rng.IntN(5); i < n; i++ {
			p := linkerdOraclePolicy{target: "Namespace"}
			target := "{kind: Namespace, name: shop}"
			if len(or.servers) > 0 && rng.IntN(4) > 0 {
				s := or.servers[rng.IntN(len(or.servers))].name
				p.target, target = "Server/"+s, "{group: policy.linkerd.io, kind: Server, name: "+s+"}"
			}
			var refs []string
			switch k := pick("mtls", "sa", "net", "all", "mtls+all", "none"); k {
			case "mtls", "mtls+all":
				m := pick("any", "s1-shop", "other", "s2-mixed")
				p.ids = ids[m]
				refs = append(refs, "{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: "+m+"}")
				if k == "mtls+all" {
					p.nets, p.all = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, true
					refs = append(refs, "{group: policy.linkerd.io, kind: NetworkAuthentication, name: all}")
				}
			case "sa":
				p.ids = []string{"shop/s2"}
				refs = append(refs, "{kind: ServiceAccount, name: s2}")
			case "net":
				p.nets = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
				refs = append(refs, "{group: policy.linkerd.io, kind: NetworkAuthentication, name: ten}")
			case "all":
				p.nets, p.all = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, true
				refs = append(refs, "{group: policy.linkerd.io, kind: NetworkAuthentication, name: all}")
			}
			or.policies = append(or.policies, p)
			docs = append(docs, fmt.Sprintf("apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: ap%d, namespace: shop}\nspec:\n  targetRef: %s\n  requiredAuthenticationRefs: [%s]\n", i, target, strings.Join(refs, ", ")))
		}
		c := Compile(Cluster{}, nil, linkerdObjects(t, linkerdJoin(docs...)))
		if len(c.Unmodelled) > 0 {
			skipped++
			continue
		}
		e := model.New(ns, c.Policies, eps)
		for s := range eps {
			for d := range eps {
				for _, port := range []int32{7070, 8080} {
					want := or.allowed(&eps[s], &eps[d], port, ns)
					if got := e.Allowed(s, d, port, corev1.ProtocolTCP); got != want {
						t.Fatalf("round %d: %s -> %s:%d: model %v, oracle %v\n%s", round, eps[s].Name, eps[d].Name, port, got, want, linkerdJoin(docs...))
					}
					compared++
				}
			}
		}
	}
	t.Logf("compared %d connections", compared)
	if skipped > 0 || compared == 0 {
		t.Errorf("compared %d connections, skipped %d estates", compared, skipped)
	}
}
