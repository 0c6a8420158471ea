package yamlvalue

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// laughs is the "billion laughs" document: levels lines of width entries,
// each line's entries aliases of the line before, so the last line stands
// for width^levels scalars. At 9 × 9 it is about 330 bytes for 387 million.
func laughs(levels, width int) string {
	var b strings.Builder
	for i := range levels {
		name := string(rune('a' + i))
		entry := `"x"`
		if i > 0 {
			entry = "*" + string(rune('a'+i-1))
		}
		fmt.Fprintf(&b, "%s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat(entry+",", width), ","))
	}
	return b.String()
}

func parse(t testing.TB, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// TestOfRefusesBillionLaughs: the refusal names the alias that expands, and
// costs next to nothing: Of measures before it builds.
func TestOfRefusesBillionLaughs(t *testing.T) {
	doc := parse(t, laughs(9, 9))
	_, err := Of(doc)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Of(billion laughs) = %v, want an *Error", err)
	}
	if e.Path != "i[0]" || !strings.Contains(e.Message, "stands for 48427561 nodes, and aliases expand the whole value to 490329065 (101 written out)") {
		t.Errorf("error = %q at %q; want the expansion named at i[0]", e.Message, e.Path)
	}

	allocs := testing.AllocsPerRun(10, func() { _, _ = Of(doc) })
	if allocs > 100 {
		t.Errorf("refusing the document took %.0f allocations; want at most 100", allocs)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _ = Of(doc)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("refusing the document allocated %d bytes; want at most 64 KiB", n)
	}
}

// TestOfLimit: a value is read up to MaxNodes nodes, and refused beyond.
func TestOfLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		width  int // scalars in the anchored list
		copies int // aliases of it
		ok     bool
	}{
		// mapping + 2 keys + list (1 + w) + list of c aliases (1 + c(1 + w))
		{"just under", 999, 997, true},
		{"just over", 999, 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf("a: &a [%s]\nb: [%s]\n",
				strings.TrimSuffix(strings.Repeat("x,", tc.width), ","), strings.TrimSuffix(strings.Repeat("*a,", tc.copies), ","))
			doc := parse(t, text)
			st, err := Check(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if (st.Nodes <= MaxNodes) != tc.ok {
				t.Fatalf("the case measures %d nodes; fix the case (MaxNodes %d)", st.Nodes, MaxNodes)
			}
			v, err := Of(doc)
			if tc.ok {
				if err != nil {
					t.Fatalf("Of: %v", err)
				}
				if got := len(v.(map[string]any)["b"].([]any)); got != tc.copies {
					t.Errorf("read %d copies, want %d", got, tc.copies)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "netid reads at most 1000000") {
				t.Errorf("Of = %v, want the limit named", err)
			}
		})
	}
}

// TestOfRefusesSelfReference: an alias inside its own anchor would be an
// infinite value (it used to overflow the stack).
func TestOfRefusesSelfReference(t *testing.T) {
	for _, text := range []string{"a: &a [*a]\n", "a: &a {b: [1, {c: *a}]}\n"} {
		_, err := Of(parse(t, text))
		if err == nil || !strings.Contains(err.Error(), "refers to a node that contains it") {
			t.Errorf("Of(%q) = %v, want the self-reference refused", text, err)
		}
	}
}

// TestOfAliases: aliases within the limit read as their anchors' values, and
// an alias key as its anchor's text.
func TestOfAliases(t *testing.T) {
	doc := parse(t, "ports: &p [80, 443]\nk: &k name\nagain: *p\nnested: {list: [*p, *p]}\n*k : x\n")
	got, err := Of(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := []any{int64(80), int64(443)}
	want := map[string]any{"ports": p, "k": "name", "again": p, "nested": map[string]any{"list": []any{p, p}}, "name": "x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Of = %#v\nwant %#v", got, want)
	}
}

func TestOfRefusesNonScalarKey(t *testing.T) {
	_, err := Of(parse(t, "? [a, b]\n: c\n"))
	if err == nil || !strings.Contains(err.Error(), "a mapping key must be a string") {
		t.Errorf("Of = %v, want a sequence key refused", err)
	}
}

func TestCheckStats(t *testing.T) {
	st, err := Check(parse(t, "a: &a [x, y]\nb: *a\nc: [*a, *a]\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// written: doc, map, a, [x y] (3), b, *a, c, [*a *a] (3) = 12
	// read: doc, map, a, 3, b, 3, c, 1 + 3 + 3 = 18
	if st.Written != 12 || st.Nodes != 18 {
		t.Errorf("Stats = %+v, want 12 written, 18 read", st)
	}
	if st.Alias != "b" || st.AliasNodes != 3 {
		t.Errorf("largest alias = %q (%d), want b (3)", st.Alias, st.AliasNodes)
	}
}

// manyKeys is "k0: 0, k1: 1, …", more keys than a mapping compared key by key.
func manyKeys(n int) string {
	var keys []string
	for i := range n {
		keys = append(keys, fmt.Sprintf("k%d: %d", i, i))
	}
	return strings.Join(keys, ", ")
}

func TestCheckOptions(t *testing.T) {
	for _, tc := range []struct {
		text string
		opts Options
		path string // "" when it passes
		msg  string
	}{
		{"metadata: {namespace: shop, name: a, namespace: prod}\n", Options{StrictKeys: true}, "metadata.namespace", `key "namespace" is given twice`},
		{"metadata: {namespace: shop, name: a, namespace: prod}\n", Options{}, "", ""},
		{"spec:\n  ports:\n  - {port: 1, port: 2}\n", Options{StrictKeys: true}, "spec.ports[0].port", "given twice"},
		{"a: {x: 1}\nb: {x: 1}\n", Options{StrictKeys: true}, "", ""},
		{"m: {" + manyKeys(20) + ", k3: again}\n", Options{StrictKeys: true}, "m.k3", "given twice"},
		{"m: {" + manyKeys(20) + "}\n", Options{StrictKeys: true}, "", ""},
		{"\"1\": a\n1: b\n", Options{StrictKeys: true}, "1", "given twice"},
		{"base: &b {x: 1}\nspec: {<<: *b, y: 2}\n", Options{StrictKeys: true}, "spec", "merge keys"},
		{"base: &b {x: 1}\nspec: {<<: *b, y: 2}\n", Options{}, "", ""},
	} {
		_, err := Check(parse(t, tc.text), tc.opts)
		if tc.path == "" {
			if err != nil {
				t.Errorf("Check(%q, %+v) = %v, want it to pass", tc.text, tc.opts, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Path != tc.path || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("Check(%q, %+v) = %v, want %q at %s", tc.text, tc.opts, err, tc.msg, tc.path)
		}
	}
}

// TestCheckSelfContained: within one object of a stream, an alias may only
// refer to an anchor of that object.
func TestCheckSelfContained(t *testing.T) {
	doc := parse(t, "items:\n- {name: a, labels: &l {app: a}}\n- {name: b, labels: *l}\n")
	items := doc.Content[0].Content[1].Content
	if _, err := Check(items[0], Options{SelfContained: true}); err != nil {
		t.Errorf("the object with the anchor: %v", err)
	}
	_, err := Check(items[1], Options{SelfContained: true})
	var e *Error
	if !errors.As(err, &e) || e.Path != "labels" || !strings.Contains(e.Message, "outside this object") {
		t.Errorf("the object with the alias: %v, want it refused at labels", err)
	}
	// mapping, name, b, labels, and the anchor's mapping, app, a
	if st, err := Check(items[1], Options{}); err != nil || st.Nodes != 7 {
		t.Errorf("without SelfContained: %+v, %v; want 7 nodes", st, err)
	}
}
