package names

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestShorten(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		// keep: the input comes back unchanged
		keep bool
	}{
		{name: "short name kept", in: "checkoutservice", max: 63, keep: true},
		{name: "exactly the limit kept", in: strings.Repeat("a", 63), max: 63, keep: true},
		{name: "one over the limit shortened", in: strings.Repeat("a", 64), max: 63},
		{name: "long subdomain shortened to a label value", in: strings.Repeat("a", 200) + ".example", max: 63},
		{name: "a dot where the cut falls is dropped", in: strings.Repeat("a", 53) + "." + strings.Repeat("b", 100), max: 63},
		{name: "a hyphen where the cut falls is dropped", in: strings.Repeat("a", 53) + "-" + strings.Repeat("b", 100), max: 63},
		{name: "long name to 253", in: strings.Repeat("a.b-", 100) + "z", max: 253},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Shorten(tt.in, tt.max)
			if tt.keep {
				if got != tt.in {
					t.Fatalf("Shorten changed %q to %q", tt.in, got)
				}
				return
			}
			if len(got) > tt.max {
				t.Errorf("%d bytes, want at most %d: %q", len(got), tt.max, got)
			}
			if got == tt.in {
				t.Errorf("not shortened: %q", got)
			}
			if errs := validation.IsDNS1123Subdomain(got); len(errs) > 0 {
				t.Errorf("%q is not a DNS subdomain: %v", got, errs)
			}
			if tt.max == 63 {
				if errs := validation.IsValidLabelValue(got); len(errs) > 0 {
					t.Errorf("%q is not a label value: %v", got, errs)
				}
			}
			if again := Shorten(tt.in, tt.max); again != got {
				t.Errorf("not stable: %q then %q", got, again)
			}
		})
	}
}

func TestShortenKeepsLongInputsApart(t *testing.T) {
	prefix := strings.Repeat("a", 100)
	a, b := Shorten(prefix+"-one", 63), Shorten(prefix+"-two", 63)
	if a == b {
		t.Errorf("two inputs with the same first 54 bytes shortened to the same %q", a)
	}
}
