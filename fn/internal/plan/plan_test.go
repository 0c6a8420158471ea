package plan_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
)

// deploy is a Deployment name/ns selecting app=<app>, with the given
// container ports (flow-style YAML, "" for none) and extra metadata
// annotations (flow-style map body, "" for none).
func deploy(kind, name, ns, app, ports, annos string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apps/v1\nkind: %s\nmetadata:\n  name: %s\n", kind, name)
	if ns != "" {
		fmt.Fprintf(&b, "  namespace: %s\n", ns)
	}
	if annos != "" {
		fmt.Fprintf(&b, "  annotations: {%s}\n", annos)
	}
	fmt.Fprintf(&b, "spec:\n  selector: {matchLabels: {app: %s}}\n  template:\n    metadata: {labels: {app: %s}}\n    spec:\n      containers:\n      - name: %s\n        image: example.com/%s:1\n", app, app, app, app)
	if ports != "" {
		fmt.Fprintf(&b, "        ports: %s\n", ports)
	}
	return b.String()
}

func dep(name, ns string, ports string) string {
	return deploy("Deployment", name, ns, name, ports, "")
}

// svc is a Service name/ns selecting app=<app> with the given ports.
func svc(name, ns, app, ports string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\nspec:\n  selector: {app: %s}\n  ports: %s\n", name, ns, app, ports)
}

// ni is a NetworkIdentity item; spec is the YAML body under spec (indented
// by two spaces), "" for an empty spec.
func ni(name, ns, spec string) string {
	s := fmt.Sprintf("apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata:\n  name: %s\n", name)
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	s += "  annotations: {config.kubernetes.io/local-config: \"true\"}\nspec:\n"
	if spec == "" {
		return s + "  mesh: {provider: none, eastWest: app TLS}\n"
	}
	return s + spec + "  mesh: {provider: none, eastWest: app TLS}\n"
}

// makePlan loads the documents (kio.ParseAll) and plans them; load findings
// must not be errors.
func makePlan(t *testing.T, docs ...string) (*plan.Plan, finding.List) {
	t.Helper()
	nodes, err := kio.ParseAll(strings.Join(docs, "---\n"))
	if err != nil {
		t.Fatalf("parsing the test input: %v", err)
	}
	m, fs := load.Load(nodes, nil)
	if fs.HasErrors() {
		t.Fatalf("load: %v", fs)
	}
	return plan.Make(m)
}

// mustPlan is makePlan without findings of any kind.
func mustPlan(t *testing.T, docs ...string) *plan.Plan {
	t.Helper()
	p, fs := makePlan(t, docs...)
	if len(fs) > 0 {
		t.Fatalf("plan findings: %v", fs)
	}
	return p
}

func workload(t *testing.T, p *plan.Plan, ns, name string) *plan.Workload {
	t.Helper()
	for _, w := range p.Workloads {
		if w.Namespace() == ns && w.Name() == name {
			return w
		}
	}
	t.Fatalf("no planned workload %s/%s", ns, name)
	return nil
}

func portStrings(ps []plan.Port) []string {
	out := []string{}
	for _, p := range ps {
		s := p.String()
		if p.Target.Type == intstr.String {
			s = "name:" + s
		}
		if p.Via != "" {
			s += " via " + p.Via
		}
		out = append(out, s)
	}
	return out
}

func TestPortResolution(t *testing.T) {
	const (
		cartWithPorts = `[{name: grpc, containerPort: 7070}, {name: http, containerPort: 8080}, {name: admin, containerPort: 9000}, {name: syslog, containerPort: 514, protocol: UDP}]`
		// cart's Service: named and numeric target ports, an unset one, a UDP one.
		cartSvcPorts = `[{name: grpc, port: 7070, targetPort: grpc}, {name: http, port: 80, targetPort: 8080}, {name: metrics, port: 9090}, {name: dns, port: 53, targetPort: 5353, protocol: UDP}]`
	)
	tests := []struct {
		name string
		// ports is the flow-style ports list of frontend's egress to cart ("" for none).
		ports string
		// svcs are cart's Services (flow-style ports lists).
		svcs []string
		// want are the resolved ports, see portStrings; err, if set, is the
		// field of the expected error.
		want []string
		err  string
		msg  string
	}{
		{name: "Service port name to a named targetPort keeps the name", ports: "[grpc]", svcs: []string{cartSvcPorts},
			want: []string{"name:grpc/TCP via cart:grpc/7070"}},
		{name: "Service port name to a numeric targetPort", ports: "[http]", svcs: []string{cartSvcPorts},
			want: []string{"8080/TCP via cart:http/80"}},
		{name: "Service port number to a numeric targetPort (never the Service port)", ports: "[80]", svcs: []string{cartSvcPorts},
			want: []string{"8080/TCP via cart:http/80"}},
		{name: "Service port number to a named targetPort", ports: "[7070]", svcs: []string{cartSvcPorts},
			want: []string{"name:grpc/TCP via cart:grpc/7070"}},
		{name: "unset targetPort is the port itself", ports: "[metrics]", svcs: []string{cartSvcPorts},
			want: []string{"9090/TCP via cart:metrics/9090"}},
		{name: "the Service port's protocol carries over", ports: "[dns]", svcs: []string{cartSvcPorts},
			want: []string{"5353/UDP via cart:dns/53"}},
		{name: "a declared protocol wins", ports: "[{port: metrics, protocol: SCTP}]", svcs: []string{cartSvcPorts},
			want: []string{"9090/SCTP via cart:metrics/9090"}},
		{name: "unnamed Service port by number", ports: "[8443]", svcs: []string{`[{port: 8443, targetPort: 443}]`},
			want: []string{"443/TCP via cart:8443"}},
		{name: "quoted number is a number", ports: `["80"]`, svcs: []string{cartSvcPorts},
			want: []string{"8080/TCP via cart:http/80"}},
		{name: "several ports are sorted", ports: "[metrics, grpc, 80]", svcs: []string{cartSvcPorts},
			want: []string{"8080/TCP via cart:http/80", "9090/TCP via cart:metrics/9090", "name:grpc/TCP via cart:grpc/7070"}},
		{name: "container port by name when no Service", ports: "[admin]",
			want: []string{"name:admin/TCP"}},
		{name: "container port by number when no Service", ports: "[9000]",
			want: []string{"9000/TCP"}},
		{name: "container port's protocol carries over", ports: "[syslog]",
			want: []string{"name:syslog/UDP"}},
		{name: "container port fallback past the Service", ports: "[admin]", svcs: []string{cartSvcPorts},
			want: []string{"name:admin/TCP"}},
		{name: "default: every Service port, as target ports", svcs: []string{cartSvcPorts},
			want: []string{"5353/UDP via cart:dns/53", "8080/TCP via cart:http/80", "9090/TCP via cart:metrics/9090", "name:grpc/TCP via cart:grpc/7070"}},
		{name: "default: every port of every Service selecting the pods", svcs: []string{`[{name: http, port: 80, targetPort: 8080}]`, `[{name: metrics, port: 9090}]`},
			want: []string{"8080/TCP via cart:http/80", "9090/TCP via cart-2:metrics/9090"}},
		{name: "default: two Service ports on one pod port are one port", svcs: []string{`[{name: http, port: 80, targetPort: 8080}, {name: alt, port: 8080}]`},
			want: []string{"8080/TCP via cart:http/80"}},
		{name: "default without a Service: every container port by number",
			want: []string{"514/UDP", "7070/TCP", "8080/TCP", "9000/TCP"}},
		{name: "unknown port name", ports: "[https]", svcs: []string{cartSvcPorts},
			err: "spec.egress[0].ports[0]", msg: "https is not a port of Deployment/shop/cart"},
		{name: "unknown port number (the pod port is not a Service port)", ports: "[grpc, 5353]", svcs: []string{`[{name: grpc, port: 7070, targetPort: grpc}]`},
			err: "spec.egress[0].ports[1]", msg: "5353 is not a port of Deployment/shop/cart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			egress := "  egress:\n  - to: {workload: cart}\n    reason: read\n"
			if tt.ports != "" {
				egress += "    ports: " + tt.ports + "\n"
			}
			docs := []string{dep("frontend", "shop", ""), dep("cart", "shop", cartWithPorts), ni("frontend", "shop", egress), ni("cart", "shop", "")}
			for i, ports := range tt.svcs {
				name := "cart"
				if i > 0 {
					name = fmt.Sprintf("cart-%d", i+1)
				}
				docs = append(docs, svc(name, "shop", "cart", ports))
			}
			p, fs := makePlan(t, docs...)
			if tt.err != "" {
				if len(fs) != 1 || fs[0].Field != tt.err || !strings.Contains(fs[0].Message, tt.msg) || fs[0].Object.String() != "NetworkIdentity/shop/frontend" {
					t.Fatalf("findings = %v, want one error on NetworkIdentity/shop/frontend %s containing %q", fs, tt.err, tt.msg)
				}
				return
			}
			if len(fs) > 0 {
				t.Fatalf("findings: %v", fs)
			}
			if len(p.Flows) != 1 {
				t.Fatalf("flows = %d, want 1", len(p.Flows))
			}
			if got := portStrings(p.Flows[0].Ports); !slices.Equal(got, tt.want) {
				t.Errorf("ports = %q, want %q", got, tt.want)
			}
		})
	}
}

// A Service with TCP and UDP on the same port number (DNS-style) and
// different target ports: {port: 53, protocol: UDP} must resolve through the
// UDP Service port, not the first port numbered 53.
func TestPortResolutionMatchesProtocol(t *testing.T) {
	p := mustPlan(t,
		dep("frontend", "shop", ""), dep("dns", "shop", ""),
		svc("dns", "shop", "dns", `[{name: dns-tcp, port: 53, targetPort: 5353, protocol: TCP}, {name: dns-udp, port: 53, targetPort: 5354, protocol: UDP}]`),
		ni("frontend", "shop", "  egress:\n  - to: {workload: dns}\n    ports: [{port: 53, protocol: UDP}]\n    reason: resolve\n"),
		ni("dns", "shop", ""))
	if got, want := portStrings(p.Flows[0].Ports), []string{"5354/UDP via dns:dns-udp/53"}; !slices.Equal(got, want) {
		t.Errorf("ports = %q, want %q", got, want)
	}
}

// spec.service restricts the callee's ports to the named Service, also for
// flows declared by the caller.
func TestPortResolutionNamedService(t *testing.T) {
	p := mustPlan(t,
		dep("frontend", "shop", ""), dep("cart", "shop", ""),
		svc("cart", "shop", "cart", `[{name: http, port: 80, targetPort: 8080}]`),
		svc("cart-admin", "shop", "cart", `[{name: admin, port: 9000}]`),
		ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    reason: read\n"),
		ni("cart", "shop", "  service: cart\n"))
	if got, want := portStrings(p.Flows[0].Ports), []string{"8080/TCP via cart:http/80"}; !slices.Equal(got, want) {
		t.Errorf("ports = %q, want %q", got, want)
	}
	if got := workload(t, p, "shop", "cart").Services; len(got) != 1 || got[0].Object.Name != "cart" {
		t.Errorf("cart's Services = %v, want only cart", got)
	}
}

// A callee in the render without a NetworkIdentity still resolves its ports
// through the Services selecting it.
func TestPortResolutionUngovernedCallee(t *testing.T) {
	p := mustPlan(t,
		dep("frontend", "shop", ""), dep("cart", "store", ""),
		svc("cart", "store", "cart", `[{name: http, port: 80, targetPort: 8080}]`),
		ni("frontend", "shop", "  egress:\n  - to: {workload: cart, namespace: store}\n    ports: [http]\n    reason: read\n"))
	f := p.Flows[0]
	if got, want := portStrings(f.Ports), []string{"8080/TCP via cart:http/80"}; !slices.Equal(got, want) {
		t.Errorf("ports = %q, want %q", got, want)
	}
	if f.To.Planned != nil || f.IngressPolicy != "" || f.EgressPolicy != "frontend-egress-to-store-cart" {
		t.Errorf("ungoverned callee: planned=%v ingress=%q egress=%q", f.To.Planned, f.IngressPolicy, f.EgressPolicy)
	}
	if len(p.Namespaces) != 1 || p.Namespaces[0].Name != "shop" {
		t.Errorf("namespaces = %v, want only shop (store is not governed)", p.Namespaces)
	}
}

func TestPortResolutionNoPorts(t *testing.T) {
	_, fs := makePlan(t,
		dep("frontend", "shop", ""), dep("cart", "shop", ""),
		ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    reason: read\n"), ni("cart", "shop", ""))
	if len(fs) != 1 || fs[0].Field != "spec.egress[0].ports" || !strings.Contains(fs[0].Message, "no Service and no container ports") {
		t.Errorf("findings = %v, want one error on spec.egress[0].ports", fs)
	}
}

func TestPeerResolution(t *testing.T) {
	const p8080 = `[{containerPort: 8080}]`
	tests := []struct {
		name string
		docs []string
		// to is frontend's egress peer (flow-style).
		to string
		// want is the resolved endpoint as kind:String(); err is the field of
		// the expected error.
		want, wantNS, err, msg string
	}{
		{name: "same namespace by default", to: "{workload: cart}",
			docs: []string{dep("cart", "shop", p8080), dep("cart", "staging", p8080)},
			want: "workload:shop/cart", wantNS: "shop"},
		{name: "another namespace when given", to: "{workload: cart, namespace: staging}",
			docs: []string{dep("cart", "shop", p8080), dep("cart", "staging", p8080)},
			want: "workload:staging/cart", wantNS: "staging"},
		{name: "kustomize previousNames (namePrefix)", to: "{workload: cart}",
			docs: []string{deploy("Deployment", "prod-cart", "shop", "cart", p8080, `internal.config.kubernetes.io/previousNames: "cart,cart", internal.config.kubernetes.io/prefixes: prod-`)},
			want: "workload:shop/prod-cart", wantNS: "shop"},
		{name: "the rendered name works too", to: "{workload: prod-cart}",
			docs: []string{deploy("Deployment", "prod-cart", "shop", "cart", p8080, `internal.config.kubernetes.io/previousNames: "cart,cart"`)},
			want: "workload:shop/prod-cart", wantNS: "shop"},
		{name: "kustomize previousNamespaces", to: "{workload: cart, namespace: store}",
			docs: []string{deploy("Deployment", "cart", "prod-store", "cart", p8080, `internal.config.kubernetes.io/previousNamespaces: "store,store"`)},
			want: "workload:prod-store/cart", wantNS: "prod-store"},
		{name: "a StatefulSet", to: "{workload: db}",
			docs: []string{deploy("StatefulSet", "db", "shop", "db", p8080, "")},
			want: "workload:shop/db", wantNS: "shop"},
		{name: "pods outside the render", to: "{namespace: monitoring, podLabels: {app: prometheus}, serviceAccount: prometheus}",
			want: "pods:monitoring/{app=prometheus}", wantNS: "monitoring"},
		{name: "cidr with except (sorted)", to: "{cidr: 10.0.0.0/8, except: [10.2.0.0/16, 10.1.0.0/16]}",
			want: "cidr:10.0.0.0/8 except 10.1.0.0/16,10.2.0.0/16"},
		{name: "not in the render", to: "{workload: carts}",
			docs: []string{dep("cart", "shop", "")},
			err:  "spec.egress[0].to.workload", msg: `workload "carts" in namespace shop is not in the render`},
		{name: "not in that namespace", to: "{workload: cart}",
			docs: []string{dep("cart", "staging", "")},
			err:  "spec.egress[0].to.workload", msg: "not in the render"},
		{name: "ambiguous: two kinds share the name", to: "{workload: cart}",
			docs: []string{dep("cart", "shop", ""), deploy("StatefulSet", "cart", "shop", "cart-db", "", "")},
			err:  "spec.egress[0].to.workload", msg: "share a name in one namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ports := "[8080]"
			docs := append([]string{dep("frontend", "shop", ""),
				ni("frontend", "shop", "  egress:\n  - to: "+tt.to+"\n    ports: "+ports+"\n    reason: call\n")}, tt.docs...)
			// a governed namespace may hold no ungoverned workload
			p, fs := makePlan(t, docs...)
			var errs finding.List
			for _, f := range fs {
				if f.Field == "metadata.name" && strings.Contains(f.Message, "has no NetworkIdentity") {
					continue // callees in shop are not governed here; that is another test
				}
				errs = append(errs, f)
			}
			if tt.err != "" {
				if len(errs) != 1 || errs[0].Field != tt.err || !strings.Contains(errs[0].Message, tt.msg) {
					t.Fatalf("findings = %v, want one on %s containing %q", errs, tt.err, tt.msg)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("findings: %v", errs)
			}
			f := p.Flows[0]
			if got := string(f.To.Kind) + ":" + f.To.String(); got != tt.want {
				t.Errorf("callee = %q, want %q", got, tt.want)
			}
			if f.To.Namespace != tt.wantNS {
				t.Errorf("callee namespace = %q, want %q", f.To.Namespace, tt.wantNS)
			}
			if f.From.Kind != plan.KindWorkload || f.From.String() != "shop/frontend" {
				t.Errorf("caller = %v", f.From)
			}
		})
	}
}

func TestPeerOutsideRenderKeepsServiceAccount(t *testing.T) {
	p := mustPlan(t, dep("cart", "shop", `[{containerPort: 8080}]`),
		ni("cart", "shop", "  ingress:\n  - from: {namespace: monitoring, podLabels: {app: prometheus}, serviceAccount: prom}\n    reason: scrape\n"))
	from := p.Flows[0].From
	if from.Kind != plan.KindPods || from.ServiceAccount != "prom" || from.Selector.MatchLabels["app"] != "prometheus" {
		t.Errorf("caller = %+v", from)
	}
}

func TestFQDNPeerTrimsTheRootDot(t *testing.T) {
	p := mustPlan(t, dep("pay", "shop", ""),
		ni("pay", "shop", "  cni: cilium\n  egress:\n  - to: {fqdn: api.example.com.}\n    ports: [443]\n    reason: api\n"))
	if got := p.Flows[0].To; got.Kind != plan.KindFQDN || got.FQDN != "api.example.com" {
		t.Errorf("callee = %+v", got)
	}
	if got := p.Flows[0].EgressPolicy; got != "pay-egress-to-fqdn-api-example-com" {
		t.Errorf("policy = %q", got)
	}
}

// The config names its workload; the ServiceAccount defaults to the
// workload's rendered name (kustomize prefix included).
func TestConfigResolution(t *testing.T) {
	prefixed := deploy("Deployment", "prod-cart", "shop", "cart", "", `internal.config.kubernetes.io/previousNames: "cart,cart"`)
	t.Run("previousNames and the rendered ServiceAccount name", func(t *testing.T) {
		p := mustPlan(t, prefixed, ni("cart", "shop", ""))
		w := workload(t, p, "shop", "prod-cart")
		if w.ServiceAccount != "prod-cart" {
			t.Errorf("ServiceAccount = %q, want prod-cart", w.ServiceAccount)
		}
	})
	t.Run("a declared ServiceAccount", func(t *testing.T) {
		p := mustPlan(t, prefixed, ni("cart", "shop", "  identity: {serviceAccount: cart-sa}\n"))
		if w := workload(t, p, "shop", "prod-cart"); w.ServiceAccount != "cart-sa" {
			t.Errorf("ServiceAccount = %q, want cart-sa", w.ServiceAccount)
		}
	})
	t.Run("spec.workload over metadata.name", func(t *testing.T) {
		p := mustPlan(t, dep("cart", "shop", ""), ni("netid", "shop", "  workload: cart\n"))
		workload(t, p, "shop", "cart")
	})
	t.Run("a config without namespace finds the workload anywhere", func(t *testing.T) {
		p := mustPlan(t, dep("cart", "shop", ""), ni("cart", "", ""))
		workload(t, p, "shop", "cart")
	})
	t.Run("a config's namespace must match", func(t *testing.T) {
		_, fs := makePlan(t, dep("cart", "shop", ""), ni("cart", "store", ""))
		if len(fs) != 1 || fs[0].Field != "spec.workload" || !strings.Contains(fs[0].Message, "namespace store") {
			t.Errorf("findings = %v", fs)
		}
	})
	t.Run("ambiguous without namespace", func(t *testing.T) {
		_, fs := makePlan(t, dep("cart", "shop", ""), dep("cart", "staging", ""), ni("cart", "", ""))
		if len(fs) != 1 || fs[0].Field != "spec.workload" || !strings.Contains(fs[0].Message, "ambiguous") {
			t.Errorf("findings = %v", fs)
		}
	})
	t.Run("two configs for one workload", func(t *testing.T) {
		_, fs := makePlan(t, dep("cart", "shop", ""), ni("cart", "shop", ""), ni("cart-2", "shop", "  workload: cart\n"))
		if len(fs) != 1 || fs[0].Object.Name != "cart-2" || !strings.Contains(fs[0].Message, "already has a NetworkIdentity") {
			t.Errorf("findings = %v", fs)
		}
	})
}

func TestNamespaces(t *testing.T) {
	t.Run("one per governed namespace, sorted workloads, settings", func(t *testing.T) {
		p := mustPlan(t, dep("b", "shop", ""), dep("a", "shop", ""), dep("x", "web", ""),
			ni("b", "shop", "  dns: {enabled: false}\n"), ni("a", "shop", "  dns: {enabled: false}\n"),
			strings.Replace(ni("x", "web", "  podSecurity: {enforce: baseline, version: v1.30}\n"), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: istio, redirect: cni}", 1))
		if len(p.Namespaces) != 2 {
			t.Fatalf("namespaces = %d", len(p.Namespaces))
		}
		shop, web := p.Namespaces[0], p.Namespaces[1]
		if shop.Name != "shop" || shop.DNS != nil || shop.Mesh != "" || len(shop.Workloads) != 2 || shop.Workloads[0].Name() != "a" {
			t.Errorf("shop = %+v", shop)
		}
		if web.Name != "web" || web.DNS == nil || web.DNS.Namespace != "kube-system" || web.Mesh != "istio" ||
			web.PodSecurity.Enforce != "baseline" || web.PodSecurity.Audit != "restricted" || web.PodSecurity.Version != "v1.30" {
			t.Errorf("web = %+v", web)
		}
	})
	for _, tt := range []struct{ name, a, b, field, values string }{
		{"pod security disagrees", "  podSecurity: {version: v1.30}\n", "", "spec.podSecurity",
			`version: "latest" in NetworkIdentity/shop/b, "v1.30" in NetworkIdentity/shop/a`},
		{"dns disagrees", "  dns: {nodeLocal: 169.254.20.10}\n", "", "spec.dns",
			`nodeLocal: (unset) in NetworkIdentity/shop/b, "169.254.20.10" in NetworkIdentity/shop/a`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, fs := makePlan(t, dep("a", "shop", ""), dep("b", "shop", ""), ni("a", "shop", tt.a), ni("b", "shop", tt.b))
			if len(fs) != 1 || fs[0].Field != tt.field || fs[0].Object.Name != "b" || !strings.HasSuffix(fs[0].Message, "they disagree: "+tt.values) {
				t.Errorf("findings = %v, want one on NetworkIdentity b %s naming %s", fs, tt.field, tt.values)
			}
		})
	}
	t.Run("two meshes in one namespace", func(t *testing.T) {
		a := strings.Replace(ni("a", "shop", ""), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: istio, redirect: cni}", 1)
		b := strings.Replace(ni("b", "shop", ""), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: linkerd, redirect: cni}", 1)
		_, fs := makePlan(t, dep("a", "shop", ""), dep("b", "shop", ""), a, b)
		if len(fs) != 1 || fs[0].Field != "spec.mesh.provider" || !strings.Contains(fs[0].Message, "linkerd in NetworkIdentity/shop/b, istio in NetworkIdentity/shop/a") {
			t.Errorf("findings = %v", fs)
		}
	})
	t.Run("an ungoverned workload in a governed namespace", func(t *testing.T) {
		_, fs := makePlan(t, dep("a", "shop", ""), deploy("DaemonSet", "agent", "shop", "agent", "", ""), dep("c", "other", ""), ni("a", "shop", ""))
		if len(fs) != 1 || fs[0].Object.String() != "DaemonSet/shop/agent" || fs[0].Field != "metadata.name" {
			t.Errorf("findings = %v, want one on DaemonSet/shop/agent (other/c is in no governed namespace)", fs)
		}
	})
}

func TestFlowMerging(t *testing.T) {
	base := []string{dep("frontend", "shop", ""), dep("cart", "shop", ""),
		svc("cart", "shop", "cart", `[{name: http, port: 80, targetPort: 8080}, {name: admin, port: 9000}]`)}
	t.Run("one declaration gives both ends", func(t *testing.T) {
		p := mustPlan(t, append(base,
			ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [http]\n    reason: read the cart\n"),
			ni("cart", "shop", ""))...)
		if len(p.Flows) != 1 {
			t.Fatalf("flows = %d", len(p.Flows))
		}
		f := p.Flows[0]
		fe, ca := workload(t, p, "shop", "frontend"), workload(t, p, "shop", "cart")
		if len(fe.Out) != 1 || fe.Out[0] != f || len(ca.In) != 1 || ca.In[0] != f || len(fe.In)+len(ca.Out) != 0 {
			t.Errorf("frontend out=%d in=%d, cart in=%d out=%d", len(fe.Out), len(fe.In), len(ca.In), len(ca.Out))
		}
		if f.Reason(true) != "read the cart" || f.Reason(false) != "read the cart" {
			t.Errorf("reasons at callee %q, caller %q", f.Reason(true), f.Reason(false))
		}
		if f.IngressPolicy != "cart-ingress-from-frontend" || f.EgressPolicy != "frontend-egress-to-cart" {
			t.Errorf("policies %q, %q", f.IngressPolicy, f.EgressPolicy)
		}
	})
	t.Run("declared at both ends (by name and by number) is one flow", func(t *testing.T) {
		p := mustPlan(t, append(base,
			ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [http]\n    reason: read the cart\n"),
			ni("cart", "shop", "  ingress:\n  - from: {workload: frontend}\n    ports: [80]\n    reason: serve the storefront\n"))...)
		if len(p.Flows) != 1 {
			t.Fatalf("flows = %d, want 1", len(p.Flows))
		}
		f := p.Flows[0]
		if f.CallerReason != "read the cart" || f.CalleeReason != "serve the storefront" {
			t.Errorf("reasons caller %q callee %q", f.CallerReason, f.CalleeReason)
		}
		if f.Reason(true) != "serve the storefront" || f.Reason(false) != "read the cart" {
			t.Errorf("each end's own reason: callee %q caller %q", f.Reason(true), f.Reason(false))
		}
		want := []string{"NetworkIdentity/shop/cart spec.ingress[0]", "NetworkIdentity/shop/frontend spec.egress[0]"}
		if !slices.Equal(f.DeclaredBy, want) {
			t.Errorf("DeclaredBy = %q, want %q", f.DeclaredBy, want)
		}
		if n := len(workload(t, p, "shop", "cart").In) + len(workload(t, p, "shop", "frontend").Out); n != 2 {
			t.Errorf("policy ends = %d, want 2", n)
		}
	})
	t.Run("the same rule twice at one end is one flow", func(t *testing.T) {
		p := mustPlan(t, append(base,
			ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [http]\n    reason: a\n  - to: {workload: cart}\n    ports: [80]\n    reason: b\n"),
			ni("cart", "shop", ""))...)
		if len(p.Flows) != 1 || len(p.Flows[0].DeclaredBy) != 2 || p.Flows[0].CallerReason != "a" {
			t.Errorf("flows = %d, %+v", len(p.Flows), p.Flows)
		}
	})
	t.Run("different ports are different flows, policies suffixed -2", func(t *testing.T) {
		p := mustPlan(t, append(base,
			ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [http]\n    reason: read the cart\n"),
			ni("cart", "shop", "  ingress:\n  - from: {workload: frontend}\n    ports: [admin]\n    reason: admin\n"))...)
		if len(p.Flows) != 2 {
			t.Fatalf("flows = %d, want 2", len(p.Flows))
		}
		var ingress, egress []string
		for _, f := range p.Flows {
			ingress, egress = append(ingress, f.IngressPolicy), append(egress, f.EgressPolicy)
		}
		slices.Sort(ingress)
		slices.Sort(egress)
		if !slices.Equal(ingress, []string{"cart-ingress-from-frontend", "cart-ingress-from-frontend-2"}) ||
			!slices.Equal(egress, []string{"frontend-egress-to-cart", "frontend-egress-to-cart-2"}) {
			t.Errorf("ingress %q egress %q", ingress, egress)
		}
	})
	t.Run("exposure and an explicit ingress from the controller are one flow", func(t *testing.T) {
		p := mustPlan(t, append(base,
			ni("cart", "shop", "  ingress:\n  - from: {namespace: gw, podLabels: {app: gw}}\n    ports: [http]\n    reason: gateway\n"+
				"  exposure:\n    gateway: {parentRef: {name: public, namespace: gw}, port: http}\n    controller: {namespace: gw, podLabels: {app: gw}}\n"),
			ni("frontend", "shop", ""))...)
		if len(p.Flows) != 1 {
			t.Fatalf("flows = %d, want 1", len(p.Flows))
		}
		w := workload(t, p, "shop", "cart")
		if w.Exposure == nil || w.Exposure.Flow != p.Flows[0] || w.Exposure.ServicePort.Port != 80 {
			t.Errorf("exposure = %+v", w.Exposure)
		}
	})
	t.Run("flows are ordered deterministically", func(t *testing.T) {
		docs := append(base, dep("checkout", "shop", `[{containerPort: 8080}]`),
			ni("frontend", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [http]\n    reason: r\n  - to: {workload: checkout}\n    ports: [8080]\n    reason: r\n"),
			ni("checkout", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [admin]\n    reason: r\n"),
			ni("cart", "shop", ""))
		var first []string
		for i := 0; i < 20; i++ {
			p := mustPlan(t, docs...)
			var got []string
			for _, f := range p.Flows {
				got = append(got, f.From.String()+">"+f.To.String()+":"+f.IngressPolicy+","+f.EgressPolicy)
			}
			if i == 0 {
				first = got
			} else if !slices.Equal(got, first) {
				t.Fatalf("run %d: %q, first run %q", i, got, first)
			}
		}
	})
}

var hashSuffix = regexp.MustCompile(`-[0-9a-f]{8}$`)

func TestPolicyNames(t *testing.T) {
	t.Run("slugs", func(t *testing.T) {
		p := mustPlan(t, dep("frontend", "shop", `[{containerPort: 8080}]`), dep("paymentservice", "payments", `[{containerPort: 50051}]`),
			ni("frontend", "shop", "  cni: cilium\n  ingress:\n  - from: {namespace: monitoring, podLabels: {app.kubernetes.io/name: prometheus, app.kubernetes.io/instance: Main}}\n    reason: scrape\n"+
				"  egress:\n  - to: {workload: paymentservice, namespace: payments}\n    reason: pay\n"+
				"  - to: {cidr: 203.0.113.0/24}\n    ports: [443]\n    reason: card\n"+
				"  - to: {fqdn: '*.example.com'}\n    ports: [443]\n    reason: api\n"))
		var got []string
		for _, f := range p.Flows {
			got = append(got, f.IngressPolicy+f.EgressPolicy)
		}
		slices.Sort(got)
		want := []string{
			"frontend-egress-to-cidr-203-0-113-0-24",
			"frontend-egress-to-fqdn-wildcard-example-com",
			"frontend-egress-to-payments-paymentservice",
			"frontend-ingress-from-monitoring-main-prometheus",
		}
		if !slices.Equal(got, want) {
			t.Errorf("names = %q, want %q", got, want)
		}
	})
	long := func(c string, n int) string { return strings.Repeat(c, n) }
	// A name over 63 characters cannot be a label value: these workloads
	// select their pods by a short app label.
	longDep := func(name, app, ports string) string { return deploy("Deployment", name, "shop", app, ports, "") }
	t.Run("long names are shortened to 253 with a hash, and stay unique", func(t *testing.T) {
		caller := long("a", 200)
		p := mustPlan(t, longDep(caller, "caller", ""),
			longDep(long("b", 150)+"-one", "one", `[{containerPort: 80}]`), longDep(long("b", 150)+"-two", "two", `[{containerPort: 80}]`),
			ni(caller, "shop", "  egress:\n  - to: {workload: "+long("b", 150)+"-one}\n    reason: r\n  - to: {workload: "+long("b", 150)+"-two}\n    reason: r\n"),
			ni(long("b", 150)+"-one", "shop", ""), ni(long("b", 150)+"-two", "shop", ""))
		seen := map[string]bool{}
		for _, f := range p.Flows {
			for _, name := range []string{f.EgressPolicy, f.IngressPolicy} {
				if len(name) > 253 {
					t.Errorf("%d characters: %s", len(name), name)
				}
				if !hashSuffix.MatchString(name) {
					t.Errorf("shortened name without a hash suffix: %s", name)
				}
				if strings.Contains(name, "--") {
					t.Errorf("double hyphen in %s", name)
				}
				if seen[name] {
					t.Errorf("duplicate name %s", name)
				}
				seen[name] = true
			}
		}
		// stable across runs
		again := mustPlan(t, longDep(caller, "caller", ""),
			longDep(long("b", 150)+"-one", "one", `[{containerPort: 80}]`), longDep(long("b", 150)+"-two", "two", `[{containerPort: 80}]`),
			ni(caller, "shop", "  egress:\n  - to: {workload: "+long("b", 150)+"-one}\n    reason: r\n  - to: {workload: "+long("b", 150)+"-two}\n    reason: r\n"),
			ni(long("b", 150)+"-one", "shop", ""), ni(long("b", 150)+"-two", "shop", ""))
		for i, f := range again.Flows {
			if f.EgressPolicy != p.Flows[i].EgressPolicy || f.IngressPolicy != p.Flows[i].IngressPolicy {
				t.Errorf("names changed between runs: %s vs %s", f.EgressPolicy, p.Flows[i].EgressPolicy)
			}
		}
	})
	t.Run("a long name with a collision suffix", func(t *testing.T) {
		caller := long("a", 120)
		callee := long("c", 130)
		p := mustPlan(t, longDep(caller, "caller", ""), longDep(callee, "callee", `[{containerPort: 80}, {containerPort: 81}]`),
			ni(caller, "shop", "  egress:\n  - to: {workload: "+callee+"}\n    ports: [80]\n    reason: r\n  - to: {workload: "+callee+"}\n    ports: [81]\n    reason: r\n"),
			ni(callee, "shop", ""))
		if len(p.Flows) != 2 {
			t.Fatalf("flows = %d", len(p.Flows))
		}
		a, b := p.Flows[0].EgressPolicy, p.Flows[1].EgressPolicy
		if a == b || len(a) > 253 || len(b) > 253 {
			t.Errorf("names %q (%d) and %q (%d)", a, len(a), b, len(b))
		}
	})
	t.Run("a name of exactly 253 is kept", func(t *testing.T) {
		// caller + "-egress-to-" + callee = 253
		caller, callee := long("a", 121), long("c", 121)
		p := mustPlan(t, longDep(caller, "caller", ""), longDep(callee, "callee", `[{containerPort: 80}]`),
			ni(caller, "shop", "  egress:\n  - to: {workload: "+callee+"}\n    reason: r\n"), ni(callee, "shop", ""))
		if got, want := p.Flows[0].EgressPolicy, caller+"-egress-to-"+callee; got != want || len(got) != 253 {
			t.Errorf("name = %q (%d), want the unshortened %d-character name", got, len(got), len(want))
		}
	})
}

// A workload's pods are selected by its spec.selector, and the derived
// Endpoint carries the planned workload's ServiceAccount (for mesh principals).
func TestEndpointsCarryIdentity(t *testing.T) {
	p := mustPlan(t, dep("frontend", "shop", ""), dep("cart", "shop", `[{containerPort: 8080}]`),
		ni("frontend", "shop", "  identity: {serviceAccount: web}\n  egress:\n  - to: {workload: cart}\n    reason: r\n"), ni("cart", "shop", ""))
	f := p.Flows[0]
	if f.From.ServiceAccount != "web" || f.To.ServiceAccount != "cart" {
		t.Errorf("service accounts from=%q to=%q", f.From.ServiceAccount, f.To.ServiceAccount)
	}
	if f.From.Selector.MatchLabels["app"] != "frontend" || f.Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("flow = %+v", f)
	}
}

// TestServiceExposure checks what a declared LoadBalancer or NodePort Service
// admits, and that a declaration the Service does not bear out is an error
// naming the field.
func TestServiceExposure(t *testing.T) {
	web := dep("web", "shop", "[{name: https, containerPort: 8443}, {name: admin, containerPort: 9000}]")
	lb := func(extra string) string {
		return "apiVersion: v1\nkind: Service\nmetadata: {name: web-lb, namespace: shop}\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n" + extra +
			"  ports: [{name: https, port: 443, targetPort: https}, {name: admin, port: 9000, targetPort: admin}]\n"
	}
	t.Run("Local admits the source ranges on the declared ports only", func(t *testing.T) {
		p := mustPlan(t, web, lb("  externalTrafficPolicy: Local\n  loadBalancerSourceRanges: [198.51.100.0/24]\n"),
			ni("web", "shop", "  exposure:\n    loadBalancer: {service: web-lb, ports: [https], sourceRanges: [198.51.100.0/24]}\n"))
		e := workload(t, p, "shop", "web").Exposure
		if e == nil || len(e.Services) != 1 || !e.Services[0].Local {
			t.Fatalf("exposure = %+v", e)
		}
		var got []string
		for _, f := range e.Services[0].Flows {
			got = append(got, f.From.String()+" "+f.PortsString())
		}
		if want := []string{"198.51.100.0/24 https/TCP"}; !slices.Equal(got, want) {
			t.Errorf("flows = %q, want %q", got, want)
		}
	})
	t.Run("Cluster admits the node CIDRs too, on every port by default", func(t *testing.T) {
		p := mustPlan(t, web, lb("  loadBalancerSourceRanges: [198.51.100.0/24]\n"),
			ni("web", "shop", "  exposure:\n    loadBalancer: {service: web-lb, sourceRanges: [198.51.100.0/24], nodeCIDRs: [10.0.0.0/24]}\n"))
		var got []string
		for _, f := range workload(t, p, "shop", "web").Exposure.Services[0].Flows {
			got = append(got, f.From.String()+" "+f.PortsString())
		}
		if want := []string{"198.51.100.0/24 admin/TCP, https/TCP", "10.0.0.0/24 admin/TCP, https/TCP"}; !slices.Equal(got, want) {
			t.Errorf("flows = %q, want %q", got, want)
		}
	})
	for _, tt := range []struct {
		name, svc, exposure, field, msg string
	}{
		{"no such Service", lb(""), "loadBalancer: {service: web-gone, sourceRanges: [0.0.0.0/0]}", "spec.exposure.loadBalancer.service", "no Service named"},
		{"the Service is of another type", lb(""), "nodePort: {service: web-lb, sourceRanges: [10.0.0.0/8], nodeCIDRs: [10.0.0.0/24]}", "spec.exposure.nodePort.service", "not NodePort"},
		{"the Service selects other pods", strings.Replace(lb(""), "selector: {app: web}", "selector: {app: other}", 1),
			"loadBalancer: {service: web-lb, sourceRanges: [0.0.0.0/0]}", "spec.exposure.loadBalancer.service", "does not select"},
		{"a port the Service lacks", lb("  externalTrafficPolicy: Local\n"), "loadBalancer: {service: web-lb, ports: [http], sourceRanges: [0.0.0.0/0]}", "spec.exposure.loadBalancer.ports[0]", "not a port"},
		{"ranges wider than the Service's", lb("  externalTrafficPolicy: Local\n  loadBalancerSourceRanges: [198.51.100.0/24]\n"),
			"loadBalancer: {service: web-lb, sourceRanges: [198.51.100.0/24, 203.0.113.0/24]}", "spec.exposure.loadBalancer.sourceRanges", "loadBalancerSourceRanges"},
		{"a Service without ranges declared narrow", lb("  externalTrafficPolicy: Local\n"),
			"loadBalancer: {service: web-lb, sourceRanges: [198.51.100.0/24]}", "spec.exposure.loadBalancer.sourceRanges", "none (every address)"},
		{"node CIDRs with Local", lb("  externalTrafficPolicy: Local\n  loadBalancerSourceRanges: [198.51.100.0/24]\n"),
			"loadBalancer: {service: web-lb, sourceRanges: [198.51.100.0/24], nodeCIDRs: [10.0.0.0/24]}", "spec.exposure.loadBalancer.nodeCIDRs", "Local"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, fs := makePlan(t, web, tt.svc, ni("web", "shop", "  exposure:\n    "+tt.exposure+"\n"))
			if len(fs) != 1 || fs[0].Field != tt.field || !strings.Contains(fs[0].Message, tt.msg) {
				t.Errorf("findings = %v, want one on %s containing %q", fs, tt.field, tt.msg)
			}
		})
	}
}

// meshed is ni with the mesh provider instead of none.
func meshed(name, ns, provider, spec string) string {
	return strings.Replace(ni(name, ns, spec), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: "+provider+", redirect: cni}", 1)
}

func TestMeshPeersNeedServiceAccount(t *testing.T) {
	outside := "  ingress: [{from: {namespace: monitoring, podLabels: {app: prom}%s}, ports: [9090], reason: scrape}]\n"
	for _, provider := range []string{"istio", "linkerd"} {
		t.Run(provider+": pods outside the render with a ServiceAccount", func(t *testing.T) {
			mustPlan(t, dep("cart", "shop", "[{name: metrics, containerPort: 9090}]"), meshed("cart", "shop", provider, fmt.Sprintf(outside, ", serviceAccount: prom")))
		})
		t.Run(provider+": pods outside the render without one", func(t *testing.T) {
			_, fs := makePlan(t, dep("cart", "shop", "[{name: metrics, containerPort: 9090}]"), meshed("cart", "shop", provider, fmt.Sprintf(outside, "")))
			if len(fs) != 1 || fs[0].Field != "spec.ingress[0].from.serviceAccount" || !strings.Contains(fs[0].Message, "every pod of namespace monitoring") {
				t.Errorf("findings = %v", fs)
			}
		})
		t.Run(provider+": a workload of the render without a NetworkIdentity", func(t *testing.T) {
			_, fs := makePlan(t, dep("cart", "shop", "[{name: metrics, containerPort: 9090}]"), dep("prom", "monitoring", ""),
				meshed("cart", "shop", provider, "  ingress: [{from: {workload: prom, namespace: monitoring}, ports: [9090], reason: scrape}]\n"))
			if len(fs) != 1 || fs[0].Field != "spec.ingress[0].from.serviceAccount" || !strings.Contains(fs[0].Message, "has no NetworkIdentity") {
				t.Errorf("findings = %v", fs)
			}
		})
	}
	t.Run("no mesh: pods outside the render need no ServiceAccount", func(t *testing.T) {
		mustPlan(t, dep("cart", "shop", "[{name: metrics, containerPort: 9090}]"), ni("cart", "shop", fmt.Sprintf(outside, "")))
	})
}

func TestMeshRedirectUnderPodSecurity(t *testing.T) {
	with := func(provider, redirect, podSecurity string) string {
		spec := ""
		if podSecurity != "" {
			spec = "  podSecurity: {enforce: " + podSecurity + "}\n"
		}
		m := "mesh: {provider: " + provider
		if redirect != "" {
			m += ", redirect: " + redirect
		}
		return strings.Replace(ni("cart", "shop", spec), "mesh: {provider: none, eastWest: app TLS}", m+"}", 1)
	}
	for _, tc := range []struct {
		provider, redirect, level string
		refused                   bool
	}{
		{"istio", "cni", "", false},
		{"linkerd", "cni", "", false},
		{"istio", "ambient", "", false},
		{"istio", "init-container", "privileged", false},
		{"linkerd", "init-container", "privileged", false},
		{"istio", "", "", true}, // the default, init-container, under restricted
		{"istio", "init-container", "restricted", true},
		{"linkerd", "init-container", "baseline", true},
	} {
		t.Run(tc.provider+" "+tc.redirect+" "+tc.level, func(t *testing.T) {
			p, fs := makePlan(t, dep("cart", "shop", ""), with(tc.provider, tc.redirect, tc.level))
			if !tc.refused {
				if len(fs) > 0 {
					t.Fatalf("findings = %v", fs)
				}
				want := tc.redirect
				if want == "" {
					want = "init-container"
				}
				if got := string(p.Namespaces[0].Redirect); got != want {
					t.Errorf("Redirect = %q, want %q", got, want)
				}
				return
			}
			level := tc.level
			if level == "" {
				level = "restricted"
			}
			if len(fs) != 1 || fs[0].Field != "spec.mesh.redirect" || !strings.Contains(fs[0].Message, "NET_ADMIN and NET_RAW") || !strings.Contains(fs[0].Message, "enforces Pod Security "+level) {
				t.Errorf("findings = %v", fs)
			}
		})
	}
	t.Run("two redirections in one namespace", func(t *testing.T) {
		a := strings.Replace(ni("a", "shop", ""), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: istio, redirect: cni}", 1)
		b := strings.Replace(ni("b", "shop", ""), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: istio, redirect: ambient}", 1)
		_, fs := makePlan(t, dep("a", "shop", ""), dep("b", "shop", ""), a, b)
		if len(fs) != 1 || fs[0].Field != "spec.mesh.redirect" || !strings.Contains(fs[0].Message, "ambient in NetworkIdentity/shop/b, cni in NetworkIdentity/shop/a") {
			t.Errorf("findings = %v", fs)
		}
	})
}

func TestAmbient(t *testing.T) {
	probed := strings.Replace(dep("cart", "shop", "[{name: grpc, containerPort: 7070}]"), "        ports:", "        readinessProbe: {tcpSocket: {port: grpc}}\n        ports:", 1)
	amb := func(name, mode, spec string) string {
		return strings.Replace(ni(name, "shop", spec), "mesh: {provider: none, eastWest: app TLS}", "mesh: {provider: istio, redirect: "+mode+"}", 1)
	}
	caller := "  egress: [{to: {workload: cart}, ports: [7070], reason: order}]\n"
	t.Run("ambient: HBONE between the workloads and the probes from the SNAT address", func(t *testing.T) {
		p := mustPlan(t, probed, dep("web", "shop", ""), amb("cart", "ambient", ""), amb("web", "ambient", caller))
		var probe, call *plan.Flow
		for _, f := range p.Flows {
			switch {
			case f.Probe:
				probe = f
			case f.From.Kind == plan.KindWorkload:
				call = f
			}
		}
		if probe == nil || probe.From.CIDR != plan.ProbeSource || probe.PortsString() != "grpc/TCP" || len(probe.Tunnel) != 0 {
			t.Errorf("probe flow = %+v", probe)
		}
		if call == nil || len(call.Tunnel) != 1 || call.Tunnel[0] != plan.HBONEPort {
			t.Errorf("web -> cart = %+v", call)
		}
		if _, ok := p.Namespaces[0].ControlPlane(); ok {
			t.Error("an ambient namespace reaches the control plane from its pods")
		}
	})
	t.Run("cni: no HBONE, no probe flow", func(t *testing.T) {
		p := mustPlan(t, probed, dep("web", "shop", ""), amb("cart", "cni", ""), amb("web", "cni", caller))
		for _, f := range p.Flows {
			if f.Probe || len(f.Tunnel) > 0 {
				t.Errorf("flow = %+v", f)
			}
		}
		if _, ok := p.Namespaces[0].ControlPlane(); !ok {
			t.Error("a sidecar namespace has no control-plane egress")
		}
	})
}
