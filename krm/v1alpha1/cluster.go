package v1alpha1

import (
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
}

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
}

// Validate checks the ClusterNetworkIdentity (call Default first).
func (c *ClusterNetworkIdentity) Validate() []FieldError {
	var errs field.ErrorList
	if c.Name != "" {
		errs = append(errs, objectName(field.NewPath("metadata", "name"), c.Name)...)
	}
	errs = append(errs, oneOf(field.NewPath("spec", "cni"), string(c.Spec.CNI), CNIGeneric, CNICalico, CNICilium, CNIAntrea)...)
	var out []FieldError
	for _, e := range errs {
		out = append(out, FieldError{Path: e.Field, Message: e.ErrorBody()})
	}
	return out
}
