package emit

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/build"
	"netid.dev/netid/fn/internal/yamlconv"
)

// policy is a NetworkPolicy as netid generates it, the ingress allow of cart
// on port 8080 when port is 8080.
func policy(t *testing.T, name string, port int32) *Generated {
	t.Helper()
	o := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: build.Meta(name, "shop", "cart"),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "cart"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		},
	}
	if port != 0 {
		tcp, target := corev1.ProtocolTCP, intstr.FromInt32(port)
		o.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &target}}}}
	}
	g, err := generated(o)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// written is g as netid writes it, read back as kpt or kustomize hands it to
// the next run; edit changes the text first.
func written(t *testing.T, g *Generated, edit func(string) string) *yaml.RNode {
	t.Helper()
	var b strings.Builder
	if err := yamlconv.WriteItem(&b, g.Map); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if edit != nil {
		text = edit(text)
	}
	items, err := (&kio.ByteReadWriter{Reader: strings.NewReader("kind: ResourceList\nitems:\n" + text), KeepReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	return items[0]
}

// replace is an edit of the written text; the text must hold old.
func replace(t *testing.T, old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("the written object does not hold %q:\n%s", old, s)
		}
		return strings.Replace(s, old, new, 1)
	}
}

func withoutDigest(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "netid.dev/digest:") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestPrevious(t *testing.T) {
	fresh := policy(t, "cart-ingress", 8080)
	tests := []struct {
		name     string
		previous *yaml.RNode
		// want is part of the finding's message, "" when the object is
		// recognised and dropped.
		want string
	}{
		{name: "as netid wrote it", previous: written(t, fresh, nil)},
		{name: "with the annotations kpt adds",
			previous: written(t, fresh, replace(t, "      netid.dev/digest:", "      config.kubernetes.io/path: netid-generated/shop/x.yaml\n      config.k8s.io/id: \"7\"\n      internal.config.kubernetes.io/seqindent: compact\n      netid.dev/digest:"))},
		{name: "written by an earlier run for a flow since removed", previous: written(t, policy(t, "cart-ingress-old", 9090), nil)},
		{name: "written by a version without digests, as netid generates it now", previous: written(t, fresh, withoutDigest)},
		{name: "a port changed by hand", previous: written(t, fresh, replace(t, "port: 8080", "port: 8081")),
			want: "does not match it: it was changed after netid wrote it"},
		{name: "a label added", previous: written(t, fresh, replace(t, "      app.kubernetes.io/managed-by: netid", "      app.kubernetes.io/managed-by: netid\n      team: shop")),
			want: "does not match it: it was changed after netid wrote it"},
		{name: "the digest changed", previous: written(t, fresh, replace(t, "sha256:", "sha256:0")),
			want: "does not match it: it was changed after netid wrote it"},
		{name: "a stale object from a version without digests", previous: written(t, policy(t, "cart-ingress-old", 9090), withoutDigest),
			want: "netid did not generate it"},
		{name: "without digest, not what netid generates now", previous: written(t, policy(t, "cart-ingress", 8081), withoutDigest),
			want: "netid did not generate it"},
		{name: "a user's object that copies the mark",
			previous: written(t, policy(t, "allow-all", 0), func(s string) string {
				return withoutDigest(replace(t, "    podSelector:\n      matchLabels:\n        app: cart\n", "    podSelector: {}\n    ingress: [{}]\n")(s))
			}),
			want: "netid did not generate it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Previous([]*yaml.RNode{tt.previous}, []*Generated{fresh})
			if tt.want == "" {
				if len(fs) > 0 {
					t.Fatalf("refused: %v", fs)
				}
				return
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Message, tt.want) || fs[0].Field != `metadata.annotations["netid.dev/generated"]` ||
				fs[0].Object.Kind != "NetworkPolicy" || fs[0].Object.Namespace != "shop" {
				t.Fatalf("findings %v, want one naming the NetworkPolicy and the mark: %q", fs, tt.want)
			}
		})
	}
}

// TestDigest: the digest covers the whole object but the annotations kpt and
// kustomize rewrite, and itself.
func TestDigest(t *testing.T) {
	g := policy(t, "cart-ingress", 8080)
	d := Digest(g.Map)
	if !strings.HasPrefix(d, "sha256:") || len(d) != len("sha256:")+64 {
		t.Fatalf("Digest = %q", d)
	}
	if got := g.Map["metadata"].(map[string]any)["annotations"].(map[string]any)["netid.dev/digest"]; got != d {
		t.Errorf("the generated object carries digest %v, want %s", got, d)
	}
	same := []string{"config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id", "internal.config.kubernetes.io/anything", "netid.dev/digest"}
	for _, k := range same {
		m := policy(t, "cart-ingress", 8080).Map
		m["metadata"].(map[string]any)["annotations"].(map[string]any)[k] = "x"
		if Digest(m) != d {
			t.Errorf("setting annotation %s changed the digest", k)
		}
	}
	for name, change := range map[string]func(m map[string]any){
		"an annotation": func(m map[string]any) { m["metadata"].(map[string]any)["annotations"].(map[string]any)["a"] = "x" },
		"a label":       func(m map[string]any) { m["metadata"].(map[string]any)["labels"].(map[string]any)["a"] = "x" },
		"the name":      func(m map[string]any) { m["metadata"].(map[string]any)["name"] = "x" },
		"the spec":      func(m map[string]any) { delete(m["spec"].(map[string]any), "ingress") },
	} {
		m := policy(t, "cart-ingress", 8080).Map
		change(m)
		if Digest(m) == d {
			t.Errorf("changing %s left the digest as it was", name)
		}
	}
}

// TestDigestEncoding: the encoding digested is JSON that reads back as the
// object (with the annotations the digest leaves out left out), and numbers
// read back from YAML (int64) or generated (float64) encode alike.
func TestDigestEncoding(t *testing.T) {
	m := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "x", "annotations": map[string]any{
			"netid.dev/generated": "true", "netid.dev/digest": "sha256:0", "config.kubernetes.io/path": "a.yaml"}},
		"data": map[string]any{"text": "quote \" backslash \\ newline \n tab \t <&> é", "n": int64(443), "f": 0.5, "b": true, "z": nil,
			"list": []any{"a", int64(1), map[string]any{}}},
	}
	e := encoder{}
	if !e.object(m, levelObject, 0) {
		t.Fatal("not encoded")
	}
	var got map[string]any
	if err := json.Unmarshal(e.b, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, e.b)
	}
	want := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "x", "annotations": map[string]any{"netid.dev/generated": "true"}},
		"data": map[string]any{"text": "quote \" backslash \\ newline \n tab \t <&> é", "n": float64(443), "f": 0.5, "b": true, "z": nil,
			"list": []any{"a", float64(1), map[string]any{}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back as %#v\nwant %#v", got, want)
	}
	a := map[string]any{"spec": map[string]any{"port": int64(443)}}
	b := map[string]any{"spec": map[string]any{"port": float64(443)}}
	if Digest(a) != Digest(b) {
		t.Error("443 read from YAML and 443.0 from a typed object digest differently")
	}
}
