package v1alpha1_test

import (
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"

	"netid.dev/netid/krm/v1alpha1"
)

// TestDuplicateFieldLine checks that a field given twice is located by its
// line within the object, not within the stream the object was parsed from.
func TestDuplicateFieldLine(t *testing.T) {
	doc := header + "spec:\n  tier: critical\n  tier: standard\n" // tier again on line 6 of the object
	for _, tc := range []struct{ name, stream string }{
		{"alone", doc},
		{"second document of a stream", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n# a comment\n" + doc},
		{"item of a list", "items:\n- " + strings.ReplaceAll(strings.TrimSuffix(doc, "\n"), "\n", "\n  ") + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec := yamlv3.NewDecoder(strings.NewReader(tc.stream))
			var n yamlv3.Node
			for {
				if err := dec.Decode(&n); err != nil {
					t.Fatalf("no NetworkIdentity in the stream: %v", err)
				}
				if nodeKind(&n) == "NetworkIdentity" {
					break
				}
			}
			obj := &n
			if items := lookup(&n, "items"); items != nil {
				obj = items.Content[0]
			}
			_, errs := v1alpha1.DecodeNode(obj)
			if len(errs) != 1 || errs[0].Path != "spec.tier" || !strings.Contains(errs[0].Message, "line 6 of the object") {
				t.Errorf("errors = %v, want spec.tier given twice at line 6 of the object", errs)
			}
		})
	}
}

func lookup(n *yamlv3.Node, key string) *yamlv3.Node {
	if n.Kind == yamlv3.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func nodeKind(n *yamlv3.Node) string {
	if k := lookup(n, "kind"); k != nil {
		return k.Value
	}
	if items := lookup(n, "items"); items != nil && len(items.Content) > 0 {
		return nodeKind(items.Content[0])
	}
	return ""
}
