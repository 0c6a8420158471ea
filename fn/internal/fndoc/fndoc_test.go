package fndoc

import (
	"strings"
	"testing"
)

const readme = "# f\n\n<!--mdtogo:Short-->\n\nDoes `one` thing.\n\n<!--mdtogo-->\n\n" +
	"<!--mdtogo:Long-->\n\n## Usage\n\nSee [the docs](docs/x.md).\n\n```yaml\nkey: `v`\n```\n<!-- BEGIN GENERATED -->\nline\n<!-- END GENERATED -->\n<!--mdtogo-->\n\n" +
	"Not in the help.\n\n<!--mdtogo:Examples-->\n```shell\nkpt fn eval\n```\n<!--mdtogo-->\n"

func TestParse(t *testing.T) {
	doc, err := Parse(readme)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Short != "Does one thing." {
		t.Errorf("Short = %q", doc.Short)
	}
	if want := "Usage:\n\nSee the docs.\n\n  key: `v`\nline\n"; doc.Long != want {
		t.Errorf("Long = %q, want %q (heading as Title:, link text only, code indented with its backquotes, comments dropped)", doc.Long, want)
	}
	if doc.Examples != "  kpt fn eval\n" {
		t.Errorf("Examples = %q", doc.Examples)
	}
	if s := doc.String(); strings.Contains(s, "Not in the help") || !strings.HasPrefix(s, "Does one thing.\n\nUsage:") || !strings.Contains(s, "Examples:\n\n  kpt fn eval") {
		t.Errorf("String() =\n%s", s)
	}
}

func TestParseRefusesMissingOrRepeatedSections(t *testing.T) {
	for name, md := range map[string]string{
		"no Short":       strings.Replace(readme, "<!--mdtogo:Short-->", "", 1),
		"empty Long":     "<!--mdtogo:Short-->x<!--mdtogo--><!--mdtogo:Long-->\n \n<!--mdtogo--><!--mdtogo:Examples-->e<!--mdtogo-->",
		"no Examples":    strings.Replace(readme, "<!--mdtogo:Examples-->", "", 1),
		"Short repeated": readme + "<!--mdtogo:Short-->again<!--mdtogo-->",
	} {
		if _, err := Parse(md); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}
