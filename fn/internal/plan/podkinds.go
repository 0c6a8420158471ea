package plan

import (
	"fmt"
	"slices"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
)

// selectable refuses a workload whose pods no selector picks out: a Job,
// CronJob or Pod without pod labels (and without a selector of its own).
// netid's policies, and its peers' policies, select pods by label.
func (p *planner) selectable(w *load.Workload, cfg finding.Object, path string) bool {
	if w.Selector != nil {
		return true
	}
	where := "metadata.labels"
	if t := w.PodKind.TemplatePath(); t != "" {
		where = t + ".metadata.labels"
	}
	p.errorf(cfg, path, "%s has no pod labels (%s): netid's NetworkPolicies select a workload's pods by their labels; give its pods a label of their own", w.Object, where)
	return false
}

// rolloutRef is the Rollout with spec.workloadRef answering to name in ns,
// or nil.
func (p *planner) rolloutRef(name, ns string) *load.RolloutRef {
	for _, r := range p.m.RolloutRefs {
		if r.Object.Name == name && (ns == "" || r.Object.Namespace == ns) {
			return r
		}
	}
	return nil
}

// ambiguity explains several workloads answering to one name: in several
// namespaces, the config names one; within one namespace, two pod-bearing
// kinds share the name, which netid refuses, since what it generates for a
// workload (ServiceAccount, policy names, the netid.dev/workload label) and
// the findings it attributes to one are named by namespace and name.
func ambiguity(found []*load.Workload) string {
	var names []string
	nss := map[string]bool{}
	for _, w := range found {
		names = append(names, w.Object.String())
		nss[w.Namespace()] = true
	}
	slices.Sort(names)
	if len(nss) > 1 {
		return strings.Join(names, ", ") + "; set metadata.namespace (or the peer's namespace)"
	}
	return fmt.Sprintf("%s share a name in one namespace; netid names what it generates for a workload, and attributes findings to it, by namespace and name: rename one", strings.Join(names, " and "))
}

// ungoverned lists the workloads no NetworkIdentity governs, by namespace,
// name and kind: the report lists them, and the rules judge them like any
// other (Pod Security at their namespace's level, default-deny, ServiceAccount).
func (p *planner) ungoverned() []*load.Workload {
	var out []*load.Workload
	for _, w := range p.m.Workloads {
		if p.byWl[w] == nil {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b *load.Workload) int {
		return strings.Compare(a.Namespace()+"/"+a.Name()+"/"+a.Kind(), b.Namespace()+"/"+b.Name()+"/"+b.Kind())
	})
	return out
}
