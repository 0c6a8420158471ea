package yamlconv

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/internal/estate"
	"netid.dev/netid/krm/v1alpha1"
)

// decodedTypes are the types netid reads user objects into (and some it
// does not, to decode objects into the wrong type too), each as a
// constructor of a pointer to a zero value.
var decodedTypes = []func() any{
	func() any { return new(corev1.Pod) },
	func() any { return new(corev1.PodTemplateSpec) },
	func() any { return new(corev1.PodSpec) },
	func() any { return new(appsv1.Deployment) },
	func() any { return new(appsv1.StatefulSet) },
	func() any { return new(appsv1.DaemonSet) },
	func() any { return new(appsv1.ReplicaSet) },
	func() any { return new(batchv1.Job) },
	func() any { return new(batchv1.CronJob) },
	func() any { return new(corev1.Service) },
	func() any { return new(corev1.ServiceAccount) },
	func() any { return new(corev1.Secret) },
	func() any { return new(corev1.ConfigMap) },
	func() any { return new(corev1.Namespace) },
	func() any { return new(networkingv1.NetworkPolicy) },
	func() any { return new(networkingv1.Ingress) },
	func() any { return new(rbacv1.Role) },
	func() any { return new(rbacv1.ClusterRole) },
	func() any { return new(rbacv1.RoleBinding) },
	func() any { return new(rbacv1.ClusterRoleBinding) },
	func() any { return new(gatewayv1.HTTPRoute) },
	func() any { return new(gatewayv1.GRPCRoute) },
	func() any { return new(metav1.ObjectMeta) },
	func() any { return new(metav1.LabelSelector) },
	func() any { return new(unstructured.Unstructured) },
	func() any { return new(v1alpha1.NetworkIdentity) },
	// the shapes load and the rules read
	func() any {
		return new(struct {
			Spec struct {
				Selector    *metav1.LabelSelector `json:"selector"`
				WorkloadRef *struct {
					APIVersion string `json:"apiVersion"`
					Kind       string `json:"kind"`
					Name       string `json:"name"`
				} `json:"workloadRef"`
			} `json:"spec"`
		})
	},
	func() any {
		return new(struct {
			Spec struct {
				Rules []struct {
					BackendRefs []gatewayv1.BackendObjectReference `json:"backendRefs"`
				} `json:"rules"`
			} `json:"spec"`
		})
	},
	// shapes the API types do not have
	func() any { return new(oddShapes) },
}

// oddShapes has what the direct decoder must read as the converter does, or
// leave to it: fields without tags, a "-" tag, an inlined struct, numbers
// of every size, floats, bytes, interfaces, maps of named keys, pointers to
// pointers, a name two fields share.
type oddShapes struct {
	NoTag    string
	Dash     string `json:"-"`
	Embedded `json:",inline"`
	Shared   string            `json:"shared"`
	I8       int8              `json:"i8"`
	U8       uint8             `json:"u8"`
	U        uint              `json:"u"`
	F32      float32           `json:"f32"`
	F64      float64           `json:"f64"`
	Bytes    []byte            `json:"bytes"`
	Any      any               `json:"any"`
	Anys     []any             `json:"anys"`
	Named    map[namedKey]int  `json:"named"`
	PP       **string          `json:"pp"`
	Arr      [2]int            `json:"arr"`
	Nested   *oddShapes        `json:"nested"`
	Proto    corev1.Protocol   `json:"proto"`
	Labels   map[string]string `json:"labels"`
	Bools    []bool            `json:"bools"`
}

type Embedded struct {
	Inner  string `json:"inner"`
	Shared string `json:"shared"`
}

type namedKey string

// compareDecoders decodes node n into a new value of each type both ways.
// Where the direct decoder succeeds, the general path must give the same
// value; FromNode must give the general path's value or failure. It returns
// how many decodings the direct decoder did.
func compareDecoders(t *testing.T, where string, n *yaml.Node, types []func() any) (direct int) {
	t.Helper()
	for _, newValue := range types {
		general := newValue()
		gerr := fromNodeGeneral(yaml.NewRNode(n), general)
		got := newValue()
		if decodeDirect(n, got) == nil {
			direct++
			if gerr != nil {
				t.Errorf("%s into %T: the direct decoder succeeded, the general path failed: %v", where, general, gerr)
			} else if !reflect.DeepEqual(got, general) {
				t.Errorf("%s into %T: the direct decoder differs:\n got %#v\nwant %#v", where, general, got, general)
			}
		}
		via := newValue()
		if err := FromNode(yaml.NewRNode(n), via); (err == nil) != (gerr == nil) {
			t.Errorf("%s into %T: FromNode error %v, the general path's %v", where, general, err, gerr)
		} else if err == nil && !reflect.DeepEqual(via, general) {
			t.Errorf("%s into %T: FromNode differs from the general path:\n got %#v\nwant %#v", where, general, via, general)
		}
	}
	return direct
}

// corpusItems are the objects of every input the tests know: the process
// golden cases, the e2e fixtures, the examples and small bench estates.
func corpusItems(t *testing.T) map[string][]*yaml.RNode {
	t.Helper()
	out := map[string][]*yaml.RNode{}
	read := func(name, text string, list bool) {
		var items []*yaml.RNode
		var err error
		if list {
			rw := &kio.ByteReadWriter{Reader: strings.NewReader(text), KeepReaderAnnotations: true}
			items, err = rw.Read()
			if rw.FunctionConfig != nil {
				items = append(items, rw.FunctionConfig)
			}
		} else {
			items, err = (&kio.ByteReader{Reader: strings.NewReader(text)}).Read()
		}
		if err != nil {
			return // a golden case of unreadable input
		}
		out[name] = items
	}
	for _, pattern := range []string{"../process/testdata/*/input.yaml", "../../../e2e/testdata/*/*/input.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			read(f, string(data), true)
		}
	}
	for _, pattern := range []string{"../../../e2e/testdata/*/*/*.yaml", "../../../examples/*/*.yaml", "../../../examples/*/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "/input.yaml") {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			read(f, string(data), false)
		}
	}
	for _, n := range []int{10, 100} {
		read(fmt.Sprintf("estate-%d", n), estate.ResourceList(n), true)
	}
	if len(out) < 100 {
		t.Fatalf("only %d inputs found", len(out))
	}
	return out
}

// TestDirectDecoding: over every object of the corpus, decoded into every
// type netid reads (and others), and every mapping in those objects decoded
// into the pod template's types, the direct decoder gives what the general
// path gives, and does most of the decoding.
func TestDirectDecoding(t *testing.T) {
	var total, direct, objects int
	for name, items := range corpusItems(t) {
		for i, n := range items {
			objects++
			where := fmt.Sprintf("%s item %d", name, i)
			total += len(decodedTypes)
			direct += compareDecoders(t, where, n.YNode(), decodedTypes)
			if strings.HasPrefix(name, "estate") {
				continue
			}
			// every mapping inside it, into the pod template's parts
			var walk func(y *yaml.Node, path string)
			walk = func(y *yaml.Node, path string) {
				if y.Kind == yaml.MappingNode && path != "" {
					compareDecoders(t, where+" "+path, y, decodedTypes[:3])
				}
				for j, c := range y.Content {
					walk(c, fmt.Sprintf("%s/%d", path, j))
				}
			}
			walk(n.YNode(), "")
		}
	}
	t.Logf("%d objects, %d of %d decodings direct", objects, direct, total)
	if direct < total/2 {
		t.Errorf("the direct decoder did only %d of %d decodings", direct, total)
	}
}

// TestDirectDecodingShapes: values of every kind into oddShapes and the
// API types, including what the general path refuses or reads its own way.
func TestDirectDecodingShapes(t *testing.T) {
	for _, doc := range directSeeds {
		n, err := yaml.Parse(doc)
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		compareDecoders(t, doc, n.YNode(), decodedTypes)
	}
	// what must be read directly
	for _, tc := range []struct {
		doc string
		obj any
	}{
		{"noTag: a\nNoTag: b\n'-': c\ninner: d\nshared: e\ni8: 300\nu8: -1\nu: 7\nf32: 1.5\nf64: 3\nbytes: aGk=\nany: {a: [1, x]}\nnamed: {k: 1}\npp: s\nproto: UDP\nlabels: {a: b, c: null}\nnested: {noTag: x}\n", new(oddShapes)},
		{"spec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80, name: http}]\n    resources: {limits: {cpu: 100m}}\n", new(corev1.Pod)},
		{"spec:\n  ports: [{port: 80, targetPort: http}, {port: 81, targetPort: 8081}]\n  selector: {app: x}\n", new(corev1.Service)},
		{"metadata: {name: x, creationTimestamp: null, labels: {a: b}}\ndata: {k: dg==}\n", new(corev1.Secret)},
	} {
		n, err := yaml.Parse(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := decodeDirect(n.YNode(), tc.obj); err != nil {
			t.Errorf("%q into %T: not decoded directly", tc.doc, tc.obj)
		}
	}
}

// directSeeds are documents that probe the edges of the converter.
var directSeeds = []string{
	"a: 1\n",
	"metadata: {name: x, labels: {a: 1}}\n",
	"metadata: {name: x, labels: {a: true}}\n",
	"metadata: {name: x, labels: {a: 1.5}}\n",
	"metadata: {name: x, labels: {a: [x]}, annotations: {b: {c: d}}}\n",
	"metadata: {name: 1}\n",
	"metadata: [x]\n",
	"metadata: x\n",
	"metadata: null\n",
	"metadata: {creationTimestamp: '2020-01-01T00:00:00Z'}\n",
	"metadata: {creationTimestamp: 2020-01-01T00:00:00Z}\n",
	"metadata: {creationTimestamp: x}\n",
	"spec: {replicas: 3.0}\n",
	"spec: {replicas: 3.5}\n",
	"spec: {replicas: '3'}\n",
	"spec: {replicas: 99999999999}\n",
	"spec: {replicas: 0x10}\n",
	"spec: {replicas: -0}\n",
	"spec: {replicas: .inf}\n",
	"spec: {replicas: .nan}\n",
	"spec: {replicas: 1e3}\n",
	"spec: {paused: yes}\n",
	"spec: {paused: 'true'}\n",
	"spec: {template: {spec: {containers: [{name: a, ports: [{containerPort: '80'}]}]}}}\n",
	"spec: {template: {spec: {containers: [{name: a, resources: {limits: {cpu: 1}}}]}}}\n",
	"spec: {template: {spec: {containers: [{name: a, resources: {limits: {cpu: [1]}}}]}}}\n",
	"spec: {template: {spec: {containers: [null, {name: b}]}}}\n",
	"spec: {ports: [{port: 80, targetPort: 8080}, {port: 81, targetPort: x}, {targetPort: 1.5}]}\n",
	"spec: {ports: [{targetPort: [1]}]}\n",
	"spec: {ports: {a: 1}}\n",
	"spec: {selector: {matchLabels: {a: b}, matchExpressions: [{key: k, operator: In, values: [x, 1]}]}}\n",
	"data: {a: aGk=, b: '', c: '!!'}\n",
	"data: {a: 1}\n",
	"stringData: {a: 1}\n",
	"x: &a {name: n}\nmetadata: *a\n",
	"metadata: &a {name: n}\nspec: {template: {metadata: *a}}\n",
	"metadata:\n  <<: {name: n}\n  namespace: s\n",
	"metadata: {name: a, name: b}\n",
	"metadata: {name: a}\nmetadata: {namespace: b}\n",
	"metadata: {labels: {1: a, true: b, null: c}}\n",
	"? [a]\n: b\n",
	"bytes: 1\nany: null\nanys: [1, null, {a: b}]\nnamed: {a: x}\npp: null\narr: [1, 2]\n",
	"nested: {nested: {nested: {noTag: x, i8: 1.0, u8: 1e2, f32: 1}}}\n",
	"u: -1\nu8: 256\ni8: -129\nf32: 16777217\n",
	"'-': x\nDash: y\nEmbedded: {inner: z}\n",
	"proto: 1\n",
	"labels: {a: !!binary aGk=}\n",
	"labels: {a: !custom x}\n",
	"rules: [{apiGroups: [''], resources: [pods], verbs: ['*']}]\n",
	"subjects: [{kind: ServiceAccount, name: x}]\nroleRef: {kind: Role, name: r}\n",
	"spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 80}, {port: http, endPort: 90}]}]}\n",
	"spec: {rules: [{backendRefs: [{name: x, port: 80}]}]}\n",
	"apiVersion: v1\nkind: List\nitems: [{a: b}]\n",
	"spec: {workload: web, ingress: [{from: [{workload: x}], ports: [80]}]}\n",
	"spec: {template: {spec: {automountServiceAccountToken: null, imagePullSecrets: [{name: x}], serviceAccount: s}}}\n",
	"spec: {template: {spec: {securityContext: {runAsUser: 1000, sysctls: [{name: a, value: '1'}]}}}}\n",
	"spec: {template: {spec: {volumes: [{name: v, emptyDir: {sizeLimit: 1Gi}}]}}}\n",
	"spec: {template: {spec: {containers: [{name: a, env: [{name: e, valueFrom: {fieldRef: {fieldPath: x}}}]}]}}}\n",
}

// FuzzDirectDecoding: whatever the YAML, where the direct decoder decodes an
// object into a type netid reads, the general path gives the same value, and
// FromNode the general path's value or failure.
func FuzzDirectDecoding(f *testing.F) {
	for _, s := range directSeeds {
		f.Add(s)
	}
	for _, kind := range []string{"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service", "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding"} {
		f.Add(fmt.Sprintf("apiVersion: v1\nkind: %s\nmetadata: {name: x, namespace: y, labels: {app: x}}\n", kind))
	}
	f.Add(estate.ResourceList(1))
	f.Fuzz(func(t *testing.T, doc string) {
		items, err := (&kio.ByteReader{Reader: strings.NewReader(doc)}).Read()
		if err != nil || len(items) > 20 {
			return
		}
		for i, n := range items {
			compareDecoders(t, fmt.Sprintf("item %d", i), n.YNode(), decodedTypes)
			if tmpl, _ := n.Pipe(yaml.Lookup("spec", "template")); tmpl != nil {
				compareDecoders(t, fmt.Sprintf("item %d spec.template", i), tmpl.YNode(), decodedTypes[:3])
			}
		}
	})
}
