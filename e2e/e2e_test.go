// Package e2e runs the netid binary the way its users do: through the real
// kustomize and kpt binaries, on the bundled examples/, and directly as a KRM
// function on a ResourceList.
//
// TestMain builds bin/netid at the repository root (the path the examples'
// function annotations and the Kptfile name) and locates the tools: kustomize
// from $KUSTOMIZE or `hack/tools.sh kustomize`, kpt and docker from PATH. A
// missing tool (or docker engine) skips the tests that need it, saying
// SKIPPED, except under CI (CI set), where it fails them. The image tests
// build the image once, with `make image` (container_test.go).
//
// Golden files are compared byte for byte; UPDATE_GOLDEN=1 rewrites them
// (`make golden`), and the diff is reviewed like code.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// commandTimeout bounds every external command; a render of the examples
// takes well under a second, a first kustomize install about a minute.
const commandTimeout = 5 * time.Minute

var (
	// repoRoot is the directory holding go.mod.
	repoRoot string
	// netidBin is the function binary TestMain builds: <repoRoot>/bin/netid.
	netidBin string
	// kustomizeBin and kptBin are the tools' paths, "" when not found;
	// kustomizeWhy and kptWhy then say why.
	kustomizeBin, kustomizeWhy string
	kptBin, kptWhy             string
)

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	var err error
	repoRoot, err = findRepoRoot()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	netidBin = filepath.Join(repoRoot, "bin", "netid")
	build := exec.Command("go", "build", "-trimpath", "-o", netidBin, "./fn")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building the function (go build -trimpath -o %s ./fn): %v\n%s", netidBin, err, out)
		return 1
	}
	kustomizeBin, kustomizeWhy = findKustomize()
	if p, err := exec.LookPath("kpt"); err != nil {
		kptWhy = fmt.Sprintf("kpt is not on PATH: %v", err)
	} else {
		kptBin = p
	}
	defer removeImage()
	return m.Run()
}

// findRepoRoot walks up from the working directory (the package directory
// under go test) to the directory holding go.mod.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// findKustomize returns $KUSTOMIZE if set, else the pinned kustomize that
// hack/tools.sh installs (or finds already installed) in the tools cache.
func findKustomize() (path, why string) {
	if env := os.Getenv("KUSTOMIZE"); env != "" {
		p, err := exec.LookPath(env)
		if err != nil {
			return "", fmt.Sprintf("KUSTOMIZE=%s: %v", env, err)
		}
		return p, ""
	}
	cmd := exec.Command(filepath.Join(repoRoot, "hack", "tools.sh"), "kustomize")
	cmd.Dir = repoRoot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Sprintf("KUSTOMIZE is unset and hack/tools.sh kustomize failed: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out)), ""
}

// requireTool returns path, or stops the test: a failure under CI, where every
// e2e test must run, a skip elsewhere.
func requireTool(t *testing.T, name, path, why string) string {
	t.Helper()
	if path != "" {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found and CI is set, so e2e tests may not skip: %s", name, why)
	}
	t.Skipf("SKIPPED, %s not found (under CI=true this fails instead): %s", name, why)
	return ""
}

func requireKustomize(t *testing.T) string {
	t.Helper()
	return requireTool(t, "kustomize", kustomizeBin, kustomizeWhy)
}

func requireKpt(t *testing.T) string {
	t.Helper()
	return requireTool(t, "kpt", kptBin, kptWhy)
}

// run runs name with args in dir, feeding it stdin (if not nil) and adding env
// to the environment; it returns stdout, and an error that carries stderr.
func run(t *testing.T, dir string, env []string, stdin []byte, name string, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s %s (in %s): %w\nstderr:\n%s",
			name, strings.Join(args, " "), dir, err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// mustRun is run, failing the test on error.
func mustRun(t *testing.T, dir string, env []string, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	out, err := run(t, dir, env, stdin, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compareGolden compares got with the golden file at rel (relative to the
// repository root), or rewrites the file when UPDATE_GOLDEN=1.
func compareGolden(t *testing.T, rel string, got []byte) {
	t.Helper()
	path := filepath.Join(repoRoot, rel)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", rel)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file: %v (run `make golden` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run `make golden` and review the diff if the change is intended):\n%s",
			rel, firstDifference(want, got))
	}
}

// firstDifference describes where two texts first differ, with a few lines of
// context from each.
func firstDifference(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	excerpt := func(lines []string) string {
		from, to := max(0, i-3), min(len(lines), i+4)
		var b strings.Builder
		for n := from; n < to; n++ {
			mark := "  "
			if n == i {
				mark = "> "
			}
			fmt.Fprintf(&b, "%s%4d | %s\n", mark, n+1, lines[n])
		}
		return b.String()
	}
	return fmt.Sprintf("first difference at line %d (want %d lines, got %d)\n--- want\n%s--- got\n%s",
		i+1, len(w), len(g), excerpt(w), excerpt(g))
}

// parseObjects reads a multi-document YAML stream (or a ResourceList, whose
// items it returns) into objects.
func parseObjects(t *testing.T, data []byte) []*yaml.RNode {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("parsing YAML: %v\n%s", err, data)
	}
	return nodes
}

// objectID names an object as kind/namespace/name.
func objectID(n *yaml.RNode) string {
	return n.GetKind() + "/" + n.GetNamespace() + "/" + n.GetName()
}

func objectIDs(nodes []*yaml.RNode) map[string]bool {
	ids := map[string]bool{}
	for _, n := range nodes {
		ids[objectID(n)] = true
	}
	return ids
}

// functionMarkers lists the objects that exist only when netid ran on the
// shop example (names carry prefix, e.g. an overlay's namePrefix), split into
// those present in nodes and those missing.
func functionMarkers(nodes []*yaml.RNode, prefix string) (present, missing []string) {
	ids := objectIDs(nodes)
	for _, id := range []string{
		"NetworkPolicy/shop/" + prefix + "default-deny",
		"NetworkPolicy/payments/" + prefix + "default-deny",
		"ServiceAccount/shop/" + prefix + "frontend",
	} {
		if ids[id] {
			present = append(present, id)
		} else {
			missing = append(missing, id)
		}
	}
	return present, missing
}

func kustomizeBuild(t *testing.T, kustomize, dir string, env ...string) []byte {
	t.Helper()
	return mustRun(t, repoRoot, env, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
}

func TestKustomizeExample(t *testing.T) {
	kustomize := requireKustomize(t)
	out := kustomizeBuild(t, kustomize, "examples/kustomize")
	compareGolden(t, "examples/kustomize/expected/output.yaml", out)
	if _, missing := functionMarkers(parseObjects(t, out), ""); len(missing) > 0 {
		t.Errorf("netid did not run in `kustomize build --enable-exec`: missing %v", missing)
	}

	// Without --enable-exec the pinned kustomize skips the exec function and
	// still succeeds: the bare app, which the marker check must reject.
	bare, err := run(t, repoRoot, nil, nil, kustomize, "build", "--enable-alpha-plugins", "examples/kustomize")
	if err != nil {
		t.Logf("without --enable-exec kustomize failed, so nothing was rendered: %v", err)
		return
	}
	nodes := parseObjects(t, bare)
	if present, _ := functionMarkers(nodes, ""); len(present) > 0 {
		t.Errorf("without --enable-exec the output still has %v: the marker check cannot tell whether netid ran", present)
	}
	if !objectIDs(nodes)["Deployment/shop/frontend"] {
		t.Errorf("without --enable-exec the output lacks the app itself (Deployment/shop/frontend):\n%s", bare)
	}
}

func TestKustomizeOverlay(t *testing.T) {
	kustomize := requireKustomize(t)
	out := kustomizeBuild(t, kustomize, "examples/kustomize-prod")
	compareGolden(t, "examples/kustomize-prod/expected/output.yaml", out)
	nodes := parseObjects(t, out)
	if _, missing := functionMarkers(nodes, "prod-"); len(missing) > 0 {
		t.Errorf("the overlay's output lacks netid's objects under the prod- prefix: missing %v", missing)
	}

	ids := objectIDs(nodes)
	workloads := 0
	for _, n := range nodes {
		switch n.GetKind() {
		case "Deployment", "StatefulSet", "DaemonSet":
		default:
			continue
		}
		workloads++
		sa, err := n.GetString("spec.template.spec.serviceAccountName")
		if err != nil || sa == "" {
			t.Errorf("%s: pod template has no serviceAccountName", objectID(n))
			continue
		}
		if !ids["ServiceAccount/"+n.GetNamespace()+"/"+sa] {
			t.Errorf("%s: serviceAccountName %q names no ServiceAccount in the output", objectID(n), sa)
		}
	}
	if workloads == 0 {
		t.Error("the overlay's output has no workloads")
	}

	backendRefs := 0
	for _, route := range nodes {
		if route.GetKind() != "HTTPRoute" {
			continue
		}
		rules, err := route.Pipe(yaml.Lookup("spec", "rules"))
		if err != nil || rules == nil {
			t.Errorf("%s: no spec.rules", objectID(route))
			continue
		}
		for _, rule := range rules.Content() {
			refs := yaml.NewRNode(rule).Field("backendRefs")
			if refs == nil {
				continue
			}
			for _, ref := range refs.Value.Content() {
				r := yaml.NewRNode(ref)
				backendRefs++
				kind, _ := r.GetString("kind")
				if kind != "" && kind != "Service" {
					continue
				}
				name, _ := r.GetString("name")
				ns, _ := r.GetString("namespace")
				if ns == "" {
					ns = route.GetNamespace()
				}
				if !ids["Service/"+ns+"/"+name] {
					t.Errorf("%s: backendRef %s/%s names no Service in the output", objectID(route), ns, name)
				}
			}
		}
	}
	if backendRefs == 0 {
		t.Error("the overlay's output has no HTTPRoute backendRef")
	}
}

// TestArgoCDApp renders examples/argocd/app, whose function config names the
// binary `netid` without a path, with bin/ on PATH (as the plugin sidecar
// has it): it must render exactly what examples/kustomize renders.
func TestArgoCDApp(t *testing.T) {
	kustomize := requireKustomize(t)
	want := kustomizeBuild(t, kustomize, "examples/kustomize")
	path := "PATH=" + filepath.Dir(netidBin) + string(os.PathListSeparator) + os.Getenv("PATH")
	got := kustomizeBuild(t, kustomize, "examples/argocd/app", path)
	if !bytes.Equal(got, want) {
		t.Errorf("examples/argocd/app renders differently from examples/kustomize:\n%s", firstDifference(want, got))
	}
}

// copyDir copies the regular files and directories under src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s to %s: %v", src, dst, err)
	}
}

// readTree returns every regular file under dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files
}

// treeObjects parses every resource file of a kpt package (*.yaml, *.yml,
// Kptfile) and returns the objects' IDs, sorted.
func treeObjects(t *testing.T, files map[string][]byte) []string {
	t.Helper()
	var ids []string
	for name, data := range files {
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && filepath.Base(name) != "Kptfile" {
			continue
		}
		for _, n := range parseObjects(t, data) {
			ids = append(ids, objectID(n))
		}
	}
	slices.Sort(ids)
	return ids
}

// renderKptCopy copies examples/kpt to <tmp>/examples/kpt, links <tmp>/bin to
// the repository's bin/ so that the Kptfile's `exec: ../../bin/netid` resolves,
// and runs `kpt fn render` in it. kpt resolves a relative exec path from its
// working directory, so it runs in the package directory.
func renderKptCopy(t *testing.T, kpt string) (pkg string, before map[string][]byte) {
	t.Helper()
	tmp := t.TempDir()
	pkg = filepath.Join(tmp, "examples", "kpt")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), pkg)
	if err := os.Symlink(filepath.Dir(netidBin), filepath.Join(tmp, "bin")); err != nil {
		t.Fatal(err)
	}
	before = readTree(t, pkg)
	mustRun(t, pkg, nil, nil, kpt, "fn", "render", "--allow-exec", ".")
	return pkg, before
}

func TestKptRender(t *testing.T) {
	kpt := requireKpt(t)
	pkg, before := renderKptCopy(t, kpt)
	after := readTree(t, pkg)

	var added []string
	for name := range after {
		if _, ok := before[name]; !ok {
			added = append(added, name)
		}
	}
	slices.Sort(added)
	if len(added) == 0 {
		t.Fatal("kpt fn render wrote no new file: netid generated nothing")
	}
	denies := map[string]bool{}
	for _, name := range added {
		for _, n := range parseObjects(t, after[name]) {
			if n.GetKind() == "NetworkPolicy" && n.GetName() == "default-deny" {
				denies[n.GetNamespace()] = true
			}
		}
	}
	for _, ns := range []string{"shop", "payments"} {
		if !denies[ns] {
			t.Errorf("no generated file holds NetworkPolicy default-deny in namespace %s; new files: %v", ns, added)
		}
	}

	// User files keep everything they had, comments included: the only lines
	// netid adds to a workload are the pod template fields it owns.
	owned := regexp.MustCompile(`^\s*(serviceAccountName: |automountServiceAccountToken: |imagePullSecrets:|- name: regcred$)`)
	for name, data := range before {
		if !strings.HasSuffix(name, ".yaml") || strings.Contains(name, "Kptfile") {
			continue
		}
		var kept []string
		for _, line := range strings.Split(string(after[name]), "\n") {
			if !owned.MatchString(line) {
				kept = append(kept, line)
			}
		}
		if strings.Join(kept, "\n") != string(data) {
			t.Errorf("kpt render changed %s beyond the fields netid owns:\n%s", name, firstDifference(data, []byte(strings.Join(kept, "\n"))))
		}
	}

	// A second render must change nothing: netid recognises its own output.
	mustRun(t, pkg, nil, nil, kpt, "fn", "render", "--allow-exec", ".")
	again := readTree(t, pkg)
	for name, data := range after {
		got, ok := again[name]
		switch {
		case !ok:
			t.Errorf("second render removed %s", name)
		case !bytes.Equal(got, data):
			t.Errorf("second render changed %s:\n%s", name, firstDifference(data, got))
		}
	}
	for name := range again {
		if _, ok := after[name]; !ok {
			t.Errorf("second render added %s", name)
		}
	}
}

func TestKptEval(t *testing.T) {
	kpt := requireKpt(t)
	pkg := filepath.Join(t.TempDir(), "kpt")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), pkg)
	// No --fn-config: the NetworkIdentities come from the package's items.
	mustRun(t, repoRoot, nil, nil, kpt, "fn", "eval", "--exec", netidBin, pkg)
	evaluated := treeObjects(t, readTree(t, pkg))

	rendered, _ := renderKptCopy(t, kpt)
	want := treeObjects(t, readTree(t, rendered))
	if !slices.Equal(evaluated, want) {
		t.Errorf("kpt fn eval and kpt fn render produce different objects\neval:\n  %s\nrender:\n  %s",
			strings.Join(evaluated, "\n  "), strings.Join(want, "\n  "))
	}
}

// readObjectsFile reads the objects of one YAML file, without the reader's
// index annotations: what a user's file holds.
func readObjectsFile(t *testing.T, path string) []*yaml.RNode {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseObjects(t, data)
}

// resourceList serializes items and functionConfig as a KRM ResourceList.
func resourceList(t *testing.T, items []*yaml.RNode, functionConfig *yaml.RNode) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := kio.ByteWriter{
		Writer:                &buf,
		WrappingKind:          kio.ResourceListKind,
		WrappingAPIVersion:    kio.ResourceListAPIVersion,
		FunctionConfig:        functionConfig,
		KeepReaderAnnotations: true,
	}
	if err := w.Write(items); err != nil {
		t.Fatalf("writing ResourceList: %v", err)
	}
	return buf.Bytes()
}

// stream serializes objects as a multi-document YAML stream, as they are.
func stream(t *testing.T, nodes []*yaml.RNode) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (kio.ByteWriter{Writer: &buf, KeepReaderAnnotations: true}).Write(nodes); err != nil {
		t.Fatalf("writing YAML: %v", err)
	}
	return buf.Bytes()
}

// TestIdempotentOutput runs the binary as a KRM function on the kustomize
// example's inputs (app/ and app/netid/ as items, netid.yaml as the function
// config), then again on its own output with the same config: the second run
// must return the items unchanged.
func TestIdempotentOutput(t *testing.T) {
	app := filepath.Join(repoRoot, "examples", "kustomize", "app")
	var files []string
	for _, pattern := range []string{"*.yaml", "netid/*.yaml"} {
		matches, err := filepath.Glob(filepath.Join(app, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	var items []*yaml.RNode
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		items = append(items, readObjectsFile(t, f)...)
	}
	config := readObjectsFile(t, filepath.Join(repoRoot, "examples", "kustomize", "netid.yaml"))
	if len(config) != 1 {
		t.Fatalf("examples/kustomize/netid.yaml holds %d objects, want 1", len(config))
	}

	first := parseObjects(t, mustRun(t, repoRoot, nil, resourceList(t, items, config[0]), netidBin))
	if _, missing := functionMarkers(first, ""); len(missing) > 0 {
		t.Fatalf("netid's output lacks %v", missing)
	}
	second := parseObjects(t, mustRun(t, repoRoot, nil, resourceList(t, first, config[0]), netidBin))
	if want, got := stream(t, first), stream(t, second); !bytes.Equal(got, want) {
		t.Errorf("netid changed its own output on a second run:\n%s", firstDifference(want, got))
	}
}

// TestExampleCopiesInSync keeps the three copies of the shop app consistent:
// examples/kpt holds the files of examples/kustomize/app (but for the first
// line naming the JSON schema, whose relative path differs with the
// directory's depth: TestExampleConfigsNameTheSchema checks it), and frontend's
// NetworkIdentity appears in examples/kustomize/netid.yaml,
// examples/kpt/netid/frontend.yaml and examples/argocd/app/netid.yaml with one
// spec. It also checks that app/kustomization.yaml lists every app file.
func TestExampleCopiesInSync(t *testing.T) {
	examples := filepath.Join(repoRoot, "examples")
	app := readTree(t, filepath.Join(examples, "kustomize", "app"))
	kpt := readTree(t, filepath.Join(examples, "kpt"))

	var listed []string
	for name, data := range app {
		if name == "kustomization.yaml" {
			continue
		}
		listed = append(listed, name)
		if got, ok := kpt[name]; !ok {
			t.Errorf("examples/kpt/%s is missing (a copy of examples/kustomize/app/%s)", name, name)
		} else if !bytes.Equal(withoutModeline(got), withoutModeline(data)) {
			t.Errorf("examples/kpt/%s differs from examples/kustomize/app/%s:\n%s", name, name, firstDifference(data, got))
		}
	}
	for name := range kpt {
		if _, ok := app[name]; !ok && name != "Kptfile" && name != "netid/frontend.yaml" {
			t.Errorf("examples/kpt/%s has no counterpart in examples/kustomize/app", name)
		}
	}

	kustomization := readObjectsFile(t, filepath.Join(examples, "kustomize", "app", "kustomization.yaml"))
	resources, err := kustomization[0].GetSlice("resources")
	if err != nil {
		t.Fatalf("examples/kustomize/app/kustomization.yaml: resources: %v", err)
	}
	var resourceNames []string
	for _, r := range resources {
		resourceNames = append(resourceNames, fmt.Sprint(r))
	}
	slices.Sort(resourceNames)
	slices.Sort(listed)
	if !slices.Equal(resourceNames, listed) {
		t.Errorf("examples/kustomize/app/kustomization.yaml lists %v, the directory holds %v", resourceNames, listed)
	}

	spec := func(n *yaml.RNode) string {
		field := n.Field("spec")
		if field == nil {
			return ""
		}
		return field.Value.MustString()
	}
	frontend := readObjectsFile(t, filepath.Join(examples, "kustomize", "netid.yaml"))[0]
	for _, rel := range []string{"kpt/netid/frontend.yaml", "argocd/app/netid.yaml"} {
		objs := readObjectsFile(t, filepath.Join(examples, rel))
		if len(objs) != 1 {
			t.Errorf("examples/%s holds %d objects, want 1", rel, len(objs))
			continue
		}
		n := objs[0]
		if objectID(n) != objectID(frontend) || n.GetApiVersion() != frontend.GetApiVersion() {
			t.Errorf("examples/%s is %s %s, want %s %s", rel, n.GetApiVersion(), objectID(n), frontend.GetApiVersion(), objectID(frontend))
		}
		if got, want := spec(n), spec(frontend); got != want {
			t.Errorf("examples/%s: spec differs from examples/kustomize/netid.yaml:\n%s", rel, firstDifference([]byte(want), []byte(got)))
		}
	}
	item := readObjectsFile(t, filepath.Join(examples, "kpt", "netid", "frontend.yaml"))[0]
	if item.GetAnnotations()["config.kubernetes.io/local-config"] != "true" {
		t.Error(`examples/kpt/netid/frontend.yaml: want annotation config.kubernetes.io/local-config: "true"`)
	}
}
