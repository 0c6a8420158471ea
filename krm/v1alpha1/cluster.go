package v1alpha1

import (
	"fmt"
	"net/netip"

	yamlv3 "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ClusterKind is the kind of the cluster-wide settings.
const ClusterKind = "ClusterNetworkIdentity"

// ClusterNetworkIdentity states what the cluster enforces, so that the
// connectivity proof evaluates the policy dialects the cluster runs and
// refuses the others. It is local configuration, like NetworkIdentity: read
// by netid (as the functionConfig or an item marked
// config.kubernetes.io/local-config: "true"), never applied. One render has
// at most one. Example: metadata.name "cluster", spec {cni: cilium,
// adminNetworkPolicy: true}.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,path=clusternetworkidentities,singular=clusternetworkidentity,shortName=cnetid
type ClusterNetworkIdentity struct {
	metav1.TypeMeta `json:",inline"`
	// Standard object metadata. The object is cluster-scoped: its name only
	// identifies it in messages, and a namespace (which kustomize's namespace
	// transformer may set) is ignored.
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is what the cluster enforces.
	Spec ClusterSpec `json:"spec"`
}

// ClusterSpec is the body of a ClusterNetworkIdentity.
type ClusterSpec struct {
	// CNI names the network plugin the cluster runs, which decides the policy
	// dialects the proof evaluates (calico: projectcalico.org and
	// crd.projectcalico.org policies; cilium: cilium.io policies; antrea:
	// crd.antrea.io policies) and where NetworkPolicy sits among their tiers.
	// A NetworkIdentity whose spec.cni names another non-generic plugin is an
	// error: one cluster runs one CNI. Default: generic. Example: cilium.
	CNI CNI `json:"cni,omitempty"`
	// AdminNetworkPolicy says the cluster implements the upstream
	// policy.networking.k8s.io API (AdminNetworkPolicy,
	// BaselineAdminNetworkPolicy, ClusterNetworkPolicy), whose objects the
	// proof then evaluates in their tiers around NetworkPolicy; without it
	// they are refused as not enforced. Default: false. Example: true.
	AdminNetworkPolicy bool `json:"adminNetworkPolicy,omitempty"`
	// Dialect is the policy language of the workloads' policies:
	// networkpolicy (networking.k8s.io NetworkPolicy, which every CNI
	// enforces) or native (the CNI's own kinds, placed in spec.tier: Calico
	// NetworkPolicy, CiliumNetworkPolicy, Antrea NetworkPolicy; needs cni
	// calico, cilium or antrea). Default: networkpolicy. Example: native.
	//
	// +kubebuilder:validation:Enum=networkpolicy;native
	Dialect Dialect `json:"dialect,omitempty"`
	// Tier places the workloads' native policies among the cluster's
	// tiers (Calico and Antrea), so they compose with the baseline and with
	// other teams' policies. Default: {name: netid}, at the CNI's order.
	Tier *PolicyTier `json:"tier,omitempty"`
	// Baseline is the cluster's guardrails, rendered once for every
	// namespace netid governs: default deny, DNS, the platform's allowances
	// and explicit denies. It renders in the upstream admin API when
	// adminNetworkPolicy is true, else in the CNI's cluster-wide kinds, else
	// as per-namespace NetworkPolicies. Default: none (each namespace gets
	// its default-deny and DNS NetworkPolicies, as without a
	// ClusterNetworkIdentity).
	Baseline *Baseline `json:"baseline,omitempty"`
}

// Dialect is the policy language of the workloads' policies.
type Dialect string

// Dialects.
const (
	DialectNetworkPolicy Dialect = "networkpolicy"
	DialectNative        Dialect = "native"
)

// PolicyTier names a tier and its place among the cluster's tiers.
type PolicyTier struct {
	// Name is the tier's name (a DNS-1123 label). With cni calico, not one
	// of Calico's tiers (default, kube-admin, kube-baseline) nor the
	// baseline's (netid-guardrail, netid-baseline); with cni antrea, a
	// static tier's name uses that tier. Default: netid.
	Name string `json:"name,omitempty"`
	// Order is the tier's order: Calico's Tier spec.order, Antrea's Tier
	// spec.priority (lower is evaluated first). Default: the CNI's
	// (docs/dialects.md): Calico 10000, after its kube-admin tier, Antrea
	// 240, between its Platform and Application tiers. Calico's must be
	// below its default tier (1,000,000); Antrea's may not be a static
	// tier's priority (50, 100, 150, 200, 250, 253) unless the name is that
	// tier's. Example: 100.
	//
	// +kubebuilder:validation:Minimum=1
	Order *int32 `json:"order,omitempty"`
}

// Baseline is the guardrails of every governed namespace.
type Baseline struct {
	// DNS is the cluster DNS every governed pod may reach on UDP and TCP 53.
	// Default: on, to kube-system pods labelled k8s-app=kube-dns.
	DNS *DNS `json:"dns,omitempty"`
	// Ingress admits platform callers of every governed pod, e.g. the
	// monitoring scrape; the namespaces cannot remove it.
	// Example: [{from: {namespace: monitoring, podLabels: {app: prometheus}}, ports: [9090], reason: "metrics scrape"}].
	Ingress []BaselineIngress `json:"ingress,omitempty"`
	// Egress admits what every governed pod may call, e.g. a platform
	// proxy. Example: [{to: {namespace: proxy, podLabels: {app: squid}}, ports: [3128], reason: "egress proxy"}].
	Egress []BaselineEgress `json:"egress,omitempty"`
	// Deny are address blocks no governed pod may reach, whatever the
	// namespaces declare: evaluated before every allow. A flow a
	// NetworkIdentity declares into one of them is refused
	// (baseline-deny). Example: [{cidr: 169.254.169.254/32, reason: "cloud metadata"}].
	Deny []BaselineDeny `json:"deny,omitempty"`
	// LogDenied logs the flows the baseline denies where the dialect can
	// (Calico Log rules, Antrea enableLogging); elsewhere the report names
	// where to look instead (Hubble, flow logs). Default: false.
	LogDenied bool `json:"logDenied,omitempty"`
}

// BaselineIngress admits a platform caller of every governed pod.
type BaselineIngress struct {
	// From is the caller: namespace with podLabels, or cidr.
	From BaselinePeer `json:"from"`
	// Ports are port numbers (with an optional protocol). Required.
	Ports []PortRef `json:"ports"`
	// Reason says why. Free text, as a flow's reason.
	Reason string `json:"reason"`
}

// BaselineEgress admits a callee of every governed pod.
type BaselineEgress struct {
	// To is the callee: namespace with podLabels, or cidr.
	To BaselinePeer `json:"to"`
	// Ports are port numbers (with an optional protocol). Required.
	Ports []PortRef `json:"ports"`
	// Reason says why. Free text, as a flow's reason.
	Reason string `json:"reason"`
}

// BaselinePeer is a platform peer: pods (namespace and podLabels) or an
// address block.
type BaselinePeer struct {
	// Namespace is the pods' namespace. Example: monitoring.
	Namespace string `json:"namespace,omitempty"`
	// PodLabels select the pods in namespace; required with namespace.
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// CIDR is an address block, canonical; 0.0.0.0/0 and ::/0 are refused.
	CIDR string `json:"cidr,omitempty"`
}

// BaselineDeny is an address block no governed pod may reach.
type BaselineDeny struct {
	// CIDR is the block, canonical. Example: 169.254.169.254/32.
	CIDR string `json:"cidr"`
	// Reason says why. Free text, as a flow's reason.
	Reason string `json:"reason"`
}

// DefaultTierName is the default tier of native policies.
const DefaultTierName = "netid"

// DecodeCluster reads one ClusterNetworkIdentity from YAML or JSON strictly,
// like Decode: unknown and duplicate fields and wrong types are errors naming
// the field. It neither defaults nor validates.
func DecodeCluster(data []byte) (*ClusterNetworkIdentity, []FieldError) {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return nil, []FieldError{{Message: fmt.Sprintf("not valid YAML: %v", err)}}
	}
	return DecodeClusterNode(&doc)
}

// DecodeClusterNode is DecodeCluster for a parsed document.
func DecodeClusterNode(node *yamlv3.Node) (*ClusterNetworkIdentity, []FieldError) {
	var c ClusterNetworkIdentity
	if errs := decodeStrict(node, &c, ClusterKind, nil); len(errs) > 0 {
		return nil, errs
	}
	if c.APIVersion != APIVersion || c.Kind != ClusterKind {
		return nil, []FieldError{{Path: "apiVersion", Message: fmt.Sprintf("got %s %s, want %s %s", c.APIVersion, c.Kind, APIVersion, ClusterKind)}}
	}
	return &c, nil
}

// Default fills every field that has a default.
func (c *ClusterNetworkIdentity) Default() {
	if c.Spec.CNI == "" {
		c.Spec.CNI = CNIGeneric
	}
	if c.Spec.Dialect == "" {
		c.Spec.Dialect = DialectNetworkPolicy
	}
	if c.Spec.Tier == nil {
		c.Spec.Tier = &PolicyTier{}
	}
	if c.Spec.Tier.Name == "" {
		c.Spec.Tier.Name = DefaultTierName
	}
	if b := c.Spec.Baseline; b != nil {
		if b.DNS == nil {
			b.DNS = &DNS{}
		}
		defaultDNS(b.DNS)
	}
}

// Validate checks the ClusterNetworkIdentity (call Default first).
func (c *ClusterNetworkIdentity) Validate() []FieldError {
	var errs field.ErrorList
	if c.Name != "" {
		errs = append(errs, objectName(field.NewPath("metadata", "name"), c.Name)...)
	}
	spec := field.NewPath("spec")
	errs = append(errs, oneOf(spec.Child("cni"), string(c.Spec.CNI), CNIGeneric, CNICalico, CNICilium, CNIAntrea)...)
	errs = append(errs, oneOf(spec.Child("dialect"), string(c.Spec.Dialect), DialectNetworkPolicy, DialectNative)...)
	if c.Spec.Dialect == DialectNative && c.Spec.CNI == CNIGeneric {
		errs = append(errs, field.Invalid(spec.Child("dialect"), string(c.Spec.Dialect), "native policies need the cluster's CNI: set spec.cni to calico, cilium or antrea"))
	}
	if t := c.Spec.Tier; t != nil {
		errs = append(errs, dnsName(spec.Child("tier", "name"), t.Name)...)
		if t.Order != nil && *t.Order < 1 {
			errs = append(errs, field.Invalid(spec.Child("tier", "order"), *t.Order, "must be at least 1"))
		}
		errs = append(errs, validateTier(spec.Child("tier"), c.Spec.CNI, t)...)
	}
	if b := c.Spec.Baseline; b != nil {
		p := spec.Child("baseline")
		errs = append(errs, validateDNS(p.Child("dns"), b.DNS)...)
		for i, r := range b.Ingress {
			q := p.Child("ingress").Index(i)
			errs = append(errs, validateBaselinePeer(q.Child("from"), r.From)...)
			errs = append(errs, validateBaselinePorts(q.Child("ports"), r.Ports)...)
			errs = append(errs, requiredText(q.Child("reason"), r.Reason)...)
		}
		for i, r := range b.Egress {
			q := p.Child("egress").Index(i)
			errs = append(errs, validateBaselinePeer(q.Child("to"), r.To)...)
			errs = append(errs, validateBaselinePorts(q.Child("ports"), r.Ports)...)
			errs = append(errs, requiredText(q.Child("reason"), r.Reason)...)
		}
		for i, d := range b.Deny {
			q := p.Child("deny").Index(i)
			errs = append(errs, cidr(q.Child("cidr"), d.CIDR)...)
			errs = append(errs, requiredText(q.Child("reason"), d.Reason)...)
		}
	}
	var out []FieldError
	for _, e := range errs {
		out = append(out, FieldError{Path: e.Field, Message: e.ErrorBody()})
	}
	return out
}

func validateBaselinePeer(p *field.Path, peer BaselinePeer) field.ErrorList {
	var errs field.ErrorList
	switch {
	case peer.CIDR != "" && (peer.Namespace != "" || len(peer.PodLabels) > 0):
		errs = append(errs, field.Invalid(p, peer.CIDR, "one of namespace with podLabels, or cidr"))
	case peer.CIDR != "":
		errs = append(errs, cidr(p.Child("cidr"), peer.CIDR)...)
		if b, err := netip.ParsePrefix(peer.CIDR); err == nil && b.Bits() == 0 {
			errs = append(errs, field.Invalid(p.Child("cidr"), peer.CIDR, "every address is no baseline allowance; name the block"))
		}
	case peer.Namespace == "":
		errs = append(errs, field.Required(p.Child("namespace"), "one of namespace with podLabels, or cidr"))
	default:
		errs = append(errs, namespaceName(p.Child("namespace"), peer.Namespace)...)
		if len(peer.PodLabels) == 0 {
			errs = append(errs, field.Required(p.Child("podLabels"), "a namespace alone would admit every pod in it; add podLabels"))
		}
		errs = append(errs, labels(p.Child("podLabels"), peer.PodLabels)...)
	}
	return errs
}

// validateBaselinePorts requires port numbers: a cluster-wide rule has no
// Service to resolve a name through.
func validateBaselinePorts(p *field.Path, ports []PortRef) field.ErrorList {
	if len(ports) == 0 {
		return field.ErrorList{field.Required(p, "the ports admitted, as numbers")}
	}
	errs := validatePorts(p, ports, podPortName)
	for i, port := range ports {
		if port.Port.Type == intstr.String {
			errs = append(errs, field.Invalid(p.Index(i), port.String(), "a baseline rule has no Service to resolve a name through; give a number"))
		}
	}
	return errs
}

// calicoReservedTiers are the Calico tiers netid must not render its
// workloads' policies into: Calico's own (default holds the namespaces'
// NetworkPolicies, kube-admin and kube-baseline the upstream admin API's)
// and the baseline's.
var calicoReservedTiers = []string{"default", "kube-admin", "kube-baseline", "netid-guardrail", "netid-baseline"}

// antreaStaticTiers are Antrea's built-in tiers by priority: a tier of
// another name may not take one of their priorities.
var antreaStaticTiers = map[int32]string{50: "emergency", 100: "securityops", 150: "networkops", 200: "platform", 250: "application", 253: "baseline"}

// validateTier checks the workloads' tier against the CNI's own tiers.
func validateTier(p *field.Path, cni CNI, t *PolicyTier) field.ErrorList {
	var errs field.ErrorList
	switch cni {
	case CNICalico:
		for _, r := range calicoReservedTiers {
			if t.Name == r {
				errs = append(errs, field.Invalid(p.Child("name"), t.Name, "a tier Calico or netid's baseline uses; name a tier of the workloads' own"))
			}
		}
		if t.Order != nil && *t.Order >= 1000000 {
			errs = append(errs, field.Invalid(p.Child("order"), *t.Order, "at or after Calico's default tier (1,000,000), where each namespace's default-deny NetworkPolicy would decide first; give an order below it"))
		}
	case CNIAntrea:
		if t.Order != nil {
			if static, ok := antreaStaticTiers[*t.Order]; ok && static != t.Name {
				errs = append(errs, field.Invalid(p.Child("order"), *t.Order, fmt.Sprintf("the priority of Antrea's static tier %s: tier priorities are unique", static)))
			}
		}
	}
	return errs
}
