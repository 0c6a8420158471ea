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
	cni := flag.String("cni", "", "render the workloads in this CNI's own dialect (calico, cilium, antrea): a ClusterNetworkIdentity with dialect: native")
	flag.Parse()
	if *cni != "" {
		fmt.Print(estate.NativeResourceList(*n, *cni))
		return
	}
	fmt.Print(estate.ResourceList(*n))
}
