package plan_test

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/plan"
)

// withSA is dep(name, ns) whose pod template names ServiceAccount sa in
// field (serviceAccountName or the deprecated serviceAccount).
func withSA(name, ns, field, sa string) string {
	return strings.Replace(dep(name, ns, ""), "      containers:\n", "      "+field+": "+sa+"\n      containers:\n", 1)
}

func TestServiceAccountFromTemplate(t *testing.T) {
	cases := []struct {
		name, doc, spec string
		// want is the ServiceAccount; inherited and replaces as planned.
		want, replaces string
		inherited      bool
		// field and msg of the one finding expected; "" for none.
		field, msg string
	}{
		{name: "no template ServiceAccount: the workload's name", doc: dep("cart", "shop", ""), want: "cart"},
		{name: "template default: the workload's name", doc: withSA("cart", "shop", "serviceAccountName", "default"), want: "cart"},
		{name: "template default, declared", doc: withSA("cart", "shop", "serviceAccountName", "default"), spec: "  identity: {serviceAccount: cart-sa}\n", want: "cart-sa"},
		{name: "template ServiceAccount inherited", doc: withSA("cart", "shop", "serviceAccountName", "legacy"), want: "legacy", inherited: true},
		{name: "deprecated serviceAccount inherited", doc: withSA("cart", "shop", "serviceAccount", "legacy"), want: "legacy", inherited: true},
		{name: "declared and matching the template", doc: withSA("cart", "shop", "serviceAccountName", "legacy"), spec: "  identity: {serviceAccount: legacy}\n", want: "legacy"},
		{name: "declared and differing: refused naming both", doc: withSA("cart", "shop", "serviceAccountName", "legacy"), spec: "  identity: {serviceAccount: cart-sa}\n",
			want: "cart-sa", field: "spec.identity.serviceAccount", msg: `names ServiceAccount "cart-sa", but the pod template of Deployment/shop/cart runs as "legacy"`},
		{name: "replaces the template's", doc: withSA("cart", "shop", "serviceAccountName", "legacy"), spec: "  identity: {serviceAccount: cart-sa, replaces: legacy}\n",
			want: "cart-sa", replaces: "legacy"},
		{name: "replaces, default the workload's name", doc: withSA("cart", "shop", "serviceAccountName", "legacy"), spec: "  identity: {replaces: legacy}\n",
			want: "cart", replaces: "legacy"},
		{name: "replaces after an earlier render moved the template", doc: withSA("cart", "shop", "serviceAccountName", "cart-sa"), spec: "  identity: {serviceAccount: cart-sa, replaces: legacy}\n",
			want: "cart-sa", replaces: "legacy"},
		{name: "replaces another than the template's", doc: withSA("cart", "shop", "serviceAccountName", "other"), spec: "  identity: {serviceAccount: cart-sa, replaces: legacy}\n",
			want: "cart-sa", field: "spec.identity.replaces", msg: `replaces ServiceAccount "legacy", but the pod template of Deployment/shop/cart names ServiceAccount "other"`},
		{name: "replaces with no template ServiceAccount", doc: dep("cart", "shop", ""), spec: "  identity: {serviceAccount: cart-sa, replaces: legacy}\n",
			want: "cart-sa", field: "spec.identity.replaces", msg: "names no ServiceAccount of its own"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, fs := makePlan(t, c.doc, ni("cart", "shop", c.spec))
			if c.field == "" {
				if len(fs) > 0 {
					t.Fatalf("findings: %v", fs)
				}
			} else if len(fs) != 1 || fs[0].Field != c.field || fs[0].Object.Name != "cart" || !strings.Contains(fs[0].Message, c.msg) {
				t.Fatalf("findings = %v, want one on %s containing %q", fs, c.field, c.msg)
			}
			w := workload(t, p, "shop", "cart")
			if w.ServiceAccount != c.want || w.Replaces != c.replaces || w.Inherited != c.inherited {
				t.Errorf("ServiceAccount %q replaces %q inherited %t; want %q, %q, %t", w.ServiceAccount, w.Replaces, w.Inherited, c.want, c.replaces, c.inherited)
			}
		})
	}
}

func TestSharedServiceAccount(t *testing.T) {
	rule := "    - {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n"
	other := "    - {apiGroups: [\"\"], resources: [secrets], resourceNames: [k], verbs: [get]}\n"
	t.Run("declared by both, identical rules in another order: shared", func(t *testing.T) {
		p := mustPlan(t, dep("a", "shop", ""), dep("b", "shop", ""), dep("c", "shop", ""),
			ni("a", "shop", "  identity:\n    serviceAccount: shared\n    rules:\n"+rule+other),
			ni("b", "shop", "  identity:\n    serviceAccount: shared\n    rules:\n"+other+rule),
			ni("c", "shop", ""))
		a, b, c := workload(t, p, "shop", "a"), workload(t, p, "shop", "b"), workload(t, p, "shop", "c")
		if len(a.Sharing) != 2 || a.Sharing[0] != a || a.Sharing[1] != b || len(b.Sharing) != 2 || c.Sharing != nil {
			t.Errorf("sharing: a %v, b %v, c %v", a.Sharing, b.Sharing, c.Sharing)
		}
		if !a.EmitsIdentity() || b.EmitsIdentity() || !c.EmitsIdentity() {
			t.Errorf("emits identity: a %t, b %t, c %t; want true, false, true", a.EmitsIdentity(), b.EmitsIdentity(), c.EmitsIdentity())
		}
	})
	t.Run("inherited from both templates", func(t *testing.T) {
		p := mustPlan(t, withSA("v1", "shop", "serviceAccountName", "reviews"), withSA("v2", "shop", "serviceAccountName", "reviews"),
			ni("v1", "shop", ""), ni("v2", "shop", ""))
		if w := workload(t, p, "shop", "v2"); w.ServiceAccount != "reviews" || len(w.Sharing) != 2 {
			t.Errorf("v2: ServiceAccount %q, sharing %d", w.ServiceAccount, len(w.Sharing))
		}
	})
	t.Run("one name in two namespaces is two identities", func(t *testing.T) {
		p := mustPlan(t, dep("a", "shop", ""), dep("a", "store", ""), ni("a", "shop", ""), ni("a", "store", ""))
		if w := workload(t, p, "shop", "a"); w.Sharing != nil {
			t.Errorf("sharing %v", w.Sharing)
		}
	})
	t.Run("different rules: refused showing the difference", func(t *testing.T) {
		_, fs := makePlan(t, dep("a", "shop", ""), dep("b", "shop", ""),
			ni("a", "shop", "  identity:\n    serviceAccount: shared\n    rules:\n"+rule),
			ni("b", "shop", "  identity:\n    serviceAccount: shared\n    rules:\n"+other))
		if len(fs) != 1 || fs[0].Object.Name != "b" || fs[0].Field != "spec.identity" {
			t.Fatalf("findings = %v", fs)
		}
		for _, want := range []string{"ServiceAccount shop/shared is also the identity of Deployment/shop/a",
			`rules: shop/b has {"verbs":["get"],"apiGroups":[""],"resources":["secrets"],"resourceNames":["k"]} that shop/a lacks`,
			`rules: shop/a has {"verbs":["get"],"apiGroups":[""],"resources":["configmaps"]} that shop/b lacks`} {
			if !strings.Contains(fs[0].Message, want) {
				t.Errorf("message %q lacks %q", fs[0].Message, want)
			}
		}
	})
	t.Run("a cluster rule's reason and automountToken count", func(t *testing.T) {
		cr := func(reason string) string {
			return "    clusterRules:\n    - {apiGroups: [\"\"], resources: [nodes], verbs: [get], reason: " + reason + "}\n"
		}
		_, fs := makePlan(t, dep("a", "shop", ""), dep("b", "shop", ""),
			ni("a", "shop", "  identity:\n    serviceAccount: shared\n"+cr("x")),
			ni("b", "shop", "  identity:\n    serviceAccount: shared\n    automountToken: true\n"+cr("y")))
		if len(fs) != 1 {
			t.Fatalf("findings = %v", fs)
		}
		for _, want := range []string{"automountToken is true for shop/b and false for shop/a", `(reason "y") that shop/a lacks`, `(reason "x") that shop/b lacks`} {
			if !strings.Contains(fs[0].Message, want) {
				t.Errorf("message %q lacks %q", fs[0].Message, want)
			}
		}
	})
}

// The pod template's ServiceAccount is found with the same precedence as the
// API server's: serviceAccountName over the deprecated serviceAccount.
func TestTemplateServiceAccount(t *testing.T) {
	p := mustPlan(t, strings.Replace(withSA("cart", "shop", "serviceAccountName", "new"), "      containers:\n", "      serviceAccount: old\n      containers:\n", 1), ni("cart", "shop", ""))
	w := workload(t, p, "shop", "cart")
	if name, field := plan.TemplateServiceAccount(w.Source); name != "new" || field != "spec.template.spec.serviceAccountName" {
		t.Errorf("TemplateServiceAccount = %q, %q", name, field)
	}
}
