// Package v1alpha1 is the NetworkIdentity API: the function config that declares,
// for one workload, who may call it, whom it may call, and the identity it runs as.
//
// The contract lives in docs/config.md; this package is its typed form, with
// defaulting (defaults.go) and validation (validation.go), and is importable by
// other tools that want to read or write NetworkIdentity objects.
package v1alpha1

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// Group is the API group of NetworkIdentity.
	Group = "netid.dev"
	// Version is this package's API version.
	Version = "v1alpha1"
	// APIVersion is Group/Version, as written in manifests.
	APIVersion = Group + "/" + Version
	// Kind is the kind of the function config.
	Kind = "NetworkIdentity"
)

// NetworkIdentity declares the network and identity policy of one workload.
// Example: metadata.name "checkoutservice" in namespace "shop" governs the
// Deployment "checkoutservice" in "shop".
type NetworkIdentity struct {
	metav1.TypeMeta `json:",inline"`
	// Standard object metadata. The name names the workload unless spec.workload
	// is set; the namespace defaults to the workload's namespace.
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the declaration.
	Spec Spec `json:"spec"`
}

// Spec is the body of a NetworkIdentity.
type Spec struct {
	// Workload is the name of the pod-bearing object governed: a Deployment,
	// StatefulSet, DaemonSet or ReplicaSet, a Job or CronJob, a bare Pod or an
	// Argo Rollout (default: metadata.name). Pod-bearing objects of one
	// namespace must not share a name. Example: "checkoutservice".
	Workload string `json:"workload,omitempty"`
	// Service is the name of the workload's Service (default: every Service in
	// the namespace whose selector selects the workload's pods).
	Service string `json:"service,omitempty"`
	// Tier is the architecture-schema tier: "critical" or "standard" (default).
	Tier Tier `json:"tier,omitempty"`
	// Mode is "enforce" (default: violations fail the render) or "audit"
	// (violations are warnings).
	Mode Mode `json:"mode,omitempty"`
	// Ingress lists who may call this workload. Example:
	// [{from: {workload: frontend}, ports: [grpc], reason: "frontend places orders"}].
	Ingress []IngressRule `json:"ingress,omitempty"`
	// Egress lists whom this workload may call. Example:
	// [{to: {workload: paymentservice}, ports: [grpc], reason: "charge the card"}].
	Egress []EgressRule `json:"egress,omitempty"`
	// DNS configures DNS egress (on by default, to kube-system k8s-app=kube-dns on
	// UDP and TCP 53). All workloads of a namespace must agree on it.
	DNS *DNS `json:"dns,omitempty"`
	// Identity is the workload's ServiceAccount and its permissions.
	Identity Identity `json:"identity,omitempty"`
	// PodSecurity sets the namespace's Pod Security Standards labels (default:
	// restricted everywhere, version latest). All workloads of a namespace must agree.
	PodSecurity *PodSecurity `json:"podSecurity,omitempty"`
	// Registry is how the workload's images are pulled.
	Registry *Registry `json:"registry,omitempty"`
	// Mesh states the service mesh and mTLS posture.
	Mesh *Mesh `json:"mesh,omitempty"`
	// Exposure declares how the workload is reached from outside the cluster;
	// absent means it is not.
	Exposure *Exposure `json:"exposure,omitempty"`
	// CNI names the cluster's network plugin: generic (default), calico,
	// cilium or antrea. FQDN egress needs cilium.
	CNI CNI `json:"cni,omitempty"`
	// Exceptions are ADR-justified waivers: the named rule's errors for this
	// workload become warnings.
	Exceptions []Exception `json:"exceptions,omitempty"`
}

// Tier is the architecture-schema tier of a workload.
type Tier string

// Tiers.
const (
	TierCritical Tier = "critical"
	TierStandard Tier = "standard"
)

// Mode says whether violations fail the render.
type Mode string

// Modes.
const (
	ModeEnforce Mode = "enforce"
	ModeAudit   Mode = "audit"
)

// CNI names a network plugin, which decides the policy features available.
type CNI string

// Network plugins.
const (
	CNIGeneric CNI = "generic"
	CNICalico  CNI = "calico"
	CNICilium  CNI = "cilium"
	CNIAntrea  CNI = "antrea"
)

// IngressRule allows one peer to call this workload.
type IngressRule struct {
	// From is the caller.
	From Peer `json:"from"`
	// Ports are this workload's Service port names or numbers (default: all of
	// its Service ports). Example: [grpc, 9090].
	Ports []PortRef `json:"ports,omitempty"`
	// Reason says why the flow exists; it is annotated on the generated
	// policy. Free text: one line of at most MaxText (1,024) characters,
	// without control or bidirectional formatting characters.
	Reason string `json:"reason"`
}

// EgressRule allows this workload to call one peer.
type EgressRule struct {
	// To is the callee.
	To Peer `json:"to"`
	// Ports are the callee's Service port names or numbers (default, for a
	// workload in the render: all of its Service ports; required otherwise).
	Ports []PortRef `json:"ports,omitempty"`
	// Reason says why the flow exists; it is annotated on the generated
	// policy. Free text: one line of at most MaxText (1,024) characters,
	// without control or bidirectional formatting characters.
	Reason string `json:"reason"`
}

// Peer is the other end of a flow: exactly one of a workload in the render,
// pods outside it (namespace + podLabels), a CIDR, or an FQDN.
type Peer struct {
	// Workload names a pod-bearing object in this render (a Deployment,
	// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod or Rollout).
	// Example: "frontend".
	Workload string `json:"workload,omitempty"`
	// Namespace is the peer's namespace: with workload, where to find it (default:
	// this workload's namespace); with podLabels, the namespace of pods outside
	// the render.
	Namespace string `json:"namespace,omitempty"`
	// PodLabels select pods outside the render (with namespace). Example:
	// {app.kubernetes.io/name: prometheus}.
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// ServiceAccount is the peer's ServiceAccount outside the render, for mesh
	// principals.
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// CIDR is an address block outside the cluster. Example: "203.0.113.0/24".
	CIDR string `json:"cidr,omitempty"`
	// Except are blocks inside CIDR that stay denied. Example: ["203.0.113.7/32"].
	Except []string `json:"except,omitempty"`
	// FQDN is a DNS name (needs cni: cilium). Example: "api.example.com".
	FQDN string `json:"fqdn,omitempty"`
}

// DNS configures DNS egress for the workloads of a namespace.
type DNS struct {
	// Enabled turns DNS egress on (default true).
	Enabled *bool `json:"enabled,omitempty"`
	// Namespace of the DNS pods (default kube-system), selected by its
	// immutable kubernetes.io/metadata.name label.
	Namespace string `json:"namespace,omitempty"`
	// PodLabels of the DNS pods (default {k8s-app: kube-dns}).
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// NodeLocal is the NodeLocal DNSCache address, allowed as an ipBlock.
	// Example: "169.254.20.10".
	NodeLocal string `json:"nodeLocal,omitempty"`
}

// Identity is the workload's Kubernetes identity.
type Identity struct {
	// ServiceAccount is the dedicated ServiceAccount's name (default: the
	// workload's name); "default" is refused.
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// AutomountToken mounts the API token into pods (default false).
	AutomountToken *bool `json:"automountToken,omitempty"`
	// Rules are the namespaced Role's rules (rbac/v1 PolicyRules, each with an
	// optional reason for the report).
	Rules []Rule `json:"rules,omitempty"`
	// ClusterRules are ClusterRole rules (at most MaxClusterRules, 32); each
	// needs a reason.
	ClusterRules []Rule `json:"clusterRules,omitempty"`
}

// Rule is an rbac/v1 PolicyRule with the reason it is needed.
type Rule struct {
	rbacv1.PolicyRule `json:",inline"`
	// Reason says why the permission is needed. Required for clusterRules.
	// Free text, like a flow's reason.
	Reason string `json:"reason,omitempty"`
}

// PodSecurity holds the Pod Security Standards levels of a namespace.
type PodSecurity struct {
	// Enforce level: privileged, baseline or restricted (default restricted).
	Enforce string `json:"enforce,omitempty"`
	// Audit level (default restricted).
	Audit string `json:"audit,omitempty"`
	// Warn level (default restricted).
	Warn string `json:"warn,omitempty"`
	// Version of the standards: "latest" (default) or "v1.N".
	Version string `json:"version,omitempty"`
}

// Registry says how the workload authenticates to its image registry.
type Registry struct {
	// PullSecret is the name of an existing docker-registry Secret referenced in
	// the pod template's imagePullSecrets (its data is never emitted).
	PullSecret string `json:"pullSecret,omitempty"`
	// Auth is short-lived (default), node-identity or static.
	Auth RegistryAuth `json:"auth,omitempty"`
}

// RegistryAuth is the kind of registry credential.
type RegistryAuth string

// Registry credential kinds.
const (
	AuthShortLived   RegistryAuth = "short-lived"
	AuthNodeIdentity RegistryAuth = "node-identity"
	AuthStatic       RegistryAuth = "static"
)

// Mesh states the service-mesh posture.
type Mesh struct {
	// Provider is istio, linkerd or none.
	Provider MeshProvider `json:"provider,omitempty"`
	// MTLS is STRICT or PERMISSIVE (default STRICT for istio and linkerd).
	MTLS string `json:"mtls,omitempty"`
	// EastWest, with provider none, states the east-west encryption decision
	// (free text, like a flow's reason).
	// Example: "WireGuard node-to-node encryption by the CNI".
	EastWest string `json:"eastWest,omitempty"`
}

// MeshProvider names a service mesh.
type MeshProvider string

// Mesh providers.
const (
	MeshIstio   MeshProvider = "istio"
	MeshLinkerd MeshProvider = "linkerd"
	MeshNone    MeshProvider = "none"
)

// Exposure declares how the workload is reached from outside the cluster.
type Exposure struct {
	// Gateway exposes it with a Gateway API HTTPRoute.
	Gateway *GatewayExposure `json:"gateway,omitempty"`
	// Ingress exposes it with a networking.k8s.io/v1 Ingress.
	Ingress *IngressExposure `json:"ingress,omitempty"`
	// Controller selects the gateway or ingress controller pods that the
	// NetworkPolicy lets in. Example: {namespace: gateway-system, podLabels: {app: gateway}}.
	Controller *Controller `json:"controller,omitempty"`
}

// GatewayExposure is an HTTPRoute attached to a Gateway.
type GatewayExposure struct {
	// ParentRef names the Gateway. Example: {name: public, namespace: gateway-system}.
	ParentRef ParentRef `json:"parentRef"`
	// Hostnames the route answers. Example: [shop.example.com].
	Hostnames []string `json:"hostnames,omitempty"`
	// Path prefix routed to the workload (default "/").
	Path string `json:"path,omitempty"`
	// Port is the workload's Service port name or number. Example: http.
	Port PortRef `json:"port"`
}

// ParentRef names a Gateway (and optionally one of its listeners).
type ParentRef struct {
	// Name of the Gateway.
	Name string `json:"name"`
	// Namespace of the Gateway (default: the workload's namespace).
	Namespace string `json:"namespace,omitempty"`
	// SectionName is the listener's name.
	SectionName string `json:"sectionName,omitempty"`
}

// IngressExposure is a networking.k8s.io/v1 Ingress.
type IngressExposure struct {
	// ClassName is the IngressClass. Example: nginx.
	ClassName string `json:"className"`
	// Host is the rule's host. Example: shop.example.com.
	Host string `json:"host"`
	// TLSSecret is the Secret holding the host's certificate.
	TLSSecret string `json:"tlsSecret,omitempty"`
	// Path prefix routed to the workload (default "/").
	Path string `json:"path,omitempty"`
	// Port is the workload's Service port name or number. Example: http.
	Port PortRef `json:"port"`
}

// Controller selects the pods of a gateway or ingress controller.
type Controller struct {
	// Namespace of the controller pods.
	Namespace string `json:"namespace"`
	// PodLabels of the controller pods.
	PodLabels map[string]string `json:"podLabels"`
}

// Exception waives one rule's errors for this workload, justified by an ADR.
type Exception struct {
	// Rule is the rule ID. Example: rbac-no-wildcard.
	Rule string `json:"rule"`
	// ADR names the architecture decision record (free text, like a flow's
	// reason). Example: ADR-0042.
	ADR string `json:"adr"`
	// Reason summarises the decision (free text, like a flow's reason).
	Reason string `json:"reason"`
}
