package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// exampleConfigs are the --config arguments that give `netid render` the
// NetworkIdentity configs of the kustomize example, which
// `kustomize build examples/kustomize/app` drops as local-config.
var exampleConfigs = []string{"--config", "examples/kustomize/app/netid", "--config", "examples/kustomize/netid.yaml"}

// canonical is the objects of a stream as sorted canonical YAML documents:
// what two streams must share to be equal as objects, whatever their order.
func canonical(t *testing.T, nodes []*yaml.RNode) []string {
	t.Helper()
	var docs []string
	for _, n := range nodes {
		m, err := n.Map()
		if err != nil {
			t.Fatalf("%s: %v", objectID(n), err)
		}
		b, err := yaml.Marshal(m) // map keys sorted, comments and styles gone
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	slices.Sort(docs)
	return docs
}

// TestPipeRender renders the kustomize example in the pipe form,
// `kustomize build examples/kustomize/app | netid render --config ...`, and
// compares it with the function's render through kustomize: the same
// objects. The only difference allowed is the order (kustomize sorts its
// output by kind; the pipe form keeps the function's order: the input's
// items, then the generated objects). Neither output has local-config
// objects or file annotations, so nothing else is normalised.
func TestPipeRender(t *testing.T) {
	kustomize := requireKustomize(t)
	app := mustRun(t, repoRoot, nil, nil, kustomize, "build", "examples/kustomize/app")
	if ids := objectIDs(parseObjects(t, app)); ids["NetworkIdentity/shop/cartservice"] {
		t.Fatalf("kustomize kept the local-config configs; the premise of --config is gone:\n%.2000s", app)
	}
	piped := mustRun(t, repoRoot, nil, app, netidBin, append([]string{"render"}, exampleConfigs...)...)
	fn := kustomizeBuild(t, kustomize, "examples/kustomize")

	if bytes.HasPrefix(bytes.TrimSpace(piped), []byte("apiVersion: config.kubernetes.io/v1")) || bytes.Contains(piped, []byte("kind: ResourceList")) {
		t.Errorf("the pipe form wrote a ResourceList:\n%.2000s", piped)
	}
	for _, marker := range []string{"config.kubernetes.io/local-config", "config.kubernetes.io/path", "config.kubernetes.io/index", "internal.config.kubernetes.io/", "config.k8s.io/id"} {
		if bytes.Contains(piped, []byte(marker)) {
			t.Errorf("the pipe form's output carries %q", marker)
		}
	}
	got, want := canonical(t, parseObjects(t, piped)), canonical(t, parseObjects(t, fn))
	if !slices.Equal(got, want) {
		t.Errorf("the pipe form and the function through kustomize differ as objects:\n%s",
			firstDifference([]byte(strings.Join(want, "---\n")), []byte(strings.Join(got, "---\n"))))
	}

	// The same render on files: the app's manifests under a path.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.yaml"), app, 0o644); err != nil {
		t.Fatal(err)
	}
	fromPath := mustRun(t, repoRoot, nil, nil, netidBin, append(append([]string{"render"}, exampleConfigs...), dir)...)
	if !bytes.Equal(fromPath, piped) {
		t.Errorf("netid render PATH differs from netid render on stdin:\n%s", firstDifference(piped, fromPath))
	}

	// Idempotent: its own output, rendered again, comes back byte for byte.
	again := mustRun(t, repoRoot, nil, piped, netidBin, append([]string{"render"}, exampleConfigs...)...)
	if !bytes.Equal(again, piped) {
		t.Errorf("netid render changed its own output:\n%s", firstDifference(piped, again))
	}
}

// TestPipeRenderRefuses feeds the pipe form a stream that breaks a rule (an
// allow-all NetworkPolicy added to the app): exit 1, nothing on stdout, the
// finding on stderr.
func TestPipeRenderRefuses(t *testing.T) {
	kustomize := requireKustomize(t)
	app := mustRun(t, repoRoot, nil, nil, kustomize, "build", "examples/kustomize/app")
	bad := append(app, []byte(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-everything
  namespace: shop
spec:
  podSelector: {}
  ingress: [{}]
  policyTypes: [Ingress]
`)...)
	stdout, err := run(t, repoRoot, nil, bad, netidBin, append([]string{"render"}, exampleConfigs...)...)
	if err == nil {
		t.Fatalf("netid render accepted an allow-all NetworkPolicy; stdout:\n%.2000s", stdout)
	}
	if len(stdout) > 0 {
		t.Errorf("netid render refused but wrote to stdout:\n%.2000s", stdout)
	}
	if code := exitCode(err); code != 1 {
		t.Errorf("exit code %d, want 1: %v", code, err)
	}
	if !strings.Contains(err.Error(), "allow-everything") || !strings.Contains(err.Error(), "refused to render") {
		t.Errorf("stderr does not name the policy and the refusal: %v", err)
	}
}

// TestReportRecipe runs the README's report recipe as written.
func TestReportRecipe(t *testing.T) {
	kustomize := requireKustomize(t)
	app := mustRun(t, repoRoot, nil, nil, kustomize, "build", "examples/kustomize/app")
	md := mustRun(t, repoRoot, nil, app, netidBin, append([]string{"report", "-o", "-"}, exampleConfigs...)...)
	if !bytes.HasPrefix(md, []byte("# ")) || !bytes.Contains(md, []byte("checkoutservice")) {
		t.Errorf("netid report wrote no report of the shop app:\n%.2000s", md)
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	recipe := "kustomize build examples/kustomize/app | netid report -o - " + strings.Join(exampleConfigs, " ")
	if !bytes.Contains(readme, []byte(recipe)) {
		t.Errorf("README.md lacks the tested recipe %q", recipe)
	}
}

// TestFluxRenderScript runs examples/flux/render.sh as written (with the
// pinned kustomize and the built netid) and checks that the committed
// examples/flux/deploy/shop.yaml, which Flux applies, is its output.
func TestFluxRenderScript(t *testing.T) {
	kustomize := requireKustomize(t)
	out := filepath.Join(t.TempDir(), "shop.yaml")
	mustRun(t, repoRoot, []string{"KUSTOMIZE=" + kustomize, "NETID=" + netidBin, "OUT=" + out}, nil, "bash", "examples/flux/render.sh")
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, missing := functionMarkers(parseObjects(t, got), ""); len(missing) > 0 {
		t.Errorf("render.sh's output lacks netid's objects %v", missing)
	}
	compareGolden(t, "examples/flux/deploy/shop.yaml", got)
}

// exitCode is the exit code carried by run's error, -1 if none.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}
