package main

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Paths of the documents whose field reference schemagen writes, relative to
// the repository root: the part between BeginGenerated and EndGenerated is
// generated, the rest is prose written by hand.
const (
	ConfigDocPath = "docs/config.md"
	ReadmePath    = "fn/README.md"
)

// The markers around the generated part of a document. The begin marker may
// carry more text before its closing "-->".
const (
	BeginGenerated = "<!-- BEGIN GENERATED: make schema"
	EndGenerated   = "<!-- END GENERATED -->"
	// BeginGeneratedCluster opens the ClusterNetworkIdentity reference of
	// docs/config.md, which comes after the NetworkIdentity one.
	BeginGeneratedCluster = "<!-- BEGIN GENERATED: make schema, ClusterNetworkIdentity"
)

// Field is one field of the NetworkIdentity schema, as the reference lists it.
type Field struct {
	// Path is the field's path from the object's root, with [] for the
	// elements of a list: spec.ingress[].from.workload.
	Path string
	// Type is the schema type as a reader writes it: string, boolean,
	// integer, object, map[string]string, []string, []object, int or
	// string, or port (a name, a number or {port, protocol}).
	Type string
	// Enum are the allowed values, if the schema fixes them.
	Enum []string
	// Required says the field must be given when its parent is.
	Required bool
	// MaxItems bounds a list (0: unbounded).
	MaxItems int
	// Pattern is the regular expression a string must match, if any.
	Pattern string
	// Description is the Go doc comment without its Default sentence.
	Description string
	// Default is the text of the doc comment's "Default: ..." sentence: a
	// value or how the value is derived ("" when the field has none).
	Default string
}

// schemaNode is the part of an openAPIV3Schema node the reference reads.
type schemaNode struct {
	Type                 string                 `json:"type"`
	Description          string                 `json:"description"`
	Enum                 []string               `json:"enum"`
	Required             []string               `json:"required"`
	Pattern              string                 `json:"pattern"`
	MaxItems             int                    `json:"maxItems"`
	Properties           map[string]*schemaNode `json:"properties"`
	Items                *schemaNode            `json:"items"`
	AdditionalProperties *schemaNode            `json:"additionalProperties"`
	IntOrString          bool                   `json:"x-kubernetes-int-or-string"`
	PreserveUnknown      bool                   `json:"x-kubernetes-preserve-unknown-fields"`
}

// Fields lists every field under spec of the CRD's v1alpha1 schema, depth
// first in the order of the Go types' json names (alphabetical, as the CRD
// lists them), each parent before its children.
func Fields(crdYAML []byte) ([]Field, error) {
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema *schemaNode `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(crdYAML, &crd); err != nil {
		return nil, fmt.Errorf("reading the CRD: %w", err)
	}
	var root *schemaNode
	for _, v := range crd.Spec.Versions {
		if v.Name == "v1alpha1" {
			root = v.Schema.OpenAPIV3Schema
		}
	}
	if root == nil || root.Properties["spec"] == nil {
		return nil, fmt.Errorf("the CRD has no v1alpha1 openAPIV3Schema with a spec")
	}
	var fields []Field
	walk(root.Properties["spec"], "spec", slices.Contains(root.Required, "spec"), &fields)
	return fields, nil
}

// isPortRef says whether n is the untyped PortRef node (see
// krm/v1alpha1/port.go): documented as one field, not as port and protocol.
func isPortRef(n *schemaNode) bool {
	return n.Type == "" && n.PreserveUnknown && n.Properties["port"] != nil
}

func walk(n *schemaNode, path string, required bool, out *[]Field) {
	f := Field{Path: path, Type: typeOf(n), Enum: n.Enum, Required: required, MaxItems: n.MaxItems, Pattern: n.Pattern}
	f.Description, f.Default = splitDefault(n.Description)
	if n.Items != nil && f.Description == "" {
		f.Description, f.Default = splitDefault(n.Items.Description)
	}
	if n.Items != nil && len(f.Enum) == 0 {
		f.Enum = n.Items.Enum
	}
	*out = append(*out, f)
	if isPortRef(n) || (n.Items != nil && isPortRef(n.Items)) {
		return
	}
	obj, prefix := n, path+"."
	if n.Items != nil {
		obj, prefix = n.Items, path+"[]."
	}
	names := make([]string, 0, len(obj.Properties))
	for name := range obj.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		walk(obj.Properties[name], prefix+name, slices.Contains(obj.Required, name), out)
	}
}

func typeOf(n *schemaNode) string {
	switch {
	case isPortRef(n):
		return "port"
	case n.IntOrString:
		return "int or string"
	case n.Type == "array" && n.Items != nil:
		return "[]" + typeOf(n.Items)
	case n.Type == "object" && n.AdditionalProperties != nil:
		return "map[string]" + typeOf(n.AdditionalProperties)
	}
	return n.Type
}

// splitDefault joins the description's lines and takes out its "Default:"
// sentence, which runs to the next "Example:" or "Examples:" or to the end.
func splitDefault(desc string) (rest, def string) {
	desc = strings.Join(strings.Fields(desc), " ")
	i := strings.Index(desc, "Default: ")
	if i < 0 {
		return desc, ""
	}
	after := desc[i+len("Default: "):]
	end := len(after)
	for _, stop := range []string{" Example: ", " Examples: "} {
		if j := strings.Index(after, stop); j >= 0 && j < end {
			end = j
		}
	}
	def = strings.TrimSuffix(strings.TrimSpace(after[:end]), ".")
	rest = strings.Join(strings.Fields(desc[:i]+after[end:]), " ")
	return rest, def
}

// code quotes s as inline markdown code.
func code(s string) string { return "`" + s + "`" }

// cell escapes text for a markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// typeCell is a field's type with its allowed values, pattern and bound.
func typeCell(f Field) string {
	t := code(f.Type)
	if len(f.Enum) > 0 {
		var vals []string
		for _, v := range f.Enum {
			vals = append(vals, code(v))
		}
		t += ": " + strings.Join(vals, ", ")
	}
	if f.Pattern != "" {
		t += ", matching " + code(f.Pattern)
	}
	if f.MaxItems > 0 {
		t += fmt.Sprintf(", at most %d", f.MaxItems)
	}
	return t
}

// ConfigReference is the field table of docs/config.md.
func ConfigReference(fields []Field) string {
	var b strings.Builder
	b.WriteString("| Field | Type and values | Required | Default | Description |\n|---|---|---|---|---|\n")
	for _, f := range fields {
		req, def := "", "—"
		if f.Required {
			req = "yes"
		}
		if f.Default != "" {
			def = f.Default
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", code(f.Path), cell(typeCell(f)), req, cell(def), cell(f.Description))
	}
	return b.String()
}

// shortDefault is the longest default the README's list spells out; longer
// ones are derived from the render and described in docs/config.md.
const shortDefault = 56

// ReadmeFields is the compact field list of the catalog README, a code block
// that reads the same on a web page and in `netid --help`.
func ReadmeFields(fields []Field) string {
	width := 0
	for _, f := range fields {
		width = max(width, len(f.Path))
	}
	var b strings.Builder
	b.WriteString("```\n")
	for _, f := range fields {
		var notes []string
		t := f.Type
		if len(f.Enum) > 0 {
			t = strings.Join(f.Enum, "|")
			if strings.HasPrefix(f.Type, "[]") {
				t = "[]" + t
			}
		}
		notes = append(notes, t)
		if f.Required {
			notes = append(notes, "required")
		}
		switch {
		case f.Default == "":
		case len(f.Default) <= shortDefault:
			notes = append(notes, "default "+f.Default)
		default:
			notes = append(notes, "default derived (docs/config.md)")
		}
		fmt.Fprintf(&b, "%-*s  %s\n", width, f.Path, strings.Join(notes, ", "))
	}
	b.WriteString("```\n")
	return b.String()
}

// Splice replaces the generated part of doc, between the line starting with
// BeginGenerated and the line EndGenerated, with generated.
func Splice(doc []byte, generated string) ([]byte, error) {
	return SpliceAt(doc, BeginGenerated, generated)
}

// SpliceAt is Splice at the first line starting with marker.
func SpliceAt(doc []byte, marker, generated string) ([]byte, error) {
	begin := bytes.Index(doc, []byte(marker))
	if begin < 0 {
		return nil, fmt.Errorf("no %q marker", marker)
	}
	nl := bytes.IndexByte(doc[begin:], '\n')
	if nl < 0 {
		return nil, fmt.Errorf("nothing after the %q marker", marker)
	}
	start := begin + nl + 1
	end := bytes.Index(doc[start:], []byte(EndGenerated))
	if end < 0 {
		return nil, fmt.Errorf("no %q marker after %q", EndGenerated, marker)
	}
	var out bytes.Buffer
	out.Write(doc[:start])
	out.WriteString(generated)
	out.Write(doc[start+end:])
	return out.Bytes(), nil
}

// Docs returns docs/config.md and fn/README.md, as read gives them (by their
// paths relative to the repository root), with their generated parts made
// from the CRDs: the NetworkIdentity reference in both, and the
// ClusterNetworkIdentity reference in docs/config.md.
func Docs(crdYAML, clusterCRDYAML []byte, read func(path string) ([]byte, error)) (map[string][]byte, error) {
	fields, err := Fields(crdYAML)
	if err != nil {
		return nil, err
	}
	clusterFields, err := Fields(clusterCRDYAML)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for path, generated := range map[string]string{ConfigDocPath: ConfigReference(fields), ReadmePath: ReadmeFields(fields)} {
		doc, err := read(path)
		if err != nil {
			return nil, err
		}
		if out[path], err = Splice(doc, generated); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if out[ConfigDocPath], err = SpliceAt(out[ConfigDocPath], BeginGeneratedCluster, ConfigReference(clusterFields)); err != nil {
		return nil, fmt.Errorf("%s: %w", ConfigDocPath, err)
	}
	return out, nil
}
