package plan_test

import (
	"strings"
	"testing"
)

// cron is a CronJob name/ns whose pods are labelled app=<app> ("" for no labels).
func cron(name, ns, app string) string {
	labels := ""
	if app != "" {
		labels = "\n          metadata: {labels: {app: " + app + "}}"
	}
	return "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:" +
		labels + "\n          spec:\n            restartPolicy: Never\n            containers: [{name: c, image: example.com/c:1}]\n"
}

// pod is a bare Pod labelled app=<name> with the given container ports.
func pod(name, ns, ports string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: {app: " + name + "}}\nspec:\n  containers: [{name: c, image: example.com/c:1, ports: " + ports + "}]\n"
}

func TestPodKindsPlanned(t *testing.T) {
	p := mustPlan(t,
		dep("cart", "shop", `[{name: http, containerPort: 8080}]`),
		cron("report", "shop", "report"),
		pod("debug", "shop", `[{name: admin, containerPort: 9000}]`),
		ni("cart", "shop", ""),
		ni("report", "shop", "  egress:\n  - to: {workload: cart}\n    ports: [http]\n    reason: nightly numbers\n"),
		ni("debug", "shop", "  ingress:\n  - from: {workload: report}\n    ports: [admin]\n    reason: report reads the debug page\n"),
	)
	if len(p.Workloads) != 3 {
		t.Fatalf("%d planned workloads, want 3", len(p.Workloads))
	}
	r := workload(t, p, "shop", "report")
	if r.Source.Kind() != "CronJob" || r.Selector().MatchLabels["app"] != "report" {
		t.Errorf("report: kind %s selector %v, want a CronJob selected by app=report", r.Source.Kind(), r.Selector())
	}
	if len(r.Out) != 2 {
		t.Errorf("report makes %d flows, want 2 (to cart, to debug)", len(r.Out))
	}
	if d := workload(t, p, "shop", "debug"); d.Source.Kind() != "Pod" || len(d.In) != 1 {
		t.Errorf("debug: kind %s, %d flows in; want a Pod with 1", d.Source.Kind(), len(d.In))
	}
	if len(p.Ungoverned) != 0 {
		t.Errorf("ungoverned %v, want none", p.Ungoverned)
	}
}

func TestPodKindsRefused(t *testing.T) {
	rollout := "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: api, namespace: shop}\nspec:\n  selector: {matchLabels: {app: api}}\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api-v1}\n"
	tests := []struct {
		name  string
		docs  []string
		field string
		msg   string
	}{
		{"a CronJob without a NetworkIdentity in a governed namespace",
			[]string{dep("cart", "shop", ""), cron("report", "shop", "report"), ni("cart", "shop", "")},
			"metadata.name", "CronJob has no NetworkIdentity"},
		{"a governed CronJob without pod labels",
			[]string{cron("report", "shop", ""), ni("report", "shop", "")},
			"spec.workload", "spec.jobTemplate.spec.template.metadata.labels"},
		{"a peer CronJob without pod labels",
			[]string{dep("cart", "shop", ""), cron("report", "other", ""), ni("cart", "shop", "  ingress:\n  - from: {workload: report, namespace: other}\n    ports: [{port: 80}]\n    reason: r\n")},
			"spec.ingress[0].from.workload", "has no pod labels"},
		{"a config naming a Rollout that references a Deployment",
			[]string{dep("api-v1", "shop", ""), rollout, ni("api", "shop", ""), ni("api-v1", "shop", "")},
			"spec.workload", "declare that Deployment"},
		{"a Deployment and a Pod sharing a name in one namespace",
			[]string{dep("cart", "shop", ""), pod("cart", "shop", "[]"), ni("cart", "shop", "")},
			"spec.workload", "share a name in one namespace"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := makePlan(t, tc.docs...)
			for _, f := range fs {
				if f.Field == tc.field && strings.Contains(f.Message, tc.msg) {
					return
				}
			}
			t.Errorf("findings %v, want one on %s containing %q", fs, tc.field, tc.msg)
		})
	}
}

func TestUngovernedListed(t *testing.T) {
	p := mustPlan(t,
		dep("cart", "shop", ""),
		cron("report", "batch", "report"),
		pod("debug", "batch", "[]"),
		ni("cart", "shop", ""),
	)
	var got []string
	for _, w := range p.Ungoverned {
		got = append(got, w.Object.String())
	}
	if want := "Pod/batch/debug CronJob/batch/report"; strings.Join(got, " ") != want {
		t.Errorf("ungoverned %v, want %s", got, want)
	}
}
