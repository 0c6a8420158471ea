package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// flawedKptPackage copies examples/kpt and e2e/testdata/flawed/base/flaws.yaml
// into a kpt package whose Kptfile pipeline runs mutator (a function entry,
// e.g. "exec: /abs/netid" or "image: ..."), and returns its directory.
func flawedKptPackage(t *testing.T, mutator string) string {
	t.Helper()
	pkg := filepath.Join(t.TempDir(), "flawed")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), pkg)
	flaws, err := os.ReadFile(filepath.Join(repoRoot, "e2e", "testdata", "flawed", "base", "flaws.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkg, "flaws.yaml"), flaws, 0o644); err != nil {
		t.Fatal(err)
	}
	kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: flawed\npipeline:\n  mutators:\n    - " + mutator + "\n"
	if err := os.WriteFile(filepath.Join(pkg, "Kptfile"), []byte(kptfile), 0o644); err != nil {
		t.Fatal(err)
	}
	return pkg
}

// kptResults is the part of kpt's results.yaml (a kpt.dev/v1
// FunctionResultList) the tests read.
type kptResults struct {
	Kind     string `yaml:"kind"`
	ExitCode int    `yaml:"exitCode"`
	Items    []struct {
		Image    string            `yaml:"image"`
		Exec     string            `yaml:"exec"`
		ExitCode int               `yaml:"exitCode"`
		Stderr   string            `yaml:"stderr"`
		Results  framework.Results `yaml:"results"`
	} `yaml:"items"`
}

// checkRefusedKptRender runs `kpt fn render` with args on the flawed package
// pkg and checks a refusal end to end: kpt fails, the package is unchanged,
// and results.yaml records every rule netid reported on stderr as a result
// with its rule tag, and a known finding with resourceRef, field and file.
func checkRefusedKptRender(t *testing.T, kpt, pkg string, args ...string) {
	t.Helper()
	before := readTree(t, pkg)
	results := t.TempDir()
	args = append([]string{"fn", "render", "--results-dir", results}, args...)
	_, err := run(t, pkg, nil, nil, kpt, append(args, ".")...)
	if err == nil {
		t.Fatal("kpt fn render of the flawed package succeeded; want a refusal")
	}
	after := readTree(t, pkg)
	for name, data := range after {
		if !bytes.Equal(data, before[name]) {
			t.Errorf("the refused render wrote %s into the package", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("the refused render left %d files in the package, had %d", len(after), len(before))
	}

	data, err := os.ReadFile(filepath.Join(results, "results.yaml"))
	if err != nil {
		t.Fatalf("kpt wrote no results.yaml: %v", err)
	}
	var rl kptResults
	if err := yaml.Unmarshal(data, &rl); err != nil {
		t.Fatalf("results.yaml: %v\n%s", err, data)
	}
	if rl.Kind != "FunctionResultList" || rl.ExitCode != 1 || len(rl.Items) != 1 {
		t.Fatalf("results.yaml: kind %q, exit code %d, %d function(s); want FunctionResultList, 1, 1:\n%.3000s", rl.Kind, rl.ExitCode, len(rl.Items), data)
	}
	fn := rl.Items[0]
	if fn.ExitCode != 1 {
		t.Errorf("results.yaml: netid's exit code %d, want 1", fn.ExitCode)
	}
	stderrRules := findings(fn.Stderr)
	if len(stderrRules) == 0 {
		t.Fatalf("results.yaml: netid's stderr names no finding:\n%s", fn.Stderr)
	}
	errors := map[string]int{}
	for _, r := range fn.Results {
		rule := r.Tags["rule"]
		if rule == "" {
			t.Errorf("result without tags.rule: %+v", r)
		}
		if r.Severity == framework.Error {
			errors[rule]++
		}
	}
	for rule, sev := range stderrRules {
		if slices.Contains(sev, "error") && errors[rule] == 0 {
			t.Errorf("stderr reports error[%s], results.yaml has no error result for it", rule)
		}
	}
	// A finding of a user file: resourceRef, field and file all recorded.
	found := false
	for _, r := range fn.Results {
		if r.Tags["rule"] == "pss-pod-template" && r.ResourceRef != nil && r.ResourceRef.Kind == "CronJob" &&
			r.ResourceRef.Namespace == "legacy" && r.ResourceRef.Name == "node-scan" &&
			r.Field != nil && r.Field.Path == "spec.jobTemplate.spec.template.spec.hostNetwork" &&
			r.File != nil && r.File.Path == "flaws.yaml" {
			found = true
		}
	}
	if !found {
		t.Errorf("results.yaml lacks the pss-pod-template result for CronJob/legacy/node-scan with field spec.jobTemplate.spec.template.spec.hostNetwork and file flaws.yaml:\n%.6000s", data)
	}
}

// TestKptRefusalResults renders a flawed kpt package with netid as an exec
// mutator: the refusal reaches kpt as structured results.
func TestKptRefusalResults(t *testing.T) {
	kpt := requireKpt(t)
	pkg := flawedKptPackage(t, "exec: "+netidBin)
	checkRefusedKptRender(t, kpt, pkg, "--allow-exec")
}
