package main

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/fndoc"
)

// TestEmbeddedReadme: the README the binary embeds has the three sections
// that `netid --help` (and so kpt fn doc) prints, the field list among them.
func TestEmbeddedReadme(t *testing.T) {
	doc, err := fndoc.Parse(readme)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Long, "spec.ingress[].reason") {
		t.Error("the README's Long section lacks the generated field list (spec.ingress[].reason)")
	}
	if !strings.Contains(doc.Examples, "ghcr.io/netid-dev/netid:dev") {
		t.Error("the README's examples do not name the image")
	}
}
