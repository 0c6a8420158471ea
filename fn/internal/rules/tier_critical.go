package rules

// tier-critical
//
// Governs: every NetworkIdentity with `tier: critical`.
// Requires the stricter profile of a critical workload: `mode` enforce (not
// audit), `rollout` enforce (not observe), no `identity.clusterRules`,
// `identity.automountToken` not true, and no `exceptions` entry for a rule
// of the network, proof, mesh, RBAC, exposure or Pod Security domains
// (an ID starting with netpol-, proof-, mesh-, rbac-, exposure- or pss-).
// The rule cannot itself be excepted, and audit mode does not soften it: it
// refuses audit mode.

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

// tierCriticalDomains are the rule domains a critical workload may hold no
// exception for.
var tierCriticalDomains = []string{"netpol-", "proof-", "mesh-", "rbac-", "exposure-", "pss-"}

var tierCritical = register(&Rule{
	ID:          "tier-critical",
	Title:       "Critical workloads keep the strict profile: enforced, isolated, least privilege, no waivers",
	Rationale:   "A workload declared critical is the one whose compromise or outage costs most; the relaxations the other tiers may take while adopting (audit mode, an observe rollout, cluster-wide permissions, a mounted API token, an exception to a network, proof, mesh, RBAC, exposure or Pod Security rule) would silently lower exactly its protection.",
	Remediation: "Keep the critical workload in mode enforce and rollout enforce, drop its clusterRules, automountToken and its exceptions to network, proof, mesh, RBAC, exposure and Pod Security rules, or declare it tier standard with a reviewed reason.",
	Severity:    finding.Error,
	Unexcepted:  true,
	Unaudited:   true,
	NoControl:   "It enforces netid's own tiering of workloads (the architecture schema's critical profile); each part it guards is evidenced by the rule of that part, not by a control of its own.",
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, k := range s.DeclaredKeys() {
			d := s.Declared[k]
			spec := d.Config.Spec
			if spec.Tier != v1alpha1.TierCritical {
				continue
			}
			add := func(field, format string, args ...any) {
				out = append(out, Violation{Object: d.Object, Field: field, Workloads: []string{k},
					Message: "tier critical: " + fmt.Sprintf(format, args...)})
			}
			if spec.Mode == v1alpha1.ModeAudit {
				add("spec.mode", "mode audit would turn every refusal of this workload into a warning; a critical workload is enforced")
			}
			if spec.Rollout == v1alpha1.RolloutObserve {
				add("spec.rollout", "rollout observe renders its policies without blocking anything; a critical workload is enforced from its first render")
			}
			if id := spec.Identity; len(id.ClusterRules) > 0 {
				add("spec.identity.clusterRules", "%d cluster-wide rule(s) grant beyond its namespace; a critical workload's permissions stay in its namespace (identity.rules)", len(id.ClusterRules))
			}
			if t := spec.Identity.AutomountToken; t != nil && *t {
				add("spec.identity.automountToken", "mounts the API token into its pods; a critical workload's pods carry no token")
			}
			for i, e := range spec.Exceptions {
				for _, p := range tierCriticalDomains {
					if strings.HasPrefix(e.Rule, p) {
						add(fmt.Sprintf("spec.exceptions[%d].rule", i), "excepted from %s (%s); a critical workload holds no exception to a %s rule", e.Rule, e.ADR, strings.TrimSuffix(p, "-"))
						break
					}
				}
			}
		}
		return out
	},
})
