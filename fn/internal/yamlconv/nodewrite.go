package yamlconv

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// AppendDocument appends to b what kyaml's yaml.NewEncoder writes for one
// document whose root is n (Encode of a DocumentNode holding n, then Close):
// the node's text and a final line break, no "---" and no "...". That encoder
// is go.yaml.in/yaml/v3's with two-space indentation, compact sequences
// ("key:\n- a", the dash at the key's column) and no line width (nothing is
// ever folded or wrapped).
//
// It returns b unchanged and false, having written nothing, when n holds
// anything it does not reproduce byte for byte: comments, anchors and
// aliases, tags the encoder would print (TaggedStyle, or a tag the value does
// not resolve to, other than !!str), folded scalars, invalid UTF-8 (written
// as !!binary), keys that are not one-line scalars of at most 128 bytes,
// merge keys, scalars a break other than "\n" would spread over lines in
// single-quoted or literal style, a byte order mark at the start of a
// double-quoted scalar, document nodes and zero nodes. The caller then
// encodes n with yaml.v3 as before. Everything else (block and flow
// collections, empty ones, plain, single- and double-quoted and literal
// scalars, and yaml.v3's choice among them) follows yaml.v3's encoder and
// emitter (encode.go's node and emitterc.go), checked by
// TestAppendMatchesEncoder and FuzzNodeWriter.
func AppendDocument(b []byte, n *yaml.Node) ([]byte, bool) {
	w := nodeWriter{b: b, whitespace: true, indention: true}
	if !w.node(n, -1, false, false, false) {
		return b, false
	}
	w.writeIndent(0)
	return w.b, true
}

// AppendSeqItem is AppendDocument for a block sequence whose one element is
// n: how an item stands under items: in a ResourceList ("- apiVersion: v1\n
// kind: ...").
func AppendSeqItem(b []byte, n *yaml.Node) ([]byte, bool) {
	w := nodeWriter{b: b, whitespace: true, indention: true}
	// The root sequence's indentation is 0: its dash at column 0.
	w.writeIndent(0)
	w.writeIndicator("-", true, false, true)
	if !w.node(n, 0, true, false, false) {
		return b, false
	}
	w.writeIndent(0)
	return w.b, true
}

// nodeWriter is the part of yaml.v3's emitter state that decides what is
// written for the nodes AppendDocument takes. column counts bytes, where the
// emitter counts characters: it only ever compares the column with an
// indentation while indention holds (the line so far is indentation and "- "
// indicators, all ASCII), so the two agree wherever it matters.
type nodeWriter struct {
	b          []byte
	column     int
	whitespace bool // the last character written is whitespace (or nothing)
	indention  bool // the line so far is indentation (and indicators)
	flow       int  // the flow level: inside how many flow collections
}

// increaseIndent is yaml_emitter_increase_indent_compact with best_indent 2:
// the indentation of a node's content from its parent's. inSeq says the
// parent is a block sequence item; compact, a block sequence that is a
// mapping's value (its dashes at the key's column).
func increaseIndent(indent int, flow, inSeq, compact bool) int {
	if indent < 0 {
		if flow {
			return 2
		}
		return 0
	}
	if inSeq {
		return indent + 2
	}
	r := 2 * ((indent + 2) / 2)
	if compact {
		r -= 2
	}
	return r
}

func (w *nodeWriter) putBreak() {
	w.b = append(w.b, '\n')
	w.column = 0
	w.indention = true
}

func (w *nodeWriter) writeIndent(indent int) {
	if indent < 0 {
		indent = 0
	}
	if !w.indention || w.column > indent || (w.column == indent && !w.whitespace) {
		w.putBreak()
	}
	for w.column < indent {
		w.b = append(w.b, ' ')
		w.column++
	}
	w.whitespace = true
}

func (w *nodeWriter) writeIndicator(s string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !w.whitespace {
		w.b = append(w.b, ' ')
		w.column++
	}
	w.b = append(w.b, s...)
	w.column += len(s)
	w.whitespace = isWhitespace
	w.indention = w.indention && isIndention
}

// plainNode: n carries none of what is declined for every kind of node.
func plainNode(n *yaml.Node) bool {
	return n.Anchor == "" && n.HeadComment == "" && n.LineComment == "" && n.FootComment == "" && n.Style&yaml.TaggedStyle == 0
}

// node writes n. indent is the emitter's indentation when n starts; inSeq
// says n is a block sequence's item; inMap, a mapping's key or value; key, a
// mapping's (simple) key.
func (w *nodeWriter) node(n *yaml.Node, indent int, inSeq, inMap, key bool) bool {
	if n == nil || !plainNode(n) || key && n.Kind != yaml.ScalarNode {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return w.scalar(n, indent, inSeq, key)
	case yaml.MappingNode:
		if n.Tag != "" && shortTag(n.Tag) != "!!map" || len(n.Content)%2 != 0 {
			return false
		}
		if len(n.Content) == 0 {
			w.writeIndicator("{", true, true, false)
			w.writeIndicator("}", false, false, false)
			return true
		}
		if w.flow > 0 || n.Style&yaml.FlowStyle != 0 {
			return w.flowMapping(n)
		}
		return w.blockMapping(n, indent, inSeq)
	case yaml.SequenceNode:
		if n.Tag != "" && shortTag(n.Tag) != "!!seq" {
			return false
		}
		if len(n.Content) == 0 {
			w.writeIndicator("[", true, true, false)
			w.writeIndicator("]", false, false, false)
			return true
		}
		if w.flow > 0 || n.Style&yaml.FlowStyle != 0 {
			return w.flowSequence(n)
		}
		return w.blockSequence(n, indent, inSeq, inMap)
	}
	return false
}

func (w *nodeWriter) blockMapping(n *yaml.Node, indent int, inSeq bool) bool {
	m := increaseIndent(indent, false, inSeq, false)
	for i := 0; i+1 < len(n.Content); i += 2 {
		w.writeIndent(m)
		if !w.node(n.Content[i], m, false, true, true) {
			return false
		}
		w.writeIndicator(":", false, false, false)
		if !w.node(n.Content[i+1], m, false, true, false) {
			return false
		}
	}
	return true
}

func (w *nodeWriter) blockSequence(n *yaml.Node, indent int, inSeq, inMap bool) bool {
	compact := inMap && (w.column == 0 || !w.indention)
	d := increaseIndent(indent, false, inSeq, compact)
	for _, c := range n.Content {
		w.writeIndent(d)
		w.writeIndicator("-", true, false, true)
		if !w.node(c, d, true, false, false) {
			return false
		}
	}
	return true
}

// flowMapping and flowSequence write "{k: v, k: v}" and "[a, b]": without a
// line width and with no line breaks in their scalars (double-quoted ones
// escape them, the others are declined), the indentation never shows.
func (w *nodeWriter) flowMapping(n *yaml.Node) bool {
	w.writeIndicator("{", true, true, false)
	w.flow++
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 {
			w.writeIndicator(",", false, false, false)
		}
		if !w.node(n.Content[i], 0, false, true, true) {
			return false
		}
		w.writeIndicator(":", false, false, false)
		if !w.node(n.Content[i+1], 0, false, true, false) {
			return false
		}
	}
	w.flow--
	w.writeIndicator("}", false, false, false)
	return true
}

func (w *nodeWriter) flowSequence(n *yaml.Node) bool {
	w.writeIndicator("[", true, true, false)
	w.flow++
	for i, c := range n.Content {
		if i > 0 {
			w.writeIndicator(",", false, false, false)
		}
		if !w.node(c, 0, false, false, false) {
			return false
		}
	}
	w.flow--
	w.writeIndicator("]", false, false, false)
	return true
}

const (
	stylePlain = iota
	styleSingle
	styleDouble
	styleLiteral
)

// scalar is encode.go's node for a ScalarNode (the tag, and the style asked
// for) followed by the emitter's yaml_emitter_select_scalar_style and its
// writers.
func (w *nodeWriter) scalar(n *yaml.Node, indent int, inSeq, key bool) bool {
	v := n.Value
	forceQuoting := false
	if n.Tag != "" {
		stag := shortTag(n.Tag)
		if stag == "!!str" && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			// the tag is dropped
		} else if rtag := resolveTag(v); rtag == stag {
			// the tag is dropped
		} else if stag == "!!str" {
			forceQuoting = true
		} else {
			return false // the tag would be written
		}
	}
	var style int
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		style = styleDouble
	case n.Style&yaml.SingleQuotedStyle != 0:
		style = styleSingle
	case n.Style&yaml.LiteralStyle != 0:
		style = styleLiteral
	case n.Style&yaml.FoldedStyle != 0:
		return false
	case strings.Contains(v, "\n"):
		style = styleLiteral
	case forceQuoting:
		style = styleDouble
	default:
		style = stylePlain
	}
	a := analyzeScalar(v)
	if a.invalid {
		return false // not UTF-8: written as !!binary
	}
	// Keys are written "key:" (yaml_emitter_check_simple_key) when on one
	// line and at most 128 bytes long, else as "? key"; merge keys are left
	// to yaml.v3 too.
	if key && (a.multiline || len(v) > 128 || v == "<<") {
		return false
	}
	if style == stylePlain {
		if w.flow > 0 && !a.flowPlain || w.flow == 0 && !a.blockPlain {
			style = styleSingle
		}
		if v == "" && (w.flow > 0 || key) {
			style = styleSingle
		}
	}
	if style == styleSingle && !a.singleQuoted {
		style = styleDouble
	}
	if style == styleLiteral && (!a.block || w.flow > 0 || key) {
		style = styleDouble
	}
	switch style {
	case stylePlain:
		if v != "" && !w.whitespace {
			w.b = append(w.b, ' ')
			w.column++
		}
		w.b = append(w.b, v...)
		w.column += len(v)
		if v != "" {
			w.whitespace = false
		}
		w.indention = false
	case styleSingle:
		if a.multiline {
			return false
		}
		w.writeIndicator("'", true, false, false)
		for i := 0; i < len(v); i++ {
			if v[i] == '\'' {
				w.b = append(w.b, '\'')
			}
			w.b = append(w.b, v[i])
		}
		w.column += len(v)
		w.writeIndicator("'", false, false, false)
		w.whitespace = false
		w.indention = false
	case styleDouble:
		if strings.HasPrefix(v, "\ufeff") {
			return false // the emitter escapes every character of such a scalar
		}
		w.writeIndicator(`"`, true, false, false)
		w.doubleQuoted(v)
		w.writeIndicator(`"`, false, false, false)
		w.whitespace = false
		w.indention = false
	case styleLiteral:
		if a.otherBreaks {
			return false
		}
		w.literal(v, increaseIndent(indent, true, inSeq, false))
	}
	return true
}

const hexDigits = "0123456789ABCDEF"

// doubleQuoted is yaml_emitter_write_double_quoted_scalar without a line
// width: what is not printable, breaks, '"' and '\' escaped.
func (w *nodeWriter) doubleQuoted(v string) {
	start := len(w.b)
	for i := 0; i < len(v); {
		c := v[i]
		if c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' {
			w.b = append(w.b, c)
			i++
			continue
		}
		if c >= 0x80 && isPrintable(v, i) && !isBreak(v, i) {
			wd := width(c)
			w.b = append(w.b, v[i:i+wd]...)
			i += wd
			continue
		}
		r, wd := utf8.DecodeRuneInString(v[i:])
		i += wd
		w.b = append(w.b, '\\')
		switch r {
		case 0x00:
			w.b = append(w.b, '0')
		case 0x07:
			w.b = append(w.b, 'a')
		case 0x08:
			w.b = append(w.b, 'b')
		case 0x09:
			w.b = append(w.b, 't')
		case 0x0a:
			w.b = append(w.b, 'n')
		case 0x0b:
			w.b = append(w.b, 'v')
		case 0x0c:
			w.b = append(w.b, 'f')
		case 0x0d:
			w.b = append(w.b, 'r')
		case 0x1b:
			w.b = append(w.b, 'e')
		case '"':
			w.b = append(w.b, '"')
		case '\\':
			w.b = append(w.b, '\\')
		case 0x85:
			w.b = append(w.b, 'N')
		case 0xa0:
			w.b = append(w.b, '_')
		case 0x2028:
			w.b = append(w.b, 'L')
		case 0x2029:
			w.b = append(w.b, 'P')
		default:
			digits := 8
			switch {
			case r <= 0xff:
				w.b, digits = append(w.b, 'x'), 2
			case r <= 0xffff:
				w.b, digits = append(w.b, 'u'), 4
			default:
				w.b = append(w.b, 'U')
			}
			for k := (digits - 1) * 4; k >= 0; k -= 4 {
				w.b = append(w.b, hexDigits[(r>>uint(k))&0x0f])
			}
		}
	}
	w.column += len(w.b) - start
}

// literal is yaml_emitter_write_literal_scalar: " |", the indentation hint
// when the text starts with a blank or a break, the chomping indicator, and
// each line at indent (empty lines empty). Its only breaks are "\n".
func (w *nodeWriter) literal(v string, indent int) {
	w.writeIndicator("|", true, false, false)
	if v[0] == ' ' || v[0] == '\n' {
		w.writeIndicator("2", false, false, false)
	}
	// The chomping indicator: "-" when the text does not end in a break, "+"
	// when it ends in two (or is one), none for exactly one.
	last := len(v) - 1
	switch {
	case v[last] != '\n':
		w.writeIndicator("-", false, false, false)
	case last == 0 || v[last-1] == '\n':
		w.writeIndicator("+", false, false, false)
	}
	w.putBreak()
	w.whitespace = true
	breaks := true
	for i := 0; i < len(v); {
		if v[i] == '\n' {
			w.putBreak()
			i++
			breaks = true
			continue
		}
		if breaks {
			w.writeIndent(indent)
		}
		j := strings.IndexByte(v[i:], '\n')
		if j < 0 {
			j = len(v) - i
		}
		w.b = append(w.b, v[i:i+j]...)
		w.column += j
		i += j
		w.indention = false
		breaks = false
	}
}

// scalarInfo is what yaml_emitter_analyze_scalar finds (the emitter writes
// Unicode, so only the characters YAML cannot print are special).
type scalarInfo struct {
	multiline    bool // a line break
	flowPlain    bool // may be plain in a flow collection
	blockPlain   bool // may be plain in block context
	singleQuoted bool // may be single-quoted
	block        bool // may be a literal block
	otherBreaks  bool // a break other than "\n" (CR, NEL, LS, PS)
	invalid      bool // not UTF-8 (nothing else is set)
}

// ordinaryByte and ordinaryFirst are the bytes that set none of
// analyzeScalar's indicators and flags anywhere in a scalar and at its start:
// printable ASCII but ",?[]{}:#" (and the space at the start, and "&*!|>'\"%@`",
// "-" and "." of "---" and "...").
var ordinaryByte, ordinaryFirst [256]bool

func init() {
	for c := 0x20; c <= 0x7e; c++ {
		if strings.IndexByte(",?[]{}:#", byte(c)) < 0 {
			ordinaryByte[c] = true
			ordinaryFirst[c] = strings.IndexByte(" &*!|>'\"%@`-.", byte(c)) < 0
		}
	}
}

// ordinary: analyzeScalar finds nothing in v, which may be written in any
// style: printable ASCII without indicators, not starting or ending with a
// space.
func ordinary(v string) bool {
	if !ordinaryFirst[v[0]] || v[len(v)-1] == ' ' {
		return false
	}
	for i := 1; i < len(v); i++ {
		if !ordinaryByte[v[i]] {
			return false
		}
	}
	return true
}

func analyzeScalar(v string) (a scalarInfo) {
	if v == "" {
		return scalarInfo{blockPlain: true, singleQuoted: true}
	}
	if ordinary(v) {
		return scalarInfo{flowPlain: true, blockPlain: true, singleQuoted: true, block: true}
	}
	if !utf8.ValidString(v) {
		return scalarInfo{invalid: true}
	}
	var blockIndicators, flowIndicators, lineBreaks, special, tabs bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	var previousSpace, previousBreak bool
	if strings.HasPrefix(v, "---") || strings.HasPrefix(v, "...") {
		blockIndicators, flowIndicators = true, true
	}
	precededByWhitespace := true
	for i, wd := 0, 0; i < len(v); i += wd {
		c := v[i]
		wd = width(c)
		followedByWhitespace := i+wd >= len(v) || v[i+wd] == ' ' || v[i+wd] == '\t'
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				flowIndicators, blockIndicators = true, true
			case '?', ':':
				flowIndicators = true
				if followedByWhitespace {
					blockIndicators = true
				}
			case '-':
				if followedByWhitespace {
					flowIndicators, blockIndicators = true, true
				}
			}
		} else {
			switch c {
			case ',', '?', '[', ']', '{', '}':
				flowIndicators = true
			case ':':
				flowIndicators = true
				if followedByWhitespace {
					blockIndicators = true
				}
			case '#':
				if precededByWhitespace {
					flowIndicators, blockIndicators = true, true
				}
			}
		}
		if c == '\t' {
			tabs = true
		} else if !isPrintable(v, i) {
			special = true
		}
		switch {
		case c == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i+wd == len(v) {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		case isBreak(v, i):
			lineBreaks = true
			if c != '\n' {
				a.otherBreaks = true
			}
			if i == 0 {
				leadingBreak = true
			}
			if i+wd == len(v) {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = c == ' ' || c == '\t' || c == 0 || isBreak(v, i)
	}
	a.multiline = lineBreaks
	a.flowPlain, a.blockPlain, a.singleQuoted, a.block = true, true, true, true
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.flowPlain, a.blockPlain = false, false
	}
	if trailingSpace {
		a.block = false
	}
	if breakSpace {
		a.flowPlain, a.blockPlain, a.singleQuoted = false, false, false
	}
	if spaceBreak || tabs || special {
		a.flowPlain, a.blockPlain, a.singleQuoted = false, false, false
	}
	if spaceBreak || special {
		a.block = false
	}
	if lineBreaks {
		a.flowPlain, a.blockPlain = false, false
	}
	if flowIndicators {
		a.flowPlain = false
	}
	if blockIndicators {
		a.blockPlain = false
	}
	return a
}

// width, isPrintable and isBreak are yamlprivateh.go's, on valid UTF-8.
func width(b byte) int {
	switch {
	case b&0x80 == 0x00:
		return 1
	case b&0xe0 == 0xc0:
		return 2
	case b&0xf0 == 0xe0:
		return 3
	case b&0xf8 == 0xf0:
		return 4
	}
	return 1 // not reached on valid UTF-8
}

// isPrintable: #xA, #x20-#x7E, #xA0-#xD7FF and #xE000-#xFFFD except #xFEFF
// (not the characters beyond #xFFFF: the emitter escapes them).
func isPrintable(s string, i int) bool {
	b := s[i]
	switch {
	case b == 0x0a, b >= 0x20 && b <= 0x7e:
		return true
	case b == 0xc2:
		return s[i+1] >= 0xa0
	case b > 0xc2 && b < 0xed, b == 0xee:
		return true
	case b == 0xed:
		return s[i+1] < 0xa0
	case b == 0xef:
		return !(s[i+1] == 0xbb && s[i+2] == 0xbf) && !(s[i+1] == 0xbf && (s[i+2] == 0xbe || s[i+2] == 0xbf))
	}
	return false
}

// isBreak: CR, LF, NEL (#x85), LS (#x2028), PS (#x2029).
func isBreak(s string, i int) bool {
	switch s[i] {
	case '\r', '\n':
		return true
	case 0xc2:
		return s[i+1] == 0x85
	case 0xe2:
		return s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9)
	}
	return false
}

const longTagPrefix = "tag:yaml.org,2002:"

func shortTag(tag string) string {
	if strings.HasPrefix(tag, longTagPrefix) {
		return "!!" + tag[len(longTagPrefix):]
	}
	return tag
}

// resolveTag is the tag yaml.v3's resolve("", s) gives a plain scalar s
// (resolve.go): !!null, !!bool, !!int, !!float, !!timestamp, !!merge or !!str.
func resolveTag(s string) string {
	hint := byte('N')
	if s != "" {
		hint = resolveHint[s[0]]
	}
	if hint == 0 {
		return "!!str"
	}
	if len(s) <= 5 {
		if t, ok := resolveWords[s]; ok {
			return t
		}
	}
	switch hint {
	case '.':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return "!!float"
		}
	case 'D', 'S':
		if parseTimestamp(s) {
			return "!!timestamp"
		}
		plain := strings.ReplaceAll(s, "_", "")
		if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return "!!int"
		}
		if yamlStyleFloat.MatchString(plain) {
			if _, err := strconv.ParseFloat(plain, 64); err == nil {
				return "!!float"
			}
		}
		for _, b := range [...]struct {
			prefix string
			base   int
		}{{"0b", 2}, {"0o", 8}} {
			switch {
			case strings.HasPrefix(plain, b.prefix):
				if _, err := strconv.ParseInt(plain[2:], b.base, 64); err == nil {
					return "!!int"
				}
				if _, err := strconv.ParseUint(plain[2:], b.base, 64); err == nil {
					return "!!int"
				}
			case strings.HasPrefix(plain, "-"+b.prefix):
				if _, err := strconv.ParseInt("-"+plain[3:], b.base, 64); err == nil {
					return "!!int"
				}
			}
		}
	}
	return "!!str"
}

// resolveHint is resolve.go's resolveTable: what a plain scalar's first byte
// says it may be ('S' sign, 'D' digit, '.' float, 'M' a word, 0 a string).
var resolveHint = func() (t [256]byte) {
	t['+'], t['-'], t['.'] = 'S', 'S', '.'
	for c := '0'; c <= '9'; c++ {
		t[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~" {
		t[c] = 'M'
	}
	return t
}()

var resolveWords = map[string]string{
	"true": "!!bool", "True": "!!bool", "TRUE": "!!bool",
	"false": "!!bool", "False": "!!bool", "FALSE": "!!bool",
	"": "!!null", "~": "!!null", "null": "!!null", "Null": "!!null", "NULL": "!!null",
	".nan": "!!float", ".NaN": "!!float", ".NAN": "!!float",
	".inf": "!!float", ".Inf": "!!float", ".INF": "!!float",
	"+.inf": "!!float", "+.Inf": "!!float", "+.INF": "!!float",
	"-.inf": "!!float", "-.Inf": "!!float", "-.INF": "!!float",
	"<<": "!!merge",
}

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// parseTimestamp is resolve.go's: four digits and "-", then one of its
// formats.
func parseTimestamp(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, format := range timestampFormats {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}
