package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"netid.dev/netid/fn/internal/plan"
)

// maxDiagramNodes caps the flow diagram: past it a flowchart is a hairball
// that Mermaid renders slowly (GitHub gives up on large ones), and the
// *Allowed flows* table says the same in rows.
const maxDiagramNodes = 60

// flowchart writes the "Flow diagram" section: a Mermaid flowchart of the
// governed workloads and the declared peers of every allowed flow, the
// workloads and pods grouped by namespace (one subgraph each), address
// blocks and DNS names outside, and one edge per caller and callee labelled
// with the callee's ports. Node and subgraph IDs are generated (n0, ns0…),
// never user text; every label is quoted with mermaidText.
func flowchart(b *strings.Builder, p *plan.Plan) {
	type node struct {
		id, label, shape string
	}
	nodes := map[string]*node{}   // by endpoint key
	byNS := map[string][]string{} // namespace → endpoint keys
	var outside []string          // endpoint keys of address blocks and names
	edges := map[[2]string][]string{}
	add := func(e plan.Endpoint) string {
		k := e.Key()
		if _, ok := nodes[k]; ok {
			return k
		}
		n := &node{}
		switch e.Kind {
		case plan.KindWorkload:
			n.label, n.shape = e.Workload.Name()+" ("+e.Workload.Kind()+")", "[%s]"
		case plan.KindPods:
			n.label, n.shape = "pods {"+plan.LabelString(e.Selector.MatchLabels)+"}", "([%s])"
			if e.ServiceAccount != "" {
				n.label += " sa " + e.ServiceAccount
			}
		default:
			n.label, n.shape = e.String(), "{{%s}}"
		}
		nodes[k] = n
		if e.Kind == plan.KindWorkload || e.Kind == plan.KindPods {
			byNS[e.Namespace] = append(byNS[e.Namespace], k)
		} else {
			outside = append(outside, k)
		}
		return k
	}
	for _, w := range p.Workloads {
		add(plan.Endpoint{Kind: plan.KindWorkload, Workload: w.Source, Namespace: w.Namespace()})
	}
	for _, f := range p.Flows {
		pair := [2]string{add(f.From), add(f.To)}
		for _, port := range f.Ports {
			if !slices.Contains(edges[pair], port.String()) {
				edges[pair] = append(edges[pair], port.String())
			}
		}
	}
	b.WriteString("\n## Flow diagram\n\n")
	if len(nodes) == 0 {
		b.WriteString("No workloads and no flows.\n")
		return
	}
	if len(nodes) > maxDiagramNodes {
		fmt.Fprintf(b, "%d workloads and peers are more than the diagram draws (at most %d); *Allowed flows* above lists every flow.\n",
			len(nodes), maxDiagramNodes)
		return
	}
	b.WriteString("Workloads and declared peers, grouped by namespace; an arrow is an allowed flow from caller to callee, labelled with the callee's ports. Everything without an arrow is denied.\n\n")
	b.WriteString("```mermaid\nflowchart LR\n")
	keys := slices.Sorted(maps.Keys(nodes))
	for i, k := range keys {
		nodes[k].id = fmt.Sprintf("n%d", i)
	}
	decl := func(indent, k string) {
		n := nodes[k]
		fmt.Fprintf(b, "%s%s%s\n", indent, n.id, fmt.Sprintf(n.shape, mermaidText(n.label)))
	}
	for i, ns := range slices.Sorted(maps.Keys(byNS)) {
		fmt.Fprintf(b, "  subgraph ns%d[%s]\n", i, mermaidText("namespace "+ns))
		ks := byNS[ns]
		slices.Sort(ks)
		for _, k := range ks {
			decl("    ", k)
		}
		b.WriteString("  end\n")
	}
	slices.Sort(outside)
	for _, k := range outside {
		decl("  ", k)
	}
	pairs := slices.SortedFunc(maps.Keys(edges), func(x, y [2]string) int {
		return strings.Compare(nodes[x[0]].id+" "+nodes[x[1]].id, nodes[y[0]].id+" "+nodes[y[1]].id)
	})
	for _, pr := range pairs {
		arrow := "-->"
		if ports := edges[pr]; len(ports) > 0 {
			arrow = "-->|" + mermaidText(strings.Join(ports, ", ")) + "|"
		}
		fmt.Fprintf(b, "  %s %s %s\n", nodes[pr[0]].id, arrow, nodes[pr[1]].id)
	}
	b.WriteString("```\n")
}

// mermaidText quotes s as a Mermaid string ("..."), in which Mermaid reads
// no shape, link or comment syntax, with every character outside a small
// plain set written as a Mermaid entity code (#NNN;, its decimal code
// point): the quote that would end the string, square brackets, "|"
// that would end an edge label, "#" that would start an entity of the
// user's, "<" and "&" that an HTML label would read, "%" (comments), and
// the backtick that starts Mermaid's Markdown strings or would close the
// report's code fence. Control and bidirectional characters become \uXXXX
// first (visible), as everywhere in the report, so a label never holds a
// line break and reads as the text it is.
func mermaidText(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range visible(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_./:=,@+*~!?'$^(){}", r)) ||
			r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, "#%d;", r)
	}
	b.WriteByte('"')
	return b.String()
}
