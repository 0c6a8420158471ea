package rules

import (
	"testing"

	"netid.dev/netid/fn/internal/finding"
)

var objectConflictCases = table(objectConflict, []ruleCase{
	{name: "no conflict found while merging", yaml: ddWorkload},
	{name: "a user NetworkPolicy under a generated name", yaml: ddWorkload, setup: func(s *Stream) {
		s.Conflicts = append(s.Conflicts, Violation{
			Object:  finding.Object{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy", Namespace: "shop", Name: "default-deny"},
			Field:   "metadata.name",
			Message: "conflicts with the NetworkPolicy netid generates",
		})
	}, want: []string{"NetworkPolicy/shop/default-deny metadata.name"}},
	{name: "two conflicts are two violations", yaml: ddWorkload, setup: func(s *Stream) {
		for _, kind := range []string{"Role", "RoleBinding"} {
			s.Conflicts = append(s.Conflicts, Violation{
				Object: finding.Object{Kind: kind, Namespace: "shop", Name: "web"}, Field: "metadata.name", Message: "conflicts",
				Workloads: []string{"shop/web"},
			})
		}
	}, want: []string{"Role/shop/web metadata.name", "RoleBinding/shop/web metadata.name"}},
})

func TestObjectConflict(t *testing.T) { runCases(t, objectConflict, objectConflictCases) }
