package process

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// FuzzRun feeds arbitrary input to the function: it never panics, a refusal
// (exit 1) says why on stderr and writes on stdout a ResourceList that holds
// no items and an error result, and a render it accepts is accepted again,
// unchanged, when fed back.
func FuzzRun(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/*/input.yaml")
	for _, in := range inputs {
		if data, err := os.ReadFile(in); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		var out, stderr bytes.Buffer
		code := Run(bytes.NewReader(input), &out, &stderr, Options{})
		if code != 0 {
			if stderr.Len() == 0 {
				t.Fatalf("exit %d with nothing on stderr", code)
			}
			checkRefusal(t, out.Bytes())
			return
		}
		var again, stderr2 bytes.Buffer
		if code := Run(bytes.NewReader(out.Bytes()), &again, &stderr2, Options{}); code != 0 {
			t.Fatalf("own output refused (exit %d):\n%s", code, stderr2.String())
		}
		// Compared after one kyaml read and write each: kyaml itself does not
		// reproduce every comment placement byte for byte (a comment under a
		// null value gains or loses a blank line), whoever runs it.
		if a, b := normalized(t, out.Bytes()), normalized(t, again.Bytes()); a != b {
			t.Fatalf("not idempotent:\n%s", diff(a, b))
		}
	})
}

func normalized(t *testing.T, data []byte) string {
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: &buf, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if err := rw.Write(items); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
