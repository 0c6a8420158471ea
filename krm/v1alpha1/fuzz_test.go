package v1alpha1

import (
	"encoding/json"
	"testing"
)

// FuzzDecode: Decode never panics; it returns a config or errors, never both;
// and a config it returns survives a JSON round trip unchanged (as JSON), with
// Default and Validate safe to call on it.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: a, namespace: shop}\nspec: {}\n",
		"apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: a}\nspec:\n  ingress:\n  - from: {workload: b}\n    ports: [grpc, 80, {port: 443, protocol: UDP}]\n    reason: r\n",
		"apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: a}\nspec: {egress: [{to: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}, ports: [443], reason: r}]}\n",
		"spec: {tier: critical, tier: standard}\n",
		"{\"apiVersion\": \"netid.dev/v1alpha1\", \"kind\": \"NetworkIdentity\", \"spec\": {\"mode\": 3}}",
		"spec: {ingress: [{from: {workload: x}, ports: [443.5]}]}\n",
		": : :\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, errs := Decode(data)
		if (n == nil) == (len(errs) == 0) {
			t.Fatalf("Decode returned config=%v with %d errors", n != nil, len(errs))
		}
		if n == nil {
			for _, e := range errs {
				if e.Message == "" {
					t.Fatalf("an error without a message at %q", e.Path)
				}
			}
			return
		}
		js, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("a decoded config does not marshal: %v", err)
		}
		again, errs := Decode(js)
		if len(errs) > 0 {
			t.Fatalf("a decoded config does not decode again: %v\n%s", errs, js)
		}
		// Compared as JSON: an empty list given (egress: []) and one left
		// out decode to an empty and a nil slice, which mean the same.
		if a, b := mustJSON(t, n.Spec), mustJSON(t, again.Spec); a != b {
			t.Fatalf("JSON round trip changed the spec:\n%s\n%s", a, b)
		}
		n.Default()
		_ = n.Validate()
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
