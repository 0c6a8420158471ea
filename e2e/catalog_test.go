package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The function's catalog package (fn/README.md says what is where): the
// example packages live under catalogExamples, and their Kptfiles name
// catalogImage, which `make image` tags locally.
const (
	catalogExamples = "fn/examples"
	catalogImage    = imageName + ":dev"
)

// catalogCase is the part of an example's .expected/config.yaml (kpt's test
// harness case, pkg/test/runner in kpt) that the tests read.
type catalogCase struct {
	TestType        string `yaml:"testType"`
	ExitCode        int    `yaml:"exitCode"`
	ImagePullPolicy string `yaml:"imagePullPolicy"`
}

func catalogExampleNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(repoRoot, catalogExamples))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) < 2 {
		t.Fatalf("%s holds %v; want the shop example and a refused one at least", catalogExamples, names)
	}
	return names
}

func readCatalogCase(t *testing.T, dir string) catalogCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".expected", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c catalogCase
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s/.expected/config.yaml: %v", dir, err)
	}
	if c.TestType != "render" {
		t.Fatalf("%s/.expected/config.yaml: testType %q; the examples are kpt fn render cases", dir, c.TestType)
	}
	return c
}

// TestCatalogExamples renders each example package of the catalog with
// kpt fn render, the way kpt's catalog test harness does: a copy of the
// package committed to a fresh git repository, rendered, and compared with
// .expected/: the exit code with config.yaml, the change to the package with
// diff.patch (none for a refusal) and kpt's results with results.yaml. It
// runs the function as the binary (the Kptfile's image: replaced by exec:)
// and, where docker is, as the image `make image` builds. UPDATE_GOLDEN=1
// rewrites diff.patch and results.yaml from the binary's run.
func TestCatalogExamples(t *testing.T) {
	kpt := requireKpt(t)
	requireTool(t, "git", lookPath("git"), "git is not on PATH")
	for _, name := range catalogExampleNames(t) {
		dir := filepath.Join(repoRoot, catalogExamples, name)
		c := readCatalogCase(t, dir)
		t.Run(name+"/exec", func(t *testing.T) {
			checkCatalogExample(t, kpt, name, c, "exec: "+netidBin, "--allow-exec")
		})
		t.Run(name+"/image", func(t *testing.T) {
			if os.Getenv("UPDATE_GOLDEN") == "1" {
				t.Skip("the golden files are written from the binary's run")
			}
			_, image := requireImage(t)
			checkCatalogExample(t, kpt, name, c, "image: "+image, "--image-pull-policy", strings.ToLower(c.ImagePullPolicy))
		})
	}
}

func lookPath(name string) string {
	p, _ := exec.LookPath(name)
	return p
}

// checkCatalogExample renders a copy of fn/examples/<name> with its Kptfile's
// function entry replaced by entry, and compares the outcome with .expected/.
func checkCatalogExample(t *testing.T, kpt, name string, c catalogCase, entry string, flags ...string) {
	t.Helper()
	rel := filepath.Join(catalogExamples, name)
	pkg := filepath.Join(t.TempDir(), name)
	copyDir(t, filepath.Join(repoRoot, rel), pkg)
	if err := os.RemoveAll(filepath.Join(pkg, ".expected")); err != nil {
		t.Fatal(err)
	}
	kptfile := filepath.Join(pkg, "Kptfile")
	data, err := os.ReadFile(kptfile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("- image: "+catalogImage+"\n")) {
		t.Fatalf("%s/Kptfile: its mutator is not `- image: %s`", rel, catalogImage)
	}
	if err := os.WriteFile(kptfile, bytes.Replace(data, []byte("image: "+catalogImage), []byte(entry), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) []byte {
		t.Helper()
		env := []string{"GIT_DIFF_OPTS=", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=e2e", "GIT_AUTHOR_EMAIL=e2e@netid.dev", "GIT_COMMITTER_NAME=e2e", "GIT_COMMITTER_EMAIL=e2e@netid.dev"}
		return mustRun(t, pkg, env, nil, "git", append([]string{"-c", "core.abbrev=7", "-c", "core.autocrlf=false"}, args...)...)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "the example package")

	results := t.TempDir()
	_, err = run(t, pkg, nil, nil, kpt, append(append([]string{"fn", "render", "--results-dir", results}, flags...), ".")...)
	code := 0
	if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != c.ExitCode {
		t.Fatalf("kpt fn render exited %d, .expected/config.yaml says %d: %v", code, c.ExitCode, err)
	}

	git("add", "-A")
	diff := git("diff", "--cached", "--no-color", "--no-ext-diff", "HEAD")
	patch := filepath.Join(rel, ".expected", "diff.patch")
	if c.ExitCode != 0 {
		if len(diff) > 0 {
			t.Errorf("the refused render changed the package:\n%.2000s", diff)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, patch)); err == nil {
			t.Errorf("%s exists, but a refused render changes nothing", patch)
		}
	} else {
		if len(diff) == 0 {
			t.Error("the render changed nothing in the package")
		}
		compareGolden(t, patch, diff)
	}

	got, err := os.ReadFile(filepath.Join(results, "results.yaml"))
	if err != nil {
		t.Fatalf("kpt wrote no results.yaml: %v", err)
	}
	// The results name the function as the Kptfile entry ran it; the
	// expected file names it as the example's Kptfile does.
	got = bytes.Replace(got, []byte("- "+entry+"\n"), []byte("- image: "+catalogImage+"\n"), 1)
	// kpt trims the final newline of a container function's stderr, not of an
	// exec function's: the expected file has the container's form.
	got = bytes.Replace(got, []byte("\n    stderr: |\n"), []byte("\n    stderr: |-\n"), 1)
	compareGolden(t, filepath.Join(rel, ".expected", "results.yaml"), got)
}

// TestKptFnDoc: `kpt fn doc` on the image prints what `netid --help` prints:
// the usage and the catalog README's sections, field list included.
func TestKptFnDoc(t *testing.T) {
	kpt := requireKpt(t)
	_, image := requireImage(t)
	got := mustRun(t, t.TempDir(), nil, nil, kpt, "fn", "doc", "--image", image)
	want := mustRun(t, repoRoot, nil, nil, netidBin, "--help")
	if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
		t.Errorf("kpt fn doc --image %s does not print netid --help:\n%s", image, firstDifference(want, got))
	}
	for _, s := range []string{"kpt fn doc", "spec.ingress[].reason", "kpt fn eval --image " + catalogImage} {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("kpt fn doc does not mention %q", s)
		}
	}
}

// catalogMetadata is fn/metadata.yaml, the catalog's entry for the function.
type catalogMetadata struct {
	Image              string   `yaml:"image"`
	Description        string   `yaml:"description"`
	Tags               []string `yaml:"tags"`
	SourceURL          string   `yaml:"sourceURL"`
	ExamplePackageURLs []string `yaml:"examplePackageURLs"`
	License            string   `yaml:"license"`
}

// TestCatalogMetadata: fn/metadata.yaml names the image the Makefile builds,
// the Dockerfile's license and source, and exactly the example packages
// under fn/examples, each of which has its Kptfile and .expected/.
func TestCatalogMetadata(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "fn", "metadata.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m catalogMetadata
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("fn/metadata.yaml: %v", err)
	}
	dockerfile, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	label := func(key string) string {
		re := regexp.MustCompile(`org\.opencontainers\.image\.` + key + `="([^"]*)"`)
		if s := re.FindSubmatch(dockerfile); s != nil {
			return string(s[1])
		}
		return ""
	}
	if m.Image != imageName {
		t.Errorf("image is %q, the Makefile builds %s", m.Image, imageName)
	}
	if m.Description == "" || strings.Contains(m.Description, "\n") {
		t.Errorf("description %q: want one line", m.Description)
	}
	for _, tag := range []string{"mutator", "validator"} {
		if !slices.Contains(m.Tags, tag) {
			t.Errorf("tags %v lack %q", m.Tags, tag)
		}
	}
	if m.License == "" || m.License != label("licenses") {
		t.Errorf("license is %q, the image's label says %q", m.License, label("licenses"))
	}
	source := label("source")
	if !strings.HasPrefix(m.SourceURL, source+"/") || !strings.HasSuffix(m.SourceURL, "/fn") {
		t.Errorf("sourceURL %q is not the fn/ directory under the image's source %q", m.SourceURL, source)
	}
	var listed []string
	for _, u := range m.ExamplePackageURLs {
		name, ok := strings.CutPrefix(u, strings.TrimSuffix(m.SourceURL, "/fn")+"/"+catalogExamples+"/")
		if !ok || strings.Contains(name, "/") {
			t.Errorf("examplePackageURLs: %q is not %s/<name> under the source", u, catalogExamples)
			continue
		}
		listed = append(listed, name)
		for _, f := range []string{"Kptfile", ".expected/config.yaml", ".expected/results.yaml"} {
			if _, err := os.Stat(filepath.Join(repoRoot, catalogExamples, name, f)); err != nil {
				t.Errorf("example %s: %v", name, err)
			}
		}
	}
	slices.Sort(listed)
	if have := catalogExampleNames(t); !slices.Equal(listed, have) {
		t.Errorf("examplePackageURLs list %v, %s holds %v", listed, catalogExamples, have)
	}
}

// TestCatalogShopInSync: fn/examples/shop is examples/kpt (itself a copy of
// the shop app) but for its Kptfile, which runs the image, and the first line
// of each NetworkIdentity file, whose relative path to the JSON schema is one
// directory deeper; that path leads to schema/networkidentity.json.
func TestCatalogShopInSync(t *testing.T) {
	kpt := readTree(t, filepath.Join(repoRoot, "examples", "kpt"))
	shopDir := filepath.Join(repoRoot, catalogExamples, "shop")
	shop := readTree(t, shopDir)
	for name, data := range kpt {
		if name == "Kptfile" {
			continue
		}
		got, ok := shop[name]
		if !ok {
			t.Errorf("%s/shop/%s is missing (a copy of examples/kpt/%s)", catalogExamples, name, name)
			continue
		}
		if !bytes.Equal(withoutModeline(got), withoutModeline(data)) {
			t.Errorf("%s/shop/%s differs from examples/kpt/%s:\n%s", catalogExamples, name, name, firstDifference(data, got))
		}
		if rest, ok := bytes.CutPrefix(got, []byte(modelinePrefix)); ok {
			target, _, _ := bytes.Cut(rest, []byte("\n"))
			p := filepath.Join(shopDir, filepath.Dir(name), string(target))
			if want := filepath.Join(repoRoot, "schema", "networkidentity.json"); p != want {
				t.Errorf("%s/shop/%s names the schema %s, which is not %s", catalogExamples, name, target, want)
			}
		}
	}
	for name := range shop {
		if _, ok := kpt[name]; !ok && name != "Kptfile" && !strings.HasPrefix(name, ".expected/") {
			t.Errorf("%s/shop/%s has no counterpart in examples/kpt", catalogExamples, name)
		}
	}
}
