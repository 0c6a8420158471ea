package e2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestArgoCDDiscoverRule runs examples/argocd/plugin.yaml's discover command
// with sh in each directory, as argocd-cmp-server does (TestArgoCDPlugin
// does it through the real server, when built): every directory whose
// kustomization tree declares a NetworkIdentity is claimed, others are not.
func TestArgoCDDiscoverRule(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skipf("no sh: %v", err)
	}
	plugin := readObjectsFile(t, filepath.Join(repoRoot, "examples", "argocd", "plugin.yaml"))[0]
	find, err := plugin.Pipe(yaml.Lookup("spec", "discover", "find", "command"))
	if err != nil || find == nil {
		t.Fatalf("plugin.yaml: spec.discover.find.command: %v", err)
	}
	var command []string
	for _, e := range find.Content() {
		command = append(command, e.Value)
	}
	if len(command) != 3 || command[0] != "sh" || command[1] != "-c" {
		t.Fatalf("plugin.yaml: spec.discover.find.command is %q, want [sh -c SCRIPT]", command)
	}
	for dir, want := range map[string]bool{
		"examples/argocd/app":           true,
		"examples/argocd/prod":          true, // NetworkIdentities only in ../app
		"examples/kustomize":            true,
		"examples/kustomize-prod":       true, // NetworkIdentities only in ../kustomize
		"e2e/testdata/flawed/argocd":    true,
		"e2e/testdata/argocd-plain":     false,
		"examples/kpt":                  false, // no kustomization
		"e2e/testdata/apiserver-corpus": false,
	} {
		out, stderr, err := runCommand(t.Context(), time.Minute, filepath.Join(repoRoot, dir), nil, nil, sh, "-c", command[2])
		if err != nil {
			t.Errorf("%s: the discover command failed (the repo-server would then not use the plugin): %v\n%s", dir, err, stderr)
			continue
		}
		if got := len(bytes.TrimSpace(out)) > 0; got != want {
			t.Errorf("%s: claimed %v, want %v (output %q)", dir, got, want, out)
		}
	}
}
