package yamlconv

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/internal/yamlvalue"
)

// The direct decoder reads a YAML node straight into a typed object, as
// FromNode's general path (yamlvalue.Of, then
// runtime.DefaultUnstructuredConverter.FromUnstructured) would, without
// building the map[string]any in between and without looking up, for every
// object, each field a struct has: it walks the keys the node has, with a
// plan of each type made once (the fields by JSON name, embedded structs'
// included, as the converter names them). Types with their own
// UnmarshalJSON (resource.Quantity, intstr.IntOrString, metav1.Time, ...)
// get what the converter gives them: their value as JSON.
//
// It decodes only what it is sure of. Anything else, every error included,
// makes it give up (errIndirect), and FromNode decodes the object anew by
// the general path, so that results and error messages stay exactly that
// path's. TestDirectDecoding and FuzzDirectDecoding hold the two paths
// equal.

// errIndirect says that the direct decoder left an object to the general path.
var errIndirect = errors.New("yamlconv: left to the general path")

// plan is how to decode into one type.
type plan struct {
	t    reflect.Type
	kind reflect.Kind
	// indirect: values of this type are left to the general path (a kind
	// or shape the direct decoder does not know).
	indirect bool
	// unmarshaler: a map, slice, struct or interface type whose pointer
	// implements json.Unmarshaler; the converter hands it its value as
	// JSON.
	unmarshaler bool
	// elem is the plan of a map's values, a slice's elements or what a
	// pointer points to.
	elem *plan
	// fields are a struct's fields by the JSON name the converter reads
	// them from; an embedded struct's fields are its own.
	fields map[string][]field
	// stringMap: the type is map[string]string.
	stringMap bool
	// done: the plan is made (a struct embedding one that is not is read
	// by the general path).
	done bool
}

type field struct {
	index []int
	plan  *plan
}

var (
	plansMu sync.Mutex
	plans   = map[reflect.Type]*plan{}
	// ready are the plans complete, read without the lock.
	ready sync.Map

	unmarshalerType  = reflect.TypeFor[json.Unmarshaler]()
	stringStringType = reflect.TypeFor[map[string]string]()
)

// planOf returns the plan of t, making it on first use.
func planOf(t reflect.Type) *plan {
	if p, ok := ready.Load(t); ok {
		return p.(*plan)
	}
	plansMu.Lock()
	defer plansMu.Unlock()
	p := makePlan(t)
	ready.Store(t, p)
	return p
}

// makePlan makes t's plan and those it refers to (the lock held). A plan is
// registered before the plans of its parts are made, for recursive types.
func makePlan(t reflect.Type) *plan {
	if p := plans[t]; p != nil {
		return p
	}
	p := &plan{t: t, kind: t.Kind()}
	plans[t] = p
	switch p.kind {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
		// As the converter, only these kinds are handed to UnmarshalJSON,
		// and before anything else (structured-merge-diff's
		// TypeReflectCacheEntry.CanConvertFromUnstructured).
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			p.unmarshaler, p.done = true, true
			return p
		}
	}
	switch p.kind {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
	case reflect.Interface:
		p.indirect = t.NumMethod() > 0
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			p.indirect = true
			break
		}
		p.elem = makePlan(t.Elem())
		p.stringMap = t == stringStringType
	case reflect.Slice, reflect.Pointer:
		p.elem = makePlan(t.Elem())
	case reflect.Struct:
		p.fields = map[string][]field{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				// the converter sets every field, and cannot set these
				p.indirect = true
				break
			}
			name, ok := jsonName(sf)
			if !ok {
				p.indirect = true
				break
			}
			fp := makePlan(sf.Type)
			if name != "" {
				p.fields[name] = append(p.fields[name], field{index: []int{i}, plan: fp})
				continue
			}
			// Embedded (inlined): the converter reads it from the same
			// mapping. Only a struct of plain fields is read here.
			if fp.kind != reflect.Struct || fp.unmarshaler || fp.indirect || !fp.done {
				p.indirect = true
				break
			}
			for n, fs := range fp.fields {
				for _, f := range fs {
					p.fields[n] = append(p.fields[n], field{index: append([]int{i}, f.index...), plan: f.plan})
				}
			}
		}
	default:
		p.indirect = true
	}
	p.done = true
	return p
}

// jsonName is the key the converter reads a struct field from
// (runtime.fieldInfoFromField): the json tag's name, else the field's name;
// "" for an embedded field without a name, whose fields it reads from the
// same mapping. ok is false for a tag it may read otherwise (the embed
// directive, which Go 1.27's converter honours).
func jsonName(sf reflect.StructField) (name string, ok bool) {
	tag, exists := sf.Tag.Lookup("json")
	if !exists || tag == "" {
		if sf.Anonymous {
			return "", true
		}
		return sf.Name, true
	}
	items := strings.Split(tag, ",")
	for _, d := range items[1:] {
		if d == "embed" {
			return "", false
		}
	}
	if items[0] == "" && !sf.Anonymous {
		return sf.Name, true
	}
	return items[0], true
}

// decodeDirect decodes the mapping n into obj, a pointer to a zero value,
// or returns errIndirect, having perhaps written part of obj.
func decodeDirect(y *yaml.Node, obj any) error {
	rv := reflect.ValueOf(obj)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errIndirect
	}
	st, err := yamlvalue.Check(y, yamlvalue.Options{})
	if err != nil || st.Nodes > yamlvalue.MaxNodes {
		return errIndirect
	}
	// yamlvalue.Of reads a document as its content, or null
	for y.Kind == yaml.DocumentNode && len(y.Content) > 0 {
		y = y.Content[0]
	}
	if y.Kind == yaml.AliasNode && y.Alias != nil {
		y = y.Alias
	}
	if y.Kind != yaml.MappingNode {
		return errIndirect
	}
	return decodeValue(y, planOf(rv.Type().Elem()), rv.Elem())
}

// decodeValue decodes n into dv, whose plan is p. dv is settable.
func decodeValue(n *yaml.Node, p *plan, dv reflect.Value) error {
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return errIndirect
		}
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		return errIndirect
	}
	var sc yamlvalue.Scalar
	if n.Kind == yaml.ScalarNode {
		if sc = yamlvalue.ScalarOf(n); sc.Kind == yamlvalue.Null {
			// the converter zeroes a field whose value is null, whatever its type
			dv.SetZero()
			return nil
		}
	}
	if p.indirect {
		return errIndirect
	}
	if p.unmarshaler {
		return unmarshal(n, dv)
	}
	switch p.kind {
	case reflect.String:
		if n.Kind != yaml.ScalarNode || sc.Kind != yamlvalue.String {
			return errIndirect
		}
		dv.SetString(sc.Str)
		return nil
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || sc.Kind != yamlvalue.Bool {
			return errIndirect
		}
		dv.SetBool(sc.Bool)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return number(n, sc, dv, func(i int64) { dv.SetInt(i) })
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return number(n, sc, dv, func(i int64) { dv.SetUint(uint64(i)) })
	case reflect.Float32, reflect.Float64:
		if n.Kind != yaml.ScalarNode {
			return errIndirect
		}
		switch sc.Kind {
		case yamlvalue.Int:
			dv.Set(reflect.ValueOf(sc.Int).Convert(p.t))
			return nil
		case yamlvalue.Float:
			dv.Set(reflect.ValueOf(sc.Float).Convert(p.t))
			return nil
		}
		return errIndirect
	case reflect.Interface:
		v, err := yamlvalue.ValueOf(n)
		if err != nil {
			return errIndirect
		}
		dv.Set(reflect.ValueOf(v))
		return nil
	case reflect.Pointer:
		ptr := reflect.New(p.elem.t)
		if err := decodeValue(n, p.elem, ptr.Elem()); err != nil {
			return err
		}
		dv.Set(ptr)
		return nil
	case reflect.Map:
		return decodeMap(n, p, dv)
	case reflect.Slice:
		return decodeSlice(n, sc, p, dv)
	case reflect.Struct:
		return decodeStruct(n, p, dv)
	}
	return errIndirect
}

// number sets an integer from an int64 as the converter does (Convert, which
// wraps), or from a float64 with no fractional part.
func number(n *yaml.Node, sc yamlvalue.Scalar, dv reflect.Value, set func(int64)) error {
	if n.Kind != yaml.ScalarNode {
		return errIndirect
	}
	switch sc.Kind {
	case yamlvalue.Int:
		set(sc.Int)
		return nil
	case yamlvalue.Float:
		if sc.Float == math.Trunc(sc.Float) {
			dv.Set(reflect.ValueOf(sc.Float).Convert(dv.Type()))
			return nil
		}
	}
	return errIndirect
}

// unmarshal hands n's value, as JSON, to the type's UnmarshalJSON, as the
// converter does (encoding/json's Marshal of the yamlvalue value).
func unmarshal(n *yaml.Node, dv reflect.Value) error {
	v, err := yamlvalue.ValueOf(n)
	if err != nil {
		return errIndirect
	}
	data, err := json.Marshal(v)
	if err != nil {
		return errIndirect
	}
	dv.SetZero()
	if dv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data) != nil {
		return errIndirect
	}
	return nil
}

func decodeMap(n *yaml.Node, p *plan, dv reflect.Value) error {
	if n.Kind != yaml.MappingNode {
		return errIndirect
	}
	if p.stringMap {
		m := make(map[string]string, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, ok, skip := keyOf(n.Content[i])
			if skip {
				continue
			}
			if !ok {
				return errIndirect
			}
			v := n.Content[i+1]
			for v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			if v.Kind != yaml.ScalarNode {
				return errIndirect
			}
			switch sc := yamlvalue.ScalarOf(v); sc.Kind {
			case yamlvalue.String:
				m[key] = sc.Str
			case yamlvalue.Null:
				m[key] = ""
			default:
				return errIndirect
			}
		}
		dv.Set(reflect.ValueOf(m))
		return nil
	}
	m := reflect.MakeMapWithSize(p.t, len(n.Content)/2)
	kt := p.t.Key()
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, ok, skip := keyOf(n.Content[i])
		if skip {
			continue
		}
		if !ok {
			return errIndirect
		}
		v := reflect.New(p.elem.t).Elem()
		if err := decodeValue(n.Content[i+1], p.elem, v); err != nil {
			return err
		}
		k := reflect.New(kt).Elem()
		k.SetString(key)
		m.SetMapIndex(k, v)
	}
	dv.Set(m)
	return nil
}

func decodeSlice(n *yaml.Node, sc yamlvalue.Scalar, p *plan, dv reflect.Value) error {
	switch n.Kind {
	case yaml.ScalarNode:
		// []byte from a string: base64, through JSON, as the converter does
		if p.elem.kind != reflect.Uint8 || sc.Kind != yamlvalue.String {
			return errIndirect
		}
		if sc.Str == "" {
			dv.Set(reflect.MakeSlice(p.t, 0, 0))
			return nil
		}
		marshalled, err := utiljson.Marshal(sc.Str)
		if err != nil {
			return errIndirect
		}
		var data []byte
		if utiljson.Unmarshal(marshalled, &data) != nil {
			return errIndirect
		}
		dv.SetBytes(data)
		return nil
	case yaml.SequenceNode:
		s := reflect.MakeSlice(p.t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if err := decodeValue(c, p.elem, s.Index(i)); err != nil {
				return err
			}
		}
		dv.Set(s)
		return nil
	}
	return errIndirect
}

func decodeStruct(n *yaml.Node, p *plan, dv reflect.Value) error {
	if n.Kind != yaml.MappingNode {
		return errIndirect
	}
	// zero, as the converter sets every field (and a key given twice is
	// read twice here, the last one counting, as in yamlvalue's map)
	dv.SetZero()
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, ok, skip := keyOf(n.Content[i])
		if skip {
			continue
		}
		if !ok {
			return errIndirect
		}
		for _, f := range p.fields[key] {
			var fv reflect.Value
			if len(f.index) == 1 {
				fv = dv.Field(f.index[0])
			} else {
				fv = dv.FieldByIndex(f.index)
			}
			if err := decodeValue(n.Content[i+1], f.plan, fv); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyOf is a mapping key's text as yamlvalue reads it; skip for a merge key
// (<<), which it leaves out; !ok for a key it would refuse.
func keyOf(k *yaml.Node) (key string, ok, skip bool) {
	if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
		return "", false, true
	}
	if k.Kind == yaml.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		return "", false, false
	}
	return k.Value, true, false
}
