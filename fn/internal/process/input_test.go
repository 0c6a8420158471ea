package process

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// TestRunRefusesAliasBombs: the "billion laughs" document, as the
// functionConfig or as an item, is refused (exit 1, no items on stdout, the
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
			if code != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit 1, %q", code, stderr.String(), tc.want)
			}
			checkRefusal(t, stdout.Bytes())
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

// TestRerunOutputWithoutDigests: the output of a netid that wrote no digests
// (every golden output, its netid.dev/digest lines removed) is recognised,
// object by object, as exactly what netid generates now, and renders again to
// the golden output.
func TestRerunOutputWithoutDigests(t *testing.T) {
	outputs, err := filepath.Glob("testdata/*/output.yaml")
	if err != nil {
		t.Fatal(err)
	}
	digest := regexp.MustCompile(`(?m)^ +netid\.dev/digest: .*\n`)
	checked := 0
	for _, path := range outputs {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		old := digest.ReplaceAll(want, nil)
		if bytes.Equal(old, want) {
			continue // a refusal, or validation only
		}
		checked++
		var stdout, stderr bytes.Buffer
		if code := Run(bytes.NewReader(old), &stdout, &stderr, Options{}); code != 0 {
			t.Errorf("%s without digests: exit %d\n%s", path, code, stderr.String())
			continue
		}
		if stdout.String() != string(want) {
			t.Errorf("%s without digests renders differently:\n%s", path, diff(string(want), stdout.String()))
		}
	}
	if checked < 10 {
		t.Fatalf("only %d golden outputs carry digests", checked)
	}
}
