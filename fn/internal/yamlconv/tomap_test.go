package yamlconv

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"regexp"
	"testing"

	securityv1 "istio.io/client-go/pkg/apis/security/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/randfill"
)

// outcome is what a converter did with an object: its map, its error, or
// its panic.
type outcome struct {
	m     map[string]any
	err   string
	panic string
}

func convert(f func(any) (map[string]any, error), obj any) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o.panic = fmt.Sprint(r)
		}
	}()
	m, err := f(obj)
	if err != nil {
		o.err = err.Error()
	}
	o.m = m
	return o
}

// sameAsToUnstructured asserts that ToMap does with obj exactly what
// runtime.DefaultUnstructuredConverter.ToUnstructured does: the same map
// (reflect.DeepEqual: same keys, same value types), or the same error, or a
// panic where it panics.
func sameAsToUnstructured(t *testing.T, obj any) {
	t.Helper()
	want := convert(runtime.DefaultUnstructuredConverter.ToUnstructured, obj)
	got := convert(ToMap, obj)
	if (want.panic != "") != (got.panic != "") {
		t.Fatalf("%T: ToUnstructured panic %q, ToMap panic %q", obj, want.panic, got.panic)
	}
	if want.err != got.err {
		t.Fatalf("%T: ToUnstructured error %q, ToMap error %q", obj, want.err, got.err)
	}
	if !reflect.DeepEqual(want.m, got.m) {
		t.Fatalf("%T: ToMap differs from ToUnstructured:\n got  %#v\n want %#v", obj, got.m, want.m)
	}
}

// generatedKinds are the kinds netid generates (build/, emit.Report), and
// kinds with the value types a typed object can hold (quantities, times,
// byte slices, maps of structs, int-or-strings).
var generatedKinds = []func() any{
	func() any { return &networkingv1.NetworkPolicy{} },
	func() any { return &corev1.Namespace{} },
	func() any { return &corev1.ServiceAccount{} },
	func() any { return &corev1.ConfigMap{} },
	func() any { return &rbacv1.Role{} },
	func() any { return &rbacv1.RoleBinding{} },
	func() any { return &rbacv1.ClusterRole{} },
	func() any { return &rbacv1.ClusterRoleBinding{} },
	func() any { return &networkingv1.Ingress{} },
	func() any { return &gatewayv1.HTTPRoute{} },
	func() any { return &gatewayv1.GRPCRoute{} },
	func() any { return &gatewayv1.TLSRoute{} },
	func() any { return &gatewayv1.TCPRoute{} },
	func() any { return &securityv1.PeerAuthentication{} },
	func() any { return &securityv1.AuthorizationPolicy{} },
}

var otherKinds = []func() any{
	func() any { return &policyv1.PodDisruptionBudget{} },
	func() any { return &corev1.Pod{} },
	func() any { return &corev1.Service{} },
	func() any { return &corev1.Secret{} },
	func() any { return &appsv1.Deployment{} },
	func() any { return &batchv1.CronJob{} },
	func() any { return &corev1.PersistentVolume{} },
}

var oneof = regexp.MustCompile(`^ActionDetail$`)

// TestToMapRandomized fills every kind with random values (randfill) and
// compares both converters, for several densities of nil and of elements.
func TestToMapRandomized(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 30
	}
	kinds := append(append([]func() any(nil), generatedKinds...), otherKinds...)
	for _, newObj := range kinds {
		t.Run(fmt.Sprintf("%T", newObj()), func(t *testing.T) {
			for seed := 0; seed < n; seed++ {
				f := randfill.New().RandSource(rand.NewSource(int64(seed))).
					NilChance([]float64{0, 0.2, 0.5, 0.9}[seed%4]).
					NumElements(0, 1+seed%4).MaxDepth(12).
					// Istio's oneof fields are interfaces of unexported types.
					SkipFieldsWithPattern(oneof).Funcs(
					// resource.Quantity: valid quantities, and the zero one.
					func(q *resource.Quantity, c randfill.Continue) {
						if c.Bool() {
							*q = resource.MustParse(fmt.Sprintf("%dMi", c.Intn(10000)))
						}
					},
				)
				obj := newObj()
				f.Fill(obj)
				sameAsToUnstructured(t, obj)
			}
		})
	}
}

// FuzzToMap fills the generated kinds from the fuzzer's bytes.
func FuzzToMap(f *testing.F) {
	f.Add([]byte("seed"), uint8(0))
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		obj := generatedKinds[int(kind)%len(generatedKinds)]()
		randfill.NewFromGoFuzz(data).SkipFieldsWithPattern(oneof).NilChance(0.3).NumElements(0, 3).MaxDepth(10).Fill(obj)
		sameAsToUnstructured(t, obj)
	})
}

// marshals converts itself through JSON (value receiver).
type marshals struct{ N int }

func (m marshals) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"n": m.N, "f": 1.5})
}

// ptrMarshals converts itself through JSON, by pointer only.
type ptrMarshals struct{ S string }

func (m *ptrMarshals) MarshalJSON() ([]byte, error) { return json.Marshal(m.S) }

// named is a string type that converts itself.
type named string

func (n named) MarshalJSON() ([]byte, error) { return json.Marshal("named:" + string(n)) }

type zeroer struct{ A int }

func (z zeroer) IsZero() bool { return z.A == 7 }

type ToMapEmbedded struct {
	E  string `json:"e"`
	E2 int    `json:"e2,omitempty"`
}

type EmbeddedPtr struct {
	P string `json:"p"`
}

type edgeCases struct {
	ToMapEmbedded
	*EmbeddedPtr `json:",inline"`
	Untagged     string
	Skipped      string            `json:"-"`
	Dash         string            `json:"-,"`
	NoName       string            `json:",omitempty"`
	U8           uint8             `json:"u8"`
	U64          uint64            `json:"u64"`
	F32          float32           `json:"f32"`
	F64          float64           `json:"f64,omitempty"`
	Bytes        []byte            `json:"bytes"`
	NilMap       map[string]string `json:"nilMap"`
	EmptyMap     map[string]string `json:"emptyMap"`
	EmptyMapOmit map[string]string `json:"emptyMapOmit,omitempty"`
	NilSlice     []string          `json:"nilSlice"`
	EmptySlice   []string          `json:"emptySlice"`
	NilPtr       *string           `json:"nilPtr"`
	PtrPtr       **int32           `json:"ptrPtr"`
	Iface        any               `json:"iface"`
	IfaceMap     map[string]any    `json:"ifaceMap"`
	Named        named             `json:"named"`
	NamedSlice   []named           `json:"namedSlice"`
	NamedMap     map[named]named   `json:"namedMap"`
	Marshals     marshals          `json:"marshals"`
	MarshalsPtr  *marshals         `json:"marshalsPtr"`
	PtrMarshals  ptrMarshals       `json:"ptrMarshals"`
	PtrMSlice    []ptrMarshals     `json:"ptrMSlice"`
	Zero         zeroer            `json:"zero,omitzero"`
	ZeroPtr      *zeroer           `json:"zeroPtr,omitzero"`
	Time         metav1.Time       `json:"time"`
	TimePtr      *metav1.Time      `json:"timePtr,omitempty"`
	Quantity     resource.Quantity `json:"quantity"`
	IntOrString  intstr.IntOrString
	IOSPtr       *intstr.IntOrString           `json:"iosPtr"`
	IOSSlice     []intstr.IntOrString          `json:"iosSlice"`
	IOSMap       map[string]intstr.IntOrString `json:"iosMap"`
	Structs      map[string]ToMapEmbedded      `json:"structs"`
	Recursive    *edgeCases                    `json:"recursive,omitempty"`
}

// TestToMapEdgeCases covers what the kinds netid generates do not hold:
// embedded and inlined structs, untagged and skipped fields, unsigned and
// float numbers, bytes, nil and empty collections, interfaces, types that
// convert themselves (by value and by pointer, in fields, slices and
// maps), omitzero, and a recursive type.
func TestToMapEdgeCases(t *testing.T) {
	s, i := "s", int32(3)
	pi := &i
	full := edgeCases{
		ToMapEmbedded: ToMapEmbedded{E: "e", E2: 2}, EmbeddedPtr: &EmbeddedPtr{P: "p"},
		Untagged: "u", Skipped: "x", Dash: "d", NoName: "n", U8: 8, U64: math.MaxInt64, F32: 1.25, F64: 2.5,
		Bytes: []byte("hello\x00"), EmptyMap: map[string]string{}, EmptyMapOmit: map[string]string{}, EmptySlice: []string{},
		NilPtr: &s, PtrPtr: &pi,
		Iface:    map[string]any{"a": []any{int64(1), 2.5, "x", nil, true}},
		IfaceMap: map[string]any{"k": ToMapEmbedded{E: "in"}, "n": nil, "p": &EmbeddedPtr{P: "q"}},
		Named:    "v", NamedSlice: []named{"a", "b"}, NamedMap: map[named]named{"k": "v"},
		Marshals: marshals{N: 4}, MarshalsPtr: &marshals{N: 5}, PtrMarshals: ptrMarshals{S: "pm"}, PtrMSlice: []ptrMarshals{{S: "a"}},
		Zero: zeroer{A: 7}, ZeroPtr: &zeroer{A: 1},
		Time: metav1.Unix(1700000000, 0), TimePtr: &metav1.Time{},
		Quantity:    resource.MustParse("1500m"),
		IntOrString: intstr.FromString("http"), IOSPtr: &intstr.IntOrString{Type: intstr.Int, IntVal: -3},
		IOSSlice: []intstr.IntOrString{intstr.FromInt32(80), intstr.FromString("<&>\u2028")},
		IOSMap:   map[string]intstr.IntOrString{"a": intstr.FromInt32(1), "b": intstr.FromString("b")},
		Structs:  map[string]ToMapEmbedded{"x": {E: "y"}},
	}
	full.Recursive = &edgeCases{Untagged: "child", Recursive: &edgeCases{}}
	cases := map[string]any{
		"zero": &edgeCases{},
		"full": &full,
		// errors and panics: ToMap leaves them to ToUnstructured
		"uint overflow":             &edgeCases{U64: math.MaxUint64},
		"invalid IntOrString type":  &edgeCases{IntOrString: intstr.IntOrString{Type: 7}},
		"invalid UTF-8 in a string": &edgeCases{IntOrString: intstr.FromString("a\xffb"), IOSSlice: []intstr.IntOrString{intstr.FromString("\xc3")}},
		"pointer marshaler in a map value": &struct {
			M map[string]ptrMarshals `json:"m"`
		}{M: map[string]ptrMarshals{"k": {S: "v"}}},
		"non-string map key": &struct {
			M map[int]string `json:"m"`
		}{M: map[int]string{1: "a"}},
		"array": &struct {
			A [2]int `json:"a"`
		}{A: [2]int{1, 2}},
		"unexported field": &struct {
			A string `json:"a"`
			b string
		}{A: "a", b: "b"},
		"inlined string": &struct {
			S string `json:",inline"`
		}{S: "s"},
		"inlined map": &struct {
			M map[string]string `json:",inline"`
		}{M: map[string]string{"a": "b"}},
		"inlined marshaler": &struct {
			marshals `json:",inline"`
			A        string `json:"a"`
		}{A: "a"},
		"unstructured":     &unstructured.Unstructured{Object: map[string]any{"kind": "X"}},
		"not a pointer":    edgeCases{},
		"nil pointer":      (*edgeCases)(nil),
		"pointer to a map": &map[string]any{"a": "b"},
		"channel": &struct {
			C chan int `json:"c"`
		}{C: make(chan int)},
	}
	for name, obj := range cases {
		t.Run(name, func(t *testing.T) { sameAsToUnstructured(t, obj) })
	}
	// Twice, for the cached plans.
	for name, obj := range cases {
		t.Run(name+" again", func(t *testing.T) { sameAsToUnstructured(t, obj) })
	}
}

// TestToMapRandomizedEdgeCases fills the edge-case type at random.
func TestToMapRandomizedEdgeCases(t *testing.T) {
	for seed := 0; seed < 2000; seed++ {
		f := randfill.New().RandSource(rand.NewSource(int64(seed))).NilChance(float64(seed%5)/5).NumElements(0, 3).MaxDepth(6).Funcs(
			func(i *any, c randfill.Continue) {
				switch c.Intn(5) {
				case 0:
					*i = nil
				case 1:
					*i = c.String(5)
				case 2:
					*i = map[string]any{c.String(3): int64(c.Int63())}
				case 3:
					*i = []any{c.Float64(), true, nil}
				case 4:
					e := ToMapEmbedded{}
					c.Fill(&e)
					*i = e
				}
			},
			func(q *resource.Quantity, c randfill.Continue) {
				*q = *resource.NewQuantity(c.Int63n(1<<40), resource.DecimalSI)
			},
			func(s *intstr.IntOrString, c randfill.Continue) {
				switch c.Intn(4) {
				case 0:
					*s = intstr.FromInt32(c.Int31())
				case 1:
					*s = intstr.FromString(c.String(8))
				case 2:
					*s = intstr.FromString(string([]byte{byte(c.Intn(256)), byte(c.Intn(256))}))
				case 3:
					*s = intstr.IntOrString{Type: intstr.Type(c.Intn(4)), StrVal: c.String(2)}
				}
			},
		)
		var obj edgeCases
		f.Fill(&obj)
		sameAsToUnstructured(t, &obj)
	}
}
