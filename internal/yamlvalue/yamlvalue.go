// Package yamlvalue reads a YAML node as the JSON-compatible value encoding/json
// would produce from the same document: maps with string keys (a number key,
// such as a port, becomes its text), int64, float64, bool, string and nil.
// Both the API's strict decoder and the render's typed views use it, so no
// document goes through text twice.
//
// Reading is bounded. YAML aliases let a few hundred bytes stand for billions
// of nodes (the "billion laughs" document: a: &a [x,x,…], b: &b [*a,*a,…], …),
// and an alias may even refer to the node that contains it. Check measures a
// node without expanding anything, and Of refuses, before building anything,
// a value that aliases expand past MaxNodes nodes or that contains itself.
package yamlvalue

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// MaxNodes is the most nodes Of reads for one value, aliases expanded. Nothing
// netid reads comes near it honestly: a Kubernetes object is at most 1.5 MiB
// of text, and a node takes at least a few bytes of it.
const MaxNodes = 1_000_000

// Error is a problem at one place of a node.
type Error struct {
	// Path is where, from the node read, in kubectl explain form (e.g.
	// spec.ports[0].name); "" for the node itself.
	Path string
	// Message says what is wrong.
	Message string
	// Line is the line of the offending node in the text it was parsed from
	// (1-based; 0 when unknown). For a key given twice, the second key.
	Line int
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Options select the stricter checks of Check.
type Options struct {
	// SelfContained refuses an alias whose anchor is outside the node checked
	// (for one object of a stream: kpt and kustomize read and write each
	// object on its own, so such an alias does not survive them).
	SelfContained bool
	// StrictKeys refuses a key given twice in one mapping (YAML forbids it;
	// readers disagree on which one counts) and merge keys (<<), which Of does
	// not expand as YAML 1.1 readers such as kubectl do.
	StrictKeys bool
}

// Stats describe a node as Of reads it.
type Stats struct {
	// Nodes is the number of nodes of the value, every alias expanded
	// (saturating at math.MaxInt64).
	Nodes int64
	// Written is the number of nodes written out in the text, an alias
	// counting as one.
	Written int64
	// Alias is the path of the alias that stands for the most nodes (or of
	// one that stands for at least half as many), "" without aliases; and
	// AliasNodes the number of nodes it stands for.
	Alias      string
	AliasNodes int64
}

// Check measures n, aliases expanded, and checks it, in time proportional to
// its text: every node, and every anchored node's subtree, is visited once.
// It fails on an alias to a node that contains it and on the problems opts
// select. It does not limit the size: compare Stats.Nodes with a budget.
func Check(n *yaml.Node, opts Options) (Stats, error) {
	w := &walker{opts: opts}
	w.path = w.pathBuf[:0]
	nodes := w.walk(n, true)
	if w.err != nil {
		return Stats{}, w.err
	}
	w.stats.Nodes = nodes
	return w.stats, nil
}

// Of returns the node's value. It fails, having built nothing, when the value
// has more than MaxNodes nodes (aliases expanded) or contains itself through
// an alias, and when a mapping key is not a scalar.
func Of(n *yaml.Node) (any, error) {
	st, err := Check(n, Options{})
	if err != nil {
		return nil, err
	}
	if st.Nodes > MaxNodes {
		if st.Nodes > st.Written {
			return nil, &Error{Path: st.Alias, Message: fmt.Sprintf(
				"this YAML alias stands for %s nodes, and aliases expand the whole value to %s (%d written out); netid reads at most %d",
				count(st.AliasNodes), count(st.Nodes), st.Written, MaxNodes)}
		}
		return nil, &Error{Message: fmt.Sprintf("this value has %d nodes; netid reads at most %d", st.Nodes, MaxNodes)}
	}
	return value(n)
}

// count prints a saturated count as "more than".
func count(n int64) string {
	if n == math.MaxInt64 {
		return "more than 9e18"
	}
	return strconv.FormatInt(n, 10)
}

type walker struct {
	opts Options
	// anchors are the anchored nodes met so far, by identity.
	anchors map[*yaml.Node]*anchor
	// path is where the walk is, built into text only when needed; pathBuf
	// holds it while it is shallow.
	path    []segment
	pathBuf [16]segment
	stats   Stats
	err     *Error
}

type anchor struct {
	nodes int64
	done  bool
}

// segment is one step of a path: a key, or an index when key is "" and
// index >= 0.
type segment struct {
	key   string
	index int
}

func (w *walker) fail(format string, args ...any) int64 {
	if w.err == nil {
		w.err = &Error{Path: w.pathString(), Message: fmt.Sprintf(format, args...)}
	}
	return 0
}

func (w *walker) pathString() string {
	var b strings.Builder
	for _, s := range w.path {
		if s.index >= 0 {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// walk returns the number of nodes of n's value. written says whether n is
// where the text has it (not reached through an alias). An anchored node is
// measured once, where it is written.
func (w *walker) walk(n *yaml.Node, written bool) int64 {
	if n == nil || w.err != nil {
		return 0
	}
	if written {
		w.stats.Written = add(w.stats.Written, 1)
	}
	if n.Kind == yaml.AliasNode {
		return w.alias(n)
	}
	if n.Anchor == "" {
		return w.node(n, written)
	}
	return w.memo(n, written)
}

// memo measures n once, remembering it while it is measured, so that an
// alias inside it is seen to refer to its own ancestor.
func (w *walker) memo(n *yaml.Node, written bool) int64 {
	if w.anchors == nil {
		w.anchors = map[*yaml.Node]*anchor{}
	}
	if a := w.anchors[n]; a != nil && a.done {
		return a.nodes
	}
	a := &anchor{}
	w.anchors[n] = a
	a.nodes, a.done = w.node(n, written), true
	return a.nodes
}

func (w *walker) node(n *yaml.Node, written bool) int64 {
	nodes := int64(1)
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			nodes = add(nodes, w.walk(c, written))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.path = append(w.path, segment{index: i})
			nodes = add(nodes, w.walk(c, written))
			w.path = w.path[:len(w.path)-1]
		}
	case yaml.MappingNode:
		nodes = add(nodes, w.mapping(n, written))
	}
	return nodes
}

func (w *walker) alias(n *yaml.Node) int64 {
	t := n.Alias
	if t == nil {
		return w.fail("alias *%s has no anchor", n.Value)
	}
	a := w.anchors[t]
	switch {
	case a != nil && !a.done:
		return w.fail("alias *%s refers to a node that contains it: its value would be infinite", n.Value)
	case a == nil && w.opts.SelfContained:
		return w.fail("alias *%s refers to an anchor outside this object; kpt and kustomize read each object on its own: write the value out", n.Value)
	}
	var nodes int64
	if a != nil {
		nodes = a.nodes
	} else {
		nodes = w.memo(t, false)
	}
	if w.err == nil && nodes > 0 && (w.stats.AliasNodes == 0 || nodes/2 >= w.stats.AliasNodes) {
		w.stats.Alias, w.stats.AliasNodes = w.pathString(), nodes
	}
	return nodes
}

// smallMapping is the most keys a mapping may have for its duplicates to be
// found by comparing each key with those before it, allocating nothing.
const smallMapping = 16

func (w *walker) mapping(n *yaml.Node, written bool) int64 {
	var nodes int64
	var seen map[string]bool
	if w.opts.StrictKeys && len(n.Content)/2 > smallMapping {
		seen = make(map[string]bool, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content) && w.err == nil; i += 2 {
		k := n.Content[i]
		key, ok := keyText(k)
		if !ok {
			return w.fail("a mapping key must be a string, a number or a boolean, not a %s", kindName(k))
		}
		if isMerge(k) {
			if w.opts.StrictKeys {
				return w.fail("YAML merge keys (<<) are not supported: write the merged fields out (kustomize expands them before netid runs; kpt does not)")
			}
			continue // Of skips them
		}
		if w.opts.StrictKeys && w.repeated(n, i, key, seen) {
			w.path = append(w.path, segment{key: key, index: -1})
			w.fail("key %q is given twice in this mapping (YAML forbids it, and readers disagree on which one counts)", key)
			if w.err != nil && w.err.Line == 0 {
				w.err.Line = k.Line
			}
			w.path = w.path[:len(w.path)-1]
			return 0
		}
		nodes = add(nodes, w.walk(k, written))
		w.path = append(w.path, segment{key: key, index: -1})
		nodes = add(nodes, w.walk(n.Content[i+1], written))
		w.path = w.path[:len(w.path)-1]
	}
	return nodes
}

// repeated reports whether the key at n.Content[i] is one of those before
// it: in seen, which it then joins, or, without seen, by comparing.
func (w *walker) repeated(n *yaml.Node, i int, key string, seen map[string]bool) bool {
	if seen != nil {
		if seen[key] {
			return true
		}
		seen[key] = true
		return false
	}
	for j := 0; j < i; j += 2 {
		if k, _ := keyText(n.Content[j]); k == key && !isMerge(n.Content[j]) {
			return true
		}
	}
	return false
}

// keyText is a mapping key's text: a scalar's value, or that of the scalar an
// alias refers to.
func keyText(k *yaml.Node) (string, bool) {
	if k.Kind == yaml.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		return "", false
	}
	return k.Value, true
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.AliasNode:
		return "alias of a " + kindName(n.Alias)
	}
	return "node"
}

// add is a + b, saturating at math.MaxInt64 (both are non-negative).
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// value is the JSON-compatible value of a node: maps with string keys (a
// number key such as a port becomes its text), int64, float64, bool, string.
// Check has made sure it is finite and bounded.
func value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return value(n.Content[0])
	case yaml.AliasNode:
		return value(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if isMerge(k) {
				continue
			}
			key, _ := keyText(k)
			v, err := value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := value(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return ScalarOf(n).Value(), nil
	}
	return nil, fmt.Errorf("unexpected YAML node kind %d", n.Kind)
}

// ValueOf is Of without its checks, for a node whose whole (the object it is
// part of) Of or Check has accepted: it must be finite (no alias refers to a
// node that contains it) and its mapping keys scalars.
func ValueOf(n *yaml.Node) (any, error) { return value(n) }

// Kind is the type of a scalar's value.
type Kind uint8

// The kinds of scalar values: null, bool, int64, float64 and string.
const (
	Null Kind = iota
	Bool
	Int
	Float
	String
)

// Scalar is the value of a scalar node, as Of reads it, without boxing it
// in an interface: the field its Kind names holds it.
type Scalar struct {
	Kind  Kind
	Bool  bool
	Int   int64
	Float float64
	Str   string
}

// ScalarOf is the value of a scalar node: by its tag, null, a bool (YAML
// 1.1's yes, on and y included), an int64 or float64 (the text when it does
// not parse as one), or the text.
func ScalarOf(n *yaml.Node) Scalar {
	switch n.ShortTag() {
	case "!!null":
		return Scalar{Kind: Null}
	case "!!bool":
		return Scalar{Kind: Bool, Bool: boolText(n.Value)}
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return Scalar{Kind: Int, Int: i}
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return Scalar{Kind: Float, Float: f}
		}
	}
	return Scalar{Kind: String, Str: n.Value}
}

// Value is the scalar's value as Of returns it: nil, bool, int64, float64 or
// string.
func (s Scalar) Value() any {
	switch s.Kind {
	case Null:
		return nil
	case Bool:
		return s.Bool
	case Int:
		return s.Int
	case Float:
		return s.Float
	}
	return s.Str
}

// boolText is what strconv.ParseBool made of the text of a !!bool scalar
// once mapped to "true" (YAML 1.1's yes, on and y too) or "false": true for
// those, false for anything else.
func boolText(s string) bool {
	switch s {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y":
		return true
	}
	return false
}
