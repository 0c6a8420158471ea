package process

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/internal/estate"
)

// BenchmarkRender runs the whole function (read, render, both proofs, write)
// on synthetic estates; BenchmarkPassThrough reads and writes the same
// ResourceList with kyaml, the baseline the targets are relative to
// (docs/performance.md; hack/bench.sh measures wall time and peak memory).
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
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

func BenchmarkPassThrough(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
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
