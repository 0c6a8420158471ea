package rules

// pss-namespace-level
//
// Governs: every namespace that holds a workload (any pod-bearing object:
// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Argo
// Rollout) in the stream.
// Requires: the Namespace object is in the stream and its Pod Security
// Admission labels pod-security.kubernetes.io/enforce, /audit and /warn are
// each "restricted". A missing label leaves the level to the cluster's
// admission defaults (privileged unless configured otherwise), so it counts
// as below restricted; so does a value that is not a level. The pinned
// versions (…-version labels) are not judged here. One enforce level below
// restricted is accepted: the one the namespace's pod templates excepted from
// pss-pod-template need (by the upstream checks at its version), which netid
// lowers the label to with a warning naming the ADRs; a level lower than they
// need, or a lower audit or warn level, is still a violation.

import (
	"fmt"

	"k8s.io/pod-security-admission/api"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/pss"
)

var pssNamespaceLevel = register(&Rule{
	ID:          "pss-namespace-level",
	Title:       "Every workload namespace enforces, audits and warns at Pod Security restricted",
	Rationale:   "Pod Security Admission judges pods against the level its namespace's labels name; without them, or below restricted, a pod that runs as root, escalates privileges or keeps capabilities is admitted without a word, however carefully today's templates are written.",
	Remediation: "Label the workload's Namespace pod-security.kubernetes.io/enforce, audit and warn: restricted (netid emits the Namespace so), or record an exception with its ADR. An enforce level lowered to what the namespace's templates excepted from pss-pod-template need (netid does it, with a warning) is accepted; lower is not.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.2.1"),
		controls.NSACISAControl("Kubernetes Pod security > Pod security enforcement"),
		controls.NISTControl("4.4.3"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, w := range s.WorkloadNamespaces() {
			ns := w.Ref.Namespace
			owners := s.governedIn(ns)
			o, ok := s.Namespaces[ns]
			if !ok {
				out = append(out, Violation{Object: w.Ref, Field: "metadata.namespace",
					Message:   "namespace " + ns + " has no Namespace with Pod Security labels in the render",
					Workloads: owners})
				continue
			}
			for _, l := range []string{api.EnforceLevelLabel, api.AuditLevelLabel, api.WarnLevelLabel} {
				v, set := o.Typed.Labels[l]
				lvl, err := api.ParseLevel(v)
				var msg string
				switch {
				case set && err == nil && l == api.EnforceLevelLabel && lvl != api.LevelRestricted && lvl == s.exceptedNeed(ns, o.Typed.Labels):
					continue
				case !set:
					msg = fmt.Sprintf("namespace %s has no %s label, which leaves the level to the cluster's default (privileged unless configured)", ns, l)
				case err != nil:
					msg = fmt.Sprintf("namespace %s has %s=%q, which is not a Pod Security level", ns, l, v)
				case lvl != api.LevelRestricted:
					msg = fmt.Sprintf("namespace %s has %s=%s, below %s", ns, l, lvl, api.LevelRestricted)
				default:
					continue
				}
				out = append(out, Violation{Object: o.Ref, Field: "metadata.labels." + l, Message: msg, Workloads: owners})
			}
		}
		return out
	},
})

// exceptedNeed is the enforce level the namespace's pod templates excepted
// from pss-pod-template need (restricted when none needs less).
func (s *Stream) exceptedNeed(ns string, labels map[string]string) api.Level {
	version := enforceLevel(labels).Version
	need := api.LevelRestricted
	for _, w := range s.WorkloadsIn(ns) {
		if _, ok := s.excepted(pss.ExceptionRule, []string{w.Key()}); !ok {
			continue
		}
		if l := pss.Needed(version, &w.Template.ObjectMeta, &w.Template.Spec); pss.Rank(l) < pss.Rank(need) {
			need = l
		}
	}
	return need
}
