package finding

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestWriteCauseFirstFixOnceCounted(t *testing.T) {
	np := Object{Kind: "NetworkPolicy", Namespace: "shop", Name: "allow-all", File: "app/allow-all.yaml"}
	var l List
	for i := 0; i < 13; i++ {
		l = append(l, Finding{Severity: Error, Rule: "proof-connectivity", Object: np, Field: "spec.ingress[0]",
			Message: fmt.Sprintf("undeclared flow %02d", i), Remediation: "Narrow the policy."})
	}
	l = append(l, Finding{Severity: Error, Rule: "netpol-no-allow-all", Object: np, Field: "spec.ingress[0]", Message: "admits every source", Remediation: "Give each rule a from."})
	var b bytes.Buffer
	l.Write(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if !strings.HasPrefix(lines[0], "error[netpol-no-allow-all]") {
		t.Errorf("the rule finding that explains the proof's should come first, got %q", lines[0])
	}
	if n := strings.Count(b.String(), "fix: Narrow the policy."); n != 1 {
		t.Errorf("remediation printed %d times, want once", n)
	}
	if n := strings.Count(b.String(), "error[proof-connectivity] NetworkPolicy/shop/allow-all spec.ingress[0]"); n != linesPerGroup {
		t.Errorf("%d proof findings printed, want %d", n, linesPerGroup)
	}
	if last := lines[len(lines)-1]; last != "error[proof-connectivity] NetworkPolicy/shop/allow-all: … and 3 more like these (every one is in the structured results)" {
		t.Errorf("last line %q", last)
	}
	if len(l.Results()) != 14 {
		t.Errorf("the structured results must keep every finding")
	}
}

func TestWriteFewFindingsUnchanged(t *testing.T) {
	f := Finding{Severity: Error, Rule: "config", Object: Object{Kind: "NetworkIdentity", Namespace: "shop", Name: "cart"}, Field: "spec", Message: "bad", Remediation: "Fix it."}
	var b bytes.Buffer
	List{f}.Write(&b)
	if b.String() != f.String()+"\n" {
		t.Errorf("got %q, want %q", b.String(), f.String()+"\n")
	}
}
