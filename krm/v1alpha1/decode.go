package v1alpha1

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
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
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, []FieldError{{Message: fmt.Sprintf("not valid YAML: %v", err)}}
	}
	var doc any
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, []FieldError{{Message: fmt.Sprintf("not valid YAML: %v", err)}}
	}
	// Ports have a custom decoder, which loses the field path of its errors;
	// judge their shape here, where the path is known.
	if errs := checkPortShapes(doc); len(errs) > 0 {
		return nil, errs
	}
	var n NetworkIdentity
	strict, err := sigsjson.UnmarshalStrict(js, &n, sigsjson.DisallowUnknownFields, sigsjson.DisallowDuplicateFields)
	var errs []FieldError
	if err != nil {
		errs = append(errs, decodeError(doc, err))
	}
	for _, s := range strict {
		msg := s.Error()
		switch {
		case unknownField.MatchString(msg):
			errs = append(errs, FieldError{Path: unknownField.FindStringSubmatch(msg)[1], Message: "unknown field (see docs/config.md for the NetworkIdentity fields)"})
		case duplicateField.MatchString(msg):
			errs = append(errs, FieldError{Path: duplicateField.FindStringSubmatch(msg)[1], Message: "field given twice"})
		default:
			errs = append(errs, FieldError{Message: msg})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if n.APIVersion != APIVersion || n.Kind != Kind {
		return nil, []FieldError{{Path: "apiVersion", Message: fmt.Sprintf("got %s %s, want %s %s", n.APIVersion, n.Kind, APIVersion, Kind)}}
	}
	return &n, nil
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
	return FieldError{Path: path, Message: fmt.Sprintf("got a %s, want %s", got, goTypeName(goType))}
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
		if arr, ok := v.([]any); ok && !bad(v) {
			for i, e := range arr {
				if bad(e) {
					return at + "[" + strconv.Itoa(i) + "]", true
				}
			}
		}
		return at, bad(v)
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
	case float64:
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

func goTypeName(t string) string {
	switch {
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
	check := func(path string, v any) {
		switch p := v.(type) {
		case string, float64:
		case map[string]any:
			for k := range p {
				if k != "port" && k != "protocol" {
					errs = append(errs, FieldError{Path: path + "." + k, Message: "unknown field (a port is a name, a number or {port, protocol})"})
				}
			}
			if _, ok := p["port"]; !ok {
				errs = append(errs, FieldError{Path: path + ".port", Message: "required"})
			} else if t := jsonType(p["port"]); t != "string" && t != "number" {
				errs = append(errs, FieldError{Path: path + ".port", Message: "got a " + t + ", want a port name or number"})
			}
			if pr, ok := p["protocol"]; ok && jsonType(pr) != "string" {
				errs = append(errs, FieldError{Path: path + ".protocol", Message: "got a " + jsonType(pr) + ", want TCP, UDP or SCTP"})
			}
		default:
			errs = append(errs, FieldError{Path: path, Message: "got a " + jsonType(v) + ", want a port name, a number or {port, protocol}"})
		}
	}
	spec, _ := doc.(map[string]any)["spec"].(map[string]any)
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
