package rules

import (
	"net/netip"
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/plan"
)

// bdApp is a workload whose NetworkIdentity calls the blocks peers (egress
// rule lines), in a cluster whose baseline denies 169.254.169.254/32 and
// 10.0.0.0/8.
func bdApp(peers string) string {
	return "\n" + cartDeployment + `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  dns: {enabled: false}
  ingress:
  - {from: {cidr: 10.1.0.0/16}, ports: ["8080"], reason: "office"}
  egress:
` + peers + `---
apiVersion: netid.dev/v1alpha1
kind: ClusterNetworkIdentity
metadata: {name: cluster}
spec:
  cni: calico
  baseline:
    deny:
    - {cidr: 169.254.169.254/32, reason: "cloud metadata"}
    - {cidr: 10.0.0.0/8, reason: "the datacenter"}
`
}

var baselineDenyCases = table(baselineDeny, []ruleCase{
	{name: "flows outside the denied blocks; ingress from one is not judged", yaml: bdApp(`  - {to: {cidr: 192.0.2.0/24}, ports: ["443"], reason: "card vendor"}
`)},
	{name: "the denied block excepted", yaml: bdApp(`  - {to: {cidr: 169.254.0.0/16, except: [169.254.169.254/32]}, ports: ["80"], reason: "link-local peers"}
`)},
	{name: "a narrower block inside a denied one", yaml: bdApp(`  - {to: {cidr: 10.2.3.0/24}, ports: ["5432"], reason: "database"}
`), want: []string{"NetworkIdentity/shop/cart spec.egress[0].to.cidr"}},
	{name: "a wider block holding a denied one", yaml: bdApp(`  - {to: {cidr: 169.254.0.0/16}, ports: ["80"], reason: "link-local peers"}
`), want: []string{"NetworkIdentity/shop/cart spec.egress[0].to.cidr"}},
	{name: "excepts that leave part of the denied block", yaml: bdApp(`  - {to: {cidr: 8.0.0.0/5, except: [10.0.0.0/9, 10.192.0.0/10]}, ports: ["443"], reason: "wide"}
`), want: []string{"NetworkIdentity/shop/cart spec.egress[0].to.cidr"}},
	{name: "excepts that cover the denied block in parts", yaml: bdApp(`  - {to: {cidr: 8.0.0.0/5, except: [10.0.0.0/9, 10.128.0.0/9]}, ports: ["443"], reason: "wide"}
`)},
})

func TestBaselineDeny(t *testing.T) { runCases(t, baselineDeny, baselineDenyCases) }

// TestBaselineDenyMessage checks the refusal names the block it reaches,
// the denied block with its reason and the ClusterNetworkIdentity, and that
// no exception softens it.
func TestBaselineDenyMessage(t *testing.T) {
	s := streamOf(t, bdApp(`  - {to: {cidr: 8.0.0.0/5, except: [10.0.0.0/9, 10.192.0.0/10]}, ports: ["443"], reason: "wide"}
  exceptions: [{rule: baseline-deny, adr: ADR-3, reason: "we need it"}]
`))
	var got []finding.Finding
	for _, f := range Check(s) {
		if f.Rule == baselineDeny.ID {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Severity != finding.Error {
		t.Fatalf("got %v; want one error", got)
	}
	for _, want := range []string{"reaches 10.128.0.0/10", "ClusterNetworkIdentity/cluster", "spec.baseline.deny[1] 10.0.0.0/8: the datacenter"} {
		if !strings.Contains(got[0].Message, want) {
			t.Errorf("message %q does not say %q", got[0].Message, want)
		}
	}
}

// TestBaselineDenyUncovered checks the halving search on IPv6 and at the
// block's last address.
func TestBaselineDenyUncovered(t *testing.T) {
	for _, tt := range []struct {
		cidr   string
		except []string
		denied string
		want   string // "" when not reached
	}{
		{"2001:db8::/32", []string{"2001:db8::/33"}, "2001:db8::/32", "2001:db8:8000::/33"},
		{"2001:db8::/32", []string{"2001:db8::/33", "2001:db8:8000::/33"}, "2001:db8::/32", ""},
		{"10.0.0.0/8", []string{"10.0.0.0/9", "10.128.0.0/10", "10.192.0.0/11", "10.224.0.0/11"}, "10.0.0.0/8", ""},
		{"10.0.0.0/8", []string{"10.0.0.0/9", "10.128.0.0/10", "10.192.0.0/11", "10.224.0.0/12"}, "10.0.0.0/8", "10.240.0.0/12"},
		{"10.0.0.0/8", nil, "2001:db8::/32", ""},
	} {
		got, ok := baselineDenyReaches(plan.Endpoint{Kind: plan.KindCIDR, CIDR: tt.cidr, Except: tt.except}, netip.MustParsePrefix(tt.denied))
		if ok != (tt.want != "") || ok && got.String() != tt.want {
			t.Errorf("%s except %v, denied %s: got %v %v, want %q", tt.cidr, tt.except, tt.denied, got, ok, tt.want)
		}
	}
}
