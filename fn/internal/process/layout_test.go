package process

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/krm/v1alpha1"
)

// renderOK runs the function on input and fails the test unless it renders.
func renderOK(t *testing.T, input []byte) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Run(bytes.NewReader(input), &stdout, &stderr, Options{}); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	return stdout.Bytes()
}

// readList reads a ResourceList's items and functionConfig.
func readList(t *testing.T, b []byte) ([]*yaml.RNode, *yaml.RNode) {
	t.Helper()
	r := &kio.ByteReader{Reader: bytes.NewReader(b)}
	items, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	return items, r.FunctionConfig
}

// A rerun that changes the layout replaces the policies of the other one:
// the per-flow output rendered again in the default layout is exactly the
// default layout's render, no per-flow policy left; and back again.
func TestLayoutSwitchOnRerun(t *testing.T) {
	perFlow, err := os.ReadFile("testdata/layout-per-flow-identity-shared-serviceaccount-istio/output.yaml")
	if err != nil {
		t.Fatal(err)
	}
	perWorkload, err := os.ReadFile("testdata/identity-shared-serviceaccount-istio/output.yaml")
	if err != nil {
		t.Fatal(err)
	}
	annotation := ", annotations: {" + v1alpha1.NetworkPolicyLayoutAnnotation + ": per-flow}"
	if !bytes.Contains(perFlow, []byte(annotation)) {
		t.Fatalf("the per-flow case no longer carries %q", annotation)
	}
	got := renderOK(t, bytes.Replace(perFlow, []byte(annotation), nil, 1))
	if string(got) != string(perWorkload) {
		t.Errorf("per-flow output rendered per-workload differs from the per-workload render:\n%s", diff(string(perWorkload), string(got)))
	}
	// the functionConfig, the last document, is the last ratings metadata
	meta := []byte("metadata: {name: ratings, namespace: shop}")
	i := bytes.LastIndex(perWorkload, meta)
	back := renderOK(t, slices.Concat(perWorkload[:i], []byte("metadata: {name: ratings, namespace: shop"+annotation+"}"), perWorkload[i+len(meta):]))
	if string(back) != string(perFlow) {
		t.Errorf("per-workload output rendered per-flow differs from the per-flow render:\n%s", diff(string(perFlow), string(back)))
	}
}

// The per-workload layout holds each workload's flows in one NetworkPolicy,
// a rule per flow, with each rule's peer and reason on its own line; the
// report names the rule of each flow.
func TestLayoutPerWorkloadRules(t *testing.T) {
	out, err := os.ReadFile("testdata/identity-shared-serviceaccount-istio/output.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := readList(t, out)
	var ratings *yaml.RNode
	for _, n := range items {
		if n.GetKind() == "NetworkPolicy" && n.GetName() == "ratings-flows" {
			ratings = n
		}
	}
	if ratings == nil {
		t.Fatalf("no NetworkPolicy ratings-flows in:\n%s", out)
	}
	a := ratings.GetAnnotations()
	for i, want := range []struct{ peer, reason string }{{"workload shop/reviews-v1", "fetches the star ratings"}, {"workload shop/reviews-v2", "fetches the star ratings"}} {
		if got := v1alpha1.RuleAnnotation(a[v1alpha1.PeerAnnotation], "ingress", i); got != want.peer {
			t.Errorf("ingress[%d] peer %q, want %q", i, got, want.peer)
		}
		if got := v1alpha1.RuleAnnotation(a[v1alpha1.ReasonAnnotation], "ingress", i); got != want.reason {
			t.Errorf("ingress[%d] reason %q, want %q", i, got, want.reason)
		}
	}
	rules, err := ratings.Pipe(yaml.Lookup("spec", "ingress"))
	if err != nil || rules == nil {
		t.Fatalf("no spec.ingress: %v", err)
	}
	elems, _ := rules.Elements()
	for i, want := range []string{"version: v1", "version: v2"} {
		if i >= len(elems) || !strings.Contains(elems[i].MustString(), want) {
			t.Errorf("spec.ingress[%d] does not admit %s:\n%s", i, want, rules.MustString())
		}
	}
	if !bytes.Contains(out, []byte("`reviews-v2-flows spec.egress[0]`, `ratings-flows spec.ingress[1]`")) {
		t.Errorf("the report does not name the rules of reviews-v2 → ratings")
	}
}

// The connectivity proof names the rule of a per-workload policy that
// opens an undeclared flow: widen rule 1 of ratings-flows to every address
// and `netid verify` finds flows from outside open, admitted by exactly
// that rule.
func TestLayoutPerWorkloadProofNamesRule(t *testing.T) {
	out, err := os.ReadFile("testdata/identity-shared-serviceaccount-istio/output.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items, fc := readList(t, out)
	for _, n := range items {
		if n.GetKind() != "NetworkPolicy" || n.GetName() != "ratings-flows" {
			continue
		}
		peer, err := n.Pipe(yaml.Lookup("spec", "ingress"))
		if err != nil {
			t.Fatal(err)
		}
		rules, _ := peer.Elements()
		if err := rules[1].PipeE(yaml.SetField("from", yaml.MustParse("[{ipBlock: {cidr: 0.0.0.0/0}}]"))); err != nil {
			t.Fatal(err)
		}
	}
	v := Verify(items, fc)
	var via []string
	for _, m := range v.Mismatches {
		if m.Allowed && !m.Expected {
			via = append(via, m.Via...)
		}
	}
	if len(via) == 0 {
		t.Fatalf("verify found no undeclared open flow after widening ratings-flows spec.ingress[1]: %+v", v.Mismatches)
	}
	for _, r := range via {
		if strings.Contains(r, ": ") {
			continue // another layer's rule (the mesh's), which the proof names too
		}
		if r != "shop/ratings-flows spec.ingress[1]" {
			t.Errorf("an undeclared flow is admitted by %q, want only shop/ratings-flows spec.ingress[1]", r)
		}
	}
}

// A workload whose rules' peers and reasons would pass
// v1alpha1.MaxRuleAnnotations gets a second policy, web-flows-2, numbered
// from rule 0 again, so that no annotation nears the API server's limit.
func TestLayoutPerWorkloadSplitsLargeAnnotations(t *testing.T) {
	var egress strings.Builder
	for i := range 80 {
		fmt.Fprintf(&egress, "    - {to: {cidr: 10.0.%d.0/24}, ports: [443], reason: \"%03d %s\"}\n", i, i, strings.Repeat("r", 1000))
	}
	input := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        serviceAccountName: web
        securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
        containers: [{name: web, image: example.com/web:1.0, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
functionConfig:
  apiVersion: netid.dev/v1alpha1
  kind: NetworkIdentity
  metadata: {name: web, namespace: shop}
  spec:
    mesh: {provider: none, eastWest: "TLS in the app"}
    egress:
` + egress.String()
	items, _ := readList(t, renderOK(t, []byte(input)))
	rules := map[string]int{}
	for _, n := range items {
		if n.GetKind() != "NetworkPolicy" || !strings.HasPrefix(n.GetName(), "web-flows") {
			continue
		}
		a := n.GetAnnotations()
		if size := len(a[v1alpha1.PeerAnnotation]) + len(a[v1alpha1.ReasonAnnotation]); size > v1alpha1.MaxRuleAnnotations {
			t.Errorf("%s: %d bytes of peer and reason annotations, over %d", n.GetName(), size, v1alpha1.MaxRuleAnnotations)
		}
		eg, err := n.Pipe(yaml.Lookup("spec", "egress"))
		if err != nil || eg == nil {
			t.Fatalf("%s: no spec.egress", n.GetName())
		}
		es, _ := eg.Elements()
		rules[n.GetName()] = len(es)
		if last := v1alpha1.RuleAnnotation(a[v1alpha1.ReasonAnnotation], "egress", len(es)-1); !strings.HasSuffix(last, strings.Repeat("r", 1000)) {
			t.Errorf("%s: no reason for its last rule, egress[%d]", n.GetName(), len(es)-1)
		}
	}
	if len(rules) != 2 || rules["web-flows"]+rules["web-flows-2"] != 80 || rules["web-flows-2"] == 0 {
		t.Errorf("rules per policy %v, want web-flows and web-flows-2 holding the 80 flows", rules)
	}
}
