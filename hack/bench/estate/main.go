// Command estate writes a synthetic ResourceList of -n workloads (see package
// estate) for the benchmarks in hack/bench.sh.
package main

import (
	"flag"
	"fmt"

	"netid.dev/netid/internal/estate"
)

func main() {
	n := flag.Int("n", 1000, "number of workloads")
	flag.Parse()
	fmt.Print(estate.ResourceList(*n))
}
