package rules

// rbac-no-wildcard
//
// Governs: the rules of every Role and ClusterRole in the stream.
// Requires: no "*" in verbs, resources or apiGroups, and no bare "*" in
// nonResourceURLs. A wildcard grants whatever the API server adds later (new
// resources, CRDs, subresources such as pods/exec), which no review can have
// approved.
//
// A "*" inside a value counts too. In resources, "*/scale" is a real
// wildcard: the API server's RBAC matching (k8s.io/kubernetes
// pkg/apis/rbac/v1 ResourceMatches) gives it the scale subresource of every
// resource of the rule's API groups. Every other "*" inside a value ("pods/*",
// "*/*", "pod*", "*.example.com", "get*") is compared literally, so it grants
// nothing today; it still reads as "every subresource of pods" (exec, attach,
// portforward) to whoever reviews it, and is refused so that what a reviewer
// reads is what the cluster grants. nonResourceURLs keep their documented
// prefix form ("/healthz/*"): only a bare "*" is refused there.

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

var rbacNoWildcard = register(&Rule{
	ID:          "rbac-no-wildcard",
	Title:       "RBAC rules name their verbs, resources and API groups",
	Rationale:   "A \"*\" grants every current and future verb, resource or API group, including escalation paths such as secrets, pods/exec and RBAC itself; \"*/scale\" grants a subresource of every resource, and \"pods/*\", which the API server does not expand, reads as pods/exec, pods/attach and pods/portforward to a reviewer. Least privilege needs each permission named.",
	Remediation: "Replace each \"*\" (also inside a value such as \"pods/*\" or \"*/scale\") with the verbs, resources, subresources and API groups the workload needs, or record an exception with its ADR.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.1.3"),
		controls.NSACISAControl("Authentication and authorization > Role-based access control"),
		controls.NISTControl("4.3.1"),
	},
	Check: func(s *Stream) []Violation {
		return s.roleRules(func(ref finding.Object, rules []rbacv1.PolicyRule, _ bool, owners []string) []Violation {
			return wildcards(ref, rules, owners)
		})
	},
})

func wildcards(ref finding.Object, rules []rbacv1.PolicyRule, owners []string) []Violation {
	var out []Violation
	for i, r := range rules {
		for _, f := range []struct {
			name   string
			values []string
		}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"verbs", r.Verbs}, {"nonResourceURLs", r.NonResourceURLs}} {
			var seen []string
			for _, v := range f.values {
				if !strings.Contains(v, "*") || slices.Contains(seen, v) || (f.name == "nonResourceURLs" && v != "*") {
					continue
				}
				seen = append(seen, v)
				out = append(out, Violation{Object: ref, Field: fmt.Sprintf("rules[%d].%s", i, f.name),
					Message: fmt.Sprintf("rule %d %s", i, wildcardMeaning(f.name, v)), Workloads: owners})
			}
		}
	}
	return out
}

// wildcardMeaning says what a value holding "*" grants, as the API server
// matches it.
func wildcardMeaning(field, v string) string {
	if v == "*" {
		return fmt.Sprintf("grants every %s (\"*\")", field)
	}
	const literal = "; the API server does not expand it (RBAC matches only \"*\" and, in resources, \"*/subresource\"), so it grants nothing today, but it reads as a wildcard"
	if field != "resources" {
		return fmt.Sprintf("names %q%s", v, literal)
	}
	res, sub, isSub := strings.Cut(v, "/")
	switch {
	case isSub && res == "*" && !strings.Contains(sub, "*"):
		msg := fmt.Sprintf("grants the %s subresource of every resource in its API groups (%q), including resources added later", sub, v)
		if ex := resourcesWithSubresource(sub); len(ex) > 0 {
			msg += ": " + strings.Join(ex, ", ")
		}
		return msg
	case isSub && sub == "*" && !strings.Contains(res, "*"):
		msg := fmt.Sprintf("names %q%s for every subresource of %s", v, literal, res)
		if subs := notableSubresources[res]; len(subs) > 0 {
			ex := make([]string, len(subs))
			for i, s := range subs {
				ex[i] = res + "/" + s
			}
			msg += ", including " + strings.Join(ex, ", ")
		}
		return msg + "; name the subresources"
	}
	return fmt.Sprintf("names %q%s", v, literal)
}

// notableSubresources are subresources a reviewer must see named, because
// they reach past the object itself (exec, tokens, the kubelet, approval), by
// resource. Messages only: the rule refuses every "*" whether listed or not.
var notableSubresources = map[string][]string{
	"pods":                       {"exec", "attach", "portforward", "proxy", "ephemeralcontainers", "eviction", "log"},
	"nodes":                      {"proxy"},
	"services":                   {"proxy"},
	"serviceaccounts":            {"token"},
	"certificatesigningrequests": {"approval"},
	"deployments":                {"scale"},
	"statefulsets":               {"scale"},
	"replicasets":                {"scale"},
}

// resourcesWithSubresource lists the notable resources that have sub, e.g.
// "proxy" gives nodes/proxy, pods/proxy, services/proxy.
func resourcesWithSubresource(sub string) []string {
	var out []string
	for res, subs := range notableSubresources {
		if slices.Contains(subs, sub) {
			out = append(out, res+"/"+sub)
		}
	}
	slices.Sort(out)
	return out
}
