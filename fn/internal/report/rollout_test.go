package report

import (
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/krm/v1alpha1"
)

// TestDeniedTraffic: the section names, for the cluster's CNI, where denied
// flows show, when the baseline logs denials or a workload observes; it is
// absent otherwise.
func TestDeniedTraffic(t *testing.T) {
	observed := &plan.Workload{Spec: &v1alpha1.Spec{Rollout: v1alpha1.RolloutObserve}}
	enforced := &plan.Workload{Spec: &v1alpha1.Spec{Rollout: v1alpha1.RolloutEnforce}}
	logging := &v1alpha1.Baseline{LogDenied: true}
	for _, tc := range []struct {
		name      string
		cni       v1alpha1.CNI
		native    bool
		anp       bool
		baseline  *v1alpha1.Baseline
		workloads []*plan.Workload
		want      []string
		not       []string
	}{
		{name: "nothing to show", cni: v1alpha1.CNICalico, baseline: &v1alpha1.Baseline{}, workloads: []*plan.Workload{enforced}},
		{name: "calico logs", cni: v1alpha1.CNICalico, baseline: logging, workloads: []*plan.Workload{enforced},
			want: []string{"`Log` rules", "action `deny`", "`spec.baseline.logDenied`"}, not: []string{"pending_policies"}},
		{name: "calico logs, admin network policy baseline", cni: v1alpha1.CNICalico, anp: true, baseline: logging, workloads: []*plan.Workload{enforced},
			want: []string{"AdminNetworkPolicy, which cannot log", "action `deny`"}, not: []string{"`Log` rules"}},
		{name: "calico staged", cni: v1alpha1.CNICalico, native: true, workloads: []*plan.Workload{observed},
			want: []string{"`pending_policies`", "would deny"}, not: []string{"`Log` rules", "render as NetworkPolicy"}},
		{name: "calico, NetworkPolicy dialect", cni: v1alpha1.CNICalico, workloads: []*plan.Workload{observed},
			want: []string{"action `deny`", "render as NetworkPolicy"}, not: []string{"pending_policies"}},
		{name: "antrea", cni: v1alpha1.CNIAntrea, native: true, baseline: logging, workloads: []*plan.Workload{observed},
			want: []string{"enableLogging: true", "/var/log/antrea/networkpolicy/np.log", "`Drop`", "`Pass`"}},
		{name: "cilium observe", cni: v1alpha1.CNICilium, native: true, workloads: []*plan.Workload{observed},
			want: []string{"hubble observe --verdict DROPPED", "policy audit mode", "--verdict AUDIT", "enableDefaultDeny: false"}},
		{name: "cilium logs", cni: v1alpha1.CNICilium, native: true, baseline: logging, workloads: []*plan.Workload{enforced},
			want: []string{"hubble observe --verdict DROPPED"}, not: []string{"AUDIT"}},
		{name: "generic", cni: v1alpha1.CNIGeneric, workloads: []*plan.Workload{enforced, observed},
			want: []string{"NetworkPolicy cannot log", "flow logs", "selected by no policy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialect := v1alpha1.DialectNetworkPolicy
			if tc.native {
				dialect = v1alpha1.DialectNative
			}
			p := &plan.Plan{Workloads: tc.workloads, Settings: load.Enforced{CNI: tc.cni, Dialect: dialect, AdminNetworkPolicy: tc.anp, Baseline: tc.baseline}}
			var b strings.Builder
			deniedTraffic(&b, p)
			got := b.String()
			if len(tc.want) == 0 && got != "" {
				t.Fatalf("want no section, got:\n%s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("has %q:\n%s", n, got)
				}
			}
			// once enforcing, an observed workload asks for nothing
			if p.Enforcing = true; tc.baseline == nil || !tc.baseline.LogDenied {
				b.Reset()
				deniedTraffic(&b, p)
				if b.Len() != 0 {
					t.Errorf("enforcing every workload, without logDenied: got a section:\n%s", b.String())
				}
			}
		})
	}
}

// TestRolloutCapped: past maxWouldBlockRows the list stops, saying how many
// more there are and where they are all listed.
func TestRolloutCapped(t *testing.T) {
	w := &plan.Workload{Spec: &v1alpha1.Spec{Rollout: v1alpha1.RolloutObserve},
		Source: &load.Workload{}, Identity: &load.Identity{}}
	p := &plan.Plan{Workloads: []*plan.Workload{w}}
	var cells []proof.Cell
	for i := range maxWouldBlockRows + 5 {
		cells = append(cells, proof.Cell{From: "x/" + strings.Repeat("a", i%7), To: "y/b", Port: "80/TCP", Namespace: "y"})
	}
	var b strings.Builder
	rollout(&b, p, &Rollout{WouldBlock: cells})
	got := b.String()
	if n := strings.Count(got, "| x/"); n != maxWouldBlockRows {
		t.Errorf("%d rows, want %d", n, maxWouldBlockRows)
	}
	if !strings.Contains(got, "… and 5 more: `netid verify --format json` lists every one") {
		t.Errorf("lacks the count of the rows left out:\n%.400s", got[len(got)-400:])
	}
	if !strings.Contains(got, "#### other pods of namespace y") {
		t.Errorf("cells about no observed workload are not under their namespace:\n%.600s", got)
	}
}
