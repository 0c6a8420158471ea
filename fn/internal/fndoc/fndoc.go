// Package fndoc reads the function's catalog README (fn/README.md) the way
// the kpt functions catalog does: the text between the markers
// <!--mdtogo:Short-->, <!--mdtogo:Long--> and <!--mdtogo:Examples--> (each
// closed by <!--mdtogo-->) is the short description, the reference and the
// examples that `netid --help`, and so `kpt fn doc`, prints.
//
// The README is the one source: the binary embeds it, so what the catalog
// page shows and what the image answers to --help cannot differ.
package fndoc

import (
	"fmt"
	"regexp"
	"strings"
)

// Doc is the three documented parts of a catalog README, as plain text.
type Doc struct {
	// Short is one sentence: what the function does.
	Short string
	// Long is the reference: how it runs and its config's fields.
	Long string
	// Examples are commands and configs to copy.
	Examples string
}

// section matches one marked part; the name is Short, Long or Examples.
var section = regexp.MustCompile(`(?s)<!--mdtogo:(Short|Long|Examples)-->(.*?)<!--mdtogo-->`)

// comment is an HTML comment on one line (generator markers and the like).
var comment = regexp.MustCompile(`<!--.*?-->`)

// link is a markdown link [text](target).
var link = regexp.MustCompile(`\[([^\]]+)\]\([^)]+\)`)

// Parse extracts the three parts from a README. Each must appear exactly
// once and be non-empty: a README without them would make `kpt fn doc`
// print nothing useful.
func Parse(readme string) (Doc, error) {
	parts := map[string]string{}
	for _, m := range section.FindAllStringSubmatch(readme, -1) {
		if _, dup := parts[m[1]]; dup {
			return Doc{}, fmt.Errorf("the README marks <!--mdtogo:%s--> twice", m[1])
		}
		parts[m[1]] = Text(m[2])
	}
	for _, name := range []string{"Short", "Long", "Examples"} {
		if strings.TrimSpace(parts[name]) == "" {
			return Doc{}, fmt.Errorf("the README has no <!--mdtogo:%s--> ... <!--mdtogo--> section with text", name)
		}
	}
	return Doc{Short: strings.TrimSpace(parts["Short"]), Long: parts["Long"], Examples: parts["Examples"]}, nil
}

// Text turns a markdown fragment into terminal text: code fences are dropped
// and their lines indented by two spaces, headings become "Title:" lines,
// HTML comments go, links keep their text and backquotes are removed outside
// code blocks. Leading and trailing blank lines are trimmed.
func Text(md string) string {
	var out []string
	code := false
	for _, line := range strings.Split(strings.Trim(md, "\n"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			code = !code
			continue
		}
		if code {
			out = append(out, "  "+line)
			continue
		}
		if strings.TrimSpace(comment.ReplaceAllString(line, "")) == "" && strings.Contains(line, "<!--") {
			continue
		}
		line = comment.ReplaceAllString(line, "")
		if h := strings.TrimLeft(line, "#"); h != line && strings.HasPrefix(h, " ") {
			line = strings.TrimSpace(h) + ":"
		}
		line = link.ReplaceAllString(line, "$1")
		line = strings.ReplaceAll(line, "`", "")
		out = append(out, line)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n") + "\n"
}

// String is the help text: the short description, the reference and the
// examples, in that order.
func (d Doc) String() string {
	return d.Short + "\n\n" + d.Long + "\nExamples:\n\n" + d.Examples
}
