package load

import (
	"reflect"
	"strings"
	"testing"
)

// TestMemoAnswersAsValidation: a remembered answer is the validation's own,
// the first time and the next, for valid and invalid strings alike.
func TestMemoAnswersAsValidation(t *testing.T) {
	for fn, validate := range validations {
		for _, s := range []string{"", "app", "app.kubernetes.io/name", "a/b/c", "-x", "UPPER", "http", "toolongportname", "x_y", strings.Repeat("a", 64), "ns-1"} {
			for range 2 {
				if got, want := memo(fn, s), validate(s); !reflect.DeepEqual(got, want) {
					t.Errorf("validation %d of %q: remembered %q, want %q", fn, s, got, want)
				}
			}
		}
	}
}
