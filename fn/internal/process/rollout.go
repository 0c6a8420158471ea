package process

import (
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/report"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/krm/v1alpha1"
)

// A workload in its observe stage (spec.rollout: observe) renders in a form
// that blocks nothing yet. The rules and the connectivity proof judge the
// enforce form, the one the same declarations render with every workload
// enforcing, so that a policy that would be unsafe once enforced is refused
// while it is still observed. The observe form, the output, is proven for its
// open flows only: those it opens and the enforce form does not are what
// enforcement would block.

// rolloutObserving says that some workload of the plan renders in its
// observe stage.
func rolloutObserving(p *plan.Plan) bool {
	for _, w := range p.Workloads {
		if p.Observes(w) {
			return true
		}
	}
	return false
}

// judgedForm is the stream the rules and the proofs judge, with the model
// and plan it was rendered from.
type judgedForm struct {
	items     []*yaml.RNode
	generated []*emit.Generated
	conflicts []emit.Conflict
	model     *load.Model
	plan      *plan.Plan
}

// addConflicts adds the user objects that collide with the observe form:
// they are judged like those colliding with the enforce form.
func (j *judgedForm) addConflicts(cs []emit.Conflict) {
	for _, c := range cs {
		if !slices.Contains(j.conflicts, c) {
			j.conflicts = append(j.conflicts, c)
		}
	}
}

// rolloutEnforce renders the enforce form of a plan some workload observes,
// for the rules and the proofs. Rendering, it is emitted before the output
// (the observe form), whose patches of the items are then the output's.
// Validating, the input is the rendered observe form: the enforce form is
// rendered anew from copies (enforceForm), leaving the items as given.
func rolloutEnforce(items []*yaml.RNode, functionConfig *yaml.RNode, m *load.Model, p *plan.Plan, validateOnly bool) (judgedForm, finding.List) {
	if validateOnly {
		em, ep, res, ok := enforceForm(items, functionConfig)
		if !ok {
			return judgedForm{}, finding.List{{Severity: finding.Error, Rule: finding.ConfigRule,
				Message: "the enforce form of the observed workloads (spec.rollout: observe) could not be rendered to judge it; render the input without netid.dev/validate-only to see why"}}
		}
		return judgedForm{items: res.Items, generated: res.Generated, conflicts: res.Conflicts, model: em, plan: ep}, nil
	}
	ep := p.WithEnforcing()
	res := emit.Emit(m, ep)
	fs := append(res.Findings, checkGeneratedAnnotations(res.Generated)...)
	return judgedForm{items: res.Items, generated: res.Generated, conflicts: res.Conflicts, model: m, plan: ep}, fs
}

// rolloutStages maps every governed workload ("namespace/name") to the stage
// it renders in.
func rolloutStages(p *plan.Plan) map[string]v1alpha1.RolloutStage {
	out := make(map[string]v1alpha1.RolloutStage, len(p.Workloads))
	for _, w := range p.Workloads {
		stage := v1alpha1.RolloutEnforce
		if p.Observes(w) {
			stage = v1alpha1.RolloutObserve
		}
		out[w.Namespace()+"/"+w.Name()] = stage
	}
	return out
}

// RolloutWouldBlock are the connections the observe form opens and the
// enforce form does not: what enforcing every workload would block. Only
// cells whose two ends are endpoints of both proofs are compared (a witness
// derived from a selector of one form only stands, in the other, for pods
// some other witness stands for). Sorted as the proof sorts its cells.
func RolloutWouldBlock(observe, enforce *proof.Result) []proof.Cell {
	if observe == nil || enforce == nil {
		return nil
	}
	type key struct{ from, to, port string }
	open := make(map[key]bool, len(enforce.Allowed))
	for _, c := range enforce.Allowed {
		open[key{c.From, c.To, c.Port}] = true
	}
	both := make(map[string]bool, len(enforce.Endpoints))
	for _, e := range enforce.Endpoints {
		both[e] = true
	}
	var out []proof.Cell
	for _, c := range observe.Allowed {
		if !open[key{c.From, c.To, c.Port}] && both[c.From] && both[c.To] {
			c.Allowed, c.Via, c.BlockedBy = true, nil, nil
			out = append(out, c)
		}
	}
	return out
}

// rolloutReport is what the report shows of the rollout: the observe form's
// proof and what enforcement would block, judged against the enforce form's
// proof (enforce).
func rolloutReport(observe *rules.Stream, enforce *proof.Result) *report.Rollout {
	o := observe.Connectivity()
	return &report.Rollout{Observe: o, WouldBlock: RolloutWouldBlock(o, enforce)}
}

// enforceForm renders the enforce form of an already rendered stream (netid
// verify, and netid validate): the items are loaded and planned again from
// copies, so the stream's own nodes are left as given, and every object an
// earlier run generated (the observe form) is replaced by what the same
// declarations render with every workload enforcing.
func enforceForm(items []*yaml.RNode, functionConfig *yaml.RNode) (*load.Model, *plan.Plan, emit.Result, bool) {
	copies := make([]*yaml.RNode, len(items))
	for i, n := range items {
		copies[i] = n.Copy()
	}
	var fc *yaml.RNode
	if functionConfig != nil {
		fc = functionConfig.Copy()
	}
	m, fs := load.Load(copies, fc)
	if fs.HasErrors() {
		return nil, nil, emit.Result{}, false
	}
	p, pfs := plan.Make(m)
	if pfs.HasErrors() {
		return nil, nil, emit.Result{}, false
	}
	p = p.WithEnforcing()
	res := emit.Emit(m, p)
	if res.Findings.HasErrors() {
		return nil, nil, emit.Result{}, false
	}
	return m, p, res, true
}

// withoutRepeats appends to fs the findings of more it does not hold yet:
// the two forms' emits report the same problems of the user's items.
func withoutRepeats(fs, more finding.List) finding.List {
	for _, f := range more {
		if !slices.ContainsFunc(fs, func(g finding.Finding) bool { return g.String() == f.String() }) {
			fs = append(fs, f)
		}
	}
	return fs
}
