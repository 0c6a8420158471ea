package load_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/load"
)

const restricted = `
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: c
        image: example.com/c:1
        ports: [{name: http, containerPort: 8080}]`

// podDocs are one object of each pod-bearing kind but Deployment, each
// with pod labels app=<its name>.
var podDocs = map[string]string{
	"ReplicaSet": `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs, namespace: shop}
spec:
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec:` + restricted,
	"Job": `apiVersion: batch/v1
kind: Job
metadata: {name: job, namespace: shop}
spec:
  template:
    metadata: {labels: {app: job}}
    spec:
      restartPolicy: Never` + restricted,
	"CronJob": `apiVersion: batch/v1
kind: CronJob
metadata: {name: cron, namespace: shop}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: cron}}
        spec:
          restartPolicy: Never
          containers: [{name: c, image: example.com/c:1, ports: [{name: http, containerPort: 8080}]}]`,
	"Pod": `apiVersion: v1
kind: Pod
metadata: {name: pod, namespace: shop, labels: {app: pod}}
spec:
  containers: [{name: c, image: example.com/c:1, ports: [{name: http, containerPort: 8080}]}]`,
	"Rollout": `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro, namespace: shop}
spec:
  selector: {matchLabels: {app: ro}}
  template:
    metadata: {labels: {app: ro}}
    spec:` + restricted,
}

func TestPodKindsAreWorkloads(t *testing.T) {
	for kind, doc := range podDocs {
		t.Run(kind, func(t *testing.T) {
			nodes, err := kio.ParseAll(doc + "\n---\n" + config)
			if err != nil {
				t.Fatal(err)
			}
			m, fs := load.Load(nodes, nil)
			if len(fs) > 0 {
				t.Fatalf("findings: %v", fs)
			}
			if len(m.Workloads) != 1 {
				t.Fatalf("%d workloads, want 1", len(m.Workloads))
			}
			w := m.Workloads[0]
			if w.Kind() != kind {
				t.Errorf("kind %s, want %s", w.Kind(), kind)
			}
			app := w.Name()
			if w.Selector == nil || w.Selector.MatchLabels["app"] != app {
				t.Errorf("selector %v, want app=%s", w.Selector, app)
			}
			if w.Template.Labels["app"] != app {
				t.Errorf("template labels %v, want app=%s", w.Template.Labels, app)
			}
			if len(w.Template.Spec.Containers) != 1 || len(w.Template.Spec.Containers[0].Ports) != 1 {
				t.Errorf("template spec not read: %+v", w.Template.Spec)
			}
		})
	}
}

func TestPodKindPaths(t *testing.T) {
	for _, tc := range []struct{ apiVersion, kind, want string }{
		{"apps/v1", "Deployment", "spec.template.spec.serviceAccountName"},
		{"batch/v1", "Job", "spec.template.spec.serviceAccountName"},
		{"batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec.serviceAccountName"},
		{"v1", "Pod", "spec.serviceAccountName"},
		{"argoproj.io/v1alpha1", "Rollout", "spec.template.spec.serviceAccountName"},
	} {
		if got := load.SpecFieldOf(tc.apiVersion, tc.kind, "serviceAccountName"); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.kind, got, tc.want)
		}
	}
	if _, ok := load.PodKindOf("batch/v1beta1", "CronJob"); ok {
		t.Errorf("batch/v1beta1 CronJob (removed in Kubernetes 1.25) taken for a pod kind")
	}
}

func TestPodKindsValidated(t *testing.T) {
	long := strings.Repeat
	tests := []struct {
		name, doc string
		want      string // "" for valid
	}{
		{"a 52-character CronJob name", strings.Replace(podDocs["CronJob"], "name: cron,", "name: "+long("c", 52)+",", 1), ""},
		{"a 53-character CronJob name", strings.Replace(podDocs["CronJob"], "name: cron,", "name: "+long("c", 53)+",", 1), "metadata.name"},
		{"a 64-character Job name", strings.Replace(podDocs["Job"], "name: job,", "name: "+long("j", 64)+",", 1), "metadata.name"},
		{"a CronJob's 16-character container port name", strings.Replace(podDocs["CronJob"], "name: http", "name: sixteen-chars-xx", 1),
			"spec.jobTemplate.spec.template.spec.containers[0].ports[0].name"},
		{"a Pod's 64-character label value", strings.Replace(podDocs["Pod"], "labels: {app: pod}", "labels: {app: "+long("a", 64)+"}", 1), "metadata.labels[app]"},
		{"a Rollout without a selector", strings.Replace(podDocs["Rollout"], "  selector: {matchLabels: {app: ro}}\n", "", 1), "spec.selector"},
		{"a Rollout with a workloadRef and a template", strings.Replace(podDocs["Rollout"], "  selector:", "  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n  selector:", 1), "spec.template"},
		{"a Rollout with neither template nor workloadRef", `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro, namespace: shop}
spec:
  selector: {matchLabels: {app: ro}}`, "spec.template"},
		{"a Rollout referencing a StatefulSet", `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro, namespace: shop}
spec:
  selector: {matchLabels: {app: ro}}
  workloadRef: {apiVersion: apps/v1, kind: StatefulSet, name: d}`, "spec.workloadRef"},
		{"a Rollout referencing a Deployment not in the render", `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro, namespace: shop}
spec:
  selector: {matchLabels: {app: ro}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: d}`, "spec.workloadRef.name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes, err := kio.ParseAll(tc.doc + "\n---\n" + config)
			if err != nil {
				t.Fatal(err)
			}
			_, fs := load.Load(nodes, nil)
			if tc.want == "" {
				if fs.HasErrors() {
					t.Fatalf("findings: %v", fs)
				}
				return
			}
			found := false
			for _, f := range fs {
				found = found || f.Field == tc.want
			}
			if !found {
				t.Errorf("findings %v, want an error on %s", fs, tc.want)
			}
		})
	}
}

func TestRolloutWorkloadRef(t *testing.T) {
	nodes, err := kio.ParseAll(workload("api", "shop", "api", `[]`) + "---\n" + `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}
---
` + config)
	if err != nil {
		t.Fatal(err)
	}
	m, fs := load.Load(nodes, nil)
	if fs.HasErrors() {
		t.Fatalf("findings: %v", fs)
	}
	if len(m.Workloads) != 1 || m.Workloads[0].Kind() != "Deployment" {
		t.Fatalf("workloads %v, want only the Deployment", m.Workloads)
	}
	if len(m.RolloutRefs) != 1 || m.RolloutTarget(m.RolloutRefs[0]) != m.Workloads[0] {
		t.Errorf("the Rollout does not resolve to the Deployment: %+v", m.RolloutRefs)
	}
}
