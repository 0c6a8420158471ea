// Package estate generates synthetic applications for benchmarks: n
// workloads in namespaces of 25, each with a Service and a NetworkIdentity
// declaring about three calls, some across namespaces. Deterministic.
package estate

import (
	"fmt"
	"strings"
)

// PerNamespace is the number of workloads in each namespace.
const PerNamespace = 25

// ResourceList returns a ResourceList of n workloads: Deployments, Services
// and NetworkIdentity items, with the first workload's config as the
// functionConfig.
func ResourceList(n int) string { return resourceList(n, "") }

// NativeResourceList is ResourceList with a ClusterNetworkIdentity among the
// items that renders the workloads in cni's own dialect (dialect: native)
// with a baseline that denies the cloud metadata address and logs what it
// denies.
func NativeResourceList(n int, cni string) string { return resourceList(n, cni) }

func resourceList(n int, cni string) string {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i := 0; i < n; i++ {
		ns, name := where(i)
		fmt.Fprintf(&b, `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: %[2]s, namespace: %[1]s, labels: {app.kubernetes.io/name: %[2]s}}
  spec:
    replicas: 2
    selector: {matchLabels: {app.kubernetes.io/name: %[2]s}}
    template:
      metadata: {labels: {app.kubernetes.io/name: %[2]s}}
      spec:
        securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
        containers:
        - name: app
          image: registry.example.com/%[1]s/%[2]s:1.0.0
          ports: [{name: http, containerPort: 8080}]
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
- apiVersion: v1
  kind: Service
  metadata: {name: %[2]s, namespace: %[1]s}
  spec:
    selector: {app.kubernetes.io/name: %[2]s}
    ports: [{name: http, port: 80, targetPort: http}]
`, ns, name)
		if i > 0 {
			b.WriteString(identity(i, n, "- ", "  "))
		}
	}
	if cni != "" {
		fmt.Fprintf(&b, `- apiVersion: netid.dev/v1alpha1
  kind: ClusterNetworkIdentity
  metadata: {name: cluster, annotations: {config.kubernetes.io/local-config: "true"}}
  spec:
    cni: %s
    dialect: native
    baseline:
      deny: [{cidr: 169.254.169.254/32, reason: "cloud instance metadata"}]
      logDenied: true
`, cni)
	}
	b.WriteString("functionConfig:\n")
	b.WriteString(identity(0, n, "  ", "  "))
	return b.String()
}

func where(i int) (ns, name string) {
	return fmt.Sprintf("ns-%03d", i/PerNamespace), fmt.Sprintf("svc-%04d", i)
}

// identity is workload i's NetworkIdentity: calls to the next two workloads
// of its namespace and, for every fifth workload, one in the next namespace.
func identity(i, n int, first, indent string) string {
	ns, name := where(i)
	var b strings.Builder
	fmt.Fprintf(&b, "%sapiVersion: netid.dev/v1alpha1\n", first)
	fmt.Fprintf(&b, "%skind: NetworkIdentity\n", indent)
	fmt.Fprintf(&b, "%smetadata: {name: %s, namespace: %s, annotations: {config.kubernetes.io/local-config: \"true\"}}\n", indent, name, ns)
	fmt.Fprintf(&b, "%sspec:\n", indent)
	fmt.Fprintf(&b, "%s  registry: {pullSecret: regcred, auth: short-lived}\n", indent)
	fmt.Fprintf(&b, "%s  mesh: {provider: none, eastWest: \"WireGuard between nodes\"}\n", indent)
	var calls []string
	base := i / PerNamespace * PerNamespace
	for _, d := range []int{1, 2} {
		j := base + (i-base+d)%PerNamespace
		if j < n && j != i {
			_, callee := where(j)
			calls = append(calls, fmt.Sprintf("{to: {workload: %s}, ports: [http], reason: \"call %s\"}", callee, callee))
		}
	}
	if i%5 == 0 && i+PerNamespace < n {
		cns, callee := where(i + PerNamespace)
		calls = append(calls, fmt.Sprintf("{to: {workload: %s, namespace: %s}, ports: [http], reason: \"call %s\"}", callee, cns, callee))
	}
	if len(calls) > 0 {
		fmt.Fprintf(&b, "%s  egress:\n", indent)
		for _, c := range calls {
			fmt.Fprintf(&b, "%s  - %s\n", indent, c)
		}
	}
	return b.String()
}
