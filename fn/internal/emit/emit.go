// Package emit merges the generated objects into the user's items: it patches
// the fields the function owns on user objects (pod template identity, Namespace
// labels, ServiceAccount automount), appends everything else in a deterministic
// order with a unique file path each, and refuses objects that would collide
// with something the user wrote.
package emit

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/build"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/internal/names"
	"netid.dev/netid/krm/v1alpha1"
)

// Generated-file layout: every generated object gets its own path, so kpt
// writes one file per object and a rerun maps each object back to its file.
const (
	// Dir holds the generated files, relative to the package root.
	Dir = "netid-generated"
	// ReportName is the report ConfigMap's name and ReportKey its data key.
	ReportName = "network-identity-report"
	ReportKey  = "network-identity.md"
)

// Conflict is a user object that has the identity of a generated one but
// other content.
type Conflict struct {
	// User is the user's object.
	User finding.Object
	// Generated is the kind netid generates under that name.
	Generated string
	// Workload owns the generated object ("namespace/name"), if one does.
	Workload string
}

// Generated is one object the function generates: its typed form (for the
// rules) and its map form with the ownership and file annotations (for the
// output, written without building YAML nodes for it).
type Generated struct {
	Object runtime.Object
	Map    map[string]any
	Ref    finding.Object
}

// Result is what Emit produces.
type Result struct {
	// Items are the user's items, owned fields patched.
	Items []*yaml.RNode
	// Generated are the generated objects, in output order; one that
	// conflicts with a user object is left out.
	Generated []*Generated
	Conflicts []Conflict
	Findings  finding.List
}

// Emit patches the user's items and generates the objects of the plan. The
// report, which shows the proofs of the result, is added afterwards (Report).
func Emit(m *load.Model, p *plan.Plan) Result {
	e := &emitter{user: map[string]*yaml.RNode{}}
	for _, n := range m.Items {
		e.user[idOf(n)] = n
	}
	for _, w := range p.Workloads {
		e.add(patchPodTemplate(w))
	}
	net := build.NetworkFor(p)
	for _, o := range net.Cluster() {
		e.object(o)
	}
	for _, ns := range p.Namespaces {
		e.namespace(ns)
		for _, o := range net.Namespace(ns) {
			e.object(o)
		}
		for _, w := range ns.Workloads {
			e.workload(net, ns, w)
		}
	}
	for _, w := range p.Workloads {
		if w.EmitsIdentity() {
			e.object(build.ClusterRole(w))
			e.object(build.ClusterRoleBinding(w))
		}
	}
	return Result{Items: m.Items, Generated: e.out, Conflicts: e.conflicts, Findings: e.fs}
}

// Report is the report ConfigMap, local-config, to append to the output.
func Report(report string) *Generated {
	g, err := generated(reportConfigMap(report))
	if err != nil {
		panic(fmt.Sprintf("converting the report: %v", err))
	}
	return g
}

type emitter struct {
	user      map[string]*yaml.RNode
	out       []*Generated
	conflicts []Conflict
	fs        finding.List
}

func (e *emitter) add(fs finding.List) { e.fs = append(e.fs, fs...) }

func (e *emitter) namespace(ns *plan.Namespace) {
	o := build.Namespace(ns)
	if user, ok := e.user[typedID(o)]; ok {
		e.add(setMap(user, []string{"metadata", "labels"}, build.NamespaceLabels(ns)))
		e.add(setMap(user, []string{"metadata", "annotations"}, build.NamespaceAnnotations(ns)))
		return
	}
	e.object(o)
}

func (e *emitter) workload(net *build.Network, ns *plan.Namespace, w *plan.Workload) {
	if w.EmitsIdentity() {
		e.identity(w)
	}
	for _, o := range net.Workload(ns, w) {
		e.object(o)
	}
	e.object(build.PeerAuthentication(w))
	e.object(build.AuthorizationPolicy(w))
	for _, o := range build.Linkerd(w) {
		e.object(o)
	}
	e.object(build.Route(w))
	e.object(build.Ingress(w))
}

// identity completes the user's ServiceAccount of the workload's identity
// (the one its pod template already named, or one of the declared name), or
// generates it, and generates its Role and RoleBinding. Workloads sharing a
// ServiceAccount get these once, from the first of them.
func (e *emitter) identity(w *plan.Workload) {
	sa := build.ServiceAccount(w)
	if user, ok := e.user[typedID(sa)]; ok {
		e.add(setField(user, boolNode(*sa.AutomountServiceAccountToken), "automountServiceAccountToken"))
	} else {
		e.object(sa)
	}
	e.object(build.Role(w))
	e.object(build.RoleBinding(w))
}

// object appends one generated object, unless it is nil. A user object with
// the same identity and the same content stands in for it; one with other
// content is a conflict.
func (e *emitter) object(o runtime.Object) {
	if o == nil || reflect.ValueOf(o).IsNil() {
		return
	}
	g, err := generated(o)
	if err != nil {
		panic(fmt.Sprintf("converting a generated %T: %v", o, err))
	}
	if user, ok := e.user[typedID(o)]; ok {
		if !sameContent(user, g.Map) {
			c := Conflict{User: finding.ObjectOf(user), Generated: g.Ref.Kind}
			labels, _ := g.Map["metadata"].(map[string]any)["labels"].(map[string]any)
			if w, _ := labels[v1alpha1.WorkloadLabel].(string); w != "" {
				ns := g.Ref.Namespace
				if ns == "" {
					ns, _ = labels[v1alpha1.WorkloadNamespaceLabel].(string)
				}
				c.Workload = ns + "/" + w
			}
			e.conflicts = append(e.conflicts, c)
		}
		return
	}
	e.out = append(e.out, g)
}

// generated converts a typed object to its output map, with the ownership
// marker and digest and a file path of its own, and without the empty fields typed
// objects carry (creationTimestamp, status, an empty spec).
func generated(o runtime.Object) (*Generated, error) {
	var m map[string]any
	if u, ok := o.(*unstructured.Unstructured); ok {
		m = u.Object
	} else {
		var err error
		if m, err = yamlconv.ToMap(o); err != nil {
			return nil, err
		}
	}
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	delete(meta, "creationTimestamp")
	delete(m, "status")
	if spec, ok := m["spec"].(map[string]any); ok && len(spec) == 0 {
		delete(m, "spec")
	}
	ref := finding.Object{APIVersion: str(m["apiVersion"]), Kind: str(m["kind"]), Namespace: str(meta["namespace"]), Name: str(meta["name"])}
	ref.File = path(ref.Namespace, ref.Kind, ref.Name)
	annos, _ := meta["annotations"].(map[string]any)
	if annos == nil {
		annos = map[string]any{}
		meta["annotations"] = annos
	}
	annos[load.GeneratedAnnotation] = "true"
	annos[kioutil.PathAnnotation] = ref.File
	annos[kioutil.IndexAnnotation] = "0"
	annos[load.DigestAnnotation] = Digest(m)
	return &Generated{Object: o, Map: m, Ref: ref}, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// typedID is idOf for a typed object.
func typedID(o runtime.Object) string {
	gvk := o.GetObjectKind().GroupVersionKind()
	if u, ok := o.(*unstructured.Unstructured); ok {
		gvk = u.GroupVersionKind()
	}
	acc, err := apimeta.Accessor(o)
	if err != nil {
		panic(fmt.Sprintf("a generated %T has no metadata: %v", o, err))
	}
	return gvk.Group + "/" + gvk.Kind + "/" + acc.GetNamespace() + "/" + acc.GetName()
}

// path is the generated object's file, e.g. netid-generated/shop/networkpolicy_default-deny.yaml.
func path(namespace, kind, name string) string {
	if name == ReportName && kind == "ConfigMap" && namespace == "" {
		return Dir + "/" + ReportName + ".yaml"
	}
	if namespace == "" {
		namespace = "_cluster"
	}
	name = strings.NewReplacer(":", "-", "/", "-").Replace(name)
	// A file name has at most 255 bytes (NAME_MAX), where kpt writes it; a
	// 253-character name after the kind would not fit.
	base := names.Shorten(strings.ToLower(kind)+"_"+name, maxFileName-len(".yaml"))
	return fmt.Sprintf("%s/%s/%s.yaml", Dir, namespace, base)
}

// maxFileName is the longest file name (not path) most file systems accept.
const maxFileName = 255

func boolNode(b bool) *yaml.RNode {
	n := yaml.NewScalarRNode(fmt.Sprint(b))
	n.YNode().Tag = yaml.NodeTagBool
	return n
}

func reportConfigMap(report string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: ReportName,
			Labels:      map[string]string{load.ManagedByLabel: load.ManagedByValue},
			Annotations: map[string]string{load.LocalConfig: "true"}},
		Data: map[string]string{ReportKey: report},
	}
}

// idOf is group/kind/namespace/name.
func idOf(n *yaml.RNode) string {
	group := n.GetApiVersion()
	if i := strings.Index(group, "/"); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	return group + "/" + n.GetKind() + "/" + n.GetNamespace() + "/" + n.GetName()
}

// sameContent compares a user object with a generated one, everything but
// metadata and status.
func sameContent(user *yaml.RNode, generated map[string]any) bool {
	var m map[string]any
	if err := yamlconv.FromNode(user, &m); err != nil {
		return false
	}
	strip := func(m map[string]any) map[string]any {
		out := make(map[string]any, len(m))
		for k, v := range m {
			if k != "metadata" && k != "status" {
				out[k] = v
			}
		}
		return out
	}
	return reflect.DeepEqual(strip(m), strip(generated))
}

func setField(n *yaml.RNode, value *yaml.RNode, path ...string) finding.List {
	parent := path[:len(path)-1]
	if err := n.PipeE(yaml.LookupCreate(yaml.MappingNode, parent...), yaml.SetField(path[len(path)-1], value)); err != nil {
		return finding.List{finding.Configf(finding.ObjectOf(n), strings.Join(path, "."), "cannot set: %v", err)}
	}
	return nil
}

func setMap(n *yaml.RNode, path []string, values map[string]string) finding.List {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var fs finding.List
	for _, k := range keys {
		fs = append(fs, setField(n, yaml.NewStringRNode(values[k]), append(append([]string(nil), path...), k)...)...)
	}
	return fs
}

// patchPodTemplate sets the pod template's identity fields, which the function
// owns: the ServiceAccount, token automount, and the image pull secret, at
// the kind's template path (spec.jobTemplate.spec.template.spec for a
// CronJob, spec for a bare Pod, whose serviceAccountName the API server only
// lets be set when the Pod is created: a manifest is fine).
func patchPodTemplate(w *plan.Workload) finding.List {
	n := w.Source.Node
	spec := w.Source.PodKind.SpecPath()
	// One walk to the pod spec serves its fields, as each field's own walk
	// would find it; where it cannot be walked, each field's setField
	// reports it.
	podSpec, err := n.Pipe(yaml.LookupCreate(yaml.MappingNode, spec...))
	var fs finding.List
	set := func(value *yaml.RNode, field string) {
		if err != nil || podSpec == nil {
			fs = append(fs, setField(n, value, append(spec, field)...)...)
			return
		}
		if err := podSpec.PipeE(yaml.SetField(field, value)); err != nil {
			fs = append(fs, finding.Configf(finding.ObjectOf(n), strings.Join(append(spec, field), "."), "cannot set: %v", err))
		}
	}
	set(yaml.NewStringRNode(w.ServiceAccount), "serviceAccountName")
	var legacy bool
	if err != nil || podSpec == nil {
		l, _ := n.Pipe(yaml.Lookup(append(spec, "serviceAccount")...))
		legacy = l != nil
	} else {
		legacy = podSpec.Field("serviceAccount") != nil
	}
	if legacy {
		set(yaml.NewStringRNode(w.ServiceAccount), "serviceAccount")
	}
	set(boolNode(*w.Spec.Identity.AutomountToken), "automountServiceAccountToken")
	if r := w.Spec.Registry; r != nil && r.PullSecret != "" {
		fs = append(fs, addPullSecret(n, spec, r.PullSecret)...)
	}
	return fs
}

func addPullSecret(n *yaml.RNode, spec []string, name string) finding.List {
	path := append(append([]string(nil), spec...), "imagePullSecrets")
	list, err := n.Pipe(yaml.LookupCreate(yaml.SequenceNode, path...))
	if err != nil {
		return finding.List{finding.Configf(finding.ObjectOf(n), strings.Join(path, "."), "cannot set: %v", err)}
	}
	elems, _ := list.Elements()
	for _, el := range elems {
		if f := el.Field("name"); f != nil && yaml.GetValue(f.Value) == name {
			return nil
		}
	}
	entry := yaml.NewMapRNode(&map[string]string{"name": name})
	if err := list.PipeE(yaml.Append(entry.YNode())); err != nil {
		return finding.List{finding.Configf(finding.ObjectOf(n), strings.Join(path, "."), "cannot set: %v", err)}
	}
	return nil
}
