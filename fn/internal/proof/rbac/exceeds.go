package rbac

import "strings"

// Exceeds returns the permissions in have that declared does not cover,
// listed as Effective lists them; nil when declared covers everything.
//
// Both lists are taken apart into single permissions (one verb on one
// resource and name, or on one URL), so a have line is covered as soon as
// the declared lines together cover each of its permissions, and what is
// returned is only the uncovered part: have pods [get list watch] against
// declared pods [get list] returns pods [watch]. A declared permission covers
// a have permission when it matches everything the have one can match, with
// the API server's matching (pkg/apis/rbac/v1/evaluation_helpers.go):
//
//   - verb: declared "*" or the same verb;
//   - group: declared "*" or the same group;
//   - resource: declared "*", the same resource, or "*/sub" for a
//     subresource "x/sub"; "x/*" is no wildcard (the API server compares
//     it literally), so it covers only itself, and "*/*" covers it as
//     component-helpers' Covers does;
//   - name: declared without names, or the same name (have without names
//     needs declared without names);
//   - URL: declared "*", the same URL, or a declared "prefix*" the have URL
//     starts with (have "/api/*" is covered by "/api/*" and "/a*", not by "/api").
//
// A wildcard in have is only covered by the same or a wider wildcard:
// have "*.*" [get] needs declared "*.*" [get] or [*].
//
// Example: Exceeds(have, FromPolicyRules(declaredRules)) is what a
// ServiceAccount can do beyond what its NetworkIdentity asked for.
func Exceeds(have, declared []Rule) []Rule {
	granted := piecesOfRules(declared)
	var out []piece
	seen := map[piece]bool{}
	for _, p := range piecesOfRules(have) {
		if seen[p] {
			continue
		}
		seen[p] = true
		if !coveredByAny(p, granted) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return render(compact(out))
}

func coveredByAny(p piece, granted []piece) bool {
	for _, g := range granted {
		if covers(g, p) {
			return true
		}
	}
	return false
}

// covers reports whether every request p allows is allowed by g.
func covers(g, p piece) bool {
	if g.url != p.url || (g.verb != "*" && g.verb != p.verb) {
		return false
	}
	if p.url {
		return g.path == "*" || g.path == p.path ||
			(strings.HasSuffix(g.path, "*") && strings.HasPrefix(p.path, strings.TrimRight(g.path, "*")))
	}
	if g.group != "*" && g.group != p.group {
		return false
	}
	if g.resource != "*" && g.resource != p.resource {
		_, sub, isSub := strings.Cut(p.resource, "/")
		if !isSub || g.resource != "*/"+sub {
			return false
		}
	}
	return !g.named || (p.named && g.name == p.name)
}
