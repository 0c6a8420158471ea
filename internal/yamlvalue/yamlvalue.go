// Package yamlvalue reads a YAML node as the JSON-compatible value encoding/json
// would produce from the same document: maps with string keys (a number key,
// such as a port, becomes its text), int64, float64, bool, string and nil.
// Both the API's strict decoder and the render's typed views use it, so no
// document goes through text twice.
package yamlvalue

import (
	"fmt"
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// Of returns the node's value.
func Of(n *yaml.Node) (any, error) { return value(n) }

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
		case "!!null":
			return nil, nil
		case "!!bool":
			return strconv.ParseBool(boolText(n.Value))
		case "!!int":
			if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return i, nil
			}
			return n.Value, nil
		case "!!float":
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
