package report

import (
	"strings"
	"testing"
)

// hostile is user text that would be interpreted if copied raw: an HTML tag,
// a link, a table pipe, a code span, emphasis and a right-to-left override.
const hostile = "<script>alert(1)</script> [x](http://evil) a|b `id` *bold* \u202eevil"

func TestText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"hostile", hostile, `&lt;script>alert(1)&lt;/script> [x\](http://evil) a|b \` + "`id\\`" + ` \*bold\* \u202eevil`},
		{"plain text is unchanged", "frontend places orders (v2): retries=3, 50% of traffic -> payments; see ADR-0042 & the runbook's step_two [2]",
			"frontend places orders (v2): retries=3, 50% of traffic -> payments; see ADR-0042 & the runbook's step_two [2]"},
		{"names and peers are unchanged", "shop/{app.kubernetes.io/name=frontend} 203.0.113.0/24 except 203.0.113.7/32 grpc/TCP",
			"shop/{app.kubernetes.io/name=frontend} 203.0.113.0/24 except 203.0.113.7/32 grpc/TCP"},
		{"underscore emphasis, not inside a word", "_a_ __b__ snake_case x_ _y", `\_a\_ \_\_b\_\_ snake_case x\_ \_y`},
		{"an image, an autolink, raw HTML", "![i](http://evil/x.png) <http://evil> <img src=x onerror=alert(1)>",
			`![i\](http://evil/x.png) &lt;http://evil> &lt;img src=x onerror=alert(1)>`},
		{"entity and character references", "&lt; &#x202e; &#60; &amp R&D", "&amp;lt; &amp;#x202e; &amp;#60; &amp R&D"},
		{"strikethrough, math, backslashes", `~~s~~ $x$ a\b \*`, `\~\~s\~\~ \$x\$ a\\b \\\*`},
		{"line breaks and tabs become spaces", "a\nb\r\nc\td", "a b  c d"},
		{"C0 and C1 controls", "a\x00b\x1b[31mc\u0085d\x7f", `a\u0000b\u001b[31mc\u0085d\u007f`},
		{"bidirectional controls", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
			`\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c`},
	} {
		if got := text(c.in); got != c.want {
			t.Errorf("%s: text(%q)\n got  %s\n want %s", c.name, c.in, got, c.want)
		}
	}
}

func TestCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"get pods (core)", "`get pods (core)`"},
		{"<b>*x*</b>", "`<b>*x*</b>`"},
		{"a`b", "``a`b``"},
		{"`a``", "``` `a`` ```"},
		{" x", "`  x `"},
		{"a\u202eb\nc", "`a\\u202eb c`"},
	} {
		if got := code(c.in); got != c.want {
			t.Errorf("code(%q)\n got  %s\n want %s", c.in, got, c.want)
		}
	}
}

func TestRow(t *testing.T) {
	for _, c := range []struct {
		name  string
		cells []string
		want  string
	}{
		{"plain", []string{"a", "b"}, "| a | b |\n"},
		{"hostile text", []string{text(hostile)}, `| &lt;script>alert(1)&lt;/script> [x\](http://evil) a\|b \` + "`id\\`" + ` \*bold\* \u202eevil |` + "\n"},
		{"a pipe after a backslash in text", []string{text(`x\|y`)}, `| x\\\|y |` + "\n"},
		{"a pipe in a code span", []string{code("a|b")}, "| `a\\|b` |\n"},
		{"a pipe after a backslash in a code span", []string{code(`a\|b`)}, "| `a\\|b` |\n"},
	} {
		if got := row(c.cells...); got != c.want {
			t.Errorf("%s: row(%q)\n got  %s\n want %s", c.name, c.cells, got, c.want)
		}
	}
}

func TestFence(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"pods   []   [get]\n", "```"},
		{"a```b\n", "````"},
		{"``````\n", "```````"},
	} {
		if got := fence(c.in); got != c.want {
			t.Errorf("fence(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// FuzzEscapeFastPaths checks that the shortcuts text, visible, row and
// longestBacktickRun take for plain strings give what the full walks give.
func FuzzEscapeFastPaths(f *testing.F) {
	for _, s := range []string{"", "shop/web", "app.kubernetes.io/name=web", "a_b", "x|y", "a`b", "<b>", "&amp;",
		"ADR-0042: retries, 3.5s", "tab\there", "\u202e", "é", "~", "[x](y)", "$x", "back\\slash", "\x7f", "a]b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if inertText(s) && escapeText(s) != s {
			t.Errorf("inertText(%q) but the walk writes %q", s, escapeText(s))
		}
		if printableASCII(s) && strings.ContainsFunc(s, needsVisible) {
			t.Errorf("printableASCII(%q) but it holds a character visible escapes", s)
		}
		var b strings.Builder
		writeCell(&b, s)
		if got, want := row(s), "| "+b.String()+" |\n"; got != want {
			t.Errorf("row(%q) = %q, the walk writes %q", s, got, want)
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
		if got := longestBacktickRun(s); got != longest {
			t.Errorf("longestBacktickRun(%q) = %d, want %d", s, got, longest)
		}
	})
}
