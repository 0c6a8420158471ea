package process

import (
	"os"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/krm/v1alpha1"
)

// rolloutObserveForm renders testdata/report-rollout-observe with cart
// enforcing and turns the output into cart's NetworkPolicy observe form, as
// the contract states it: nothing selects cart's pods (its own policy is
// left out, the namespace's default deny and DNS egress select every pod
// but cart's), and cart's NetworkIdentity says rollout: observe. It returns
// the observe stream and the functionConfig.
func rolloutObserveForm(t *testing.T) ([]*yaml.RNode, *yaml.RNode) {
	t.Helper()
	input, err := os.ReadFile("testdata/report-rollout-observe/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	enforce := strings.Replace(string(input), "    rollout: observe\n", "    rollout: enforce\n", 1)
	if enforce == string(input) {
		t.Fatal("the case's input has no rollout: observe")
	}
	items, fc := readList(t, renderOK(t, []byte(enforce)))
	var out []*yaml.RNode
	for _, n := range items {
		switch {
		case n.GetKind() == "NetworkPolicy" && n.GetNamespace() == "shop" && n.GetLabels()["netid.dev/workload"] == "cart":
			continue
		case n.GetKind() == "NetworkPolicy" && n.GetNamespace() == "shop":
			sel := yaml.MustParse("{matchExpressions: [{key: app, operator: NotIn, values: [cart]}]}")
			if err := n.SetMapField(sel, "spec", "podSelector"); err != nil {
				t.Fatal(err)
			}
		case n.GetKind() == v1alpha1.Kind && n.GetName() == "cart":
			if err := n.SetMapField(yaml.NewScalarRNode("observe"), "spec", "rollout"); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, n)
	}
	return out, fc
}

// cellKeys are the cells as "from → to port".
func cellKeys(cs []proof.Cell) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.From+" → "+c.To+" "+c.Port)
	}
	return out
}

// TestRolloutVerify: verify of an observe form lists each workload's stage,
// proves the enforce form (no mismatch, though the observe form opens
// undeclared flows), and lists as wouldBlock exactly what the observe form
// opens to and from the observed workload beyond its declared flows.
func TestRolloutVerify(t *testing.T) {
	items, fc := rolloutObserveForm(t)
	v := Verify(items, fc)
	if v.Failed() {
		t.Fatalf("verify of the observe form failed: mismatches %v, incomplete %v, findings %v", cellKeys(v.Mismatches), v.Incomplete, v.Findings)
	}
	want := map[string]v1alpha1.RolloutStage{"shop/cart": v1alpha1.RolloutObserve, "web/frontend": v1alpha1.RolloutEnforce}
	if len(v.Stages) != len(want) || v.Stages["shop/cart"] != want["shop/cart"] || v.Stages["web/frontend"] != want["web/frontend"] {
		t.Errorf("stages %v, want %v", v.Stages, want)
	}
	blocked := cellKeys(v.WouldBlock)
	if len(blocked) == 0 {
		t.Fatalf("wouldBlock is empty; the observe form opens cart to every caller. Flows:\n%s", strings.Join(cellKeys(v.Flows), "\n"))
	}
	flows := cellKeys(v.Flows)
	for _, c := range v.WouldBlock {
		if c.From != "shop/cart" && c.To != "shop/cart" {
			t.Errorf("wouldBlock lists %s → %s %s, which is not about the observed shop/cart", c.From, c.To, c.Port)
		}
		if !slices.Contains(flows, c.From+" → "+c.To+" "+c.Port) {
			t.Errorf("wouldBlock lists %s → %s %s, which the observe form does not open", c.From, c.To, c.Port)
		}
	}
	for _, declared := range []string{"web/frontend → shop/cart 8080/TCP", "shop/cart → kube-system/{k8s-app=kube-dns} (DNS) 53/UDP"} {
		if !slices.Contains(flows, declared) {
			t.Errorf("the observe form does not open the declared %s", declared)
		}
		if slices.Contains(blocked, declared) {
			t.Errorf("wouldBlock lists the declared %s, which enforce opens", declared)
		}
	}
	// an undeclared caller from a namespace nothing names reaches cart now
	if !slices.ContainsFunc(blocked, func(s string) bool {
		return strings.HasPrefix(s, proof.ProbeNamespace) && strings.HasSuffix(s, "→ shop/cart 8080/TCP")
	}) {
		t.Errorf("wouldBlock lacks a caller of %s… to shop/cart on 8080/TCP:\n%s", proof.ProbeNamespace, strings.Join(blocked, "\n"))
	}
}

// TestRolloutValidateReport: validating the observe form judges the enforce
// form (no error) and the report lists every connection verify says
// enforcement would block, under the observed workload, with the way to
// enforce.
func TestRolloutValidateReport(t *testing.T) {
	items, fc := rolloutObserveForm(t)
	v := Verify(items, fc)
	items, fc = rolloutObserveForm(t)
	out := Render(items, fc, Options{ValidateOnly: true})
	if out.Findings.HasErrors() {
		t.Fatalf("validating the observe form refused it:\n%v", out.Findings)
	}
	md := out.Report
	i := strings.Index(md, "### Rollout: what enforcement would block\n")
	if i < 0 {
		t.Fatalf("the report has no would-block section:\n%s", md)
	}
	section := md[i:]
	if j := strings.Index(section, "\n## "); j >= 0 {
		section = section[:j]
	}
	if !strings.Contains(section, "#### shop/cart (observe)") || !strings.Contains(section, "set `spec.rollout: enforce`") {
		t.Errorf("the section lacks cart's group or how to enforce:\n%s", section)
	}
	rows := 0
	for _, l := range strings.Split(section, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| From ") {
			rows++
		}
	}
	if rows != len(v.WouldBlock) {
		t.Errorf("the report lists %d connections, verify %d:\n%s", rows, len(v.WouldBlock), section)
	}
	for _, c := range v.WouldBlock {
		if !strings.Contains(section, "| "+c.From+" | "+c.To+" | "+c.Port+" | ") {
			t.Errorf("the report does not list %s → %s %s", c.From, c.To, c.Port)
		}
	}
	if !strings.Contains(md, "| shop/cart (Deployment) | **observe** |") || !strings.Contains(md, "| web/frontend (Deployment) | enforce |") {
		t.Errorf("the report lacks each workload's stage:\n%s", md)
	}
}

// TestRolloutWouldBlock: what the observe proof opens and the enforce proof
// does not, compared only between endpoints both proofs have.
func TestRolloutWouldBlock(t *testing.T) {
	cell := func(from, to, port string) proof.Cell {
		return proof.Cell{From: from, To: to, Port: port, Allowed: true}
	}
	observe := &proof.Result{Endpoints: []string{"a", "b", "w1"}, Allowed: []proof.Cell{
		cell("a", "b", "80/TCP"), cell("a", "b", "81/TCP"), cell("b", "a", "80/TCP"), cell("w1", "b", "80/TCP")}}
	enforce := &proof.Result{Endpoints: []string{"a", "b", "w2"}, Allowed: []proof.Cell{
		cell("a", "b", "80/TCP"), cell("w2", "b", "80/TCP")}}
	got := cellKeys(RolloutWouldBlock(observe, enforce))
	want := []string{"a → b 81/TCP", "b → a 80/TCP"}
	if !slices.Equal(got, want) {
		t.Errorf("would block %q, want %q", got, want)
	}
	if got := RolloutWouldBlock(nil, enforce); got != nil {
		t.Errorf("without an observe proof: %v", got)
	}
}

// TestRolloutEnforceUnchanged: rollout: enforce, written or defaulted,
// renders as before the field existed: the same objects, and a report
// without the rollout sections.
func TestRolloutEnforceUnchanged(t *testing.T) {
	input, err := os.ReadFile("testdata/report-rollout-observe/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	render := func(s string) Output {
		t.Helper()
		items, fc := readList(t, []byte(s))
		out := Render(items, fc, Options{})
		if out.Findings.HasErrors() {
			t.Fatalf("refused: %v", out.Findings)
		}
		return out
	}
	written := render(strings.Replace(string(input), "    rollout: observe\n", "    rollout: enforce\n", 1))
	defaulted := render(strings.Replace(string(input), "    rollout: observe\n", "", 1))
	if written.Report != defaulted.Report {
		t.Errorf("the reports differ:\n%s", diff(defaulted.Report, written.Report))
	}
	if len(written.Generated) != len(defaulted.Generated) {
		t.Fatalf("%d objects generated with rollout: enforce, %d without", len(written.Generated), len(defaulted.Generated))
	}
	for i := range written.Generated {
		if a, b := written.Generated[i].Ref, defaulted.Generated[i].Ref; a != b {
			t.Errorf("object %d: %v with rollout: enforce, %v without", i, a, b)
		}
	}
	for _, s := range []string{"## Rollout", "## Denied traffic"} {
		if strings.Contains(written.Report, s) {
			t.Errorf("every workload enforces, yet the report has %q", s)
		}
	}
	if observe := render(string(input)); !strings.Contains(observe.Report, "## Rollout") {
		t.Error("with cart observing, the report has no rollout section")
	}
}
