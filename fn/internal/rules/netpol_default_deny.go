package rules

// netpol-default-deny
//
// Governs: every namespace that holds a workload (any pod-bearing object:
// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Argo
// Rollout) in the stream.
// Requires: a NetworkPolicy in that namespace that selects every pod
// (`podSelector: {}`), lists both `Ingress` and `Egress` in `policyTypes`, and
// has no rules; or two such policies, one per direction. Anything the
// namespace allows must then be allowed by a narrower policy.

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
)

var netpolDefaultDeny = register(&Rule{
	ID:          "netpol-default-deny",
	Title:       "Every workload namespace has a default-deny NetworkPolicy for ingress and egress",
	Rationale:   "Kubernetes allows all traffic to and from a pod that no NetworkPolicy selects; without a namespace-wide deny, any pod added later, or any flow not covered by an allow policy, is wide open.",
	Remediation: "Add a NetworkIdentity for the namespace's workloads (netid then emits default-deny), or a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.3.2"),
		controls.NSACISAControl("Network separation and hardening > Network policies"),
		controls.NISTControl("4.3.3"),
		controls.NISTControl("4.4.2"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, w := range s.WorkloadNamespaces() {
			ns := w.Ref.Namespace
			in, eg := false, false
			for _, p := range s.idx().policiesIn[ns] {
				if !selectsAll(p.Typed) {
					continue
				}
				types := policyTypes(p.Typed)
				if types[networkingv1.PolicyTypeIngress] && len(p.Typed.Spec.Ingress) == 0 {
					in = true
				}
				if types[networkingv1.PolicyTypeEgress] && len(p.Typed.Spec.Egress) == 0 {
					eg = true
				}
			}
			if in && eg {
				continue
			}
			var missing []string
			if !in {
				missing = append(missing, "ingress")
			}
			if !eg {
				missing = append(missing, "egress")
			}
			obj, field := w.Ref, "metadata.namespace"
			if n, ok := s.Namespaces[ns]; ok {
				obj, field = n.Ref, "metadata.name"
			}
			out = append(out, Violation{Object: obj, Field: field,
				Message:   "namespace " + ns + " has no default-deny NetworkPolicy for " + strings.Join(missing, " and "),
				Workloads: s.governedIn(ns)})
		}
		return out
	},
})

// selectsAll reports a policy whose podSelector is empty.
func selectsAll(p networkingv1.NetworkPolicy) bool {
	sel := p.Spec.PodSelector
	return len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0
}

// policyTypes applies the API server's defaulting: Ingress always, Egress
// when egress rules exist, unless policyTypes is given.
func policyTypes(p networkingv1.NetworkPolicy) map[networkingv1.PolicyType]bool {
	out := map[networkingv1.PolicyType]bool{}
	if len(p.Spec.PolicyTypes) == 0 {
		out[networkingv1.PolicyTypeIngress] = true
		if len(p.Spec.Egress) > 0 {
			out[networkingv1.PolicyTypeEgress] = true
		}
		return out
	}
	for _, t := range p.Spec.PolicyTypes {
		out[t] = true
	}
	return out
}

// governedIn lists the governed workloads of a namespace, for attributing a
// namespace-wide violation.
func (s *Stream) governedIn(ns string) []string {
	var out []string
	for _, w := range s.WorkloadsIn(ns) {
		if s.Declared[w.Key()] != nil {
			out = append(out, w.Key())
		}
	}
	return out
}
