package process

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/rules"
)

// stillBound maps each ServiceAccount a workload was moved away from
// (spec.identity.replaces) to the bindings of the stream that still grant it
// something: netid leaves the old ServiceAccount and its bindings in place.
func stillBound(s *rules.Stream) map[string][]string {
	out := map[string][]string{}
	if s.Plan == nil {
		return out
	}
	for _, w := range s.Plan.Workloads {
		if w.Replaces == "" {
			continue
		}
		if bs := s.BindingsOf(w.Namespace(), w.Replaces); len(bs) > 0 {
			out[w.Namespace()+"/"+w.Replaces] = bs
		}
	}
	return out
}

// replacedWarnings warns, on the config that replaces it, about a replaced
// ServiceAccount that bindings of the render still grant permissions to:
// anything still running as it (or a token of it) keeps them.
func replacedWarnings(s *rules.Stream, bound map[string][]string) finding.List {
	var fs finding.List
	if s.Plan == nil {
		return nil
	}
	for _, w := range s.Plan.Workloads {
		bs := bound[w.Namespace()+"/"+w.Replaces]
		if w.Replaces == "" || len(bs) == 0 {
			continue
		}
		fs = append(fs, finding.Finding{Severity: finding.Warning, Rule: finding.ConfigRule, Object: w.Identity.Object, Field: "spec.identity.replaces",
			Message: fmt.Sprintf("ServiceAccount %s/%s, replaced by %s/%s, is still bound by %s; netid leaves it and its bindings in place: remove them once nothing runs as it",
				w.Namespace(), w.Replaces, w.Namespace(), w.ServiceAccount, strings.Join(bs, ", "))})
	}
	return fs
}
