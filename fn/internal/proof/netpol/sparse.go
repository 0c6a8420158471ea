package netpol

import (
	"math/bits"
	"slices"
)

// sparse is a set of endpoint indices kept as its nonzero 64-bit words, in
// increasing order: what the label index, the selectors' matches, a rule's
// peers and a policy's targets are. Each of them holds a few workloads of an
// estate of tens of thousands of endpoints, so a dense bitset per label
// value, selector, rule and policy made building the engine quadratic in
// time and memory. A sparse never stores a zero word and is never modified
// once built (the operations return new sets), so sets may be shared.
type sparse struct {
	idx   []int32
	words []uint64
}

func sparseOf(b bitset) sparse {
	var s sparse
	for i, w := range b {
		if w != 0 {
			s.idx = append(s.idx, int32(i))
			s.words = append(s.words, w)
		}
	}
	return s
}

// add puts i in s, which is being built: cheapest in increasing order.
func (s *sparse) add(i int) {
	wi, bit := int32(i>>6), uint64(1)<<(uint(i)&63)
	if n := len(s.idx); n > 0 && s.idx[n-1] == wi {
		s.words[n-1] |= bit
		return
	}
	k, ok := slices.BinarySearch(s.idx, wi)
	if ok {
		s.words[k] |= bit
		return
	}
	s.idx = slices.Insert(s.idx, k, wi)
	s.words = slices.Insert(s.words, k, bit)
}

func (s sparse) has(i int) bool {
	k, ok := slices.BinarySearch(s.idx, int32(i>>6))
	return ok && s.words[k]&(uint64(1)<<(uint(i)&63)) != 0
}

func (s sparse) empty() bool { return len(s.idx) == 0 }

// each calls f for every member, in increasing order.
func (s sparse) each(f func(i int)) {
	for k, w := range s.words {
		base := int(s.idx[k]) << 6
		for w != 0 {
			f(base | bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// or is s ∪ o.
func (s sparse) or(o sparse) sparse {
	if len(o.idx) == 0 {
		return s
	}
	if len(s.idx) == 0 {
		return o
	}
	out := sparse{idx: make([]int32, 0, len(s.idx)+len(o.idx)), words: make([]uint64, 0, len(s.idx)+len(o.idx))}
	i, j := 0, 0
	for i < len(s.idx) || j < len(o.idx) {
		switch {
		case j == len(o.idx) || (i < len(s.idx) && s.idx[i] < o.idx[j]):
			out.idx, out.words = append(out.idx, s.idx[i]), append(out.words, s.words[i])
			i++
		case i == len(s.idx) || o.idx[j] < s.idx[i]:
			out.idx, out.words = append(out.idx, o.idx[j]), append(out.words, o.words[j])
			j++
		default:
			out.idx, out.words = append(out.idx, s.idx[i]), append(out.words, s.words[i]|o.words[j])
			i++
			j++
		}
	}
	return out
}

// and is s ∩ o.
func (s sparse) and(o sparse) sparse {
	var out sparse
	i, j := 0, 0
	for i < len(s.idx) && j < len(o.idx) {
		switch {
		case s.idx[i] < o.idx[j]:
			i++
		case o.idx[j] < s.idx[i]:
			j++
		default:
			if w := s.words[i] & o.words[j]; w != 0 {
				out.idx, out.words = append(out.idx, s.idx[i]), append(out.words, w)
			}
			i++
			j++
		}
	}
	return out
}

// andNot is s minus o.
func (s sparse) andNot(o sparse) sparse {
	var out sparse
	j := 0
	for i, wi := range s.idx {
		w := s.words[i]
		for j < len(o.idx) && o.idx[j] < wi {
			j++
		}
		if j < len(o.idx) && o.idx[j] == wi {
			w &^= o.words[j]
		}
		if w != 0 {
			out.idx, out.words = append(out.idx, wi), append(out.words, w)
		}
	}
	return out
}

// orInto adds s to the dense b.
func (s sparse) orInto(b bitset) {
	for k, wi := range s.idx {
		b[wi] |= s.words[k]
	}
}
