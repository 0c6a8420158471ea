package emit

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/internal/estate"
	"netid.dev/netid/krm/v1alpha1"
)

// TestToMapAgreesOnEverythingGenerated converts every object netid
// generates from every golden input (../process/testdata, in both
// NetworkPolicy layouts) and from synthetic estates with both converters:
// yamlconv.ToMap must give exactly what runtime's ToUnstructured gives.
func TestToMapAgreesOnEverythingGenerated(t *testing.T) {
	inputs := map[string]string{}
	files, err := filepath.Glob("../process/testdata/*/input.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(f))
		inputs[name] = string(b)
		// No golden case exposes a workload through a TLSRoute or a
		// TCPRoute: the GRPCRoute case stands in for them.
		if strings.Contains(inputs[name], "gateway: {kind: GRPCRoute,") {
			inputs[name+"-TLSRoute"] = strings.ReplaceAll(inputs[name], "gateway: {kind: GRPCRoute,", "gateway: {kind: TLSRoute,")
			tcp := strings.ReplaceAll(inputs[name], "gateway: {kind: GRPCRoute,", "gateway: {kind: TCPRoute,")
			inputs[name+"-TCPRoute"] = strings.ReplaceAll(tcp, ", hostnames: [api.example.com]", "") // a TCPRoute has none
		}
	}
	sizes := []int{10, 100, 1000}
	if testing.Short() {
		sizes = []int{10, 100}
	}
	for _, n := range sizes {
		inputs[fmt.Sprintf("estate-%d", n)] = estate.ResourceList(n)
	}
	kinds := map[string]int{}
	objects := 0
	for name, in := range inputs {
		for _, layout := range []string{"", v1alpha1.LayoutPerFlow} {
			for _, o := range generatedFrom(t, in, layout) {
				want, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
				if err != nil {
					t.Fatalf("%s: ToUnstructured(%T): %v", name, o, err)
				}
				got, err := yamlconv.ToMap(o)
				if err != nil {
					t.Fatalf("%s: ToMap(%T): %v", name, o, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: ToMap(%T) differs from ToUnstructured:\n got  %#v\n want %#v", name, o, got, want)
				}
				kinds[fmt.Sprintf("%T", o)]++
				objects++
			}
		}
	}
	// Every kind build/ makes must have been compared.
	for _, k := range []string{
		"*v1.NetworkPolicy", "*v1.Namespace", "*v1.ServiceAccount", "*v1.Role", "*v1.RoleBinding",
		"*v1.ClusterRole", "*v1.ClusterRoleBinding", "*v1.Ingress", "*v1.HTTPRoute", "*v1.GRPCRoute",
		"*v1.TLSRoute", "*v1.TCPRoute", "*v1.PeerAuthentication", "*v1.AuthorizationPolicy",
		"*v1.ConfigMap", "*unstructured.Unstructured",
	} {
		if kinds[k] == 0 {
			t.Errorf("no generated %s compared", k)
		}
	}
	var seen []string
	for k, n := range kinds {
		seen = append(seen, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(seen)
	t.Logf("%d objects compared: %s", objects, strings.Join(seen, ", "))
}

// generatedFrom renders a ResourceList as far as Emit and returns the typed
// objects generated, the report's ConfigMap included; none when the input
// is refused before.
func generatedFrom(t *testing.T, in, layout string) []runtime.Object {
	t.Helper()
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(in), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil || rw.FunctionConfig == nil {
		return nil
	}
	if load.Screen(items, rw.FunctionConfig, true).HasErrors() {
		return nil
	}
	m, fs := load.Load(items, rw.FunctionConfig)
	if fs.HasErrors() {
		return nil
	}
	if layout != "" {
		m.Run.Layout = layout
	}
	p, fs := plan.Make(m)
	if fs.HasErrors() {
		return nil
	}
	out := []runtime.Object{reportConfigMap("# report\n\nwith lines\n")}
	for _, g := range Emit(m, p).Generated {
		out = append(out, g.Object)
	}
	return out
}

// BenchmarkToMap converts the objects generated from 1,000 workloads.
func BenchmarkToMap(b *testing.B) {
	objects := generatedFrom(&testing.T{}, estate.ResourceList(1000), "")
	for _, c := range []struct {
		name string
		f    func(any) (map[string]any, error)
	}{{"ToMap", yamlconv.ToMap}, {"ToUnstructured", runtime.DefaultUnstructuredConverter.ToUnstructured}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, o := range objects {
					if _, err := c.f(o); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
