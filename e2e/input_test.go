package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// laughs is the "billion laughs" document as a NetworkPolicy file: nine
// lines of nine aliases of the line before, 490 million nodes in under 600
// bytes. kpt passes the aliases to the function as they are.
func laughs() string {
	var b strings.Builder
	b.WriteString("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: lol, namespace: shop}\nspec:\n  podSelector: {}\n")
	for i := range 9 {
		name := string(rune('a' + i))
		entry := `"x"`
		if i > 0 {
			entry = "*" + string(rune('a'+i-1))
		}
		b.WriteString("  " + name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat(entry+",", 9), ",") + "]\n")
	}
	return b.String()
}

// TestKptRefusesAliasBomb: through kpt, the bomb in a package file fails
// the render at once (it used to run for minutes and gigabytes), naming the
// file and the alias; the package is left as it was.
func TestKptRefusesAliasBomb(t *testing.T) {
	kpt := requireKpt(t)
	pkg := filepath.Join(t.TempDir(), "kpt")
	copyDir(t, filepath.Join(repoRoot, "examples", "kpt"), pkg)
	if err := os.WriteFile(filepath.Join(pkg, "lol.yaml"), []byte(laughs()), 0o644); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, pkg)
	_, err := run(t, repoRoot, nil, nil, kpt, "fn", "eval", "--exec", netidBin, pkg)
	if err == nil {
		t.Fatal("kpt fn eval accepted the alias bomb")
	}
	if msg := err.Error(); !strings.Contains(msg, "NetworkPolicy/shop/lol spec.i[0] (lol.yaml)") || !strings.Contains(msg, "YAML aliases expand the input by 490328964 nodes") {
		t.Errorf("the refusal does not name the file and the alias:\n%s", msg)
	}
	assertTreeUnchanged(t, pkg, before)
}

// TestKptRerunRefusesEditedGeneratedObject: a generated file edited by hand
// fails the next render, naming the file, instead of being silently
// regenerated; the package is left as it was.
func TestKptRerunRefusesEditedGeneratedObject(t *testing.T) {
	kpt := requireKpt(t)
	pkg, _ := renderKptCopy(t, kpt)
	file := filepath.Join(pkg, "netid-generated", "shop", "networkpolicy_default-deny.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(data, []byte("  - Egress\n"), nil, 1)
	if bytes.Equal(edited, data) {
		t.Fatalf("%s has no `  - Egress` policy type to remove:\n%s", file, data)
	}
	if err := os.WriteFile(file, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, pkg)
	_, err = run(t, pkg, nil, nil, kpt, "fn", "render", "--allow-exec", ".")
	if err == nil {
		t.Fatal("kpt fn render accepted a hand-edited generated object")
	}
	// kpt quotes the function's stderr, so the field's quotes come escaped.
	if msg := err.Error(); !strings.Contains(msg, "NetworkPolicy/shop/default-deny metadata.annotations[") ||
		!strings.Contains(msg, "netid.dev/generated") || !strings.Contains(msg, "(netid-generated/shop/networkpolicy_default-deny.yaml): carries the mark") {
		t.Errorf("the refusal does not name the object, the mark and the file:\n%s", msg)
	}
	assertTreeUnchanged(t, pkg, before)
}

func assertTreeUnchanged(t *testing.T, dir string, before map[string][]byte) {
	t.Helper()
	after := readTree(t, dir)
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("the refused render changed %s", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("the refused render added %s", name)
		}
	}
}
