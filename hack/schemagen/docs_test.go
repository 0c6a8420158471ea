package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"netid.dev/netid/krm/v1alpha1"
)

// TestDocsCurrent: the field references in docs/config.md and fn/README.md
// are what Docs makes of the committed CRD. Like TestJSONSchemaCurrent it
// needs no tool; TestCRDCurrent covers the step from the Go types to the CRD.
func TestDocsCurrent(t *testing.T) {
	got, err := Docs(readRepo(t, CRDPath), readRepo(t, ClusterCRDPath), func(path string) ([]byte, error) {
		return os.ReadFile(filepath.Join(repoRoot, path))
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{ConfigDocPath, ReadmePath} {
		if !bytes.Equal(readRepo(t, path), got[path]) {
			t.Errorf("%s: the field reference is not current with %s: run `make schema` and review the diff", path, CRDPath)
		}
	}
}

func fieldsOfTheCRD(t *testing.T) map[string]Field {
	t.Helper()
	fields, err := Fields(readRepo(t, CRDPath))
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]Field{}
	for _, f := range fields {
		if _, dup := byPath[f.Path]; dup {
			t.Errorf("%s is listed twice", f.Path)
		}
		byPath[f.Path] = f
	}
	return byPath
}

// TestFieldsOfTheCRD spot-checks the reference against the Go types.
func TestFieldsOfTheCRD(t *testing.T) {
	byPath := fieldsOfTheCRD(t)
	for path, want := range map[string]Field{
		"spec.ingress[].reason":         {Type: "string", Required: true},
		"spec.ingress[].ports":          {Type: "[]port", Default: "all of its Service ports"},
		"spec.tier":                     {Type: "string", Enum: []string{"critical", "standard"}, Default: "standard"},
		"spec.identity.clusterRules":    {Type: "[]object"},
		"spec.dns.podLabels":            {Type: "map[string]string", Default: "{k8s-app: kube-dns}"},
		"spec.exposure.gateway.port":    {Type: "port", Required: true},
		"spec.podSecurity.version":      {Type: "string", Default: "latest", Pattern: `^(latest|v1\.(0|[1-9][0-9]*))$`},
		"spec.identity.rules[].verbs":   {Type: "[]string", Required: true},
		"spec.exposure.controller.name": {},
	} {
		got, ok := byPath[path]
		if path == "spec.exposure.controller.name" {
			if ok {
				t.Errorf("%s is listed, but Controller has no name", path)
			}
			continue
		}
		if !ok {
			t.Errorf("%s is not listed", path)
			continue
		}
		if got.Type != want.Type || got.Required != want.Required || got.Default != want.Default ||
			strings.Join(got.Enum, ",") != strings.Join(want.Enum, ",") || got.MaxItems != want.MaxItems || got.Pattern != want.Pattern {
			t.Errorf("%s: got %+v, want %+v", path, got, want)
		}
		if got.Description == "" || strings.Contains(got.Description, "Default:") {
			t.Errorf("%s: description %q is empty or still holds its Default sentence", path, got.Description)
		}
	}
	if d := byPath["spec.identity.clusterRules"].Description; !strings.Contains(d, fmt.Sprint(v1alpha1.MaxClusterRules)) {
		t.Errorf("spec.identity.clusterRules: the description %q does not state the limit, %d", d, v1alpha1.MaxClusterRules)
	}
	if _, ok := byPath["spec.ingress[].ports[].port"]; ok {
		t.Error("a port's port and protocol are listed as fields; a port is one field (name, number or {port, protocol})")
	}
}

// TestEveryDefaultIsDocumented: each field that v1alpha1's Default fills has
// a "Default:" sentence in its doc comment, so the reference's Default
// column cannot miss one.
func TestEveryDefaultIsDocumented(t *testing.T) {
	byPath := fieldsOfTheCRD(t)
	bare := func() *v1alpha1.NetworkIdentity {
		n := &v1alpha1.NetworkIdentity{Spec: v1alpha1.Spec{
			Registry: &v1alpha1.Registry{},
			Mesh:     &v1alpha1.Mesh{Provider: v1alpha1.MeshIstio},
			Exposure: &v1alpha1.Exposure{Gateway: &v1alpha1.GatewayExposure{}, Ingress: &v1alpha1.IngressExposure{}},
		}}
		n.Name = "checkoutservice"
		return n
	}
	before, after := bare(), bare()
	after.Default()
	var filled []string
	diffPaths("", toMap(t, before), toMap(t, after), &filled)
	if len(filled) < 10 {
		t.Fatalf("Default filled only %v; the test does not see the defaults", filled)
	}
	for _, p := range filled {
		if !strings.HasPrefix(p, "spec.") {
			continue
		}
		f, ok := byPath[p]
		for !ok && strings.Contains(p, ".") { // a key inside a defaulted map
			p = p[:strings.LastIndex(p, ".")]
			f, ok = byPath[p]
		}
		if f.Default == "" {
			t.Errorf("Default fills %s, but its doc comment has no \"Default: ...\" sentence", p)
		}
	}
}

func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// diffPaths appends the dotted paths of the leaves of b that a lacks or has
// with another value.
func diffPaths(prefix string, a, b map[string]any, out *[]string) {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := strings.TrimPrefix(prefix+"."+k, ".")
		bm, isMap := b[k].(map[string]any)
		if isMap {
			am, _ := a[k].(map[string]any)
			diffPaths(p, am, bm, out)
			continue
		}
		if av, ok := a[k]; !ok || !jsonEqual(av, b[k]) {
			*out = append(*out, p)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestSplitDefault(t *testing.T) {
	for _, c := range []struct{ in, rest, def string }{
		{"Tier is the tier.\nDefault: standard.", "Tier is the tier.", "standard"},
		{"Ports are ports. Default: all of its Service ports. Example: [grpc].", "Ports are ports. Example: [grpc].", "all of its Service ports"},
		{"No default here (default: lower case is prose).", "No default here (default: lower case is prose).", ""},
	} {
		rest, def := splitDefault(c.in)
		if rest != c.rest || def != c.def {
			t.Errorf("splitDefault(%q) = %q, %q; want %q, %q", c.in, rest, def, c.rest, c.def)
		}
	}
}

func TestSplice(t *testing.T) {
	doc := "intro\n" + BeginGenerated + " (x) -->\nold\n" + EndGenerated + "\nafter\n"
	got, err := Splice([]byte(doc), "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n" + BeginGenerated + " (x) -->\nnew\n" + EndGenerated + "\nafter\n"; string(got) != want {
		t.Errorf("Splice = %q, want %q", got, want)
	}
	for _, bad := range []string{"no markers\n", BeginGenerated + " -->\nno end\n", EndGenerated + "\n" + BeginGenerated} {
		if _, err := Splice([]byte(bad), "x"); err == nil {
			t.Errorf("Splice(%q) accepted a document without both markers", bad)
		}
	}
}
