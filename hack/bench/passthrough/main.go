// Command passthrough is the baseline the benchmarks compare netid with: a
// kyaml KRM function that reads the ResourceList and writes it back.
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

func main() {
	rw := &kio.ByteReadWriter{Reader: os.Stdin, Writer: os.Stdout, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err == nil {
		err = rw.Write(items)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
