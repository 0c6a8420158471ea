package dialect

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"netid.dev/netid/fn/internal/proof/model"
)

// Calico's selector language, as its reference documents it
// (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors):
//
//	all()                       every endpoint ("" is all() too)
//	global()                    only in a rule's namespaceSelector: the non-namespaced resources
//	has(k), !has(k)             k is (not) present
//	k == "v", k != "v"          != "also matches if label is not present"
//	k in {"a", "b"}, k not in {...}
//	k contains "s", k starts with "s", k ends with "s"
//	!expr, expr && expr, expr || expr, (expr)
//
// Label names hold alphanumerics and - _ . /; string literals are quoted
// with ' or " and have no escapes. "||" binds loosest, then "&&", then a
// run of leading "!"s, which negates the operation after it.

// calicoOp is the kind of a selector node.
type calicoOp uint8

const (
	calicoAll calicoOp = iota
	calicoGlobal
	calicoHas
	calicoEq
	calicoNe
	calicoIn
	calicoNotIn
	calicoContains
	calicoStartsWith
	calicoEndsWith
	calicoNot
	calicoAnd
	calicoOr
)

// calicoSel is a parsed selector expression.
type calicoSel struct {
	op   calicoOp
	key  string
	vals []string // one for ==, !=, contains, starts/ends with; the set for in/not in
	args []*calicoSel
}

// calicoMaxSelector bounds the text parsed (the API's own bound is 1024
// characters for a policy selector).
const calicoMaxSelector = 4096

// calicoParseSelector parses s; "" (only blanks) is all().
func calicoParseSelector(s string) (*calicoSel, error) {
	if len(s) > calicoMaxSelector {
		return nil, fmt.Errorf("selector longer than %d characters", calicoMaxSelector)
	}
	toks, err := calicoTokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		return &calicoSel{op: calicoAll}, nil
	}
	p := &calicoParser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != calicoTokEOF {
		return nil, fmt.Errorf("unexpected %s at end of selector", p.peek())
	}
	return n, nil
}

type calicoTokKind uint8

const (
	calicoTokEOF calicoTokKind = iota
	calicoTokLabel
	calicoTokString
	calicoTokLBrace
	calicoTokRBrace
	calicoTokComma
	calicoTokEq
	calicoTokNe
	calicoTokNot
	calicoTokIn
	calicoTokNotIn
	calicoTokContains
	calicoTokStartsWith
	calicoTokEndsWith
	calicoTokAll
	calicoTokGlobal
	calicoTokHas
	calicoTokLParen
	calicoTokRParen
	calicoTokAnd
	calicoTokOr
)

type calicoTok struct {
	kind calicoTokKind
	val  string
}

func (t calicoTok) String() string {
	if t.kind == calicoTokEOF {
		return "end of selector"
	}
	if t.val != "" {
		return fmt.Sprintf("%q", t.val)
	}
	return fmt.Sprintf("token %d", t.kind)
}

func calicoIdentChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '/' || c == '-'
}

// calicoCutWord cuts word from in when a word boundary follows it.
func calicoCutWord(in, word string) (string, bool) {
	rest, ok := strings.CutPrefix(in, word)
	if !ok || (rest != "" && calicoIdentChar(rest[0])) {
		return in, false
	}
	return rest, true
}

// calicoCutWords cuts words separated by blanks ("not in", "starts with";
// Calico also takes them run together, "notin").
func calicoCutWords(in string, words ...string) (string, bool) {
	rest := in
	for _, w := range words {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, w); !ok {
			return in, false
		}
		rest = strings.TrimLeft(rest, " \t")
	}
	if rest != "" && calicoIdentChar(rest[0]) {
		return in, false
	}
	return rest, true
}

func calicoTokenize(in string) ([]calicoTok, error) {
	var toks []calicoTok
	for {
		in = strings.TrimLeft(in, " \t")
		if in == "" {
			return append(toks, calicoTok{kind: calicoTokEOF}), nil
		}
		afterLabel := len(toks) > 0 && toks[len(toks)-1].kind == calicoTokLabel
		var ok bool
		switch c := in[0]; {
		case c == '(':
			toks, in = append(toks, calicoTok{kind: calicoTokLParen}), in[1:]
		case c == ')':
			toks, in = append(toks, calicoTok{kind: calicoTokRParen}), in[1:]
		case c == '{':
			toks, in = append(toks, calicoTok{kind: calicoTokLBrace}), in[1:]
		case c == '}':
			toks, in = append(toks, calicoTok{kind: calicoTokRBrace}), in[1:]
		case c == ',':
			toks, in = append(toks, calicoTok{kind: calicoTokComma}), in[1:]
		case c == '"' || c == '\'':
			end := strings.IndexByte(in[1:], c)
			if end < 0 {
				return nil, errors.New("unterminated string")
			}
			toks, in = append(toks, calicoTok{kind: calicoTokString, val: in[1 : 1+end]}), in[2+end:]
		case strings.HasPrefix(in, "=="):
			toks, in = append(toks, calicoTok{kind: calicoTokEq}), in[2:]
		case strings.HasPrefix(in, "!="):
			toks, in = append(toks, calicoTok{kind: calicoTokNe}), in[2:]
		case c == '!':
			toks, in = append(toks, calicoTok{kind: calicoTokNot}), in[1:]
		case strings.HasPrefix(in, "&&"):
			toks, in = append(toks, calicoTok{kind: calicoTokAnd}), in[2:]
		case strings.HasPrefix(in, "||"):
			toks, in = append(toks, calicoTok{kind: calicoTokOr}), in[2:]
		case afterLabel:
			// after a label comes a word operator
			kinds := []struct {
				words []string
				kind  calicoTokKind
			}{
				{[]string{"contains"}, calicoTokContains},
				{[]string{"starts", "with"}, calicoTokStartsWith},
				{[]string{"ends", "with"}, calicoTokEndsWith},
				{[]string{"not", "in"}, calicoTokNotIn},
				{[]string{"in"}, calicoTokIn},
			}
			found := false
			for _, k := range kinds {
				if in, ok = calicoCutWords(in, k.words...); ok {
					toks, found = append(toks, calicoTok{kind: k.kind}), true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("expected an operator after label %q", toks[len(toks)-1].val)
			}
		default:
			if rest, ok := strings.CutPrefix(in, "has("); ok {
				rest = strings.TrimLeft(rest, " \t")
				ident, rest := calicoCutIdent(rest)
				if ident == "" {
					return nil, errors.New("expected a label in has()")
				}
				rest = strings.TrimLeft(rest, " \t")
				if rest, ok = strings.CutPrefix(rest, ")"); !ok {
					return nil, errors.New("no closing ')' after has(")
				}
				toks, in = append(toks, calicoTok{kind: calicoTokHas, val: ident}), rest
				continue
			}
			if tok, rest, ok := calicoCutCall(in); ok {
				toks, in = append(toks, tok), rest
				continue
			}
			ident, rest := calicoCutIdent(in)
			if ident == "" {
				return nil, fmt.Errorf("unexpected character %q", in[0])
			}
			toks, in = append(toks, calicoTok{kind: calicoTokLabel, val: ident}), rest
		}
	}
}

// calicoCutCall cuts all() or global().
func calicoCutCall(in string) (calicoTok, string, bool) {
	for _, f := range []struct {
		name string
		kind calicoTokKind
	}{{"all(", calicoTokAll}, {"global(", calicoTokGlobal}} {
		if rest, ok := strings.CutPrefix(in, f.name); ok {
			rest = strings.TrimLeft(rest, " \t")
			if rest, ok = strings.CutPrefix(rest, ")"); ok {
				return calicoTok{kind: f.kind}, rest, true
			}
		}
	}
	return calicoTok{}, in, false
}

func calicoCutIdent(in string) (string, string) {
	i := 0
	for i < len(in) && calicoIdentChar(in[i]) {
		i++
	}
	return in[:i], in[i:]
}

type calicoParser struct {
	toks []calicoTok
	pos  int
}

func (p *calicoParser) peek() calicoTok { return p.toks[p.pos] }

func (p *calicoParser) next() calicoTok {
	t := p.toks[p.pos]
	if t.kind != calicoTokEOF {
		p.pos++
	}
	return t
}

// calicoMaxDepth bounds parenthesis nesting.
const calicoMaxDepth = 64

func (p *calicoParser) or(depth int) (*calicoSel, error) {
	var args []*calicoSel
	for {
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		args = append(args, n)
		if p.peek().kind != calicoTokOr {
			break
		}
		p.next()
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &calicoSel{op: calicoOr, args: args}, nil
}

func (p *calicoParser) and(depth int) (*calicoSel, error) {
	var args []*calicoSel
	for {
		n, err := p.operation(depth)
		if err != nil {
			return nil, err
		}
		args = append(args, n)
		if p.peek().kind != calicoTokAnd {
			break
		}
		p.next()
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &calicoSel{op: calicoAnd, args: args}, nil
}

func (p *calicoParser) operation(depth int) (*calicoSel, error) {
	negated := false
	for p.peek().kind == calicoTokNot {
		p.next()
		negated = !negated
	}
	var n *calicoSel
	t := p.next()
	switch t.kind {
	case calicoTokHas:
		n = &calicoSel{op: calicoHas, key: t.val}
	case calicoTokAll:
		n = &calicoSel{op: calicoAll}
	case calicoTokGlobal:
		n = &calicoSel{op: calicoGlobal}
	case calicoTokLabel:
		opTok := p.next()
		ops := map[calicoTokKind]calicoOp{calicoTokEq: calicoEq, calicoTokNe: calicoNe, calicoTokContains: calicoContains,
			calicoTokStartsWith: calicoStartsWith, calicoTokEndsWith: calicoEndsWith}
		if op, ok := ops[opTok.kind]; ok {
			v := p.next()
			if v.kind != calicoTokString {
				return nil, fmt.Errorf("expected a string after label %q", t.val)
			}
			n = &calicoSel{op: op, key: t.val, vals: []string{v.val}}
			break
		}
		if opTok.kind != calicoTokIn && opTok.kind != calicoTokNotIn {
			return nil, fmt.Errorf("expected an operator after label %q", t.val)
		}
		if p.next().kind != calicoTokLBrace {
			return nil, errors.New("expected a set literal {...}")
		}
		var vals []string
		for p.peek().kind == calicoTokString {
			vals = append(vals, p.next().val)
			if p.peek().kind != calicoTokComma {
				break
			}
			p.next()
		}
		if p.next().kind != calicoTokRBrace {
			return nil, errors.New("expected }")
		}
		op := calicoIn
		if opTok.kind == calicoTokNotIn {
			op = calicoNotIn
		}
		n = &calicoSel{op: op, key: t.val, vals: calicoDedup(vals)}
	case calicoTokLParen:
		if depth >= calicoMaxDepth {
			return nil, errors.New("selector nested too deeply")
		}
		var err error
		if n, err = p.or(depth + 1); err != nil {
			return nil, err
		}
		if p.next().kind != calicoTokRParen {
			return nil, errors.New("expected )")
		}
	default:
		return nil, fmt.Errorf("unexpected %s", t)
	}
	if negated {
		n = &calicoSel{op: calicoNot, args: []*calicoSel{n}}
	}
	return n, nil
}

func calicoDedup(vals []string) []string {
	out := append([]string(nil), vals...)
	sort.Strings(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	return out[:j]
}

// String writes the selector back in Calico's syntax; it re-parses to the
// same expression.
func (n *calicoSel) String() string {
	quote := func(v string) string {
		if strings.Contains(v, `"`) {
			return "'" + v + "'"
		}
		return `"` + v + `"`
	}
	switch n.op {
	case calicoAll:
		return "all()"
	case calicoGlobal:
		return "global()"
	case calicoHas:
		return "has(" + n.key + ")"
	case calicoEq:
		return n.key + " == " + quote(n.vals[0])
	case calicoNe:
		return n.key + " != " + quote(n.vals[0])
	case calicoContains:
		return n.key + " contains " + quote(n.vals[0])
	case calicoStartsWith:
		return n.key + " starts with " + quote(n.vals[0])
	case calicoEndsWith:
		return n.key + " ends with " + quote(n.vals[0])
	case calicoIn, calicoNotIn:
		qs := make([]string, len(n.vals))
		for i, v := range n.vals {
			qs[i] = quote(v)
		}
		op := " in {"
		if n.op == calicoNotIn {
			op = " not in {"
		}
		return n.key + op + strings.Join(qs, ", ") + "}"
	case calicoNot:
		return "!(" + n.args[0].String() + ")"
	}
	parts := make([]string, len(n.args))
	for i, a := range n.args {
		parts[i] = "(" + a.String() + ")"
	}
	sep := " && "
	if n.op == calicoOr {
		sep = " || "
	}
	return strings.Join(parts, sep)
}

// calicoEval is Calico's own verdict of the selector on a label set
// (global() is true outside a namespaceSelector). The tests hold the
// compiled Match to it.
func (n *calicoSel) calicoEval(l map[string]string) bool {
	v, has := l[n.key]
	switch n.op {
	case calicoAll, calicoGlobal:
		return true
	case calicoHas:
		return has
	case calicoEq:
		return has && v == n.vals[0]
	case calicoNe:
		return !has || v != n.vals[0]
	case calicoIn:
		return has && calicoContainsStr(n.vals, v)
	case calicoNotIn:
		return !has || !calicoContainsStr(n.vals, v)
	case calicoContains:
		return has && strings.Contains(v, n.vals[0])
	case calicoStartsWith:
		return has && strings.HasPrefix(v, n.vals[0])
	case calicoEndsWith:
		return has && strings.HasSuffix(v, n.vals[0])
	case calicoNot:
		return !n.args[0].calicoEval(l)
	case calicoAnd:
		for _, a := range n.args {
			if !a.calicoEval(l) {
				return false
			}
		}
		return true
	case calicoOr:
		for _, a := range n.args {
			if a.calicoEval(l) {
				return true
			}
		}
	}
	return false
}

// calicoHasGlobal reports whether global() occurs in the selector.
func (n *calicoSel) calicoHasGlobal() bool {
	if n.op == calicoGlobal {
		return true
	}
	for _, a := range n.args {
		if a.calicoHasGlobal() {
			return true
		}
	}
	return false
}

func calicoContainsStr(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// Where a selector's labels live. A Calico selector reads one label set
// per endpoint, which holds the pod's own labels and, under prefixes,
// labels Calico adds (https://docs.tigera.io/calico/latest/network-policy/get-started/calico-policy/calico-labels):
// projectcalico.org/namespace (the namespace's name), pcns.<k> (the
// namespace's labels), projectcalico.org/serviceaccount and
// pcsa.projectcalico.org/name (the ServiceAccount's name). The model keeps
// a pod's namespace labels apart (Peer.NS) from its own (Peer.Labels).
type calicoDomain uint8

const (
	calicoDomNone calicoDomain = iota // a constant
	calicoDomNS
	calicoDomPod
	calicoDomMixed
)

// calicoCtx is the field a selector is written in: each reads its keys
// differently.
type calicoCtx uint8

const (
	// calicoCtxEndpoint: spec.selector, a rule's selector and notSelector.
	calicoCtxEndpoint calicoCtx = iota
	// calicoCtxNamespace: a namespaceSelector, over namespace labels
	// (where projectcalico.org/name is the namespace's name); all() is
	// "every namespaced endpoint", global() "every non-namespaced one".
	calicoCtxNamespace
	// calicoCtxServiceAccount: serviceAccountSelector and
	// serviceAccounts.selector, over ServiceAccount labels (where
	// projectcalico.org/name is the ServiceAccount's name).
	calicoCtxServiceAccount
)

// calicoUnmodelledErr is a construct the model cannot express.
type calicoUnmodelledErr struct{ why string }

func (e *calicoUnmodelledErr) Error() string { return e.why }

func calicoUnmodelled(format string, args ...any) error {
	return &calicoUnmodelledErr{why: fmt.Sprintf(format, args...)}
}

// calicoKey maps a selector key in context ctx to the model's domain and
// key.
func calicoKey(ctx calicoCtx, k string) (calicoDomain, string, error) {
	const calicoPrefix = "projectcalico.org/"
	switch ctx {
	case calicoCtxServiceAccount:
		if k == "projectcalico.org/name" {
			return calicoDomPod, model.ServiceAccountLabel, nil
		}
		return 0, "", calicoUnmodelled("ServiceAccount label %q: the estate carries a pod's ServiceAccount name, not the ServiceAccount's labels", k)
	case calicoCtxNamespace:
		if k == "projectcalico.org/name" {
			return calicoDomNS, corev1.LabelMetadataName, nil
		}
		if strings.HasPrefix(k, calicoPrefix) {
			return 0, "", calicoUnmodelled("label %q in a namespaceSelector: Calico sets no such namespace label the proof knows", k)
		}
		return calicoDomNS, k, nil
	}
	switch {
	case k == "projectcalico.org/namespace":
		return calicoDomNS, corev1.LabelMetadataName, nil
	case k == "projectcalico.org/serviceaccount", k == "pcsa.projectcalico.org/name":
		return calicoDomPod, model.ServiceAccountLabel, nil
	case strings.HasPrefix(k, "pcns."):
		return calicoKey(calicoCtxNamespace, strings.TrimPrefix(k, "pcns."))
	case strings.HasPrefix(k, "pcsa."):
		return 0, "", calicoUnmodelled("ServiceAccount label %q: the estate carries a pod's ServiceAccount name, not the ServiceAccount's labels", k)
	case strings.HasPrefix(k, calicoPrefix):
		return 0, "", calicoUnmodelled("label %q: a label Calico sets on endpoints that the proof does not know", k)
	}
	return calicoDomPod, k, nil
}

// calicoLeaf compiles one comparison in context ctx. Calico's operators
// map onto Kubernetes label requirements with the same verdict when the key
// is absent: "k != v" and "k not in {...}" match then (as NotEquals and
// NotIn do), "==", "in" and has() do not. A value (or key) no Kubernetes
// label can hold is one no pod carries: == and in never match it.
func calicoLeaf(ctx calicoCtx, n *calicoSel) (calicoDomain, model.Match, error) {
	switch n.op {
	case calicoAll:
		if ctx == calicoCtxNamespace {
			// "select any workload that is in a namespace"
			return calicoDomNS, calicoReq(corev1.LabelMetadataName, selection.Exists, nil), nil
		}
		return calicoDomNone, model.Everything(), nil
	case calicoGlobal:
		if ctx == calicoCtxNamespace {
			// only non-namespaced resources: no pod, global network sets
			return calicoDomNS, calicoReq(corev1.LabelMetadataName, selection.DoesNotExist, nil), nil
		}
		return 0, model.Match{}, calicoUnmodelled("global() outside a rule's namespaceSelector, which Calico's validation rejects (\"global() can only be used in an EntityRule namespaceSelector\")")
	case calicoContains, calicoStartsWith, calicoEndsWith:
		return 0, model.Match{}, calicoUnmodelled("selector %q: substring matches are not expressible by the finite label classes the proof enumerates", n.String())
	}
	dom, key, err := calicoKey(ctx, n.key)
	if err != nil {
		return 0, model.Match{}, err
	}
	switch n.op {
	case calicoHas:
		return dom, calicoReq(key, selection.Exists, nil), nil
	case calicoEq:
		return dom, calicoReq(key, selection.In, n.vals), nil
	case calicoIn:
		return dom, calicoReq(key, selection.In, n.vals), nil
	case calicoNe:
		return dom, calicoReq(key, selection.NotIn, n.vals), nil
	case calicoNotIn:
		return dom, calicoReq(key, selection.NotIn, n.vals), nil
	}
	return 0, model.Match{}, fmt.Errorf("selector node %d is not a comparison", n.op)
}

// calicoReq is one requirement as a Match, keeping only the values a label
// can hold: In over none of them matches nothing, NotIn over none matches
// everything; a key no label can have is never present.
func calicoReq(key string, op selection.Operator, vals []string) model.Match {
	var ok []string
	for _, v := range vals {
		if _, err := labels.NewRequirement("k", selection.In, []string{v}); err == nil {
			ok = append(ok, v)
		}
	}
	_, keyErr := labels.NewRequirement(key, selection.Exists, nil)
	absent := keyErr != nil
	switch op {
	case selection.In:
		if absent || len(ok) == 0 {
			return model.Nothing()
		}
	case selection.NotIn:
		if absent || len(ok) == 0 {
			return model.Everything()
		}
	case selection.Exists:
		if absent {
			return model.Nothing()
		}
	case selection.DoesNotExist:
		if absent {
			return model.Everything()
		}
	}
	r, err := labels.NewRequirement(key, op, ok)
	if err != nil {
		return model.Nothing()
	}
	return model.Selector(labels.NewSelector().Add(*r))
}

// calicoPair is a conjunction of a namespace-label Match and a pod-label
// Match: one model.Peer of pods.
type calicoPair struct{ ns, pod model.Match }

// calicoMaxPairs bounds a selector's expansion into peers.
const calicoMaxPairs = 256

// calicoPairs compiles a selector in context ctx (negated when neg) into
// a disjunction of pairs. A part over one domain stays one Match; && and
// || across domains distribute.
func calicoPairs(ctx calicoCtx, n *calicoSel, neg bool) ([]calicoPair, error) {
	dom, err := calicoDomainOf(ctx, n)
	if err != nil {
		return nil, err
	}
	if dom != calicoDomMixed {
		m, err := calicoMatch(ctx, n)
		if err != nil {
			return nil, err
		}
		if neg {
			m = model.Not(m)
		}
		if dom == calicoDomNS {
			return []calicoPair{{ns: m, pod: model.Everything()}}, nil
		}
		return []calicoPair{{ns: model.Everything(), pod: m}}, nil
	}
	switch n.op {
	case calicoNot:
		return calicoPairs(ctx, n.args[0], !neg)
	case calicoAnd, calicoOr:
		var parts [][]calicoPair
		for _, a := range n.args {
			ps, err := calicoPairs(ctx, a, neg)
			if err != nil {
				return nil, err
			}
			parts = append(parts, ps)
		}
		if (n.op == calicoOr) != neg {
			var out []calicoPair
			for _, ps := range parts {
				out = append(out, ps...)
			}
			if len(out) > calicoMaxPairs {
				return nil, calicoUnmodelled("selector %q expands into more than %d peers", n.String(), calicoMaxPairs)
			}
			return out, nil
		}
		return calicoProduct(parts...)
	}
	return nil, fmt.Errorf("selector node %d is not mixed", n.op)
}

// calicoProduct is the conjunction of disjunctions of pairs.
func calicoProduct(parts ...[]calicoPair) ([]calicoPair, error) {
	out := []calicoPair{{ns: model.Everything(), pod: model.Everything()}}
	for _, ps := range parts {
		var next []calicoPair
		for _, a := range out {
			for _, b := range ps {
				next = append(next, calicoPair{ns: calicoAnd2(a.ns, b.ns), pod: calicoAnd2(a.pod, b.pod)})
			}
		}
		if len(next) > calicoMaxPairs {
			return nil, calicoUnmodelled("selector expands into more than %d peers", calicoMaxPairs)
		}
		out = next
	}
	return out, nil
}

func calicoAnd2(a, b model.Match) model.Match {
	switch {
	case a.IsEverything():
		return b
	case b.IsEverything():
		return a
	}
	return model.And(a, b)
}

// calicoDomainOf says which label sets a selector reads.
func calicoDomainOf(ctx calicoCtx, n *calicoSel) (calicoDomain, error) {
	switch n.op {
	case calicoNot, calicoAnd, calicoOr:
		d := calicoDomNone
		for _, a := range n.args {
			ad, err := calicoDomainOf(ctx, a)
			if err != nil {
				return 0, err
			}
			switch {
			case ad == calicoDomNone:
			case d == calicoDomNone:
				d = ad
			case d != ad:
				d = calicoDomMixed
			}
		}
		return d, nil
	}
	d, _, err := calicoLeaf(ctx, n)
	return d, err
}

// calicoMatch compiles a selector reading one domain into one Match.
func calicoMatch(ctx calicoCtx, n *calicoSel) (model.Match, error) {
	switch n.op {
	case calicoNot:
		m, err := calicoMatch(ctx, n.args[0])
		return model.Not(m), err
	case calicoAnd, calicoOr:
		ms := make([]model.Match, len(n.args))
		for i, a := range n.args {
			m, err := calicoMatch(ctx, a)
			if err != nil {
				return model.Match{}, err
			}
			ms[i] = m
		}
		if n.op == calicoAnd {
			return model.And(ms...), nil
		}
		return model.Or(ms...), nil
	}
	_, m, err := calicoLeaf(ctx, n)
	return m, err
}

// calicoTri is a three-valued verdict: a network set's namespace labels
// other than its name are not in the stream.
type calicoTri uint8

const (
	calicoFalse calicoTri = iota
	calicoTrue
	calicoUnknown
)

// calicoPairsOn decides whether a network set lies in the pairs: its own
// labels are known; its namespace's labels are known only as the name
// (nsName), or known empty for a global set (global).
func calicoPairsOn(ps []calicoPair, setLabels map[string]string, nsName string, global bool) calicoTri {
	out := calicoFalse
	for _, p := range ps {
		if !p.pod.Matches(labels.Set(setLabels)) {
			continue
		}
		if global {
			if p.ns.Matches(labels.Set{}) {
				return calicoTrue
			}
			continue
		}
		byName := true
		for _, s := range p.ns.Selectors() {
			reqs, _ := s.Requirements()
			for _, r := range reqs {
				if r.Key() != corev1.LabelMetadataName {
					byName = false
				}
			}
		}
		switch {
		case !byName:
			out = calicoUnknown
		case p.ns.Matches(labels.Set{corev1.LabelMetadataName: nsName}):
			return calicoTrue
		}
	}
	return out
}
