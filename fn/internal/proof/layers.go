package proof

import (
	"sort"
	"strings"

	"netid.dev/netid/fn/internal/proof/dialect"
)

// Layer is one layer of a cluster that decides whether a connection is
// allowed: namespaced NetworkPolicy, the cluster-wide tiers above it, a
// CNI's own dialect, or a mesh's authorization. The proof evaluates the
// objects of a layer through its adapter in proof/dialect; an object or a
// construct the adapter cannot model is named, and the proof claims nothing
// of the flows it may open or close.
type Layer struct {
	// Name names the layer in findings and the report, e.g. "Calico policy
	// (projectcalico.org)".
	Name string
}

// The layers netid knows of.
var (
	// NetworkPolicyLayer is networking.k8s.io NetworkPolicy, which every
	// CNI enforces.
	NetworkPolicyLayer = Layer{Name: dialect.LayerNetworkPolicy}
	// AdminNetworkPolicyLayer is the cluster-wide policy of the Kubernetes
	// network-policy-api, evaluated before (AdminNetworkPolicy) and after
	// (BaselineAdminNetworkPolicy) NetworkPolicy; ClusterNetworkPolicy is
	// its successor with both tiers in one kind.
	AdminNetworkPolicyLayer = Layer{Name: dialect.LayerAdmin}
	// CalicoLayer is Calico's tiered policy, its staged (previewed) forms
	// and the address sets it references.
	CalicoLayer = Layer{Name: dialect.LayerCalico}
	// CiliumLayer is Cilium's namespaced and clusterwide policy and the CIDR
	// groups it references.
	CiliumLayer = Layer{Name: dialect.LayerCilium}
	// AntreaLayer is Antrea-native tiered policy and the groups it references.
	AntreaLayer = Layer{Name: dialect.LayerAntrea}
	// IstioLayer is Istio's request authorization in the sidecar or ztunnel.
	IstioLayer = Layer{Name: dialect.LayerIstio}
	// LinkerdLayer is Linkerd's inbound authorization policy in the proxy.
	LinkerdLayer = Layer{Name: dialect.LayerLinkerd}
)

// layers maps "group/Kind" (any version) to the layer the kind belongs to.
var layers = map[string]Layer{
	"networking.k8s.io/NetworkPolicy": NetworkPolicyLayer,

	// https://network-policy-api.sigs.k8s.io/api-overview/ (AdminNetworkPolicy
	// and BaselineAdminNetworkPolicy, policy.networking.k8s.io/v1alpha1;
	// ClusterNetworkPolicy, their successor, v1alpha2).
	"policy.networking.k8s.io/AdminNetworkPolicy":         AdminNetworkPolicyLayer,
	"policy.networking.k8s.io/BaselineAdminNetworkPolicy": AdminNetworkPolicyLayer,
	"policy.networking.k8s.io/ClusterNetworkPolicy":       AdminNetworkPolicyLayer,

	// https://docs.tigera.io/calico/latest/reference/resources/ (networkpolicy,
	// globalnetworkpolicy, stagednetworkpolicy, stagedglobalnetworkpolicy,
	// stagedkubernetesnetworkpolicy, networkset, globalnetworkset, tier;
	// projectcalico.org/v3 through the API server, crd.projectcalico.org/v1
	// as stored). A staged policy enforces nothing, but it is one step from
	// enforcing and the proof does not read it either.
	"projectcalico.org/NetworkPolicy":                     CalicoLayer,
	"projectcalico.org/GlobalNetworkPolicy":               CalicoLayer,
	"projectcalico.org/StagedNetworkPolicy":               CalicoLayer,
	"projectcalico.org/StagedGlobalNetworkPolicy":         CalicoLayer,
	"projectcalico.org/StagedKubernetesNetworkPolicy":     CalicoLayer,
	"projectcalico.org/NetworkSet":                        CalicoLayer,
	"projectcalico.org/GlobalNetworkSet":                  CalicoLayer,
	"projectcalico.org/Tier":                              CalicoLayer,
	"crd.projectcalico.org/NetworkPolicy":                 CalicoLayer,
	"crd.projectcalico.org/GlobalNetworkPolicy":           CalicoLayer,
	"crd.projectcalico.org/StagedNetworkPolicy":           CalicoLayer,
	"crd.projectcalico.org/StagedGlobalNetworkPolicy":     CalicoLayer,
	"crd.projectcalico.org/StagedKubernetesNetworkPolicy": CalicoLayer,
	"crd.projectcalico.org/NetworkSet":                    CalicoLayer,
	"crd.projectcalico.org/GlobalNetworkSet":              CalicoLayer,
	"crd.projectcalico.org/Tier":                          CalicoLayer,

	// https://docs.cilium.io/en/stable/network/kubernetes/policy/ and
	// https://docs.cilium.io/en/latest/network/kubernetes/ciliumcidrgroup/
	// (cilium.io/v2; CiliumCIDRGroup also cilium.io/v2alpha1).
	"cilium.io/CiliumNetworkPolicy":            CiliumLayer,
	"cilium.io/CiliumClusterwideNetworkPolicy": CiliumLayer,
	"cilium.io/CiliumCIDRGroup":                CiliumLayer,

	// https://antrea.io/docs/main/docs/antrea-network-policy/ (Tier,
	// ClusterNetworkPolicy, NetworkPolicy, ClusterGroup, Group; crd.antrea.io).
	"crd.antrea.io/NetworkPolicy":        AntreaLayer,
	"crd.antrea.io/ClusterNetworkPolicy": AntreaLayer,
	"crd.antrea.io/Group":                AntreaLayer,
	"crd.antrea.io/ClusterGroup":         AntreaLayer,
	"crd.antrea.io/Tier":                 AntreaLayer,

	// https://istio.io/latest/docs/reference/config/security/authorization-policy/
	"security.istio.io/AuthorizationPolicy": IstioLayer,
	"security.istio.io/PeerAuthentication":  IstioLayer,

	// https://linkerd.io/2/reference/authorization-policy/ (Server,
	// ServerAuthorization, AuthorizationPolicy, MeshTLSAuthentication,
	// NetworkAuthentication, HTTPRoute; policy.linkerd.io).
	"policy.linkerd.io/Server":                LinkerdLayer,
	"policy.linkerd.io/ServerAuthorization":   LinkerdLayer,
	"policy.linkerd.io/AuthorizationPolicy":   LinkerdLayer,
	"policy.linkerd.io/MeshTLSAuthentication": LinkerdLayer,
	"policy.linkerd.io/NetworkAuthentication": LinkerdLayer,
	"policy.linkerd.io/HTTPRoute":             LinkerdLayer,
}

// LayerOf is the layer an object of apiVersion and kind belongs to, whatever
// the version; false for a kind that decides no reachability (as far as
// netid knows).
func LayerOf(apiVersion, kind string) (Layer, bool) {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = "" // the core group: "v1"
	}
	l, ok := layers[group+"/"+kind]
	return l, ok
}

// LayerObject is an object of a layer other than NetworkPolicy, or one of
// its constructs, that the proof names: as not evaluated or as deciding
// nothing.
type LayerObject struct {
	// APIVersion and Kind are the object's, e.g. cilium.io/v2
	// CiliumClusterwideNetworkPolicy.
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Namespace is "" for a cluster-scoped object.
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Layer is the layer's name, e.g. "Cilium policy (cilium.io)".
	Layer string `json:"layer"`
	// Generated says netid rendered it from the declaration (the mesh's
	// authorization, Cilium FQDN egress), rather than the user.
	Generated bool `json:"generated,omitempty"`
	// Field is the path of the construct concerned, e.g.
	// "spec.egress[0].toFQDNs" ("" for the whole object).
	Field string `json:"field,omitempty"`
	// Why says why the proof does not evaluate it, e.g. "DNS names resolve
	// at run time".
	Why string `json:"why,omitempty"`
}

// String is "Kind namespace/name", or "Kind name" when cluster-scoped.
func (o LayerObject) String() string {
	if o.Kind == "" {
		return o.Name // a notice about no one object
	}
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// sortLayerObjects orders objects by layer, then kind, namespace and name.
func sortLayerObjects(os []LayerObject) {
	sort.SliceStable(os, func(i, j int) bool {
		a, b := os[i], os[j]
		if a.Layer != b.Layer {
			return a.Layer < b.Layer
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Field < b.Field
	})
}
