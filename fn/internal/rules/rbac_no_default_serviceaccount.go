package rules

// rbac-no-default-serviceaccount
//
// Governs: the pod template of every pod-bearing object in the stream
// (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, bare Pod,
// Argo Rollout), and the subjects of every RoleBinding and ClusterRoleBinding.
// Requires: each pod template names a ServiceAccount of its own
// (spec.template.spec.serviceAccountName, at the kind's template path, or the deprecated serviceAccount when
// that is empty, as the API server reads them) other than "default"; and no
// binding grants anything to a namespace's "default" ServiceAccount, whether
// named as a ServiceAccount subject or as its user name
// system:serviceaccount:<namespace>:default. Every pod that names no
// ServiceAccount runs as "default", so whatever it holds, all of them hold.

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var rbacNoDefaultServiceAccount = register(&Rule{
	ID:          "rbac-no-default-serviceaccount",
	Title:       "Workloads run as a ServiceAccount of their own, and nothing is granted to \"default\"",
	Rationale:   "The default ServiceAccount is shared by every pod of its namespace that names no other, including pods added later; a workload running as it cannot be told apart from its neighbours in audit logs or mesh identities, and a permission bound to it is granted to all of them.",
	Remediation: "Set spec.template.spec.serviceAccountName to a dedicated ServiceAccount (netid's identity.serviceAccount emits one) and bind permissions to that ServiceAccount, not to \"default\".",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.1.5"),
		controls.NSACISAControl("Authentication and authorization > Role-based access control"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, w := range s.Workloads {
			spec := w.Template.Spec
			name, field := spec.ServiceAccountName, "serviceAccountName"
			if name == "" && spec.DeprecatedServiceAccount != "" {
				name, field = spec.DeprecatedServiceAccount, "serviceAccount (deprecated)"
			}
			var msg string
			switch name {
			case "":
				msg = "the pod template names no ServiceAccount, so its pods run as the namespace's \"default\""
			case "default":
				msg = fmt.Sprintf("the pod template's %s is \"default\", the namespace's shared ServiceAccount", field)
			default:
				continue
			}
			out = append(out, Violation{Object: w.Ref, Field: w.SpecField("serviceAccountName"), Message: msg, Workloads: []string{w.Key()}})
		}
		for _, b := range s.RoleBindings {
			out = append(out, rbacDefaultSASubjects(b.Ref, b.Ref.Namespace, b.Typed.Subjects, s.OwnerOf(b.Ref.Namespace, b.Typed.ObjectMeta))...)
		}
		for _, b := range s.ClusterRoleBindings {
			out = append(out, rbacDefaultSASubjects(b.Ref, "", b.Typed.Subjects, s.OwnerOf(b.Typed.Labels[v1alpha1.WorkloadNamespaceLabel], b.Typed.ObjectMeta))...)
		}
		return out
	},
})

// rbacDefaultSASubjects finds the subjects that are some namespace's default
// ServiceAccount. bindingNS is the RoleBinding's namespace, which a
// ServiceAccount subject without a namespace lives in ("" for a
// ClusterRoleBinding).
func rbacDefaultSASubjects(ref finding.Object, bindingNS string, subjects []rbacv1.Subject, owners []string) []Violation {
	var out []Violation
	for i, sub := range subjects {
		var ns string
		switch {
		case sub.Kind == rbacv1.ServiceAccountKind && sub.Name == "default":
			ns = sub.Namespace
			if ns == "" {
				ns = bindingNS
			}
		case sub.Kind == rbacv1.UserKind && rbacDefaultSAUser(sub.Name) != "":
			ns = rbacDefaultSAUser(sub.Name)
		default:
			continue
		}
		who := "the default ServiceAccount"
		if ns != "" {
			who = "the default ServiceAccount of namespace " + ns
		}
		out = append(out, Violation{Object: ref, Field: fmt.Sprintf("subjects[%d]", i),
			Message: fmt.Sprintf("subject %d is %s, so every pod there that names no ServiceAccount gets %s's permissions", i, who, ref.Name), Workloads: owners})
	}
	return out
}

// rbacDefaultSAUser returns the namespace of a user name that is a default
// ServiceAccount's (system:serviceaccount:<namespace>:default), else "".
func rbacDefaultSAUser(user string) string {
	rest, ok := strings.CutPrefix(user, "system:serviceaccount:")
	if !ok {
		return ""
	}
	ns, ok := strings.CutSuffix(rest, ":default")
	if !ok || ns == "" || strings.Contains(ns, ":") {
		return ""
	}
	return ns
}
