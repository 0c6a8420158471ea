package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type verification struct {
	Declared bool `json:"declared"`
	Flows    []struct {
		From, To, Port string
	} `json:"flows"`
	Mismatches []json.RawMessage           `json:"mismatches"`
	RBAC       map[string][]map[string]any `json:"rbac"`
}

// TestVerifyRenderedOutput runs `netid verify` on kustomize's output, which has
// no NetworkIdentity left (kustomize drops local-config): it must list the
// flows the policies open, and nothing else between the workloads.
func TestVerifyRenderedOutput(t *testing.T) {
	kustomize := requireKustomize(t)
	rendered := mustRun(t, repoRoot, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", "examples/kustomize")
	out := mustRun(t, repoRoot, nil, rendered, netidBin, "verify", "--format", "json")
	var v verification
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("verify --format json: %v\n%s", err, out)
	}
	if v.Declared {
		t.Error("declared is true for a stream without NetworkIdentity")
	}
	var got []string
	for _, f := range v.Flows {
		got = append(got, f.From+" -> "+f.To+" "+f.Port)
	}
	for _, want := range []string{
		"shop/frontend -> shop/cartservice 7070/TCP",
		"shop/checkoutservice -> payments/paymentservice 8080/TCP",
		"payments/paymentservice -> 203.0.113.0 (in 203.0.113.0/24) 443/TCP",
		"shop/frontend -> kube-system/{k8s-app=kube-dns} 53/UDP",
		"gateway-system/{app.kubernetes.io/name=gateway} -> shop/frontend 8080/TCP",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("verify lacks flow %q; it lists:\n%s", want, strings.Join(got, "\n"))
		}
	}
	for _, bad := range []string{"shop/cartservice -> shop/frontend", "shop/frontend -> shop/redis-cart", "netid-probe/"} {
		for _, g := range got {
			if strings.HasPrefix(g, bad) {
				t.Errorf("verify lists a flow the policies must block: %s", g)
			}
		}
	}
	if rules := v.RBAC["shop/checkoutservice"]; len(rules) != 1 {
		t.Errorf("RBAC of shop/checkoutservice: %v, want its one Role rule", rules)
	}
}

// TestVerifyDeclared runs `netid verify` on the kpt package rendered, with its
// NetworkIdentities: the declaration holds, so exit 0 and no mismatch; and on
// the flawed app's configs and policies it fails.
func TestVerifyDeclared(t *testing.T) {
	kpt := requireKpt(t)
	pkg, _ := renderKptCopy(t, kpt)
	out := mustRun(t, repoRoot, nil, nil, netidBin, "verify", "--format", "json", pkg)
	var v verification
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("verify --format json: %v\n%s", err, out)
	}
	if !v.Declared || len(v.Mismatches) != 0 {
		t.Errorf("verify of the rendered kpt package: declared=%v mismatches=%s", v.Declared, v.Mismatches)
	}

	// Break the proof: a policy admitting frontend's labels from any namespace.
	extra := filepath.Join(pkg, "debug-policy.yaml")
	writeFile(t, extra, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cartservice-debug, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: cartservice}}
  ingress:
    - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app.kubernetes.io/name: frontend}}}]
`)
	_, err := run(t, repoRoot, nil, nil, netidBin, "verify", pkg)
	if err == nil || !strings.Contains(err.Error(), "error[proof-connectivity]") {
		t.Errorf("verify passed a package whose policies open an undeclared flow: %v", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVerifySaysWhenThereIsNothingToProve: input without workloads, without
// NetworkPolicy, or with declarations that were never rendered fails with
// the reason instead of passing.
func TestVerifySaysWhenThereIsNothingToProve(t *testing.T) {
	kustomize := requireKustomize(t)
	unrendered := mustRun(t, repoRoot, nil, nil, kustomize, "build", "examples/kustomize/app")
	for _, c := range []struct {
		name  string
		args  []string
		stdin []byte
		want  string
	}{
		{"no workloads", []string{"verify"}, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), "has no workloads"},
		{"no NetworkPolicy", []string{"verify"}, unrendered, "has no NetworkPolicy"},
		{"declarations never rendered", []string{"verify", "examples/kustomize/app"}, nil, "not rendered; render it first"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(netidBin, c.args...)
			cmd.Dir = repoRoot
			cmd.Stdin = bytes.NewReader(c.stdin)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if err == nil {
				t.Fatalf("netid %v passed; stderr:\n%s", c.args, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr.String())
			}
		})
	}
}

// TestVerifyNamesLayersNotEvaluated: `netid verify` on kustomize's output
// with a Cilium clusterwide policy added says which layers the matrix comes
// from and names the policy it did not evaluate, in JSON and in the table.
func TestVerifyNamesLayersNotEvaluated(t *testing.T) {
	kustomize := requireKustomize(t)
	rendered := mustRun(t, repoRoot, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", "examples/kustomize")
	stream := append(append([]byte{}, rendered...), []byte(`---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: allow-all-entities}
spec:
  endpointSelector: {}
  ingress: [{fromEntities: [all]}]
`)...)
	out := mustRun(t, repoRoot, nil, stream, netidBin, "verify", "--format", "json")
	var v struct {
		Layers       []string `json:"layers"`
		NotEvaluated []struct {
			Kind, Name, Layer string
		} `json:"notEvaluated"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("verify --format json: %v\n%s", err, out)
	}
	if len(v.Layers) != 1 || !strings.Contains(v.Layers[0], "NetworkPolicy") {
		t.Errorf("layers = %q, want NetworkPolicy alone", v.Layers)
	}
	if len(v.NotEvaluated) != 1 || v.NotEvaluated[0].Kind != "CiliumClusterwideNetworkPolicy" ||
		v.NotEvaluated[0].Name != "allow-all-entities" || !strings.Contains(v.NotEvaluated[0].Layer, "Cilium") {
		t.Errorf("notEvaluated = %+v, want the Cilium clusterwide policy", v.NotEvaluated)
	}
	table := string(mustRun(t, repoRoot, nil, stream, netidBin, "verify"))
	for _, want := range []string{"Layers evaluated: ", "Not evaluated: CiliumClusterwideNetworkPolicy allow-all-entities (Cilium"} {
		if !strings.Contains(table, want) {
			t.Errorf("verify's table lacks %q:\n%.3000s", want, table)
		}
	}
}
