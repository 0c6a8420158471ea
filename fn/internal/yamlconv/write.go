package yamlconv

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
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
	iw := itemWriters.Get().(*itemWriter)
	iw.b = iw.b[:0]
	iw.writeMap(m, 2, true, 0)
	_, err := w.Write(iw.b)
	if cap(iw.b) <= maxPooledItem {
		itemWriters.Put(iw)
	}
	return err
}

// itemWriter appends an item to b; keys[d] is the scratch slice for the
// sorted keys of a mapping at depth d.
type itemWriter struct {
	b    []byte
	keys [][]string
}

var itemWriters = sync.Pool{New: func() any { return &itemWriter{b: make([]byte, 0, 4096)} }}

// maxPooledItem is the largest buffer kept for the next item (the report
// can be far larger than any object).
const maxPooledItem = 1 << 20

// spaces are indentation, sliced.
const spaces = "                                                                "

func (iw *itemWriter) indent(n int) {
	for n > len(spaces) {
		iw.b = append(iw.b, spaces...)
		n -= len(spaces)
	}
	iw.b = append(iw.b, spaces[:n]...)
}

// writeMap writes a mapping whose keys start at column indent; the first
// line starts with "- " at indent-2 when dash is set (an element of a
// sequence), with the indentation otherwise.
func (iw *itemWriter) writeMap(m map[string]any, indent int, dash bool, depth int) {
	first := func() {
		if dash {
			iw.indent(indent - 2)
			iw.b = append(iw.b, "- "...)
		} else {
			iw.indent(indent)
		}
	}
	if len(m) == 0 {
		first()
		iw.b = append(iw.b, "{}\n"...)
		return
	}
	for len(iw.keys) <= depth {
		iw.keys = append(iw.keys, nil)
	}
	keys := iw.keys[depth][:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	iw.keys[depth] = keys
	for i, k := range keys {
		if i == 0 {
			first()
		} else {
			iw.indent(indent)
		}
		iw.b = appendScalarString(iw.b, k)
		iw.b = append(iw.b, ':')
		iw.writeValue(m[k], indent, depth)
	}
	clear(keys) // let the strings go
}

// writeValue writes the value of a key at column indent-2, after "key:".
func (iw *itemWriter) writeValue(v any, indent, depth int) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			iw.b = append(iw.b, " {}\n"...)
			return
		}
		iw.b = append(iw.b, '\n')
		iw.writeMap(x, indent+2, false, depth+1)
	case []any:
		if len(x) == 0 {
			iw.b = append(iw.b, " []\n"...)
			return
		}
		iw.b = append(iw.b, '\n')
		iw.writeSeq(x, indent, depth)
	case string:
		if strings.IndexByte(x, '\n') >= 0 && literalOK(x) {
			iw.writeLiteral(x, indent+2)
			return
		}
		iw.b = append(iw.b, ' ')
		iw.b = appendScalarString(iw.b, x)
		iw.b = append(iw.b, '\n')
	default:
		iw.b = append(iw.b, ' ')
		iw.b = appendScalarText(iw.b, v)
		iw.b = append(iw.b, '\n')
	}
}

// writeSeq writes a block sequence whose dashes stand at column indent.
func (iw *itemWriter) writeSeq(s []any, indent, depth int) {
	for _, e := range s {
		switch x := e.(type) {
		case map[string]any:
			iw.writeMap(x, indent+2, true, depth+1)
		case []any:
			iw.indent(indent)
			if len(x) == 0 {
				iw.b = append(iw.b, "- []\n"...)
				continue
			}
			iw.b = append(iw.b, "-\n"...)
			iw.writeSeq(x, indent+2, depth)
		case string:
			iw.indent(indent)
			if strings.IndexByte(x, '\n') >= 0 && literalOK(x) {
				iw.b = append(iw.b, '-')
				iw.writeLiteral(x, indent+2)
				continue
			}
			iw.b = append(iw.b, "- "...)
			iw.b = appendScalarString(iw.b, x)
			iw.b = append(iw.b, '\n')
		default:
			iw.indent(indent)
			iw.b = append(iw.b, "- "...)
			iw.b = appendScalarText(iw.b, e)
			iw.b = append(iw.b, '\n')
		}
	}
}

// writeLiteral writes " |" (with a chomping indicator) and the lines at indent.
func (iw *itemWriter) writeLiteral(s string, indent int) {
	chomp := "-"
	body := s
	if strings.HasSuffix(s, "\n") {
		chomp = ""
		body = strings.TrimSuffix(s, "\n")
		if strings.HasSuffix(body, "\n") {
			chomp = "+"
		}
	}
	iw.b = append(iw.b, " |"...)
	iw.b = append(iw.b, chomp...)
	iw.b = append(iw.b, '\n')
	for {
		line, rest, more := strings.Cut(body, "\n")
		if line != "" {
			iw.indent(indent)
			iw.b = append(iw.b, line...)
		}
		iw.b = append(iw.b, '\n')
		if !more {
			return
		}
		body = rest
	}
}

// literalOK: a literal block keeps the string exactly when no line carries
// trailing blanks or tabs, the first line does not start with a blank, and
// there are no control characters.
func literalOK(s string) bool {
	if strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") {
		return false
	}
	for i, r := range s {
		switch {
		case r == '\n':
		case r == ' ':
			if i+1 == len(s) || s[i+1] == '\n' {
				return false // a line ends in a blank
			}
		case r < 0x20 || r == 0x7f || r == 0xfeff:
			return false
		}
	}
	return true
}

// yamlWords are the plain scalars YAML 1.1 or 1.2 reads as booleans or null
// (numbers, dates and the like cannot occur: a plain scalar here starts with a
// letter, "_", "/" or "(").
var yamlWords = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true, "true": true, "false": true, "null": true}

// scalarString is a string plain when that reads back as the same
// string, double-quoted otherwise.
func scalarString(s string) string {
	if plain(s) {
		return s
	}
	return string(appendQuote(nil, s))
}

func appendScalarString(b []byte, s string) []byte {
	if plain(s) {
		return append(b, s...)
	}
	return appendQuote(b, s)
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

// appendQuote appends a YAML double-quoted scalar: JSON's escaping, plus \u
// escapes for the characters YAML does not allow raw (DEL, the C1 controls,
// U+FFFE/FFFF), which JSON leaves alone; invalid UTF-8 becomes U+FFFD.
func appendQuote(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff || r == 0xfffe || r == 0xffff || r == 0x2028 || r == 0x2029:
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

func appendScalarText(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.AppendInt(b, int64(x), 10)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	panic(fmt.Sprintf("yamlconv: unexpected %T", v))
}
