package main

import (
	"runtime/debug"
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

// setGC raises the collector's target to gcPercent only when GOGC is unset:
// a user's GOGC (GOGC=off among them) wins.
func TestSetGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	if !setGC(func(string) (string, bool) { return "", false }) {
		t.Fatal("setGC without GOGC did not set the target")
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent without GOGC = %d, want %d", got, gcPercent)
	}
	if setGC(func(k string) (string, bool) { return "50", k == "GOGC" }) {
		t.Error("setGC overrode the user's GOGC")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent with GOGC set = %d, want it untouched (100)", got)
	}
}
