// Package plan resolves a Model into a Plan: every flow with both of its ends,
// the callee's pod target ports, each workload's identity and exposure, and each
// namespace's baseline. The Plan is the single source of truth for "who may talk
// to whom": the builders, the report and the proofs all read it.
package plan

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/krm/v1alpha1"
)

// Plan is the resolved render.
type Plan struct {
	// Namespaces governed by at least one NetworkIdentity, by name.
	Namespaces []*Namespace
	// Workloads with a NetworkIdentity, by namespace and name.
	Workloads []*Workload
	// Flows are every allowed flow, each once, in a stable order.
	Flows []*Flow
	// Ungoverned are the pod-bearing objects of the render no
	// NetworkIdentity governs (in namespaces netid does not govern: one in a
	// governed namespace is an error), by namespace, name and kind.
	Ungoverned []*load.Workload
	// Settings are what the cluster enforces and how netid renders for it:
	// the CNI, the dialect of the workloads' policies, their tier and the
	// baseline.
	Settings load.Enforced
	// Enforcing renders every workload as enforce, whatever its rollout
	// says: the form the connectivity proof judges (see Observes).
	Enforcing bool
}

// Observes says that w renders in its observe stage: its policies block
// nothing yet. False when the plan is rendered for the proof (Enforcing).
func (p *Plan) Observes(w *Workload) bool {
	return !p.Enforcing && w.Spec.Rollout == v1alpha1.RolloutObserve
}

// ObservesAny says that some workload of ns renders in its observe stage.
func (p *Plan) ObservesAny(ns *Namespace) bool {
	for _, w := range ns.Workloads {
		if p.Observes(w) {
			return true
		}
	}
	return false
}

// WithEnforcing is a shallow copy of the plan that renders every workload
// as enforce.
func (p *Plan) WithEnforcing() *Plan {
	q := *p
	q.Enforcing = true
	return &q
}

// Namespace is the baseline of one governed namespace.
type Namespace struct {
	Name string
	// PodSecurity levels for the namespace labels.
	PodSecurity v1alpha1.PodSecurity
	// DNS is the DNS egress of every pod of the namespace; nil when disabled.
	DNS *v1alpha1.DNS
	// Mesh is the mesh whose injection the namespace opts into ("" for none).
	Mesh v1alpha1.MeshProvider
	// Redirect is how the mesh captures the pods' traffic ("" without a mesh).
	Redirect v1alpha1.MeshRedirect
	// Lowered, when set, says why PodSecurity.Enforce is below what the
	// configs ask: a pod template excepted from pss-pod-template needs it.
	Lowered *Lowering
	// Workloads of the namespace, by name.
	Workloads []*Workload

	meshBy *Workload // the first workload that stated the mesh
}

// Lowering is a namespace's enforce level lowered for excepted templates.
type Lowering struct {
	// From is the level the configs asked (by default); To the one emitted.
	From, To string
	// By are the workloads whose templates need To, with the ADRs of their
	// pss-pod-template exceptions ("Deployment/shop/legacy (ADR-0042)").
	By []string
}

// Workload is one governed workload.
type Workload struct {
	Source   *load.Workload
	Identity *load.Identity
	// Spec is the defaulted NetworkIdentity spec.
	Spec *v1alpha1.Spec
	// ServiceAccount is the name of the workload's identity: the declared
	// one, else the pod template's own (Inherited), else the workload's name.
	ServiceAccount string
	// Inherited: ServiceAccount is not declared; it is the one the pod
	// template already named.
	Inherited bool
	// Replaces is the ServiceAccount the pod template named before netid
	// moved it to ServiceAccount (spec.identity.replaces, once checked
	// against the template: it names either one); "" when none.
	Replaces string
	// Sharing are all the workloads of the namespace whose identity is this
	// ServiceAccount, this one included, in plan order; nil when it is the
	// only one. The first emits the ServiceAccount and its RBAC.
	Sharing []*Workload
	// Services select the workload's pods (or the one named by spec.service).
	Services []*load.Service
	// Exposure is set when the workload is reached from outside the cluster.
	Exposure *Exposure
	// In are the flows this workload receives; Out the flows it makes.
	In, Out []*Flow
	// IsolatePolicy names the NetworkPolicy that isolates the workload's
	// pods in both directions on their own (a critical workload, or an
	// enforced one beside an observed one), unique in its namespace.
	IsolatePolicy string
}

// EmitsIdentity reports whether the workload's ServiceAccount, Role,
// RoleBinding and ClusterRole(Binding) are generated with it: true unless it
// shares them with a workload earlier in the plan.
func (w *Workload) EmitsIdentity() bool { return len(w.Sharing) == 0 || w.Sharing[0] == w }

// Name is the workload's rendered name.
func (w *Workload) Name() string { return w.Source.Name() }

// Namespace is the workload's rendered namespace.
func (w *Workload) Namespace() string { return w.Source.Namespace() }

// Selector selects the workload's pods.
func (w *Workload) Selector() *metav1.LabelSelector { return w.Source.Selector }

// Exposure is how a workload is reached from outside: every declared path.
type Exposure struct {
	// Gateway or Ingress is the route or Ingress netid generates, if any.
	Gateway *v1alpha1.GatewayExposure
	Ingress *v1alpha1.IngressExposure
	// Service and ServicePort are the backend the route or Ingress names.
	Service     *load.Service
	ServicePort corev1.ServicePort
	// Flow is the ingress from the controller pods; nil without a gateway
	// or ingress.
	Flow *Flow
	// Services are the declared LoadBalancer and NodePort Services, in that
	// order.
	Services []*ServiceExposure
}

// ServiceExposure is a declared Service of type LoadBalancer or NodePort.
type ServiceExposure struct {
	// Type is LoadBalancer or NodePort.
	Type corev1.ServiceType
	// Service is the declared Service.
	Service *load.Service
	// Decl is the declaration (spec.exposure.loadBalancer or nodePort).
	Decl *v1alpha1.ServiceExposure
	// Local: externalTrafficPolicy Local, so the client's address reaches
	// the pods; otherwise a node's address does and NodeCIDRs are admitted.
	Local bool
	// Ports are the pods' target ports of the exposed Service ports.
	Ports []Port
	// Flows admit each source range and node CIDR on Ports.
	Flows []*Flow
}

// Field is the declaration's field path, e.g. "spec.exposure.loadBalancer".
func (e *ServiceExposure) Field() string {
	if e.Type == corev1.ServiceTypeLoadBalancer {
		return "spec.exposure.loadBalancer"
	}
	return "spec.exposure.nodePort"
}

// EndpointKind says what an endpoint is.
type EndpointKind string

// Endpoint kinds.
const (
	// KindWorkload is a workload of the render.
	KindWorkload EndpointKind = "workload"
	// KindPods are pods outside the render, by namespace and labels.
	KindPods EndpointKind = "pods"
	// KindCIDR is an address block.
	KindCIDR EndpointKind = "cidr"
	// KindFQDN is a DNS name.
	KindFQDN EndpointKind = "fqdn"
)

// Endpoint is one end of a flow.
type Endpoint struct {
	Kind EndpointKind
	// Workload is the render's workload (KindWorkload).
	Workload *load.Workload
	// Planned is the workload's plan when it has a NetworkIdentity.
	Planned *Workload
	// Namespace of a workload or pods.
	Namespace string
	// Selector selects the pods of a workload or of pods outside the render.
	Selector *metav1.LabelSelector
	// ServiceAccount of pods outside the render, when declared; of a planned
	// workload, its dedicated one.
	ServiceAccount string
	CIDR           string
	Except         []string
	FQDN           string
}

// String names the endpoint for people, e.g. "shop/frontend",
// "monitoring/{app.kubernetes.io/name=prometheus}", "203.0.113.0/24 except 203.0.113.7/32".
func (e Endpoint) String() string {
	switch e.Kind {
	case KindWorkload:
		return e.Namespace + "/" + e.Workload.Name()
	case KindPods:
		return e.Namespace + "/{" + LabelString(e.Selector.MatchLabels) + "}"
	case KindCIDR:
		if len(e.Except) > 0 {
			return e.CIDR + " except " + strings.Join(e.Except, ",")
		}
		return e.CIDR
	}
	return e.FQDN
}

// Key identifies the endpoint for de-duplication.
func (e Endpoint) Key() string {
	switch e.Kind {
	case KindPods:
		return "pods:" + e.String() + "|" + e.ServiceAccount
	case KindFQDN:
		return "fqdn:" + e.FQDN
	}
	return string(e.Kind) + ":" + e.String()
}

// Port is one allowed destination port on the callee's pods.
type Port struct {
	Protocol corev1.Protocol
	// Target is the pod's port: a number, or a container port name.
	Target intstr.IntOrString
	// Via is the Service port it was named through, e.g. "cartservice:grpc/7070",
	// empty when named directly.
	Via string
}

// String is "8080/TCP" or "grpc/TCP".
func (p Port) String() string { return p.Target.String() + "/" + string(p.Protocol) }

// Flow is an allowed connection from a caller to a callee.
type Flow struct {
	From, To Endpoint
	// Ports are the callee's ports; empty only when the callee is a workload
	// that exposes no ports at all (never generated: such a flow is an error).
	Ports []Port
	// CallerReason and CalleeReason are the reasons declared at each end.
	CallerReason, CalleeReason string
	// DeclaredBy lists where the flow was declared, e.g.
	// "NetworkIdentity/shop/frontend spec.egress[0]".
	DeclaredBy []string
	// Exposure marks the ingress from an exposure controller.
	Exposure bool
	// Probe marks the kubelet's health probes of an Istio ambient workload,
	// which reach the pod from ProbeSource (admitted by NetworkPolicy; ztunnel
	// lets them through without mesh authorization).
	Probe bool
	// Tunnel are ports the mesh carries the flow on besides Ports: Istio
	// ambient's HBONE port (TCP 15008) when either end is an ambient workload
	// and the other meshed. NetworkPolicies open them with Ports; mesh
	// authorization still matches Ports, the original destination.
	Tunnel []Port
	// IngressPolicy and EgressPolicy name the per-flow objects generated at
	// the callee and caller ends ("" where that end is not governed): the
	// NetworkPolicies of the per-flow layout, a Linkerd AuthorizationPolicy,
	// a CiliumNetworkPolicy for an FQDN.
	IngressPolicy, EgressPolicy string
	// IngressRule and EgressRule are the NetworkPolicy rules that admit the
	// flow at the callee and caller ends, in the run's layout (zero where
	// that end is not governed, or is an FQDN).
	IngressRule, EgressRule NetpolRule
	// L7 restricts the flow to requests of one protocol (nil: any request),
	// as its declaration states it.
	L7 *v1alpha1.L7
	// Until is a temporary flow's expiry (RFC 3339), empty for a lasting one.
	Until string
}

// NetpolRule is one rule of a generated NetworkPolicy: Index in the
// policy's spec.ingress or spec.egress.
type NetpolRule struct {
	Policy string
	Index  int
}

// String is "policy spec.ingress[i]", for direction "ingress" or "egress".
func (r NetpolRule) String(direction string) string {
	return fmt.Sprintf("%s spec.%s[%d]", r.Policy, direction, r.Index)
}

// Reason is the reason to annotate at one end: that end's own if declared,
// else the other end's.
func (f *Flow) Reason(atCallee bool) string {
	if atCallee && f.CalleeReason != "" || !atCallee && f.CallerReason == "" {
		return f.CalleeReason
	}
	return f.CallerReason
}

// PortsString is "8080/TCP, grpc/TCP".
func (f *Flow) PortsString() string {
	var s []string
	for _, p := range f.Ports {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}

func (f *Flow) key() string {
	return f.From.Key() + " -> " + f.To.Key() + " : " + f.PortsString()
}

// LabelString is "k1=v1,k2=v2" with the keys sorted.
func LabelString(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%s", k, m[k]))
	}
	return strings.Join(parts, ",")
}

// ControlPlane is where a mesh's sidecars fetch configuration and
// certificates: without egress to it, the namespace's default-deny keeps
// every injected pod from becoming ready.
type ControlPlane struct {
	Namespace string
	Pods      map[string]string
	Ports     []int32
}

// Istio ambient mode. "ambient's secure L4 overlay will tunnel traffic between
// your pods over port 15008 ... you will have to add an exception to that
// NetworkPolicy for port 15008. Sidecar workloads receiving traffic will also
// need to allow inbound traffic on port 15008 to allow ambient workloads to
// communicate with them"; and the kubelet's health probes of ambient pods are
// SNATed by istio-cni to the link-local 169.254.7.127, which a default-deny
// must admit (istio.io/latest/docs/ambient/usage/networkpolicy/, sections
// "Ambient traffic overlay" and "Ambient, health probes, and Kubernetes
// NetworkPolicy"; istio-cni's AmbientConfig.HostProbeSNATAddress).
var (
	HBONEPort   = Port{Protocol: corev1.ProtocolTCP, Target: intstr.FromInt32(15008)}
	ProbeSource = "169.254.7.127/32"
)

// Ambient reports whether the workload is in Istio's ambient mode.
func (w *Workload) Ambient() bool {
	m := w.Spec.Mesh
	return m != nil && m.Provider == v1alpha1.MeshIstio && m.Redirect == v1alpha1.RedirectAmbient
}

// Meshed reports whether the workload adopted a mesh.
func (w *Workload) Meshed() bool {
	m := w.Spec.Mesh
	return m != nil && m.Provider != "" && m.Provider != v1alpha1.MeshNone
}

// ControlPlane is the mesh control plane every pod of the namespace reaches;
// none without a mesh and in Istio ambient mode (ztunnel, not the pods,
// talks to istiod).
func (ns *Namespace) ControlPlane() (ControlPlane, bool) {
	if ns.Redirect == v1alpha1.RedirectAmbient {
		return ControlPlane{}, false
	}
	cp, ok := MeshControlPlanes[ns.Mesh]
	return cp, ok
}

// MeshControlPlanes are the control planes of the supported meshes.
var MeshControlPlanes = map[v1alpha1.MeshProvider]ControlPlane{
	// istiod serves xDS and certificates on 15012.
	v1alpha1.MeshIstio: {"istio-system", map[string]string{"app": "istiod"}, []int32{15012}},
	// Linkerd's identity (8080), destination (8086) and policy (8090) controllers.
	v1alpha1.MeshLinkerd: {"linkerd", map[string]string{"linkerd.io/control-plane-ns": "linkerd"}, []int32{8080, 8086, 8090}},
}
