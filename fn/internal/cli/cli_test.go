package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	for _, name := range append([]string{"help"}, subcommands...) {
		for _, flag := range []string{"-h", "--help"} {
			var stdout, stderr bytes.Buffer
			if code := Main([]string{name, flag}, strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Errorf("netid %s %s: exit %d, want 0; stderr: %s", name, flag, code, stderr.String())
			}
			want, ok := "Usage: netid "+name, strings.HasPrefix(stdout.String(), "Usage: netid "+name)
			if name == "help" {
				want, ok = "Usage:\n  netid ", strings.Contains(stdout.String(), "Usage:\n  netid ")
			}
			if !ok {
				t.Errorf("netid %s %s: stdout does not start with its usage %q:\n%s", name, flag, want, stdout.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("netid %s %s wrote to stderr: %s", name, flag, stderr.String())
			}
		}
		if name == "help" {
			continue
		}
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"help", name}, strings.NewReader(""), &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "Usage: netid "+name) {
			t.Errorf("netid help %s: exit %d, stdout %q", name, code, stdout.String())
		}
	}
}

func TestTopLevelHelpCoversTheRunners(t *testing.T) {
	var stdout bytes.Buffer
	Main([]string{"--help"}, nil, &stdout, &bytes.Buffer{})
	for _, s := range []string{"kustomize build --enable-alpha-plugins --enable-exec", "kpt fn render", "Argo CD", "netid render", "Flux"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("netid --help does not mention %q", s)
		}
	}
}

func TestBadUsageExits2(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"help", "nope"}, {"render", "--nope"}, {"report", "--nope"}, {"verify", "--format", "xml"}, {"rules", "--format", "xml"}, {"validate", "extra"}, {"version", "--nope"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(args, strings.NewReader(""), &stdout, &stderr); code != 2 {
			t.Errorf("netid %v: exit %d, want 2", args, code)
		}
		if stdout.Len() > 0 {
			t.Errorf("netid %v wrote to stdout: %s", args, stdout.String())
		}
	}
}

func TestRenderConfigMustBeNetworkIdentity(t *testing.T) {
	dir := t.TempDir() + "/cm.yaml"
	writeFile(t, dir, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\n")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"render", "--config", dir}, strings.NewReader(""), &stdout, &stderr); code != 1 || stdout.Len() > 0 ||
		!strings.Contains(stderr.String(), "is not a NetworkIdentity") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, a ConfigMap is not a NetworkIdentity", code, stdout.String(), stderr.String())
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// `netid rules` shows each rule's controls in every format.
func TestRulesShowControls(t *testing.T) {
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := Main(append([]string{"rules"}, args...), strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("netid rules %v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	text := run()
	if !strings.Contains(text, "rbac-no-wildcard                   error   RBAC rules name their verbs, resources and API groups\n    CIS v1.11: 5.1.3\n") {
		t.Errorf("netid rules does not list rbac-no-wildcard's CIS control under it:\n%s", text)
	}
	if !strings.Contains(text, "object-conflict") || !strings.Contains(text, "    no published control: ") {
		t.Errorf("netid rules does not say which rules evidence no published control:\n%s", text)
	}
	md := run("--format", "markdown")
	for _, s := range []string{"- CIS 5.1.3: Minimize wildcard use in Roles and ClusterRoles\n", "## Compliance controls", "| 5.3.2 | Ensure that all Namespaces have NetworkPolicies defined | [`netpol-default-deny`](#netpol-default-deny) |"} {
		if !strings.Contains(md, s) {
			t.Errorf("netid rules --format markdown lacks %q", s)
		}
	}
	var doc struct {
		Frameworks []struct{ Key, Version string }
		Rules      []struct {
			ID        string
			Controls  []struct{ Framework, ID, Title string }
			NoControl string
		}
	}
	js := run("--format", "json")
	if !strings.Contains(js, `"id": "Network separation and hardening > Network policies"`) {
		t.Errorf("netid rules --format json does not write NSA/CISA IDs as written:\n%s", js)
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("netid rules --format json: %v", err)
	}
	if len(doc.Frameworks) != 3 || doc.Frameworks[0].Key != "cis" || doc.Frameworks[0].Version != "v1.11" {
		t.Errorf("json frameworks = %+v", doc.Frameworks)
	}
	found := false
	for _, r := range doc.Rules {
		if len(r.Controls) == 0 && r.NoControl == "" {
			t.Errorf("json rule %s has neither controls nor noControl", r.ID)
		}
		for _, c := range r.Controls {
			found = found || (r.ID == "netpol-default-deny" && c.Framework == "nist-800-190" && c.ID == "4.3.3" && c.Title == "Poorly separated inter-container network traffic")
		}
	}
	if !found {
		t.Errorf("json does not map netpol-default-deny to NIST SP 800-190 4.3.3")
	}
}

// netid render --network-policy-layout chooses the layout of the pipe form:
// per-workload by default (one <workload>-flows policy), per-flow on request;
// an unknown layout is a usage error.
func TestRenderNetworkPolicyLayout(t *testing.T) {
	input := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers: [{name: web, image: example.com/web:1.0, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
`
	config := t.TempDir() + "/web.yaml"
	writeFile(t, config, `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: web, namespace: shop}
spec:
  mesh: {provider: none, eastWest: "TLS in the app"}
  egress:
  - {to: {cidr: 203.0.113.0/24}, ports: [443], reason: "card network"}
  - {to: {cidr: 198.51.100.0/24}, ports: [443], reason: "fraud checks"}
`)
	for _, c := range []struct {
		flags     []string
		want, not string
	}{
		{nil, "name: web-flows\n", "web-egress-to-"},
		{[]string{"--network-policy-layout", "per-workload"}, "name: web-flows\n", "web-egress-to-"},
		{[]string{"--network-policy-layout", "per-flow"}, "name: web-egress-to-cidr-203-0-113-0-24\n", "web-flows"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"render", "--config", config}, c.flags...)
		if code := Main(args, strings.NewReader(input), &stdout, &stderr); code != 0 {
			t.Fatalf("netid %v: exit %d: %s", args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), c.want) || strings.Contains(stdout.String(), c.not) {
			t.Errorf("netid %v: output lacks %q or has %q:\n%s", args, c.want, c.not, stdout.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"render", "--config", config, "--network-policy-layout", "per-namespace"}, strings.NewReader(input), &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "per-workload or per-flow") {
		t.Errorf("unknown layout: exit %d, stderr %q; want 2 naming the layouts", code, stderr.String())
	}
}
