package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The image the tests build with `make image`: the Makefile's fully qualified
// name (kpt would read a bare name as gcr.io/kpt-fn/...), under a tag of the
// tests' own, so that a developer's :dev and :<version> are left alone.
const (
	imageName = "ghcr.io/netid-dev/netid"
	imageTag  = "e2e"
)

var (
	imageOnce sync.Once
	// imageRef is the image built for the tests ("" until built); imageErr
	// why it could not be. TestMain removes the image after the tests.
	imageRef string
	imageErr error
)

// requireDocker returns the docker CLI if a docker engine answers, or stops
// the test (requireTool: a skip, a failure under CI).
func requireDocker(t *testing.T) string {
	t.Helper()
	docker, err := exec.LookPath("docker")
	why := "no docker CLI on PATH"
	if err == nil {
		if _, err = run(t, repoRoot, nil, nil, docker, "info"); err != nil {
			docker, why = "", "no docker engine to build and run the image: "+err.Error()
		}
	}
	return requireTool(t, "docker", docker, why)
}

// requireImage builds the image once for all the tests, the way users do
// (`make image`, with IMAGE and IMAGE_TAGS set to the tests' name and tag),
// and returns its reference. Without docker it stops the test as
// requireDocker does; a failed build fails every test that needs the image.
func requireImage(t *testing.T) (docker, ref string) {
	t.Helper()
	docker = requireDocker(t)
	imageOnce.Do(func() {
		if _, imageErr = run(t, repoRoot, nil, nil, "make", "-s", "image", "IMAGE="+imageName, "IMAGE_TAGS="+imageTag); imageErr == nil {
			imageRef = imageName + ":" + imageTag
		}
	})
	if imageErr != nil {
		t.Fatalf("building the image: %v", imageErr)
	}
	return docker, imageRef
}

// removeImage removes the tests' image, if one was built.
func removeImage() {
	if imageRef != "" {
		_ = exec.Command("docker", "rmi", imageRef).Run()
	}
}

// semver is the grammar of semver.org 2.0.0, as hack/version.sh promises.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$`)

// TestImageVersion: the image's org.opencontainers.image.version label is a
// semantic version, what the binary in it prints for `netid version`, and
// what hack/version.sh says for this checkout.
func TestImageVersion(t *testing.T) {
	docker, ref := requireImage(t)
	label := strings.TrimSpace(string(mustRun(t, repoRoot, nil, nil, docker, "inspect", "--format",
		`{{index .Config.Labels "org.opencontainers.image.version"}}`, ref)))
	if !semver.MatchString(label) {
		t.Errorf("label org.opencontainers.image.version is %q, not a semantic version", label)
	}
	printed := strings.TrimSpace(string(mustRun(t, repoRoot, nil, nil, docker, "run", "--rm", "--network", "none", ref, "version")))
	if printed != label {
		t.Errorf("`netid version` in the image prints %q, the label says %q", printed, label)
	}
	want := strings.TrimSpace(string(mustRun(t, repoRoot, nil, nil, filepath.Join(repoRoot, "hack", "version.sh"))))
	if label != want {
		t.Errorf("the image's version is %q, hack/version.sh says %q", label, want)
	}
	for _, key := range []string{"title", "source", "licenses", "revision"} {
		v := strings.TrimSpace(string(mustRun(t, repoRoot, nil, nil, docker, "inspect", "--format",
			`{{index .Config.Labels "org.opencontainers.image.`+key+`"}}`, ref)))
		if v == "" || v == "unknown" {
			t.Errorf("label org.opencontainers.image.%s is %q", key, v)
		}
	}
}

// TestKustomizeContainer renders the example through the image as a
// kustomize container function: the output must equal the exec function's,
// byte for byte. It proves the image's entrypoint is the same function, and
// that it runs the way kustomize starts containers (docker run --user nobody
// --network none).
func TestKustomizeContainer(t *testing.T) {
	kustomize := requireKustomize(t)
	_, image := requireImage(t)

	dir := filepath.Join(t.TempDir(), "kustomize")
	copyDir(t, filepath.Join(repoRoot, "examples", "kustomize"), dir)
	cfg := filepath.Join(dir, "netid.yaml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exec := "exec:\n        path: ../../bin/netid"
	if !bytes.Contains(data, []byte(exec)) {
		t.Fatalf("examples/kustomize/netid.yaml no longer has %q; update this test", exec)
	}
	data = bytes.Replace(data, []byte(exec), []byte("container:\n        image: "+image), 1)
	if err := os.WriteFile(cfg, data, 0o644); err != nil {
		t.Fatal(err)
	}

	got := mustRun(t, dir, nil, nil, kustomize, "build", "--enable-alpha-plugins", ".")
	want, err := os.ReadFile(filepath.Join(repoRoot, "examples", "kustomize", "expected", "output.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the container function's output differs from the exec function's:\n%s", firstDifference(want, got))
	}
	if !strings.Contains(string(got), "name: default-deny") {
		t.Error("the container function generated no default-deny: it did not run")
	}
}

// compareTrees fails the test where two packages' files differ.
func compareTrees(t *testing.T, what string, want, got map[string][]byte) {
	t.Helper()
	for name, data := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: lacks %s", what, name)
		case !bytes.Equal(g, data):
			t.Errorf("%s: %s differs:\n%s", what, name, firstDifference(data, g))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: has %s, which the exec function did not write", what, name)
		}
	}
}

// TestKptEvalImage runs `kpt fn eval --image` with the image's fully
// qualified name on examples/kpt, without pulling: the package must come out
// as with `kpt fn eval --exec`, file for file.
func TestKptEvalImage(t *testing.T) {
	kpt := requireKpt(t)
	_, image := requireImage(t)
	tmp := t.TempDir()
	viaExec, viaImage := filepath.Join(tmp, "exec"), filepath.Join(tmp, "image")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), viaExec)
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), viaImage)
	mustRun(t, repoRoot, nil, nil, kpt, "fn", "eval", "--exec", netidBin, viaExec)
	mustRun(t, repoRoot, nil, nil, kpt, "fn", "eval", "--image", image, "--image-pull-policy", "never", viaImage)
	want, got := readTree(t, viaExec), readTree(t, viaImage)
	if len(got) <= len(readTree(t, filepath.Join(repoRoot, "examples", "kpt"))) {
		t.Fatal("kpt fn eval --image wrote no new file: netid generated nothing")
	}
	compareTrees(t, "kpt fn eval --image", want, got)
}

// TestKptRenderImage runs a Kptfile pipeline whose mutator is the image
// (`image:` with the fully qualified name; a Kptfile entry has no pull
// policy, `kpt fn render --image-pull-policy never` gives it): the package
// must come out as with the example's `exec:` pipeline, file for file.
func TestKptRenderImage(t *testing.T) {
	kpt := requireKpt(t)
	_, image := requireImage(t)
	rendered, _ := renderKptCopy(t, kpt)

	pkg := filepath.Join(t.TempDir(), "kpt")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), pkg)
	kptfile := filepath.Join(pkg, "Kptfile")
	data, err := os.ReadFile(kptfile)
	if err != nil {
		t.Fatal(err)
	}
	const execEntry = "- exec: ../../bin/netid"
	if !bytes.Contains(data, []byte(execEntry)) {
		t.Fatalf("examples/kpt/Kptfile no longer has %q; update this test", execEntry)
	}
	data = bytes.Replace(data, []byte(execEntry), []byte("- image: "+image), 1)
	if err := os.WriteFile(kptfile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, pkg, nil, nil, kpt, "fn", "render", "--image-pull-policy", "never", ".")

	want, got := readTree(t, rendered), readTree(t, pkg)
	delete(want, "Kptfile")
	delete(got, "Kptfile")
	compareTrees(t, "kpt fn render with image:", want, got)
}

// TestKptRefusalResultsImage: the refusal reaches kpt as structured results
// from the image too.
func TestKptRefusalResultsImage(t *testing.T) {
	kpt := requireKpt(t)
	_, image := requireImage(t)
	pkg := flawedKptPackage(t, "image: "+image)
	checkRefusedKptRender(t, kpt, pkg, "--image-pull-policy", "never")
}

// bareImage finds an image reference netid:<tag> that is not qualified
// with a registry: kpt would look for it as gcr.io/kpt-fn/netid:<tag>.
var bareImage = regexp.MustCompile(`(^|[^/\w.-])netid:(dev|e2e|v?[0-9][\w.-]*)`)

// TestDocsNameQualifiedImage: the Makefile's IMAGE is the name the tests
// build, and no doc, example or catalog file names the image without its
// registry (the READMEs may quote the bare name where they explain kpt's
// expansion).
func TestDocsNameQualifiedImage(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^IMAGE \?= ` + regexp.QuoteMeta(imageName) + `$`).Match(makefile) {
		t.Errorf("the Makefile does not set IMAGE ?= %s, the name the tests and docs use", imageName)
	}
	files := []string{"README.md", "Dockerfile", "Makefile", "fn/README.md", "fn/metadata.yaml"}
	for _, dir := range []string{"examples", catalogExamples} {
		for name := range readTree(t, filepath.Join(repoRoot, dir)) {
			files = append(files, filepath.Join(dir, name))
		}
	}
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(repoRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "gcr.io/kpt-fn/netid:") {
				continue // the explanation of kpt's expansion
			}
			if m := bareImage.FindString(line); m != "" {
				t.Errorf("%s:%d names the image without its registry (%q); use %s:dev", name, i+1, strings.TrimSpace(m), imageName)
			}
		}
	}
}
