package plan

import (
	"encoding/json"
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/krm/v1alpha1"
)

// TemplateServiceAccount is the ServiceAccount a workload's pod template
// names: spec.serviceAccountName, else the deprecated spec.serviceAccount
// (the API server reads it the same way), with the field it came from; ""
// when it names none or "default".
func TemplateServiceAccount(w *load.Workload) (name, field string) {
	spec := w.Template.Spec
	name, field = spec.ServiceAccountName, w.PodKind.SpecField("serviceAccountName")
	if name == "" {
		name, field = spec.DeprecatedServiceAccount, w.PodKind.SpecField("serviceAccount")
	}
	if name == "default" {
		return "", ""
	}
	return name, field
}

// serviceAccount sets the workload's identity. Cloud IAM bindings and mesh
// principals name a ServiceAccount, so the one the pod template already runs
// as is kept: it is the default, and declaring another one is refused unless
// spec.identity.replaces names the template's.
func (p *planner) serviceAccount(w *Workload) {
	id := w.Spec.Identity
	tmpl, tmplField := TemplateServiceAccount(w.Source)
	declared := id.ServiceAccount
	switch {
	case id.Replaces != "":
		if declared == "" {
			declared = w.Source.Name()
		}
		w.ServiceAccount = declared
		switch tmpl {
		case id.Replaces, declared:
			// declared: an earlier render (kpt writes it back) already moved
			// the template; the old ServiceAccount is still reported.
			w.Replaces = id.Replaces
		default:
			now := "names no ServiceAccount of its own"
			if tmpl != "" {
				now = fmt.Sprintf("names ServiceAccount %q (%s)", tmpl, tmplField)
			}
			p.errorf(w.Identity.Object, "spec.identity.replaces", "replaces ServiceAccount %q, but the pod template of %s%s %s; name the ServiceAccount it runs as now, or remove replaces",
				id.Replaces, w.Source.Object, fileOf(w.Source), now)
		}
	case tmpl == "":
		w.ServiceAccount = declared
		if declared == "" {
			w.ServiceAccount = w.Source.Name()
		}
	case declared == "" || declared == tmpl:
		w.ServiceAccount, w.Inherited = tmpl, declared == ""
	default:
		w.ServiceAccount = declared
		p.errorf(w.Identity.Object, "spec.identity.serviceAccount",
			"names ServiceAccount %q, but the pod template of %s%s runs as %q (%s): moving the workload to another ServiceAccount breaks the cloud IAM bindings and mesh principals of %q; "+
				"remove spec.identity.serviceAccount (or set it to %q) to keep it, or add spec.identity.replaces: %s to take over from it",
			declared, w.Source.Object, fileOf(w.Source), tmpl, tmplField, tmpl, tmpl, tmpl)
	}
}

// fileOf is " (file)" when the object has one.
func fileOf(w *load.Workload) string {
	if w.Object.File == "" {
		return ""
	}
	return " (" + w.Object.File + ")"
}

// sharedIdentities groups the workloads of a namespace that run as one
// ServiceAccount (versions or canaries of one app often do, on purpose). It
// is emitted once, so they share its permissions: their declared RBAC and
// token automount must be identical, or the render is refused showing the
// difference.
func (p *planner) sharedIdentities(ws []*Workload) {
	groups := map[string][]*Workload{}
	var keys []string
	for _, w := range ws {
		k := w.Namespace() + "/" + w.ServiceAccount
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], w)
	}
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		first := g[0]
		ok := true
		for _, w := range g[1:] {
			ok = p.sameIdentity(k, first, w) && ok
		}
		if !ok {
			continue
		}
		for _, w := range g {
			w.Sharing = g
		}
	}
}

// sameIdentity refuses w when its declared RBAC differs from first's, naming
// each rule one has and the other lacks.
func (p *planner) sameIdentity(sa string, first, w *Workload) bool {
	a, b := first.Spec.Identity, w.Spec.Identity
	var diffs []string
	if *a.AutomountToken != *b.AutomountToken {
		diffs = append(diffs, fmt.Sprintf("automountToken is %t for %s and %t for %s", *b.AutomountToken, wlKey(w), *a.AutomountToken, wlKey(first)))
	}
	diffs = append(diffs, ruleDiff("rules", first, w, false)...)
	diffs = append(diffs, ruleDiff("clusterRules", first, w, true)...)
	if len(diffs) == 0 {
		return true
	}
	p.errorf(w.Identity.Object, "spec.identity", "ServiceAccount %s is also the identity of %s (%s); workloads sharing a ServiceAccount share its permissions, so they must declare the same identity: %s",
		sa, first.Source.Object, first.Identity.Object, strings.Join(diffs, "; "))
	return false
}

// ruleDiff lists the rules only one of the two declarations has, e.g.
// `rules: shop/b has {"verbs":["get"],…} that shop/a lacks`. The order of the
// rules does not matter; a cluster rule's reason does, as it is written on
// the ClusterRole.
func ruleDiff(field string, a, b *Workload, withReason bool) []string {
	key := func(r v1alpha1.Rule) string {
		j, _ := json.Marshal(r.PolicyRule)
		s := string(j)
		if withReason {
			s += fmt.Sprintf(" (reason %q)", r.Reason)
		}
		return s
	}
	rulesOf := func(w *Workload) []v1alpha1.Rule {
		if field == "clusterRules" {
			return w.Spec.Identity.ClusterRules
		}
		return w.Spec.Identity.Rules
	}
	var out []string
	only := func(has, lacks *Workload) {
		left := map[string]int{}
		for _, r := range rulesOf(lacks) {
			left[key(r)]++
		}
		for _, r := range rulesOf(has) {
			k := key(r)
			if left[k] > 0 {
				left[k]--
				continue
			}
			out = append(out, fmt.Sprintf("%s: %s has %s that %s lacks", field, wlKey(has), k, wlKey(lacks)))
		}
	}
	only(b, a)
	only(a, b)
	return out
}
