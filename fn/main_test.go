package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

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

// setGC starts with collection off under a memory limit of startHeap and
// sets gcPercent without a limit once a collection has run; a user's GOGC
// (GOGC=off among them) or GOMEMLIMIT wins.
func TestSetGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	if !setGC(func(string) (string, bool) { return "", false }) {
		t.Fatal("setGC without GOGC did not set the policy")
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GC percent before the first collection = %d, want off (-1)", got)
	}
	if got := debug.SetMemoryLimit(-1); got != startHeap {
		t.Errorf("memory limit before the first collection = %d, want %d", got, startHeap)
	}
	runtime.GC()
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) != math.MaxInt64 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent after a collection = %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit after a collection = %d, want none", got)
	}
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		if setGC(func(k string) (string, bool) { return "50", k == env }) {
			t.Errorf("setGC overrode the user's %s", env)
		}
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("GC percent with %s set = %d, want it untouched (100)", env, got)
		}
	}
}
