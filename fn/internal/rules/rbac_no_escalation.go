package rules

// rbac-no-escalation
//
// Governs: the rules of every Role and ClusterRole in the stream, generated
// or user-authored, bound or not (the objects rbac-no-wildcard judges).
// Requires: no rule grants one of the privilege-escalation paths the
// Kubernetes "Role Based Access Control Good Practices" guide names:
//
//   - the verbs escalate, bind and impersonate (and the constrained
//     impersonation verbs "impersonate:…", "impersonate-on:…"), on any
//     resource;
//   - create on serviceaccounts/token;
//   - create or get on pods/exec, pods/attach and pods/portforward: create
//     is what the API server authorizes for a SPDY (POST) stream and, since
//     1.35's AuthorizePodWebsocketUpgradeCreatePermission, for every stream;
//     get is all a WebSocket (GET) upgrade needs where that gate is off or
//     the server is older, and kubectl streams over WebSockets;
//   - any verb on nodes/proxy (the kubelet API: get is enough to exec);
//   - create, update, patch, delete or deletecollection on roles,
//     clusterroles, rolebindings and clusterrolebindings
//     (rbac.authorization.k8s.io), and on mutatingwebhookconfigurations,
//     validatingwebhookconfigurations, mutatingadmissionpolicies and
//     mutatingadmissionpolicybindings (admissionregistration.k8s.io);
//   - the same writes on certificatesigningrequests, update or patch on
//     certificatesigningrequests/approval, and approve on signers
//     (certificates.k8s.io);
//   - create on persistentvolumes (a hostPath PersistentVolume mounts the
//     node's filesystem through a claim).
//
// Rules are matched as the API server matches them (k8s.io/kubernetes
// pkg/apis/rbac/v1 VerbMatches, APIGroupMatches, ResourceMatches): "*" in
// verbs, apiGroups or resources and "*/sub" in resources count, so an
// exception for rbac-no-wildcard never opens one of these paths silently;
// "pods/*" is compared literally and grants none of them. resourceNames do
// not narrow a path away: exec into one pod, or a token for one
// ServiceAccount, is still an escalation. A Role is judged only on what a
// Role can grant: requests without a namespace (nodes/proxy,
// persistentvolumes, ClusterRoles and their bindings, admission and
// certificate objects, impersonating users and groups) never use a
// RoleBinding. Creating workloads (which run as any ServiceAccount of the
// namespace) is out of scope here.

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

var rbacNoEscalation = register(&Rule{
	ID:          "rbac-no-escalation",
	Title:       "RBAC rules open no privilege-escalation path",
	Rationale:   "Some permissions are worth more than they say: escalate, bind and impersonate, ServiceAccount tokens, exec, attach and port-forward into pods, the kubelet's nodes/proxy, write access to RBAC, admission webhooks or certificate signing, and hostPath PersistentVolumes each let their holder take permissions or data it was never granted (Kubernetes \"RBAC good practices\"). Wildcards count, so an exception for rbac-no-wildcard does not open these paths unseen.",
	Remediation: "Remove the verb or resource that opens the escalation path (move the task to a controller that owns it), or record an exception for rbac-no-escalation with its ADR in the owning workload's NetworkIdentity.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.1.8"),
		controls.CISControl("5.1.9"),
		controls.CISControl("5.1.10"),
		controls.CISControl("5.1.11"),
		controls.CISControl("5.1.12"),
		controls.CISControl("5.1.13"),
		controls.NSACISAControl("Authentication and authorization > Role-based access control"),
		controls.NISTControl("4.3.1"),
	},
	Check: func(s *Stream) []Violation { return s.roleRules(escalations) },
})

// grant is a set of requests: every verb on every resource of one API
// group. Resources may carry "/subresource". Nil verbs mean any verb.
type grant struct {
	group            string
	resources, verbs []string
	// cluster marks requests made without a namespace (cluster-scoped
	// resources, impersonation of users and groups, signers): no RoleBinding
	// applies to them, so a Role that names them grants nothing there.
	cluster bool
}

// escalationPath is one way from a permission to more permissions.
type escalationPath struct {
	// name says which path, e.g. "pods/exec" or "bind".
	name string
	// verb, for a path opened by a verb: a rule naming it (or, for
	// impersonate, a verb it prefixes) opens the path whatever its
	// resources; a rule with the verb "*" opens it on grants.
	verb string
	// grants are the requests that open the path.
	grants []grant
	// does says what the path lets the holder do.
	does string
}

var (
	writeVerbs  = []string{"create", "update", "patch", "delete", "deletecollection"}
	streamVerbs = []string{"create", "get"}
)

// escalationPaths are the paths rbac-no-escalation refuses, in report order.
var escalationPaths = []escalationPath{
	{name: "escalate", verb: "escalate", grants: []grant{
		{group: rbacv1.GroupName, resources: []string{"roles"}, verbs: []string{"escalate"}},
		{group: rbacv1.GroupName, resources: []string{"clusterroles"}, verbs: []string{"escalate"}, cluster: true}},
		does: "writes Roles and ClusterRoles with permissions it does not hold, which every binding to them then grants"},
	// A RoleBinding to a ClusterRole is checked for bind on clusterroles in
	// the binding's namespace, so a Role can grant both.
	{name: "bind", verb: "bind", grants: []grant{
		{group: rbacv1.GroupName, resources: []string{"roles", "clusterroles"}, verbs: []string{"bind"}}},
		does: "binds any Role or ClusterRole, cluster-admin included, to any subject, itself included"},
	{name: "impersonate", verb: "impersonate", grants: []grant{
		{group: "", resources: []string{"serviceaccounts"}, verbs: []string{"impersonate"}},
		{group: "", resources: []string{"users", "groups"}, verbs: []string{"impersonate"}, cluster: true},
		{group: "authentication.k8s.io", resources: []string{"uids"}, verbs: []string{"impersonate"}, cluster: true}},
		does: "acts as another user, group or ServiceAccount, with all of its permissions"},
	{name: "serviceaccounts/token", grants: []grant{{group: "", resources: []string{"serviceaccounts/token"}, verbs: []string{"create"}}},
		does: "mints tokens for ServiceAccounts and acts with their permissions"},
	{name: "pods/exec", grants: []grant{{group: "", resources: []string{"pods/exec"}, verbs: streamVerbs}},
		does: "runs commands in the containers it reaches, with their ServiceAccount tokens, Secrets and host access"},
	{name: "pods/attach", grants: []grant{{group: "", resources: []string{"pods/attach"}, verbs: streamVerbs}},
		does: "attaches to the main process of the containers it reaches, a shell where they run one"},
	{name: "pods/portforward", grants: []grant{{group: "", resources: []string{"pods/portforward"}, verbs: streamVerbs}},
		does: "connects to any port of the pods it reaches, past every NetworkPolicy"},
	{name: "nodes/proxy", grants: []grant{{group: "", resources: []string{"nodes/proxy"}, cluster: true}},
		does: "reaches the kubelet API of every node: exec into any pod there (get is enough over WebSockets) without pods/exec or its admission checks"},
	{name: "RBAC objects", grants: []grant{
		{group: rbacv1.GroupName, resources: []string{"roles", "rolebindings"}, verbs: writeVerbs},
		{group: rbacv1.GroupName, resources: []string{"clusterroles", "clusterrolebindings"}, verbs: writeVerbs, cluster: true}},
		does: "rewrites who holds which permissions: it can hand what it holds to any subject and change or remove others' grants"},
	{name: "admission configuration", grants: []grant{{group: "admissionregistration.k8s.io",
		resources: []string{"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"},
		verbs:     writeVerbs, cluster: true}},
		does: "intercepts every object written to the cluster: a webhook of its choosing reads them (Secrets included) and can rewrite or refuse them, and a mutating policy rewrites them"},
	{name: "certificate signing", grants: []grant{
		{group: "certificates.k8s.io", resources: []string{"certificatesigningrequests"}, verbs: writeVerbs, cluster: true},
		{group: "certificates.k8s.io", resources: []string{"certificatesigningrequests/approval"}, verbs: []string{"update", "patch"}, cluster: true},
		{group: "certificates.k8s.io", resources: []string{"signers"}, verbs: []string{"approve"}, cluster: true}},
		does: "requests or approves certificates the cluster trusts, e.g. a kubernetes.io/kube-apiserver-client certificate for any user or group"},
	{name: "persistentvolumes", grants: []grant{{group: "", resources: []string{"persistentvolumes"}, verbs: []string{"create"}, cluster: true}},
		does: "creates hostPath PersistentVolumes: a pod that claims one mounts the node's filesystem, which Pod Security's restricted level allows through a claim"},
}

// escalations judges the rules of a Role (cluster false) or ClusterRole.
func escalations(ref finding.Object, rules []rbacv1.PolicyRule, cluster bool, owners []string) []Violation {
	var out []Violation
	for i, r := range rules {
		for _, p := range escalationPaths {
			if msg, field, ok := p.opens(r, cluster); ok {
				out = append(out, Violation{Object: ref, Field: fmt.Sprintf("rules[%d].%s", i, field),
					Message: fmt.Sprintf("rule %d opens escalation path %q: %s; it %s", i, p.name, msg, p.does), Workloads: owners})
			}
		}
	}
	return out
}

// opens reports whether the rule opens the path, saying how, and the field
// to change: verbs for a path opened by a verb, resources otherwise.
func (p escalationPath) opens(r rbacv1.PolicyRule, cluster bool) (how, field string, ok bool) {
	if p.verb != "" {
		for _, v := range r.Verbs {
			if v == p.verb || (p.verb == "impersonate" && strings.HasPrefix(v, "impersonate")) {
				return fmt.Sprintf("the verb %q", v), "verbs", true
			}
		}
	}
	var verbs, resources, via []string
	for _, g := range p.grants {
		if (g.cluster && !cluster) || !apiGroupMatches(r, g.group) {
			continue
		}
		for _, res := range g.resources {
			if !resourceMatches(r, res) {
				continue
			}
			matched := r.Verbs
			if g.verbs != nil {
				matched = slices.DeleteFunc(slices.Clone(g.verbs), func(v string) bool { return !verbMatches(r, v) })
			}
			if len(matched) == 0 {
				continue
			}
			verbs = appendNew(verbs, matched...)
			resources = appendNew(resources, printedResource(g.group, res))
			if !slices.Contains(r.APIGroups, g.group) {
				via = appendNew(via, "apiGroups")
			}
			if !slices.Contains(r.Resources, res) {
				via = appendNew(via, "resources")
			}
			if g.verbs != nil && slices.ContainsFunc(matched, func(v string) bool { return !slices.Contains(r.Verbs, v) }) {
				via = appendNew(via, "verbs")
			}
		}
	}
	if len(verbs) == 0 || len(resources) == 0 {
		return "", "", false
	}
	field = "resources"
	if p.verb != "" {
		field = "verbs"
	}
	how = strings.Join(verbs, ", ") + " on " + strings.Join(resources, ", ")
	if len(via) > 0 {
		slices.SortFunc(via, func(a, b string) int { return slices.Index(ruleFields, a) - slices.Index(ruleFields, b) })
		how += " through the wildcards in " + strings.Join(via, ", ")
	}
	return how, field, true
}

// verbMatches, apiGroupMatches and resourceMatches decide as the API
// server's RBAC authorizer does (k8s.io/kubernetes pkg/apis/rbac/v1
// evaluation_helpers.go): "*" matches every verb, group or resource, and a
// resource "*/sub" every resource's subresource sub; nothing else is a
// pattern.
func verbMatches(r rbacv1.PolicyRule, verb string) bool {
	return slices.Contains(r.Verbs, rbacv1.VerbAll) || slices.Contains(r.Verbs, verb)
}

func apiGroupMatches(r rbacv1.PolicyRule, group string) bool {
	return slices.Contains(r.APIGroups, rbacv1.APIGroupAll) || slices.Contains(r.APIGroups, group)
}

// resourceMatches takes the requested resource as "resource[/subresource]".
func resourceMatches(r rbacv1.PolicyRule, requested string) bool {
	_, sub, isSub := strings.Cut(requested, "/")
	for _, res := range r.Resources {
		if res == rbacv1.ResourceAll || res == requested || (isSub && res == "*/"+sub) {
			return true
		}
	}
	return false
}

// ruleFields orders the fields a message names.
var ruleFields = []string{"apiGroups", "resources", "verbs"}

// printedResource is "resource.group/subresource" as kubectl prints it, the
// group left out for the core group.
func printedResource(group, resource string) string {
	if group == "" {
		return resource
	}
	res, sub, isSub := strings.Cut(resource, "/")
	res += "." + group
	if isSub {
		res += "/" + sub
	}
	return res
}

func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
