package proof

import (
	"math/bits"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// portEntries lists the port entries of the rules that may decide traffic to
// an endpoint (netpol.Engine.PortEntries, model.Evaluator.PortEntries).
type portEntries interface {
	PortEntries(dst int) []netpol.PortEntry
}

// judge is the evaluator the proof runs: the NetworkPolicy engine alone, or
// the model's evaluator over every layer.
type judge interface {
	portEntries
	Allowed(src, dst int, port int32, proto corev1.Protocol) bool
	// Admitting names what lets src reach dst.
	Admitting(src, dst int, port int32, proto corev1.Protocol) []string
	// eachSource calls f for every source allowed to reach dst, among the
	// judged sources only when judgedOnly, in increasing order.
	eachSource(dst int, port int32, proto corev1.Protocol, judgedOnly bool, f func(src int))
	// annotate adds to an allowed cell the layers that decided it.
	annotate(c *Cell, src, dst int, pt port)
	// blocking names what blocks a declared flow.
	blocking(src, dst int, pt port) []string
}

type engineJudge struct {
	*netpol.Engine
	q                      *netpol.Query
	sources, judgedSources netpol.Set
}

func newEngineJudge(e *netpol.Engine, p *prover) *engineJudge {
	return &engineJudge{Engine: e, q: e.NewQuery(),
		sources:       e.NewSet(func(i int) bool { return p.variantOf[i] < 0 }),
		judgedSources: e.NewSet(func(i int) bool { return p.variantOf[i] < 0 && p.judged[i] })}
}

func (j *engineJudge) eachSource(dst int, port int32, proto corev1.Protocol, judgedOnly bool, f func(src int)) {
	among := j.sources
	if judgedOnly {
		among = j.judgedSources
	}
	j.q.EachSource(dst, port, proto, among, f)
}

func (j *engineJudge) annotate(*Cell, int, int, port)   {}
func (j *engineJudge) blocking(int, int, port) []string { return nil }

// modelJudge judges with every layer's policies through the model.
type modelJudge struct {
	ev *model.Evaluator
	p  *prover
	// source holds the endpoints judged as a source at all; judgedSource
	// those that are also pods of a governed namespace (bitsets).
	source, judgedSource []uint64
	named                []uint64
}

func newModelJudge(ev *model.Evaluator, p *prover) *modelJudge {
	words := (ev.Len() + 63) / 64
	j := &modelJudge{ev: ev, p: p, source: make([]uint64, words), judgedSource: make([]uint64, words), named: make([]uint64, words)}
	for i := range ev.Len() {
		if p.variantOf[i] < 0 {
			j.source[i>>6] |= 1 << (uint(i) & 63)
			if p.judged[i] {
				j.judgedSource[i>>6] |= 1 << (uint(i) & 63)
			}
		}
	}
	return j
}

func (j *modelJudge) PortEntries(dst int) []netpol.PortEntry { return j.ev.PortEntries(dst) }

func (j *modelJudge) Allowed(src, dst int, port int32, proto corev1.Protocol) bool {
	return j.ev.Allowed(src, dst, port, proto)
}

// eachSource judges the sources the rules about dst name one by one, and
// the others (model.Evaluator.Named) through the one decision their
// connections get at dst: when dst's ingress closes to them, none of them
// is looked at.
func (j *modelJudge) eachSource(dst int, n int32, proto corev1.Protocol, judgedOnly bool, f func(src int)) {
	among := j.source
	if judgedOnly {
		among = j.judgedSource
	}
	// named: a scratch bitset, empty between calls
	named := j.named
	defer clear(named)
	j.ev.MarkNamed(dst, named)
	at := func(pt model.Point, d model.Direction, src int) model.Decision {
		return j.ev.At(pt, d, src, dst, n, proto)
	}
	unnamedIn := j.ev.Unnamed(model.Network, model.Ingress, -1, dst, n, proto)
	var unnamedMesh model.Decision
	if j.ev.HasMesh() {
		unnamedMesh = j.ev.Unnamed(model.Mesh, model.Ingress, -1, dst, n, proto)
	}
	unnamed := func(pt model.Point, d model.Direction, src int) model.Decision {
		switch {
		case d == model.Egress:
			return j.ev.Unnamed(pt, d, src, dst, n, proto)
		case pt == model.Mesh:
			return unnamedMesh
		}
		return unnamedIn
	}
	// When dst's ingress closes to the unnamed sources, only a named one
	// may be let in.
	open := unnamedIn.Action == model.Allow
	for w, word := range among {
		if !open {
			word &= named[w]
		}
		for ; word != 0; word &= word - 1 {
			bit := word & -word
			src := w<<6 | bits.TrailingZeros64(word)
			if named[w]&bit != 0 {
				j.judgeSource(src, dst, n, proto, at, f)
			} else {
				j.judgeSource(src, dst, n, proto, unnamed, f)
			}
		}
	}
}

// judgeSource calls f when src may reach dst, reading the points through
// at; a flow the network admits by a rule and the mesh denies by one is
// recorded as a Conflict.
func (j *modelJudge) judgeSource(src, dst int, n int32, proto corev1.Protocol, at func(model.Point, model.Direction, int) model.Decision, f func(src int)) {
	eg := at(model.Network, model.Egress, src)
	if eg.Action != model.Allow {
		return
	}
	in := at(model.Network, model.Ingress, src)
	if in.Action != model.Allow {
		return
	}
	if !j.ev.HasMesh() {
		f(src)
		return
	}
	// Point by point (as cheap as Allowed), to see a flow the network
	// admits and the mesh denies.
	mesh := at(model.Mesh, model.Ingress, src)
	if mesh.Action == model.Allow {
		f(src)
		return
	}
	if !j.byRule(mesh) {
		return
	}
	net := in
	if !j.byRule(in) {
		net = eg
	}
	if j.byRule(net) {
		pt := port{n, proto}
		j.p.conflict(src, dst, pt, j.p.expected[dst][pt][src], net, mesh)
	}
}

// byRule reports whether a rule the object writes decided (not a default,
// an isolation or a Builtin rule).
func (j *modelJudge) byRule(d model.Decision) bool {
	return d.Policy >= 0 && d.Rule >= 0 && !j.ev.Policies()[d.Policy].Rules(d.Direction)[d.Rule].Builtin
}

// Admitting names the rule of each point that allowed the connection (a
// point that allows because no policy selects the endpoint adds nothing).
func (j *modelJudge) Admitting(src, dst int, port int32, proto corev1.Protocol) []string {
	var out []string
	for _, d := range j.ev.Decide(src, dst, port, proto).Decisions {
		if d.Policy < 0 || d.Action != model.Allow {
			continue
		}
		// A NetworkPolicy rule is named as the engine names it
		// ("ns/name spec.ingress[0]"), so findings group under it.
		if pol := &j.ev.Policies()[d.Policy]; pol.Layer == dialect.LayerNetworkPolicy && d.Rule >= 0 {
			out = append(out, strings.TrimPrefix(pol.Object, "NetworkPolicy ")+" "+pol.Rules(d.Direction)[d.Rule].Where)
			continue
		}
		out = append(out, j.ev.Describe(d))
	}
	return out
}

func (j *modelJudge) annotate(c *Cell, src, dst int, pt port) {
	for _, d := range j.ev.Decide(src, dst, pt.n, pt.proto).Decisions {
		if d.Policy < 0 {
			continue
		}
		pol := &j.ev.Policies()[d.Policy]
		if !slices.Contains(c.Layers, pol.Layer) {
			c.Layers = append(c.Layers, pol.Layer)
		}
		if d.Rule >= 0 {
			if r := &pol.Rules(d.Direction)[d.Rule]; r.L7 != "" {
				c.L7 = append(c.L7, pol.Object+" "+r.Where+": "+r.L7)
			}
		}
	}
	slices.Sort(c.Layers)
}

// blocking names what blocks a declared flow; a network point that blocks
// it by a policy while the mesh admits it by a rule is also recorded as a
// Conflict.
func (j *modelJudge) blocking(src, dst int, pt port) []string {
	var out []string
	var net, mesh *model.Decision
	ds := j.ev.Decide(src, dst, pt.n, pt.proto).Decisions
	for i, d := range ds {
		if d.Action != model.Allow {
			out = append(out, j.ev.Describe(d))
		}
		switch {
		case d.Point == model.Mesh && d.Action == model.Allow && j.byRule(d):
			mesh = &ds[i]
		case d.Point == model.Network && d.Action != model.Allow && d.Policy >= 0 && net == nil:
			net = &ds[i]
		}
	}
	if net != nil && mesh != nil {
		j.p.conflict(src, dst, pt, true, *net, *mesh)
	}
	return out
}
