package pss

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
)

func TestNeeded(t *testing.T) {
	yes, no := true, false
	restricted := corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Containers: []corev1.Container{{Name: "c", Image: "i", SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: &no, Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
	}
	baseline := corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i"}}}
	netAdmin := corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i", SecurityContext: &corev1.SecurityContext{
		Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "NET_RAW"}}}}}}
	for _, tc := range []struct {
		name string
		spec corev1.PodSpec
		want api.Level
	}{
		{"hardened", restricted, api.LevelRestricted},
		{"runs as root", baseline, api.LevelBaseline},
		{"adds NET_ADMIN and NET_RAW", netAdmin, api.LevelPrivileged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Needed(api.LatestVersion(), &metav1.ObjectMeta{}, &tc.spec); got != tc.want {
				t.Errorf("Needed = %s, want %s", got, tc.want)
			}
		})
	}
	if Rank(api.LevelPrivileged) >= Rank(api.LevelBaseline) || Rank(api.LevelBaseline) >= Rank(api.LevelRestricted) {
		t.Error("Rank does not order privileged < baseline < restricted")
	}
}
