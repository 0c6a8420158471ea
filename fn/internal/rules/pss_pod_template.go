package rules

// pss-pod-template
//
// Governs: the pod template of every pod-bearing object in the stream,
// governed by a NetworkIdentity or not: Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob (spec.jobTemplate.spec.template), bare Pod (the
// Pod itself) and Argo Rollout (a Rollout with spec.workloadRef runs the
// referenced Deployment's template, judged there).
// Requires: the template passes the upstream Pod Security Standards checks
// (k8s.io/pod-security-admission/policy, the code the API server's PodSecurity
// admission runs) at its namespace's enforce level and version, read from the
// Namespace's pod-security.kubernetes.io/enforce(-version) labels; without a
// Namespace in the stream (a namespace netid does not govern, whose labels
// the render does not show), at restricted/latest, the stricter reading. Each failed check is one
// violation naming the field it governs.

import (
	"fmt"
	"strings"

	"k8s.io/pod-security-admission/api"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/pss"
)

var pssPodTemplate = register(&Rule{
	ID:          "pss-pod-template",
	Title:       "Pod templates pass the Pod Security Standards checks of their namespace's level",
	Rationale:   "A pod the namespace's PodSecurity admission rejects fails only at deploy time, as a ReplicaSet event nobody reads; judged here with the same upstream checks, it fails the render with the container and field at fault.",
	Remediation: "Set the pod and container securityContext fields the message names (runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault, no host namespaces, ports or paths).",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.2.2"),
		controls.CISControl("5.2.3"),
		controls.CISControl("5.2.4"),
		controls.CISControl("5.2.5"),
		controls.CISControl("5.2.6"),
		controls.CISControl("5.2.7"),
		controls.CISControl("5.2.8"),
		controls.CISControl("5.2.9"),
		controls.CISControl("5.2.10"),
		controls.CISControl("5.2.11"),
		controls.CISControl("5.2.12"),
		controls.CISControl("5.2.13"),
		controls.CISControl("5.6.2"),
		controls.CISControl("5.6.3"),
		controls.NSACISAControl("Kubernetes Pod security > Pod security enforcement"),
		controls.NISTControl("4.4.3"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, w := range s.Workloads {
			lv := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
			if ns, ok := s.Namespaces[w.Ref.Namespace]; ok {
				lv = enforceLevel(ns.Typed.Labels)
			}
			spec := w.Template.Spec
			for _, r := range pss.Evaluator().EvaluatePod(lv, &w.Template.ObjectMeta, &spec) {
				if r.Allowed {
					continue
				}
				msg := fmt.Sprintf("Pod Security %q (%s) forbids %s", lv.Level, lv.Version.String(), r.ForbiddenReason)
				if r.ForbiddenDetail != "" {
					msg += ": " + r.ForbiddenDetail
				}
				out = append(out, Violation{Object: w.Ref, Field: pssField(w, r.ForbiddenReason), Message: msg, Workloads: []string{w.Key()}})
			}
		}
		return out
	},
})

// enforceLevel reads the namespace's enforce level and version; missing or
// unreadable labels mean restricted/latest, the stricter reading.
func enforceLevel(labels map[string]string) api.LevelVersion {
	lv := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	if l, err := api.ParseLevel(labels[api.EnforceLevelLabel]); err == nil {
		lv.Level = l
	}
	if v, err := api.ParseVersion(labels[api.EnforceVersionLabel]); err == nil {
		lv.Version = v
	}
	return lv
}

// pssField maps an upstream check's reason to the template field it governs,
// at the workload kind's template path.
func pssField(w *Workload, reason string) string {
	pod, ctr := w.SpecField("securityContext"), w.SpecField("containers[*].securityContext")
	switch reason {
	case "allowPrivilegeEscalation != false":
		return ctr + ".allowPrivilegeEscalation"
	case "unrestricted capabilities", "non-default capabilities":
		return ctr + ".capabilities"
	case "runAsNonRoot != true":
		return pod + ".runAsNonRoot"
	case "runAsUser=0":
		return pod + ".runAsUser"
	case "seccompProfile":
		return pod + ".seccompProfile"
	case "privileged":
		return ctr + ".privileged"
	case "procMount":
		return ctr + ".procMount"
	case "seLinuxOptions":
		return pod + ".seLinuxOptions"
	case "forbidden sysctls":
		return pod + ".sysctls"
	case "host namespaces":
		return w.SpecField("hostNetwork")
	case "hostPort":
		return w.SpecField("containers[*].ports[*].hostPort")
	case "hostPath volumes", "restricted volume types":
		return w.SpecField("volumes")
	case "hostProcess":
		return pod + ".windowsOptions.hostProcess"
	case "probe or lifecycle host":
		return w.SpecField("containers[*]")
	}
	return strings.TrimSuffix(w.SpecField(""), ".")
}
