package process

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// TestRunRefusesAliasBombs: the "billion laughs" document, as the
// functionConfig or as an item, is refused (exit 1, nothing on stdout, the
// object and the alias named) at the cost of reading the ResourceList: no
// more than 1 MiB allocated for an input that would expand to 490
// million nodes.
func TestRunRefusesAliasBombs(t *testing.T) {
	for _, tc := range []struct{ dir, want string }{
		{"error-input-alias-bomb-config", "NetworkIdentity/shop/cart spec.bomb.i[0]: functionConfig: YAML aliases expand the input by 490328964 nodes"},
		{"error-input-alias-bomb-item", "NetworkPolicy/shop/lol spec.i[0] (app/lol.yaml): items[1]: YAML aliases expand the input by 490328964 nodes"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			input, err := os.ReadFile("testdata/" + tc.dir + "/input.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if len(input) > 1500 {
				t.Fatalf("the input is %d bytes; the point is that it is small", len(input))
			}
			var stdout, stderr bytes.Buffer
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			code := Run(bytes.NewReader(input), &stdout, &stderr, Options{})
			runtime.ReadMemStats(&after)
			if code != 1 || stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, %d bytes on stdout, stderr:\n%s\nwant exit 1, nothing on stdout, %q", code, stdout.Len(), stderr.String(), tc.want)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("refusing the bomb allocated %d bytes; want under 1 MiB", n)
			}
		})
	}
}

// TestVerifyRefusesAliasBomb: `netid verify` reads any manifests, and is
// bounded the same way.
func TestVerifyRefusesAliasBomb(t *testing.T) {
	input, err := os.ReadFile("testdata/error-input-alias-bomb-item/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input)}
	items, err := rw.Read()
	if err != nil {
		t.Fatal(err)
	}
	v := Verify(items, nil)
	if !v.Failed() || len(v.Findings) != 1 || v.Findings[0].Field != "spec.i[0]" || !strings.Contains(v.Findings[0].Message, "YAML aliases expand the input") {
		t.Fatalf("Verify(bomb): failed %v, findings %v; want the bomb refused", v.Failed(), v.Findings)
	}
}
