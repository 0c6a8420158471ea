package report

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/plan"
)

// ungoverned lists the pod-bearing objects no NetworkIdentity governs (in
// namespaces netid does not govern). netid generates nothing for them and
// patches nothing in them, but its rules judge them like every other
// workload: Pod Security at their namespace's enforce level (restricted
// when the render has no Namespace for it), default-deny, ServiceAccount.
// Nothing is written when there are none.
func ungoverned(b *strings.Builder, p *plan.Plan) {
	if len(p.Ungoverned) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Workloads not governed\n\nNo NetworkIdentity declares these; netid generated nothing for them and changed nothing in them. "+
		"The rules judged them like every other workload (Pod Security at their namespace's level, default-deny, ServiceAccount).\n\n")
	b.WriteString("| Workload | Kind | Pod template |\n|---|---|---|\n")
	for _, w := range p.Ungoverned {
		where := w.PodKind.TemplatePath()
		if where == "" {
			where = "the Pod itself"
		} else {
			where = code(where)
		}
		b.WriteString(row(text(w.Namespace()+"/"+w.Name()), text(w.Kind()), where))
	}
}
