package proof

import (
	"sort"
	"strings"
)

// Layer is one layer of a cluster that decides whether a connection is
// allowed: namespaced NetworkPolicy, the cluster-wide tiers above it, a
// CNI's own dialect, or a mesh's authorization.
type Layer struct {
	// Name names the layer in findings and the report, e.g. "Calico policy".
	Name string
	// Modelled says the connectivity proof evaluates the layer's objects.
	// An object of a layer it does not model may open or close flows the
	// proof cannot see, so the proof claims nothing about them.
	Modelled bool
}

// The layers netid knows of.
var (
	// NetworkPolicyLayer is networking.k8s.io NetworkPolicy: the one layer
	// the proof evaluates.
	NetworkPolicyLayer = Layer{Name: "Kubernetes NetworkPolicy (networking.k8s.io)", Modelled: true}
	// AdminNetworkPolicyLayer is the cluster-wide policy of the Kubernetes
	// network-policy-api, evaluated before (AdminNetworkPolicy) and after
	// (BaselineAdminNetworkPolicy) NetworkPolicy; ClusterNetworkPolicy is
	// its successor with both tiers in one kind.
	AdminNetworkPolicyLayer = Layer{Name: "Kubernetes AdminNetworkPolicy (policy.networking.k8s.io)"}
	// CalicoLayer is Calico's tiered policy, its staged (previewed) forms
	// and the address sets it references.
	CalicoLayer = Layer{Name: "Calico policy (projectcalico.org)"}
	// CiliumLayer is Cilium's namespaced and clusterwide policy and the CIDR
	// groups it references.
	CiliumLayer = Layer{Name: "Cilium policy (cilium.io)"}
	// AntreaLayer is Antrea-native tiered policy and the groups it references.
	AntreaLayer = Layer{Name: "Antrea-native policy (crd.antrea.io)"}
	// IstioLayer is Istio's request authorization in the sidecar or ztunnel.
	IstioLayer = Layer{Name: "Istio authorization (security.istio.io)"}
	// LinkerdLayer is Linkerd's inbound authorization policy in the proxy.
	LinkerdLayer = Layer{Name: "Linkerd authorization (policy.linkerd.io)"}
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

// EvaluatedLayers are the layers the proof evaluates, by name.
func EvaluatedLayers() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range layers {
		if l.Modelled && !seen[l.Name] {
			seen[l.Name] = true
			out = append(out, l.Name)
		}
	}
	sort.Strings(out)
	return out
}

// LayerObject is an object of a layer the proof does not evaluate.
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
}

// String is "Kind namespace/name", or "Kind name" when cluster-scoped.
func (o LayerObject) String() string {
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
		return a.Name < b.Name
	})
}
