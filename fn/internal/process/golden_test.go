package process

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/rules"
)

// TestGolden runs every testdata/<case>/input.yaml ResourceList through the
// function and compares stdout with output.yaml and stderr plus the exit code
// with stderr.txt. UPDATE_GOLDEN=1 rewrites the expectations; review the diff.
//
// Every case that renders is also run again on its own output, which must
// come back byte for byte: the function is idempotent. Every refused case
// must write a ResourceList that holds no items (checkRefusal).
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/input.yaml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases found: %v", err)
	}
	for _, in := range dirs {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Run(bytes.NewReader(input), &stdout, &stderr, Options{})
			gotErr := stderr.String() + fmt.Sprintf("exit code: %d\n", code)
			if os.Getenv("UPDATE_GOLDEN") != "" {
				write(t, filepath.Join(dir, "output.yaml"), stdout.String())
				write(t, filepath.Join(dir, "stderr.txt"), gotErr)
			}
			compare(t, filepath.Join(dir, "output.yaml"), stdout.String())
			compare(t, filepath.Join(dir, "stderr.txt"), gotErr)
			checkControlTags(t, stdout.Bytes())
			if code != 0 {
				checkRefusal(t, stdout.Bytes())
				return
			}
			var again, stderr2 bytes.Buffer
			if code := Run(bytes.NewReader(stdout.Bytes()), &again, &stderr2, Options{}); code != 0 {
				t.Fatalf("rerun on own output failed (exit %d):\n%s", code, stderr2.String())
			}
			if again.String() != stdout.String() {
				t.Errorf("not idempotent: rerun on own output changed it:\n%s", diff(stdout.String(), again.String()))
			}
		})
	}
}

// checkRefusal asserts what a refusal writes on stdout: a ResourceList whose
// items are empty, so that nothing of a refused render can be applied, and
// whose results are at least one error, each tagged with its rule.
func checkRefusal(t *testing.T, stdout []byte) {
	t.Helper()
	var rl struct {
		Kind    string            `yaml:"kind"`
		Items   []any             `yaml:"items"`
		Results framework.Results `yaml:"results"`
	}
	if err := yaml.Unmarshal(stdout, &rl); err != nil {
		t.Fatalf("refused render's stdout is not a ResourceList: %v\n%s", err, stdout)
	}
	if rl.Kind != "ResourceList" {
		t.Errorf("refused render wrote kind %q on stdout; want ResourceList", rl.Kind)
	}
	if len(rl.Items) != 0 {
		t.Errorf("refused render wrote %d items on stdout; want none", len(rl.Items))
	}
	errs := 0
	for _, r := range rl.Results {
		if r.Severity == framework.Error {
			errs++
		}
		if r.Tags["rule"] == "" {
			t.Errorf("result without a rule tag: %+v", r)
		}
	}
	if errs == 0 {
		t.Errorf("refused render's ResourceList has no error result:\n%s", stdout)
	}
}

// checkControlTags asserts that every result of a registered rule carries
// exactly that rule's controls as tags (one per framework), and that no
// other result carries any.
func checkControlTags(t *testing.T, stdout []byte) {
	t.Helper()
	var rl struct {
		Results framework.Results `yaml:"results"`
	}
	if err := yaml.Unmarshal(stdout, &rl); err != nil {
		t.Fatalf("stdout is not a ResourceList: %v", err)
	}
	for _, r := range rl.Results {
		got := map[string]string{}
		for k, v := range r.Tags {
			if strings.HasPrefix(k, "netid.dev/controls.") {
				got[k] = v
			}
		}
		want := map[string]string{}
		if rule, ok := rules.Lookup(r.Tags["rule"]); ok {
			want = controls.Tags(rule.Controls)
		}
		if !maps.Equal(got, want) {
			t.Errorf("result of rule %q has control tags %v; want %v", r.Tags["rule"], got, want)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func compare(t *testing.T, path, got string) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (UPDATE_GOLDEN=1 to accept):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing lines, enough to see what changed.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			lo, hi := max(0, i-3), min(max(len(w), len(g)), i+6)
			var out strings.Builder
			for j := lo; j < hi; j++ {
				if j < len(w) {
					fmt.Fprintf(&out, "- %4d %s\n", j+1, w[j])
				}
				if j < len(g) {
					fmt.Fprintf(&out, "+ %4d %s\n", j+1, g[j])
				}
			}
			return out.String()
		}
	}
	return "(equal)"
}
