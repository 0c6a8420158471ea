package load_test

import (
	"testing"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/krm/v1alpha1"
)

func TestDifferences(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b any
		want string
	}{
		{"equal", v1alpha1.PodSecurity{Enforce: "restricted"}, v1alpha1.PodSecurity{Enforce: "restricted"}, ""},
		{"one field", v1alpha1.PodSecurity{Enforce: "baseline", Version: "latest"}, v1alpha1.PodSecurity{Enforce: "restricted", Version: "latest"},
			`enforce: "baseline" in A, "restricted" in B`},
		{"unset on one side, nested", map[string]any{"dns": map[string]any{"enabled": false}}, map[string]any{"dns": map[string]any{"enabled": true, "namespace": "kube-system"}},
			`dns.enabled: false in A, true in B; dns.namespace: (unset) in A, "kube-system" in B`},
		{"arrays are leaves", map[string]any{"ports": []int{1, 2}}, map[string]any{"ports": []int{1}}, `ports: [1,2] in A, [1] in B`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := load.Differences(tc.a, tc.b, "A", "B"); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
