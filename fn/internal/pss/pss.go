// Package pss answers which Pod Security Standards level a pod template
// needs, with the upstream checks (k8s.io/pod-security-admission/policy, the
// code the API server's PodSecurity admission runs).
package pss

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// ExceptionRule is the rule whose exception lets a template below
// restricted lower its namespace's enforce level.
const ExceptionRule = "pss-pod-template"

var (
	once sync.Once
	eval policy.Evaluator
)

// Evaluator is the upstream evaluator with the default (non-experimental) checks.
func Evaluator() policy.Evaluator {
	once.Do(func() {
		e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
		if err != nil {
			panic(fmt.Sprintf("pod security evaluator: %v", err))
		}
		eval = e
	})
	return eval
}

// Passes reports whether the template passes every check of the level.
func Passes(level api.Level, version api.Version, meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	for _, r := range Evaluator().EvaluatePod(api.LevelVersion{Level: level, Version: version}, meta, spec) {
		if !r.Allowed {
			return false
		}
	}
	return true
}

// Needed is the strictest level whose admission admits the template:
// restricted, else baseline, else privileged.
func Needed(version api.Version, meta *metav1.ObjectMeta, spec *corev1.PodSpec) api.Level {
	for _, l := range []api.Level{api.LevelRestricted, api.LevelBaseline} {
		if Passes(l, version, meta, spec) {
			return l
		}
	}
	return api.LevelPrivileged
}

// Rank orders the levels: privileged 0, baseline 1, restricted 2 (an
// unknown level ranks as restricted, the stricter reading).
func Rank(l api.Level) int {
	switch l {
	case api.LevelPrivileged:
		return 0
	case api.LevelBaseline:
		return 1
	}
	return 2
}
