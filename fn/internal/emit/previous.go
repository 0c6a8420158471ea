package emit

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/yamlconv"
)

// markField is where the generated mark is, as findings name it.
var markField = `metadata.annotations["` + load.GeneratedAnnotation + `"]`

// Previous judges the items that carry the generated mark (load.Model's
// Previous), which a render drops and generates again. It drops only what it
// recognises as netid's own, unchanged:
//
//   - an object whose digest annotation matches its content: netid wrote it,
//     and nothing changed it since, whatever netid generates now (so a
//     NetworkIdentity may change between runs and stale objects go);
//   - an object without a digest that is exactly the object netid generates
//     now under its identity (output of a version that wrote no digest).
//
// Anything else carrying the mark is an error naming it: an object edited
// after netid wrote it (a rerun would silently undo the edit), or one that
// copies the mark (a rerun would silently drop it). generated must include
// the report.
func Previous(previous []*yaml.RNode, generated []*Generated) finding.List {
	if len(previous) == 0 {
		return nil
	}
	byID := make(map[string]*Generated, len(generated))
	for _, g := range generated {
		byID[refID(g.Ref)] = g
	}
	var fs finding.List
	for _, n := range previous {
		obj := finding.ObjectOf(n)
		var m map[string]any
		if err := yamlconv.FromNode(n, &m); err != nil {
			fs = append(fs, finding.Configf(obj, markField, "carries the mark of an object netid generated, but cannot be read to recognise it: %v", err))
			continue
		}
		digest, actual := n.GetAnnotations()[load.DigestAnnotation], Digest(m)
		if digest != "" && digest == actual {
			continue
		}
		if g := byID[idOf(n)]; digest == "" && g != nil && actual != "" && actual == Digest(g.Map) {
			continue
		}
		if digest != "" {
			fs = append(fs, finding.Configf(obj, markField,
				"carries the mark of an object netid generated, but its %s does not match it: it was changed after netid wrote it "+
					"(by hand, or by a function: a kpt function that changes every object must leave netid's alone, "+
					`with exclude: [{annotations: {%s: "true"}}]), or the mark was copied onto it. `+
					"A rerun replaces netid's objects and would silently undo the change or drop the object: make changes in the NetworkIdentity, "+
					"or delete this object to have it generated again; to keep it as your own object, remove the %s and %s annotations",
				load.DigestAnnotation, load.GeneratedAnnotation, load.GeneratedAnnotation, load.DigestAnnotation))
			continue
		}
		fs = append(fs, finding.Configf(obj, markField,
			"carries the mark of an object netid generated, but netid did not generate it: it has no %s and is not what netid generates here. "+
				"A rerun replaces netid's objects and would silently drop it: remove the %s annotation to keep it as your own object, or delete it",
			load.DigestAnnotation, load.GeneratedAnnotation))
	}
	return fs
}

// Digest is the digest annotation's value for an object (a generated object's
// map, or a YAML object read as one): "sha256:" and the hex SHA-256 of its
// canonical encoding, compact JSON with sorted keys and numbers as netid
// writes them, without the digest annotation itself and without the
// annotations kpt and kustomize add and rewrite while reading. "" if the
// object holds a value JSON cannot (it then matches no digest).
func Digest(m map[string]any) string {
	e := encoders.Get().(*encoder)
	defer func() {
		if cap(e.b) <= maxPooledEncoding {
			encoders.Put(e)
		}
	}()
	e.b = e.b[:0]
	if !e.object(m, levelObject, 0) {
		return ""
	}
	sum := sha256.Sum256(e.b)
	var out [len(digestPrefix) + 2*sha256.Size]byte
	copy(out[:], digestPrefix)
	hex.Encode(out[len(digestPrefix):], sum[:])
	return string(out[:])
}

const digestPrefix = "sha256:"

// encoder writes the canonical encoding. It is used for every generated
// object, so it does without encoding/json's reflection, and reuses its
// buffer and keys[d], the scratch slice for the sorted keys of a mapping at
// depth d.
type encoder struct {
	b    []byte
	keys [][]string
}

var encoders = sync.Pool{New: func() any { return &encoder{b: make([]byte, 0, 4096)} }}

// maxPooledEncoding is the largest buffer kept for the next digest (the
// report can be far larger than any object).
const maxPooledEncoding = 1 << 20

// Levels of object: the object, its metadata, its annotations (of which
// only those the digest covers are written), and any other mapping.
const (
	levelObject = iota
	levelMetadata
	levelAnnotations
	levelOther
)

// object writes a mapping at a level and depth.
func (e *encoder) object(m map[string]any, level, depth int) bool {
	for len(e.keys) <= depth {
		e.keys = append(e.keys, nil)
	}
	keys := e.keys[depth][:0]
	for k, v := range m {
		if level == levelAnnotations && !digested(k) {
			continue
		}
		if level == levelMetadata && k == "annotations" {
			if a, ok := v.(map[string]any); ok && !hasDigested(a) {
				continue // nothing but what the digest leaves out: as if absent
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.keys[depth] = keys
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(k)
		e.b = append(e.b, ':')
		child := levelOther
		switch {
		case level == levelObject && k == "metadata":
			child = levelMetadata
		case level == levelMetadata && k == "annotations":
			child = levelAnnotations
		}
		if !e.value(m[k], child, depth+1) {
			clear(keys)
			return false
		}
	}
	clear(keys) // let the strings go
	e.b = append(e.b, '}')
	return true
}

// hasDigested reports whether any annotation is covered by the digest.
func hasDigested(a map[string]any) bool {
	for k := range a {
		if digested(k) {
			return true
		}
	}
	return false
}

// digested reports whether the digest covers an annotation: all but itself
// and those kpt and kustomize set while reading or passing objects (file,
// index, id, and internal.config.kubernetes.io/*).
func digested(k string) bool {
	switch k {
	case load.DigestAnnotation, kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.LegacyIdAnnotation:
		return false
	}
	return !strings.HasPrefix(k, "internal.config.kubernetes.io/")
}

// value writes a value; a mapping at level.
func (e *encoder) value(v any, level, depth int) bool {
	switch x := v.(type) {
	case map[string]any:
		return e.object(x, level, depth)
	case []any:
		e.b = append(e.b, '[')
		for i, c := range x {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			if !e.value(c, levelOther, depth) {
				return false
			}
		}
		e.b = append(e.b, ']')
	case string:
		e.str(x)
	case bool:
		e.b = strconv.AppendBool(e.b, x)
	case nil:
		e.b = append(e.b, "null"...)
	case int64:
		e.b = strconv.AppendInt(e.b, x, 10)
	case int:
		e.b = strconv.AppendInt(e.b, int64(x), 10)
	case int32:
		e.b = strconv.AppendInt(e.b, int64(x), 10)
	case float64:
		// as yamlconv writes it, so that a number reads back the same
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return false
		case x == math.Trunc(x) && math.Abs(x) < 1e15:
			e.b = strconv.AppendInt(e.b, int64(x), 10)
		default:
			e.b = strconv.AppendFloat(e.b, x, 'g', -1, 64)
		}
	default:
		return false
	}
	return true
}

// str writes a JSON string: quotes, backslashes and control characters
// escaped, everything else as it is.
func (e *encoder) str(s string) {
	e.b = append(e.b, '"')
	start := 0 // of the bytes not written yet
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			e.b = append(e.b, s[start:i]...)
			e.b = append(e.b, '\\', c)
			start = i + 1
		case c < 0x20:
			e.b = append(e.b, s[start:i]...)
			e.b = append(e.b, `\u00`...)
			e.b = append(e.b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			start = i + 1
		}
	}
	e.b = append(e.b, s[start:]...)
	e.b = append(e.b, '"')
}

// refID is idOf for a generated object's reference.
func refID(r finding.Object) string {
	group := r.APIVersion
	if i := strings.Index(group, "/"); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	return group + "/" + r.Kind + "/" + r.Namespace + "/" + r.Name
}
