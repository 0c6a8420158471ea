package emit

// The digest as it was before its encoder reused its buffers, kept as the
// reference the differential test holds Digest to.

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/internal/estate"
)

// refDigest is the digest annotation's value for an object (a generated object's
// map, or a YAML object read as one): "sha256:" and the hex SHA-256 of its
// canonical encoding, compact JSON with sorted keys and numbers as netid
// writes them, without the digest annotation itself and without the
// annotations kpt and kustomize add and rewrite while reading. "" if the
// object holds a value JSON cannot (it then matches no digest).
func refDigest(m map[string]any) string {
	e := refEncoder{b: make([]byte, 0, 1024)}
	if !e.object(m, refLevelObject) {
		return ""
	}
	sum := sha256.Sum256(e.b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// refEncoder writes the canonical encoding. It is used for every generated
// object, so it does without encoding/json's reflection.
type refEncoder struct{ b []byte }

// Levels of object: the object, its metadata, its annotations (of which
// only those the digest covers are written), and any other mapping.
const (
	refLevelObject = iota
	refLevelMetadata
	refLevelAnnotations
	refLevelOther
)

// object writes a mapping at a level.
func (e *refEncoder) object(m map[string]any, level int) bool {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if level == refLevelAnnotations && !refDigested(k) {
			continue
		}
		if level == refLevelMetadata && k == "annotations" {
			if a, ok := v.(map[string]any); ok && !refHasDigested(a) {
				continue // nothing but what the digest leaves out: as if absent
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(k)
		e.b = append(e.b, ':')
		child := refLevelOther
		switch {
		case level == refLevelObject && k == "metadata":
			child = refLevelMetadata
		case level == refLevelMetadata && k == "annotations":
			child = refLevelAnnotations
		}
		if !e.value(m[k], child) {
			return false
		}
	}
	e.b = append(e.b, '}')
	return true
}

// refHasDigested reports whether any annotation is covered by the digest.
func refHasDigested(a map[string]any) bool {
	for k := range a {
		if refDigested(k) {
			return true
		}
	}
	return false
}

// refDigested reports whether the digest covers an annotation: all but itself
// and those kpt and kustomize set while reading or passing objects (file,
// index, id, and internal.config.kubernetes.io/*).
func refDigested(k string) bool {
	switch k {
	case load.DigestAnnotation, kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.LegacyIdAnnotation:
		return false
	}
	return !strings.HasPrefix(k, "internal.config.kubernetes.io/")
}

// value writes a value; a mapping at level.
func (e *refEncoder) value(v any, level int) bool {
	switch x := v.(type) {
	case map[string]any:
		return e.object(x, level)
	case []any:
		e.b = append(e.b, '[')
		for i, c := range x {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			if !e.value(c, refLevelOther) {
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
func (e *refEncoder) str(s string) {
	e.b = append(e.b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			e.b = append(e.b, '\\', c)
		case c < 0x20:
			e.b = append(e.b, `\u00`...)
			e.b = append(e.b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		default:
			e.b = append(e.b, c)
		}
	}
	e.b = append(e.b, '"')
}

// TestDigestSameAsRef holds Digest to the reference on every object
// generated from the golden inputs and the estates, and on random maps.
func TestDigestSameAsRef(t *testing.T) {
	check := func(m map[string]any) {
		t.Helper()
		if got, want := Digest(m), refDigest(m); got != want {
			t.Fatalf("Digest = %q, reference %q, for %#v", got, want, m)
		}
	}
	for _, in := range []string{estate.ResourceList(300)} {
		for _, o := range generatedFrom(t, in, "") {
			m, err := yamlconv.ToMap(o)
			if err != nil {
				t.Fatal(err)
			}
			check(m)
			g, err := generated(o)
			if err != nil {
				t.Fatal(err)
			}
			check(g.Map)
		}
	}
	strs := []string{"", "a", "quote \" backslash \\ newline \n tab \t <&> é", "\x00\x1f\x7f", "\xff", strings.Repeat("long\"", 300),
		load.DigestAnnotation, load.GeneratedAnnotation, "internal.config.kubernetes.io/x", kioutil.LegacyPathAnnotation, "annotations", "metadata"}
	r := rand.New(rand.NewPCG(3, 4))
	var value func(depth int) any
	value = func(depth int) any {
		switch n := r.IntN(10); {
		case n < 4 || depth > 4:
			switch r.IntN(9) {
			case 0:
				return int64(r.IntN(1000) - 500)
			case 1:
				return r.Float64() * 1e16
			case 2:
				return r.IntN(2) == 0
			case 3:
				return nil
			case 4:
				return float64(r.IntN(100))
			case 5:
				return int(r.IntN(100))
			case 6:
				return int32(r.IntN(100))
			case 7:
				return []string{"not JSON-able here"}
			}
			return strs[r.IntN(len(strs))]
		case n < 7:
			m := map[string]any{}
			for range r.IntN(5) {
				m[strs[r.IntN(len(strs))]] = value(depth + 1)
			}
			return m
		default:
			var s []any
			for range r.IntN(4) {
				s = append(s, value(depth+1))
			}
			return s
		}
	}
	for range 5000 {
		m := map[string]any{}
		for range r.IntN(6) {
			m[strs[r.IntN(len(strs))]] = value(0)
		}
		check(m)
	}
}
