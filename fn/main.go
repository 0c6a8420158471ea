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
	"runtime/debug"

	"netid.dev/netid/fn/internal/cli"
)

//go:embed README.md
var readme string

// gcPercent is the garbage collector's target when the environment sets no
// GOGC: a render's heap is mostly the input's YAML nodes and typed views that
// live until the output is written, so the default of 100 collects often for
// little; at 200 a 1,000-workload render runs about 14% fewer instructions, and
// its peak memory stays within 1.05x of a pass-through kyaml function's up to
// 20,000 workloads (docs/performance.md, "The collector's target").
const gcPercent = 200

// setGC sets gcPercent unless the user chose GOGC, and says whether it did.
func setGC(lookup func(string) (string, bool)) bool {
	if _, set := lookup("GOGC"); set {
		return false
	}
	debug.SetGCPercent(gcPercent)
	return true
}

func main() {
	setGC(os.LookupEnv)
	cli.Readme = readme
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
