package rules

// netpol-reason-written
//
// Governs: the free text of every NetworkIdentity in the stream: the reason of
// each ingress and egress flow, of each identity rule and cluster rule, and
// of each exception, the mesh's eastWest decision, and a plain-HTTP Ingress's
// plainReason.
// Requires: none of them still carries the placeholder `netid init` writes
// ("netid init: inferred from …"): a draft is where adoption starts, and a
// flow whose reason nobody wrote has not been reviewed.

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/finding"
)

// initPlaceholder starts every reason netid init drafts (initcfg.Placeholder;
// the rules do not import the command that writes it).
const initPlaceholder = "netid init:"

var netpolReasonWritten = register(&Rule{
	ID:          "netpol-reason-written",
	Title:       "Every reason in a NetworkIdentity is written by a person",
	Rationale:   "netid init drafts flows from what the manifests show, with a placeholder reason. A flow is only reviewed once someone has said why it exists; until then it is a guess about the application, not a decision.",
	Remediation: "Replace the \"netid init:\" placeholder with why the flow (or permission, exception, encryption decision) is needed, or remove the entry if it is not.",
	Severity:    finding.Error,
	NoControl:   "A reason is netid's own requirement on its declarations; none of the three documents asks that each flow's justification be written by a person. The flows themselves are evidenced by netpol-flow-justified and proof-connectivity.",
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, key := range s.DeclaredKeys() {
			d := s.Declared[key]
			spec := d.Config.Spec
			check := func(field, text string) {
				if strings.HasPrefix(strings.TrimSpace(text), initPlaceholder) {
					out = append(out, Violation{Object: d.Object, Field: field,
						Message:   fmt.Sprintf("the reason is still netid init's draft: %s", text),
						Workloads: []string{key}})
				}
			}
			for i, r := range spec.Ingress {
				check(fmt.Sprintf("spec.ingress[%d].reason", i), r.Reason)
			}
			for i, r := range spec.Egress {
				check(fmt.Sprintf("spec.egress[%d].reason", i), r.Reason)
			}
			for i, r := range spec.Identity.Rules {
				check(fmt.Sprintf("spec.identity.rules[%d].reason", i), r.Reason)
			}
			for i, r := range spec.Identity.ClusterRules {
				check(fmt.Sprintf("spec.identity.clusterRules[%d].reason", i), r.Reason)
			}
			for i, e := range spec.Exceptions {
				check(fmt.Sprintf("spec.exceptions[%d].reason", i), e.Reason)
			}
			if spec.Mesh != nil {
				check("spec.mesh.eastWest", spec.Mesh.EastWest)
			}
			if e := spec.Exposure; e != nil && e.Ingress != nil {
				check("spec.exposure.ingress.plainReason", e.Ingress.PlainReason)
			}
		}
		return out
	},
})
