package process

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/internal/estate"
)

// TestWriteFastPath: the items a render writes, as writeResourceList has
// them, and its trailer (functionConfig, results) are written by yamlconv's
// direct writer exactly as by the encoder, or declined; for the bench
// estates none is declined.
func TestWriteFastPath(t *testing.T) {
	inputs := map[string]string{}
	for _, n := range []int{10, 300} {
		inputs[fmt.Sprintf("estate of %d workloads", n)] = estate.ResourceList(n)
	}
	golden, err := filepath.Glob("testdata/*/input.yaml")
	if err != nil || len(golden) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, p := range golden {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = string(b)
	}
	for name, input := range inputs {
		rw := &kio.ByteReadWriter{Reader: strings.NewReader(input), KeepReaderAnnotations: true}
		items, err := rw.Read()
		if err != nil {
			continue // the refusals are the golden test's
		}
		res := Render(items, rw.FunctionConfig, Options{})
		if res.Findings.HasErrors() {
			continue
		}
		total, fast := 0, 0
		check := func(what string, n *yaml.Node, asItem bool) {
			root := n
			if asItem {
				root = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}
			}
			var want bytes.Buffer
			enc := yaml.NewEncoder(&want)
			if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
				t.Fatalf("%s %s: %v", name, what, err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			var got []byte
			var ok bool
			if asItem {
				got, ok = yamlconv.AppendSeqItem(nil, n)
			} else {
				got, ok = yamlconv.AppendDocument(nil, n)
			}
			total++
			if !ok {
				return
			}
			fast++
			if string(got) != want.String() {
				t.Errorf("%s %s: the direct writer differs from the encoder:\n got  %q\n want %q", name, what, got, want.String())
			}
		}
		for i, n := range res.Items {
			spellOutNulls(n.YNode(), false)
			if err := yaml.ClearEmptyAnnotations(n); err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("item %d", i), n.YNode(), true)
		}
		trailer := &yaml.Node{Kind: yaml.MappingNode}
		if rw.FunctionConfig != nil {
			spellOutNulls(rw.FunctionConfig.YNode(), false)
			trailer.Content = append(trailer.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "functionConfig"}, rw.FunctionConfig.YNode())
		}
		if len(res.Findings) > 0 {
			results, err := toNode(res.Findings.Results())
			if err != nil {
				t.Fatal(err)
			}
			trailer.Content = append(trailer.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "results"}, results.YNode())
		}
		if len(trailer.Content) > 0 {
			check("trailer", trailer, false)
		}
		if strings.HasPrefix(name, "estate") {
			t.Logf("%s: %d of %d documents on the fast path", name, fast, total)
			if fast != total {
				t.Errorf("%s: %d of %d documents declined", name, total-fast, total)
			}
		}
	}
}
