package rules

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDocsCurrent keeps docs/rules.md equal to the registry's Markdown
// (UPDATE_GOLDEN=1 or `make docs` rewrites it).
func TestDocsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "..", "docs", "rules.md")
	want := Markdown()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make docs)", err)
	}
	if string(got) != want {
		t.Errorf("docs/rules.md is stale: run make docs")
	}
}
