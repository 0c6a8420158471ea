package process

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/internal/estate"
)

// benchSizes are the estate sizes of the benchmarks: 10 100 1000 5000, or
// the workload counts in NETID_BENCH_SIZES (e.g. "10000 20000", to profile the
// growth: go test -run '^$' -bench Render -cpuprofile cpu.out).
func benchSizes(b *testing.B) []int {
	env := os.Getenv("NETID_BENCH_SIZES")
	if env == "" {
		return []int{10, 100, 1000, 5000}
	}
	var out []int
	for _, f := range strings.Fields(env) {
		n, err := strconv.Atoi(f)
		if err != nil {
			b.Fatalf("NETID_BENCH_SIZES: %v", err)
		}
		out = append(out, n)
	}
	return out
}

// BenchmarkRender runs the whole function (read, render, both proofs, write)
// on synthetic estates; BenchmarkPassThrough reads and writes the same
// ResourceList with kyaml, the baseline the targets are relative to
// (docs/performance.md; hack/bench.sh measures wall time and peak memory).
func BenchmarkRender(b *testing.B) {
	for _, n := range benchSizes(b) {
		input := []byte(estate.ResourceList(n))
		b.Run(fmt.Sprintf("workloads=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var stderr bytes.Buffer
				if code := Run(bytes.NewReader(input), io.Discard, &stderr, Options{}); code != 0 {
					b.Fatalf("exit %d:\n%s", code, stderr.String())
				}
			}
		})
	}
}

// BenchmarkRenderNative is BenchmarkRender with the workloads rendered in a
// CNI's own dialect, which the multi-layer model proves.
func BenchmarkRenderNative(b *testing.B) {
	for _, cni := range []string{"calico", "cilium", "antrea"} {
		for _, n := range benchSizes(b) {
			input := []byte(estate.NativeResourceList(n, cni))
			b.Run(fmt.Sprintf("cni=%s/workloads=%d", cni, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var stderr bytes.Buffer
					if code := Run(bytes.NewReader(input), io.Discard, &stderr, Options{}); code != 0 {
						b.Fatalf("exit %d:\n%s", code, stderr.String())
					}
				}
			})
		}
	}
}

func BenchmarkPassThrough(b *testing.B) {
	for _, n := range benchSizes(b) {
		input := []byte(estate.ResourceList(n))
		b.Run(fmt.Sprintf("workloads=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: io.Discard, KeepReaderAnnotations: true}
				items, err := rw.Read()
				if err != nil {
					b.Fatal(err)
				}
				if err := rw.Write(items); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
