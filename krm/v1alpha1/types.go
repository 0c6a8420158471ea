// Package v1alpha1 is the NetworkIdentity API: the function config that declares,
// for one workload, who may call it, whom it may call, and the identity it runs as.
//
// The contract lives in docs/config.md; this package is its typed form, with
// defaulting (defaults.go) and validation (validation.go), and is importable by
// other tools that want to read or write NetworkIdentity objects.
//
// The +kubebuilder markers in this package are comments that controller-gen
// reads to generate the CRD config/crd/netid.dev_networkidentities.yaml and,
// from it, the JSON schema schema/networkidentity.json (make schema).
//
// +groupName=netid.dev
// +versionName=v1alpha1
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
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,path=networkidentities,singular=networkidentity,shortName=netid
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
	// Workload is the name of the pod-bearing object governed: an apps/v1
	// Deployment, StatefulSet, DaemonSet or ReplicaSet, a batch/v1 Job or
	// CronJob, a v1 Pod, or an argoproj.io/v1alpha1 Rollout with a template,
	// matched by its name or by the name it had before kustomize's builtin
	// transformers ran. A workload missing from the render is an error, and
	// so are two kinds sharing the name in the namespace (what netid
	// generates is named after the workload), a Rollout with
	// spec.workloadRef (declare the Deployment it references) and a Job,
	// CronJob or Pod without pod labels. Default: metadata.name.
	// Example: checkoutservice.
	Workload string `json:"workload,omitempty"`
	// Service is the name of the workload's Service (a DNS-1035 label); a
	// named Service missing from the render is an error. Default: every
	// Service in the namespace whose selector selects the workload's pods.
	Service string `json:"service,omitempty"`
	// Tier is the workload's architecture-schema tier. A critical workload
	// gets the stricter profile (docs/config.md, Critical workloads): its
	// own isolation policy besides the namespace's, no mode audit, no
	// rollout observe, no clusterRules, no mounted token and no exception
	// for a network, proof, mesh, RBAC, exposure or Pod Security rule; the
	// rule tier-critical refuses what breaks it, and neither an exception
	// nor audit mode softens it. Default: standard.
	Tier Tier `json:"tier,omitempty"`
	// Mode is enforce (violations fail the render) or audit (every violation
	// is a warning and the render succeeds). Default: enforce.
	Mode Mode `json:"mode,omitempty"`
	// Rollout is the workload's enforcement stage. In enforce its policies
	// block what they do not admit. In observe nothing is blocked yet: the
	// policies render in their dialect's non-blocking form (docs/rollout.md)
	// and the report lists, from the connectivity proof, what enforce would
	// block. The proof's refusals judge the enforced form in both stages.
	// Default: enforce.
	Rollout RolloutStage `json:"rollout,omitempty"`
	// Ingress lists who may call this workload, one peer per rule; a flow
	// another config declares as egress to this workload is derived here, so
	// one declaration per flow is enough. Example:
	// [{from: {workload: frontend}, ports: [grpc], reason: "frontend places orders"}].
	Ingress []IngressRule `json:"ingress,omitempty"`
	// Egress lists whom this workload may call, one peer per rule. Example:
	// [{to: {workload: paymentservice}, ports: [grpc], reason: "charge the card"}].
	Egress []EgressRule `json:"egress,omitempty"`
	// DNS configures the DNS egress policy of the namespace, to the cluster
	// DNS pods on UDP and TCP 53. All workloads of a namespace must agree on
	// it. Default: on, to kube-system pods labelled k8s-app=kube-dns.
	DNS *DNS `json:"dns,omitempty"`
	// Identity is the workload's ServiceAccount and its RBAC permissions.
	Identity Identity `json:"identity,omitempty"`
	// PodSecurity sets the namespace's Pod Security Standards labels
	// (pod-security.kubernetes.io/enforce, audit, warn and their -version).
	// All workloads of a namespace must agree. Default: restricted for all
	// three, version latest.
	PodSecurity *PodSecurity `json:"podSecurity,omitempty"`
	// Registry is how the workload's images are pulled: the pull secret
	// referenced and the kind of credential.
	Registry *Registry `json:"registry,omitempty"`
	// Mesh states the service mesh and mTLS posture. Without it the render is
	// refused: the east-west encryption decision must be stated, if only as
	// provider none with eastWest.
	Mesh *Mesh `json:"mesh,omitempty"`
	// Exposure declares how the workload is reached from outside the
	// cluster, one field per path (kind), at least one. Every path that
	// reaches the workload must be declared by its kind: a LoadBalancer or
	// NodePort Service, an Ingress or a Gateway API route (HTTPRoute,
	// GRPCRoute, TLSRoute, TCPRoute, UDPRoute) its declaration does not name
	// is refused (exposure-undeclared), and externalIPs always are.
	// Default: not reached from outside.
	Exposure *Exposure `json:"exposure,omitempty"`
	// CNI names the cluster's network plugin, which decides the policy
	// features available: FQDN egress needs cilium. A ClusterNetworkIdentity
	// states the cluster's plugin for the whole render; a value here other
	// than generic must then be the same, and without one all the values
	// other than generic must agree. Default: generic.
	CNI CNI `json:"cni,omitempty"`
	// Exceptions are ADR-justified waivers: the named rule's errors for this
	// workload become warnings. An exception for pss-pod-template lowers the
	// namespace's enforce level to the strictest that admits the excepted
	// pods (docs/config.md, Meshes and Pod Security).
	Exceptions []Exception `json:"exceptions,omitempty"`
}

// Tier is the architecture-schema tier of a workload.
//
// +kubebuilder:validation:Enum=critical;standard
type Tier string

// Tiers.
const (
	TierCritical Tier = "critical"
	TierStandard Tier = "standard"
)

// Mode says whether violations fail the render.
//
// +kubebuilder:validation:Enum=enforce;audit
type Mode string

// Modes.
const (
	ModeEnforce Mode = "enforce"
	ModeAudit   Mode = "audit"
)

// RolloutStage is a workload's enforcement stage.
//
// +kubebuilder:validation:Enum=observe;enforce
type RolloutStage string

// Rollout stages.
const (
	RolloutObserve RolloutStage = "observe"
	RolloutEnforce RolloutStage = "enforce"
)

// CNI names a network plugin, which decides the policy features available.
//
// +kubebuilder:validation:Enum=generic;calico;cilium;antrea
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
	// From is the caller: exactly one of workload, namespace with podLabels,
	// cidr or fqdn (docs/config.md, Peers).
	From Peer `json:"from"`
	// Ports are this workload's Service port names or numbers; the
	// NetworkPolicy admits the pods' target ports. Default: all of its
	// Service ports. Example: [grpc, 9090].
	Ports []PortRef `json:"ports,omitempty"`
	// Reason says why the flow exists; it is annotated on the generated
	// policy and listed in the report. Free text: one line of at most 1,024
	// characters (MaxText), without control or bidirectional formatting
	// characters. Example: "frontend places orders".
	Reason string `json:"reason"`
	// L7 restricts the flow to the named requests: HTTP methods and paths,
	// gRPC services and methods, or Kafka topics. Only Cilium enforces it:
	// it needs a ClusterNetworkIdentity with cni cilium and dialect native,
	// and is refused otherwise. Default: any request on the ports.
	L7 *L7 `json:"l7,omitempty"`
	// Until makes the flow temporary (a break-glass flow): an RFC 3339 time
	// after which the rule flow-expired refuses the render, so the flow
	// leaves with the next render instead of staying by oversight. The
	// report lists the temporary flows with their expiry.
	// Example: "2026-12-24T18:00:00Z".
	Until string `json:"until,omitempty"`
}

// EgressRule allows this workload to call one peer.
type EgressRule struct {
	// To is the callee: exactly one of workload, namespace with podLabels,
	// cidr or fqdn (docs/config.md, Peers).
	To Peer `json:"to"`
	// Ports are the callee's Service port names or numbers; required when
	// the callee is not a workload of the render. Default: for a workload of
	// the render, all of its Service ports. Example: [grpc].
	Ports []PortRef `json:"ports,omitempty"`
	// Reason says why the flow exists; it is annotated on the generated
	// policy and listed in the report. Free text: one line of at most 1,024
	// characters (MaxText), without control or bidirectional formatting
	// characters. Example: "frontend places orders".
	Reason string `json:"reason"`
	// L7 restricts the flow to the named requests: HTTP methods and paths,
	// gRPC services and methods, or Kafka topics. Only Cilium enforces it:
	// it needs a ClusterNetworkIdentity with cni cilium and dialect native,
	// and is refused otherwise. Default: any request on the ports.
	L7 *L7 `json:"l7,omitempty"`
	// Until makes the flow temporary (a break-glass flow): an RFC 3339 time
	// after which the rule flow-expired refuses the render, so the flow
	// leaves with the next render instead of staying by oversight. The
	// report lists the temporary flows with their expiry.
	// Example: "2026-12-24T18:00:00Z".
	Until string `json:"until,omitempty"`
}

// L7 restricts a flow to requests of one protocol: one of http, grpc or
// kafka.
type L7 struct {
	// HTTP admits the requests matching any of these rules.
	// Example: [{method: GET, path: "/api/v1/.*"}].
	HTTP []HTTPRule `json:"http,omitempty"`
	// GRPC admits calls of these services and methods (HTTP/2 POSTs to
	// /service/method). Example: [{service: hipstershop.CartService, method: GetCart}].
	GRPC []GRPCRule `json:"grpc,omitempty"`
	// Kafka admits these topics for these roles.
	// Example: [{topic: orders, role: produce}].
	Kafka []KafkaRule `json:"kafka,omitempty"`
}

// HTTPRule admits HTTP requests by method and path.
type HTTPRule struct {
	// Method is an HTTP method, upper case. Default: any method.
	// Example: GET.
	Method string `json:"method,omitempty"`
	// Path is an extended POSIX regular expression the request path must
	// match, starting with "/". Default: any path. Example: "/api/v1/orders(/.*)?".
	Path string `json:"path,omitempty"`
}

// GRPCRule admits calls of a gRPC service, one method or all.
type GRPCRule struct {
	// Service is the fully qualified service name.
	// Example: hipstershop.CartService.
	Service string `json:"service"`
	// Method is the method's name. Default: every method of the service.
	// Example: GetCart.
	Method string `json:"method,omitempty"`
}

// KafkaRule admits producing to or consuming from one topic.
type KafkaRule struct {
	// Topic is the Kafka topic. Example: orders.
	Topic string `json:"topic"`
	// Role is produce or consume. Example: produce.
	//
	// +kubebuilder:validation:Enum=produce;consume
	Role string `json:"role"`
}

// Peer is the other end of a flow: exactly one of a workload in the render,
// pods outside it (namespace + podLabels), a CIDR, or an FQDN.
type Peer struct {
	// Workload names a pod-bearing object in this render (a Deployment,
	// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod or Rollout); the
	// policy selects its pod labels. Example: frontend.
	Workload string `json:"workload,omitempty"`
	// Namespace is the peer's namespace: with workload, where to find it;
	// with podLabels, the namespace of pods outside the render. Default:
	// this workload's namespace. Example: monitoring.
	Namespace string `json:"namespace,omitempty"`
	// PodLabels select pods outside the render, in namespace; required for
	// such a peer, as a namespace alone would admit all its pods. Example:
	// {app.kubernetes.io/name: prometheus}.
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// ServiceAccount is the ServiceAccount of pods outside the render, for
	// the mesh's authorization; required for a caller of a meshed workload,
	// since the mesh authorizes by ServiceAccount. Example: prometheus.
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// CIDR is an address block outside the cluster, canonical; 0.0.0.0/0
	// needs a justification. Example: 203.0.113.0/24.
	CIDR string `json:"cidr,omitempty"`
	// Except are blocks strictly inside CIDR that stay denied.
	// Example: [203.0.113.7/32].
	Except []string `json:"except,omitempty"`
	// FQDN is a DNS name called (egress only), optionally starting with *.;
	// rendered as a CiliumNetworkPolicy, so it needs cni: cilium.
	// Example: api.example.com.
	FQDN string `json:"fqdn,omitempty"`
}

// DNS configures DNS egress for the workloads of a namespace.
type DNS struct {
	// Enabled turns the DNS egress policy on. Default: true.
	Enabled *bool `json:"enabled,omitempty"`
	// Namespace of the DNS pods, selected by its immutable
	// kubernetes.io/metadata.name label. Default: kube-system.
	Namespace string `json:"namespace,omitempty"`
	// PodLabels of the DNS pods. Default: {k8s-app: kube-dns}.
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// NodeLocal is the NodeLocal DNSCache address, allowed as a /32 (or /128)
	// ipBlock. Example: 169.254.20.10.
	NodeLocal string `json:"nodeLocal,omitempty"`
}

// Identity is the workload's Kubernetes identity.
type Identity struct {
	// ServiceAccount is the name of the workload's identity. Cloud IAM
	// bindings (GKE, EKS and AKS workload identity) and mesh principals name
	// a ServiceAccount, so netid keeps the one the workload already runs as:
	// naming another one than the template does is refused unless replaces
	// says so, and "default" is refused. Several workloads of a namespace may
	// share one ServiceAccount (versions or canaries of one app) when they
	// declare identical rules, clusterRules and automountToken: it is emitted
	// once. A ServiceAccount of that name in the input is completed, not
	// duplicated. Default: the pod template's own serviceAccountName (or the
	// deprecated serviceAccount) when it names one other than default, else
	// the workload's rendered name. Example: checkoutservice.
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// Replaces is the ServiceAccount the pod template names today that this
	// identity takes over from: the workload moves to ServiceAccount (default:
	// the workload's name). Contract: it must be the template's current
	// serviceAccountName, or ServiceAccount when an earlier render already
	// moved the template (so a rerun keeps working); not "default", not
	// ServiceAccount itself. netid does not delete the replaced ServiceAccount
	// or its bindings: they stay in the output untouched, and the report lists
	// the ones still bound (move or remove their bindings and the cloud IAM
	// bindings of the old name). Example: {serviceAccount: checkout,
	// replaces: legacy-checkout}.
	Replaces string `json:"replaces,omitempty"`
	// AutomountToken mounts the API token into the pods (the ServiceAccount's
	// and the pod template's automountServiceAccountToken). Default: false.
	AutomountToken *bool `json:"automountToken,omitempty"`
	// Rules are the rules of a Role bound to the ServiceAccount: rbac/v1
	// PolicyRules with verbs, apiGroups and resources (no nonResourceURLs),
	// each with an optional reason for the report. A wildcard verb or
	// resource is refused (rbac-no-wildcard). Example: [{apiGroups: [""],
	// resources: [configmaps], resourceNames: [checkout-config], verbs: [get],
	// reason: "reads its feature flags"}].
	Rules []Rule `json:"rules,omitempty"`
	// ClusterRules are the rules of a ClusterRole netid:NAMESPACE:SA bound to
	// the ServiceAccount, at most 32 (MaxClusterRules), each with a required
	// reason (all annotated on the ClusterRole).
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
	// Enforce is the level the namespace enforces; below restricted needs an
	// exception. Default: restricted.
	// +kubebuilder:validation:Enum=privileged;baseline;restricted
	Enforce string `json:"enforce,omitempty"`
	// Audit is the level whose violations the API server audits.
	// Default: restricted.
	// +kubebuilder:validation:Enum=privileged;baseline;restricted
	Audit string `json:"audit,omitempty"`
	// Warn is the level whose violations the API server warns about.
	// Default: restricted.
	// +kubebuilder:validation:Enum=privileged;baseline;restricted
	Warn string `json:"warn,omitempty"`
	// Version of the standards: latest or v1.N, as Pod Security admission
	// parses it. Default: latest.
	// +kubebuilder:validation:Pattern=`^(latest|v1\.(0|[1-9][0-9]*))$`
	Version string `json:"version,omitempty"`
}

// Registry says how the workload authenticates to its image registry.
type Registry struct {
	// PullSecret is the name of an existing docker-registry Secret that the
	// pod template's imagePullSecrets references; netid never emits its data.
	// Example: regcred.
	PullSecret string `json:"pullSecret,omitempty"`
	// Auth is the kind of registry credential: short-lived (tokens a
	// credential helper refreshes), node-identity (the node's cloud
	// identity) or static (a long-lived secret, which needs an exception).
	// Default: short-lived.
	Auth RegistryAuth `json:"auth,omitempty"`
}

// RegistryAuth is the kind of registry credential.
//
// +kubebuilder:validation:Enum=short-lived;node-identity;static
type RegistryAuth string

// Registry credential kinds.
const (
	AuthShortLived   RegistryAuth = "short-lived"
	AuthNodeIdentity RegistryAuth = "node-identity"
	AuthStatic       RegistryAuth = "static"
)

// Mesh states the service-mesh posture.
type Mesh struct {
	// Provider is the service mesh: istio (PeerAuthentication and
	// AuthorizationPolicy), linkerd (Server, AuthorizationPolicy and
	// MeshTLSAuthentication) or none (then eastWest is required).
	Provider MeshProvider `json:"provider,omitempty"`
	// MTLS is the mesh's mutual TLS mode; PERMISSIVE needs an exception, and
	// it is forbidden with provider none. Default: STRICT with istio or
	// linkerd.
	// +kubebuilder:validation:Enum=STRICT;PERMISSIVE
	MTLS string `json:"mtls,omitempty"`
	// EastWest, with provider none, states the east-west encryption decision
	// (free text, like a flow's reason).
	// Example: "WireGuard node-to-node encryption by the CNI".
	EastWest string `json:"eastWest,omitempty"`
	// Redirect says how the mesh captures the pods' traffic: cni (the mesh's
	// CNI plugin is installed: a handoff in the report), init-container
	// (what Istio's and Linkerd's default installs inject, istio-init or
	// linkerd-init, which need NET_ADMIN and NET_RAW and so are refused
	// unless the namespace enforces privileged) or ambient (Istio only: no
	// sidecar, ztunnel on every node). Forbidden with provider none; all
	// workloads of a namespace must agree. Default: init-container with istio
	// or linkerd.
	Redirect MeshRedirect `json:"redirect,omitempty"`
}

// MeshRedirect is how a mesh captures the pods' traffic.
//
// +kubebuilder:validation:Enum=cni;init-container;ambient
type MeshRedirect string

// Traffic redirection modes.
const (
	RedirectCNI           MeshRedirect = "cni"
	RedirectInitContainer MeshRedirect = "init-container"
	RedirectAmbient       MeshRedirect = "ambient"
)

// MeshProvider names a service mesh.
//
// +kubebuilder:validation:Enum=istio;linkerd;none
type MeshProvider string

// Mesh providers.
const (
	MeshIstio   MeshProvider = "istio"
	MeshLinkerd MeshProvider = "linkerd"
	MeshNone    MeshProvider = "none"
)

// Exposure declares how the workload is reached from outside the cluster, one
// field per path (kind). Every path that reaches the workload must be declared
// here by its kind: a LoadBalancer Service is not excused by a declared
// Ingress (rule exposure-undeclared). Each declared path gets the
// NetworkPolicy that admits its traffic, and the report lists it.
type Exposure struct {
	// Gateway exposes it with a Gateway API route named after the workload,
	// whose backend is the Service port; not with ingress.
	Gateway *GatewayExposure `json:"gateway,omitempty"`
	// Ingress exposes it with a networking.k8s.io/v1 Ingress named after the
	// workload, with TLS for the host when tlsSecret is given; not with
	// gateway.
	Ingress *IngressExposure `json:"ingress,omitempty"`
	// LoadBalancer declares the workload's Service of type LoadBalancer.
	// Example: {service: frontend-lb, sourceRanges: [198.51.100.0/24], ports: [https]}.
	LoadBalancer *ServiceExposure `json:"loadBalancer,omitempty"`
	// NodePort declares the workload's Service of type NodePort.
	// Example: {service: frontend-np, sourceRanges: [10.20.0.0/16], nodeCIDRs: [10.0.0.0/24]}.
	NodePort *ServiceExposure `json:"nodePort,omitempty"`
	// Controller selects the gateway or ingress controller pods that the
	// NetworkPolicy lets in; required with gateway or ingress, forbidden
	// otherwise. Example: {namespace: gateway-system, podLabels: {app: gateway}}.
	Controller *Controller `json:"controller,omitempty"`
}

// RouteKind is the kind of Gateway API route netid generates.
//
// +kubebuilder:validation:Enum=HTTPRoute;GRPCRoute;TLSRoute;TCPRoute
type RouteKind string

// Route kinds (all gateway.networking.k8s.io/v1, standard channel, in
// Gateway API v1.6).
const (
	RouteHTTP RouteKind = "HTTPRoute"
	RouteGRPC RouteKind = "GRPCRoute"
	RouteTLS  RouteKind = "TLSRoute"
	RouteTCP  RouteKind = "TCPRoute"
)

// GatewayExposure is a Gateway API route attached to a Gateway.
type GatewayExposure struct {
	// Kind of the route, all gateway.networking.k8s.io/v1 (standard channel
	// of Gateway API v1.6): HTTPRoute, GRPCRoute, TLSRoute (passthrough by
	// SNI: needs hostnames) or TCPRoute (no hostnames). GRPCRoute, TLSRoute
	// and TCPRoute need a TCP Service port. Default: HTTPRoute.
	// Example: GRPCRoute.
	Kind RouteKind `json:"kind,omitempty"`
	// ParentRef names the Gateway. Example: {name: public, namespace: gateway-system}.
	ParentRef ParentRef `json:"parentRef"`
	// Hostnames the route answers: DNS names (optionally starting with *.),
	// not IP addresses. Example: [shop.example.com].
	Hostnames []string `json:"hostnames,omitempty"`
	// Path prefix routed to the workload, HTTPRoute only: at most 1,024
	// characters starting with /, without //, /./, /../ or %2f
	// (docs/config.md, Limits). Default: / for an HTTPRoute.
	Path string `json:"path,omitempty"`
	// Port is the workload's Service port name or number. Example: http.
	Port PortRef `json:"port"`
}

// ServiceExposure declares a Service of type LoadBalancer or NodePort of the
// workload. The traffic reaches the pods from the client's address when the
// Service has externalTrafficPolicy: Local (source IP preserved), and from a
// node's address when it has Cluster (the default: kube-proxy SNATs to the
// node), so the NetworkPolicy admits sourceRanges, plus nodeCIDRs with
// Cluster, on the pods' target ports of the declared ports.
type ServiceExposure struct {
	// Service is the name of the Service, in the workload's namespace, of the
	// declared type (or its name before kustomize renamed it); it must
	// select the workload's pods. Example: frontend-lb.
	Service string `json:"service"`
	// Ports are the Service's port names or numbers exposed; the
	// NetworkPolicy admits their pods' target ports. Default: all the
	// Service's ports. Example: [https].
	Ports []PortRef `json:"ports,omitempty"`
	// SourceRanges are the client address blocks admitted (required). For a
	// LoadBalancer they must be the Service's spec.loadBalancerSourceRanges
	// (a Service without any is open to every address). An open range
	// (0.0.0.0/0 or ::/0) needs an exception for exposure-open-range.
	// Example: [198.51.100.0/24, 2001:db8::/32].
	SourceRanges []string `json:"sourceRanges"`
	// NodeCIDRs are the nodes' address blocks: required when the Service's
	// externalTrafficPolicy is Cluster (the source is then a node), forbidden
	// with Local. Example: [10.0.0.0/24].
	NodeCIDRs []string `json:"nodeCIDRs,omitempty"`
}

// ParentRef names a Gateway (and optionally one of its listeners).
type ParentRef struct {
	// Name of the Gateway. Example: public.
	Name string `json:"name"`
	// Namespace of the Gateway. Default: the workload's namespace.
	Namespace string `json:"namespace,omitempty"`
	// SectionName is the name of the Gateway's listener to attach to (a DNS
	// subdomain). Example: https.
	SectionName string `json:"sectionName,omitempty"`
}

// IngressExposure is a networking.k8s.io/v1 Ingress.
type IngressExposure struct {
	// ClassName is the IngressClass. Example: nginx.
	ClassName string `json:"className"`
	// Host is the rule's host: a DNS name (optionally starting with *.), not
	// an IP address. Example: shop.example.com.
	Host string `json:"host"`
	// TLSSecret is the Secret holding the host's certificate. Without it the
	// Ingress serves plain HTTP, which needs plainReason.
	TLSSecret string `json:"tlsSecret,omitempty"`
	// PlainReason states why the host is served without TLS (free text);
	// forbidden with tlsSecret. An Ingress without TLS whose workload does
	// not state it is refused (exposure-undeclared).
	// Example: "TLS ends at the cloud load balancer in front (ADR-0031)".
	PlainReason string `json:"plainReason,omitempty"`
	// Path prefix routed to the workload, as for a gateway route.
	// Default: /.
	Path string `json:"path,omitempty"`
	// Port is the workload's Service port name or number. Example: http.
	Port PortRef `json:"port"`
}

// Controller selects the pods of a gateway or ingress controller.
type Controller struct {
	// Namespace of the controller pods. Example: gateway-system.
	Namespace string `json:"namespace"`
	// PodLabels of the controller pods. Example: {app: gateway}.
	PodLabels map[string]string `json:"podLabels"`
}

// Exception waives one rule's errors for this workload, justified by an ADR.
type Exception struct {
	// Rule is the ID of the rule waived, as `netid rules` lists them.
	// Example: rbac-no-wildcard.
	Rule string `json:"rule"`
	// ADR names the architecture decision record (free text, like a flow's
	// reason). Example: ADR-0042.
	ADR string `json:"adr"`
	// Reason summarises the decision (free text, like a flow's reason).
	Reason string `json:"reason"`
}
