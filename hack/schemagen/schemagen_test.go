package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is where go test runs this package from: hack/schemagen.
const repoRoot = "../.."

func readRepo(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatalf("%v (run `make schema`)", err)
	}
	return b
}

// TestJSONSchemaCurrent: the committed JSON schema is what Derive makes of the
// committed CRD. It needs no tool, so it runs everywhere.
func TestJSONSchemaCurrent(t *testing.T) {
	want, err := Derive(readRepo(t, CRDPath))
	if err != nil {
		t.Fatal(err)
	}
	if got := readRepo(t, JSONSchemaPath); !bytes.Equal(got, want) {
		t.Errorf("%s is not what hack/schemagen derives from %s: run `make schema` and review the diff", JSONSchemaPath, CRDPath)
	}
}

// TestClusterJSONSchemaCurrent is TestJSONSchemaCurrent for
// ClusterNetworkIdentity.
func TestClusterJSONSchemaCurrent(t *testing.T) {
	want, err := DeriveCluster(readRepo(t, ClusterCRDPath))
	if err != nil {
		t.Fatal(err)
	}
	if got := readRepo(t, ClusterJSONSchemaPath); !bytes.Equal(got, want) {
		t.Errorf("%s is not what hack/schemagen derives from %s: run `make schema` and review the diff", ClusterJSONSchemaPath, ClusterCRDPath)
	}
}

// TestCRDCurrent regenerates both files with the pinned controller-gen into a
// temporary directory and compares them with the committed ones, so a change
// to krm/v1alpha1's types or markers without `make schema` fails. It builds
// controller-gen into the tools cache once (hack/tools.sh controller-gen);
// when that fails it skips, except under CI, where it fails.
func TestCRDCurrent(t *testing.T) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "hack", "tools.sh"), "controller-gen")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := "hack/tools.sh controller-gen failed: " + err.Error() + "\n" + stderr.String()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	if err := Generate(strings.TrimSpace(string(out)), repoRoot, dir); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{CRDPath, JSONSchemaPath, ClusterCRDPath, ClusterJSONSchemaPath} {
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(readRepo(t, path), got) {
			t.Errorf("%s is not current with krm/v1alpha1: run `make schema` and review the diff", path)
		}
	}
}

// TestDeriveRefusesUntypedNodes: a node without a type that is not the
// PortRef shape is an error, not an unchecked hole in the JSON schema.
func TestDeriveRefusesUntypedNodes(t *testing.T) {
	for name, crd := range map[string]string{
		"untyped field": `
spec:
  versions:
  - name: v1alpha1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          spec:
            type: object
            properties:
              anything: {x-kubernetes-preserve-unknown-fields: true}
`,
		"no v1alpha1": `
spec:
  versions:
  - name: v1beta1
    schema:
      openAPIV3Schema: {type: object}
`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Derive([]byte(crd)); err == nil {
				t.Error("Derive accepted it")
			}
		})
	}
}

// TestDeriveClosesObjects: objects are closed unless they preserve unknown
// fields, and maps (additionalProperties schemas) stay maps.
func TestDeriveClosesObjects(t *testing.T) {
	js, err := Derive([]byte(`
spec:
  versions:
  - name: v1alpha1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          spec:
            type: object
            properties:
              labels: {type: object, additionalProperties: {type: string}}
              open: {type: object, properties: {a: {type: string}}, x-kubernetes-preserve-unknown-fields: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"additionalProperties": false,
      "properties": {
        "labels": {
          "additionalProperties": {
            "type": "string"
          },`,
		`"open": {
          "properties": {`,
		`"required": [
    "apiVersion",
    "kind"
  ],`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("the derived schema lacks\n%s\nin\n%s", want, js)
		}
	}
	if strings.Contains(string(js), "x-kubernetes") {
		t.Errorf("the derived schema keeps a Kubernetes extension:\n%s", js)
	}
}
