package v1alpha1

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	yamlv3 "go.yaml.in/yaml/v3"
	sigsjson "sigs.k8s.io/json"

	"netid.dev/netid/internal/yamlvalue"
)

// FieldError is a problem with one field of a NetworkIdentity, e.g.
// {Path: "spec.ingress[0].ports[1]", Message: "unknown field \"prot\""}.
type FieldError struct {
	// Path is the field's path in kubectl explain form.
	Path string
	// Message says what is wrong.
	Message string
}

func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

var (
	unknownField   = regexp.MustCompile(`unknown field "([^"]+)"`)
	duplicateField = regexp.MustCompile(`duplicate field "([^"]+)"`)
	typeField      = regexp.MustCompile(`cannot unmarshal (\S+) into Go struct field [A-Za-z0-9_]+\.(\S+) of type (\S+)`)
)

// Decode reads one NetworkIdentity from YAML or JSON strictly: unknown and
// duplicate fields and wrong types are errors naming the field. It neither
// defaults nor validates.
func Decode(data []byte) (*NetworkIdentity, []FieldError) {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return nil, []FieldError{{Message: fmt.Sprintf("not valid YAML: %v", err)}}
	}
	return DecodeNode(&doc)
}

// DecodeNode is Decode for a parsed document (kyaml's yaml.Node is this type),
// without a text round trip.
//
// Reading is bounded: aliases may expand the document to at most
// yamlvalue.MaxNodes nodes, an alias may not refer to a node containing it,
// and merge keys (<<), which would be read as nothing, are refused.
func DecodeNode(node *yamlv3.Node) (*NetworkIdentity, []FieldError) {
	var n NetworkIdentity
	if errs := decodeStrict(node, &n, Kind, checkPortShapes); len(errs) > 0 {
		return nil, errs
	}
	if n.APIVersion != APIVersion || n.Kind != Kind {
		return nil, []FieldError{{Path: "apiVersion", Message: fmt.Sprintf("got %s %s, want %s %s", n.APIVersion, n.Kind, APIVersion, Kind)}}
	}
	return &n, nil
}

// decodeStrict reads node into v (a pointer to one of the API's kinds, named
// kind in messages): duplicate keys, unknown fields and wrong types are
// errors naming the field. shapes, when set, checks the document before it
// is decoded (the ports' custom decoder loses the path of its errors).
func decodeStrict(node *yamlv3.Node, v any, kind string, shapes func(doc any) []FieldError) []FieldError {
	// YAML-to-JSON conversion keeps the last of duplicate keys silently, and
	// ports have a custom decoder, which loses the field path of its errors:
	// judge both here, where the path is known.
	if errs := duplicateKeys(node); len(errs) > 0 {
		return errs
	}
	if _, err := yamlvalue.Check(node, yamlvalue.Options{StrictKeys: true}); err != nil {
		return []FieldError{yamlError(err)}
	}
	doc, err := yamlvalue.Of(node)
	if err != nil {
		return []FieldError{yamlError(err)}
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return []FieldError{{Message: fmt.Sprintf("not valid YAML: %v", err)}}
	}
	if shapes != nil {
		if errs := shapes(doc); len(errs) > 0 {
			return errs
		}
	}
	strict, err := sigsjson.UnmarshalStrict(js, v, sigsjson.DisallowUnknownFields, sigsjson.DisallowDuplicateFields)
	var errs []FieldError
	if err != nil {
		errs = append(errs, decodeError(doc, err))
	}
	for _, s := range strict {
		msg := s.Error()
		switch {
		case unknownField.MatchString(msg):
			errs = append(errs, FieldError{Path: unknownField.FindStringSubmatch(msg)[1], Message: "unknown field (see docs/config.md for the " + kind + " fields)"})
		case duplicateField.MatchString(msg):
			errs = append(errs, FieldError{Path: duplicateField.FindStringSubmatch(msg)[1], Message: "field given twice"})
		default:
			errs = append(errs, FieldError{Message: msg})
		}
	}
	return errs
}

// yamlError is a FieldError for what yamlvalue refuses to read.
func yamlError(err error) FieldError {
	var e *yamlvalue.Error
	if errors.As(err, &e) {
		return FieldError{Path: e.Path, Message: e.Message}
	}
	return FieldError{Message: fmt.Sprintf("not valid YAML: %v", err)}
}

// decodeError turns a type error into a FieldError whose path has the list
// indices that encoding/json leaves out.
func decodeError(doc any, err error) FieldError {
	msg := err.Error()
	m := typeField.FindStringSubmatch(msg)
	if m == nil {
		return FieldError{Message: strings.TrimPrefix(msg, "json: ")}
	}
	got, goType := m[1], m[3]
	var segs []string
	for _, s := range strings.Split(m[2], ".") {
		if s != "" && !unicode.IsUpper(rune(s[0])) { // embedded structs appear by type name
			segs = append(segs, s)
		}
	}
	path := strings.Join(segs, ".")
	if p, ok := locate(doc, segs, "", func(v any) bool { return jsonType(v) == got }); ok {
		path = p
	}
	return FieldError{Path: path, Message: fmt.Sprintf("got %s, want %s", article(got), goTypeName(goType))}
}

// locate finds the first concrete path (with indices) along segs whose value
// satisfies bad.
func locate(v any, segs []string, at string, bad func(any) bool) (string, bool) {
	if arr, ok := v.([]any); ok && len(segs) > 0 {
		for i, e := range arr {
			if p, ok := locate(e, segs, at+"["+strconv.Itoa(i)+"]", bad); ok {
				return p, true
			}
		}
		return "", false
	}
	if len(segs) == 0 {
		if bad(v) {
			return at, true
		}
		// the wrong value may be an element of the list or map the path names
		switch c := v.(type) {
		case []any:
			for i, e := range c {
				if bad(e) {
					return at + "[" + strconv.Itoa(i) + "]", true
				}
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(c)) {
				if bad(c[k]) {
					return at + "." + k, true
				}
			}
		}
		return "", false
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	child, ok := obj[segs[0]]
	if !ok {
		return "", false
	}
	next := segs[0]
	if at != "" {
		next = at + "." + segs[0]
	}
	return locate(child, segs[1:], next, bad)
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64, int64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// stringTypes are the API's string-kinded types, named in type errors by
// their Go name.
var stringTypes = map[string]bool{"v1alpha1.Tier": true, "v1alpha1.Mode": true, "v1alpha1.CNI": true,
	"v1alpha1.RegistryAuth": true, "v1alpha1.MeshProvider": true, "v1.Protocol": true}

func goTypeName(t string) string {
	switch {
	case stringTypes[t]:
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a map"
	case t == "string" || strings.HasSuffix(t, "Protocol"):
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.Contains(t, "int"):
		return "a number"
	}
	return "an object"
}

// checkPortShapes checks every PortRef in the document: a name, a number, or
// {port, protocol}.
func checkPortShapes(doc any) []FieldError {
	var errs []FieldError
	number := func(path string, v any) {
		f, isFloat := v.(float64)
		i, isInt := v.(int64)
		if isFloat && (f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32) || isInt && (i < math.MinInt32 || i > math.MaxInt32) {
			errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf("got %v, want a whole port number", v)})
		}
	}
	check := func(path string, v any) {
		switch p := v.(type) {
		case string:
		case float64, int64:
			number(path, p)
		case map[string]any:
			for k := range p {
				if k != "port" && k != "protocol" {
					errs = append(errs, FieldError{Path: path + "." + k, Message: "unknown field (a port is a name, a number or {port, protocol})"})
				}
			}
			if _, ok := p["port"]; !ok {
				errs = append(errs, FieldError{Path: path + ".port", Message: "required"})
			} else if t := jsonType(p["port"]); t != "string" && t != "number" {
				errs = append(errs, FieldError{Path: path + ".port", Message: "got " + article(t) + ", want a port name or number"})
			} else {
				number(path+".port", p["port"])
			}
			if pr, ok := p["protocol"]; ok && jsonType(pr) != "string" {
				errs = append(errs, FieldError{Path: path + ".protocol", Message: "got " + article(jsonType(pr)) + ", want TCP, UDP or SCTP"})
			}
		default:
			errs = append(errs, FieldError{Path: path, Message: "got " + article(jsonType(v)) + ", want a port name, a number or {port, protocol}"})
		}
	}
	obj, _ := doc.(map[string]any)
	spec, _ := obj["spec"].(map[string]any)
	for _, dir := range []string{"ingress", "egress"} {
		rules, _ := spec[dir].([]any)
		for i, r := range rules {
			rule, _ := r.(map[string]any)
			ports, ok := rule["ports"].([]any)
			if !ok {
				continue
			}
			for j, p := range ports {
				check(fmt.Sprintf("spec.%s[%d].ports[%d]", dir, i, j), p)
			}
		}
	}
	exp, _ := spec["exposure"].(map[string]any)
	for _, k := range []string{"gateway", "ingress"} {
		if e, ok := exp[k].(map[string]any); ok {
			if p, ok := e["port"]; ok {
				check("spec.exposure."+k+".port", p)
			}
		}
	}
	return errs
}

// article is "a number", "an array".
func article(jsonKind string) string {
	if strings.ContainsRune("aeiou", rune(jsonKind[0])) {
		return "an " + jsonKind
	}
	return "a " + jsonKind
}

// duplicateKeys finds keys given twice in one mapping. The line it names is
// counted from the object's first line (its first key) as 1: the line in the
// object's own file when the file holds it as written from its first line,
// whatever stream the node was parsed from.
func duplicateKeys(doc *yamlv3.Node) []FieldError {
	var errs []FieldError
	start := doc.Line
	if doc.Kind == yamlv3.DocumentNode && len(doc.Content) > 0 {
		start = doc.Content[0].Line
	}
	var walk func(n *yamlv3.Node, path string)
	walk = func(n *yamlv3.Node, path string) {
		switch n.Kind {
		case yamlv3.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yamlv3.MappingNode:
			seen := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				p := k
				if path != "" {
					p = path + "." + k
				}
				if seen[k] {
					errs = append(errs, FieldError{Path: p, Message: fmt.Sprintf("field given twice (line %d of the object, counting its first key as line 1)", n.Content[i].Line-start+1)})
				}
				seen[k] = true
				walk(n.Content[i+1], p)
			}
		case yamlv3.SequenceNode:
			for i, c := range n.Content {
				walk(c, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	walk(doc, "")
	return errs
}
