// Command krusty builds a kustomization in-process, as `kustomize build
// --enable-alpha-plugins --enable-exec DIR` does, and prints the CPU time of
// the build (exec functions run in child processes, not counted) and,
// with -cpuprofile, writes its CPU profile. A module of its own so that
// kustomize's api module stays out of netid's dependency graph.
//
//	cd hack/bench/krusty && go run . -cpuprofile cpu.out /tmp/estate/netid
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func main() {
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: krusty [-cpuprofile FILE] DIR")
		os.Exit(2)
	}
	if err := build(flag.Arg(0), *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// build runs `kustomize build --enable-alpha-plugins --enable-exec
// dir` with krusty, as the kustomize binary does, and prints the process's
// CPU time for it.
func build(dir, cpuprofile string) error {
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	k := krusty.MakeKustomizer(opts)
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := cpu()
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return err
	}
	out, err := m.AsYaml()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d objects, %d bytes, %.2f s CPU in-process\n", dir, m.Size(), len(out), (cpu() - start).Seconds())
	return nil
}
