package load

import (
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// read parses a ResourceList (text: its items and functionConfig) the way
// the function does.
func read(t *testing.T, text string) ([]*yaml.RNode, *yaml.RNode) {
	t.Helper()
	rw := &kio.ByteReadWriter{Reader: strings.NewReader("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n" + text), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		t.Fatal(err)
	}
	return items, rw.FunctionConfig
}

// laughs is the "billion laughs" mapping, indented: nine lines of nine
// aliases of the line before.
func laughs(indent string) string {
	var b strings.Builder
	for i := range 9 {
		name := string(rune('a' + i))
		entry := `"x"`
		if i > 0 {
			entry = "*" + string(rune('a'+i-1))
		}
		fmt.Fprintf(&b, "%s%s: &%s [%s]\n", indent, name, name, strings.TrimSuffix(strings.Repeat(entry+",", 9), ","))
	}
	return b.String()
}

const cm = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c, namespace: shop}\n"

func TestScreen(t *testing.T) {
	tests := []struct {
		name   string
		input  string // a ResourceList
		strict bool
		// want is "object field file message-part" of each finding, in order;
		// none: the input passes.
		want []string
	}{
		{name: "an ordinary object", strict: true,
			input: "items:\n" + cm + "  data: {a: b}\n"},
		{name: "aliases within their object", strict: true,
			input: "items:\n" + cm + "  data: &d {a: b}\n  binaryData: *d\n"},
		{name: "billion laughs in an item", strict: true,
			input: "items:\n" + cm + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: lol\n    annotations: {internal.config.kubernetes.io/path: app/lol.yaml}\n  data:\n" + laughs("    "),
			want:  []string{"ConfigMap/lol data.i[0] app/lol.yaml items[1]: YAML aliases expand the input by 490328964 nodes,"}},
		{name: "billion laughs in the functionConfig", strict: true,
			input: "items:\n" + cm + "functionConfig:\n  apiVersion: netid.dev/v1alpha1\n  kind: NetworkIdentity\n  metadata: {name: cart}\n  spec:\n    bomb:\n" + laughs("      "),
			want:  []string{"NetworkIdentity/cart spec.bomb.i[0]  functionConfig: YAML aliases expand the input by"}},
		{name: "billion laughs in a file netid verify reads", strict: false,
			input: "items:\n- " + strings.TrimPrefix(laughs("  "), "  "),
			want:  []string{"/ i[0]  items[0]: YAML aliases expand the input by"}},
		{name: "an alias inside its anchor", strict: true,
			input: "items:\n" + cm + "  data: &d {a: [*d]}\n",
			want:  []string{"ConfigMap/shop/c data.a[0]  items[0]: alias *d refers to a node that contains it"}},
		{name: "an alias to another object's anchor", strict: true,
			input: "items:\n" + cm + "  data: &d {a: b}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: e, namespace: shop}\n  data: *d\n",
			want:  []string{"ConfigMap/shop/e data  items[1]: alias *d refers to an anchor outside this object"}},
		{name: "a key twice, deep in an item", strict: true,
			input: "items:\n" + cm + "  data: {a: b}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: cart, namespace: shop}\n  spec: {template: {spec: {containers: [{name: a, image: b, image: c}]}}}\n",
			want:  []string{`Deployment/shop/cart spec.template.spec.containers[0].image  items[1]: key "image" is given twice`}},
		{name: "metadata.namespace twice", strict: true,
			input: "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {namespace: shop, name: c, namespace: prod}\n",
			want:  []string{`ConfigMap/shop/c metadata.namespace  items[0]: key "namespace" is given twice`}},
		{name: "a key twice in the functionConfig", strict: true,
			input: "items: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data: {a: b, a: c}\n",
			want:  []string{`ConfigMap/c data.a  functionConfig: key "a" is given twice`}},
		{name: "a merge key", strict: true,
			input: "items:\n" + cm + "  data: &d {a: b}\n  binaryData: {<<: *d}\n",
			want:  []string{"ConfigMap/shop/c binaryData  items[0]: YAML merge keys (<<) are not supported"}},
		{name: "a scalar, a sequence and a null item", strict: true,
			input: "items:\n- just text\n- [a, b]\n- null\n",
			want: []string{"/   items[0] is a scalar, not an object", "/   items[1] is a sequence, not an object",
				"/   items[2] is a null, not an object"}},
		{name: "no apiVersion, kind or name", strict: true,
			input: "items:\n- kind: ConfigMap\n  metadata: {name: c, annotations: {config.kubernetes.io/path: app/c.yaml}}\n- apiVersion: v1\n  metadata: {name: d}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {namespace: shop}\n- apiVersion: v1\n  kind: ConfigMap\n",
			want: []string{"ConfigMap/c apiVersion app/c.yaml items[0] has no apiVersion", "/d kind  items[1] (d) has no kind",
				"ConfigMap/shop/ metadata.name  items[2] has no metadata.name", "ConfigMap/ metadata.name  items[3] has no metadata.name"}},
		{name: "netid verify: other YAML files may repeat keys and be lists", strict: false,
			input: "items:\n- {services: {a: 1, a: 2}}\n- [a, b]\n"},
		{name: "netid verify: objects may not repeat keys", strict: false,
			input: "items:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: 1, a: 2}}\n",
			want:  []string{`ConfigMap/c data.a  items[0]: key "a" is given twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, fc := read(t, tt.input)
			fs := Screen(items, fc, tt.strict)
			if len(fs) != len(tt.want) {
				t.Fatalf("got %d findings, want %d:\n%v", len(fs), len(tt.want), fs)
			}
			for i, f := range fs {
				got := fmt.Sprintf("%s %s %s %s", f.Object, f.Field, f.Object.File, f.Message)
				if !strings.HasPrefix(got, tt.want[i]) {
					t.Errorf("finding %d:\n got %s\nwant %s…", i, got, tt.want[i])
				}
			}
		})
	}
}

// TestScreenBudgetGrowsWithTheInput: an input may add by aliases as many
// nodes as it writes out, or MinAliasBudget if that is more.
func TestScreenBudgetGrowsWithTheInput(t *testing.T) {
	// an object writing out n scalars, then aliasing a 99-scalar list k times
	input := func(n, k int) string {
		return "items:\n" + cm + "  data: {}\n  list: [" + strings.TrimSuffix(strings.Repeat("x,", n), ",") + "]\n" +
			"  anchored: &a [" + strings.TrimSuffix(strings.Repeat("y,", 99), ",") + "]\n" +
			"  aliases: [" + strings.TrimSuffix(strings.Repeat("*a,", k), ",") + "]\n"
	}
	for _, tc := range []struct {
		n, k int
		ok   bool
	}{
		{0, 1010, true},       // each alias adds 99 nodes (the list and its scalars, less itself): 99,990
		{0, 1011, false},      // 100,089
		{200_000, 2000, true}, // 198,000, within the 200,000-odd written out
		{200_000, 2100, false},
	} {
		items, fc := read(t, input(tc.n, tc.k))
		fs := Screen(items, fc, true)
		if fs.HasErrors() == tc.ok {
			t.Errorf("%d scalars written out, %d aliases: findings %v, want ok=%v", tc.n, tc.k, fs, tc.ok)
		}
	}
}
