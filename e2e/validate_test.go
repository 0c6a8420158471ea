package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kustomizeCopy copies examples/kustomize to <tmp>/examples/kustomize with
// <tmp>/bin linked to the repository's bin/, so the relative exec path holds.
func kustomizeCopy(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "examples", "kustomize")
	copyDir(t, filepath.Join(repoRoot, "examples", "kustomize"), dir)
	if err := os.Symlink(filepath.Dir(netidBin), filepath.Join(tmp, "bin")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// validatorConfig is frontend's NetworkIdentity as a kustomize validator:
// `netid validate` changes nothing and only judges.
func validatorConfig(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "examples", "kustomize", "netid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	exec := "exec:\n        path: ../../bin/netid"
	if !bytes.Contains(data, []byte(exec)) {
		t.Fatalf("examples/kustomize/netid.yaml no longer has %q; update this test", exec)
	}
	data = bytes.Replace(data, []byte(exec), []byte(exec+"\n        args: [validate]"), 1)
	// kustomize refuses two transformer configs with one identity; the
	// validator's names the workload explicitly.
	for _, r := range [][2]string{{"  name: frontend\n", "  name: frontend-validate\n"}, {"\nspec:\n", "\nspec:\n  workload: frontend\n"}} {
		if !bytes.Contains(data, []byte(r[0])) {
			t.Fatalf("examples/kustomize/netid.yaml no longer has %q; update this test", r[0])
		}
		data = bytes.Replace(data, []byte(r[0]), []byte(r[1]), 1)
	}
	return data
}

// TestKustomizeValidator runs netid as a transformer and then `netid
// validate` as the last transformer: it changes nothing, so the output must
// equal the plain render; and the validator alone, over the unrendered app,
// must refuse it. (kustomize v5.8's own `validators:` field rejects every exec
// KRM function, even `cat`, as modifying the resources: kubernetes-sigs/
// kustomize#5036. The README says to list `netid validate` last under
// `transformers:` instead.)
func TestKustomizeValidator(t *testing.T) {
	kustomize := requireKustomize(t)
	dir := kustomizeCopy(t)
	if err := os.WriteFile(filepath.Join(dir, "validate.yaml"), validatorConfig(t), 0o644); err != nil {
		t.Fatal(err)
	}
	kz := filepath.Join(dir, "kustomization.yaml")
	base, err := os.ReadFile(kz)
	if err != nil {
		t.Fatal(err)
	}
	withValidator := strings.Replace(string(base), "transformers:\n  - netid.yaml\n", "transformers:\n  - netid.yaml\n  - validate.yaml\n", 1)
	if withValidator == string(base) {
		t.Fatal("examples/kustomize/kustomization.yaml no longer lists `transformers:\\n  - netid.yaml`; update this test")
	}
	if err := os.WriteFile(kz, []byte(withValidator), 0o644); err != nil {
		t.Fatal(err)
	}
	got := mustRun(t, dir, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", ".")
	want, err := os.ReadFile(filepath.Join(repoRoot, "examples", "kustomize", "expected", "output.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("with netid as a validator the output differs from the plain render:\n%s", firstDifference(want, got))
	}

	// The validator alone: nothing rendered the policy, so it must refuse.
	onlyValidator := strings.Replace(string(base), "transformers:\n  - netid.yaml\n", "transformers:\n  - validate.yaml\n", 1)
	if err := os.WriteFile(kz, []byte(onlyValidator), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", ".")
	if err == nil {
		t.Fatalf("the validator passed an app netid never rendered:\n%.1500s", out)
	}
	for _, id := range []string{"netpol-default-deny", "pss-namespace-level", "rbac-no-default-serviceaccount"} {
		if !strings.Contains(err.Error(), "error["+id+"]") {
			t.Errorf("validator refusal does not name %s:\n%s", id, err)
		}
	}
}

// TestKptValidator adds `netid validate` to the example package's Kptfile
// validators: the render succeeds and writes exactly what the mutator alone
// writes.
func TestKptValidator(t *testing.T) {
	kpt := requireKpt(t)
	plain, _ := renderKptCopy(t, kpt)
	want := readTree(t, plain)

	tmp := t.TempDir()
	pkg := filepath.Join(tmp, "examples", "kpt")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), pkg)
	if err := os.Symlink(filepath.Dir(netidBin), filepath.Join(tmp, "bin")); err != nil {
		t.Fatal(err)
	}
	kptfile := filepath.Join(pkg, "Kptfile")
	data, err := os.ReadFile(kptfile)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "  validators:\n    - exec: \"../../bin/netid validate\"\n"...)
	if err := os.WriteFile(kptfile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, pkg, nil, nil, kpt, "fn", "render", "--allow-exec", ".")
	_ = out
	got := readTree(t, pkg)
	for name, w := range want {
		if name == "Kptfile" {
			continue
		}
		if g, ok := got[name]; !ok {
			t.Errorf("with the validator, %s is missing", name)
		} else if !bytes.Equal(g, w) {
			t.Errorf("with the validator, %s differs:\n%s", name, firstDifference(w, g))
		}
	}
	if len(got) != len(want) {
		t.Errorf("with the validator the package has %d files, without %d", len(got), len(want))
	}
}
