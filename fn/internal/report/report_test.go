package report

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/krm/v1alpha1"
)

const cart = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, image: example.com/cart:1.0}]}
---
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop, annotations: {config.kubernetes.io/local-config: "true"}}
spec:
  egress:
  - to: {cidr: 203.0.113.0/24}
    ports: [{port: 443, protocol: TCP}]
    reason: "set below"
  - to: {cidr: 198.51.100.0/24}
    ports: [{port: 443, protocol: TCP}]
    reason: "card network API (v2): retries=3, 50% of traffic; see ADR-0042 & the runbook's step_two"
  identity:
    rules:
    - {apiGroups: [""], resources: [configmaps], resourceNames: [cart-config], verbs: [get], reason: "set below"}
  exceptions:
  - {rule: rbac-no-wildcard, adr: ADR-0042, reason: "set below"}
  mesh: {provider: none, eastWest: "set below"}
`

// TestMarkdownEscapesUserText renders a report in which every reason, the
// exception and the east-west decision carry hostile text, set on the Plan
// after loading (validation may refuse some of it in a NetworkIdentity; the
// report must not rely on that), and a resource name of the RBAC review
// carries a code fence. Each must come out inert, and a plain reason as
// written.
func TestMarkdownEscapesUserText(t *testing.T) {
	nodes, err := kio.ParseAll(cart)
	if err != nil {
		t.Fatal(err)
	}
	m, fs := load.Load(nodes, nil)
	if fs.HasErrors() {
		t.Fatalf("load: %v", fs)
	}
	p, fs := plan.Make(m)
	if fs.HasErrors() {
		t.Fatalf("plan: %v", fs)
	}
	wl := p.Workloads[0]
	for _, f := range p.Flows {
		if f.To.CIDR == "203.0.113.0/24" {
			f.CallerReason = hostile
		}
	}
	wl.Spec.Identity.Rules[0].Reason = hostile
	wl.Spec.Exceptions[0].Reason = hostile
	wl.Spec.Mesh.EastWest = hostile
	md := Markdown(p, Proofs{RBAC: map[string][]rbac.Rule{
		"shop/cart": rbac.FromPolicyRules([]rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"},
			ResourceNames: []string{"x```\n# pwned\u202e"}, Verbs: []string{"get"}}}),
	}}, nil)

	inert := `&lt;script>alert(1)&lt;/script> [x\](http://evil) a\|b \` + "`id\\`" + ` \*bold\* \u202eevil`
	for _, want := range []string{
		// Allowed flows: the hostile reason, then the plain one as written.
		"| **shop/cart** | 203.0.113.0/24 (cidr) | 443/TCP | " + inert + " | `cart-flows spec.egress[1]` | NetworkIdentity/shop/cart spec.egress[0] |\n",
		"| **shop/cart** | 198.51.100.0/24 (cidr) | 443/TCP | card network API (v2): retries=3, 50% of traffic; see ADR-0042 & the runbook's step_two | `cart-flows spec.egress[0]` | NetworkIdentity/shop/cart spec.egress[1] |\n",
		// Identities and RBAC, mTLS posture, exceptions, handoffs.
		"| shop/cart (Deployment) | `shop/cart` | no | Role: `get configmaps (core) named cart-config` | " + inert + " |\n",
		"| shop/cart (Deployment) | none | - | " + inert + " |\n",
		"| shop/cart (Deployment) | `rbac-no-wildcard` | ADR-0042 | " + inert + " |\n",
		"- East-west encryption for shop/cart (Deployment): " + strings.ReplaceAll(inert, `a\|b`, "a|b") + "\n",
		// The RBAC review: a longer fence, the line break and the RLO visible.
		"### shop/cart\n\n````\nResources    Non-Resource URLs   Resource Names         Verbs\nconfigmaps   []                  [x``` # pwned\\u202e]   [get]\n````\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks\n%s\nreport:\n%s", want, md)
		}
	}
	for _, raw := range []string{"<script", "[x](http", "*bold*", "\u202e", "\n# pwned"} {
		if strings.Contains(md, raw) {
			t.Errorf("report contains %q raw", raw)
		}
	}
}

// TestMarkdownPlainTextUnchanged checks that text with nothing to escape is
// printed as written (the golden cases hold whole reports).
func TestMarkdownPlainTextUnchanged(t *testing.T) {
	nodes, err := kio.ParseAll(cart)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := load.Load(nodes, nil)
	p, _ := plan.Make(m)
	p.Workloads[0].Spec.Mesh = &v1alpha1.Mesh{Provider: v1alpha1.MeshNone, EastWest: "WireGuard node-to-node encryption (Cilium), per ADR-0007"}
	md := Markdown(p, Proofs{}, nil)
	want := "| shop/cart (Deployment) | none | - | WireGuard node-to-node encryption (Cilium), per ADR-0007 |\n"
	if !strings.Contains(md, want) {
		t.Errorf("report lacks\n%s\nreport:\n%s", want, md)
	}
}
