// Package process runs the pipeline: load → plan → build/emit, with the
// report, and the KRM plumbing around it: read a ResourceList, write the
// result, and refuse (stderr, non-zero exit, nothing on stdout) on any error.
package process

import (
	"fmt"
	"io"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/fn/internal/report"
	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/krm/v1alpha1"
)

// Output is the result of one render.
type Output struct {
	// Items are the output items; nil when Findings has an error.
	Items []*yaml.RNode
	// Report is network-identity.md ("" when the render failed before planning).
	Report string
	// Findings, sorted.
	Findings finding.List
	// ValidateOnly: the items are the input's, unchanged.
	ValidateOnly bool
}

// Options are set on the command line.
type Options struct {
	// ValidateOnly passes the items through unchanged and only judges them
	// (`netid validate`, for kustomize and kpt validators).
	ValidateOnly bool
}

// Render runs the pipeline on the items and functionConfig: load, plan,
// build and merge (unless the functionConfig asks for validation only), then
// judge the whole resulting stream with the rule registry.
func Render(items []*yaml.RNode, functionConfig *yaml.RNode, opts Options) Output {
	m, fs := load.Load(items, functionConfig)
	if fs.HasErrors() {
		return Output{Findings: fs.Sorted()}
	}
	p, pfs := plan.Make(m)
	fs = append(fs, pfs...)
	if fs.HasErrors() {
		return Output{Findings: fs.Sorted()}
	}
	out := items
	var conflicts []emit.Conflict
	validateOnly := opts.ValidateOnly || m.Run.ValidateOnly
	if !validateOnly {
		res := emit.Emit(m, p, "")
		fs = append(fs, res.Findings...)
		out, conflicts = res.Items, res.Conflicts
	}
	if fs.HasErrors() {
		return Output{Findings: fs.Sorted()}
	}
	s, jfs := judge(out, m, p, conflicts)
	fs = append(fs, jfs...)
	md := report.Markdown(p, Proofs(s))
	if fs.HasErrors() {
		return Output{Report: md, Findings: fs.Sorted()}
	}
	if !validateOnly {
		emit.SetReport(out, md)
	}
	return Output{Items: out, Report: md, Findings: fs.Sorted(), ValidateOnly: validateOnly}
}

// Proofs gathers what the report shows of the proofs: the computed flow
// matrix and each declared ServiceAccount's effective permissions.
func Proofs(s *rules.Stream) report.Proofs {
	pr := report.Proofs{Connectivity: s.Connectivity(), RBAC: map[string][]rbac.Rule{}}
	for _, r := range s.RBACReview() {
		pr.RBAC[r.Namespace+"/"+r.ServiceAccount] = r.Effective
	}
	return pr
}

// judge runs the rule registry over the stream, with what the configs declared.
func judge(items []*yaml.RNode, m *load.Model, p *plan.Plan, conflicts []emit.Conflict) (*rules.Stream, finding.List) {
	s, fs := rules.NewStream(items)
	s.Plan = p
	for _, w := range p.Workloads {
		s.Declare(w.Namespace()+"/"+w.Name(), &rules.Declaration{Config: w.Identity.Config, Object: w.Identity.Object})
	}
	s.Audit = m.Run.Audit
	for _, c := range conflicts {
		v := rules.Violation{Object: c.User, Field: "metadata.name",
			Message: fmt.Sprintf("has the identity of the %s netid generates here, with other content", c.Generated)}
		if c.Workload != "" {
			v.Workloads = []string{c.Workload}
		}
		s.Conflicts = append(s.Conflicts, v)
	}
	return s, append(fs, rules.Check(s)...)
}

// Run is the KRM function: a ResourceList on in, the rendered ResourceList on
// out, every finding on stderr in human form. It returns the exit code: 0 on
// success, 1 when any finding is an error (then nothing is written to out).
func Run(in io.Reader, out, stderr io.Writer, opts Options) int {
	rw := &kio.ByteReadWriter{Reader: in, Writer: out, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		fmt.Fprintf(stderr, "error[%s]: reading the ResourceList: %v\n", finding.ConfigRule, err)
		return 1
	}
	// The path, index and id annotations of the input decide the format of
	// the generated objects' (internal, legacy or both). User items are not
	// touched: only generated objects are reconciled below, so a validator
	// hands its items back exactly as it got them.
	annos := map[string]map[string]string{}
	for i, n := range items {
		annos[strconv.Itoa(i)] = kioutil.GetInternalAnnotations(n)
	}
	res := Render(items, rw.FunctionConfig, opts)
	for _, f := range res.Findings {
		fmt.Fprintln(stderr, f.String())
	}
	if res.Findings.HasErrors() {
		fmt.Fprintf(stderr, "netid: refused to render: %d error(s)\n", countErrors(res.Findings))
		return 1
	}
	var generated []*yaml.RNode
	for _, n := range res.Items {
		if !res.ValidateOnly && n.GetAnnotations()[v1alpha1.GeneratedAnnotation] == "true" {
			generated = append(generated, n)
		}
	}
	if err := kio.ReconcileInternalAnnotations(generated, annos); err != nil {
		fmt.Fprintf(stderr, "error[%s]: %v\n", finding.ConfigRule, err)
		return 1
	}
	if len(res.Findings) > 0 {
		results, err := toNode(res.Findings.Results())
		if err != nil {
			fmt.Fprintf(stderr, "error[%s]: %v\n", finding.ConfigRule, err)
			return 1
		}
		rw.Results = results
	}
	if err := writeResourceList(rw, res.Items); err != nil {
		fmt.Fprintf(stderr, "error: writing the ResourceList: %v\n", err)
		return 1
	}
	return 0
}

// writeResourceList writes what kio.ByteReadWriter's Write writes, byte for
// byte, but in pieces: the YAML encoder keeps every event of a document until
// the document ends, so one document of thousands of objects costs memory and
// copying out of proportion. The header, each item (as a one-element sequence,
// which is how it stands under items:) and the trailer are separate documents
// of fresh encoders, which write no separators. It also skips Write's deep
// copy of every node: the render is done with them.
func writeResourceList(rw *kio.ByteReadWriter, items []*yaml.RNode) error {
	if rw.NoWrap || rw.WrappingKind == "" || len(items) == 0 {
		return rw.Write(items)
	}
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	encode := func(n *yaml.Node) error {
		enc := yaml.NewEncoder(rw.Writer)
		if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
			return err
		}
		return enc.Close()
	}
	header := &yaml.Node{Kind: yaml.MappingNode, Style: rw.Style, Content: []*yaml.Node{
		scalar("apiVersion"), scalar(rw.WrappingAPIVersion), scalar("kind"), scalar(rw.WrappingKind)}}
	if err := encode(header); err != nil {
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
		if err := encode(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}); err != nil {
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
	return encode(trailer)
}

func toNode(rs framework.Results) (*yaml.RNode, error) {
	b, err := yaml.Marshal(rs)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
}

func countErrors(l finding.List) int {
	n := 0
	for _, f := range l {
		if f.Severity == finding.Error {
			n++
		}
	}
	return n
}
