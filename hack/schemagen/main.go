// Command schemagen writes the NetworkIdentity and ClusterNetworkIdentity
// schemas from the Go types of krm/v1alpha1 (make schema runs it from the
// repository root), for each kind:
//
//   - config/crd/netid.dev_networkidentities.yaml (and
//     netid.dev_clusternetworkidentities.yaml), the CustomResourceDefinition
//     that controller-gen (pinned in hack/tools/go.mod, built by
//     hack/tools.sh controller-gen) generates from the types and their
//     +kubebuilder markers, as controller-gen writes it;
//   - schema/networkidentity.json (and clusternetworkidentity.json), a JSON Schema (draft-07) for editors
//     (yaml-language-server) and kubeconform, derived from the CRD's
//     openAPIV3Schema by Derive;
//   - the field references of docs/config.md (a table) and of the catalog
//     README fn/README.md (a list, which `netid --help` prints), made from
//     the same openAPIV3Schema by Docs: the part of each file between the
//     BEGIN GENERATED and END GENERATED markers; the prose around them is
//     written by hand. Descriptions are the Go doc comments of the types,
//     and a comment's "Default: ..." sentence is the Default column.
//
// Usage: go run ./hack/schemagen -controller-gen "$(hack/tools.sh controller-gen)" [-out DIR]
//
// -out writes the files under DIR instead of the repository root, which is
// how the tests check that the committed files are current.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Paths of the generated files, relative to the repository root.
const (
	CRDPath        = "config/crd/netid.dev_networkidentities.yaml"
	JSONSchemaPath = "schema/networkidentity.json"
	// ClusterCRDPath and ClusterJSONSchemaPath are the same two files for
	// ClusterNetworkIdentity, the cluster-wide settings.
	ClusterCRDPath        = "config/crd/netid.dev_clusternetworkidentities.yaml"
	ClusterJSONSchemaPath = "schema/clusternetworkidentity.json"
)

func main() {
	controllerGen := flag.String("controller-gen", "", "path of the pinned controller-gen (hack/tools.sh controller-gen)")
	out := flag.String("out", ".", "directory to write config/crd/ and schema/ under")
	flag.Parse()
	if *controllerGen == "" {
		fmt.Fprintln(os.Stderr, "schemagen: -controller-gen is required (hack/tools.sh controller-gen)")
		os.Exit(2)
	}
	if err := Generate(*controllerGen, ".", *out); err != nil {
		fmt.Fprintf(os.Stderr, "schemagen: %v\n", err)
		os.Exit(1)
	}
}

// Generate runs controller-gen on repo's krm/v1alpha1 and writes the CRD and
// the JSON schema derived from it under out.
func Generate(controllerGen, repo, out string) error {
	tmp, err := os.MkdirTemp("", "schemagen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(controllerGen, "crd:crdVersions=v1", "paths=./krm/v1alpha1", "output:crd:dir="+tmp)
	cmd.Dir = repo
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("running controller-gen: %w\n%s", err, b)
	}
	crd, err := os.ReadFile(filepath.Join(tmp, filepath.Base(CRDPath)))
	if err != nil {
		return fmt.Errorf("reading controller-gen's CRD: %w", err)
	}
	clusterCRD, err := os.ReadFile(filepath.Join(tmp, filepath.Base(ClusterCRDPath)))
	if err != nil {
		return fmt.Errorf("reading controller-gen's CRD: %w", err)
	}
	js, err := Derive(crd)
	if err != nil {
		return fmt.Errorf("deriving the JSON schema: %w", err)
	}
	clusterJS, err := DeriveCluster(clusterCRD)
	if err != nil {
		return fmt.Errorf("deriving the JSON schema: %w", err)
	}
	files, err := Docs(crd, clusterCRD, func(path string) ([]byte, error) { return os.ReadFile(filepath.Join(repo, path)) })
	if err != nil {
		return fmt.Errorf("generating the field references: %w", err)
	}
	files[CRDPath], files[JSONSchemaPath] = crd, js
	files[ClusterCRDPath], files[ClusterJSONSchemaPath] = clusterCRD, clusterJS
	for path, data := range files {
		p := filepath.Join(out, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
