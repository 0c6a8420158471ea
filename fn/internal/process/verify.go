package process

import (
	"encoding/json"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/krm/v1alpha1"
)

// Verification is what `netid verify` reports on any manifest stream.
type Verification struct {
	// Declared is set when the stream carries NetworkIdentity configs, which
	// give the proofs their expectations.
	Declared bool `json:"declared"`
	// Endpoints the connectivity proof considered.
	Endpoints []string `json:"endpoints"`
	// Flows is the computed flow matrix: every allowed, judged connection.
	Flows []proof.Cell `json:"flows"`
	// Mismatches are declared flows found blocked and undeclared ones found open.
	Mismatches []proof.Cell `json:"mismatches"`
	// NotJudged names the declared flows the connectivity proof cannot judge.
	NotJudged []string `json:"notJudged,omitempty"`
	// Layers names the layers the connectivity proof evaluated.
	Layers []string `json:"layers"`
	// NotEvaluated are the objects of layers the connectivity proof does not
	// evaluate (a Calico or Cilium policy, a mesh's authorization): the flows
	// they open or close are not in Flows or Mismatches.
	NotEvaluated []proof.LayerObject `json:"notEvaluated,omitempty"`
	// Inert are objects, or constructs of objects, that decide nothing the
	// proof judges (a staged policy, a dialect the cluster's CNI does not
	// enforce, a rule about nodes), with why.
	Inert []proof.LayerObject `json:"inert,omitempty"`
	// Incomplete says where the connectivity proof could not enumerate every
	// pod; it then claims nothing.
	Incomplete []proof.Gap `json:"incomplete,omitempty"`
	// RBAC maps "namespace/serviceaccount" to its effective permissions.
	RBAC map[string][]rbac.Rule `json:"rbac"`
	// RBACExcess maps a ServiceAccount to what it can do beyond its declaration.
	RBACExcess map[string][]rbac.Rule `json:"rbacExcess,omitempty"`
	// RBACUnresolved maps a ServiceAccount to its bindings whose role is not
	// in the stream, whose grant therefore cannot be reviewed.
	RBACUnresolved map[string][]rbac.Binding `json:"rbacUnresolved,omitempty"`
	// BootstrapRBAC are the permissions every authenticated ServiceAccount
	// also has from the API server's default policy.
	BootstrapRBAC []rbac.Rule `json:"bootstrapRBAC"`
	// Findings are config problems with the declarations, if any.
	Findings finding.List `json:"-"`
	// Stages maps each declared workload ("namespace/name") to the stage
	// the declarations render it in (observe or enforce); nil without
	// declarations. With an observed workload the stream is the observe
	// form: Flows are what it opens, and Mismatches, Incomplete and
	// NotJudged judge the enforce form, which the declarations render anew.
	Stages map[string]v1alpha1.RolloutStage `json:"stages,omitempty"`
	// WouldBlock are the connections the stream opens and the enforce form
	// does not: what enforcing the observed workloads would block.
	WouldBlock []proof.Cell `json:"wouldBlock,omitempty"`
	// Empty says why there is nothing to prove ("" when there is): no
	// workloads, no NetworkPolicy, or declarations that were never rendered.
	Empty string `json:"empty,omitempty"`
}

// Failed reports whether a proof failed or the declarations could not be read.
func (v Verification) Failed() bool {
	return v.Empty != "" || len(v.Mismatches) > 0 || len(v.Incomplete) > 0 || len(v.RBACExcess) > 0 || len(v.RBACUnresolved) > 0 || v.Findings.HasErrors()
}

// Verify runs both proofs over any stream: a rendered repository, kustomize
// output, or a ResourceList. NetworkIdentity configs in it (or as the
// functionConfig) become the expectations; without them the matrix and the
// permissions are computed and listed, and nothing is expected.
func Verify(items []*yaml.RNode, functionConfig *yaml.RNode) Verification {
	if fs := load.Screen(items, functionConfig, false); fs.HasErrors() {
		return Verification{RBAC: map[string][]rbac.Rule{}, BootstrapRBAC: rbac.BootstrapRules(), Findings: fs.Sorted()}
	}
	var p *plan.Plan
	var fs finding.List
	var read map[*yaml.RNode]*load.Read
	var cluster *dialect.Cluster
	if hasConfig(items, functionConfig) {
		m, lfs := load.Load(items, functionConfig)
		fs, read = lfs, m.Read
		cluster = enforced(m)
		if !fs.HasErrors() {
			var pfs finding.List
			p, pfs = plan.Make(m)
			fs = append(fs, pfs...)
			if fs.HasErrors() {
				p = nil
			}
		}
	} else if hasKind(items, functionConfig, v1alpha1.ClusterKind) {
		// cluster settings without declarations: only what the cluster
		// enforces is read
		m, lfs := load.Load(items, functionConfig)
		for _, f := range lfs {
			if f.Object.Kind == v1alpha1.ClusterKind {
				fs = append(fs, f)
			}
		}
		if !fs.HasErrors() {
			cluster = enforced(m)
		}
	}
	s, sfs := newStream(items, read)
	s.Plan = p
	if p != nil {
		// the declarations say what the cluster enforces (spec.cni)
		for _, w := range p.Workloads {
			s.Declare(w.Namespace()+"/"+w.Name(), &rules.Declaration{Config: w.Identity.Config, Object: w.Identity.Object})
		}
	}
	s.Enforced = cluster
	c := s.Connectivity()
	judged := c
	var stages map[string]v1alpha1.RolloutStage
	var wouldBlock []proof.Cell
	if p != nil {
		stages = rolloutStages(p)
		if rolloutObserving(p) {
			if es, ok := enforceStream(items, functionConfig, cluster); ok {
				judged = es.Connectivity()
				wouldBlock = RolloutWouldBlock(c, judged)
			} else {
				fs = append(fs, finding.Finding{Severity: finding.Error, Rule: finding.ConfigRule,
					Message: "the enforce form of the observed workloads (spec.rollout: observe) could not be rendered to prove it; render the declarations to see why"})
			}
		}
	}
	v := Verification{Declared: p != nil, Endpoints: c.Endpoints, Flows: c.Allowed, Mismatches: judged.Mismatches, NotJudged: notJudged(judged.Unjudged),
		Incomplete: c.Incomplete, Layers: c.Evaluated, NotEvaluated: c.NotEvaluated, Inert: c.Inert,
		Stages: stages, WouldBlock: wouldBlock,
		RBAC: map[string][]rbac.Rule{}, BootstrapRBAC: rbac.BootstrapRules(), Findings: append(fs, sfs...).Sorted()}
	if judged != c {
		v.Incomplete = append(slices.Clone(c.Incomplete), judged.Incomplete...)
	}
	v.Empty = emptiness(s, hasConfig(items, functionConfig))
	for _, r := range s.RBACReview() {
		key := r.Namespace + "/" + r.ServiceAccount
		v.RBAC[key] = r.Effective
		if len(r.Excess) > 0 {
			if v.RBACExcess == nil {
				v.RBACExcess = map[string][]rbac.Rule{}
			}
			v.RBACExcess[key] = r.Excess
		}
		if len(r.Unresolved) > 0 {
			if v.RBACUnresolved == nil {
				v.RBACUnresolved = map[string][]rbac.Binding{}
			}
			v.RBACUnresolved[key] = r.Unresolved
		}
	}
	return v
}

// emptiness says why a stream has nothing to prove, or "".
func emptiness(s *rules.Stream, declared bool) string {
	generated := false
	for _, np := range s.NetworkPolicies {
		generated = generated || np.Typed.Labels["app.kubernetes.io/managed-by"] == "netid"
	}
	// a native dialect's render holds netid's policies of the CNI's kinds
	for _, u := range s.Layered {
		var o struct {
			Metadata struct {
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		}
		if !generated && json.Unmarshal(u.JSON, &o) == nil {
			generated = o.Metadata.Labels["app.kubernetes.io/managed-by"] == "netid"
		}
	}
	switch {
	case len(s.Workloads) == 0:
		return "the input has no workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods, Rollouts): there is nothing to prove"
	case declared && !generated:
		return "the input has NetworkIdentity declarations but none of netid's policies: it is not rendered; render it first (kustomize build --enable-alpha-plugins --enable-exec, or kpt fn render) and verify the output"
	case len(s.NetworkPolicies) == 0 && len(s.Layered) == 0:
		return "the input has no NetworkPolicy nor policy of another layer: every pod may reach every other and every address; there is nothing to prove"
	}
	return ""
}

func hasConfig(items []*yaml.RNode, fc *yaml.RNode) bool {
	return hasKind(items, fc, v1alpha1.Kind)
}

// hasKind says whether the functionConfig or an item is of netid's kind.
func hasKind(items []*yaml.RNode, fc *yaml.RNode, kind string) bool {
	if fc != nil && fc.GetKind() == kind {
		return true
	}
	for _, n := range items {
		if n.GetKind() == kind {
			return true
		}
	}
	return false
}

// notJudged is each unjudged flow as text, as the report lists it.
func notJudged(us []proof.Unjudged) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.String())
	}
	return out
}

// enforceStream is the stream of the enforce form of a rendered stream whose
// declarations observe some workload (enforceForm), declared as the render
// declares it; false when it cannot be rendered.
func enforceStream(items []*yaml.RNode, functionConfig *yaml.RNode, cluster *dialect.Cluster) (*rules.Stream, bool) {
	m, p, res, ok := enforceForm(items, functionConfig)
	if !ok {
		return nil, false
	}
	s, _ := newStream(res.Items, m.Read)
	for _, g := range res.Generated {
		s.AddGenerated(g.Object, g.Map, g.Ref)
	}
	s.Plan = p
	for _, w := range p.Workloads {
		s.Declare(w.Namespace()+"/"+w.Name(), &rules.Declaration{Config: w.Identity.Config, Object: w.Identity.Object})
	}
	s.Enforced = cluster
	return s, true
}
