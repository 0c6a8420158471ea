package proof

import (
	"encoding/binary"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/labels"
)

// maxAtoms bounds the label combinations enumerated for one namespace (or
// for the namespaces themselves). Past it the proof says it is incomplete
// rather than judging a sample.
const maxAtoms = 1 << 16

// atom is one realizable combination of selector verdicts: Labels is a label
// set with exactly those verdicts, and Matches[i] is selector i's verdict.
type atom struct {
	Labels  labels.Set
	Matches []bool
}

// labelAtoms returns one label set for every combination of verdicts the
// selectors can have on some label set: any label set whatsoever gives the
// same verdict on every selector as one of the returned ones. pinned fixes
// keys to a value (a namespace's kubernetes.io/metadata.name). The result is
// deterministic.
//
// Why it is complete: a selector's verdict depends on a key's value only
// through its requirements on that key, and a requirement only tells apart the
// values it names, any other value, and the key's absence. So each key's
// values fall into those classes, and a label set is judged by the class of
// each key; the enumeration walks the keys and keeps one label set for each
// distinct set of selectors still possibly true, which is exactly the set of
// verdicts once every key has been walked.
func labelAtoms(sels []labels.Selector, pinned map[string]string) ([]atom, error) {
	type req struct {
		sel int
		r   labels.Requirement
	}
	byKey := map[string][]req{}
	never := make([]bool, len(sels))
	for i, s := range sels {
		rs, selectable := s.Requirements()
		if !selectable {
			never[i] = true // labels.Nothing()
			continue
		}
		for _, r := range rs {
			byKey[r.Key()] = append(byKey[r.Key()], req{i, r})
		}
	}
	for k := range pinned {
		if _, ok := byKey[k]; !ok {
			byKey[k] = nil
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	type state struct {
		labels labels.Set
		alive  []uint64
	}
	words := (len(sels) + 63) / 64
	start := state{labels: labels.Set{}, alive: make([]uint64, words)}
	for i := range sels {
		if !never[i] {
			start.alive[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	states := []state{start}
	for _, k := range keys {
		reqs := byKey[k]
		// The classes of the key's values: each value a requirement names, one
		// value none names, and absence ("" with present=false).
		type class struct {
			value   string
			present bool
		}
		var classes []class
		if v, ok := pinned[k]; ok {
			classes = []class{{v, true}}
		} else {
			named := map[string]bool{}
			for _, r := range reqs {
				for _, v := range r.r.ValuesUnsorted() {
					named[v] = true
				}
			}
			values := make([]string, 0, len(named))
			for v := range named {
				values = append(values, v)
			}
			sort.Strings(values)
			// Absence first, so a combination that absence gives is shown
			// with the fewest labels.
			classes = append(classes, class{"", false})
			for _, v := range values {
				classes = append(classes, class{v, true})
			}
			classes = append(classes, class{otherValue(named), true})
		}
		// kill[c]: the selectors a requirement on k rejects for class c.
		kill := make([][]uint64, len(classes))
		for c, cl := range classes {
			kill[c] = make([]uint64, words)
			set := labels.Set{}
			if cl.present {
				set[k] = cl.value
			}
			for _, r := range reqs {
				if !r.r.Matches(set) {
					kill[c][r.sel>>6] |= 1 << (uint(r.sel) & 63)
				}
			}
		}
		seen := map[string]bool{}
		var next []state
		for _, st := range states {
			for c, cl := range classes {
				alive := make([]uint64, words)
				for w := range alive {
					alive[w] = st.alive[w] &^ kill[c][w]
				}
				key := bitsKey(alive)
				if seen[key] {
					continue
				}
				seen[key] = true
				l := make(labels.Set, len(st.labels)+1)
				for lk, lv := range st.labels {
					l[lk] = lv
				}
				if cl.present {
					l[k] = cl.value
				}
				next = append(next, state{labels: l, alive: alive})
				if len(next) > maxAtoms {
					return nil, fmt.Errorf("the selectors allow more than %d label combinations", maxAtoms)
				}
			}
		}
		states = next
	}
	out := make([]atom, len(states))
	for i, st := range states {
		m := make([]bool, len(sels))
		for j := range sels {
			m[j] = st.alive[j>>6]&(1<<(uint(j)&63)) != 0
		}
		out[i] = atom{Labels: st.labels, Matches: m}
	}
	return out, nil
}

// otherValue is a label value none of the named values equals.
func otherValue(named map[string]bool) string {
	v := "netid-other"
	for i := 2; named[v]; i++ {
		v = fmt.Sprintf("netid-other-%d", i)
	}
	return v
}

func bitsKey(ws []uint64) string {
	b := make([]byte, 0, 8*len(ws))
	for _, w := range ws {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return string(b)
}

// verdicts is the verdict vector of sels on a label set, as atom.Matches.
func verdicts(sels []labels.Selector, l labels.Set) []bool {
	m := make([]bool, len(sels))
	for i, s := range sels {
		m[i] = s.Matches(l)
	}
	return m
}

func verdictKey(m []bool) string {
	b := make([]byte, len(m))
	for i, v := range m {
		b[i] = '0'
		if v {
			b[i] = '1'
		}
	}
	return string(b)
}
