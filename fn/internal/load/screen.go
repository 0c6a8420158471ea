package load

import (
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/internal/yamlvalue"
)

// MinAliasBudget is how many nodes YAML aliases may add to an input that
// writes out fewer; a larger input may grow by as many nodes as it writes out
// (see Screen).
const MinAliasBudget = 100_000

// Screen refuses, before anything reads it, input that netid cannot read
// within bounds or without ambiguity. Nothing is expanded to judge it: each
// item and the functionConfig is walked once (yamlvalue.Check).
//
//   - Bounds. YAML aliases may add at most max(MinAliasBudget, nodes written
//     out) nodes to the whole input, so that no input costs more than one
//     twice as long written out (a few hundred bytes of aliases can otherwise
//     stand for billions of nodes), and no alias may refer to a node that
//     contains it, or to an anchor outside its own object (kpt and kustomize
//     read and write each object on its own).
//   - Strictness (strict, the KRM function): every item is an object with an
//     apiVersion, a kind and a metadata.name; no mapping of an item or of the
//     functionConfig has a key twice (YAML forbids it, kustomize refuses it,
//     and readers disagree on which one counts) or a merge key (<<), which the
//     typed views would not see. Without strict (netid verify, which reads
//     any YAML files), only documents with an apiVersion and a kind are held
//     to the key rules.
//
// Findings name the item by its index (items[3]) and, when the item has one,
// by its object and file.
func Screen(items []*yaml.RNode, functionConfig *yaml.RNode, strict bool) finding.List {
	var fs finding.List
	var written, added int64
	var big struct {
		n     *yaml.RNode
		where string
		st    yamlvalue.Stats
	}
	screen := func(n *yaml.RNode, where string, keys bool) {
		st, err := yamlvalue.Check(n.YNode(), yamlvalue.Options{SelfContained: true, StrictKeys: keys})
		if err != nil {
			var e *yamlvalue.Error
			if errors.As(err, &e) {
				fs = append(fs, finding.Configf(objectOf(n), e.Path, "%s: %s%s", where, e.Message, lineOf(n, e.Line)))
			} else {
				fs = append(fs, finding.Configf(objectOf(n), "", "%s: %v", where, err))
			}
			return
		}
		written += st.Written
		added += st.Nodes - st.Written
		if st.Nodes-st.Written > big.st.Nodes-big.st.Written {
			big.n, big.where, big.st = n, where, st
		}
	}
	for i, n := range items {
		where := fmt.Sprintf("items[%d]", i)
		if strict {
			screen(n, where, true)
			fs = append(fs, shape(n, where)...)
			continue
		}
		y := n.YNode()
		screen(n, where, y.Kind == yaml.MappingNode && scalar(y, "apiVersion") != "" && scalar(y, "kind") != "")
	}
	if functionConfig != nil {
		screen(functionConfig, "functionConfig", true)
	}
	if budget := max(MinAliasBudget, written); added > budget {
		fs = append(fs, finding.Configf(objectOf(big.n), big.st.Alias,
			"%s: YAML aliases expand the input by %d nodes, beyond the %d allowed (the larger of %d and the %d nodes written out); "+
				"this object adds %d, the alias here stands for %d. Nested aliases let a few lines stand for billions of nodes (\"billion laughs\"): write the values out",
			big.where, added, budget, MinAliasBudget, written, big.st.Nodes-big.st.Written, big.st.AliasNodes))
	}
	return fs
}

// shape checks that an item is a Kubernetes object: a mapping with an
// apiVersion, a kind and a metadata.name.
func shape(n *yaml.RNode, where string) finding.List {
	y := n.YNode()
	if y.Kind != yaml.MappingNode {
		return finding.List{finding.Configf(finding.Object{}, "", "%s is a %s, not an object: every item of a ResourceList is a Kubernetes object with an apiVersion, a kind and a metadata.name", where, kindName(y))}
	}
	var name string
	if meta := mappingValue(y, "metadata"); meta != nil {
		name = scalar(meta, "name")
	}
	apiVersion, kind := scalar(y, "apiVersion"), scalar(y, "kind")
	if apiVersion != "" && kind != "" && name != "" {
		return nil
	}
	obj := objectOf(n)
	if obj.Kind == "" && obj.Name != "" {
		where += " (" + strings.TrimPrefix(obj.Namespace+"/"+obj.Name, "/") + ")"
	}
	var fs finding.List
	for _, f := range []struct{ path, value string }{{"apiVersion", apiVersion}, {"kind", kind}, {"metadata.name", name}} {
		if f.value == "" {
			fs = append(fs, finding.Configf(obj, f.path, "%s has no %s: every item of a ResourceList is a Kubernetes object with an apiVersion, a kind and a metadata.name", where, f.path))
		}
	}
	return fs
}

// objectOf identifies an item as far as it can be: a mapping by its kind,
// namespace, name and file; anything else not at all.
func objectOf(n *yaml.RNode) finding.Object {
	if n.YNode().Kind != yaml.MappingNode {
		return finding.Object{}
	}
	return finding.ObjectOf(n)
}

// mappingValue is the value of key in a mapping (through an alias), or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			if v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

// scalar is the text of the scalar at key in a mapping, or "" when there is
// none (or it is null).
func scalar(n *yaml.Node, key string) string {
	v := mappingValue(n, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() == yaml.NodeTagNull {
		return ""
	}
	return v.Value
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		if n.ShortTag() == yaml.NodeTagNull {
			return "null"
		}
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

// lineOf says where a node at line (of the input netid read) is: the line
// within its object, counting the object's first line (its first key) as 1,
// and the line of the input. The first is the line in the object's own file
// when the file holds the object as written, from its first line (no
// comment or --- above it); kustomize and kpt may reformat an object before
// netid reads it, so it is where to look, not a guarantee. Empty when the
// line is unknown.
func lineOf(n *yaml.RNode, line int) string {
	start := n.YNode().Line
	if line <= 0 || start <= 0 || line < start {
		return ""
	}
	return fmt.Sprintf(" (line %d of the object, counting its first key as line 1; line %d of the input)", line-start+1, line)
}
