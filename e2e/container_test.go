package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKustomizeContainer builds the container image from the Dockerfile and
// renders the example through it as a kustomize container function: the
// output must equal the exec function's, byte for byte. It proves the image's
// entrypoint is the same function, and that it runs the way kustomize starts
// containers (docker run --user nobody --network none).
func TestKustomizeContainer(t *testing.T) {
	kustomize := requireKustomize(t)
	docker, err := exec.LookPath("docker")
	if err == nil {
		if _, err = run(t, repoRoot, nil, nil, docker, "info"); err != nil {
			docker = ""
		}
	}
	docker = requireTool(t, "docker", docker, "no docker engine to build and run the image")

	const image = "netid:e2e"
	mustRun(t, repoRoot, nil, nil, docker, "build", "-q", "-t", image, ".")
	t.Cleanup(func() { _, _ = run(t, repoRoot, nil, nil, docker, "rmi", image) })

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
