// Package yamlconv converts between typed Kubernetes objects and kyaml nodes
// without a text round trip: the render builds and reads thousands of
// objects, and encoding each to YAML or JSON text to parse it again would
// dominate its time and memory.
package yamlconv

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ToNode converts an object (a typed k8s.io/api struct, or a map as in
// unstructured.Unstructured) into a YAML mapping node with sorted keys, as
// sigs.k8s.io/yaml would print it.
func ToNode(obj any) (*yaml.RNode, error) {
	var m map[string]any
	switch o := obj.(type) {
	case map[string]any:
		m = o
	default:
		var err error
		if m, err = runtime.DefaultUnstructuredConverter.ToUnstructured(obj); err != nil {
			return nil, err
		}
	}
	return yaml.NewRNode(node(m)), nil
}

func node(v any) *yaml.Node {
	switch x := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.Content = append(n.Content, scalar(yaml.NodeTagString, k), node(x[k]))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		for _, e := range x {
			n.Content = append(n.Content, node(e))
		}
		return n
	case string:
		return scalar(yaml.NodeTagString, x)
	case bool:
		return scalar(yaml.NodeTagBool, strconv.FormatBool(x))
	case int64:
		return scalar(yaml.NodeTagInt, strconv.FormatInt(x, 10))
	case int:
		return scalar(yaml.NodeTagInt, strconv.Itoa(x))
	case int32:
		return scalar(yaml.NodeTagInt, strconv.FormatInt(int64(x), 10))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return scalar(yaml.NodeTagInt, strconv.FormatInt(int64(x), 10))
		}
		return scalar(yaml.NodeTagFloat, strconv.FormatFloat(x, 'g', -1, 64))
	case nil:
		return scalar(yaml.NodeTagNull, "null")
	}
	panic(fmt.Sprintf("yamlconv: unexpected %T", v))
}

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// FromNode decodes a YAML node into a typed object, loosely (unknown fields
// are ignored, as the API server's schema, not netid, owns them).
func FromNode(n *yaml.RNode, obj any) error {
	v, err := value(n.YNode())
	if err != nil {
		return err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("not a mapping")
	}
	if out, ok := obj.(*map[string]any); ok {
		*out = m
		return nil
	}
	return runtime.DefaultUnstructuredConverter.FromUnstructured(m, obj)
}

// value is the JSON-compatible value of a node: maps with string keys (a
// number key such as a port becomes its text), int64, float64, bool, string.
func value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return value(n.Content[0])
	case yaml.AliasNode:
		return value(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
				continue
			}
			v, err := value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := value(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case yaml.NodeTagNull:
			return nil, nil
		case yaml.NodeTagBool:
			return strconv.ParseBool(boolText(n.Value))
		case yaml.NodeTagInt:
			if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return i, nil
			}
			return n.Value, nil
		case yaml.NodeTagFloat:
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return f, nil
			}
			return n.Value, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("unexpected YAML node kind %d", n.Kind)
}

func boolText(s string) string {
	switch s {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y":
		return "true"
	}
	return "false"
}
