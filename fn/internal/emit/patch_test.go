package emit

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// refPatchPodTemplate is patchPodTemplate as it was, walking the path to the
// pod spec once per field: the reference the test holds it to.
func refPatchPodTemplate(w *plan.Workload) finding.List {
	n := w.Source.Node
	spec := w.Source.PodKind.SpecPath()
	fs := setField(n, yaml.NewStringRNode(w.ServiceAccount), append(spec, "serviceAccountName")...)
	if legacy, _ := n.Pipe(yaml.Lookup(append(spec, "serviceAccount")...)); legacy != nil {
		fs = append(fs, setField(n, yaml.NewStringRNode(w.ServiceAccount), append(spec, "serviceAccount")...)...)
	}
	fs = append(fs, setField(n, boolNode(*w.Spec.Identity.AutomountToken), append(spec, "automountServiceAccountToken")...)...)
	if r := w.Spec.Registry; r != nil && r.PullSecret != "" {
		fs = append(fs, addPullSecret(n, spec, r.PullSecret)...)
	}
	return fs
}

// TestPatchPodTemplateSameAsRef patches pod templates of every shape, the
// odd ones included (no spec, a null or a list where a mapping belongs, the
// legacy serviceAccount field, a null one), and compares the YAML and the
// findings with the reference.
func TestPatchPodTemplateSameAsRef(t *testing.T) {
	specs := []string{
		"spec: {template: {spec: {containers: [{name: a}]}}}",
		"spec: {template: {spec: {serviceAccount: old, serviceAccountName: old}}}",
		"spec: {template: {spec: {serviceAccount: null}}}",
		"spec: {template: {spec: {serviceAccount: ~, automountServiceAccountToken: true}}}",
		"spec: {template: {spec: null}}",
		"spec: {template: {spec: ~}}",
		"spec: {template: null}",
		"spec: {template: {spec: [a, b]}}",
		"spec: {template: [a]}",
		"spec: {template: x}",
		"spec: {template: {metadata: {}}}",
		"spec: {}",
		"spec: null",
		"metadata: {name: x}",
		"spec: {template: {spec: {serviceAccountName: \"quoted\", imagePullSecrets: [{name: s}]}}}",
		"spec: {template: {spec: {imagePullSecrets: x}}}",
		"spec: {jobTemplate: {spec: {template: {spec: {}}}}}",
		"spec: {containers: [{name: a}], serviceAccount: x}",
	}
	kinds := []string{"Deployment", "CronJob", "Pod"}
	for _, kind := range kinds {
		pk, _ := load.PodKindOf(map[string]string{"Deployment": "apps/v1", "CronJob": "batch/v1", "Pod": "v1"}[kind], kind)
		for _, spec := range specs {
			for _, sa := range []string{"web", "yes", "123", "on"} {
				for _, secret := range []string{"", "s", "pull"} {
					doc := fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata: {name: w, namespace: ns}\n%s\n", pk.APIVersion, kind, spec)
					run := func(patch func(*plan.Workload) finding.List) (string, finding.List) {
						n := yaml.MustParse(doc)
						automount := sa == "yes"
						s := &v1alpha1.Spec{}
						s.Identity = v1alpha1.Identity{AutomountToken: &automount}
						if secret != "" {
							s.Registry = &v1alpha1.Registry{PullSecret: secret}
						}
						w := &plan.Workload{Source: &load.Workload{Node: n, PodKind: pk}, Spec: s, ServiceAccount: sa}
						fs := patch(w)
						out, err := n.String()
						if err != nil {
							t.Fatal(err)
						}
						return out, fs
					}
					got, gotFs := run(patchPodTemplate)
					want, wantFs := run(refPatchPodTemplate)
					if got != want || !reflect.DeepEqual(gotFs, wantFs) {
						t.Errorf("%s with %q, sa %s, secret %q:\n got  %s%v\n want %s%v", kind, spec, sa, secret, got, gotFs, want, wantFs)
					}
					if strings.Contains(spec, "null") && got == "" {
						t.Errorf("empty output")
					}
				}
			}
		}
	}
}
