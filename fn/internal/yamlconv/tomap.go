package yamlconv

import (
	"encoding/base64"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// ToMap converts a typed object (a non-nil pointer to a struct, or an
// unstructured object) into exactly the map
// runtime.DefaultUnstructuredConverter.ToUnstructured produces: the same
// keys (json names, omitempty and omitzero, inlined structs), the same value
// types (int64 for every integer, float64 for floats, strings, bools,
// map[string]any, []any, nil), and what a type's own conversion makes of it
// (json.Marshaler and the unstructured converters of intstr.IntOrString,
// resource.Quantity, metav1.Time and the like).
//
// It walks the value with a conversion plan per type, worked out once and
// cached, where ToUnstructured looks up each struct field and each value's
// type in its caches and builds every map through reflection. A type or value
// the plans do not cover (an inlined field that is not a struct, an
// unexported field, an array, a channel, …), and every error, go to
// ToUnstructured, so the result and the error are always its own.
func ToMap(obj any) (map[string]any, error) {
	if u, ok := obj.(runtime.Unstructured); ok {
		return u.UnstructuredContent(), nil
	}
	v := reflect.ValueOf(obj)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if c := convOf(v.Type().Elem()); c.root() {
			m := make(map[string]any, c.mapHint())
			if err := c.fill(v.Elem(), m); err == nil {
				return m, nil
			}
		}
	}
	return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
}

// errFallback stops a conversion that ToUnstructured must do instead.
var errFallback = errors.New("yamlconv: not covered by ToMap's plans")

// conv is the conversion plan of one type, mirroring what
// k8s.io/apimachinery/pkg/runtime's toUnstructured does with a value of it.
type conv struct {
	typ  reflect.Type
	kind reflect.Kind
	// self is set when the type converts itself (json.Marshaler or an
	// unstructured converter, directly or through its pointer): the value
	// goes to the same TypeReflectCacheEntry.ToUnstructured as in
	// ToUnstructured. fast, when set, answers the common values of such a
	// type without a JSON round trip, reporting false for the others.
	self *value.TypeReflectCacheEntry
	fast func(reflect.Value) (any, bool)
	// elem is the element of a pointer, slice or map.
	elem *conv
	// fields are a struct's fields in declaration order.
	fields []convField
	// bytes: a slice of bytes, written as base64 (as encoding/json does).
	bytes bool
	// unsupported: ToUnstructured must convert values of this type.
	unsupported bool
}

// convField is one struct field as ToUnstructured treats it.
type convField struct {
	index     int
	name      string
	omitempty bool
	omitzero  func(reflect.Value) bool
	// inline: a struct (or pointer to one) whose fields go into the same map.
	inline bool
	// kind is the field's kind: strings, bools and numbers are written
	// directly (ToUnstructured does not ask their type to convert itself
	// there); anything else through conv.
	kind reflect.Kind
	conv *conv
}

var (
	convMu    sync.Mutex
	convCache sync.Map // reflect.Type → *conv, complete
	intOrStr  = reflect.TypeFor[intstr.IntOrString]()

	stringMapType = reflect.TypeFor[map[string]string]()
)

// convOf is the plan of t, made on first use.
func convOf(t reflect.Type) *conv {
	if c, ok := convCache.Load(t); ok {
		return c.(*conv)
	}
	convMu.Lock()
	defer convMu.Unlock()
	if c, ok := convCache.Load(t); ok {
		return c.(*conv)
	}
	building := map[reflect.Type]*conv{}
	c := makeConv(t, building)
	for t, c := range building {
		convCache.Store(t, c)
	}
	return c
}

// makeConv works out t's plan; building holds the plans under way, so that
// recursive types end.
func makeConv(t reflect.Type, building map[reflect.Type]*conv) *conv {
	if c, ok := convCache.Load(t); ok {
		return c.(*conv)
	}
	if c := building[t]; c != nil {
		return c
	}
	c := &conv{typ: t, kind: t.Kind()}
	building[t] = c
	if e := value.TypeReflectEntryOf(t); e.CanConvertToUnstructured() {
		c.self = e
		switch {
		case t == intOrStr:
			c.fast = intOrStringValue
		case t.Kind() == reflect.Pointer && t.Elem() == intOrStr:
			c.fast = func(v reflect.Value) (any, bool) {
				if v.IsNil() {
					return nil, true
				}
				return intOrStringValue(v.Elem())
			}
		}
		return c
	}
	switch c.kind {
	case reflect.String, reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	case reflect.Interface:
	case reflect.Pointer:
		c.elem = makeConv(t.Elem(), building)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			c.bytes = true
			break
		}
		c.elem = makeConv(t.Elem(), building)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			c.unsupported = true
			break
		}
		c.elem = makeConv(t.Elem(), building)
	case reflect.Struct:
		c.unsupported = !planStruct(c, building)
	default:
		c.unsupported = true
	}
	return c
}

// planStruct works out a struct's fields, as runtime's fieldInfoFromField
// names them; false if ToUnstructured must convert it.
func planStruct(c *conv, building map[reflect.Type]*conv) bool {
	t := c.typ
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			return false
		}
		f := convField{index: i, kind: sf.Type.Kind()}
		tag, ok := sf.Tag.Lookup("json")
		if !ok || tag == "" {
			if !sf.Anonymous {
				f.name = sf.Name
			}
		} else {
			items := strings.Split(tag, ",")
			f.name = items[0]
			if f.name == "" && !sf.Anonymous {
				f.name = sf.Name
			}
			for _, o := range items[1:] {
				switch o {
				case "omitempty":
					f.omitempty = true
				case "omitzero":
					f.omitzero = value.OmitZeroFunc(sf.Type)
				case "embed":
					// inlined from Go 1.27 on (runtime's isInlinedFromTag)
					return false
				}
			}
		}
		if f.name == "-" {
			continue
		}
		f.conv = makeConv(sf.Type, building)
		if f.name == "" {
			// Inlined: a struct, or a pointer to one, that does not convert
			// itself, fills the same map; ToUnstructured does something
			// else (or panics) with anything else.
			f.inline = true
			st := sf.Type
			if st.Kind() == reflect.Pointer {
				if value.TypeReflectEntryOf(st).CanConvertToUnstructured() {
					return false
				}
				st = st.Elem()
			}
			if st.Kind() != reflect.Struct || value.TypeReflectEntryOf(st).CanConvertToUnstructured() {
				return false
			}
		}
		c.fields = append(c.fields, f)
	}
	return true
}

// root reports whether a value of the type can be converted as the object
// ToUnstructured is given (a struct that does not convert itself).
func (c *conv) root() bool {
	return c.kind == reflect.Struct && c.self == nil && !c.unsupported
}

// value converts v as runtime's toUnstructured does; nil where it stores
// nothing.
func (c *conv) value(v reflect.Value) (any, error) {
	if c.self != nil {
		if c.fast != nil {
			if x, ok := c.fast(v); ok {
				return x, nil
			}
		}
		return c.self.ToUnstructured(v)
	}
	if c.unsupported {
		return nil, errFallback
	}
	switch c.kind {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintValue(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return c.elem.value(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		e := v.Elem()
		return convOf(e.Type()).value(e)
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if c.bytes {
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		out := make([]any, v.Len())
		for i := range out {
			x, err := c.elem.value(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		if c.typ == stringMapType {
			// labels, annotations, selectors: without reflect's copies
			// of every key and value
			sm := v.Interface().(map[string]string)
			out := make(map[string]any, len(sm))
			for k, s := range sm {
				out[k] = s
			}
			return out, nil
		}
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			x, err := c.elem.value(it.Value())
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = x
		}
		return out, nil
	case reflect.Struct:
		out := make(map[string]any, c.mapHint())
		if err := c.fill(v, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, errFallback
}

// fill writes a struct's fields into m, as runtime's structToUnstructured.
func (c *conv) fill(v reflect.Value, m map[string]any) error {
	for i := range c.fields {
		f := &c.fields[i]
		fv := v.Field(f.index)
		if f.omitempty && isEmpty(fv) {
			continue
		}
		if f.omitzero != nil && f.omitzero(fv) {
			continue
		}
		if f.inline {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			sc := f.conv.structOf()
			if sc.unsupported {
				return errFallback
			}
			if err := sc.fill(fv, m); err != nil {
				return err
			}
			continue
		}
		switch f.kind {
		case reflect.String:
			m[f.name] = fv.String()
		case reflect.Bool:
			m[f.name] = fv.Bool()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			m[f.name] = fv.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			x, err := uintValue(fv.Uint())
			if err != nil {
				return err
			}
			m[f.name] = x
		case reflect.Float32, reflect.Float64:
			m[f.name] = fv.Float()
		default:
			x, err := f.conv.value(fv)
			if err != nil {
				return err
			}
			m[f.name] = x
		}
	}
	return nil
}

// mapHint is the size to make a struct's map with: its number of fields,
// but at most one group of a map's slots, as most fields are left out.
func (c *conv) mapHint() int { return min(len(c.fields), 8) }

// structOf is the struct plan of an inlined field (itself, or its pointer's
// element).
func (c *conv) structOf() *conv {
	if c.kind == reflect.Pointer {
		return c.elem
	}
	return c
}

// isEmpty is runtime's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Map, reflect.Slice:
		return v.IsNil() || v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

func uintValue(u uint64) (any, error) {
	if u > math.MaxInt64 {
		return nil, errFallback // ToUnstructured's overflow error
	}
	return int64(u), nil
}

// intOrStringValue is what IntOrString's MarshalJSON and the JSON decoding
// of ToUnstructured make of it, without them: the number as an int64, or
// the string, which JSON gives back unchanged when it is valid UTF-8 (its
// encoder replaces invalid bytes). Any other value goes the long way.
func intOrStringValue(v reflect.Value) (any, bool) {
	switch v.Field(intOrStrType).Int() {
	case int64(intstr.Int):
		return v.Field(intOrStrInt).Int(), true
	case int64(intstr.String):
		if s := v.Field(intOrStrStr).String(); utf8.ValidString(s) {
			return s, true
		}
	}
	return nil, false
}

// The fields of intstr.IntOrString.
var intOrStrType, intOrStrInt, intOrStrStr = fieldIndex(intOrStr, "Type"), fieldIndex(intOrStr, "IntVal"), fieldIndex(intOrStr, "StrVal")

func fieldIndex(t reflect.Type, name string) int {
	f, ok := t.FieldByName(name)
	if !ok || len(f.Index) != 1 {
		panic("yamlconv: " + t.String() + " has no field " + name)
	}
	return f.Index[0]
}
