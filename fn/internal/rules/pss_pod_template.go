package rules

// pss-pod-template
//
// Governs: the pod template of every Deployment, StatefulSet and DaemonSet in
// the stream.
// Requires: the template passes the upstream Pod Security Standards checks
// (k8s.io/pod-security-admission/policy, the code the API server's PodSecurity
// admission runs) at its namespace's enforce level and version, read from the
// Namespace's pod-security.kubernetes.io/enforce(-version) labels; without a
// Namespace in the stream, at restricted/latest. Each failed check is one
// violation naming the field it governs.

import (
	"fmt"
	"sync"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"netid.dev/netid/fn/internal/finding"
)

var pssPodTemplate = register(&Rule{
	ID:          "pss-pod-template",
	Title:       "Pod templates pass the Pod Security Standards checks of their namespace's level",
	Rationale:   "A pod the namespace's PodSecurity admission rejects fails only at deploy time, as a ReplicaSet event nobody reads; judged here with the same upstream checks, it fails the render with the container and field at fault.",
	Remediation: "Set the pod and container securityContext fields the message names (runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault, no host namespaces, ports or paths).",
	Severity:    finding.Error,
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, w := range s.Workloads {
			lv := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
			if ns, ok := s.Namespaces[w.Ref.Namespace]; ok {
				lv = enforceLevel(ns.Typed.Labels)
			}
			spec := w.Template.Spec
			for _, r := range evaluator().EvaluatePod(lv, &w.Template.ObjectMeta, &spec) {
				if r.Allowed {
					continue
				}
				msg := fmt.Sprintf("Pod Security %q (%s) forbids %s", lv.Level, lv.Version.String(), r.ForbiddenReason)
				if r.ForbiddenDetail != "" {
					msg += ": " + r.ForbiddenDetail
				}
				out = append(out, Violation{Object: w.Ref, Field: pssField(r.ForbiddenReason), Message: msg, Workloads: []string{w.Key()}})
			}
		}
		return out
	},
})

var (
	evalOnce sync.Once
	eval     policy.Evaluator
)

// evaluator is the upstream evaluator with the default (non-experimental) checks.
func evaluator() policy.Evaluator {
	evalOnce.Do(func() {
		e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
		if err != nil {
			panic(fmt.Sprintf("pod security evaluator: %v", err))
		}
		eval = e
	})
	return eval
}

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

// pssField maps an upstream check's reason to the template field it governs.
func pssField(reason string) string {
	const pod, ctr = "spec.template.spec.securityContext", "spec.template.spec.containers[*].securityContext"
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
		return "spec.template.spec.hostNetwork"
	case "hostPort":
		return "spec.template.spec.containers[*].ports[*].hostPort"
	case "hostPath volumes", "restricted volume types":
		return "spec.template.spec.volumes"
	case "hostProcess":
		return pod + ".windowsOptions.hostProcess"
	case "probe or lifecycle host":
		return "spec.template.spec.containers[*]"
	}
	return "spec.template.spec"
}
