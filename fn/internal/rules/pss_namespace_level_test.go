package rules

import "testing"

const pnlWorkload = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
`

// pnlNamespace is the Namespace shop with the given labels (a flow mapping body).
func pnlNamespace(labels string) string {
	return `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {` + labels + `}
`
}

const pnlRestricted = `pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted`

// pnlExcepted is web's NetworkIdentity with an exception for pss-pod-template
// (web's template runs as root: it needs baseline).
const pnlExcepted = `
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  mesh: {provider: none, eastWest: "TLS in the app"}
  exceptions: [{rule: pss-pod-template, adr: ADR-0042, reason: "legacy image runs as root"}]
`

const pnlBaselineEnforced = `pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted`

var pssNamespaceLevelCases = table(pssNamespaceLevel, []ruleCase{
	{name: "enforce lowered to the level an excepted template needs", yaml: pnlWorkload + "---" + pnlExcepted + "---" + pnlNamespace(pnlBaselineEnforced)},
	{name: "enforce lowered below what the excepted template needs", yaml: pnlWorkload + "---" + pnlExcepted + "---" + pnlNamespace(
		`pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted`),
		want: []string{"Namespace/shop metadata.labels.pod-security.kubernetes.io/enforce"}},
	{name: "an excepted template does not lower audit", yaml: pnlWorkload + "---" + pnlExcepted + "---" + pnlNamespace(
		`pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/audit: baseline, pod-security.kubernetes.io/warn: restricted`),
		want: []string{"Namespace/shop metadata.labels.pod-security.kubernetes.io/audit"}},
	{name: "restricted everywhere", yaml: pnlWorkload + "---" + pnlNamespace(pnlRestricted)},
	{name: "restricted at a pinned version", yaml: pnlWorkload + "---" + pnlNamespace(pnlRestricted+
		`, pod-security.kubernetes.io/enforce-version: v1.30, pod-security.kubernetes.io/audit-version: latest`)},
	{name: "a namespace without workloads is not judged", yaml: pnlNamespace(`pod-security.kubernetes.io/enforce: privileged`)},
	{name: "no Namespace in the render", yaml: pnlWorkload,
		want: []string{"Deployment/shop/web metadata.namespace"}},
	{name: "Namespace without labels", yaml: pnlWorkload + "---" + pnlNamespace(``), want: []string{
		"Namespace/shop metadata.labels.pod-security.kubernetes.io/audit",
		"Namespace/shop metadata.labels.pod-security.kubernetes.io/enforce",
		"Namespace/shop metadata.labels.pod-security.kubernetes.io/warn",
	}},
	{name: "enforce baseline", yaml: pnlWorkload + "---" + pnlNamespace(
		`pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted`),
		want: []string{"Namespace/shop metadata.labels.pod-security.kubernetes.io/enforce"}},
	{name: "warn missing and audit not a level", yaml: pnlWorkload + "---" + pnlNamespace(
		`pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/audit: Restricted`), want: []string{
		"Namespace/shop metadata.labels.pod-security.kubernetes.io/audit",
		"Namespace/shop metadata.labels.pod-security.kubernetes.io/warn",
	}},
	{name: "privileged, judged once for two workloads", yaml: pnlWorkload + `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: agent:1}]}
---` + pnlNamespace(`pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted`),
		want: []string{"Namespace/shop metadata.labels.pod-security.kubernetes.io/enforce"}},
	{name: "each namespace needs its own", yaml: pnlWorkload + "---" + pnlNamespace(pnlRestricted) + `---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db:1}]}
`, want: []string{"StatefulSet/data/db metadata.namespace"}},
})

func TestPssNamespaceLevel(t *testing.T) { runCases(t, pssNamespaceLevel, pssNamespaceLevelCases) }

// TestPssNamespaceLevelAttribution checks that a namespace's violation is held
// against its governed workloads only.
func TestPssNamespaceLevelAttribution(t *testing.T) {
	s := streamOf(t, pnlWorkload+"---"+pnlNamespace(`pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted`)+`---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  mesh: {provider: none, eastWest: "TLS in the app"}
`)
	vs := pssNamespaceLevel.Check(s)
	if len(vs) != 1 || len(vs[0].Workloads) != 1 || vs[0].Workloads[0] != "shop/web" {
		t.Errorf("violations %+v, want one attributed to shop/web", vs)
	}
}
