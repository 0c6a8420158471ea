package e2e

import (
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flawedRules are the rules e2e/testdata/flawed breaks, one flaw (at least)
// each: every rule `netid rules` lists (a line each, its controls indented
// under it).
func flawedRules(t *testing.T) []string { return flawedRulesOf(t, false) }

// flawedRulesOf is flawedRules; with audited, only the rules mode audit
// softens (`netid rules --format json` marks the others unaudited: the
// audit render cannot carry their flaws and still render).
func flawedRulesOf(t *testing.T, audited bool) []string {
	t.Helper()
	out := mustRun(t, repoRoot, nil, nil, netidBin, "rules", "--format", "json")
	var doc struct {
		Rules []struct {
			ID, Severity string
			Unaudited    bool
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("netid rules --format json: %v", err)
	}
	var ids []string
	for _, r := range doc.Rules {
		// the flawed app refuses with every error rule; a warning-only
		// rule (proof-layer-consistent) refuses nothing by itself
		if r.Severity == "error" && !(audited && r.Unaudited) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) < 15 {
		t.Fatalf("netid rules lists %d error rules: %q", len(ids), out)
	}
	return ids
}

var findingLine = regexp.MustCompile(`(?m)^(error|warning)\[([a-z0-9-]+)\] `)

// findings maps each rule ID on stderr to the severities it was reported with.
func findings(stderr string) map[string][]string {
	out := map[string][]string{}
	for _, m := range findingLine.FindAllStringSubmatch(stderr, -1) {
		out[m[2]] = append(out[m[2]], m[1])
	}
	return out
}

// TestFlawedAppRefused renders a deliberately flawed copy of the example app
// through kustomize: the render must fail, print nothing on stdout (netid
// writes a ResourceList without items and with the findings as results;
// kustomize fails on the exit code and prints no manifests), and name every
// rule on stderr as an error.
func TestFlawedAppRefused(t *testing.T) {
	kustomize := requireKustomize(t)
	dir := filepath.Join(repoRoot, "e2e", "testdata", "flawed", "enforce")
	stdout, err := run(t, repoRoot, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if err == nil {
		t.Fatalf("kustomize build of the flawed app succeeded; want a refusal. stdout:\n%.2000s", stdout)
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("kustomize did not run: %v", err)
	}
	if len(stdout) != 0 {
		t.Errorf("refused render printed %d bytes on stdout; want none", len(stdout))
	}
	got := findings(err.Error())
	for _, id := range flawedRules(t) {
		sev, ok := got[id]
		switch {
		case !ok:
			t.Errorf("rule %s not reported on stderr", id)
		case !slices.Contains(sev, "error"):
			t.Errorf("rule %s reported as %v, want error", id, sev)
		}
	}
	if !strings.Contains(err.Error(), "netid: refused to render") {
		t.Errorf("stderr lacks the refusal summary:\n%s", err)
	}
	// A CronJob nobody governs is judged at its template path.
	if want := "error[pss-pod-template] CronJob/legacy/node-scan spec.jobTemplate.spec.template.spec.hostNetwork"; !strings.Contains(err.Error(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, err)
	}
}

// TestFlawedAppAudit renders the same app with mode: audit in the function
// config: it renders, and every rule is reported as a warning.
func TestFlawedAppAudit(t *testing.T) {
	kustomize := requireKustomize(t)
	dir := filepath.Join(repoRoot, "e2e", "testdata", "flawed", "audit")
	cmd := exec.Command(kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit-mode render failed: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(string(out), "name: default-deny") || !strings.Contains(string(out), "kind: HTTPRoute") {
		t.Error("audit-mode output lacks the generated objects: netid did not render")
	}
	got := findings(stderr.String())
	for _, id := range flawedRulesOf(t, true) {
		sev, ok := got[id]
		switch {
		case !ok:
			t.Errorf("rule %s not reported on stderr in audit mode", id)
		case slices.Contains(sev, "error"):
			t.Errorf("rule %s reported as an error in audit mode", id)
		}
	}
}
