package netpol

import "math/bits"

// bitset is a fixed-size set of endpoint indices, one bit per endpoint. Every
// bitset of an Engine has the same length, so the word loops below never check
// bounds against each other.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

// fullBitset holds 0..n-1.
func fullBitset(n int) bitset {
	b := newBitset(n)
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = (uint64(1) << r) - 1
	}
	return b
}

func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b bitset) clone() bitset { return append(bitset(nil), b...) }

// or adds o to b.
func (b bitset) or(o bitset) {
	for i, w := range o {
		b[i] |= w
	}
}

// and keeps in b only what is also in o.
func (b bitset) and(o bitset) {
	for i, w := range o {
		b[i] &= w
	}
}

// andNot removes o from b.
func (b bitset) andNot(o bitset) {
	for i, w := range o {
		b[i] &^= w
	}
}

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls f for every member, in increasing order.
func (b bitset) each(f func(i int)) {
	for wi, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			f(wi<<6 | t)
			w &= w - 1
		}
	}
}

// slice lists the members in increasing order.
func (b bitset) slice() []int {
	out := make([]int, 0, b.count())
	b.each(func(i int) { out = append(out, i) })
	return out
}
