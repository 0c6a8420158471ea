package cli

import (
	"bytes"
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/krm/v1alpha1"
)

// TestPrintRollout: verify's table names the observed workloads and lists
// what enforcing would block; nothing of it when every workload enforces.
func TestPrintRollout(t *testing.T) {
	v := process.Verification{Stages: map[string]v1alpha1.RolloutStage{"shop/cart": v1alpha1.RolloutObserve, "web/frontend": v1alpha1.RolloutEnforce},
		WouldBlock: []proof.Cell{{From: "netid-probe/{}", To: "shop/cart", Port: "8080/TCP"}, {From: "netid-probe/{}", To: "shop/cart", Port: "9090/TCP"}}}
	var b bytes.Buffer
	printRollout(&b, v)
	for _, want := range []string{"Observing (spec.rollout: observe): shop/cart.", "Enforcing would block 2 connections:", "netid-probe/{} → shop/cart: 8080/TCP, 9090/TCP\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	v.Stages["shop/cart"] = v1alpha1.RolloutEnforce
	b.Reset()
	printRollout(&b, v)
	if b.Len() != 0 {
		t.Errorf("every workload enforces, yet:\n%s", b.String())
	}
}
