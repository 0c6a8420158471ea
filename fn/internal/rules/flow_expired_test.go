package rules

import (
	"strings"
	"testing"
	"time"

	"netid.dev/netid/fn/internal/finding"
)

// feNow is the clock of the flow-expired cases.
var feNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func feClock(s *Stream) { s.Now = func() time.Time { return feNow } }

// feApp is a workload whose NetworkIdentity declares an egress to a
// vendor block, temporary when until is not empty; extra is appended to
// its spec.
func feApp(until, extra string) string {
	u := ""
	if until != "" {
		u = `, until: "` + until + `"`
	}
	return "\n" + cartDeployment + `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  dns: {enabled: false}
  egress:
  - {to: {cidr: 192.0.2.0/24}, ports: ["443"], reason: "card vendor"}
  - {to: {cidr: 198.51.100.0/24}, ports: ["443"], reason: "incident 4711: debug endpoint"` + u + `}
` + extra
}

var flowExpiredCases = table(flowExpired, []ruleCase{
	{name: "lasting flows", yaml: feApp("", ""), setup: feClock},
	{name: "a break-glass flow still open is reported", yaml: feApp("2026-06-02T00:00:00Z", ""), setup: feClock,
		want: []string{"NetworkIdentity/shop/cart spec.egress[1].until"}},
	{name: "a break-glass flow past its until", yaml: feApp("2026-05-31T23:59:59+02:00", ""), setup: feClock,
		want: []string{"NetworkIdentity/shop/cart spec.egress[1].until"}},
	{name: "the expiry instant itself is past", yaml: feApp("2026-06-01T12:00:00Z", ""), setup: feClock,
		want: []string{"NetworkIdentity/shop/cart spec.egress[1].until"}},
})

func TestFlowExpired(t *testing.T) { runCases(t, flowExpired, flowExpiredCases) }

// TestFlowExpiredSeverity checks an open break-glass is a warning naming
// its expiry, an expired one an error that no exception softens, while
// audit mode still does.
func TestFlowExpiredSeverity(t *testing.T) {
	for _, tt := range []struct {
		name, until, extra string
		want               finding.Severity
		says               string
	}{
		{"open", "2026-06-02T00:00:00Z", "", finding.Warning, "open until 2026-06-02T00:00:00Z"},
		{"expired", "2026-05-01T00:00:00Z", "", finding.Error, "expired at 2026-05-01T00:00:00Z; remove the rule or extend until"},
		{"at the expiry instant", "2026-06-01T12:00:00Z", "", finding.Error, "expired at"},
		{"expired, excepted", "2026-05-01T00:00:00Z", "  exceptions: [{rule: flow-expired, adr: ADR-0042, reason: keep it}]\n", finding.Error, "expired at"},
		{"expired, audit mode", "2026-05-01T00:00:00Z", "  mode: audit\n", finding.Warning, "(audit mode)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := streamOf(t, feApp(tt.until, tt.extra))
			feClock(s)
			var got []finding.Finding
			for _, f := range Check(s) {
				if f.Rule == flowExpired.ID {
					got = append(got, f)
				}
			}
			if len(got) != 1 {
				t.Fatalf("%d flow-expired findings, want 1: %v", len(got), got)
			}
			if got[0].Severity != tt.want || !strings.Contains(got[0].Message, tt.says) {
				t.Errorf("got %s %q; want %s containing %q", got[0].Severity, got[0].Message, tt.want, tt.says)
			}
		})
	}
}

// TestFlowExpiredClock checks the default clock is the real one: a flow
// that ended in 2001 is refused without Now.
func TestFlowExpiredClock(t *testing.T) {
	s := streamOf(t, feApp("2001-01-01T00:00:00Z", ""))
	vs := flowExpired.Check(s)
	if len(vs) != 1 || vs[0].Notice {
		t.Fatalf("got %+v; want one error", vs)
	}
}
