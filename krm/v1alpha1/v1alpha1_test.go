package v1alpha1_test

import (
	"encoding/json"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/krm/v1alpha1"
)

// header is the part of every document that is not under test.
const header = "apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: cart, namespace: shop}\n"

// paths returns the paths of errs, in order.
func paths(errs []v1alpha1.FieldError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Path)
	}
	return out
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string // appended to header unless it starts with "apiVersion"
		// want is the exact list of error paths; msg, if set, must appear in
		// the first error's message.
		want []string
		msg  string
	}{
		{name: "unknown top-level spec field", doc: "spec: {egres: []}", want: []string{"spec.egres"}, msg: "unknown field"},
		{name: "unknown field in a list item", doc: "spec: {ingress: [{from: {workload: a}, reason: x}, {from: {worklaod: a}, reason: x}]}",
			want: []string{"spec.ingress[1].from.worklaod"}, msg: "unknown field"},
		{name: "unknown field in an rbac rule", doc: "spec: {identity: {rules: [{verbs: [get], resorces: [pods]}]}}",
			want: []string{"spec.identity.rules[0].resorces"}},
		{name: "unknown metadata field", doc: "apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: cart, nmespace: shop}\n",
			want: []string{"metadata.nmespace"}},
		{name: "two unknown fields are both reported", doc: "spec: {tierr: critical, mod: audit}",
			want: []string{"spec.mod", "spec.tierr"}},
		{name: "duplicate field", doc: "spec: {tier: critical, tier: standard}", want: []string{"spec.tier"}, msg: "twice"},
		{name: "duplicate field in a list item", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24, cidr: 198.51.100.0/24}, ports: [443], reason: x}]}",
			want: []string{"spec.egress[0].to.cidr"}, msg: "twice"},
		{name: "duplicate field in JSON", doc: `{"apiVersion":"netid.dev/v1alpha1","kind":"NetworkIdentity","metadata":{"name":"cart"},"spec":{"mode":"audit","mode":"enforce"}}`,
			want: []string{"spec.mode"}, msg: "twice"},
		{name: "string where a bool is wanted", doc: "spec: {identity: {automountToken: \"no\"}}",
			want: []string{"spec.identity.automountToken"}, msg: "got a string, want true or false"},
		{name: "number where a string is wanted, second list item", doc: "spec: {ingress: [{from: {workload: a}, reason: x}, {from: {workload: a}, reason: 5}]}",
			want: []string{"spec.ingress[1].reason"}, msg: "got a number, want a string"},
		{name: "string where a list is wanted, in a list item", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [443], reason: x}, {to: {cidr: 203.0.113.0/24, except: 203.0.113.7/32}, ports: [443], reason: x}]}",
			want: []string{"spec.egress[1].to.except"}, msg: "got a string, want a list"},
		{name: "object where a list is wanted", doc: "spec: {ingress: {from: {workload: a}}}", want: []string{"spec.ingress"}, msg: "want a list"},
		{name: "list where a string enum is wanted", doc: "spec: {tier: [critical]}", want: []string{"spec.tier"}, msg: "want a string"},
		{name: "number as a label value inside a list item", doc: "spec: {ingress: [{from: {namespace: monitoring, podLabels: {version: 2}}, reason: x}]}",
			want: []string{"spec.ingress[0].from.podLabels.version"}, msg: "got a number, want a string"},
		{name: "spec is a list", doc: "spec: [1]", want: []string{"spec"}, msg: "want an object"},
		{name: "port is a list", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [[443]], reason: x}]}",
			want: []string{"spec.egress[0].ports[0]"}, msg: "want a port name, a number or {port, protocol}"},
		{name: "port is null", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [null], reason: x}]}",
			want: []string{"spec.egress[0].ports[0]"}},
		{name: "port object with unknown key", doc: "spec: {ingress: [{from: {workload: a}, ports: [http, {port: 443, protcol: TCP}], reason: x}]}",
			want: []string{"spec.ingress[0].ports[1].protcol"}, msg: "unknown field"},
		{name: "port object without port", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [{protocol: UDP}], reason: x}]}",
			want: []string{"spec.egress[0].ports[0].port"}, msg: "required"},
		{name: "port object with a bool port", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [{port: true}], reason: x}]}",
			want: []string{"spec.egress[0].ports[0].port"}, msg: "got a bool"},
		{name: "port object with a numeric protocol", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [{port: 53, protocol: 17}], reason: x}]}",
			want: []string{"spec.egress[0].ports[0].protocol"}, msg: "got a number"},
		{name: "ports is a scalar", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: 443, reason: x}]}",
			want: []string{"spec.egress[0].ports"}, msg: "want a list"},
		{name: "fractional port", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [443.5], reason: x}]}",
			want: []string{"spec.egress[0].ports[0]"}},
		{name: "port beyond int32", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [99999999999], reason: x}]}",
			want: []string{"spec.egress[0].ports[0]"}},
		{name: "fractional port in an object", doc: "spec: {egress: [{to: {cidr: 203.0.113.0/24}, ports: [{port: 443.5}], reason: x}]}",
			want: []string{"spec.egress[0].ports[0].port"}},
		{name: "gateway exposure port is a list", doc: "spec: {exposure: {gateway: {parentRef: {name: public}, port: [80]}}}",
			want: []string{"spec.exposure.gateway.port"}},
		{name: "ingress exposure port object with unknown key", doc: "spec: {exposure: {ingress: {className: nginx, host: a.example.com, port: {number: 80}}}}",
			want: []string{"spec.exposure.ingress.port.number", "spec.exposure.ingress.port.port"}},
		{name: "wrong apiVersion", doc: "apiVersion: netid.dev/v1\nkind: NetworkIdentity\nmetadata: {name: cart}\n", want: []string{"apiVersion"}, msg: "want netid.dev/v1alpha1 NetworkIdentity"},
		{name: "wrong kind", doc: "apiVersion: netid.dev/v1alpha1\nkind: NetworkPolicy\nmetadata: {name: cart}\n", want: []string{"apiVersion"}, msg: "NetworkPolicy"},
		{name: "not YAML", doc: "apiVersion: a: b\n", want: []string{""}, msg: "not valid YAML"},
		{name: "merge key", doc: "spec: {ingress: [&r {from: {workload: a}, reason: x}, {<<: *r, ports: [80]}]}",
			want: []string{"spec.ingress[1]"}, msg: "merge keys (<<) are not supported"},
		{name: "alias inside its own anchor", doc: "spec: {egress: &e [{to: {cidr: 203.0.113.0/24}, ports: *e, reason: x}]}",
			want: []string{"spec.egress[0].ports"}, msg: "refers to a node that contains it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc
			if !strings.HasPrefix(doc, "apiVersion") && !strings.HasPrefix(doc, "{") {
				doc = header + doc + "\n"
			}
			n, errs := v1alpha1.Decode([]byte(doc))
			if n != nil {
				t.Errorf("Decode returned an object along with errors %v", errs)
			}
			got := paths(errs)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("error paths = %q, want %q (errors: %v)", got, tt.want, errs)
			}
			if tt.msg != "" && !strings.Contains(errs[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", errs[0].Message, tt.msg)
			}
		})
	}
}

// laughs is a NetworkIdentity carrying the "billion laughs" document at
// spec.bomb: nine lines of nine aliases of the line before, under 500 bytes
// that expand to 435 million nodes.
func laughs() string {
	var b strings.Builder
	b.WriteString(header + "spec:\n  bomb:\n")
	for i := range 9 {
		entry := `"x"`
		if i > 0 {
			entry = "*" + string(rune('a'+i-1))
		}
		name := string(rune('a' + i))
		b.WriteString("    " + name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat(entry+",", 9), ",") + "]\n")
	}
	return b.String()
}

// TestDecodeRefusesAliasBomb: the bomb is refused, at the alias that
// expands, without expanding it: decoding allocates little more than parsing.
func TestDecodeRefusesAliasBomb(t *testing.T) {
	doc := []byte(laughs())
	if len(doc) > 500 {
		t.Fatalf("the bomb is %d bytes", len(doc))
	}
	n, errs := v1alpha1.Decode(doc)
	if n != nil || len(errs) != 1 || errs[0].Path != "spec.bomb.i[0]" || !strings.Contains(errs[0].Message, "aliases expand the whole value to 490329079") {
		t.Fatalf("Decode(bomb) = %v, %v; want one error at spec.bomb.i[0]", n, errs)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v1alpha1.Decode(doc)
	runtime.ReadMemStats(&after)
	if b := after.TotalAlloc - before.TotalAlloc; b > 256<<10 {
		t.Errorf("refusing the bomb allocated %d bytes; want under 256 KiB", b)
	}
}

func TestDecodePortForms(t *testing.T) {
	tests := []struct {
		name string
		port string
		want v1alpha1.PortRef
		str  string
	}{
		{name: "name", port: "grpc", want: v1alpha1.PortRef{Port: intstr.FromString("grpc")}, str: "grpc"},
		{name: "number", port: "443", want: v1alpha1.PortRef{Port: intstr.FromInt32(443)}, str: "443"},
		{name: "quoted number is a number", port: `"8080"`, want: v1alpha1.PortRef{Port: intstr.FromInt32(8080)}, str: "8080"},
		{name: "quoted name", port: `"http"`, want: v1alpha1.PortRef{Port: intstr.FromString("http")}, str: "http"},
		{name: "object with number and protocol", port: "{port: 53, protocol: UDP}", want: v1alpha1.PortRef{Port: intstr.FromInt32(53), Protocol: corev1.ProtocolUDP}, str: "53/UDP"},
		{name: "object with name only", port: "{port: metrics}", want: v1alpha1.PortRef{Port: intstr.FromString("metrics")}, str: "metrics"},
		{name: "object with quoted number", port: `{port: "443", protocol: TCP}`, want: v1alpha1.PortRef{Port: intstr.FromInt32(443), Protocol: corev1.ProtocolTCP}, str: "443/TCP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := header + "spec:\n  ingress: [{from: {workload: a}, ports: [" + tt.port + "], reason: x}]\n  exposure: {gateway: {parentRef: {name: public}, port: " + tt.port + "}}\n"
			n, errs := v1alpha1.Decode([]byte(doc))
			if len(errs) > 0 {
				t.Fatalf("Decode: %v", errs)
			}
			if got := n.Spec.Ingress[0].Ports[0]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ingress port = %#v, want %#v", got, tt.want)
			}
			if got := n.Spec.Exposure.Gateway.Port; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("exposure port = %#v, want %#v", got, tt.want)
			}
			if got := tt.want.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
}

func TestDecodeFull(t *testing.T) {
	doc := header + `spec:
  workload: cartservice
  service: cart
  tier: critical
  mode: audit
  ingress:
  - from: {namespace: monitoring, podLabels: {app: prometheus}, serviceAccount: prometheus}
    ports: [9090]
    reason: scrape
  egress:
  - to: {cidr: 203.0.113.0/24, except: [203.0.113.7/32]}
    ports: [{port: 443, protocol: TCP}]
    reason: card
  dns: {enabled: true, namespace: kube-system, podLabels: {k8s-app: kube-dns}, nodeLocal: 169.254.20.10}
  identity:
    serviceAccount: cart
    automountToken: true
    rules: [{apiGroups: [""], resources: [configmaps], verbs: [get], reason: settings}]
  podSecurity: {enforce: restricted, audit: restricted, warn: restricted, version: v1.30}
  registry: {pullSecret: regcred, auth: node-identity}
  mesh: {provider: istio, mtls: STRICT}
  exposure:
    ingress: {className: nginx, host: shop.example.com, tlsSecret: shop-tls, path: /, port: http}
    controller: {namespace: ingress-nginx, podLabels: {app: ingress-nginx}}
  cni: calico
  exceptions: [{rule: rbac-no-wildcard, adr: ADR-0042, reason: operator}]
`
	n, errs := v1alpha1.Decode([]byte(doc))
	if len(errs) > 0 {
		t.Fatalf("Decode: %v", errs)
	}
	s := n.Spec
	checks := []struct {
		what      string
		got, want any
	}{
		{"name", n.Name, "cart"},
		{"namespace", n.Namespace, "shop"},
		{"workload", s.Workload, "cartservice"},
		{"service", s.Service, "cart"},
		{"tier", s.Tier, v1alpha1.TierCritical},
		{"mode", s.Mode, v1alpha1.ModeAudit},
		{"ingress peer", s.Ingress[0].From, v1alpha1.Peer{Namespace: "monitoring", PodLabels: map[string]string{"app": "prometheus"}, ServiceAccount: "prometheus"}},
		{"egress peer", s.Egress[0].To, v1alpha1.Peer{CIDR: "203.0.113.0/24", Except: []string{"203.0.113.7/32"}}},
		{"dns nodeLocal", s.DNS.NodeLocal, "169.254.20.10"},
		{"automount", *s.Identity.AutomountToken, true},
		{"rule", s.Identity.Rules[0], v1alpha1.Rule{PolicyRule: rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get"}}, Reason: "settings"}},
		{"pss version", s.PodSecurity.Version, "v1.30"},
		{"registry", *s.Registry, v1alpha1.Registry{PullSecret: "regcred", Auth: v1alpha1.AuthNodeIdentity}},
		{"mesh", *s.Mesh, v1alpha1.Mesh{Provider: v1alpha1.MeshIstio, MTLS: "STRICT"}},
		{"ingress exposure port", s.Exposure.Ingress.Port, v1alpha1.PortRef{Port: intstr.FromString("http")}},
		{"cni", s.CNI, v1alpha1.CNICalico},
		{"exception", s.Exceptions[0], v1alpha1.Exception{Rule: "rbac-no-wildcard", ADR: "ADR-0042", Reason: "operator"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.what, c.got, c.want)
		}
	}
}

func TestPortRefMarshalRoundTrip(t *testing.T) {
	for _, p := range []v1alpha1.PortRef{
		{Port: intstr.FromString("grpc")},
		{Port: intstr.FromInt32(443)},
		{Port: intstr.FromInt32(53), Protocol: corev1.ProtocolUDP},
		{Port: intstr.FromString("dns"), Protocol: corev1.ProtocolSCTP},
	} {
		b, err := p.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back v1alpha1.PortRef
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(back, p) {
			t.Errorf("%s round-trips to %#v, want %#v", b, back, p)
		}
	}
}

func TestDefault(t *testing.T) {
	tru, fls := true, false
	tests := []struct {
		name string
		in   v1alpha1.Spec
		// check inspects the defaulted spec.
		check func(t *testing.T, s v1alpha1.Spec)
	}{
		{name: "empty spec gets every default", in: v1alpha1.Spec{}, check: func(t *testing.T, s v1alpha1.Spec) {
			want := v1alpha1.Spec{
				Workload: "cart", Tier: v1alpha1.TierStandard, Mode: v1alpha1.ModeEnforce, Rollout: v1alpha1.RolloutEnforce, CNI: v1alpha1.CNIGeneric,
				DNS:         &v1alpha1.DNS{Enabled: &tru, Namespace: "kube-system", PodLabels: map[string]string{"k8s-app": "kube-dns"}},
				Identity:    v1alpha1.Identity{AutomountToken: &fls},
				PodSecurity: &v1alpha1.PodSecurity{Enforce: "restricted", Audit: "restricted", Warn: "restricted", Version: "latest"},
			}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("defaulted spec =\n%#v\nwant\n%#v", s, want)
			}
		}},
		{name: "explicit values are kept", in: v1alpha1.Spec{
			Workload: "cartservice", Tier: v1alpha1.TierCritical, Mode: v1alpha1.ModeAudit, CNI: v1alpha1.CNICilium,
			Identity:    v1alpha1.Identity{ServiceAccount: "cart-sa", AutomountToken: &tru},
			PodSecurity: &v1alpha1.PodSecurity{Enforce: "baseline", Audit: "privileged", Warn: "baseline", Version: "v1.30"},
		}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Workload != "cartservice" || s.Tier != v1alpha1.TierCritical || s.Mode != v1alpha1.ModeAudit || s.CNI != v1alpha1.CNICilium {
				t.Errorf("explicit scalars changed: %+v", s)
			}
			if s.Identity.ServiceAccount != "cart-sa" || !*s.Identity.AutomountToken {
				t.Errorf("identity changed: %+v", s.Identity)
			}
			if want := (v1alpha1.PodSecurity{Enforce: "baseline", Audit: "privileged", Warn: "baseline", Version: "v1.30"}); *s.PodSecurity != want {
				t.Errorf("podSecurity = %+v, want %+v", *s.PodSecurity, want)
			}
		}},
		{name: "the ServiceAccount is not defaulted here (the render names it)", in: v1alpha1.Spec{}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Identity.ServiceAccount != "" {
				t.Errorf("serviceAccount = %q, want empty until the workload's rendered name is known", s.Identity.ServiceAccount)
			}
		}},
		{name: "partial podSecurity is completed level by level", in: v1alpha1.Spec{PodSecurity: &v1alpha1.PodSecurity{Enforce: "baseline"}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if want := (v1alpha1.PodSecurity{Enforce: "baseline", Audit: "restricted", Warn: "restricted", Version: "latest"}); *s.PodSecurity != want {
				t.Errorf("podSecurity = %+v, want %+v", *s.PodSecurity, want)
			}
		}},
		{name: "dns with a namespace keeps it and gets the default labels", in: v1alpha1.Spec{DNS: &v1alpha1.DNS{Namespace: "dns-system"}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if !*s.DNS.Enabled || s.DNS.Namespace != "dns-system" || !reflect.DeepEqual(s.DNS.PodLabels, map[string]string{"k8s-app": "kube-dns"}) {
				t.Errorf("dns = %+v", *s.DNS)
			}
		}},
		{name: "dns with labels keeps them and gets the default namespace", in: v1alpha1.Spec{DNS: &v1alpha1.DNS{PodLabels: map[string]string{"app": "coredns"}, NodeLocal: "169.254.20.10"}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.DNS.Namespace != "kube-system" || !reflect.DeepEqual(s.DNS.PodLabels, map[string]string{"app": "coredns"}) || s.DNS.NodeLocal != "169.254.20.10" {
				t.Errorf("dns = %+v", *s.DNS)
			}
		}},
		{name: "disabled dns gets no target", in: v1alpha1.Spec{DNS: &v1alpha1.DNS{Enabled: &fls}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if *s.DNS.Enabled || s.DNS.Namespace != "" || s.DNS.PodLabels != nil {
				t.Errorf("dns = %+v, want disabled and empty", *s.DNS)
			}
		}},
		{name: "absent registry stays absent", in: v1alpha1.Spec{}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Registry != nil {
				t.Errorf("registry = %+v, want nil", *s.Registry)
			}
		}},
		{name: "registry auth defaults to short-lived", in: v1alpha1.Spec{Registry: &v1alpha1.Registry{PullSecret: "regcred"}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Registry.Auth != v1alpha1.AuthShortLived {
				t.Errorf("auth = %q, want short-lived", s.Registry.Auth)
			}
		}},
		{name: "registry auth static is kept", in: v1alpha1.Spec{Registry: &v1alpha1.Registry{Auth: v1alpha1.AuthStatic}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Registry.Auth != v1alpha1.AuthStatic {
				t.Errorf("auth = %q, want static", s.Registry.Auth)
			}
		}},
		{name: "istio mtls defaults to STRICT", in: v1alpha1.Spec{Mesh: &v1alpha1.Mesh{Provider: v1alpha1.MeshIstio}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Mesh.MTLS != "STRICT" {
				t.Errorf("mtls = %q", s.Mesh.MTLS)
			}
		}},
		{name: "linkerd mtls defaults to STRICT", in: v1alpha1.Spec{Mesh: &v1alpha1.Mesh{Provider: v1alpha1.MeshLinkerd}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Mesh.MTLS != "STRICT" {
				t.Errorf("mtls = %q", s.Mesh.MTLS)
			}
		}},
		{name: "PERMISSIVE is kept", in: v1alpha1.Spec{Mesh: &v1alpha1.Mesh{Provider: v1alpha1.MeshIstio, MTLS: "PERMISSIVE"}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Mesh.MTLS != "PERMISSIVE" {
				t.Errorf("mtls = %q", s.Mesh.MTLS)
			}
		}},
		{name: "mesh none gets no mtls", in: v1alpha1.Spec{Mesh: &v1alpha1.Mesh{Provider: v1alpha1.MeshNone, EastWest: "wireguard"}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Mesh.MTLS != "" {
				t.Errorf("mtls = %q, want empty", s.Mesh.MTLS)
			}
		}},
		{name: "absent mesh stays absent (not stated is not defaulted)", in: v1alpha1.Spec{}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Mesh != nil {
				t.Errorf("mesh = %+v, want nil", *s.Mesh)
			}
		}},
		{name: "exposure paths default to /", in: v1alpha1.Spec{Exposure: &v1alpha1.Exposure{
			Gateway: &v1alpha1.GatewayExposure{}, Ingress: &v1alpha1.IngressExposure{},
		}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Exposure.Gateway.Path != "/" || s.Exposure.Ingress.Path != "/" {
				t.Errorf("paths = %q, %q", s.Exposure.Gateway.Path, s.Exposure.Ingress.Path)
			}
		}},
		{name: "explicit exposure path is kept", in: v1alpha1.Spec{Exposure: &v1alpha1.Exposure{Gateway: &v1alpha1.GatewayExposure{Path: "/shop"}}}, check: func(t *testing.T, s v1alpha1.Spec) {
			if s.Exposure.Gateway.Path != "/shop" {
				t.Errorf("path = %q", s.Exposure.Gateway.Path)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &v1alpha1.NetworkIdentity{ObjectMeta: metav1.ObjectMeta{Name: "cart", Namespace: "shop"}, Spec: tt.in}
			n.Default()
			tt.check(t, n.Spec)
			again := clone(t, n)
			again.Default()
			if !reflect.DeepEqual(again.Spec, n.Spec) {
				t.Errorf("Default is not idempotent:\n%#v\n%#v", n.Spec, again.Spec)
			}
		})
	}
}

// clone deep-copies a NetworkIdentity through its JSON form.
func clone(t *testing.T, n *v1alpha1.NetworkIdentity) *v1alpha1.NetworkIdentity {
	t.Helper()
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var out v1alpha1.NetworkIdentity
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// valid is a NetworkIdentity that uses most fields and passes Validate once
// defaulted; each Validate case breaks (or varies) one thing.
const valid = header + `spec:
  ingress:
  - from: {workload: frontend}
    ports: [http, 8080, {port: 9090, protocol: TCP}]
    reason: "frontend reads the cart"
  - from: {namespace: monitoring, podLabels: {app.kubernetes.io/name: prometheus}, serviceAccount: prometheus}
    ports: [metrics]
    reason: "metrics scrape"
  - from: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [http]
    reason: "office network"
  egress:
  - to: {workload: paymentservice, namespace: payments}
    ports: [grpc]
    reason: "charge the card"
  - to: {workload: redis}
    reason: "cart storage (all of redis' Service ports)"
  - to: {cidr: 203.0.113.0/24, except: [203.0.113.7/32]}
    ports: [{port: 443, protocol: TCP}]
    reason: "card network API"
  - to: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}
    ports: [443]
    reason: "v6 API"
  dns: {namespace: kube-system, podLabels: {k8s-app: kube-dns}, nodeLocal: 169.254.20.10}
  identity:
    serviceAccount: cart
    rules:
    - {apiGroups: [""], resources: [configmaps], verbs: [get]}
    clusterRules:
    - {apiGroups: [""], resources: [nodes], verbs: [get], reason: "zone spreading"}
    - {nonResourceURLs: [/healthz], verbs: [get], reason: "probe"}
  podSecurity: {enforce: restricted, version: v1.30}
  registry: {pullSecret: regcred, auth: node-identity}
  mesh: {provider: istio}
  exposure:
    gateway: {parentRef: {name: public, namespace: gateway-system}, hostnames: [shop.example.com, "*.shop.example.com"], port: http}
    controller: {namespace: gateway-system, podLabels: {app: gateway}}
  exceptions:
  - {rule: rbac-no-wildcard, adr: ADR-0042, reason: "operator manages arbitrary CRDs"}
`

func decodeValid(t *testing.T) *v1alpha1.NetworkIdentity {
	t.Helper()
	n, errs := v1alpha1.Decode([]byte(valid))
	if len(errs) > 0 {
		t.Fatalf("Decode(valid): %v", errs)
	}
	return n
}

func TestValidate(t *testing.T) {
	fqdn := func(name string) v1alpha1.EgressRule {
		return v1alpha1.EgressRule{To: v1alpha1.Peer{FQDN: name}, Ports: []v1alpha1.PortRef{{Port: intstr.FromInt32(443)}}, Reason: "api"}
	}
	num := func(n int32) v1alpha1.PortRef { return v1alpha1.PortRef{Port: intstr.FromInt32(n)} }
	name := func(s string) v1alpha1.PortRef { return v1alpha1.PortRef{Port: intstr.FromString(s)} }
	podsEgress := func(port v1alpha1.PortRef) v1alpha1.EgressRule {
		return v1alpha1.EgressRule{To: v1alpha1.Peer{Namespace: "monitoring", PodLabels: map[string]string{"app": "collector"}},
			Ports: []v1alpha1.PortRef{port}, Reason: "traces"}
	}
	clusterRules := func(n int) []v1alpha1.Rule {
		var out []v1alpha1.Rule
		for range n {
			out = append(out, v1alpha1.Rule{PolicyRule: rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get"}}, Reason: "r"})
		}
		return out
	}
	tests := []struct {
		name   string
		mutate func(n *v1alpha1.NetworkIdentity)
		// want is the exact list of error paths (sorted); empty means valid.
		want []string
		// msg, if set, must appear in some error's message.
		msg string
	}{
		{name: "the base document is valid", mutate: func(*v1alpha1.NetworkIdentity) {}},
		{name: "a minimal config is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec = v1alpha1.Spec{} }},

		// metadata
		{name: "metadata.name must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Name, n.Spec.Workload = "Cart", "cart" },
			want: []string{"metadata.name"}},
		{name: "metadata.namespace of 63 characters is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Namespace = strings.Repeat("n", 63) }},
		{name: "metadata.namespace of 70 characters", mutate: func(n *v1alpha1.NetworkIdentity) { n.Namespace = strings.Repeat("n", 70) },
			want: []string{"metadata.namespace"}, msg: "no more than 63"},
		{name: "metadata.namespace with upper case", mutate: func(n *v1alpha1.NetworkIdentity) { n.Namespace = "Shop" }, want: []string{"metadata.namespace"}},
		{name: "metadata.namespace with a path", mutate: func(n *v1alpha1.NetworkIdentity) { n.Namespace = "../../x" }, want: []string{"metadata.namespace"}},
		{name: "metadata.namespace with a newline", mutate: func(n *v1alpha1.NetworkIdentity) { n.Namespace = "shop\nx" },
			want: []string{"metadata.namespace"}, msg: `"shop\nx"`},

		// top-level fields
		{name: "service must be a DNS-1035 label (a Service name starts with a letter)", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Service = "1cart" },
			want: []string{"spec.service"}},
		{name: "workload must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Workload = "Cart_Service" }, want: []string{"spec.workload"}},
		{name: "service must be a DNS label", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Service = "cart.svc" }, want: []string{"spec.service"}},
		{name: "tier is critical or standard", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Tier = "gold" }, want: []string{"spec.tier"}, msg: "critical"},
		{name: "tier critical is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Tier = v1alpha1.TierCritical }},
		{name: "mode is enforce or audit", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Mode = "dry-run" }, want: []string{"spec.mode"}},
		{name: "mode audit is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Mode = v1alpha1.ModeAudit }},
		{name: "cni is a known plugin", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.CNI = "flannel" }, want: []string{"spec.cni"}},

		// peers
		{name: "peer: none given", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[0].From = v1alpha1.Peer{} }, want: []string{"spec.ingress[0].from"}, msg: "one of workload"},
		{name: "peer: namespace alone would allow the whole namespace", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Ingress[1].From.PodLabels, n.Spec.Ingress[1].From.ServiceAccount = nil, ""
		}, want: []string{"spec.ingress[1].from.podLabels"}, msg: "namespace alone"},
		{name: "peer: podLabels without namespace", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[1].From.Namespace = "" }, want: []string{"spec.ingress[1].from.namespace"}},
		{name: "peer: workload and cidr together", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[0].To.CIDR = "203.0.113.0/24" },
			want: []string{"spec.egress[0].ports[0]", "spec.egress[0].to", "spec.egress[0].to.namespace"}, msg: "exactly one"},
		{name: "peer: workload name must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[1].To.Workload = "Redis!" }, want: []string{"spec.egress[1].to.workload"}},
		{name: "peer: namespace must be a DNS label", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[0].To.Namespace = "Payments" }, want: []string{"spec.egress[0].to.namespace"}},
		{name: "peer: invalid label key", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Ingress[1].From.PodLabels = map[string]string{"bad key": "x"}
		}, want: []string{"spec.ingress[1].from.podLabels[bad key]"}},
		{name: "peer: invalid label value", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Ingress[1].From.PodLabels = map[string]string{"app": "-bad-"}
		}, want: []string{"spec.ingress[1].from.podLabels[app]"}},
		{name: "peer: serviceAccount only for pods outside the render", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[0].From.ServiceAccount = "frontend" },
			want: []string{"spec.ingress[0].from.serviceAccount"}},
		{name: "peer: except without cidr", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[1].To.Except = []string{"10.0.0.0/8"} },
			want: []string{"spec.egress[1].to.except"}},
		{name: "peer: cidr has no namespace", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].To.Namespace = "shop" },
			want: []string{"spec.egress[2].to.namespace"}},
		{name: "peer: fqdn with cilium is valid", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.CNI = v1alpha1.CNICilium
			n.Spec.Egress = append(n.Spec.Egress, fqdn("api.example.com"), fqdn("*.example.com"), fqdn("api.example.com."))
		}},
		{name: "peer: fqdn needs cilium", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.CNI = v1alpha1.CNICalico
			n.Spec.Egress = append(n.Spec.Egress, fqdn("api.example.com"))
		}, want: []string{"spec.egress[4].to.fqdn"}, msg: "cilium"},
		// with spec.cni generic the cluster's CNI decides, in the render
		// (plan; golden error-fqdn-needs-cilium)
		{name: "peer: fqdn with the cluster's CNI", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress = append(n.Spec.Egress, fqdn("api.example.com")) }},
		{name: "peer: fqdn with a label over 63 characters", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.CNI = v1alpha1.CNICilium
			n.Spec.Egress = append(n.Spec.Egress, fqdn(strings.Repeat("a", 64)+".example.com"))
		}, want: []string{"spec.egress[4].to.fqdn"}},
		{name: "peer: namespace of 70 characters", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[0].To.Namespace = strings.Repeat("p", 70) },
			want: []string{"spec.egress[0].to.namespace"}},
		{name: "peer: fqdn must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.CNI = v1alpha1.CNICilium
			n.Spec.Egress = append(n.Spec.Egress, fqdn("https://api.example.com/"))
		}, want: []string{"spec.egress[4].to.fqdn"}},
		{name: "peer: fqdn is egress only", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.CNI = v1alpha1.CNICilium
			n.Spec.Ingress[0].From = v1alpha1.Peer{FQDN: "api.example.com"}
		}, want: []string{"spec.ingress[0].from.fqdn"}, msg: "egress"},
		{name: "ingress reason is required", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[0].Reason = "  " }, want: []string{"spec.ingress[0].reason"}},
		{name: "egress reason is required", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[3].Reason = "" }, want: []string{"spec.egress[3].reason"}},

		// ports
		{name: "port 0", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[0].Ports[1] = num(0) }, want: []string{"spec.ingress[0].ports[1]"}},
		{name: "port 65536", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].Ports[0] = num(65536) }, want: []string{"spec.egress[2].ports[0]"}},
		{name: "port 65535 is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].Ports[0] = num(65535) }},
		{name: "a Service port name of 16 characters is valid (Service port names are DNS labels)", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Ingress[0].Ports[0] = name("a-very-long-port")
			n.Spec.Egress[0].Ports[0] = name(strings.Repeat("g", 63))
		}},
		{name: "a Service port name of 64 characters", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[0].Ports[0] = name(strings.Repeat("h", 64)) },
			want: []string{"spec.ingress[0].ports[0]"}, msg: "no more than 63"},
		{name: "a port name of 15 characters for pods outside the render is valid", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Egress = append(n.Spec.Egress, podsEgress(name("fifteen-chars-x")))
		}},
		{name: "a port name of 16 characters for pods outside the render (copied into the policy)", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Egress = append(n.Spec.Egress, podsEgress(name("a-very-long-port")))
		}, want: []string{"spec.egress[4].ports[0]"}, msg: "no more than 15"},
		{name: "port name with upper case", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[0].Ports[0] = name("GRPC") }, want: []string{"spec.egress[0].ports[0]"}},
		{name: "protocol must be TCP, UDP or SCTP", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[0].Ports[2].Protocol = "HTTP" }, want: []string{"spec.ingress[0].ports[2].protocol"}},
		{name: "UDP and SCTP are valid", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Ingress[0].Ports[2].Protocol = corev1.ProtocolUDP
			n.Spec.Egress[2].Ports[0].Protocol = corev1.ProtocolSCTP
		}},
		{name: "a callee outside the render needs ports", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].Ports = nil }, want: []string{"spec.egress[2].ports"}},
		{name: "a cidr callee has no named ports", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Egress[2].Ports = []v1alpha1.PortRef{num(443), name("https")}
		},
			want: []string{"spec.egress[2].ports[1]"}, msg: "give a number"},

		// cidr / except
		{name: "cidr: not a CIDR", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Egress[2].To.CIDR = "203.0.113.0"
			n.Spec.Egress[2].To.Except = nil
		},
			want: []string{"spec.egress[2].to.cidr"}},
		{name: "cidr: host bits set", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].To.CIDR = "203.0.113.5/24" },
			want: []string{"spec.egress[2].to.cidr"}, msg: "203.0.113.0/24"},
		{name: "except: not a CIDR", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].To.Except = []string{"203.0.113.7/32", "nope"} },
			want: []string{"spec.egress[2].to.except[1]"}},
		{name: "except: outside the cidr", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].To.Except = []string{"198.51.100.0/25"} },
			want: []string{"spec.egress[2].to.except[0]"}, msg: "strict subset"},
		{name: "except: equal to the cidr", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[2].To.Except = []string{"203.0.113.0/24"} },
			want: []string{"spec.egress[2].to.except[0]"}},
		{name: "except: other address family", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Egress[3].To.Except = []string{"203.0.113.0/25"} },
			want: []string{"spec.egress[3].to.except[0]"}},
		{name: "ingress cidr: host bits set", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Ingress[2].From.CIDR = "10.0.0.1/8" },
			want: []string{"spec.ingress[2].from.cidr"}},

		// dns
		{name: "dns: namespace must be a DNS label", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.DNS.Namespace = "kube_system" }, want: []string{"spec.dns.namespace"}},
		{name: "dns: invalid label", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.DNS.PodLabels = map[string]string{"k8s-app": "kube dns"} }, want: []string{"spec.dns.podLabels[k8s-app]"}},
		{name: "dns: nodeLocal must be an IP", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.DNS.NodeLocal = "169.254.20.10/32" }, want: []string{"spec.dns.nodeLocal"}},
		{name: "dns: IPv6 nodeLocal is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.DNS.NodeLocal = "fd00::10" }},
		{name: "dns: disabled is not checked further", mutate: func(n *v1alpha1.NetworkIdentity) {
			f := false
			n.Spec.DNS = &v1alpha1.DNS{Enabled: &f, Namespace: "Not_Checked"}
		}},

		// identity
		{name: "identity: the default ServiceAccount is refused", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.ServiceAccount = "default" },
			want: []string{"spec.identity.serviceAccount"}, msg: "default ServiceAccount"},
		{name: "identity: ServiceAccount must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.ServiceAccount = "Cart SA" },
			want: []string{"spec.identity.serviceAccount"}},
		{name: "identity: replaces must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.Replaces = "Old SA" },
			want: []string{"spec.identity.replaces"}},
		{name: "identity: replaces default is refused", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.Replaces = "default" },
			want: []string{"spec.identity.replaces"}, msg: "without replaces"},
		{name: "identity: a ServiceAccount cannot replace itself", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.Replaces = n.Spec.Identity.ServiceAccount },
			want: []string{"spec.identity.replaces"}, msg: "cannot replace itself"},
		{name: "identity: rule without verbs", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.Rules[0].Verbs = nil }, want: []string{"spec.identity.rules[0].verbs"}},
		{name: "identity: rule without resources", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.Rules[0].Resources = nil }, want: []string{"spec.identity.rules[0].resources"}},
		{name: "identity: resources without apiGroups", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.Rules[0].APIGroups = nil }, want: []string{"spec.identity.rules[0].apiGroups"}},
		{name: "identity: a Role cannot grant nonResourceURLs", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Identity.Rules = append(n.Spec.Identity.Rules, v1alpha1.Rule{PolicyRule: rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}}})
		}, want: []string{"spec.identity.rules[1].nonResourceURLs"}},
		{name: "identity: clusterRule without reason", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.ClusterRules[1].Reason = "" },
			want: []string{"spec.identity.clusterRules[1].reason"}},
		{name: "identity: 32 clusterRules are valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.ClusterRules = clusterRules(32) }},
		{name: "identity: 33 clusterRules are too many", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.ClusterRules = clusterRules(33) },
			want: []string{"spec.identity.clusterRules"}, msg: "at most 32"},
		{name: "identity: clusterRule without verbs", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Identity.ClusterRules[0].Verbs = nil },
			want: []string{"spec.identity.clusterRules[0].verbs"}},

		// podSecurity
		{name: "podSecurity: unknown enforce level", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.PodSecurity.Enforce = "strict" }, want: []string{"spec.podSecurity.enforce"}},
		{name: "podSecurity: unknown audit and warn levels", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.PodSecurity.Audit, n.Spec.PodSecurity.Warn = "Restricted", "none"
		},
			want: []string{"spec.podSecurity.audit", "spec.podSecurity.warn"}},
		{name: "podSecurity: lower levels validate (their refusal is a rule, not a field error)", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.PodSecurity.Enforce, n.Spec.PodSecurity.Audit = "baseline", "privileged"
		}},
		{name: "podSecurity: version without v", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.PodSecurity.Version = "1.30" }, want: []string{"spec.podSecurity.version"}},
		{name: "podSecurity: version v2.0", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.PodSecurity.Version = "v2.0" }, want: []string{"spec.podSecurity.version"}},
		{name: "podSecurity: version with a leading zero (PodSecurity refuses it)", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.PodSecurity.Version = "v1.030" },
			want: []string{"spec.podSecurity.version"}},
		{name: "podSecurity: version past any int (and past a label value's 63 characters)", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.PodSecurity.Version = "v1." + strings.Repeat("9", 61)
		}, want: []string{"spec.podSecurity.version"}},
		{name: "podSecurity: version latest", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.PodSecurity.Version = "latest" }},

		// registry
		{name: "registry: unknown auth", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Registry.Auth = "token" }, want: []string{"spec.registry.auth"}},
		{name: "registry: static validates (its refusal is a rule)", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Registry.Auth = v1alpha1.AuthStatic }},
		{name: "registry: pullSecret must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Registry.PullSecret = "Reg_Cred" }, want: []string{"spec.registry.pullSecret"}},
		{name: "registry: no pullSecret is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Registry.PullSecret = "" }},

		// mesh
		{name: "mesh: unknown provider", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Mesh = &v1alpha1.Mesh{Provider: "consul"} }, want: []string{"spec.mesh.provider"}},
		{name: "mesh: unknown mtls", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Mesh.MTLS = "DISABLE" }, want: []string{"spec.mesh.mtls"}},
		{name: "mesh: lower-case strict is not STRICT", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Mesh.MTLS = "strict" }, want: []string{"spec.mesh.mtls"}},
		{name: "mesh: linkerd PERMISSIVE validates (its refusal is a rule)", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Mesh = &v1alpha1.Mesh{Provider: v1alpha1.MeshLinkerd, MTLS: "PERMISSIVE"}
		}},
		{name: "mesh: none needs eastWest", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Mesh = &v1alpha1.Mesh{Provider: v1alpha1.MeshNone} }, want: []string{"spec.mesh.eastWest"}},
		{name: "mesh: none with mtls", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Mesh = &v1alpha1.Mesh{Provider: v1alpha1.MeshNone, MTLS: "STRICT", EastWest: "wireguard"}
		}, want: []string{"spec.mesh.mtls"}},
		{name: "mesh: none with eastWest is valid", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Mesh = &v1alpha1.Mesh{Provider: v1alpha1.MeshNone, EastWest: "WireGuard by the CNI"}
		}},

		// exposure
		{name: "exposure: no path at all", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway = nil }, want: []string{"spec.exposure"}},
		{name: "exposure: both gateway and ingress", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", Port: name("http")}
		}, want: []string{"spec.exposure"}, msg: "not both"},
		{name: "exposure: controller is required", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Controller = nil }, want: []string{"spec.exposure.controller"}},
		{name: "exposure: controller needs podLabels", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Controller.PodLabels = nil }, want: []string{"spec.exposure.controller.podLabels"}},
		{name: "exposure: controller needs a namespace", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Controller.Namespace = "" }, want: []string{"spec.exposure.controller.namespace"}},
		{name: "exposure: gateway needs a parentRef name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.ParentRef.Name = "" }, want: []string{"spec.exposure.gateway.parentRef.name"}},
		{name: "exposure: invalid hostname", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Hostnames[1] = "shop example" }, want: []string{"spec.exposure.gateway.hostnames[1]"}},
		{name: "exposure: path must start with /", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "shop" }, want: []string{"spec.exposure.gateway.path"}},
		{name: "exposure: sectionName must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.ParentRef.SectionName = "HTTPS_1" },
			want: []string{"spec.exposure.gateway.parentRef.sectionName"}},
		{name: "exposure: sectionName https is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.ParentRef.SectionName = "https" }},
		{name: "exposure: an IP address is no hostname", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Hostnames[0] = "203.0.113.10" },
			want: []string{"spec.exposure.gateway.hostnames[0]"}, msg: "not an IP address"},
		{name: "exposure: a path with escapes and sub-delimiters is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/api/v1/caf%C3%A9;x=1" }},
		{name: "exposure: path with //", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/api//v1" },
			want: []string{"spec.exposure.gateway.path"}, msg: `"//"`},
		{name: "exposure: path with /../", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/api/../admin" },
			want: []string{"spec.exposure.gateway.path"}},
		{name: "exposure: path ending in /.", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/api/." },
			want: []string{"spec.exposure.gateway.path"}},
		{name: "exposure: path with an escaped slash", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/a%2Fb" },
			want: []string{"spec.exposure.gateway.path"}},
		{name: "exposure: path with a space", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/a b" },
			want: []string{"spec.exposure.gateway.path"}, msg: "only letters"},
		{name: "exposure: path of 1024 characters is valid", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/" + strings.Repeat("p", 1023) }},
		{name: "exposure: path of 1025 characters", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Path = "/" + strings.Repeat("p", 1024) },
			want: []string{"spec.exposure.gateway.path"}, msg: "1024"},
		{name: "exposure: ingress path is checked alike", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", Path: "/shop/./cart", Port: name("http")}
		}, want: []string{"spec.exposure.ingress.path"}},
		{name: "exposure: unknown route kind", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Kind = "UDPRoute" }, want: []string{"spec.exposure.gateway.kind"}},
		{name: "exposure: a GRPCRoute has no path", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway.Kind, n.Spec.Exposure.Gateway.Path = v1alpha1.RouteGRPC, "/x"
		},
			want: []string{"spec.exposure.gateway.path"}, msg: "HTTPRoute only"},
		{name: "exposure: a valid GRPCRoute", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway.Kind, n.Spec.Exposure.Gateway.Path = v1alpha1.RouteGRPC, ""
		}},
		{name: "exposure: a TLSRoute needs hostnames", mutate: func(n *v1alpha1.NetworkIdentity) {
			g := n.Spec.Exposure.Gateway
			g.Kind, g.Path, g.Hostnames = v1alpha1.RouteTLS, "", nil
		}, want: []string{"spec.exposure.gateway.hostnames"}},
		{name: "exposure: a TCPRoute has no hostnames", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway.Kind, n.Spec.Exposure.Gateway.Path = v1alpha1.RouteTCP, ""
		}, want: []string{"spec.exposure.gateway.hostnames"}},
		{name: "exposure: plainReason beside a tlsSecret", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", TLSSecret: "tls", PlainReason: "x", Path: "/", Port: name("http")}
		}, want: []string{"spec.exposure.ingress.plainReason"}},
		{name: "exposure: plainReason is free text", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", PlainReason: "a\nb", Path: "/", Port: name("http")}
		}, want: []string{"spec.exposure.ingress.plainReason"}},
		{name: "exposure: a valid loadBalancer alone, without controller", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure = &v1alpha1.Exposure{LoadBalancer: &v1alpha1.ServiceExposure{Service: "shop-lb", SourceRanges: []string{"198.51.100.0/24", "2001:db8::/32"}, Ports: []v1alpha1.PortRef{name("https")}}}
		}},
		{name: "exposure: a controller with loadBalancer alone", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.LoadBalancer = &v1alpha1.ServiceExposure{Service: "shop-lb", SourceRanges: []string{"198.51.100.0/24"}}
		}, want: []string{"spec.exposure.controller"}},
		{name: "exposure: loadBalancer needs sourceRanges and a Service name", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.LoadBalancer = &v1alpha1.ServiceExposure{}
		}, want: []string{"spec.exposure.loadBalancer.service", "spec.exposure.loadBalancer.sourceRanges"}},
		{name: "exposure: nodePort ranges are canonical CIDRs", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.NodePort = &v1alpha1.ServiceExposure{Service: "shop-np", SourceRanges: []string{"10.0.0.1/8", "nope"}, NodeCIDRs: []string{"10.1.0.0/33"}, Ports: []v1alpha1.PortRef{num(0)}}
		}, want: []string{"spec.exposure.nodePort.nodeCIDRs[0]", "spec.exposure.nodePort.ports[0]", "spec.exposure.nodePort.sourceRanges[0]", "spec.exposure.nodePort.sourceRanges[1]"}},
		{name: "exposure: an open range validates (its refusal is a rule)", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.NodePort = &v1alpha1.ServiceExposure{Service: "shop-np", SourceRanges: []string{"0.0.0.0/0", "::/0"}}
		}},
		{name: "exposure: gateway port 0", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exposure.Gateway.Port = num(0) }, want: []string{"spec.exposure.gateway.port"}},
		{name: "exposure: a valid ingress", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", TLSSecret: "shop-tls", Port: num(8443)}
		}},
		{name: "exposure: ingress needs className and host", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{Port: name("http")}
		}, want: []string{"spec.exposure.ingress.className", "spec.exposure.ingress.host"}},
		{name: "exposure: ingress tlsSecret must be a DNS name", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exposure.Gateway = nil
			n.Spec.Exposure.Ingress = &v1alpha1.IngressExposure{ClassName: "nginx", Host: "shop.example.com", TLSSecret: "Shop TLS", Port: name("http")}
		}, want: []string{"spec.exposure.ingress.tlsSecret"}},

		// exceptions
		{name: "exception: rule, adr and reason are required", mutate: func(n *v1alpha1.NetworkIdentity) {
			n.Spec.Exceptions = append(n.Spec.Exceptions, v1alpha1.Exception{})
		}, want: []string{"spec.exceptions[1].adr", "spec.exceptions[1].reason", "spec.exceptions[1].rule"}},
		{name: "exception: adr is required", mutate: func(n *v1alpha1.NetworkIdentity) { n.Spec.Exceptions[0].ADR = "" }, want: []string{"spec.exceptions[0].adr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := decodeValid(t)
			tt.mutate(n)
			n.Default()
			errs := n.Validate()
			got := paths(errs)
			slices.Sort(got)
			got = slices.Compact(got) // one field may break several checks
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("error paths = %q, want %q\nerrors: %v", got, want, errs)
			}
			if tt.msg != "" && !slices.ContainsFunc(errs, func(e v1alpha1.FieldError) bool { return strings.Contains(e.Message, tt.msg) }) {
				t.Errorf("no message contains %q: %v", tt.msg, errs)
			}
		})
	}
}

// TestValidateAfterDefault: Validate expects a defaulted config; an
// undefaulted one is refused on the enums rather than crashing.
func TestValidateUndefaulted(t *testing.T) {
	n := &v1alpha1.NetworkIdentity{ObjectMeta: metav1.ObjectMeta{Name: "cart"}}
	errs := n.Validate()
	got := paths(errs)
	slices.Sort(got)
	want := []string{"spec.cni", "spec.mode", "spec.rollout", "spec.tier", "spec.workload"}
	if !slices.Equal(got, want) {
		t.Errorf("paths = %q, want %q", got, want)
	}
}

// TestValidateFreeText: every free-text field (reasons, ADRs, eastWest) has
// at most MaxText characters on one line of plain text; the error names the
// field and the code point, and never echoes the offending character.
func TestValidateFreeText(t *testing.T) {
	fields := []struct {
		path string
		set  func(n *v1alpha1.NetworkIdentity, v string)
	}{
		{"spec.ingress[0].reason", func(n *v1alpha1.NetworkIdentity, v string) { n.Spec.Ingress[0].Reason = v }},
		{"spec.egress[2].reason", func(n *v1alpha1.NetworkIdentity, v string) { n.Spec.Egress[2].Reason = v }},
		{"spec.identity.rules[0].reason", func(n *v1alpha1.NetworkIdentity, v string) { n.Spec.Identity.Rules[0].Reason = v }},
		{"spec.identity.clusterRules[1].reason", func(n *v1alpha1.NetworkIdentity, v string) { n.Spec.Identity.ClusterRules[1].Reason = v }},
		{"spec.exceptions[0].reason", func(n *v1alpha1.NetworkIdentity, v string) { n.Spec.Exceptions[0].Reason = v }},
		{"spec.exceptions[0].adr", func(n *v1alpha1.NetworkIdentity, v string) { n.Spec.Exceptions[0].ADR = v }},
		{"spec.mesh.eastWest", func(n *v1alpha1.NetworkIdentity, v string) {
			n.Spec.Mesh = &v1alpha1.Mesh{Provider: v1alpha1.MeshNone, EastWest: v}
		}},
	}
	tests := []struct {
		name  string
		value string
		// msg is the expected message ("" for valid); bad is the raw
		// character the message must not contain.
		msg string
		bad string
	}{
		{name: "plain ASCII", value: "frontend places orders"},
		{name: "non-ASCII text", value: "Zahlungsabwicklung für Kunden — 注文 ✓"},
		{name: "1024 characters", value: strings.Repeat("r", 1024)},
		{name: "1024 four-byte characters", value: strings.Repeat("𝄞", 1024)},
		{name: "1025 characters", value: strings.Repeat("r", 1025), msg: "may not be more than 1024 characters"},
		{name: "270 KB", value: strings.Repeat("r", 270*1024), msg: "may not be more than 1024 characters"},
		{name: "newline", value: "line one\nline two", msg: "contains U+000A (a control character) at character 9", bad: "\n"},
		{name: "tab", value: "a\tb", msg: "contains U+0009 (a control character) at character 2", bad: "\t"},
		{name: "NUL", value: "a\x00", msg: "U+0000 (a control character)", bad: "\x00"},
		{name: "escape", value: "\x1b[31mred", msg: "U+001B (a control character) at character 1", bad: "\x1b"},
		{name: "DEL", value: "a\x7f", msg: "U+007F (a control character)", bad: "\x7f"},
		{name: "C1 next line", value: "a\u0085b", msg: "U+0085 (a control character)", bad: "\u0085"},
		{name: "right-to-left override", value: "pay \u202Eredro\u202C", msg: "contains U+202E RIGHT-TO-LEFT OVERRIDE (a bidirectional formatting character) at character 5", bad: "\u202E"},
		{name: "left-to-right embedding", value: "\u202Ax", msg: "U+202A LEFT-TO-RIGHT EMBEDDING", bad: "\u202A"},
		{name: "pop directional formatting", value: "x\u202C", msg: "U+202C POP DIRECTIONAL FORMATTING", bad: "\u202C"},
		{name: "left-to-right isolate", value: "x\u2066y", msg: "U+2066 LEFT-TO-RIGHT ISOLATE", bad: "\u2066"},
		{name: "pop directional isolate", value: "x\u2069", msg: "U+2069 POP DIRECTIONAL ISOLATE", bad: "\u2069"},
		{name: "left-to-right mark", value: "x\u200E", msg: "U+200E LEFT-TO-RIGHT MARK", bad: "\u200E"},
		{name: "right-to-left mark", value: "x\u200F", msg: "U+200F RIGHT-TO-LEFT MARK", bad: "\u200F"},
		{name: "arabic letter mark", value: "x\u061C", msg: "U+061C ARABIC LETTER MARK", bad: "\u061C"},
		{name: "line separator", value: "x\u2028y", msg: "U+2028 LINE SEPARATOR", bad: "\u2028"},
	}
	for _, f := range fields {
		for _, tt := range tests {
			t.Run(f.path+"/"+tt.name, func(t *testing.T) {
				n := decodeValid(t)
				f.set(n, tt.value)
				n.Default()
				errs := n.Validate()
				if tt.msg == "" {
					if len(errs) > 0 {
						t.Fatalf("want valid, got %v", errs)
					}
					return
				}
				if got := paths(errs); !slices.Equal(got, []string{f.path}) {
					t.Fatalf("error paths = %q, want [%q]\nerrors: %v", got, f.path, errs)
				}
				if !strings.Contains(errs[0].Message, tt.msg) {
					t.Errorf("message %q does not contain %q", errs[0].Message, tt.msg)
				}
				if tt.bad != "" && strings.Contains(errs[0].Message, tt.bad) {
					t.Errorf("message echoes the offending character: %q", errs[0].Message)
				}
				if len(errs[0].Message) > 300 {
					t.Errorf("message of %d bytes echoes the value: %.100q…", len(errs[0].Message), errs[0].Message)
				}
			})
		}
	}
}

// The per-rule form of the peer and reason annotations round-trips, and a
// plain value speaks for every rule.
func TestRuleAnnotation(t *testing.T) {
	v := v1alpha1.RuleAnnotationValue([]string{"workload shop/web", "cidr 10.0.0.0/8"}, []string{"workload shop/db"})
	if want := "ingress[0]: workload shop/web\ningress[1]: cidr 10.0.0.0/8\negress[0]: workload shop/db"; v != want {
		t.Fatalf("RuleAnnotationValue = %q, want %q", v, want)
	}
	for _, c := range []struct {
		value, direction string
		i                int
		want             string
	}{
		{v, "ingress", 0, "workload shop/web"},
		{v, "ingress", 1, "cidr 10.0.0.0/8"},
		{v, "egress", 0, "workload shop/db"},
		{v, "egress", 1, ""},
		{v, "ingress", 10, ""},
		{v1alpha1.RuleAnnotationValue(nil, []string{"name resolution"}), "egress", 0, "name resolution"},
		{"workload shop/web", "ingress", 3, "workload shop/web"},
		{"ingress[1] is not the per-rule form", "ingress", 1, "ingress[1] is not the per-rule form"},
	} {
		if got := v1alpha1.RuleAnnotation(c.value, c.direction, c.i); got != c.want {
			t.Errorf("RuleAnnotation(%q, %s, %d) = %q, want %q", c.value, c.direction, c.i, got, c.want)
		}
	}
}
