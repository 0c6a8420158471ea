package rules

import (
	"strings"
	"testing"
)

// escRole and escClusterRole are fixtures: a Role shop/app or a ClusterRole app
// with these rules (YAML flow sequences, one per line).
func escRole(rules ...string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: app, namespace: shop}\nrules:\n- " + strings.Join(rules, "\n- ") + "\n"
}

func escClusterRole(rules ...string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: app}\nrules:\n- " + strings.Join(rules, "\n- ") + "\n"
}

var rbacNoEscalationCases = table(rbacNoEscalation, []ruleCase{
	// Passing: what workloads commonly need, next to each path.
	{name: "reading pods, their logs, ConfigMaps and leases", yaml: escRole(
		`{apiGroups: [""], resources: [pods, pods/log, configmaps], verbs: [get, list, watch]}`,
		`{apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}`)},
	{name: "reading RBAC, webhooks, CSRs, PersistentVolumes, nodes and ServiceAccounts", yaml: escClusterRole(
		`{apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles, rolebindings, clusterrolebindings], verbs: [get, list, watch]}`,
		`{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations, validatingwebhookconfigurations], verbs: [get, list, watch]}`,
		`{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [get, list, watch]}`,
		`{apiGroups: [""], resources: [persistentvolumes, nodes, serviceaccounts, serviceaccounts/token], verbs: [get, list, watch]}`,
		`{apiGroups: [""], resources: [persistentvolumeclaims], verbs: [create, delete]}`)},
	{name: "updating the status of a PersistentVolume, signing (not approving) for a signer", yaml: escClusterRole(
		`{apiGroups: [""], resources: [persistentvolumes, persistentvolumes/status], verbs: [update, patch]}`,
		`{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/status], verbs: [update]}`,
		`{apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [example.com/app], verbs: [sign]}`)},
	{name: "pods/* and nodes/* are compared literally and grant no subresource", yaml: escClusterRole(
		`{apiGroups: [""], resources: ["pods/*", "nodes/*"], verbs: [create, get]}`)},
	{name: "the paths' resources in another API group", yaml: escClusterRole(
		`{apiGroups: [metrics.k8s.io], resources: [pods, nodes], verbs: ["*"]}`,
		`{apiGroups: [apps], resources: ["*", "*/scale"], verbs: ["*"]}`,
		`{apiGroups: [example.com], resources: [pods/exec, roles], verbs: [create]}`)},
	{name: "a Role cannot grant what is requested without a namespace", yaml: escRole(
		`{apiGroups: [""], resources: [nodes/proxy, persistentvolumes], verbs: [get, create]}`,
		`{apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}`,
		`{apiGroups: [admissionregistration.k8s.io, certificates.k8s.io], resources: ["*"], verbs: ["*"]}`)},

	// Failing: each path, directly.
	{name: "escalate on roles", yaml: escRole(`{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [get, escalate]}`),
		want: []string{"Role/shop/app rules[0].verbs"}},
	{name: "escalate on any resource", yaml: escRole(`{apiGroups: [""], resources: [configmaps], verbs: [escalate]}`),
		want: []string{"Role/shop/app rules[0].verbs"}},
	{name: "bind, even on one named ClusterRole", yaml: escRole(
		`{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [view], verbs: [bind]}`),
		want: []string{"Role/shop/app rules[0].verbs"}},
	{name: "impersonate ServiceAccounts, users and groups", yaml: escClusterRole(
		`{apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}`,
		`{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}`),
		want: []string{"ClusterRole/app rules[0].verbs", "ClusterRole/app rules[1].verbs"}},
	{name: "constrained impersonation verbs", yaml: escClusterRole(
		`{apiGroups: [authentication.k8s.io], resources: [serviceaccounts], verbs: ["impersonate:serviceaccount"]}`),
		want: []string{"ClusterRole/app rules[0].verbs"}},
	{name: "create on serviceaccounts/token, even for one name", yaml: escRole(
		`{apiGroups: [""], resources: [serviceaccounts/token], resourceNames: [builder], verbs: [create]}`),
		want: []string{"Role/shop/app rules[0].resources"}},
	{name: "create on pods/exec", yaml: escRole(`{apiGroups: [""], resources: [pods/exec], verbs: [create]}`),
		want: []string{"Role/shop/app rules[0].resources"}},
	{name: "get alone on pods/exec (a WebSocket upgrade)", yaml: escRole(`{apiGroups: [""], resources: [pods, pods/exec], verbs: [get]}`),
		want: []string{"Role/shop/app rules[0].resources"}},
	{name: "get on pods/attach", yaml: escRole(`{apiGroups: [""], resources: [pods/attach], verbs: [get]}`),
		want: []string{"Role/shop/app rules[0].resources"}},
	{name: "create on pods/portforward", yaml: escRole(`{apiGroups: [""], resources: [pods/portforward], verbs: [create]}`),
		want: []string{"Role/shop/app rules[0].resources"}},
	{name: "get on nodes/proxy", yaml: escClusterRole(`{apiGroups: [""], resources: [nodes, nodes/proxy], verbs: [get]}`),
		want: []string{"ClusterRole/app rules[0].resources"}},
	{name: "write access to RBAC", yaml: escClusterRole(
		`{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}`,
		`{apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [delete]}`,
		`{apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [patch]}`),
		want: []string{"ClusterRole/app rules[0].resources", "ClusterRole/app rules[1].resources", "ClusterRole/app rules[2].resources"}},
	{name: "write access to RBAC in a Role", yaml: escRole(
		`{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [update]}`),
		want: []string{"Role/shop/app rules[0].resources"}},
	{name: "write access to admission webhooks and mutating policies", yaml: escClusterRole(
		`{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [update]}`,
		`{apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [create]}`,
		`{apiGroups: [admissionregistration.k8s.io], resources: [mutatingadmissionpolicies], verbs: [create]}`),
		want: []string{"ClusterRole/app rules[0].resources", "ClusterRole/app rules[1].resources", "ClusterRole/app rules[2].resources"}},
	{name: "creating and approving certificates", yaml: escClusterRole(
		`{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create]}`,
		`{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}`,
		`{apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [approve]}`),
		want: []string{"ClusterRole/app rules[0].resources", "ClusterRole/app rules[1].resources", "ClusterRole/app rules[2].resources"}},
	{name: "create on persistentvolumes", yaml: escClusterRole(`{apiGroups: [""], resources: [persistentvolumes], verbs: [create]}`),
		want: []string{"ClusterRole/app rules[0].resources"}},

	// Failing: the same paths through wildcards, which rbac-no-wildcard's
	// exception must not waive here.
	{name: "every verb on every core resource in a Role", yaml: escRole(`{apiGroups: [""], resources: ["*"], verbs: ["*"]}`),
		want: []string{
			"Role/shop/app rules[0].verbs",                                         // impersonate serviceaccounts
			"Role/shop/app rules[0].resources", "Role/shop/app rules[0].resources", // serviceaccounts/token, pods/exec
			"Role/shop/app rules[0].resources", "Role/shop/app rules[0].resources", // pods/attach, pods/portforward
		}},
	{name: "cluster-admin's rule", yaml: escClusterRole(`{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`),
		want: []string{
			"ClusterRole/app rules[0].verbs", "ClusterRole/app rules[0].verbs", "ClusterRole/app rules[0].verbs", // escalate, bind, impersonate
			"ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources", // token, exec, attach
			"ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources", // portforward, nodes/proxy, RBAC
			"ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources", // admission, certificates, PVs
		}},
	{name: "*/exec and */proxy are every resource's exec and proxy", yaml: escClusterRole(
		`{apiGroups: [""], resources: ["*/exec", "*/proxy"], verbs: [get]}`),
		want: []string{"ClusterRole/app rules[0].resources", "ClusterRole/app rules[0].resources"}},
	{name: "every verb on RBAC's roles", yaml: escRole(`{apiGroups: ["*"], resources: [roles], verbs: ["*"]}`),
		want: []string{"Role/shop/app rules[0].verbs", "Role/shop/app rules[0].verbs", "Role/shop/app rules[0].resources"}},
})

func TestRbacNoEscalation(t *testing.T) { runCases(t, rbacNoEscalation, rbacNoEscalationCases) }

// TestRbacNoEscalationMessages checks that a finding names the path, what
// the rule grants on it, and the wildcards it goes through.
func TestRbacNoEscalationMessages(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"a literal grant", escRole(`{apiGroups: [""], resources: [pods/exec], verbs: [create, get, list]}`),
			`rule 0 opens escalation path "pods/exec": create, get on pods/exec; it runs commands in the containers it reaches, with their ServiceAccount tokens, Secrets and host access`},
		{"through wildcards", escClusterRole(`{apiGroups: ["*"], resources: [roles, "*"], verbs: ["*"]}`),
			`rule 0 opens escalation path "bind": bind on roles.rbac.authorization.k8s.io, clusterroles.rbac.authorization.k8s.io through the wildcards in apiGroups, resources, verbs; it binds any Role or ClusterRole, cluster-admin included, to any subject, itself included`},
		{"a verb", escRole(`{apiGroups: [""], resources: [configmaps], verbs: [get, escalate]}`),
			`rule 0 opens escalation path "escalate": the verb "escalate"; it writes Roles and ClusterRoles with permissions it does not hold, which every binding to them then grants`},
		{"any verb on nodes/proxy", escClusterRole(`{apiGroups: [""], resources: ["*/proxy"], verbs: [get, list]}`),
			`rule 0 opens escalation path "nodes/proxy": get, list on nodes/proxy through the wildcards in resources; it reaches the kubelet API of every node: exec into any pod there (get is enough over WebSockets) without pods/exec or its admission checks`},
		{"only the resources the verbs reach", escClusterRole(`{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests, signers], verbs: [update]}`),
			`rule 0 opens escalation path "certificate signing": update on certificatesigningrequests.certificates.k8s.io; it requests or approves certificates the cluster trusts, e.g. a kubernetes.io/kube-apiserver-client certificate for any user or group`},
		{"a named verb beside \"*\"", escRole(`{apiGroups: [""], resources: [pods/exec], verbs: [create, "*"]}`),
			`rule 0 opens escalation path "pods/exec": create, get on pods/exec through the wildcards in verbs; it runs commands in the containers it reaches, with their ServiceAccount tokens, Secrets and host access`},
		{"approving certificates", escClusterRole(`{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests, certificatesigningrequests/approval, signers], verbs: [create, update, approve]}`),
			`rule 0 opens escalation path "certificate signing": create, update, approve on certificatesigningrequests.certificates.k8s.io, certificatesigningrequests.certificates.k8s.io/approval, signers.certificates.k8s.io; it requests or approves certificates the cluster trusts, e.g. a kubernetes.io/kube-apiserver-client certificate for any user or group`},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs := rbacNoEscalation.Check(streamOf(t, c.yaml))
			var got []string
			for _, v := range vs {
				if strings.Contains(v.Message, `"`+strings.SplitN(c.want, `"`, 3)[1]+`"`) {
					got = append(got, v.Message)
				}
			}
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("messages for the path:\n got  %q\n want %q", got, c.want)
			}
		})
	}
}
