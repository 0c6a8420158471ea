package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The report is Markdown that people open in a browser (GitHub, GitLab, an
// IDE preview), and most of what it prints came from the user: names,
// labels, peers, hostnames, reasons, ADRs, RBAC rules. Every such string
// enters the report through text (prose and table cells) or code (inline
// code spans), or, for the RBAC review's preformatted table, through
// visible before rbac.Table and inside fence; every table row is written by
// row. Together they keep user text inert:
//
//   - visible writes a C0 or C1 control character (other than tab, CR and
//     LF, which become a space, as a line break would end the table row or
//     list item) or a bidirectional control (Unicode Bidi_Control:
//     U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as the
//     escape \uXXXX, so no such character is ever emitted raw;
//   - text also backslash-escapes what Markdown would interpret inline:
//     \ ` * ~ $ (GitHub math), "_" unless it stands between two letters or
//     digits (where CommonMark never reads it as emphasis), and "]" before
//     "(" (an inline link or image); it writes "<" as &lt; (no HTML tag or
//     autolink) and "&" as &amp; where it would start an entity reference.
//     Nothing else is escaped, so plain text ("ADR-0042: retries, 3.5s")
//     stays as written. The report never places "(" right after user text,
//     so a "]" at the end of one cannot start a link;
//   - code wraps text in a code span whose backtick fence is longer than any
//     run of backticks inside, where nothing else is interpreted;
//   - row escapes "|" so that it is always preceded by an odd number of
//     backslashes: GitHub's table parser then never splits a cell there,
//     whether the pipe is in text or inside a code span.

// visible escapes control and bidirectional-control characters as \uXXXX and
// turns tabs and line breaks into spaces.
func visible(s string) string {
	if printableASCII(s) || !strings.ContainsFunc(s, needsVisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		writeVisible(&b, r)
	}
	return b.String()
}

func needsVisible(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }

func writeVisible(b *strings.Builder, r rune) {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		b.WriteByte(' ')
	case needsVisible(r):
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		b.WriteRune(r)
	}
}

// text escapes user text for Markdown prose and table cells.
//
// Example: text("see [ADR](http://x) <b>now</b>") is
// `see [ADR\](http://x) &lt;b>now&lt;/b>`.
func text(s string) string {
	if inertText(s) {
		return s
	}
	return escapeText(s)
}

// escapeText is text's rune-by-rune walk.
func escapeText(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch r {
		case '\\', '`', '*', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '_':
			if i > 0 && i < len(rs)-1 && isWordRune(rs[i-1]) && isWordRune(rs[i+1]) {
				b.WriteByte('_')
			} else {
				b.WriteString(`\_`)
			}
		case ']':
			if i < len(rs)-1 && rs[i+1] == '(' {
				b.WriteString(`\]`)
			} else {
				b.WriteByte(']')
			}
		case '<':
			b.WriteString("&lt;")
		case '&':
			if startsEntity(rs[i+1:]) {
				b.WriteString("&amp;")
			} else {
				b.WriteByte('&')
			}
		default:
			writeVisible(&b, r)
		}
	}
	return b.String()
}

// printableASCII reports whether s is printable ASCII (space to "~"), which
// visible leaves as it is.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// inertText reports whether text leaves s as it is because it holds only
// printable ASCII that Markdown never interprets: the common case of names,
// labels and ports, which then skip the rune-by-rune walk.
func inertText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < ' ' || c > '~':
			return false
		case c == '\\' || c == '`' || c == '*' || c == '~' || c == '$' || c == '_' || c == ']' || c == '<' || c == '&':
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// startsEntity reports whether the text after a "&" makes it an HTML entity
// or numeric character reference: "amp;", "#60;", "#x3c;".
func startsEntity(rs []rune) bool {
	n := 0
	for n < len(rs) && n < 40 && (rs[n] == '#' && n == 0 || rs[n] < unicode.MaxASCII && isWordRune(rs[n])) {
		n++
	}
	return n > 0 && n < len(rs) && rs[n] == ';'
}

// code renders user text as an inline code span.
//
// Example: code("get pods") is "`get pods`"; code("a`b") is fenced by two
// backticks instead of one.
func code(s string) string {
	s = visible(s)
	fence := strings.Repeat("`", longestBacktickRun(s)+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		// CommonMark strips one space at each end: pad so the text survives.
		s = " " + s + " "
	}
	return fence + s + fence
}

// fence is the opening and closing line of a fenced code block holding
// content: backticks, one more than the longest run inside, at least three.
func fence(content string) string {
	return strings.Repeat("`", max(3, longestBacktickRun(content)+1))
}

func longestBacktickRun(s string) int {
	if !strings.Contains(s, "`") {
		return 0
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// row writes one table row from cells already escaped by text or code.
//
// Example: row("a", text("x|y")) is "| a | x\|y |\n".
func row(cells ...string) string {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cells {
		b.WriteByte(' ')
		if strings.Contains(c, "|") || !utf8.ValidString(c) {
			writeCell(&b, c)
		} else {
			b.WriteString(c)
		}
		b.WriteString(" |")
	}
	b.WriteByte('\n')
	return b.String()
}

// writeCell is row's walk over one cell: each "|" escaped unless an odd
// run of backslashes already escapes it, invalid UTF-8 as U+FFFD.
func writeCell(b *strings.Builder, c string) {
	slashes := 0
	for _, r := range c {
		if r == '|' && slashes%2 == 0 {
			b.WriteByte('\\')
		}
		if r == '\\' {
			slashes++
		} else {
			slashes = 0
		}
		b.WriteRune(r)
	}
}
