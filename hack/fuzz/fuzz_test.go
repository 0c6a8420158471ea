// Package fuzz tests hack/fuzz.sh, which `make fuzz` runs: it runs every
// fuzz target, fails on a failing input or any other failure, and runs again
// only a target that ended in go's own -fuzztime deadline race.
package fuzz

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo stands in for `go test -fuzz`: per call it appends the target to
// calls, then acts as the mode the environment names for that call number.
const fakeGo = `#!/usr/bin/env bash
fn=""; pkg=""
while [ $# -gt 0 ]; do case "$1" in -fuzz) fn="${2#^}"; fn="${fn%$}"; shift;; ./*) pkg="$1";; esac; shift; done
echo "$fn" >> "$CALLS"
n=$(grep -c "^$fn\$" "$CALLS")
mode="$(eval echo "\${MODE_${fn}_${n}:-\${MODE_${fn}:-pass}}")"
case "$mode" in
pass) echo PASS; exit 0;;
race) printf -- '--- FAIL: %s (10.03s)\n    context deadline exceeded\nFAIL\n' "$fn"; exit 1;;
crash) mkdir -p "$pkg/testdata/fuzz/$fn"; echo 'go test fuzz v1' > "$pkg/testdata/fuzz/$fn/0123abcd"
	printf -- '--- FAIL: %s (2.00s)\n    panic: boom\n    Failing input written to testdata/fuzz/%s/0123abcd\nFAIL\n' "$fn" "$fn"; exit 1;;
other) printf -- '--- FAIL: %s (0.01s)\n    panic: boom\nFAIL\n' "$fn"; exit 1;;
esac
`

func run(t *testing.T, env ...string) (string, []string, error) {
	t.Helper()
	script, err := filepath.Abs("../fuzz.sh")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for pkg, src := range map[string]string{
		"a": "package a\n\nfunc FuzzA(f *testing.F) {}\n",
		"b": "package b\n\nfunc FuzzB(f *testing.F) {}\n\nfunc FuzzC(f *testing.F) {}\n",
	} {
		if err := os.MkdirAll(filepath.Join(root, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, pkg, pkg+"_test.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A committed seed input is not a new failing input.
	if err := os.MkdirAll(filepath.Join(root, "a/testdata/fuzz/FuzzA"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a/testdata/fuzz/FuzzA/seed"), []byte("go test fuzz v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(fake, []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	calls := filepath.Join(t.TempDir(), "calls")
	cmd := exec.Command("bash", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), append([]string{"GO=" + fake, "CALLS=" + calls, "FUZZTIME=1s"}, env...)...)
	out, err := cmd.CombinedOutput()
	got, _ := os.ReadFile(calls)
	return string(out), strings.Fields(string(got)), err
}

func TestFuzzScript(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   []string
		fails bool
		calls string
		says  string
	}{
		{name: "every target once", calls: "FuzzA FuzzB FuzzC", says: "3 targets, no failing input"},
		{name: "the deadline race is run again", env: []string{"MODE_FuzzB_1=race"}, calls: "FuzzA FuzzB FuzzB FuzzC", says: "golang/go#75804"},
		{name: "the race twice is still the race", env: []string{"MODE_FuzzA_1=race", "MODE_FuzzA_2=race"}, calls: "FuzzA FuzzA FuzzA FuzzB FuzzC", says: "(run 3)"},
		{name: "a target that keeps ending so fails", env: []string{"MODE_FuzzB=race"}, fails: true, calls: "FuzzA FuzzB FuzzB FuzzB", says: "on all 3 runs"},
		{name: "a failing input fails at once", env: []string{"MODE_FuzzA=crash"}, fails: true, calls: "FuzzA", says: "a/testdata/fuzz/FuzzA/: 0123abcd"},
		{name: "any other failure fails at once", env: []string{"MODE_FuzzC=other"}, fails: true, calls: "FuzzA FuzzB FuzzC", says: "FuzzC failed (exit 1) without writing an input"},
		{name: "no retries", env: []string{"FUZZ_RETRIES=0", "MODE_FuzzA_1=race"}, fails: true, calls: "FuzzA", says: "on all 1 runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, calls, err := run(t, tc.env...)
			if (err != nil) != tc.fails {
				t.Fatalf("failed: %v, want %v\n%s", err, tc.fails, out)
			}
			if got := strings.Join(calls, " "); got != tc.calls {
				t.Errorf("ran %q, want %q\n%s", got, tc.calls, out)
			}
			if !strings.Contains(out, tc.says) {
				t.Errorf("output does not say %q:\n%s", tc.says, out)
			}
		})
	}
}
