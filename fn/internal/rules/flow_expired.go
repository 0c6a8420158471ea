package rules

// flow-expired
//
// Governs: every ingress and egress rule of every NetworkIdentity with
// `until` (a temporary, break-glass flow; RFC 3339, checked by validation).
// Requires: the expiry is in the future by the stream's clock (Stream.Now,
// time.Now by default). A rule past its expiry is an error; one still valid
// is reported as a warning naming its expiry, so that every render shows the
// break-glass is open. No exception waives the rule: an ADR is no reason to
// keep a flow its own declaration ended; extending `until` with a new reason
// is.

import (
	"fmt"
	"time"

	"netid.dev/netid/fn/internal/finding"
)

var flowExpired = register(&Rule{
	ID:          "flow-expired",
	Title:       "Temporary (break-glass) flows are refused once past their until",
	Rationale:   "A break-glass flow opened under pressure tends to stay: an expiry the render enforces removes it by default, and a warning on every render until then keeps it visible. An exception would defeat the expiry, so none waives it.",
	Remediation: "Remove the rule, or extend its until with a new reason stating why the flow is still needed.",
	Severity:    finding.Error,
	Unexcepted:  true,
	NoControl:   "It enforces netid's own break-glass contract (the expiry a declaration states); the published catalogs name no control for time-bounded network exceptions.",
	Check: func(s *Stream) []Violation {
		now := s.now()
		var out []Violation
		for _, k := range s.DeclaredKeys() {
			d := s.Declared[k]
			judge := func(field, until string) {
				if until == "" {
					return
				}
				end, err := time.Parse(time.RFC3339, until)
				if err != nil {
					out = append(out, Violation{Object: d.Object, Field: field, Workloads: []string{k},
						Message: fmt.Sprintf("until %q is not an RFC 3339 time, so its expiry cannot be judged", until)})
					return
				}
				if !now.Before(end) {
					out = append(out, Violation{Object: d.Object, Field: field, Workloads: []string{k},
						Message: fmt.Sprintf("the temporary flow expired at %s; remove the rule or extend until with a new reason", until)})
					return
				}
				out = append(out, Violation{Object: d.Object, Field: field, Workloads: []string{k}, Notice: true,
					Message: fmt.Sprintf("break-glass flow open until %s; the render is refused after that", until)})
			}
			spec := d.Config.Spec
			for i, r := range spec.Ingress {
				judge(fmt.Sprintf("spec.ingress[%d].until", i), r.Until)
			}
			for i, r := range spec.Egress {
				judge(fmt.Sprintf("spec.egress[%d].until", i), r.Until)
			}
		}
		return out
	},
})
