package yamlconv

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// readBack parses what WriteItem wrote (a one-element sequence) with yaml.v3.
func readBack(t *testing.T, out string) map[string]any {
	t.Helper()
	var got []map[string]any
	if err := yaml.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, out)
	}
	if len(got) != 1 {
		t.Fatalf("want one item, got %d\n%s", len(got), out)
	}
	return got[0]
}

func roundTrip(t *testing.T, m map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteItem(&buf, m); err != nil {
		t.Fatal(err)
	}
	got := readBack(t, buf.String())
	want := normalize(m)
	if !reflect.DeepEqual(normalize(got), want) {
		t.Errorf("round trip changed the value:\n got  %#v\n want %#v\nYAML:\n%s", normalize(got), want, buf.String())
	}
}

// normalize maps yaml.v3's decoded ints (int) onto int64 as the converter has them.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := []any{}
		for _, e := range x {
			out = append(out, normalize(e))
		}
		return out
	case int:
		return int64(x)
	}
	return v
}

func TestWriteItemRoundTrip(t *testing.T) {
	strs := []string{"", "plain", "true", "True", "yes", "no", "on", "off", "y", "n", "null", "~", "80", "0x1F", "0o17", "017", "1e3", "1.5", ".5", "-", "-x", "a: b", "a:b", "a #b", "a#b", " lead", "trail ", "x:", "[x]", "{x}", "*x", "&x", "!x", "%x", "@x", "`x", "|x", ">x", "'x", "\"x", "?x", ",x", "a,b", "multi\nline\n", "multi\nline", "multi\n\nline\n\n", "tab\tin", "2026-11-23", "12:30", "cluster.local/ns/shop/sa/web", "netid:shop:frontend", "→ arrow", "\u00e9", "\x01ctl", "- dash", "a - b", "end\\", "quote\"s"}
	for _, s := range strs {
		roundTrip(t, map[string]any{"k": s, s + "key": "v", "list": []any{s, map[string]any{"x": s}}})
	}
	roundTrip(t, map[string]any{
		"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
		"metadata": map[string]any{"name": "a", "labels": map[string]any{"app.kubernetes.io/name": "a"}, "annotations": map[string]any{}},
		"spec": map[string]any{
			"podSelector": map[string]any{},
			"policyTypes": []any{"Ingress", "Egress"},
			"ingress":     []any{map[string]any{"from": []any{map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"a": "b"}}}}, "ports": []any{map[string]any{"port": int64(80), "protocol": "TCP"}}}},
			"egress":      []any{},
			"nested":      []any{[]any{"x", int64(1)}, []any{}, true, nil, 1.5},
		},
		"data": map[string]any{"report.md": "# Title\n\n| a | b |\n|---|---|\n- item\n"},
	})
}

func FuzzWriteItem(f *testing.F) {
	for _, s := range []string{"x", "true", "a: b", "multi\nline\n", " ", "#", "0x"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		if !utf8Valid(key) || !utf8Valid(value) || len(scalarString(key+"k")) > 1000 {
			return // the converter only produces valid UTF-8; YAML keys stay under 1024 characters
		}
		roundTrip(t, map[string]any{key + "k": value, "s": []any{value}})
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
