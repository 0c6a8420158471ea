package rbac

import (
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Rule is one line of `kubectl auth can-i --list`. Resources are printed
// "resource.group", a bare name for the core group, with a subresource after
// a slash ("pods/log", "deployments.apps/scale", "*.*" for every resource
// of every group). A line lists either one resource (with at most one name)
// and its verbs, or one non-resource URL and one verb.
//
// Example: {Resources: ["configmaps"], ResourceNames: ["app-config"], Verbs: ["get", "watch"]}.
type Rule struct {
	// Resources is the resource of the line, e.g. ["leases.coordination.k8s.io"].
	Resources []string `json:"resources,omitempty"`
	// NonResourceURLs is the URL of the line, e.g. ["/healthz"] or ["/api/*"].
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
	// ResourceNames narrows Resources to these names; empty means every name.
	ResourceNames []string `json:"resourceNames,omitempty"`
	// Verbs are the verbs granted, sorted, e.g. ["get", "list", "watch"]; "*" is every verb.
	Verbs []string `json:"verbs"`
}

// piece is one permission as kubectl's BreakdownRule leaves it: one verb on
// one (group, resource, name) or on one non-resource URL.
type piece struct {
	url             bool
	path            string // the non-resource URL, when url
	group, resource string // resource may carry "/subresource"
	named           bool   // name applies; otherwise every name
	name            string
	verb            string
}

// line is a line of the list before it is rendered as a Rule.
type line struct {
	piece          // verb unused
	verbs []string // sorted, without duplicates
}

// piecesOf breaks PolicyRules down as kubectl's BreakdownRule does: groups ×
// resources × verbs × names, then URLs × verbs. A resource rule without
// apiGroups or verbs yields nothing, as it grants nothing.
func piecesOf(rules []rbacv1.PolicyRule) []piece {
	var out []piece
	for _, r := range rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				out = appendResourcePieces(out, g, res, r.ResourceNames, r.Verbs)
			}
		}
		out = appendURLPieces(out, r.NonResourceURLs, r.Verbs)
	}
	return out
}

// piecesOfRules breaks Rules down into pieces, reading resources back from
// their printed form.
func piecesOfRules(rules []Rule) []piece {
	var out []piece
	for _, r := range rules {
		for _, printed := range r.Resources {
			g, res := parseResource(printed)
			out = appendResourcePieces(out, g, res, r.ResourceNames, r.Verbs)
		}
		out = appendURLPieces(out, r.NonResourceURLs, r.Verbs)
	}
	return out
}

func appendResourcePieces(out []piece, group, resource string, names, verbs []string) []piece {
	for _, v := range verbs {
		if len(names) == 0 {
			out = append(out, piece{group: group, resource: resource, verb: v})
			continue
		}
		for _, n := range names {
			out = append(out, piece{group: group, resource: resource, named: true, name: n, verb: v})
		}
	}
	return out
}

func appendURLPieces(out []piece, urls, verbs []string) []piece {
	for _, u := range urls {
		for _, v := range verbs {
			out = append(out, piece{url: true, path: u, verb: v})
		}
	}
	return out
}

// compact merges pieces as kubectl's CompactRules does and orders the lines
// as its SortableRuleSlice does. Resource pieces with the same group,
// resource and name become one line; URL pieces stay one line each (kubectl
// only merges "simple" rules, and a rule with a URL is never simple).
func compact(pieces []piece) []line {
	var lines []line
	index := map[piece]int{}
	for _, p := range pieces {
		if p.url {
			lines = append(lines, line{piece: piece{url: true, path: p.path}, verbs: []string{p.verb}})
			continue
		}
		k := p
		k.verb = ""
		i, ok := index[k]
		if !ok {
			i = len(lines)
			index[k] = i
			lines = append(lines, line{piece: k})
		}
		if !slices.Contains(lines[i].verbs, p.verb) {
			lines[i].verbs = append(lines[i].verbs, p.verb)
		}
	}
	keys := make([]string, len(lines))
	for i := range lines {
		sort.Strings(lines[i].verbs)
		keys[i] = lines[i].sortKey()
	}
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ka, kb := keys[order[a]], keys[order[b]]
		if ka != kb {
			return ka < kb
		}
		// Only a name "" and no name share a key: print the unnamed first.
		return !lines[order[a]].named && lines[order[b]].named
	})
	out := make([]line, len(lines))
	for i, j := range order {
		out[i] = lines[j]
	}
	return out
}

// sortKey is what kubectl's SortableRuleSlice compares: the generated
// String() of the line as an rbacv1.PolicyRule, which starts with the verbs
// ("&PolicyRule{Verbs:[get list],APIGroups:[apps],..."). Hence "[*]" lines
// come first and "[get list]" sorts before "[get]".
func (l line) sortKey() string {
	r := rbacv1.PolicyRule{Verbs: l.verbs}
	if l.url {
		r.NonResourceURLs = []string{l.path}
	} else {
		r.APIGroups = []string{l.group}
		r.Resources = []string{l.resource}
		if l.named {
			r.ResourceNames = []string{l.name}
		}
	}
	return r.String()
}

// rule renders a line as kubectl prints it.
func (l line) rule() Rule {
	verbs := slices.Clone(l.verbs)
	if l.url {
		return Rule{NonResourceURLs: []string{l.path}, Verbs: verbs}
	}
	r := Rule{Resources: []string{printResource(l.group, l.resource)}, Verbs: verbs}
	if l.named {
		r.ResourceNames = []string{l.name}
	}
	return r
}

func render(lines []line) []Rule {
	out := make([]Rule, 0, len(lines))
	for _, l := range lines {
		out = append(out, l.rule())
	}
	return out
}

// printResource is kubectl's describe.CombineResourceGroup for one resource:
// "resource.group/subresource", the group left out when it is the core group.
func printResource(group, resource string) string {
	res, sub, hasSub := strings.Cut(resource, "/")
	if group != "" {
		res += "." + group
	}
	if hasSub {
		res += "/" + sub
	}
	return res
}

// parseResource reads printResource's output back. Resource names have no
// dots and groups no slashes, so the first dot ends the resource and the
// first slash starts the subresource. A resource written with a dot in a
// PolicyRule (which matches no real resource) is read back in another group.
func parseResource(printed string) (group, resource string) {
	main, sub, hasSub := strings.Cut(printed, "/")
	resource, group, _ = strings.Cut(main, ".")
	if hasSub {
		resource += "/" + sub
	}
	return group, resource
}

// FromPolicyRules lists rbac/v1 PolicyRules as Effective would list them if a
// ServiceAccount were granted exactly these rules by a ClusterRoleBinding.
// It never returns nil.
//
// Example: [{apiGroups: [""], resources: [pods, pods/log], verbs: [list, get]}]
// gives pods [get list] and pods/log [get list].
func FromPolicyRules(rules []rbacv1.PolicyRule) []Rule {
	return render(compact(piecesOf(rules)))
}

// Normalize merges and orders Rules again as kubectl would print them: each
// Rule is broken into one verb on one resource/name or URL, then merged and
// sorted as Effective's output is. Use it to combine lists, e.g.
// Normalize(append(set.Effective(ns, sa), BootstrapRules()...)) is what a
// real API server's `kubectl auth can-i --list` prints (verbs sorted), or to
// bring a parsed kubectl output into the same form. It never returns nil.
func Normalize(rules []Rule) []Rule {
	return render(compact(piecesOfRules(rules)))
}
