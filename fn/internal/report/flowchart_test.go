package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
)

func TestMermaidText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"shop/cart (Deployment)", `"shop/cart (Deployment)"`},
		{"pods {app.kubernetes.io/name=gateway}", `"pods {app.kubernetes.io/name=gateway}"`},
		{`a"b`, `"a#34;b"`},
		{"x[y]", `"x#91;y#93;"`},
		{"a|b", `"a#124;b"`},
		{"#quot;", `"#35;quot#59;"`},
		{"<b>&amp;", `"#60;b#62;#38;amp#59;"`},
		{"`md` %% c", `"#96;md#96; #37;#37; c"`},
		{"line\nbreak", `"line break"`},
		{"evil\u202e", `"evil#92;u202e"`},
		{"café", `"café"`},
	} {
		if got := mermaidText(tc.in); got != tc.want {
			t.Errorf("mermaidText(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func cartPlan(t *testing.T) *plan.Plan {
	t.Helper()
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
	return p
}

// diagram returns the report's Mermaid block, "" if none.
func diagram(md string) string {
	_, after, ok := strings.Cut(md, "```mermaid\n")
	if !ok {
		return ""
	}
	block, _, _ := strings.Cut(after, "```\n")
	return block
}

// mermaidLine is every line netid writes in the block: the header, a
// subgraph with a quoted title, its end, a node with a quoted label in one of
// the shapes used, an edge with an optional quoted label. A quoted string
// holds no quote.
var mermaidLine = regexp.MustCompile(`^(flowchart LR|  subgraph ns\d+\["[^"]*"\]|  end|(    |  )n\d+(\["[^"]*"\]|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\})|  n\d+ -->(\|"[^"]*"\|)? n\d+)$`)

func TestFlowchart(t *testing.T) {
	p := cartPlan(t)
	hostile := "x\"]) --> n0\n%% ```\u202e [<b>](y)|#quot;"
	for _, f := range p.Flows {
		if f.To.CIDR == "203.0.113.0/24" {
			f.To = plan.Endpoint{Kind: plan.KindFQDN, FQDN: hostile}
		}
	}
	block := diagram(Markdown(p, Proofs{}, nil))
	if block == "" {
		t.Fatal("the report has no mermaid block")
	}
	for _, want := range []string{
		"  subgraph ns0[\"namespace shop\"]\n    n2[\"cart (Deployment)\"]\n  end\n",
		"  n0{{\"198.51.100.0/24\"}}\n",
		"  n2 -->|\"443/TCP\"| n0\n",
		"  n2 -->|\"443/TCP\"| n1\n",
	} {
		if !strings.Contains(block, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, block)
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if !mermaidLine.MatchString(line) {
			t.Errorf("line %d is not one netid writes, so user text escaped its label: %q", i+1, line)
		}
	}
	for _, raw := range []string{"```", "\u202e", "<b>", "#quot;", "%%"} {
		if strings.Contains(block, raw) {
			t.Errorf("the diagram contains %q raw:\n%s", raw, block)
		}
	}
}

func TestFlowchartCap(t *testing.T) {
	for _, tc := range []struct {
		extra int
		drawn bool
	}{{maxDiagramNodes - 3, true}, {maxDiagramNodes - 2, false}} {
		// the cart plan has 3 nodes: cart and two address blocks
		p := cartPlan(t)
		from := p.Flows[0].From
		for i := range tc.extra {
			p.Flows = append(p.Flows, &plan.Flow{From: from, To: plan.Endpoint{Kind: plan.KindCIDR, CIDR: fmt.Sprintf("10.%d.0.0/16", i)},
				Ports: p.Flows[0].Ports})
		}
		md := Markdown(p, Proofs{}, nil)
		if got := diagram(md) != ""; got != tc.drawn {
			t.Errorf("%d nodes: drawn %v, want %v", 3+tc.extra, got, tc.drawn)
		}
		note := fmt.Sprintf("%d workloads and peers are more than the diagram draws (at most %d)", 3+tc.extra, maxDiagramNodes)
		if strings.Contains(md, note) == tc.drawn {
			t.Errorf("%d nodes: the note %q present: %v, want %v", 3+tc.extra, note, !tc.drawn, !tc.drawn)
		}
	}
}
