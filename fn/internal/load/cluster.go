package load

import (
	"reflect"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

// Cluster is the render's ClusterNetworkIdentity, from the functionConfig or
// the items.
type Cluster struct {
	Object finding.Object
	// Config is decoded and defaulted.
	Config *v1alpha1.ClusterNetworkIdentity
}

// Enforced is what the cluster enforces, resolved from the
// ClusterNetworkIdentity or, without one, from the NetworkIdentities.
type Enforced struct {
	// CNI is the cluster's network plugin (generic when nothing names one).
	CNI v1alpha1.CNI
	// AdminNetworkPolicy says the cluster implements policy.networking.k8s.io.
	AdminNetworkPolicy bool
	// From is the object the CNI was read from (empty when nothing names one).
	From finding.Object
	// Dialect is the language of the workloads' policies (networkpolicy
	// without a ClusterNetworkIdentity).
	Dialect v1alpha1.Dialect
	// Tier places native policies (the default tier without a
	// ClusterNetworkIdentity); a nil Order is the CNI's default.
	Tier v1alpha1.PolicyTier
	// Baseline is the cluster's guardrails, nil when none is declared.
	Baseline *v1alpha1.Baseline
	// Object is the ClusterNetworkIdentity, empty without one.
	Object finding.Object
}

// Native says the workloads' policies render in the CNI's own kinds.
func (e Enforced) Native() bool { return e.Dialect == v1alpha1.DialectNative }

func isCluster(n *yaml.RNode) bool {
	return n.GetKind() == v1alpha1.ClusterKind && strings.HasPrefix(n.GetApiVersion(), v1alpha1.Group+"/")
}

func loadCluster(n *yaml.RNode, obj finding.Object) (*Cluster, finding.List) {
	cfg, errs := v1alpha1.DecodeClusterNode(n.YNode())
	if len(errs) == 0 {
		cfg.Default()
		errs = cfg.Validate()
	}
	var fs finding.List
	for _, e := range errs {
		fs = append(fs, finding.Configf(obj, e.Path, "%s", e.Message))
	}
	if len(fs) > 0 {
		return nil, fs
	}
	return &Cluster{Object: obj, Config: cfg}, nil
}

// addCluster records c as the render's ClusterNetworkIdentity: a second one
// is an error naming both, unless it is the same object given twice (kpt
// passes a package's functionConfig both as the functionConfig and as an
// item).
func addCluster(m *Model, c *Cluster) finding.List {
	if m.Cluster == nil {
		m.Cluster = c
		return nil
	}
	prev := m.Cluster
	if prev.Object.Name == c.Object.Name {
		if reflect.DeepEqual(prev.Config.Spec, c.Config.Spec) {
			return nil
		}
		return finding.List{finding.Configf(c.Object, "spec",
			"%s is given twice, with different specs; keep one: %s", prev.Object,
			Differences(c.Config.Spec, prev.Config.Spec, "one", "the other"))}
	}
	return finding.List{finding.Configf(c.Object, "metadata.name",
		"a second %s beside %s: a render describes one cluster; keep one", v1alpha1.ClusterKind, prev.Object)}
}

// resolveEnforced decides what the cluster enforces. A ClusterNetworkIdentity
// says it, and a NetworkIdentity naming another non-generic spec.cni
// contradicts it; without one, the NetworkIdentities' non-generic spec.cni
// names the CNI, and two different ones contradict each other. A
// contradiction is an error naming both objects: one cluster runs one CNI.
func resolveEnforced(m *Model) (Enforced, finding.List) {
	e := Enforced{CNI: v1alpha1.CNIGeneric, Dialect: v1alpha1.DialectNetworkPolicy, Tier: v1alpha1.PolicyTier{Name: v1alpha1.DefaultTierName}}
	if c := m.Cluster; c != nil {
		cs := c.Config.Spec
		e = Enforced{CNI: cs.CNI, AdminNetworkPolicy: cs.AdminNetworkPolicy, From: c.Object,
			Dialect: cs.Dialect, Tier: *cs.Tier, Baseline: cs.Baseline, Object: c.Object}
	}
	var fs finding.List
	for _, id := range m.Identities {
		cni := id.Config.Spec.CNI
		if cni == "" || cni == v1alpha1.CNIGeneric || cni == e.CNI {
			continue
		}
		switch {
		case m.Cluster != nil:
			fs = append(fs, finding.Configf(id.Object, "spec.cni",
				"spec.cni is %s, but %s says the cluster runs %s (spec.cni): one cluster runs one CNI; drop spec.cni here or correct one of them",
				cni, m.Cluster.Object, m.Cluster.Config.Spec.CNI))
		case e.CNI == v1alpha1.CNIGeneric:
			e.CNI, e.From = cni, id.Object
		default:
			fs = append(fs, finding.Configf(id.Object, "spec.cni",
				"spec.cni is %s, but %s says %s (spec.cni): one cluster runs one CNI; state it once in a %s",
				cni, e.From, e.CNI, v1alpha1.ClusterKind))
		}
	}
	return e, fs
}
