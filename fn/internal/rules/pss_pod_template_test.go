package rules

import (
	"strings"
	"testing"
)

const pssRestrictedPod = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: web
        image: web:1
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

const pssBarePod = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
`

var pssPodTemplateCases = table(pssPodTemplate, []ruleCase{
	{name: "restricted-compliant template", yaml: pssRestrictedPod},
	{name: "bare template fails every restricted check", yaml: pssBarePod, want: []string{
		"Deployment/shop/web spec.template.spec.containers[*].securityContext.allowPrivilegeEscalation",
		"Deployment/shop/web spec.template.spec.containers[*].securityContext.capabilities",
		"Deployment/shop/web spec.template.spec.securityContext.runAsNonRoot",
		"Deployment/shop/web spec.template.spec.securityContext.seccompProfile",
	}},
	{name: "bare template passes at the namespace's baseline level", yaml: pssBarePod + `---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: latest}
`},
	{name: "privileged container fails even baseline", yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: agent:1, securityContext: {privileged: true}}]
`, want: []string{
		"DaemonSet/shop/agent spec.template.spec.containers[*].securityContext.privileged",
		"DaemonSet/shop/agent spec.template.spec.hostNetwork",
	}},
	{name: "privileged hostNetwork bare Pod, judged as its own template", yaml: `
apiVersion: v1
kind: Pod
metadata: {name: sniffer, namespace: shop, labels: {app: sniffer}}
spec:
  hostNetwork: true
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers: [{name: s, image: s:1, securityContext: {privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
`, want: []string{
		"Pod/shop/sniffer spec.containers[*].securityContext.privileged",
		"Pod/shop/sniffer spec.hostNetwork",
	}},
	{name: "CronJob judged at spec.jobTemplate.spec.template, at the namespace's baseline level", yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: ops
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: scan, namespace: ops}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          hostPID: true
          containers: [{name: scan, image: scan:1}]
`, want: []string{
		"CronJob/ops/scan spec.jobTemplate.spec.template.spec.hostNetwork",
	}},
	{name: "restricted-compliant Job, ReplicaSet and Rollout", yaml: strings.Replace(pssRestrictedPod, "apiVersion: apps/v1\nkind: Deployment", "apiVersion: batch/v1\nkind: Job", 1) + "---" +
		strings.Replace(strings.Replace(pssRestrictedPod, "kind: Deployment", "kind: ReplicaSet", 1), "name: web,", "name: rs,", 1) + "---" +
		strings.Replace(strings.Replace(pssRestrictedPod, "apiVersion: apps/v1\nkind: Deployment", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout", 1), "name: web,", "name: ro,", 1)},
	{name: "a Rollout with spec.workloadRef carries no template to judge", yaml: `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}
`},
	{name: "a Deployment of another API group is no workload", yaml: strings.Replace(pssBarePod, "apiVersion: apps/v1\nkind: Deployment", "apiVersion: example.com/v1\nkind: Deployment", 1)},
})

func TestPssPodTemplate(t *testing.T) { runCases(t, pssPodTemplate, pssPodTemplateCases) }
