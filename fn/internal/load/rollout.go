package load

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
)

// An Argo Rollout either carries its pod template (spec.template: a
// workload like a Deployment) or references a Deployment's
// (spec.workloadRef). The referenced Deployment's template is what the
// Rollout's pods run, with the Deployment's labels, so that Deployment is
// the workload netid governs, judges and patches; the Rollout itself is left
// as it is. A reference netid cannot follow is refused: the pods it makes
// could be judged by nothing.

// rolloutRefOf checks a Rollout's spec.workloadRef.
func rolloutRefOf(n *yaml.RNode, obj finding.Object, ref *rolloutRef) (*RolloutRef, finding.List) {
	var fs finding.List
	if t, _ := n.Pipe(yaml.Lookup("spec", "template")); t != nil && !t.IsNilOrEmpty() {
		fs = append(fs, finding.Configf(obj, "spec.template",
			"a Rollout carries either spec.template or spec.workloadRef, not both (Argo Rollouts refuses it); remove one"))
	}
	if ref.Kind != "Deployment" || (ref.APIVersion != "" && ref.APIVersion != "apps/v1") {
		fs = append(fs, finding.Configf(obj, "spec.workloadRef",
			"references %s %s: netid follows a workloadRef to an apps/v1 Deployment only, whose pod template it can judge", ref.APIVersion, ref.Kind))
	}
	if ref.Name == "" {
		fs = append(fs, finding.Configf(obj, "spec.workloadRef.name", "names no Deployment"))
	}
	if len(fs) > 0 {
		return nil, fs
	}
	return &RolloutRef{Object: obj, Deployment: ref.Name}, nil
}

// checkRolloutRefs refuses a Rollout whose referenced Deployment is not in
// the render: the pods it would run could not be judged.
func checkRolloutRefs(m *Model) finding.List {
	var fs finding.List
	for _, r := range m.RolloutRefs {
		if m.RolloutTarget(r) == nil {
			fs = append(fs, finding.Configf(r.Object, "spec.workloadRef.name",
				"the Rollout runs the pod template of Deployment %s/%s, which is not in the render: netid cannot judge the pods it makes; render the Deployment with it",
				r.Object.Namespace, r.Deployment))
		}
	}
	return fs
}

// RolloutTarget is the Deployment a Rollout references, or nil.
func (m *Model) RolloutTarget(r *RolloutRef) *Workload {
	for _, w := range m.Workloads {
		if w.Object.Kind == "Deployment" && w.Object.Namespace == r.Object.Namespace && w.Answers(r.Deployment, "") {
			return w
		}
	}
	return nil
}
