package rules

import "testing"

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
})

func TestPssPodTemplate(t *testing.T) { runCases(t, pssPodTemplate, pssPodTemplateCases) }
