package yamlconv

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// WriteItem writes a JSON-compatible map (as runtime.DefaultUnstructuredConverter
// produces) as one element of a block sequence at column 0, the way an item
// stands under `items:` in a ResourceList: "- key: value" with two-space
// indentation, keys sorted. It is much faster than building YAML nodes and
// encoding them, and is used for the objects the function generates, whose
// values are plain data. Strings are written plain when YAML reads them back
// as the same string, double-quoted otherwise, and as literal blocks when
// they span lines. Keys must be shorter than 1024 characters (YAML's limit for
// implicit keys; Kubernetes' own are far shorter).
func WriteItem(w io.Writer, m map[string]any) error {
	var b strings.Builder
	writeMap(&b, m, 2, "- ")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMap writes a mapping whose keys start at column indent; the first line
// is prefixed by first (the sequence dash or nothing).
func writeMap(b *strings.Builder, m map[string]any, indent int, first string) {
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
		b.WriteString(scalarString(k))
		b.WriteString(":")
		writeValue(b, m[k], indent)
	}
}

// writeValue writes the value of a key at column indent-? : after "key:".
func writeValue(b *strings.Builder, v any, indent int) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteString("\n")
		writeMap(b, x, indent+2, strings.Repeat(" ", indent+2))
	case []any:
		if len(x) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		writeSeq(b, x, indent)
	case string:
		if strings.Contains(x, "\n") && literalOK(x) {
			writeLiteral(b, x, indent+2)
			return
		}
		b.WriteString(" " + scalarString(x) + "\n")
	default:
		b.WriteString(" " + scalarText(v) + "\n")
	}
}

// writeSeq writes a block sequence whose dashes stand at column indent.
func writeSeq(b *strings.Builder, s []any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, e := range s {
		switch x := e.(type) {
		case map[string]any:
			writeMap(b, x, indent+2, pad+"- ")
		case []any:
			if len(x) == 0 {
				b.WriteString(pad + "- []\n")
				continue
			}
			b.WriteString(pad + "-\n")
			writeSeq(b, x, indent+2)
		case string:
			if strings.Contains(x, "\n") && literalOK(x) {
				b.WriteString(pad + "-")
				writeLiteral(b, x, indent+2)
				continue
			}
			b.WriteString(pad + "- " + scalarString(x) + "\n")
		default:
			b.WriteString(pad + "- " + scalarText(e) + "\n")
		}
	}
}

// writeLiteral writes " |" (with a chomping indicator) and the lines at indent.
func writeLiteral(b *strings.Builder, s string, indent int) {
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

// literalOK: a literal block keeps the string exactly when no line carries
// trailing blanks or tabs, the first line does not start with a blank, and
// there are no control characters.
func literalOK(s string) bool {
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

// yamlWords are the plain scalars YAML 1.1 or 1.2 reads as booleans or null
// (numbers, dates and the like cannot occur: a plain scalar here starts with a
// letter, "_", "/" or "(").
var yamlWords = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true, "true": true, "false": true, "null": true}

// scalarString writes a string plain when that reads back as the same
// string, double-quoted otherwise.
func scalarString(s string) string {
	if plain(s) {
		return s
	}
	return quote(s)
}

// plain reports whether s can be written as a plain scalar: it starts with a
// letter, "_", "/" or "(", holds only letters, digits and _./()@=+ ,:'-, does
// not end in a blank or ":", contains no ": " or " #", and is not a YAML word.
func plain(s string) bool {
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
	return len(s) > 5 || !yamlWords[strings.ToLower(s)]
}

// quote is a YAML double-quoted scalar: JSON's escaping, plus \u escapes for
// the characters YAML does not allow raw (DEL, the C1 controls, U+FFFE/FFFF),
// which JSON leaves alone.
func quote(s string) string {
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

func scalarText(v any) string {
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
