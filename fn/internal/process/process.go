// Package process runs the pipeline: load → plan → build/emit, with the
// report, and the KRM plumbing around it: read a ResourceList, write the
// result, and refuse on any error: exit 1, the findings on stderr, and on
// stdout a ResourceList with no items and every finding as a result.
package process

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/fn/internal/report"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/fn/internal/yamlconv"
)

// Output is the result of one render.
type Output struct {
	// Items are the user's items (owned fields patched); nil when Findings
	// has an error.
	Items []*yaml.RNode
	// Generated are the generated objects, written after the items.
	Generated []*emit.Generated
	// Report is network-identity.md ("" when the render failed before planning).
	Report string
	// Findings, sorted.
	Findings finding.List
}

// Options are set on the command line.
type Options struct {
	// ValidateOnly passes the items through unchanged and only judges them
	// (`netid validate`, for kustomize and kpt validators).
	ValidateOnly bool
	// Layout, when set, is the NetworkPolicy layout (v1alpha1.LayoutPerWorkload
	// or LayoutPerFlow) in place of the functionConfig's
	// netid.dev/network-policy-layout (`netid render --network-policy-layout`).
	Layout string
}

// Render runs the pipeline on the items and functionConfig: screen them
// (bounds and strictness: load.Screen), load, plan, build and merge (unless
// the functionConfig asks for validation only), then judge the whole
// resulting stream with the rule registry. Every finding of a rule carries
// the published controls the rule evidences.
func Render(items []*yaml.RNode, functionConfig *yaml.RNode, opts Options) Output {
	out := render(items, functionConfig, opts)
	out.Findings = rules.WithControls(out.Findings)
	return out
}

func render(items []*yaml.RNode, functionConfig *yaml.RNode, opts Options) Output {
	if fs := load.Screen(items, functionConfig, true); fs.HasErrors() {
		return Output{Findings: fs.Sorted()}
	}
	m, fs := load.Load(items, functionConfig)
	if fs.HasErrors() {
		// plan the configs that could be read, so that every bad config is
		// reported in this run, not one per run
		if len(m.Identities) > 0 {
			_, pfs := plan.Make(m)
			fs = append(fs, pfs...)
		}
		return Output{Findings: fs.Sorted()}
	}
	if opts.Layout != "" {
		m.Run.Layout = opts.Layout
	}
	p, pfs := plan.Make(m)
	fs = append(fs, pfs...)
	if fs.HasErrors() {
		return Output{Findings: fs.Sorted()}
	}
	out := items
	var generated []*emit.Generated
	var conflicts []emit.Conflict
	validateOnly := opts.ValidateOnly || m.Run.ValidateOnly
	// What the rules and the proofs judge: the output, unless some workload
	// observes, when they judge the enforce form (see rolloutObserving).
	judged := judgedForm{model: m, plan: p}
	observing := rolloutObserving(p)
	if observing {
		var jfs finding.List
		judged, jfs = rolloutEnforce(items, functionConfig, m, p, validateOnly)
		fs = append(fs, jfs...)
		if fs.HasErrors() {
			return Output{Findings: fs.Sorted()}
		}
	}
	if !validateOnly {
		res := emit.Emit(m, p)
		efs := append(res.Findings, checkGeneratedAnnotations(res.Generated)...)
		out, generated, conflicts = res.Items, res.Generated, res.Conflicts
		if observing {
			fs = withoutRepeats(fs, efs)
			judged.addConflicts(res.Conflicts)
		} else {
			fs = append(fs, efs...)
		}
	}
	if !observing {
		judged.items, judged.generated, judged.conflicts = out, generated, conflicts
	}
	if fs.HasErrors() {
		return Output{Findings: fs.Sorted()}
	}
	s, jfs := judge(judged.items, judged.generated, judged.model, judged.plan, judged.conflicts)
	fs = append(fs, jfs...)
	pr := Proofs(s)
	if observing {
		// the observe form as rendered, with the declarations (its witnesses
		// are those the enforce form's proof derives from them); validating,
		// out is the input: the observe form with what an
		// earlier run generated, and generated is empty
		obs, ofs := declaredStream(out, generated, m, p)
		fs = withoutRepeats(fs, ofs)
		pr.Rollout = rolloutReport(obs, s.Connectivity())
	}
	fs = append(fs, replacedWarnings(s, pr.StillBound)...)
	md := report.Markdown(p, pr, fs)
	if !validateOnly {
		// What an earlier run generated is dropped (it is in m.Previous, not
		// in out) only when recognised as netid's own and unchanged.
		generated = append(generated, emit.Report(md))
		fs = append(fs, emit.Previous(m.Previous, generated)...)
	}
	if fs.HasErrors() {
		return Output{Report: md, Findings: fs.Sorted()}
	}
	return Output{Items: out, Generated: generated, Report: md, Findings: fs.Sorted()}
}

// Proofs gathers what the report shows of the proofs: the computed flow
// matrix and each declared ServiceAccount's effective permissions.
func Proofs(s *rules.Stream) report.Proofs {
	pr := report.Proofs{Connectivity: s.Connectivity(), RBAC: map[string][]rbac.Rule{}, StillBound: stillBound(s)}
	for _, r := range s.RBACReview() {
		pr.RBAC[r.Namespace+"/"+r.ServiceAccount] = r.Effective
	}
	return pr
}

// newStream is rules.NewStreamRead; a test compares it with rules.NewStream.
var newStream = rules.NewStreamRead

// judge runs the rule registry over the stream, with what the configs declared.
func judge(items []*yaml.RNode, generated []*emit.Generated, m *load.Model, p *plan.Plan, conflicts []emit.Conflict) (*rules.Stream, finding.List) {
	s, fs := declaredStream(items, generated, m, p)
	s.Audit = m.Run.Audit
	for _, c := range conflicts {
		v := rules.Violation{Object: c.User, Field: "metadata.name",
			Message: fmt.Sprintf("has the identity of the %s netid generates here, with other content", c.Generated)}
		if c.Workload != "" {
			// c.Workload carries the workload label's value, shortened for
			// names over 63 characters.
			ns, label, _ := strings.Cut(c.Workload, "/")
			v.Workloads = []string{s.LabelledWorkload(ns, label)}
		}
		s.Conflicts = append(s.Conflicts, v)
	}
	return s, append(fs, rules.Check(s)...)
}

// declaredStream is the stream of the items and the generated objects, with
// the plan and its declarations and what the cluster enforces: what the
// rules and the proofs read.
func declaredStream(items []*yaml.RNode, generated []*emit.Generated, m *load.Model, p *plan.Plan) (*rules.Stream, finding.List) {
	// load's typed views of the items are the stream's (the pod spec fields
	// emit set on them read anew): nothing is decoded twice
	s, fs := newStream(items, m.Read)
	for _, g := range generated {
		s.AddGenerated(g.Object, g.Map, g.Ref)
	}
	s.Plan = p
	for _, w := range p.Workloads {
		s.Declare(w.Namespace()+"/"+w.Name(), &rules.Declaration{Config: w.Identity.Config, Object: w.Identity.Object})
	}
	s.Enforced = enforced(m)
	return s, fs
}

// enforced is what the render's settings say the cluster enforces, as the
// proof's adapters read it.
func enforced(m *load.Model) *dialect.Cluster {
	return &dialect.Cluster{CNI: dialect.CNI(m.Enforced.CNI), AdminNetworkPolicy: m.Enforced.AdminNetworkPolicy}
}

// Run is the KRM function: a ResourceList on in, the rendered ResourceList on
// out, every finding on stderr in human form. It returns the exit code: 0 on
// success, 1 when any finding is an error. A refusal writes to out a
// ResourceList without items whose results are every finding (see refuse):
// kpt prints and records them, and nothing in it can be applied.
func Run(in io.Reader, out, stderr io.Writer, opts Options) (code int) {
	// Input kyaml cannot walk can make it panic: refuse it like any other bad
	// input. The output is buffered, so a refusal never leaves half of it.
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("the input could not be processed: %v", r)
			fmt.Fprintf(stderr, "error[%s]: %s\n", finding.ConfigRule, msg)
			refuse(out, stderr, finding.List{{Severity: finding.Error, Rule: finding.ConfigRule, Message: msg}})
			code = 1
		}
	}()
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: in, Writer: &buf, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		msg := fmt.Sprintf("reading the ResourceList: %v", err)
		fmt.Fprintf(stderr, "error[%s]: %s\n", finding.ConfigRule, msg)
		refuse(out, stderr, finding.List{{Severity: finding.Error, Rule: finding.ConfigRule, Message: msg}})
		return 1
	}
	// The input's path and index annotations decide the forms the generated
	// objects' take (internal, legacy, both or none), as kyaml reconciles
	// them. The user's items are not touched, so a validator hands them back
	// exactly as it got them.
	useInternal, useLegacy := annotationForms(items)
	res := Render(items, rw.FunctionConfig, opts)
	res.Findings.Write(stderr)
	if res.Findings.HasErrors() {
		fmt.Fprintf(stderr, "netid: refused to render: %d error(s)\n", res.Findings.Errors())
		refuse(out, stderr, res.Findings)
		return 1
	}
	for _, g := range res.Generated {
		formatAnnotations(g.Map, useInternal, useLegacy)
	}
	if len(res.Findings) > 0 {
		results, err := toNode(res.Findings.Results())
		if err != nil {
			fmt.Fprintf(stderr, "error[%s]: %v\n", finding.ConfigRule, err)
			refuse(out, stderr, finding.List{{Severity: finding.Error, Rule: finding.ConfigRule, Message: err.Error()}})
			return 1
		}
		rw.Results = results
	}
	if err := writeResourceList(rw, res.Items, res.Generated); err != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", err)
		// nothing of buf reached out: the refusal is all that is written
		refuse(out, stderr, finding.List{{Severity: finding.Error, Rule: finding.ConfigRule, Message: "writing the ResourceList: " + err.Error()}})
		return 1
	}
	if _, err := buf.WriteTo(out); err != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", err)
		return 1
	}
	return 0
}

// refusal is the ResourceList a refused render writes: Items is always
// empty (written as `items: []`), so that no manifest of a refused render can
// be applied, even by a runner that ignores the exit code; Results holds
// every finding, warnings included.
type refusal struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Items      []any             `yaml:"items"`
	Results    framework.Results `yaml:"results"`
}

// refuse writes the refusal's ResourceList to out. kpt prints each result
// and records it in results.yaml; kustomize (and so Argo CD) reads it but
// fails the build on the exit code and prints nothing. The functionConfig is
// not echoed: the refusal carries nothing of the input but what the results
// name. A failure to write is reported on stderr; the exit code is 1 anyway.
func refuse(out, stderr io.Writer, fs finding.List) {
	b, err := yaml.Marshal(refusal{
		APIVersion: kio.ResourceListAPIVersion,
		Kind:       kio.ResourceListKind,
		Items:      []any{},
		Results:    fs.Results(),
	})
	if err == nil {
		_, err = out.Write(b)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: writing the refusal's ResourceList: %v\n", err)
	}
}

// writeResourceList writes what kio.ByteReadWriter's Write writes, byte for
// byte, but in pieces: the YAML encoder keeps every event of a document until
// the document ends, so one document of thousands of objects costs memory and
// copying out of proportion. The header, each item (as a one-element sequence,
// which is how it stands under items:) and the trailer are separate documents
// of fresh encoders, which write no separators; and most are not encoded at
// all: yamlconv.AppendSeqItem and AppendDocument write what the encoder would,
// byte for byte, several times faster and without garbage, and leave to it
// only what they decline (comments, anchors, explicit tags and the like). It
// also skips Write's deep copy of every node: the render is done with them.
func writeResourceList(rw *kio.ByteReadWriter, items []*yaml.RNode, generated []*emit.Generated) error {
	for _, n := range items {
		spellOutNulls(n.YNode(), rw.Style&yaml.FlowStyle != 0)
	}
	if rw.FunctionConfig != nil {
		spellOutNulls(rw.FunctionConfig.YNode(), false)
	}
	if rw.NoWrap || rw.WrappingKind == "" || len(items)+len(generated) == 0 {
		for _, g := range generated {
			n, err := yamlconv.ToNode(g.Map)
			if err != nil {
				return err
			}
			items = append(items, n)
		}
		return rw.Write(items)
	}
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	// encode writes one document: n, or with asItem the one-element
	// sequence of n.
	var text []byte
	encode := func(n *yaml.Node, asItem bool) error {
		var ok bool
		if asItem {
			text, ok = yamlconv.AppendSeqItem(text[:0], n)
		} else {
			text, ok = yamlconv.AppendDocument(text[:0], n)
		}
		if ok {
			_, err := rw.Writer.Write(text)
			return err
		}
		if asItem {
			n = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}
		}
		enc := yaml.NewEncoder(rw.Writer)
		if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
			return err
		}
		return enc.Close()
	}
	header := &yaml.Node{Kind: yaml.MappingNode, Style: rw.Style, Content: []*yaml.Node{
		scalar("apiVersion"), scalar(rw.WrappingAPIVersion), scalar("kind"), scalar(rw.WrappingKind)}}
	if err := encode(header, false); err != nil {
		return err
	}
	if _, err := io.WriteString(rw.Writer, "items:\n"); err != nil {
		return err
	}
	for _, n := range items {
		if err := yaml.ClearEmptyAnnotations(n); err != nil {
			return err
		}
		if rw.Style != 0 {
			n.YNode().Style = rw.Style
		}
		if err := encode(n.YNode(), true); err != nil {
			return err
		}
	}
	for _, g := range generated {
		if err := yamlconv.WriteItem(rw.Writer, g.Map); err != nil {
			return err
		}
	}
	trailer := &yaml.Node{Kind: yaml.MappingNode, Style: rw.Style}
	if rw.FunctionConfig != nil {
		trailer.Content = append(trailer.Content, scalar("functionConfig"), rw.FunctionConfig.YNode())
	}
	if rw.Results != nil {
		trailer.Content = append(trailer.Content, scalar("results"), rw.Results.YNode())
	}
	if len(trailer.Content) == 0 {
		return nil
	}
	return encode(trailer, false)
}

// spellOutNulls writes "null" for an empty null inside a flow collection
// (the value of {labels}): the YAML encoder would write it as an empty
// quoted string, and the object would read back with another type. flow says whether
// n is inside a flow collection. Aliases are left to their anchors.
func spellOutNulls(n *yaml.Node, flow bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if flow && n.Value == "" && n.ShortTag() == yaml.NodeTagNull {
			n.Value = "null"
		}
	case yaml.DocumentNode, yaml.MappingNode, yaml.SequenceNode:
		flow = flow || n.Style&yaml.FlowStyle != 0
		for _, c := range n.Content {
			spellOutNulls(c, flow)
		}
	}
}

// annotationForms reports whether the input uses kyaml's internal
// (internal.config.kubernetes.io/path, index) and legacy
// (config.kubernetes.io/path, index) file annotations.
func annotationForms(items []*yaml.RNode) (internal, legacy bool) {
	for _, n := range items {
		a := n.GetAnnotations()
		_, p := a[kioutil.PathAnnotation]
		_, i := a[kioutil.IndexAnnotation]
		_, lp := a[kioutil.LegacyPathAnnotation]
		_, li := a[kioutil.LegacyIndexAnnotation]
		internal = internal || p || i
		legacy = legacy || lp || li
	}
	return internal, legacy
}

// formatAnnotations gives a generated object's file annotations (set in the
// internal form) the forms the input uses.
func formatAnnotations(m map[string]any, useInternal, useLegacy bool) {
	meta, _ := m["metadata"].(map[string]any)
	annos, _ := meta["annotations"].(map[string]any)
	for _, pair := range [][2]string{{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation}, {kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation}} {
		if useLegacy {
			annos[pair[1]] = annos[pair[0]]
		}
		if !useInternal {
			delete(annos, pair[0])
		}
	}
}

func toNode(rs framework.Results) (*yaml.RNode, error) {
	b, err := yaml.Marshal(rs)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
}
