package yamlconv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/internal/estate"
)

// encodeV3 is what process.writeResourceList does without the fast path: a
// fresh kyaml encoder (yaml.v3, indent 2, compact sequences) for one document.
func encodeV3(n *yaml.Node) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// checkNode checks AppendDocument on n and AppendSeqItem on n against the
// encoder: each declines, leaving its buffer as it was, or writes what
// yaml.v3 writes. It reports whether both took the fast path.
func checkNode(t *testing.T, what string, n *yaml.Node) bool {
	t.Helper()
	fast := true
	prefix := []byte("prefix\n")
	for _, seq := range []bool{false, true} {
		root, appendFn := n, AppendDocument
		if seq {
			root, appendFn = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}, AppendSeqItem
		}
		want, err := encodeV3(root)
		got, ok := appendFn(append([]byte(nil), prefix...), n)
		if !bytes.HasPrefix(got, prefix) {
			t.Fatalf("%s: the prefix was overwritten", what)
		}
		got = got[len(prefix):]
		if !ok {
			if len(got) != 0 {
				t.Errorf("%s (seq %v): declined but wrote %q", what, seq, got)
			}
			fast = false
			continue
		}
		if err != nil {
			t.Errorf("%s (seq %v): the encoder fails (%v), the fast path wrote:\n%s", what, seq, err, got)
			continue
		}
		if string(got) != want {
			t.Errorf("%s (seq %v): differs from yaml.v3:\n got  %q\n want %q", what, seq, got, want)
		}
	}
	return fast
}

// TestScalarQuoting: the quoting yaml.v3 chooses, written out, for a !!str
// (as kyaml sets strings), in block and in flow context, and for other tags.
func TestScalarQuoting(t *testing.T) {
	cases := []struct {
		tag, value string
		style      yaml.Style
		block      string // "k: " and the value
		flow       string // in {k: ...}; "" when the same as block
	}{
		{"!!str", "plain", 0, "plain", ""},
		{"!!str", "true", 0, `"true"`, ""},
		{"!!str", "False", 0, `"False"`, ""},
		{"!!str", "yes", 0, "yes", ""}, // YAML 1.1 booleans are not quoted for nodes
		{"!!str", "on", 0, "on", ""},
		{"!!str", "1", 0, `"1"`, ""},
		{"!!str", "-1", 0, `"-1"`, ""},
		{"!!str", "0x1F", 0, `"0x1F"`, ""},
		{"!!str", "0o17", 0, `"0o17"`, ""},
		{"!!str", "0b101", 0, `"0b101"`, ""},
		{"!!str", "-0b101", 0, `"-0b101"`, ""},
		{"!!str", "-0o17", 0, `"-0o17"`, ""},
		{"!!str", "0b102", 0, "0b102", ""},
		{"!!str", "0o19", 0, "0o19", ""},
		{"!!str", "-0o", 0, "-0o", ""},
		{"!!str", "017", 0, `"017"`, ""},
		{"!!str", "1_000", 0, `"1_000"`, ""},
		{"!!str", "1e3", 0, `"1e3"`, ""},
		{"!!str", "1.5", 0, `"1.5"`, ""},
		{"!!str", ".5", 0, `".5"`, ""},
		{"!!str", ".inf", 0, `".inf"`, ""},
		{"!!str", "-.Inf", 0, `"-.Inf"`, ""},
		{"!!str", ".nan", 0, `".nan"`, ""},
		{"!!str", "null", 0, `"null"`, ""},
		{"!!str", "~", 0, `"~"`, ""},
		{"!!str", "", 0, `""`, ""},
		{"!!str", "2026-01-02", 0, `"2026-01-02"`, ""},
		{"!!str", "2026-01-02T03:04:05Z", 0, `"2026-01-02T03:04:05Z"`, ""},
		{"!!str", "12:30", 0, "12:30", "'12:30'"}, // base 60 is not quoted for nodes
		{"!!str", "1.0.0", 0, "1.0.0", ""},
		{"!!str", "v1.0", 0, "v1.0", ""},
		{"!!str", " lead", 0, "' lead'", ""},
		{"!!str", "trail ", 0, "'trail '", ""},
		{"!!str", "a: b", 0, "'a: b'", ""},
		{"!!str", "a:b", 0, "a:b", "'a:b'"},
		{"!!str", "x:", 0, "'x:'", ""},
		{"!!str", "a #b", 0, "'a #b'", ""},
		{"!!str", "a#b", 0, "a#b", ""},
		{"!!str", "#x", 0, "'#x'", ""},
		{"!!str", "- x", 0, "'- x'", ""},
		{"!!str", "-x", 0, "-x", ""},
		{"!!str", "-", 0, "'-'", ""},
		{"!!str", "---", 0, "'---'", ""},
		{"!!str", "a,b", 0, "a,b", "'a,b'"},
		{"!!str", "[x]", 0, "'[x]'", ""},
		{"!!str", "x]", 0, "x]", "'x]'"},
		{"!!str", "{x}", 0, "'{x}'", ""},
		{"!!str", "*x", 0, "'*x'", ""},
		{"!!str", "&x", 0, "'&x'", ""},
		{"!!str", "!x", 0, "'!x'", ""},
		{"!!str", "%x", 0, "'%x'", ""},
		{"!!str", "@x", 0, "'@x'", ""},
		{"!!str", "`x", 0, "'`x'", ""},
		{"!!str", "|x", 0, "'|x'", ""},
		{"!!str", ">x", 0, "'>x'", ""},
		{"!!str", "?x", 0, "?x", "'?x'"},
		{"!!str", "? x", 0, "'? x'", ""},
		{"!!str", "it's", 0, "it's", ""},
		{"!!str", "'x", 0, "'''x'", ""},
		{"!!str", `"x`, 0, `'"x'`, ""},
		{"!!str", `back\slash`, 0, `back\slash`, ""},
		{"!!str", "tab\there", 0, `"tab\there"`, ""},
		{"!!str", "tab\t\"back\\slash\"", 0, `"tab\t\"back\\slash\""`, ""},
		{"!!str", "ctl\x01", 0, `"ctl\x01"`, ""},
		{"!!str", "del\x7f", 0, `"del\x7F"`, ""},
		{"!!str", "cr\rx", 0, `"cr\rx"`, ""},
		{"!!str", "nel\u0085x", 0, `"nel\Nx"`, ""},
		{"!!str", "nbsp\u00a0x", 0, "nbsp\u00a0x", ""},
		{"!!str", "é→ü", 0, "é→ü", ""},
		{"!!str", "bom\ufeffx", 0, `"bom\uFEFFx"`, ""},
		{"!!str", "emoji 😀", 0, `"emoji \U0001F600"`, ""},
		{"!!str", "c1\u0090", 0, `"c1\x90"`, ""},
		{"!!str", "multi\nline\n", 0, "|\n  multi\n  line", `"multi\nline\n"`},
		{"!!str", "multi\nline", 0, "|-\n  multi\n  line", `"multi\nline"`},
		{"!!str", "multi\n\nline\n\n", 0, "|+\n  multi\n\n  line\n\n", `"multi\n\nline\n\n"`},
		{"!!str", "\n", 0, "|2+\n\n", `"\n"`},
		{"!!str", " lead\nline\n", 0, "|2\n   lead\n  line", `" lead\nline\n"`},
		{"!!str", "trail \nline\n", 0, `"trail \nline\n"`, ""},
		{"!!str", "tab\tline\nx\n", 0, "|\n  tab\tline\n  x", `"tab\tline\nx\n"`},
		{"!!str", "a\n b", 0, "|-\n  a\n   b", `"a\n b"`},
		{"!!str", "x", yaml.DoubleQuotedStyle, `"x"`, ""},
		{"!!str", "x", yaml.SingleQuotedStyle, `'x'`, ""},
		{"!!str", "true", yaml.SingleQuotedStyle, `'true'`, ""},
		{"!!str", "a\tb", yaml.SingleQuotedStyle, `"a\tb"`, ""},
		{"!!str", "x", yaml.LiteralStyle, "|-\n  x", `"x"`},
		{"!!str", "", yaml.LiteralStyle, `""`, ""},
		{"", "true", 0, "true", ""},
		{"", "", 0, "", "''"},
		{"!!int", "80", 0, "80", ""},
		{"!!int", "0x1F", 0, "0x1F", ""},
		{"!!bool", "true", 0, "true", ""},
		{"!!float", "1.5", 0, "1.5", ""},
		{"!!null", "", 0, "", "''"},
		{"!!null", "null", 0, "null", ""},
		{"!!null", "~", 0, "~", ""},
		{"!!timestamp", "2026-01-02", 0, "2026-01-02", ""},
		{"tag:yaml.org,2002:str", "80", 0, `"80"`, ""},
	}
	for _, c := range cases {
		v := &yaml.Node{Kind: yaml.ScalarNode, Tag: c.tag, Value: c.value, Style: c.style}
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}
		block := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, v}}
		flow := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{k, v}}
		wantBlock := "k:"
		if c.block != "" {
			wantBlock += " " + c.block
		}
		if !strings.HasSuffix(wantBlock, "\n") {
			wantBlock += "\n"
		}
		wantFlow := "{k: " + c.block + "}\n"
		if c.flow != "" {
			wantFlow = "{k: " + c.flow + "}\n"
		}
		for _, tc := range []struct {
			n    *yaml.Node
			want string
		}{{block, wantBlock}, {flow, wantFlow}} {
			got, ok := AppendDocument(nil, tc.n)
			if !ok {
				t.Errorf("%s %q (style %d): declined", c.tag, c.value, c.style)
				continue
			}
			if string(got) != tc.want {
				t.Errorf("%s %q (style %d): got %q, want %q", c.tag, c.value, c.style, got, tc.want)
			}
			checkNode(t, fmt.Sprintf("%s %q", c.tag, c.value), tc.n)
		}
	}
}

// TestDeclines: what the fast path leaves to yaml.v3.
func TestDeclines(t *testing.T) {
	for _, src := range []string{
		"# head\nk: v\n",
		"k: v # line\n",
		"k: v\n# foot\n",
		"k: &a v\nl: *a\n",
		"k: !!binary aGk=\n",
		"k: !custom v\n",
		"k: !!str 80\n",
		"k: >\n  folded\n",
		"? [complex]\n: v\n",
		"<<: {a: b}\n",
		"k: 'multi\n\n  line'\n",
		"k: \"\\ufeffbom\"\n",
		"k: \"a\\u2028b\\nc\"\n", // a literal block with an LS
		"? |\n  multi\n: v\n",
		strings.Repeat("x", 129) + ": v\n",
	} {
		var doc yaml.Node
		if err := yamlv3.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		n := doc.Content[0]
		if strings.Contains(src, "2028") {
			n.Content[1].Style = 0 // contains \n: a literal block, which a CR would break
		}
		if _, ok := AppendDocument(nil, n); ok {
			t.Errorf("%q: not declined", src)
		}
		checkNode(t, src, n)
	}
	if _, ok := AppendDocument(nil, &yaml.Node{Kind: yaml.ScalarNode, Value: "\xff"}); ok {
		t.Errorf("invalid UTF-8: not declined")
	}
	if _, ok := AppendDocument(nil, &yaml.Node{}); ok {
		t.Errorf("zero node: not declined")
	}
}

// TestAppendMatchesEncoder is the differential test: every item (and
// functionConfig and results) of every ResourceList under
// fn/internal/process/testdata and of bench estates, read as the function
// reads them, and every document under e2e/ and examples/ that parses, is
// written by the fast path exactly as yaml.v3 writes it, or declined. The
// estates' items must nearly all take the fast path.
func TestAppendMatchesEncoder(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	lists, err := filepath.Glob(filepath.Join(root, "fn", "internal", "process", "testdata", "*", "*.yaml"))
	if err != nil || len(lists) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	var docs []string
	for _, dir := range []string{"e2e", "examples"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || d.Name() == "Kptfile") {
				docs = append(docs, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(docs) < 20 {
		t.Fatalf("only %d documents found under e2e/ and examples/", len(docs))
	}
	total, fast := 0, 0
	count := func(ok bool) {
		total++
		if ok {
			fast++
		}
	}
	for _, p := range append(lists, docs...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Every document, as parsed.
		dec := yamlv3.NewDecoder(bytes.NewReader(b))
		for i := 0; ; i++ {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Logf("%s: document %d does not parse: %v", p, i, err)
				}
				break
			}
			if len(doc.Content) == 1 {
				checkTree(t, fmt.Sprintf("%s document %d", p, i), doc.Content[0], count)
			}
		}
		// The items, as the function reads a ResourceList.
		if strings.HasPrefix(p, filepath.Join(root, "fn")) {
			checkResourceList(t, p, b, count)
		}
	}
	t.Logf("files: %d of %d nodes on the fast path", fast, total)

	for _, n := range []int{10, 100, 300} {
		total, fast = 0, 0
		checkResourceList(t, fmt.Sprintf("estate %d", n), []byte(estate.ResourceList(n)), count)
		t.Logf("estate of %d workloads: %d of %d nodes on the fast path", n, fast, total)
		if fast != total {
			t.Errorf("estate of %d workloads: %d of %d nodes declined", n, total-fast, total)
		}
	}
}

// checkTree checks n and, when it is declined (for a comment, say), each of
// its collections in turn.
func checkTree(t *testing.T, what string, n *yaml.Node, count func(bool)) {
	t.Helper()
	ok := checkNode(t, what, n)
	count(ok)
	if ok {
		return
	}
	for i, c := range n.Content {
		if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
			checkTree(t, fmt.Sprintf("%s/%d", what, i), c, count)
		}
	}
}

func checkResourceList(t *testing.T, what string, b []byte, count func(bool)) {
	t.Helper()
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(b), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		t.Logf("%s: not a ResourceList: %v", what, err)
		return
	}
	for i, n := range items {
		count(checkNode(t, fmt.Sprintf("%s item %d", what, i), n.YNode()))
	}
	if rw.FunctionConfig != nil {
		count(checkNode(t, what+" functionConfig", rw.FunctionConfig.YNode()))
	}
	if rw.Results != nil {
		count(checkNode(t, what+" results", rw.Results.YNode()))
	}
}

// FuzzNodeWriter parses arbitrary YAML and checks that the fast path writes
// each document's node (as parsed, and restyled as kyaml's edits leave nodes:
// scalars without a style, strings tagged !!str, collections in block style)
// exactly as yaml.v3 does, or declines.
func FuzzNodeWriter(f *testing.F) {
	seeds := []string{
		"k: v\n",
		"- a\n- b: c\n  d: [e, {f: g}]\n",
		"a: {b: c, d: [1, 2.5, true, null, ~, '', \"\"]}\n",
		"k: |\n  multi\n  line\n",
		"k: |-\n  x\n",
		"k: |+\n  x\n\n",
		"k: |2\n   lead\n",
		"k: \"tab\\there\"\n",
		"k: 'it''s'\n",
		"k: \"\\x01\\u0085\\u2028\\U0001F600\\ufeff\"\n",
		"k: [\"a,b\", 'c:d', e#f]\n",
		"k: 0x1F\nl: 1e3\nm: .inf\nn: 0o17\no: -0b101\np: 1_000\nq: 2026-01-02\n",
		"k: \"true\"\nl: \"1\"\nm: \"null\"\nn: \"~\"\no: \"\"\n",
		"k: ' lead'\nl: 'trail '\nm: 'a: b'\nn: '- x'\no: '#x'\n",
		"k:\n  - - a\n    - b\n  - []\n  - {}\n",
		"? a\n: b\n",
		"k: é→ü\n",
		"[a, b, {c: d}]\n",
		"plain\n",
		"|\n  root literal\n",
		"''\n",
		"k: !!str 80\n",
		"k: v # c\n",
		"metadata: {name: a, labels: {app.kubernetes.io/name: a}}\nspec:\n  ports: [{name: http, port: 80}]\n",
	}
	for _, s := range seeds {
		for mode := byte(0); mode < 8; mode++ {
			f.Add([]byte(s), mode)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, mode byte) {
		dec := yamlv3.NewDecoder(bytes.NewReader(src))
		for i := 0; i < 8; i++ {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				return
			}
			if len(doc.Content) != 1 {
				continue
			}
			n := doc.Content[0]
			restyle(n, mode, map[*yaml.Node]bool{})
			checkNode(t, fmt.Sprintf("%q mode %d", src, mode), n)
		}
	})
}

// restyle: mode bit 1 clears the scalars' styles and tags plain strings
// !!str; bit 2 makes the collections block style; bit 4 clears every tag.
func restyle(n *yaml.Node, mode byte, seen map[*yaml.Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.ScalarNode:
		if mode&1 != 0 {
			n.Style &^= yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle
			if n.Tag == "!!str" || n.Tag == "" {
				n.Tag = "!!str"
			}
		}
		if mode&4 != 0 {
			n.Tag = "" // as some of kyaml's constructors leave it
		}
	case yaml.MappingNode, yaml.SequenceNode, yaml.DocumentNode:
		if mode&2 != 0 {
			n.Style &^= yaml.FlowStyle
		}
		if mode&4 != 0 {
			n.Tag = ""
		}
		for _, c := range n.Content {
			restyle(c, mode, seen)
		}
	}
}

// BenchmarkNodeWriter writes the items of an estate of 300 workloads with the
// direct writer and with yaml.v3's encoder.
func BenchmarkNodeWriter(b *testing.B) {
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(estate.ResourceList(300)), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			for _, n := range items {
				var ok bool
				if buf, ok = AppendSeqItem(buf[:0], n.YNode()); !ok {
					b.Fatal("declined")
				}
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, n := range items {
				if _, err := encodeV3(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// FuzzScalarWriter checks one scalar of any text, tag and style, as a key
// and as a value in block and flow mappings and sequences, against yaml.v3.
func FuzzScalarWriter(f *testing.F) {
	for _, s := range []string{"x", "", "true", "0x1F", " a", "a\nb\n", "a\r\nb", "\u2028", "\ufeffx", "😀", "'\"\\", "- x", "a: b", "#", "\t", "\n\n", "<<", "2026-01-02"} {
		f.Add(s, byte(0), byte(0))
	}
	tags := []string{"", "!!str", "!!int", "!!bool", "!!null", "!!float", "!!timestamp", "!!merge", "!x", "tag:yaml.org,2002:str"}
	styles := []yaml.Style{0, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle, yaml.FlowStyle, yaml.TaggedStyle}
	f.Fuzz(func(t *testing.T, v string, tag, style byte) {
		s := func() *yaml.Node {
			return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: tags[int(tag)%len(tags)], Style: styles[int(style)%len(styles)]}
		}
		k := func() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"} }
		for _, flow := range []yaml.Style{0, yaml.FlowStyle} {
			checkNode(t, fmt.Sprintf("%q value", v), &yaml.Node{Kind: yaml.MappingNode, Style: flow, Content: []*yaml.Node{k(), s(), k(), s()}})
			checkNode(t, fmt.Sprintf("%q key", v), &yaml.Node{Kind: yaml.MappingNode, Style: flow, Content: []*yaml.Node{s(), s(), k(), s()}})
			checkNode(t, fmt.Sprintf("%q item", v), &yaml.Node{Kind: yaml.SequenceNode, Style: flow, Content: []*yaml.Node{s(), s()}})
			checkNode(t, fmt.Sprintf("%q nested", v), &yaml.Node{Kind: yaml.MappingNode, Style: flow, Content: []*yaml.Node{k(),
				&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{s(), {Kind: yaml.MappingNode, Content: []*yaml.Node{k(), s()}}}}}})
		}
		checkNode(t, fmt.Sprintf("%q root", v), s())
	})
}
