package rbac

import (
	"fmt"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// aggregate returns every ClusterRole's rules by name once the ClusterRole
// aggregation controller has settled (pkg/controller/clusterroleaggregation):
// a ClusterRole with an aggregationRule gets, instead of its own rules, the
// rules of every other ClusterRole whose labels match one of its selectors,
// taken in selector order and then by name, duplicates dropped. An
// aggregated ClusterRole contributes its aggregated rules, so aggregation
// chains; the result is the least fixed point, computed from empty
// aggregated roles. On an acyclic selection that is exactly where the
// controller settles; in a cycle the controller's result depends on the
// order it syncs the roles in, and the fixed point keeps only rules that
// some non-aggregated ClusterRole supplies. A ClusterRole whose selector does
// not parse is left with its own rules, as the controller gives up on it.
// When the Set has two ClusterRoles of one name, the first counts.
func aggregate(roles []rbacv1.ClusterRole) map[string][]rbacv1.PolicyRule {
	var byName []*rbacv1.ClusterRole
	rules := map[string][]rbacv1.PolicyRule{}
	for i := range roles {
		if _, dup := rules[roles[i].Name]; dup {
			continue
		}
		rules[roles[i].Name] = roles[i].Rules
		byName = append(byName, &roles[i])
	}
	sort.SliceStable(byName, func(i, j int) bool { return byName[i].Name < byName[j].Name })

	type aggregated struct {
		name      string
		selectors []labels.Selector
	}
	var aggs []aggregated
	for _, r := range byName {
		if r.AggregationRule == nil {
			continue
		}
		a := aggregated{name: r.Name}
		parsed := true
		for i := range r.AggregationRule.ClusterRoleSelectors {
			sel, err := metav1.LabelSelectorAsSelector(&r.AggregationRule.ClusterRoleSelectors[i])
			if err != nil {
				parsed = false
				break
			}
			a.selectors = append(a.selectors, sel)
		}
		if parsed {
			aggs = append(aggs, a)
			rules[r.Name] = nil
		}
	}

	// Each round recomputes every aggregated role from the previous round;
	// rules only grow, and there are finitely many, so this ends.
	for changed := true; changed; {
		changed = false
		next := map[string][]rbacv1.PolicyRule{}
		for _, a := range aggs {
			var got []rbacv1.PolicyRule
			seen := map[string]bool{}
			for _, sel := range a.selectors {
				for _, r := range byName {
					if r.Name == a.name || !sel.Matches(labels.Set(r.Labels)) {
						continue
					}
					for _, pr := range rules[r.Name] {
						if k := ruleKey(pr); !seen[k] {
							seen[k] = true
							got = append(got, pr)
						}
					}
				}
			}
			next[a.name] = got
			if len(got) != len(rules[a.name]) {
				changed = true
			}
		}
		for name, got := range next {
			rules[name] = got
		}
	}
	return rules
}

// ruleKey identifies a PolicyRule as the controller's semantic equality
// does: field by field, nil and empty lists alike.
func ruleKey(r rbacv1.PolicyRule) string {
	return fmt.Sprintf("%q|%q|%q|%q|%q", r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs)
}
