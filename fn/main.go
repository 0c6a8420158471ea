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
	"math"
	"os"
	"runtime"
	"runtime/debug"

	"netid.dev/netid/fn/internal/cli"
)

//go:embed README.md
var readme string

// gcPercent is the garbage collector's target once the heap has reached
// startHeap, when the environment sets no GOGC: a render's heap is mostly
// the input's YAML nodes and typed views that live until the output is
// written, so the default of 100 collects often for little
// (docs/performance.md, "The collector's policy").
const gcPercent = 200

// startHeap is the heap netid grows to before its first collection (unless
// GOGC or GOMEMLIMIT is set). A render is a short batch whose heap only grows
// until the output is written: collecting a small heap again and again, as
// the runtime does from its 4 MiB start, marks the same live objects for
// nothing. The Go compiler starts its heap the same way. Past startHeap the
// collector runs at gcPercent, so large estates peak where they did.
const startHeap = 256 << 20

// setGC sets the collector's policy unless the user chose one with GOGC or
// GOMEMLIMIT, and says whether it did: no collection until the heap reaches
// startHeap (collection off, a memory limit of startHeap), then, from the end
// of that first collection, gcPercent and no limit.
func setGC(lookup func(string) (string, bool)) bool {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := lookup(v); set {
			return false
		}
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(startHeap)
	afterNextGC(func() {
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(math.MaxInt64)
	})
	return true
}

// afterNextGC runs f once the next collection has finished: a finalizer runs
// only after a collection has found its object unreachable.
func afterNextGC(f func()) {
	type sentinel [32]byte // large enough not to share a tiny-allocator block
	runtime.SetFinalizer(new(sentinel), func(*sentinel) { f() })
}

func main() {
	setGC(os.LookupEnv)
	cli.Readme = readme
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
