package process

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/internal/estate"
)

// corpus is every input the tests know: the golden cases, the e2e
// fixtures and examples (ResourceLists, and directories of manifests read as
// the items of one), and small bench estates. Each is a ResourceList.
func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{"testdata/*/input.yaml", "../../../e2e/testdata/*/*/input.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[f] = data
		}
	}
	for _, dir := range []string{"../../../e2e/testdata/flawed/base", "../../../examples/kpt", "../../../examples/kustomize/app",
		"../../../examples/kustomize/expected", "../../../examples/kustomize-prod/expected", "../../../examples/flux/deploy", "../../../examples/argocd/app"} {
		var docs []string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") || filepath.Base(p) == "kustomization.yaml" {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil {
				docs = append(docs, string(data))
			}
			return err
		})
		if len(docs) == 0 {
			continue
		}
		items, err := (&kio.ByteReader{Reader: strings.NewReader(strings.Join(docs, "\n---\n"))}).Read()
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		var buf bytes.Buffer
		if err := (&kio.ByteWriter{Writer: &buf, WrappingAPIVersion: kio.ResourceListAPIVersion, WrappingKind: kio.ResourceListKind}).Write(items); err != nil {
			t.Fatal(err)
		}
		out[dir] = buf.Bytes()
	}
	for _, n := range []int{10, 100} {
		out[fmt.Sprintf("estate-%d", n)] = []byte(estate.ResourceList(n))
	}
	return out
}

// TestStreamReadsLikeDecoding: the stream built from load's typed views
// (NewStreamRead, after emit has patched the workloads) is the one NewStream
// builds decoding every item again, findings included, for every input of
// the corpus, rendered, validated and verified.
func TestStreamReadsLikeDecoding(t *testing.T) {
	compared := 0
	defer func(f func([]*yaml.RNode, map[*yaml.RNode]*load.Read) (*rules.Stream, finding.List)) { newStream = f }(newStream)
	newStream = func(items []*yaml.RNode, read map[*yaml.RNode]*load.Read) (*rules.Stream, finding.List) {
		got, gotFs := rules.NewStreamRead(items, read)
		want, wantFs := rules.NewStream(items)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the stream from load's views differs from the one decoded anew")
			for i := range min(len(got.Workloads), len(want.Workloads)) {
				if !reflect.DeepEqual(got.Workloads[i], want.Workloads[i]) {
					t.Errorf("workload %s:\n got %+v\nwant %+v", want.Workloads[i].Ref, got.Workloads[i], want.Workloads[i])
					break
				}
			}
		}
		if !reflect.DeepEqual(gotFs, wantFs) {
			t.Errorf("findings differ:\n got %v\nwant %v", gotFs, wantFs)
		}
		compared++
		return got, gotFs
	}
	for name, input := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			for _, opts := range []Options{{}, {ValidateOnly: true}} {
				Run(bytes.NewReader(input), io.Discard, io.Discard, opts)
			}
			rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input), KeepReaderAnnotations: true}
			if items, err := rw.Read(); err == nil {
				Verify(items, rw.FunctionConfig)
			}
		})
	}
	if compared < 100 {
		t.Errorf("only %d streams compared", compared)
	}
}
