package proof

import (
	"fmt"
	"math/rand"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Every label set whatsoever has the verdicts of one of the atoms, and each
// atom's label set really has its verdicts.
func TestLabelAtomsCoverEveryLabelSet(t *testing.T) {
	for seed := int64(1); seed <= 300; seed++ {
		g := gen{rand.New(rand.NewSource(seed))}
		var sels []labels.Selector
		for i := 0; i < 1+g.r.Intn(6); i++ {
			s, err := metav1.LabelSelectorAsSelector(g.selector(podKeys))
			if err != nil {
				t.Fatal(err)
			}
			sels = append(sels, s)
		}
		atoms, err := labelAtoms(sels, nil)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, a := range atoms {
			if got := verdictKey(verdicts(sels, a.Labels)); got != verdictKey(a.Matches) {
				t.Fatalf("seed %d: atom %v claims verdicts %s, has %s", seed, a.Labels, verdictKey(a.Matches), got)
			}
			if have[verdictKey(a.Matches)] {
				t.Fatalf("seed %d: two atoms with verdicts %s", seed, verdictKey(a.Matches))
			}
			have[verdictKey(a.Matches)] = true
		}
		for i := 0; i < 200; i++ {
			l := g.labels(podKeys)
			if k := verdictKey(verdicts(sels, l)); !have[k] {
				t.Fatalf("seed %d: labels %v have verdicts %s, which no atom has (selectors %v)", seed, l, k, sels)
			}
		}
	}
}

func TestLabelAtomsPinned(t *testing.T) {
	byName, _ := labels.Parse("kubernetes.io/metadata.name=shop")
	team, _ := labels.Parse("team=x")
	atoms, err := labelAtoms([]labels.Selector{byName, team}, map[string]string{corev1.LabelMetadataName: "pay"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range atoms {
		got = append(got, verdictKey(a.Matches))
	}
	if fmt.Sprint(got) != "[00 01]" {
		t.Errorf("namespace pay: verdicts %v, want [00 01] (never shop; team=x or not)", got)
	}
}

func TestLabelAtomsBounded(t *testing.T) {
	// 17 independent keys: 2^17 combinations, past the bound.
	var sels []labels.Selector
	for i := 0; i < 17; i++ {
		s, _ := labels.Parse(fmt.Sprintf("k%d=v", i))
		sels = append(sels, s)
	}
	if _, err := labelAtoms(sels, nil); err == nil {
		t.Fatal("2^17 label combinations enumerated without complaint")
	}
}

func TestAddrAtomsCoverEveryAddress(t *testing.T) {
	for seed := int64(1); seed <= 300; seed++ {
		g := gen{rand.New(rand.NewSource(seed))}
		var prefixes []netip.Prefix
		for i := 0; i < g.r.Intn(8); i++ {
			prefixes = append(prefixes, netip.MustParsePrefix(g.pick(vocabCIDRs)).Masked())
		}
		atoms := addrAtoms(prefixes)
		have := map[string]bool{}
		for _, a := range atoms {
			var in []int
			for i, p := range prefixes {
				if p.Contains(a.Addr) {
					in = append(in, i)
				}
			}
			if intsKey(in) != intsKey(a.In) {
				t.Fatalf("seed %d: %s claims to be in %v, is in %v", seed, a.Addr, a.In, in)
			}
			have[intsKey(in)] = true
		}
		for i := 0; i < 500; i++ {
			addr := g.addr()
			var in []int
			for j, p := range prefixes {
				if p.Contains(addr) {
					in = append(in, j)
				}
			}
			if !have[intsKey(in)] {
				t.Fatalf("seed %d: %s is in prefixes %v, which no atom is (prefixes %v)", seed, addr, in, prefixes)
			}
		}
	}
}

func TestPortClassesCoverEveryPort(t *testing.T) {
	for seed := int64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		var ranges []portRange
		for i := 0; i < r.Intn(8); i++ {
			lo := int32(1 + r.Intn(65535))
			hi := lo + int32(r.Intn(3000))
			if hi > 65535 {
				hi = 65535
			}
			ranges = append(ranges, portRange{protocols[r.Intn(3)], lo, hi})
		}
		sig := func(pt port) string {
			var in []int
			for i, rg := range ranges {
				if rg.proto == pt.proto && rg.lo <= pt.n && pt.n <= rg.hi {
					in = append(in, i)
				}
			}
			return intsKey(in)
		}
		have := map[string]bool{}
		for _, pt := range portClasses(ranges) {
			have[sig(pt)] = true
		}
		for _, proto := range protocols {
			for n := int32(1); n <= 65535; n += int32(1 + r.Intn(50)) {
				if !have[sig(port{n, proto})] {
					t.Fatalf("seed %d: %d/%s has a class no probe has", seed, n, proto)
				}
			}
			for _, rg := range ranges {
				for _, n := range []int32{rg.lo, rg.hi, rg.lo - 1, rg.hi + 1} {
					if n >= 1 && n <= 65535 && !have[sig(port{n, proto})] {
						t.Fatalf("seed %d: %d/%s has a class no probe has", seed, n, proto)
					}
				}
			}
		}
	}
}
