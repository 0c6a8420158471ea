package yamlconv

// The writer as it was before it appended to a pooled buffer, kept as the
// reference the differential test holds WriteItem to, byte for byte.

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func refWriteItem(w io.Writer, m map[string]any) error {
	var b strings.Builder
	refWriteMap(&b, m, 2, "- ")
	_, err := io.WriteString(w, b.String())
	return err
}

// refWriteMap writes a mapping whose keys start at column indent; the first line
// is prefixed by first (the sequence dash or nothing).
func refWriteMap(b *strings.Builder, m map[string]any, indent int, first string) {
	if len(m) == 0 {
		b.WriteString(first + "{}\n")
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pad := strings.Repeat(" ", indent)
	for i, k := range keys {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(pad)
		}
		b.WriteString(refScalarString(k))
		b.WriteString(":")
		refWriteValue(b, m[k], indent)
	}
}

// refWriteValue writes the value of a key at column indent-? : after "key:".
func refWriteValue(b *strings.Builder, v any, indent int) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteString("\n")
		refWriteMap(b, x, indent+2, strings.Repeat(" ", indent+2))
	case []any:
		if len(x) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		refWriteSeq(b, x, indent)
	case string:
		if strings.Contains(x, "\n") && refLiteralOK(x) {
			refWriteLiteral(b, x, indent+2)
			return
		}
		b.WriteString(" " + refScalarString(x) + "\n")
	default:
		b.WriteString(" " + refScalarText(v) + "\n")
	}
}

// refWriteSeq writes a block sequence whose dashes stand at column indent.
func refWriteSeq(b *strings.Builder, s []any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, e := range s {
		switch x := e.(type) {
		case map[string]any:
			refWriteMap(b, x, indent+2, pad+"- ")
		case []any:
			if len(x) == 0 {
				b.WriteString(pad + "- []\n")
				continue
			}
			b.WriteString(pad + "-\n")
			refWriteSeq(b, x, indent+2)
		case string:
			if strings.Contains(x, "\n") && refLiteralOK(x) {
				b.WriteString(pad + "-")
				refWriteLiteral(b, x, indent+2)
				continue
			}
			b.WriteString(pad + "- " + refScalarString(x) + "\n")
		default:
			b.WriteString(pad + "- " + refScalarText(e) + "\n")
		}
	}
}

// refWriteLiteral writes " |" (with a chomping indicator) and the lines at indent.
func refWriteLiteral(b *strings.Builder, s string, indent int) {
	chomp := "-"
	body := s
	if strings.HasSuffix(s, "\n") {
		chomp = ""
		body = strings.TrimSuffix(s, "\n")
		if strings.HasSuffix(body, "\n") {
			chomp = "+"
		}
	}
	b.WriteString(" |" + chomp + "\n")
	pad := strings.Repeat(" ", indent)
	for _, line := range strings.Split(body, "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(pad + line + "\n")
	}
}

// refLiteralOK: a literal block keeps the string exactly when no line carries
// trailing blanks or tabs, the first line does not start with a blank, and
// there are no control characters.
func refLiteralOK(s string) bool {
	if strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") {
		return false
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.HasSuffix(line, " ") || strings.ContainsAny(line, "\t\r") {
			return false
		}
		for _, r := range line {
			if r < 0x20 || r == 0x7f || r == 0xfeff {
				return false
			}
		}
	}
	return true
}

// refYamlWords are the refPlain scalars YAML 1.1 or 1.2 reads as booleans or null
// (numbers, dates and the like cannot occur: a refPlain scalar here starts with a
// letter, "_", "/" or "(").
var refYamlWords = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true, "true": true, "false": true, "null": true}

// refScalarString writes a string refPlain when that reads back as the same
// string, double-quoted otherwise.
func refScalarString(s string) string {
	if refPlain(s) {
		return s
	}
	return refQuote(s)
}

// refPlain reports whether s can be written as a refPlain scalar: it starts with a
// letter, "_", "/" or "(", holds only letters, digits and _./()@=+ ,:'-, does
// not end in a blank or ":", contains no ": " or " #", and is not a YAML word.
func refPlain(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '/', c == '(':
		case i > 0 && (c >= '0' && c <= '9' || strings.IndexByte(".)@=+ ,:'-", c) >= 0):
		default:
			return false
		}
	}
	last := s[len(s)-1]
	if last == ' ' || last == ':' || strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	return len(s) > 5 || !refYamlWords[strings.ToLower(s)]
}

// refQuote is a YAML double-quoted scalar: JSON's escaping, plus \u escapes for
// the characters YAML does not allow raw (DEL, the C1 controls, U+FFFE/FFFF),
// which JSON leaves alone.
func refQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff || r == 0xfffe || r == 0xffff || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func refScalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	panic(fmt.Sprintf("yamlconv: unexpected %T", v))
}

// sameAsRef asserts that WriteItem writes m byte for byte as the reference
// writer does.
func sameAsRef(t *testing.T, m map[string]any) {
	t.Helper()
	var got, want bytes.Buffer
	if err := WriteItem(&got, m); err != nil {
		t.Fatal(err)
	}
	if err := refWriteItem(&want, m); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("WriteItem differs from the reference:\n got:\n%s\n want:\n%s", got.String(), want.String())
	}
}

// weirdStrings are strings that exercise quoting, literal blocks and
// invalid UTF-8.
var weirdStrings = []string{"", " ", "plain", "true", "True", "yes", "NO", "on", "y", "null", "~", "80", "0x1F", "1e3", "-", "-x", "a: b", "a:b", "a #b",
	" lead", "trail ", "x:", "[x]", "{x}", "*x", "&x", "!x", "%x", "@x", "`x", "|x", ">x", "'x", "\"x", "?x", ",x",
	"multi\nline\n", "multi\nline", "multi\n\nline\n\n", "\nlead", "trail \nx", "x\ntrail ", "x\n \ny", "tab\tin\nx", "cr\r\nx", "a\n\n\n",
	"\u00e9\n\u2028", "\x01ctl", "\x7f\n", "\ufeff\nx", "bom\ufeff", "\xff\xfe", "a\xffb\nc", "\u0085", "\ufffe", "quote\"s\\", "- dash", "→ arrow\n→",
	strings.Repeat("long ", 40), strings.Repeat("x\n", 70)}

func TestWriteItemSameAsRef(t *testing.T) {
	for _, s := range weirdStrings {
		sameAsRef(t, map[string]any{"k": s, s + "key": "v", "list": []any{s, map[string]any{"x": s}, []any{s, []any{}}, map[string]any{}}})
		sameAsRef(t, map[string]any{s: map[string]any{s: []any{[]any{s}, map[string]any{s: s}}}})
	}
	r := rand.New(rand.NewPCG(1, 2))
	var value func(depth int) any
	value = func(depth int) any {
		switch n := r.IntN(10); {
		case n < 3 || depth > 4:
			switch r.IntN(7) {
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
			}
			return weirdStrings[r.IntN(len(weirdStrings))]
		case n < 6:
			m := map[string]any{}
			for range r.IntN(5) {
				m[weirdStrings[r.IntN(len(weirdStrings))]] = value(depth + 1)
			}
			return m
		default:
			var s []any
			for range r.IntN(4) {
				s = append(s, value(depth+1))
			}
			if s == nil {
				s = []any{}
			}
			return s
		}
	}
	for range 3000 {
		m := map[string]any{}
		for range r.IntN(6) {
			m[weirdStrings[r.IntN(len(weirdStrings))]] = value(0)
		}
		sameAsRef(t, m)
	}
}

func FuzzWriteItemSameAsRef(f *testing.F) {
	for _, s := range weirdStrings {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		sameAsRef(t, map[string]any{key: value, "s": []any{value, []any{key}, map[string]any{key: []any{value}}}, value: map[string]any{key: value}})
	})
}
