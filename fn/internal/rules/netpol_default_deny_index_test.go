package rules

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/model"
)

// The index behind defaultDenyModelled leaves out no policy that may select
// a pod of a namespace, and keeps the policies' order.
func TestDefaultDenyIndexKeepsEveryTouchingPolicy(t *testing.T) {
	name := func(ns string) model.Match { return model.Labels(map[string]string{corev1.LabelMetadataName: ns}) }
	sel, _ := labels.Parse("team in (x,y)")
	subjects := [][]model.Peer{
		{{Pods: true, NS: name("a")}},
		{{Pods: true, NS: name("b")}, {Pods: true, NS: name("c")}},
		{{Pods: true, NS: model.Everything()}},
		{{Pods: true, NS: model.Selector(sel)}},
		{{Pods: true, NS: name("a"), Not: true}},
		{{Pods: true, NS: model.Not(name("a"))}},
		{{Addrs: true}},
		{{Pods: true, NS: model.Nothing()}},
		{{Pods: true, NS: model.Or(name("a"), name("c"))}},
	}
	var pols []proof.CompiledPolicy
	for _, s := range subjects {
		pols = append(pols, proof.CompiledPolicy{Policy: model.Policy{Point: model.Network, Subject: s}})
	}
	pols = append(pols, proof.CompiledPolicy{Policy: model.Policy{Point: model.Mesh, Subject: subjects[0]}})
	x := newDefaultDenyIndex(pols)
	for _, ns := range []labels.Set{
		{corev1.LabelMetadataName: "a"},
		{corev1.LabelMetadataName: "b", "team": "x"},
		{corev1.LabelMetadataName: "c", "team": "z"},
		{corev1.LabelMetadataName: "d"},
	} {
		var want []int
		for i := range pols {
			if pols[i].Point == model.Network && defaultDenyTouches(&pols[i].Policy, ns) {
				want = append(want, i)
			}
		}
		got := x.candidates(ns)
		for _, i := range want {
			if !slices.Contains(got, i) {
				t.Errorf("namespace %v: policy %d selects a pod of it, and the index leaves it out (%v)", ns, i, got)
			}
		}
		if !slices.IsSorted(got) {
			t.Errorf("namespace %v: candidates %v out of order", ns, got)
		}
	}
}
