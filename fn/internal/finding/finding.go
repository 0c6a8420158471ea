// Package finding is what every stage reports: a problem (or note) about one
// object and field, turned into a KRM result and a line on stderr.
package finding

import (
	"fmt"
	"io"
	"maps"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/controls"
)

// Severity of a finding.
type Severity = framework.Severity

// Severities.
const (
	Error   = framework.Error
	Warning = framework.Warning
	Info    = framework.Info
)

// ConfigRule tags findings about the input itself (malformed or unresolvable
// configuration) rather than about the policy it would produce.
const ConfigRule = "config"

// Object identifies a manifest and where it came from.
type Object struct {
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// File is the manifest's path (from internal.config.kubernetes.io/path), if known.
	File string
	// Index is the document's index in File.
	Index int
}

// ObjectOf identifies an RNode, with its file when the path annotations say.
func ObjectOf(n *yaml.RNode) Object {
	o := Object{APIVersion: n.GetApiVersion(), Kind: n.GetKind(), Namespace: n.GetNamespace(), Name: n.GetName()}
	if p, i, err := kioutil.GetFileAnnotations(n); err == nil {
		o.File = p
		fmt.Sscanf(i, "%d", &o.Index)
	}
	return o
}

// String is kind/namespace/name, the form used in messages.
func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// Finding is one problem or note.
type Finding struct {
	Severity Severity
	// Rule is the rule ID, or ConfigRule.
	Rule string
	// Object is the manifest the finding is about (zero if none).
	Object Object
	// Field is the path of the offending field, e.g. spec.ingress[0].from.workload.
	Field string
	// Message says what is wrong.
	Message string
	// Remediation says what to do (a rule's remediation), if anything.
	Remediation string
	// Controls are the published controls the finding's rule evidences
	// (rules.Rule.Controls); its result carries them as tags, one per
	// framework (controls.TagKey), e.g. netid.dev/controls.cis: "5.1.3".
	Controls []controls.Control
	// Excepted are the ADRs of the exceptions that turned the rule's error
	// into this warning, e.g. ["ADR-0042"]; empty when none did.
	Excepted []string
	// Audit is set when audit mode turned the rule's error into this warning.
	Audit bool
}

// Configf is an error about the input.
func Configf(obj Object, fieldPath, format string, args ...any) Finding {
	return Finding{Severity: Error, Rule: ConfigRule, Object: obj, Field: fieldPath, Message: fmt.Sprintf(format, args...)}
}

// Result is the KRM form.
func (f Finding) Result() *framework.Result {
	r := &framework.Result{Message: f.Message, Severity: f.Severity, Tags: map[string]string{"rule": f.Rule}}
	if f.Remediation != "" {
		r.Tags["remediation"] = f.Remediation
	}
	maps.Copy(r.Tags, controls.Tags(f.Controls))
	if f.Object.Kind != "" {
		r.ResourceRef = &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind},
			NameMeta: yaml.NameMeta{Name: f.Object.Name, Namespace: f.Object.Namespace},
		}
	}
	if f.Field != "" {
		r.Field = &framework.Field{Path: f.Field}
	}
	if f.Object.File != "" {
		r.File = &framework.File{Path: f.Object.File, Index: f.Object.Index}
	}
	return r
}

// String is the human form printed on stderr, e.g.
// "error[config] NetworkIdentity/shop/cart spec.ingress[0].from.workload (app/netid/cart.yaml): peer workload "front" is not in the render".
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s[%s]", f.Severity, f.Rule)
	if f.Object.Kind != "" {
		b.WriteString(" " + printable(f.Object.String()))
	}
	if f.Field != "" {
		b.WriteString(" " + printable(f.Field))
	}
	if f.Object.File != "" {
		b.WriteString(" (" + printable(f.Object.File) + ")")
	}
	b.WriteString(": " + f.Message)
	if f.Remediation != "" {
		b.WriteString("\n    fix: " + f.Remediation)
	}
	return b.String()
}

// List is an ordered collection of findings.
type List []Finding

// Errors counts the findings that are errors.
func (l List) Errors() int {
	n := 0
	for _, f := range l {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// HasErrors reports whether any finding is an error.
func (l List) HasErrors() bool {
	for _, f := range l {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Sorted orders findings by severity, object, field and message, so output is
// deterministic whatever order the stages found them in.
func (l List) Sorted() List {
	out := append(List(nil), l...)
	rank := map[Severity]int{Error: 0, Warning: 1, Info: 2}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.Severity] != rank[b.Severity] {
			return rank[a.Severity] < rank[b.Severity]
		}
		if a.Object.String() != b.Object.String() {
			return a.Object.String() < b.Object.String()
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Message < b.Message
	})
	return out
}

// Results converts the list to KRM results.
func (l List) Results() framework.Results {
	var rs framework.Results
	for _, f := range l {
		rs = append(rs, f.Result())
	}
	return rs
}

// printable quotes s, Go-style, when it holds a character that is not
// printable (a newline, a control or bidirectional formatting character):
// an invalid name or label key in the input is reported on one line, and
// can neither forge other lines on stderr nor reorder how they display.
func printable(s string) string {
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// linesPerGroup is how many findings of one rule about one object the human
// summary prints before it counts the rest.
const linesPerGroup = 10

// Write prints the findings for people: the findings of the rules that
// explain a refusal first and the proofs' after them (a proof finding is
// usually the consequence of a rule finding about the same policy), each
// rule's remediation once, and past linesPerGroup findings of one rule about
// one object, a count. The KRM results keep every finding.
func (l List) Write(w io.Writer) {
	ordered := make(List, 0, len(l))
	for _, proofs := range []bool{false, true} {
		for _, f := range l {
			if strings.HasPrefix(f.Rule, "proof-") == proofs {
				ordered = append(ordered, f)
			}
		}
	}
	type group struct{ severity, rule, object string }
	count := map[group]int{}
	for _, f := range ordered {
		count[group{string(f.Severity), f.Rule, f.Object.String()}]++
	}
	printed := map[group]int{}
	fixed := map[string]bool{}
	for _, f := range ordered {
		g := group{string(f.Severity), f.Rule, f.Object.String()}
		printed[g]++
		switch n := printed[g]; {
		case n <= linesPerGroup:
			line := f
			if fixed[f.Rule+"\x00"+f.Remediation] {
				line.Remediation = ""
			}
			fixed[f.Rule+"\x00"+f.Remediation] = true
			fmt.Fprintln(w, line.String())
		case n == linesPerGroup+1:
			fmt.Fprintf(w, "%s[%s] %s: … and %d more like these (every one is in the structured results)\n", f.Severity, f.Rule, printable(f.Object.String()), count[g]-linesPerGroup)
		}
	}
}
