// Command netid is the NetworkIdentity KRM function. With no arguments it
// reads a ResourceList on stdin and writes the rendered ResourceList on stdout
// (kustomize, kpt and Argo CD run it this way); `netid report` writes
// network-identity.md, `netid verify` proves any manifests.
package main

import (
	"os"

	"netid.dev/netid/fn/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
