// Package yamlconv converts between typed Kubernetes objects and kyaml nodes
// without a text round trip: the render builds and reads thousands of
// objects, and encoding each to YAML or JSON text to parse it again would
// dominate its time and memory.
package yamlconv

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/internal/yamlvalue"
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
		if m, err = ToMap(obj); err != nil {
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
// are ignored, as the API server's schema, not netid, owns them), as
// runtime.DefaultUnstructuredConverter.FromUnstructured decodes the node's
// yamlvalue.Of. A typed object (a pointer to a zero value) is read by the
// direct decoder where it can (decode.go), else by those two.
func FromNode(n *yaml.RNode, obj any) error {
	if _, isMap := obj.(*map[string]any); !isMap {
		if v := reflect.ValueOf(obj); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().IsZero() {
			if decodeDirect(n.YNode(), obj) == nil {
				return nil
			}
			v.Elem().SetZero()
		}
	}
	return fromNodeGeneral(n, obj)
}

// fromNodeGeneral is FromNode by yamlvalue.Of and the converter.
func fromNodeGeneral(n *yaml.RNode, obj any) error {
	v, err := yamlvalue.Of(n.YNode())
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
