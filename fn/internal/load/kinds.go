package load

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
)

// PodKind is a kind of object that runs pods, and where its pod template is.
type PodKind struct {
	// APIVersion and Kind, e.g. "batch/v1" and "CronJob".
	APIVersion, Kind string
	// Template is the path of the pod template (metadata and spec), e.g.
	// ["spec", "jobTemplate", "spec", "template"]; empty for a bare Pod, which
	// is its own template (metadata.labels, spec).
	Template []string
	// SelectorRequired: the kind requires spec.selector (apps/v1 and Argo
	// Rollouts). A Job's is optional (the API server generates one), a
	// CronJob and a Pod have none: their pods are selected by the template's
	// labels.
	SelectorRequired bool
}

// PodKinds are every pod-bearing kind netid governs and judges.
var PodKinds = []PodKind{
	{"apps/v1", "Deployment", []string{"spec", "template"}, true},
	{"apps/v1", "StatefulSet", []string{"spec", "template"}, true},
	{"apps/v1", "DaemonSet", []string{"spec", "template"}, true},
	{"apps/v1", "ReplicaSet", []string{"spec", "template"}, true},
	{"batch/v1", "Job", []string{"spec", "template"}, false},
	{"batch/v1", "CronJob", []string{"spec", "jobTemplate", "spec", "template"}, false},
	{"v1", "Pod", nil, false},
	{"argoproj.io/v1alpha1", "Rollout", []string{"spec", "template"}, true},
}

// PodKindNames is "Deployment, StatefulSet, …", for messages.
func PodKindNames() string {
	var out []string
	for _, k := range PodKinds {
		out = append(out, k.Kind)
	}
	return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
}

// PodKindOf returns the pod kind of an object, if it is one.
func PodKindOf(apiVersion, kind string) (PodKind, bool) {
	for _, k := range PodKinds {
		if k.APIVersion == apiVersion && k.Kind == kind {
			return k, true
		}
	}
	return PodKind{}, false
}

// TemplatePath is the dotted path of the pod template ("spec.template",
// "spec.jobTemplate.spec.template", "" for a Pod).
func (k PodKind) TemplatePath() string { return strings.Join(k.Template, ".") }

// SpecPath is the pod spec's path as a list, e.g. ["spec", "template",
// "spec"]; ["spec"] for a Pod.
func (k PodKind) SpecPath() []string {
	return slices.Clip(append(append([]string(nil), k.Template...), "spec"))
}

// SpecField is the dotted path of a field of the pod spec, e.g.
// SpecField("serviceAccountName") is "spec.template.spec.serviceAccountName"
// for a Deployment, "spec.serviceAccountName" for a Pod.
func (k PodKind) SpecField(f string) string {
	return strings.Join(append(k.SpecPath(), f), ".")
}

// SpecFieldOf is SpecField for the pod kind of kind (apps/v1's path for any
// other, e.g. in a test fixture).
func SpecFieldOf(apiVersion, kind, f string) string {
	k, ok := PodKindOf(apiVersion, kind)
	if !ok {
		k = PodKinds[0]
	}
	return k.SpecField(f)
}

// rolloutRef is an Argo Rollout that runs the pod template of a Deployment
// (spec.workloadRef) instead of carrying one.
type rolloutRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
}

// readPodTemplate reads an object's pod template and selector: the
// template at the kind's path (for a Pod, its own labels, annotations and
// spec), spec.selector, and for a Rollout spec.workloadRef. read records
// what was read, for the stream (Read).
func readPodTemplate(n *yaml.RNode, k PodKind) (sel *metav1.LabelSelector, tmpl corev1.PodTemplateSpec, ref *rolloutRef, read *Read, err error) {
	if len(k.Template) == 0 {
		var pod corev1.Pod
		if err = decodeLoose(n, &pod); err != nil {
			return nil, tmpl, nil, nil, err
		}
		tmpl.ObjectMeta = metav1.ObjectMeta{Labels: pod.Labels, Annotations: pod.Annotations}
		tmpl.Spec = pod.Spec
		return nil, tmpl, nil, &Read{Template: &tmpl, TemplateNode: n.YNode()}, nil
	}
	var w struct {
		Spec struct {
			Selector    *metav1.LabelSelector `json:"selector"`
			WorkloadRef *rolloutRef           `json:"workloadRef"`
		} `json:"spec"`
	}
	if err = decodeLoose(n, &w); err != nil {
		return nil, tmpl, nil, nil, err
	}
	t, err := n.Pipe(yaml.Lookup(k.Template...))
	if err != nil {
		return nil, tmpl, nil, nil, err
	}
	read = &Read{Selector: w.Spec.Selector, Template: &tmpl}
	if t != nil {
		if err = decodeLoose(t, &tmpl); err != nil {
			return nil, tmpl, nil, nil, err
		}
		read.TemplateNode = t.YNode()
	}
	if k.Kind == "Rollout" {
		ref = w.Spec.WorkloadRef
	}
	return w.Spec.Selector, tmpl, ref, read, nil
}

// podSelector is the selector netid's policies use for a workload's pods:
// spec.selector where the kind has one, else the template's labels (nil
// when there are none: such pods cannot be selected apart from their
// namespace's others).
func podSelector(sel *metav1.LabelSelector, tmpl *corev1.PodTemplateSpec) *metav1.LabelSelector {
	if sel != nil && (len(sel.MatchLabels) > 0 || len(sel.MatchExpressions) > 0) {
		return sel
	}
	if len(tmpl.Labels) == 0 {
		return nil
	}
	m := make(map[string]string, len(tmpl.Labels))
	for k, v := range tmpl.Labels {
		m[k] = v
	}
	return &metav1.LabelSelector{MatchLabels: m}
}

// RolloutRef is an Argo Rollout whose pods run a Deployment's template
// (spec.workloadRef). It is not a workload of its own: the Deployment is.
type RolloutRef struct {
	Object finding.Object
	// Deployment is the referenced Deployment, in the Rollout's namespace.
	Deployment string
}
