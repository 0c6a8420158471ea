package e2e

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestInit drafts configs for an app without any, and says so when there is
// nothing left to draft.
func TestInit(t *testing.T) {
	out := mustRun(t, repoRoot, nil, nil, netidBin, "init", "fn/internal/initcfg/testdata/app.yaml")
	if n := strings.Count(string(out), "kind: NetworkIdentity"); n != 5 {
		t.Fatalf("netid init drafted %d configs, want one per workload (5):\n%s", n, out)
	}
	// Drafts and app together: nothing left to draft.
	app := mustRun(t, repoRoot, nil, nil, "cat", "fn/internal/initcfg/testdata/app.yaml")
	cmd := exec.Command(netidBin, "init")
	cmd.Dir = repoRoot
	cmd.Stdin = bytes.NewReader(append(append(app, []byte("\n---\n")...), out...))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "nothing to draft") {
		t.Errorf("netid init on an app whose workloads all have a config: err %v, stderr %q", err, stderr.String())
	}
}
