package netpol

import (
	"math/bits"
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// Set is a set of endpoints that narrows a Query: the sources a caller
// judges at all.
type Set struct {
	b     bitset
	words []int32 // the nonzero words of b
}

// NewSet holds the endpoints i of e for which member(i) is true.
func (e *Engine) NewSet(member func(i int) bool) Set {
	b := newBitset(e.n)
	for i := range e.n {
		if member(i) {
			b.set(i)
		}
	}
	return Set{b: b, words: sparseOf(b).idx}
}

// Query answers Sources' question for one destination at a time, narrowed to
// a Set and without allocating: it keeps two scratch bitsets the size of the
// estate and clears only the words it touched. A Query is not safe for
// concurrent use; an Engine may have any number of them.
type Query struct {
	e       *Engine
	in, out bitset
	// inWords / outWords are the words of in / out that are nonzero.
	inWords, outWords []int32
}

// NewQuery returns a Query over e.
func (e *Engine) NewQuery() *Query {
	return &Query{e: e, in: newBitset(e.n), out: newBitset(e.n)}
}

// EachSource calls f, in increasing order, for every src in among that may
// reach dst on port/proto (both directions): exactly the members of among in
// Sources(dst, port, proto). It costs the words of the rules touching dst,
// not the estate's size per rule: the ingress rules of the policies
// selecting dst, and the egress rules whose peers include dst. f must not use
// q.
func (q *Query) EachSource(dst int, port int32, proto corev1.Protocol, among Set, f func(src int)) {
	e := q.e
	e.check(dst)
	proto = defaultProtocol(proto)
	defer q.clear()

	// Who dst admits: the words of among, or of the ingress rules' peers.
	words := among.words
	isolated := e.ingressIsolated.has(dst)
	if isolated {
		for _, pi := range e.ingressOf[dst] {
			for _, ri := range e.policies[pi].ingress {
				if r := &e.rules[ri]; e.portAllowed(r, port, proto, dst) {
					q.inWords = orSparse(q.in, q.inWords, r.peers)
				}
			}
		}
		if len(q.inWords) == 0 {
			return
		}
		slices.Sort(q.inWords)
		words = q.inWords
	}

	// Who may send to dst: the unrestricted, and the pods an egress rule
	// naming dst selects.
	for _, list := range [2][]int32{e.egressTo[dst], e.egressToAll} {
		for _, ri := range list {
			if r := &e.rules[ri]; e.portAllowed(r, port, proto, dst) {
				q.outWords = orSparse(q.out, q.outWords, e.policies[r.policy].targets)
			}
		}
	}

	for _, wi := range words {
		w := among.b[wi] & (e.egressFree[wi] | q.out[wi])
		if isolated {
			w &= q.in[wi]
		} else {
			w &= e.all[wi]
		}
		for w != 0 {
			f(int(wi)<<6 | bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// orSparse adds s to b and returns touched with the words of b that became
// nonzero.
func orSparse(b bitset, touched []int32, s sparse) []int32 {
	for k, wi := range s.idx {
		if b[wi] == 0 {
			touched = append(touched, wi)
		}
		b[wi] |= s.words[k]
	}
	return touched
}

// clear empties the scratch bitsets, word by touched word.
func (q *Query) clear() {
	for _, wi := range q.inWords {
		q.in[wi] = 0
	}
	for _, wi := range q.outWords {
		q.out[wi] = 0
	}
	q.inWords, q.outWords = q.inWords[:0], q.outWords[:0]
}
