// Package dialect holds one adapter per policy dialect that decides
// reachability: each compiles its objects into the one model of proof/model
// (networkpolicy.go, adminnetworkpolicy.go, calico.go, cilium.go, antrea.go,
// istio.go). Compile picks the adapters the cluster enforces.
package dialect

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"netid.dev/netid/fn/internal/proof/model"
)

// The layers' names, as findings and the report print them.
const (
	LayerNetworkPolicy = "Kubernetes NetworkPolicy (networking.k8s.io)"
	LayerAdmin         = "Kubernetes AdminNetworkPolicy (policy.networking.k8s.io)"
	LayerCalico        = "Calico policy (projectcalico.org)"
	LayerCilium        = "Cilium policy (cilium.io)"
	LayerAntrea        = "Antrea-native policy (crd.antrea.io)"
	LayerIstio         = "Istio authorization (security.istio.io)"
	LayerLinkerd       = "Linkerd authorization (policy.linkerd.io)"
)

// CNI names the network plugin the cluster runs.
type CNI string

// The plugins netid knows.
const (
	Generic CNI = "generic" // enforces NetworkPolicy only
	Calico  CNI = "calico"
	Cilium  CNI = "cilium"
	Antrea  CNI = "antrea"
)

// Cluster says what the cluster enforces.
type Cluster struct {
	// CNI is the network plugin ("" is Generic).
	CNI CNI
	// AdminNetworkPolicy says the cluster implements the upstream
	// admin/baseline network policy API (policy.networking.k8s.io).
	AdminNetworkPolicy bool
}

// Object is a stream object of a dialect, as the adapters read it.
type Object struct {
	APIVersion, Kind, Namespace, Name string
	// JSON is the whole object.
	JSON []byte
	// Generated says netid rendered it from the declarations.
	Generated bool
}

// Ref is "Kind namespace/name", or "Kind name" when cluster-scoped.
func (o *Object) Ref() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Group is the object's API group ("" for the core group).
func (o *Object) Group() string {
	g, _, ok := strings.Cut(o.APIVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// decode decodes the object's JSON into v, refusing unknown fields: a field
// the adapter's types do not know is a construct it does not model.
func (o *Object) decode(v any) error {
	dec := json.NewDecoder(strings.NewReader(string(o.JSON)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", o.Ref(), err)
	}
	return nil
}

// adapter compiles the objects of one layer that the cluster enforces.
type adapter struct {
	layer string
	// enforced says whether the cluster enforces the layer.
	enforced func(Cluster) bool
	compile  func(objs []Object, c Cluster) model.Compiled
}

// adapters by "group/Kind"; each adapter file registers its kinds in init.
var adapters = map[string]*adapter{}

func register(a *adapter, groupKinds ...string) {
	for _, gk := range groupKinds {
		adapters[gk] = a
	}
}

// Handles reports whether some adapter reads objects of apiVersion/kind.
func Handles(apiVersion, kind string) bool {
	o := Object{APIVersion: apiVersion, Kind: kind}
	_, ok := adapters[o.Group()+"/"+kind]
	return ok
}

// Compile compiles the NetworkPolicies and the dialect objects the cluster
// enforces. An object of a dialect the cluster does not enforce, as its
// settings say, is Unmodelled: either the settings are wrong (the cluster
// runs that CNI) and the proof would miss what it opens, or the object is
// dead weight; either way the proof cannot vouch for it.
func Compile(c Cluster, nps []networkingv1.NetworkPolicy, objs []Object) model.Compiled {
	var out model.Compiled
	out.Add(NetworkPolicies(nps, NetworkPolicyPlacement(c)))
	byAdapter := map[*adapter][]Object{}
	var order []*adapter
	for _, o := range objs {
		a := adapters[o.Group()+"/"+o.Kind]
		if a == nil {
			continue
		}
		if !a.enforced(c) {
			out.Unmodelled = append(out.Unmodelled, model.Unmodelled{Layer: a.layer, Object: o.Ref(),
				Why: fmt.Sprintf("the cluster does not enforce %s as netid's settings describe it (spec.cni: %s%s): if it does, say so in a ClusterNetworkIdentity (spec.cni, spec.adminNetworkPolicy), so that the proof evaluates the object; else the object decides nothing", a.layer, cniName(c), adminNote(c))})
			continue
		}
		if byAdapter[a] == nil {
			order = append(order, a)
		}
		byAdapter[a] = append(byAdapter[a], o)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].layer < order[j].layer })
	for _, a := range order {
		out.Add(a.compile(byAdapter[a], c))
	}
	return out
}

func adminNote(c Cluster) string {
	if c.AdminNetworkPolicy {
		return ", admin network policy API implemented"
	}
	return ", admin network policy API not declared"
}

func cniName(c Cluster) string {
	if c.CNI == "" {
		return string(Generic)
	}
	return string(c.CNI)
}

// Placement is where a CNI reads namespaced NetworkPolicy among its tiers.
type Placement struct {
	Tier, Order float64
	// TierName names the tier in messages ("" when the CNI has no tiers).
	TierName string
}

// NetworkPolicyPlacement is where c's CNI reads NetworkPolicy.
func NetworkPolicyPlacement(c Cluster) Placement {
	if p, ok := placements[c.CNI]; ok {
		return p
	}
	return Placement{Tier: model.TierNetworkPolicy}
}

// placements are set by the CNI adapters that place NetworkPolicy in a tier
// of their own (Calico's default tier, between Antrea's Application and
// Baseline tiers).
var placements = map[CNI]Placement{}

// Meshed are the pods of a mesh ("istio" or "linkerd") as label formulas:
// the callers that carry a mesh identity. nil for another provider.
func Meshed(provider string) []model.Peer {
	switch provider {
	case "istio":
		return IstioMeshed()
	case "linkerd":
		return linkerdMeshed(model.Everything(), model.Everything())
	}
	return nil
}
