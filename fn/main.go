// Command netid is the NetworkIdentity KRM function. With no arguments it
// reads a ResourceList on stdin and writes the rendered ResourceList on stdout
// (kustomize, kpt and Argo CD run it this way); `netid report` writes
// network-identity.md, `netid verify` proves any manifests.
//
// The function's catalog package lives beside this file: README.md (embedded
// here, whose marked sections `netid --help` prints for `kpt fn doc`),
// metadata.yaml and the example packages under examples/.
package main

import (
	_ "embed"
	"os"

	"netid.dev/netid/fn/internal/cli"
)

//go:embed README.md
var readme string

func main() {
	cli.Readme = readme
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
