package e2e

// The layers tests render the shop example through the real kustomize with
// objects of each policy dialect added by the user (Calico, Cilium and
// Antrea policy, Istio and Linkerd authorization), and check that the
// connectivity proof, evaluating every layer the declarations say the
// cluster enforces, refuses or accepts the render as those layers decide,
// naming the deciding layer and object.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// layersApp is a variant of the shop example.
type layersApp struct {
	// cni is spec.cni of every NetworkIdentity ("" keeps the default,
	// generic).
	cni string
	// mesh is spec.mesh.provider of every NetworkIdentity, with redirect:
	// cni ("" keeps none); productcatalog's Prometheus peer then names its
	// ServiceAccount, which a mesh authorizes.
	mesh string
	// small keeps frontend, cartservice and redis-cart only, frontend
	// calling cartservice and cartservice redis-cart: every destination
	// has one caller (the meshed cases use it: see TestLayersMeshedExample
	// for the whole app).
	small bool
	// user is the user's objects, added as user.yaml.
	user string
}

// write lays the app out in a new directory as a kustomization running
// bin/netid as its transformer (frontend's NetworkIdentity is the function
// config, the others are local-config items) and returns the directory.
func (a layersApp) write(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(repoRoot, "examples", "kustomize")
	copyDir(t, filepath.Join(src, "app"), filepath.Join(dir, "app"))
	resources := []string{"frontend.yaml", "cartservice.yaml", "checkoutservice.yaml", "productcatalog.yaml", "redis-cart.yaml",
		"paymentservice.yaml", "netid/cartservice.yaml", "netid/checkoutservice.yaml", "netid/productcatalog.yaml", "netid/redis-cart.yaml",
		"netid/paymentservice.yaml"}
	if a.small {
		resources = []string{"frontend.yaml", "cartservice.yaml", "redis-cart.yaml", "netid/cartservice.yaml", "netid/redis-cart.yaml"}
		for _, f := range []string{"checkoutservice", "productcatalog", "paymentservice"} {
			for _, p := range []string{f + ".yaml", "netid/" + f + ".yaml"} {
				if err := os.Remove(filepath.Join(dir, "app", p)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	writeFile(t, filepath.Join(dir, "app", "kustomization.yaml"), "resources:\n  - "+strings.Join(resources, "\n  - ")+"\n")

	// edit reads the NetworkIdentity at from, sets cni and mesh, lets f
	// change the rest and writes it to path.
	edit := func(from, path string, f func(n *yaml.RNode)) {
		t.Helper()
		objs := readObjectsFile(t, from)
		if len(objs) != 1 {
			t.Fatalf("%s holds %d objects, want 1", path, len(objs))
		}
		n := objs[0]
		f(n)
		set := func(value *yaml.RNode, field ...string) {
			if err := n.SetMapField(value, field...); err != nil {
				t.Fatalf("%s: setting %v: %v", path, field, err)
			}
		}
		if a.cni != "" {
			set(yaml.NewScalarRNode(a.cni), "spec", "cni")
		}
		if a.mesh != "" {
			set(yaml.MustParse("{provider: "+a.mesh+", redirect: cni}"), "spec", "mesh")
		}
		writeFile(t, path, n.MustString())
	}
	edit(filepath.Join(src, "netid.yaml"), filepath.Join(dir, "netid.yaml"), func(n *yaml.RNode) {
		n.SetAnnotations(map[string]string{"config.kubernetes.io/function": "exec:\n  path: " + netidBin + "\n"})
		if a.small {
			egress, err := n.Pipe(yaml.Lookup("spec", "egress"))
			if err != nil || egress == nil {
				t.Fatalf("netid.yaml: spec.egress: %v", err)
			}
			egress.YNode().Content = egress.YNode().Content[:1] // cartservice
		}
	})
	names, err := filepath.Glob(filepath.Join(dir, "app", "netid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range names {
		edit(path, path, func(n *yaml.RNode) {
			switch {
			case a.small && n.GetName() == "cartservice":
				// its caller checkoutservice is not in the small app
				if _, err := n.Pipe(yaml.Lookup("spec"), yaml.Clear("ingress")); err != nil {
					t.Fatal(err)
				}
			case a.mesh != "" && n.GetName() == "productcatalog":
				// a mesh authorizes callers by ServiceAccount
				from, err := n.Pipe(yaml.Lookup("spec", "ingress", "0", "from"))
				if err != nil || from == nil {
					t.Fatalf("productcatalog: spec.ingress[0].from: %v", err)
				}
				if err := from.SetMapField(yaml.NewScalarRNode("prometheus"), "serviceAccount"); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	kustomization := "resources: [app]\ntransformers: [netid.yaml]\n"
	if a.user != "" {
		writeFile(t, filepath.Join(dir, "user.yaml"), a.user)
		kustomization = "resources: [app, user.yaml]\ntransformers: [netid.yaml]\n"
	}
	writeFile(t, filepath.Join(dir, "kustomization.yaml"), kustomization)
	return dir
}

// layersRender is the outcome of `kustomize build` of a layersApp.
type layersRender struct {
	dir    string
	stdout []byte
	stderr string
	// code is kustomize's exit code.
	code int
}

// runCode runs name with args in repoRoot, feeding it stdin, and returns its
// stdout, stderr and exit code (failing the test when it could not run).
func runCode(t *testing.T, stdin []byte, name string, args ...string) (stdout []byte, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = repoRoot
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if code = exitCode(err); err != nil && code < 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), errb.String(), max(code, 0)
}

// render writes the app and builds it with kustomize, exec functions enabled.
func (a layersApp) render(t *testing.T, kustomize string) layersRender {
	t.Helper()
	dir := a.write(t)
	out, stderr, code := runCode(t, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	return layersRender{dir: dir, stdout: out, stderr: stderr, code: code}
}

// rules are the IDs of the findings netid printed (errors and warnings),
// sorted, each once.
func (r layersRender) rules() []string {
	var ids []string
	for id := range findings(r.stderr) {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// configs are the app's NetworkIdentity configs as one YAML stream: what
// kustomize drops from its output as local-config.
func (r layersRender) configs(t *testing.T) []byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(r.dir, "app", "netid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, p := range append([]string{filepath.Join(r.dir, "netid.yaml")}, paths...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	return b.Bytes()
}

// refused checks a refusal: kustomize failed on netid's exit code, printed
// no manifests, netid said it refused (so it ran), the findings are of
// exactly the rules named, and stderr holds every text of want.
func (r layersRender) refused(t *testing.T, rules []string, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("kustomize exit code %d, want 1 (a refusal)", r.code)
	}
	if len(r.stdout) != 0 {
		t.Errorf("refused render printed %d bytes on stdout; want none:\n%.1000s", len(r.stdout), r.stdout)
	}
	if !strings.Contains(r.stderr, "netid: refused to render") {
		t.Errorf("stderr lacks netid's refusal (did the function run?):\n%.3000s", r.stderr)
	}
	if got := r.rules(); !slices.Equal(got, rules) {
		t.Errorf("findings of rules %q, want exactly %q:\n%.3000s", got, rules, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%.3000s", w, r.stderr)
		}
	}
}

// accepted checks an accepted render: exit 0, netid's objects in the output
// (so it ran), and findings of exactly the rules named (warnings).
func (r layersRender) accepted(t *testing.T, rules []string) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("kustomize exit code %d, want 0 (accepted):\n%.6000s", r.code, r.stderr)
	}
	ids := objectIDs(parseObjects(t, r.stdout))
	for _, id := range []string{"NetworkPolicy/shop/default-deny", "ServiceAccount/shop/frontend", "ServiceAccount/shop/cartservice"} {
		if !ids[id] {
			t.Errorf("the output lacks %s: netid did not run", id)
		}
	}
	if got := r.rules(); !slices.Equal(got, rules) {
		t.Errorf("findings of rules %q, want exactly %q:\n%.3000s", got, rules, r.stderr)
	}
}

// report is network-identity.md of the accepted render, written by
// `netid report` from kustomize's output and the configs kustomize dropped.
func (r layersRender) report(t *testing.T) string {
	t.Helper()
	md := mustRun(t, repoRoot, nil, r.stdout, netidBin, "report", "-o", "-",
		"--config", filepath.Join(r.dir, "app", "netid"), "--config", filepath.Join(r.dir, "netid.yaml"))
	return string(md)
}

// layeredCell is a cell of `netid verify --format json`.
type layeredCell struct {
	From, To, Port    string
	Allowed, Expected bool
	Via, BlockedBy    []string
	Layers, L7        []string
}

// layeredVerification is the part of `netid verify --format json` the
// layers tests read.
type layeredVerification struct {
	Declared     bool
	Layers       []string
	Flows        []layeredCell
	Mismatches   []layeredCell
	NotEvaluated []struct{ Kind, Name, Layer, Why string }
}

// verify runs `netid verify --format json` on the render's output (r must
// be accepted), with user added and the configs, and returns the result and
// the exit code.
func (r layersRender) verify(t *testing.T, user string) (layeredVerification, int) {
	t.Helper()
	stream := append(append(append([]byte{}, r.stdout...), "---\n"+user...), r.configs(t)...)
	out, stderr, code := runCode(t, stream, netidBin, "verify", "--format", "json")
	var v layeredVerification
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("verify --format json: %v\n%s\n%s", err, out, stderr)
	}
	if !v.Declared {
		t.Error("verify: declared is false; the configs were not read")
	}
	return v, code
}

// flow is the cell of flows from → to on port, nil when absent.
func flow(cells []layeredCell, from, to, port string) *layeredCell {
	for i := range cells {
		if c := &cells[i]; c.From == from && c.To == to && c.Port == port {
			return c
		}
	}
	return nil
}

// calicoTier is a Calico tier evaluated before the default tier (order 100;
// the default tier's order is 1,000,000).
const calicoTier = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 100}
`

// calicoDenyFrontendCart denies the declared flow frontend → cartservice
// in the platform tier and passes everything else to the next tier.
const calicoDenyFrontendCart = calicoTier + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.deny-frontend-cart}
spec:
  tier: platform
  order: 10
  selector: app.kubernetes.io/name == 'cartservice'
  types: [Ingress]
  ingress:
    - action: Deny
      source: {selector: app.kubernetes.io/name == 'frontend'}
    - action: Pass
`

func TestLayersCalico(t *testing.T) {
	kustomize := requireKustomize(t)
	t.Run("permissive GlobalNetworkPolicy refused", func(t *testing.T) {
		r := layersApp{cni: "calico", user: calicoTier + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.allow-all}
spec:
  tier: platform
  order: 10
  selector: all()
  types: [Ingress]
  ingress:
    - action: Allow
      source: {selector: all()}
`}.render(t, kustomize)
		r.refused(t, []string{"netpol-no-allow-all", "proof-connectivity"},
			"undeclared flow gateway-system/{} → payments/paymentservice on 8080/TCP is allowed by the rendered policies (admitted by GlobalNetworkPolicy platform.allow-all (Calico tier platform) spec.ingress[0]: Allow)")
	})
	t.Run("metadata deny accepted", func(t *testing.T) {
		r := layersApp{cni: "calico", user: calicoTier + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.deny-cloud-metadata}
spec:
  tier: platform
  order: 10
  selector: all()
  types: [Egress]
  egress:
    - action: Deny
      destination: {nets: [169.254.169.254/32]}
    - action: Pass
`}.render(t, kustomize)
		r.accepted(t, nil)
		md := section(r.report(t), "## Connectivity proof")
		if !strings.Contains(md, "Layers evaluated: "+calicoLayer+", "+networkPolicyLayer+".") {
			t.Errorf("the report's proof section does not list %s among the layers evaluated:\n%s", calicoLayer, md)
		}
	})
	t.Run("deny of a declared flow refused", func(t *testing.T) {
		r := layersApp{cni: "calico", user: calicoDenyFrontendCart}.render(t, kustomize)
		r.refused(t, []string{"proof-connectivity"},
			"declared flow shop/frontend → shop/cartservice on 7070/TCP is blocked by the rendered policies (blocked by GlobalNetworkPolicy platform.deny-frontend-cart (Calico tier platform) spec.ingress[0]: Deny)")
	})
	t.Run("verify names the layers", func(t *testing.T) {
		skipVerifyCNI(t)
		base := layersApp{cni: "calico"}.render(t, kustomize)
		base.accepted(t, nil)
		v, code := base.verify(t, calicoDenyFrontendCart)
		checkLayered(t, v, code, []string{calicoLayer, networkPolicyLayer},
			// the platform tier passes it on: NetworkPolicy decides
			"shop/checkoutservice", "shop/cartservice", "7070/TCP", []string{networkPolicyLayer},
			"shop/frontend", "shop/cartservice", "7070/TCP", "GlobalNetworkPolicy platform.deny-frontend-cart (Calico tier platform) spec.ingress[0]: Deny")
	})
}

// section is the part of a Markdown report from the heading on, up to the
// next heading of its level.
func section(md, heading string) string {
	i := strings.Index(md, heading+"\n")
	if i < 0 {
		return md
	}
	rest := md[i+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return heading + rest
}

// The layers' names, as the proof gives them.
const (
	networkPolicyLayer = "Kubernetes NetworkPolicy (networking.k8s.io)"
	calicoLayer        = "Calico policy (projectcalico.org)"
	ciliumLayer        = "Cilium policy (cilium.io)"
	antreaLayer        = "Antrea-native policy (crd.antrea.io)"
	istioLayer         = "Istio authorization (security.istio.io)"
	linkerdLayer       = "Linkerd authorization (policy.linkerd.io)"
)

// checkLayered checks a failed verification: exit 1, the layers evaluated,
// the layers that decided one allowed declared cell, and what blocks one
// declared flow found blocked.
func checkLayered(t *testing.T, v layeredVerification, code int, layers []string,
	from, to, port string, decidedBy []string, blockedFrom, blockedTo, blockedPort, blockedBy string) {
	t.Helper()
	if code != 1 {
		t.Errorf("verify exit code %d, want 1", code)
	}
	if !slices.Equal(v.Layers, layers) {
		t.Errorf("layers = %q, want %q", v.Layers, layers)
	}
	if c := flow(v.Flows, from, to, port); c == nil || !c.Expected {
		t.Errorf("flows lack the declared %s → %s on %s: %+v", from, to, port, c)
	} else if !slices.Equal(c.Layers, decidedBy) {
		t.Errorf("%s → %s on %s: layers %q, want %q", from, to, port, c.Layers, decidedBy)
	}
	if c := flow(v.Mismatches, blockedFrom, blockedTo, blockedPort); c == nil || !c.Expected || c.Allowed {
		t.Errorf("mismatches lack the declared %s → %s on %s, blocked: %+v", blockedFrom, blockedTo, blockedPort, c)
	} else if !slices.Equal(c.BlockedBy, []string{blockedBy}) {
		t.Errorf("%s → %s on %s: blockedBy %q, want [%q]", blockedFrom, blockedTo, blockedPort, c.BlockedBy, blockedBy)
	}
}

func TestLayersCilium(t *testing.T) {
	kustomize := requireKustomize(t)
	t.Run("clusterwide fromEntities all refused", func(t *testing.T) {
		r := layersApp{cni: "cilium", user: `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: shop-from-everywhere}
spec:
  endpointSelector: {matchLabels: {k8s:io.kubernetes.pod.namespace: shop}}
  ingress: [{fromEntities: [all]}]
`}.render(t, kustomize)
		r.refused(t, []string{"netpol-no-allow-all", "proof-connectivity"},
			"undeclared flow 198.51.100.7 (outside the cluster) → shop/cartservice on 7070/TCP is allowed by the rendered policies (admitted by CiliumClusterwideNetworkPolicy shop-from-everywhere spec.ingress[0]: Allow)")
	})
	t.Run("ingressDeny of a declared flow refused", func(t *testing.T) {
		r := layersApp{cni: "cilium", user: ciliumDenyFrontendCart}.render(t, kustomize)
		r.refused(t, []string{"proof-connectivity"},
			"declared flow shop/frontend → shop/cartservice on 7070/TCP is blocked by the rendered policies (blocked by CiliumNetworkPolicy shop/cartservice-no-frontend spec.ingressDeny[0]: Deny)")
	})
	t.Run("declared flows only accepted", func(t *testing.T) {
		r := layersApp{cni: "cilium", user: ciliumCartCallers}.render(t, kustomize)
		r.accepted(t, nil)
		md := section(r.report(t), "## Connectivity proof")
		if !strings.Contains(md, "Layers evaluated: "+ciliumLayer+", "+networkPolicyLayer+".") {
			t.Errorf("the report's proof section does not list %s among the layers evaluated:\n%s", ciliumLayer, md)
		}
		if want := "| shop/checkoutservice | shop/cartservice | 7070/TCP | " + ciliumLayer + ", " + networkPolicyLayer + " |"; !strings.Contains(md, want) {
			t.Errorf("the report's matrix lacks %q:\n%s", want, md)
		}
	})
	t.Run("verify names the layers", func(t *testing.T) {
		skipVerifyCNI(t)
		base := layersApp{cni: "cilium"}.render(t, kustomize)
		base.accepted(t, nil)
		v, code := base.verify(t, ciliumDenyFrontendCart+"---\n"+ciliumCartCallers)
		checkLayered(t, v, code, []string{ciliumLayer, networkPolicyLayer},
			"shop/checkoutservice", "shop/cartservice", "7070/TCP", []string{ciliumLayer, networkPolicyLayer},
			"shop/frontend", "shop/cartservice", "7070/TCP", "CiliumNetworkPolicy shop/cartservice-no-frontend spec.ingressDeny[0]: Deny")
	})
}

// ciliumDenyFrontendCart denies the declared flow frontend → cartservice.
const ciliumDenyFrontendCart = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cartservice-no-frontend, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app.kubernetes.io/name: cartservice}}
  ingressDeny:
    - fromEndpoints: [{matchLabels: {app.kubernetes.io/name: frontend}}]
`

// ciliumCartCallers allows cartservice's declared callers, nothing else.
const ciliumCartCallers = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cartservice-callers, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app.kubernetes.io/name: cartservice}}
  ingress:
    - fromEndpoints: [{matchLabels: {app.kubernetes.io/name: frontend}}, {matchLabels: {app.kubernetes.io/name: checkoutservice}}]
      toPorts: [{ports: [{port: "7070", protocol: TCP}]}]
`

// skipVerifyCNI skips the verify cases of a CNI dialect while netid verify
// ignores spec.cni.
func skipVerifyCNI(t *testing.T) {
	t.Helper()
}

// antreaShop applies an Antrea cluster policy to every pod of namespace shop.
const antreaShop = `  appliedTo: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}]
`

func TestLayersAntrea(t *testing.T) {
	kustomize := requireKustomize(t)
	t.Run("securityops Allow all refused", func(t *testing.T) {
		r := layersApp{cni: "antrea", user: `apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: allow-everything}
spec:
  priority: 1
  tier: securityops
` + antreaShop + `  ingress:
    - action: Allow
      from: [{namespaceSelector: {}}]
`}.render(t, kustomize)
		r.refused(t, []string{"netpol-no-allow-all", "proof-connectivity"},
			"undeclared flow gateway-system/{} → shop/cartservice on 7070/TCP is allowed by the rendered policies (admitted by ClusterNetworkPolicy allow-everything (Antrea tier securityops) spec.ingress[0]: Allow)")
	})
	t.Run("Drop of a declared flow refused", func(t *testing.T) {
		r := layersApp{cni: "antrea", user: antreaDropFrontendCart}.render(t, kustomize)
		r.refused(t, []string{"proof-connectivity"},
			"declared flow shop/frontend → shop/cartservice on 7070/TCP is blocked by the rendered policies (blocked by ClusterNetworkPolicy cartservice-no-frontend (Antrea tier securityops) spec.ingress[0]: Deny)")
	})
	t.Run("Pass accepted", func(t *testing.T) {
		r := layersApp{cni: "antrea", user: antreaPass}.render(t, kustomize)
		r.accepted(t, nil)
		md := section(r.report(t), "## Connectivity proof")
		if !strings.Contains(md, "Layers evaluated: "+antreaLayer+", "+networkPolicyLayer+".") {
			t.Errorf("the report's proof section does not list %s among the layers evaluated:\n%s", antreaLayer, md)
		}
		// Passed on, NetworkPolicy decides.
		if want := "| shop/checkoutservice | shop/cartservice | 7070/TCP | " + networkPolicyLayer + " |"; !strings.Contains(md, want) {
			t.Errorf("the report's matrix lacks %q:\n%s", want, md)
		}
	})
	t.Run("verify names the layers", func(t *testing.T) {
		skipVerifyCNI(t)
		base := layersApp{cni: "antrea"}.render(t, kustomize)
		base.accepted(t, nil)
		v, code := base.verify(t, antreaDropFrontendCart)
		checkLayered(t, v, code, []string{antreaLayer, networkPolicyLayer},
			"shop/checkoutservice", "shop/cartservice", "7070/TCP", []string{networkPolicyLayer},
			"shop/frontend", "shop/cartservice", "7070/TCP", "ClusterNetworkPolicy cartservice-no-frontend (Antrea tier securityops) spec.ingress[0]: Deny")
	})
}

// antreaDropFrontendCart drops the declared flow frontend → cartservice in
// the securityops tier.
const antreaDropFrontendCart = `apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: cartservice-no-frontend}
spec:
  priority: 1
  tier: securityops
  appliedTo: [{podSelector: {matchLabels: {app.kubernetes.io/name: cartservice}}}]
  ingress:
    - action: Drop
      from: [{podSelector: {matchLabels: {app.kubernetes.io/name: frontend}}}]
`

// antreaPass passes every connection to shop's pods on to the next tiers.
const antreaPass = `apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: pass-to-namespaces}
spec:
  priority: 1
  tier: securityops
` + antreaShop + `  ingress:
    - action: Pass
      from: [{namespaceSelector: {}}]
`

// TestLayersAntreaPassOnUnusedLabel: a Pass of every connection decides
// nothing, whichever pods it applies to, so the render stays accepted.
func TestLayersAntreaPassOnUnusedLabel(t *testing.T) {
	kustomize := requireKustomize(t)
	r := layersApp{cni: "antrea", user: strings.Replace(antreaPass, antreaShop,
		"  appliedTo: [{podSelector: {matchLabels: {app.kubernetes.io/part-of: shop}}}]\n", 1)}.render(t, kustomize)
	r.accepted(t, nil)
}

func TestLayersIstio(t *testing.T) {
	kustomize := requireKustomize(t)
	t.Run("rendered app accepted, the matrix decided by both layers", func(t *testing.T) {
		r := layersApp{mesh: "istio", small: true}.render(t, kustomize)
		r.accepted(t, nil)
		md := section(r.report(t), "## Connectivity proof")
		for _, want := range []string{
			"Layers evaluated: " + istioLayer + ", " + networkPolicyLayer + ".",
			"| From | To | Allowed ports | Decided by |",
			"| shop/cartservice | shop/redis-cart | 6379/TCP | " + istioLayer + ", " + networkPolicyLayer + " |",
			"| shop/frontend | shop/cartservice | 7070/TCP | " + istioLayer + ", " + networkPolicyLayer + " |",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("the report's proof section lacks %q:\n%.6000s", want, md)
			}
		}
	})
	t.Run("DENY of a declared caller refused", func(t *testing.T) {
		r := layersApp{mesh: "istio", small: true, user: istioDenyFrontend}.render(t, kustomize)
		r.refused(t, []string{"proof-connectivity", "proof-layer-consistent"},
			"declared flow shop/frontend → shop/cartservice on 7070/TCP is blocked by the rendered policies (blocked by AuthorizationPolicy shop/cartservice-no-frontend (Istio DENY policies) spec.rules[0]: Deny)")
	})
	// ALLOW with one empty rule admits every caller's identity: the
	// NetworkPolicies still admit only the declared callers' labels, but a
	// pod with frontend's labels running as another ServiceAccount now
	// passes both layers.
	t.Run("ALLOW everything refused", func(t *testing.T) {
		r := layersApp{mesh: "istio", small: true, user: istioAllowAll}.render(t, kustomize)
		r.refused(t, []string{"netpol-no-allow-all", "proof-connectivity"},
			",proof.netid.dev/serviceaccount=cartservice} → shop/cartservice on 7070/TCP is allowed by the rendered policies "+
				"(admitted by shop/frontend-flows spec.egress[0], shop/cartservice-flows spec.ingress[0], AuthorizationPolicy shop/allow-all (Istio ALLOW policies) spec.rules[0]: Allow)")
		if strings.Contains(r.stderr, "undeclared flow shop/redis-cart → shop/cartservice") {
			t.Errorf("redis-cart → cartservice reported open; the NetworkPolicies block it:\n%.3000s", r.stderr)
		}
	})
	t.Run("verify names the layers", func(t *testing.T) {
		base := layersApp{mesh: "istio", small: true}.render(t, kustomize)
		base.accepted(t, nil)
		v, code := base.verify(t, istioDenyFrontend)
		checkLayered(t, v, code, []string{istioLayer, networkPolicyLayer},
			"shop/cartservice", "shop/redis-cart", "6379/TCP", []string{istioLayer, networkPolicyLayer},
			"shop/frontend", "shop/cartservice", "7070/TCP", "AuthorizationPolicy shop/cartservice-no-frontend (Istio DENY policies) spec.rules[0]: Deny")
	})
}

// istioDenyFrontend denies frontend's identity at cartservice.
const istioDenyFrontend = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cartservice-no-frontend, namespace: shop}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: cartservice}}
  action: DENY
  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/frontend]}}]}]
`

// istioAllowAll allows every request to every workload of shop.
const istioAllowAll = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  action: ALLOW
  rules: [{}]
`

// linkerdAdmitRedisCart admits redis-cart's identity, which no declaration
// names as a caller of cartservice, on the Server netid rendered for
// cartservice's grpc port.
const linkerdAdmitRedisCart = `apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: redis-cart, namespace: shop}
spec:
  identities: [redis-cart.shop.serviceaccount.identity.linkerd.cluster.local]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: cartservice-from-redis-cart, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: cartservice-grpc}
  requiredAuthenticationRefs:
    - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: redis-cart}
`

func TestLayersLinkerd(t *testing.T) {
	kustomize := requireKustomize(t)
	t.Run("rendered app accepted", func(t *testing.T) {
		r := layersApp{mesh: "linkerd", small: true}.render(t, kustomize)
		r.accepted(t, nil)
		if !objectIDs(parseObjects(t, r.stdout))["Server/shop/cartservice-grpc"] {
			t.Fatal("the output lacks Server/shop/cartservice-grpc, which the user's AuthorizationPolicy targets")
		}
		md := section(r.report(t), "## Connectivity proof")
		if want := "| shop/cartservice | shop/redis-cart | 6379/TCP | " + networkPolicyLayer + ", " + linkerdLayer + " |"; !strings.Contains(md, want) {
			t.Errorf("the report's matrix lacks %q:\n%.6000s", want, md)
		}
	})
	// redis-cart itself stays blocked by the NetworkPolicies, but a pod with
	// frontend's labels running as redis-cart passes both layers.
	t.Run("undeclared ServiceAccount admitted refused", func(t *testing.T) {
		r := layersApp{mesh: "linkerd", small: true, user: linkerdAdmitRedisCart}.render(t, kustomize)
		r.refused(t, []string{"proof-connectivity"},
			"undeclared flow shop/{app.kubernetes.io/name=frontend,proof.netid.dev/serviceaccount=redis-cart} → shop/cartservice on 7070/TCP is allowed by the rendered policies "+
				"(admitted by shop/frontend-flows spec.egress[0], shop/cartservice-flows spec.ingress[0], Server shop/cartservice-grpc AuthorizationPolicy shop/cartservice-from-redis-cart spec.requiredAuthenticationRefs: Allow)")
		if strings.Contains(r.stderr, "undeclared flow shop/redis-cart → shop/cartservice") {
			t.Errorf("redis-cart → cartservice reported open; the NetworkPolicies block it:\n%.3000s", r.stderr)
		}
	})
	t.Run("verify names the layers", func(t *testing.T) {
		base := layersApp{mesh: "linkerd", small: true}.render(t, kustomize)
		base.accepted(t, nil)
		v, code := base.verify(t, linkerdAdmitRedisCart)
		if code != 1 {
			t.Errorf("verify exit code %d, want 1", code)
		}
		if want := []string{networkPolicyLayer, linkerdLayer}; !slices.Equal(v.Layers, want) {
			t.Errorf("layers = %q, want %q", v.Layers, want)
		}
		if c := flow(v.Flows, "shop/cartservice", "shop/redis-cart", "6379/TCP"); c == nil || !slices.Equal(c.Layers, []string{networkPolicyLayer, linkerdLayer}) {
			t.Errorf("shop/cartservice → shop/redis-cart on 6379/TCP: %+v, want decided by %s and %s", c, networkPolicyLayer, linkerdLayer)
		}
		if c := flow(v.Flows, "shop/redis-cart", "shop/cartservice", "7070/TCP"); c != nil {
			t.Errorf("shop/redis-cart → shop/cartservice is open: %+v", c)
		}
		c := flow(v.Mismatches, "shop/{app.kubernetes.io/name=frontend,proof.netid.dev/serviceaccount=redis-cart}", "shop/cartservice", "7070/TCP")
		if c == nil || c.Expected || !slices.Contains(c.Via, "Server shop/cartservice-grpc AuthorizationPolicy shop/cartservice-from-redis-cart spec.requiredAuthenticationRefs: Allow") {
			t.Errorf("mismatches lack the undeclared flow from frontend's labels as redis-cart, admitted by the user's AuthorizationPolicy: %+v", c)
		}
	})
}

// TestLayersCNINotEnforced: a Calico policy while the declarations say
// cni: generic is refused, saying the cluster does not enforce it.
func TestLayersCNINotEnforced(t *testing.T) {
	kustomize := requireKustomize(t)
	r := layersApp{user: calicoDenyFrontendCart}.render(t, kustomize)
	r.refused(t, []string{"proof-layer-unmodelled"},
		"error[proof-layer-unmodelled] GlobalNetworkPolicy/platform.deny-frontend-cart spec: Calico policy (projectcalico.org): "+
			"the cluster does not enforce Calico policy (projectcalico.org) as netid's settings describe it (spec.cni: generic",
		"error[proof-layer-unmodelled] Tier/platform spec: Calico policy (projectcalico.org): the cluster does not enforce")
}

// TestLayersMeshedExample: the whole shop example with a mesh, and no user
// object, renders: its own policies pass its own proof.
func TestLayersMeshedExample(t *testing.T) {
	kustomize := requireKustomize(t)
	for _, mesh := range []string{"istio", "linkerd"} {
		t.Run(mesh, func(t *testing.T) {
			r := layersApp{mesh: mesh}.render(t, kustomize)
			r.accepted(t, nil)
		})
	}
}
