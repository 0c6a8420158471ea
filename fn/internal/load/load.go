// Package load turns a ResourceList into a typed Model: the workloads, their
// Services, and every NetworkIdentity, with config errors naming object and field.
package load

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/yamlconv"
	"netid.dev/netid/krm/v1alpha1"
)

// Ownership markers on everything the function generates. A rerun removes the
// objects carrying GeneratedAnnotation that it recognises as its own (see
// emit.Previous) and builds them again, so running the function on its own
// output changes nothing.
const (
	GeneratedAnnotation = v1alpha1.GeneratedAnnotation
	DigestAnnotation    = v1alpha1.DigestAnnotation
	ManagedByLabel      = v1alpha1.ManagedByLabel
	ManagedByValue      = v1alpha1.ManagedByValue
	LocalConfig         = "config.kubernetes.io/local-config"
)

// kustomize records the names an object had before its builtin transformers
// (namePrefix, namespace) ran; configs may use either.
const (
	previousNames      = "internal.config.kubernetes.io/previousNames"
	previousNamespaces = "internal.config.kubernetes.io/previousNamespaces"
)

// Workload is a pod-bearing object of the render (PodKinds): a Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, bare Pod or Argo Rollout.
type Workload struct {
	Node   *yaml.RNode
	Object finding.Object
	// PodKind says where its pod template is.
	PodKind PodKind
	// Names are the names the workload answers to: its own, then any earlier
	// name kustomize recorded.
	Names []string
	// Namespaces likewise.
	Namespaces []string
	// Selector selects the pods the workload owns: spec.selector where the
	// kind has one, else the pod template's labels; nil when neither selects
	// anything (a Job, CronJob or Pod without labels).
	Selector *metav1.LabelSelector
	// Template is the pod template (a Pod's own labels and spec), read-only.
	Template corev1.PodTemplateSpec
}

// Kind returns the workload's kind, e.g. "Deployment".
func (w *Workload) Kind() string { return w.Object.Kind }

// Name returns the workload's name as rendered.
func (w *Workload) Name() string { return w.Object.Name }

// Namespace returns the workload's namespace as rendered.
func (w *Workload) Namespace() string { return w.Object.Namespace }

// Answers reports whether the workload is the one a config names.
func (w *Workload) Answers(name, namespace string) bool {
	return slices.Contains(w.Names, name) && (namespace == "" || slices.Contains(w.Namespaces, namespace))
}

// Service is a v1 Service of the render.
type Service struct {
	Node   *yaml.RNode
	Object finding.Object
	// Names are the names the Service answers to: its own, then any earlier
	// name kustomize recorded.
	Names []string
	Spec  corev1.ServiceSpec
}

// Run holds the run-wide settings, read from the functionConfig.
type Run struct {
	// Audit: the functionConfig says mode: audit, so every rule violation of
	// the run is a warning.
	Audit bool
	// ValidateOnly: the functionConfig carries netid.dev/validate-only: "true";
	// items pass through unchanged and only results are added.
	ValidateOnly bool
	// Layout is the NetworkPolicy layout: v1alpha1.LayoutPerWorkload (the
	// default) or LayoutPerFlow, from the functionConfig's
	// netid.dev/network-policy-layout annotation.
	Layout string
}

// Identity is one NetworkIdentity, from the functionConfig or the items.
type Identity struct {
	Object finding.Object
	// Config is decoded and defaulted.
	Config *v1alpha1.NetworkIdentity
	// PinnedEnforce is spec.podSecurity.enforce as written ("" when left
	// to the default).
	PinnedEnforce string
}

// Model is everything the later stages need from the input.
type Model struct {
	// Items are the user's items in input order, without the objects that
	// carry GeneratedAnnotation.
	Items []*yaml.RNode
	// Previous are the items that carry GeneratedAnnotation, in input order:
	// objects an earlier run generated, which a render replaces once it has
	// recognised them (emit.Previous), or objects that only claim to be.
	// They are read like every other item (a workload carrying the mark is
	// still a workload), but are not merged into.
	Previous   []*yaml.RNode
	Workloads  []*Workload
	Services   []*Service
	Identities []*Identity
	// Cluster is the ClusterNetworkIdentity, nil without one.
	Cluster *Cluster
	// Enforced is what the cluster enforces: the ClusterNetworkIdentity's
	// settings or, without one, the CNI the NetworkIdentities name.
	Enforced Enforced
	// Run is how the functionConfig asks this run to behave.
	Run Run
	// FailedConfigs and FailedWorkloads are the NetworkIdentities and
	// workloads that could not be read (their errors are findings): planning
	// the rest reports their errors in the same run, without claiming that a
	// workload has no config or a config no workload because of them.
	FailedConfigs, FailedWorkloads []finding.Object
	// RolloutRefs are Argo Rollouts that run a Deployment's pod template
	// (spec.workloadRef): that Deployment, which must be in the render, is
	// the workload.
	RolloutRefs []*RolloutRef
	// Read is what Load decoded of each item it could decode (pod-bearing
	// objects and Services), by node: process hands it to the rules' stream,
	// which reads the same items, so that each object is decoded once.
	Read map[*yaml.RNode]*Read
}

// Read is what Load decoded of one item. It is read-only: the Model's
// workloads and Services share it.
type Read struct {
	// Selector and Template are a pod-bearing object's spec.selector and pod
	// template as decoded (a Pod's own labels, annotations and spec).
	// TemplateNode is the node Template was decoded from: the one at the
	// kind's template path, nil when there was none; the object's own for a
	// Pod.
	Selector     *metav1.LabelSelector
	Template     *corev1.PodTemplateSpec
	TemplateNode *yaml.Node
	// Service is a v1 Service, decoded.
	Service *corev1.Service
}

// Load reads the items and functionConfig. It returns config findings for
// anything it cannot read; the Model is only usable when none is an error.
func Load(items []*yaml.RNode, functionConfig *yaml.RNode) (*Model, finding.List) {
	m := &Model{Read: make(map[*yaml.RNode]*Read)}
	var fs finding.List
	for _, n := range items {
		if n.GetAnnotations()[GeneratedAnnotation] == "true" {
			m.Previous = append(m.Previous, n)
		} else {
			m.Items = append(m.Items, n)
		}
		obj := finding.ObjectOf(n)
		switch {
		case isWorkload(n):
			w, ref, read, f := loadWorkload(n, obj)
			fs = append(fs, f...)
			if read != nil {
				m.Read[n] = read
			}
			switch {
			case w != nil:
				m.Workloads = append(m.Workloads, w)
			case ref == nil: // a Rollout with workloadRef is no workload, and did not fail
				m.FailedWorkloads = append(m.FailedWorkloads, obj)
			}
			if ref != nil {
				m.RolloutRefs = append(m.RolloutRefs, ref)
			}
		case n.GetApiVersion() == "v1" && n.GetKind() == "Service":
			var svc corev1.Service
			if err := decodeLoose(n, &svc); err != nil {
				fs = append(fs, finding.Configf(obj, "spec", "cannot read Service: %v", err))
				continue
			}
			m.Read[n] = &Read{Service: &svc}
			fs = append(fs, checkService(obj, &svc.Spec)...)
			m.Services = append(m.Services, &Service{Node: n, Object: obj, Spec: svc.Spec,
				Names: unique(obj.Name, splitList(n.GetAnnotations()[previousNames]))})
		case n.GetApiVersion() == "v1" && n.GetKind() == "Namespace":
			fs = append(fs, checkNamespace(obj, n.GetLabels())...)
		case n.GetKind() == v1alpha1.Kind && strings.HasPrefix(n.GetApiVersion(), v1alpha1.Group+"/"):
			id, f := loadIdentity(n, obj)
			fs = append(fs, f...)
			if id == nil {
				m.FailedConfigs = append(m.FailedConfigs, obj)
			}
			if id != nil {
				if n.GetAnnotations()[LocalConfig] != "true" && !isFunctionConfig(n, functionConfig) {
					fs = append(fs, finding.Finding{Severity: finding.Warning, Rule: finding.ConfigRule, Object: obj, Field: "metadata.annotations",
						Message: LocalConfig + ` is not "true": kustomize would emit this NetworkIdentity and the cluster has no such kind; mark it local-config`})
				}
				m.Identities = append(m.Identities, id)
			}
		case isCluster(n):
			c, f := loadCluster(n, obj)
			fs = append(fs, f...)
			if c == nil {
				continue
			}
			if n.GetAnnotations()[LocalConfig] != "true" && !isFunctionConfig(n, functionConfig) {
				fs = append(fs, finding.Finding{Severity: finding.Warning, Rule: finding.ConfigRule, Object: obj, Field: "metadata.annotations",
					Message: LocalConfig + ` is not "true": kustomize would emit this ClusterNetworkIdentity and the cluster has no such kind; mark it local-config`})
			}
			fs = append(fs, addCluster(m, c)...)
		}
	}
	if functionConfig != nil && !isEmpty(functionConfig) {
		obj := finding.ObjectOf(functionConfig)
		if isCluster(functionConfig) {
			if c, f := loadCluster(functionConfig, obj); c != nil {
				fs = append(fs, addCluster(m, c)...)
			} else {
				fs = append(fs, f...)
			}
			m.Run = Run{Layout: v1alpha1.LayoutPerWorkload}
		} else if functionConfig.GetKind() != v1alpha1.Kind {
			fs = append(fs, finding.Configf(obj, "kind", "the functionConfig must be a %s %s or %s, got %s %s",
				v1alpha1.APIVersion, v1alpha1.Kind, v1alpha1.ClusterKind, functionConfig.GetApiVersion(), functionConfig.GetKind()))
		} else if id, f := loadIdentity(functionConfig, obj); id != nil {
			fs = append(fs, mergeFunctionConfig(m, id)...)
			m.Run = Run{Audit: id.Config.Spec.Mode == v1alpha1.ModeAudit,
				ValidateOnly: functionConfig.GetAnnotations()[v1alpha1.ValidateOnlyAnnotation] == "true",
				Layout:       v1alpha1.LayoutPerWorkload}
			switch l := functionConfig.GetAnnotations()[v1alpha1.NetworkPolicyLayoutAnnotation]; l {
			case "", v1alpha1.LayoutPerWorkload:
			case v1alpha1.LayoutPerFlow:
				m.Run.Layout = l
			default:
				fs = append(fs, finding.Configf(obj, `metadata.annotations["`+v1alpha1.NetworkPolicyLayoutAnnotation+`"]`,
					"unknown NetworkPolicy layout %q: %s (the default) or %s", l, v1alpha1.LayoutPerWorkload, v1alpha1.LayoutPerFlow))
			}
		} else {
			fs = append(fs, f...)
			m.FailedConfigs = append(m.FailedConfigs, obj)
		}
	}
	fs = append(fs, checkRolloutRefs(m)...)
	if len(m.Identities) == 0 && !fs.HasErrors() {
		fs = append(fs, finding.Configf(finding.Object{}, "functionConfig",
			"no %s found: give one as the functionConfig or among the items (marked %s)", v1alpha1.Kind, LocalConfig))
	}
	sort.SliceStable(m.Identities, func(i, j int) bool { return key(m.Identities[i].Object) < key(m.Identities[j].Object) })
	e, efs := resolveEnforced(m)
	m.Enforced = e
	fs = append(fs, efs...)
	return m, fs
}

// mergeFunctionConfig adds the functionConfig unless the same config is also
// an item (kpt passes a package's config file both ways).
func mergeFunctionConfig(m *Model, fc *Identity) finding.List {
	for _, id := range m.Identities {
		if id.Object.Name != fc.Object.Name || id.Object.Namespace != fc.Object.Namespace {
			continue
		}
		a, _ := json.Marshal(id.Config.Spec)
		b, _ := json.Marshal(fc.Config.Spec)
		if string(a) == string(b) {
			return nil
		}
		return finding.List{finding.Configf(fc.Object, "spec",
			"the functionConfig and the item %s are both named %s but differ; keep one: %s", id.Object, fc.Object.Name,
			Differences(fc.Config.Spec, id.Config.Spec, "the functionConfig", "the item"))}
	}
	m.Identities = append(m.Identities, fc)
	return nil
}

func loadIdentity(n *yaml.RNode, obj finding.Object) (*Identity, finding.List) {
	cfg, errs := v1alpha1.DecodeNode(n.YNode())
	pinned := ""
	if len(errs) == 0 {
		if ps := cfg.Spec.PodSecurity; ps != nil {
			pinned = ps.Enforce
		}
		cfg.Default()
		errs = cfg.Validate()
	}
	var fs finding.List
	for _, e := range errs {
		fs = append(fs, finding.Configf(obj, e.Path, "%s", e.Message))
	}
	if len(fs) > 0 {
		return nil, fs
	}
	// metadata of the config as seen by the function (kpt/kustomize annotations
	// are not part of the contract)
	return &Identity{Object: obj, Config: cfg, PinnedEnforce: pinned}, nil
}

// loadWorkload reads a pod-bearing object. A Rollout with spec.workloadRef
// is returned as a RolloutRef instead: it carries no template. read is what
// was decoded (nil when the object could not be), whether or not it is a
// workload.
func loadWorkload(n *yaml.RNode, obj finding.Object) (*Workload, *RolloutRef, *Read, finding.List) {
	k, _ := PodKindOf(n.GetApiVersion(), n.GetKind())
	sel, tmpl, ref, read, err := readPodTemplate(n, k)
	if err != nil {
		return nil, nil, nil, finding.List{finding.Configf(obj, "spec", "cannot read %s: %v", obj.Kind, err)}
	}
	if ref != nil {
		r, fs := rolloutRefOf(n, obj, ref)
		return nil, r, read, fs
	}
	if len(k.Template) > 0 && read.TemplateNode == nil && k.Kind == "Rollout" {
		return nil, nil, read, finding.List{finding.Configf(obj, "spec.template", "the Rollout has neither spec.template nor spec.workloadRef: it runs no pods netid can judge")}
	}
	if k.SelectorRequired && (sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0)) {
		return nil, nil, read, finding.List{finding.Configf(obj, "spec.selector", "%s has no selector; %s requires one", obj.Kind, k.APIVersion)}
	}
	if fs := checkWorkload(obj, k, sel, &tmpl); len(fs) > 0 {
		return nil, nil, read, fs
	}
	annos := n.GetAnnotations()
	return &Workload{
		Node: n, Object: obj, PodKind: k,
		Names:      unique(obj.Name, splitList(annos[previousNames])),
		Namespaces: unique(obj.Namespace, splitList(annos[previousNamespaces])),
		Selector:   podSelector(sel, &tmpl), Template: tmpl,
	}, nil, read, nil
}

func isWorkload(n *yaml.RNode) bool {
	_, ok := PodKindOf(n.GetApiVersion(), n.GetKind())
	return ok
}

// decodeLoose reads a user object into a typed struct, ignoring unknown
// fields: the API server, not this function, owns their schema.
func decodeLoose(n *yaml.RNode, v any) error { return yamlconv.FromNode(n, v) }

func isEmpty(n *yaml.RNode) bool {
	if n.IsNilOrEmpty() {
		return true
	}
	if n.GetApiVersion() == "v1" && n.GetKind() == "ConfigMap" {
		data := n.Field("data")
		return data == nil || data.Value.IsNilOrEmpty()
	}
	fields, err := n.Fields()
	return err == nil && len(fields) == 0
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func unique(first string, rest []string) []string {
	out := []string{first}
	for _, s := range rest {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func key(o finding.Object) string { return fmt.Sprintf("%s/%s/%s", o.Kind, o.Namespace, o.Name) }

// Differences names each field on which a and b (structs or maps, as JSON)
// disagree, with both values and both sources: `enforce: "baseline" in
// NetworkIdentity/shop/web, "restricted" in NetworkIdentity/shop/cart`.
// Nested objects are compared field by field (dns.enabled); a field set on
// one side only shows as (unset) on the other.
func Differences(a, b any, aFrom, bFrom string) string {
	fa, fb := flatten(a), flatten(b)
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	value := func(m map[string]string, k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		return "(unset)"
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if va, vb := value(fa, k), value(fb, k); va != vb {
			out = append(out, fmt.Sprintf("%s: %s in %s, %s in %s", k, va, aFrom, vb, bFrom))
		}
	}
	return strings.Join(out, "; ")
}

// flatten is v as JSON, one entry per leaf of its objects ("dns.enabled":
// "false"); arrays are leaves.
func flatten(v any) map[string]string {
	var tree any
	j, _ := json.Marshal(v)
	_ = json.Unmarshal(j, &tree)
	out := map[string]string{}
	var walk func(prefix string, n any)
	walk = func(prefix string, n any) {
		if m, ok := n.(map[string]any); ok && len(m) > 0 {
			for k, c := range m {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, c)
			}
			return
		}
		if s, ok := n.(string); ok {
			out[prefix] = strconv.Quote(s)
			return
		}
		j, _ := json.Marshal(n)
		out[prefix] = string(j)
	}
	walk("", tree)
	return out
}
