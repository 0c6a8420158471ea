package process

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
)

// ciliumProof renders a ResourceList as Run does and returns the
// connectivity proof of the result; enforcing renders every workload in
// its enforce stage (the form the proof judges).
func ciliumProof(t *testing.T, input []byte, enforcing bool) *proof.Result {
	t.Helper()
	return calicoRenderInput(t, input, false, enforcing, nil).result
}

// cells are the allowed cells of a proof as "from → to port".
func cells(r *proof.Result) []string {
	var out []string
	for _, c := range r.Allowed {
		out = append(out, c.From+" → "+c.To+" "+c.Port)
	}
	slices.Sort(out)
	return out
}

// generic is a native Cilium case's input without its
// ClusterNetworkIdentity and without L7 restrictions: the same
// declarations as NetworkPolicies (and the FQDN CiliumNetworkPolicies
// cni: cilium gives), compared at layer 4.
func generic(t *testing.T, input []byte) []byte {
	t.Helper()
	s := string(input)
	i := strings.Index(s, "functionConfig:")
	if i < 0 {
		t.Fatal("the case has no functionConfig")
	}
	// drop every l7: block (the key's line and the lines indented below it)
	var out []string
	cut := -1
	for _, line := range strings.Split(s[:i], "\n") {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if cut >= 0 && indent > cut {
			continue
		}
		cut = -1
		if strings.TrimSpace(line) == "l7:" {
			cut = indent
			continue
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

// The native render proves the same allowed-flow matrix as the generic
// render of the same declarations, and its L7-restricted flows are the
// declared ones, each restricted by the callee's policy.
func TestCiliumNativeMatrixEqualsGeneric(t *testing.T) {
	input, err := os.ReadFile("testdata/dialect-cilium-native/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	native := ciliumProof(t, input, false)
	plain := ciliumProof(t, generic(t, input), false)
	if bytes.Contains(generic(t, input), []byte("l7:")) || bytes.Contains(generic(t, input), []byte("ClusterNetworkIdentity")) {
		t.Fatal("the generic input still carries L7 or the ClusterNetworkIdentity")
	}
	if !slices.Contains(native.Evaluated, "Cilium policy (cilium.io)") {
		t.Errorf("the native render was not evaluated as Cilium policy: %v", native.Evaluated)
	}
	if got, want := cells(native), cells(plain); !slices.Equal(got, want) {
		t.Errorf("native matrix differs from the generic one:\nnative:\n  %s\ngeneric:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(native.Mismatches) > 0 {
		t.Errorf("mismatches in the native render: %v", native.Mismatches)
	}
	l7 := map[string]string{}
	for _, c := range native.Allowed {
		if len(c.L7) > 0 {
			l7[c.From+" → "+c.To+" "+c.Port] = strings.Join(c.L7, "; ")
		}
	}
	want := map[string]string{
		"web/frontend → shop/cart 7070/TCP":                                      "CiliumNetworkPolicy shop/cart-flows spec.ingress[0].toPorts[0]: HTTP method POST path /hipstershop\\.CartService/GetCart",
		"web/frontend → shop/catalog 8080/TCP":                                   "CiliumNetworkPolicy shop/catalog-flows spec.ingress[1].toPorts[0]: HTTP method GET path /products(/.*)?",
		"monitoring/{app.kubernetes.io/name=prometheus} → shop/catalog 8080/TCP": "CiliumNetworkPolicy shop/catalog-flows spec.ingress[0].toPorts[0]: HTTP method GET path /metrics",
	}
	for k, v := range want {
		if l7[k] != v {
			t.Errorf("%s: L7 %q, want %q", k, l7[k], v)
		}
	}
	for k := range l7 {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: restricted above layer 4 (%s), declared without L7", k, l7[k])
		}
	}
}

// The baseline as CiliumClusterwideNetworkPolicies, every workload
// enforcing, proves the generic render's matrix plus exactly the
// baseline's allowance (the monitoring scrape of every governed pod on
// 9090), and its deny wins over a declared allow: frontend reaches
// 169.254.0.0/16 but not the metadata address inside it.
func TestCiliumBaselineMatrix(t *testing.T) {
	input, err := os.ReadFile("testdata/dialect-cilium-baseline-observe/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	input = bytes.Replace(input, []byte(`    - to: {workload: cart}
      ports: [http]
      reason: "read the cart"
`), []byte(`    - to: {workload: cart}
      ports: [http]
      reason: "read the cart"
    - to: {cidr: 169.254.0.0/16}
      ports: [80]
      reason: "link-local service"
`), 1)
	if !bytes.Contains(input, []byte("169.254.0.0/16")) {
		t.Fatal("the case's frontend egress changed: cannot add the link-local flow")
	}
	native := ciliumProof(t, input, true)
	plain := ciliumProof(t, generic(t, input), true)
	have := map[string]bool{}
	for _, c := range cells(native) {
		have[c] = true
	}
	for _, c := range cells(plain) {
		if !have[c] {
			t.Errorf("the generic render allows %s, the baseline does not", c)
		}
		delete(have, c)
	}
	scraped := 0
	for c := range have {
		if strings.HasPrefix(c, "monitoring/{app.kubernetes.io/name=prometheus} → shop/") && strings.HasSuffix(c, " 9090/TCP") {
			scraped++
			continue
		}
		t.Errorf("the baseline allows %s, which neither the generic render nor the baseline's allowances do", c)
	}
	if scraped < 3 {
		t.Errorf("the scrape reaches %d endpoints of shop, want cart, frontend and every other pod", scraped)
	}
	if !slices.ContainsFunc(native.Endpoints, func(e string) bool { return strings.Contains(e, "169.254.169.254") }) {
		t.Fatalf("no endpoint of the proof stands for the metadata address: %v", native.Endpoints)
	}
	link, metadata := false, false
	for _, c := range native.Allowed {
		if c.From == "shop/frontend" && strings.Contains(c.To, "169.254.169.254") {
			metadata = true
		}
		if c.From == "shop/frontend" && strings.Contains(c.To, "(in 169.254.0.0/16)") && !strings.Contains(c.To, "169.254.169.254") {
			link = true
		}
	}
	if !link || metadata {
		t.Errorf("frontend reaches 169.254.0.0/16: %v, the metadata address: %v; want true, false:\n  %s", link, metadata, strings.Join(cells(native), "\n  "))
	}
}

// In observe, frontend's policies and the baseline isolate nothing of
// frontend: what enforce would block reaches it; cart, enforcing, stays
// isolated.
func TestCiliumBaselineObserve(t *testing.T) {
	input, err := os.ReadFile("testdata/dialect-cilium-baseline-observe/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	open := func(r *proof.Result, to string) bool {
		for _, c := range r.Allowed {
			if c.To == to && strings.Contains(c.From, "outside the cluster") {
				return true
			}
		}
		return false
	}
	observe, enforce := ciliumProof(t, input, false), ciliumProof(t, input, true)
	if !open(observe, "shop/frontend") {
		t.Errorf("in observe, nothing from outside reaches frontend:\n  %s", strings.Join(cells(observe), "\n  "))
	}
	if open(observe, "shop/cart") || open(enforce, "shop/cart") || open(enforce, "shop/frontend") {
		t.Errorf("an enforcing workload is reached from outside:\nobserve:\n  %s\nenforce:\n  %s", strings.Join(cells(observe), "\n  "), strings.Join(cells(enforce), "\n  "))
	}
}

// Every golden case that renders proves the same matrix again with a
// ClusterNetworkIdentity {cni: cilium, dialect: native} added: the native
// render and the NetworkPolicy render of the same declarations agree.
func TestCiliumNativeMatrixOfGoldenCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const cluster = `- apiVersion: netid.dev/v1alpha1
  kind: ClusterNetworkIdentity
  metadata:
    name: cluster
    annotations: {config.kubernetes.io/local-config: "true"}
  spec: {cni: cilium, dialect: native}
`
	compared := 0
	for _, in := range dirs {
		dir := filepath.Dir(in)
		stderr, err := os.ReadFile(filepath.Join(dir, "stderr.txt"))
		if err != nil || !bytes.HasSuffix(stderr, []byte("exit code: 0\n")) || bytes.Contains(stderr, []byte("ClusterNetworkIdentity")) {
			continue
		}
		input, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(input, []byte("kind: ClusterNetworkIdentity")) || bytes.Contains(input, []byte("validate-only")) || !bytes.Contains(input, []byte("\nitems:\n")) {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			// Istio's authorization multiplies the proof's endpoints, to
			// seconds a case: the sidecar cases add nothing for the network
			// layer (ambient's tunnel port and probes do, without -short).
			if strings.Contains(dir, "istio") && (testing.Short() || !strings.Contains(dir, "ambient")) {
				t.Skip("Istio sidecar case: the network layer is covered by the others")
			}
			native := bytes.Replace(input, []byte("\nitems:\n"), []byte("\nitems:\n"+cluster), 1)
			items, fc := readList(t, native)
			m, fs := load.Load(items, fc)
			if fs.HasErrors() {
				t.Skipf("does not load with cni cilium: %v", fs)
			}
			if _, pfs := plan.Make(m); pfs.HasErrors() {
				t.Skipf("does not plan with cni cilium: %v", pfs)
			}
			got, want := cells(ciliumProof(t, native, true)), cells(ciliumProof(t, input, true))
			if !slices.Equal(got, want) {
				t.Errorf("native matrix differs from the NetworkPolicy one:\nnative:\n  %s\nNetworkPolicy:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			compared++
		})
	}
	if compared < 20 && !testing.Short() {
		t.Errorf("compared %d cases, want at least 20", compared)
	}
}

// An observed workload selected by two labels: the default deny's
// selection is a union of selectors (specs), and leaves out exactly the
// pods with both labels.
func TestCiliumBaselineObserveTwoLabels(t *testing.T) {
	input, err := os.ReadFile("testdata/dialect-cilium-baseline-observe/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	two := bytes.ReplaceAll(input, []byte("{app: frontend}"), []byte("{app: frontend, tier: web}"))
	if n := bytes.Count(two, []byte("tier: web")); n != 2 {
		t.Fatalf("the case's frontend labels changed: %d replaced, want 2 (selector and template)", n)
	}
	r := ciliumProof(t, two, false)
	reached := map[string]bool{}
	for _, c := range r.Allowed {
		if strings.Contains(c.From, "outside the cluster") && strings.HasPrefix(c.To, "shop/") {
			reached[c.To] = true
		}
	}
	if !reached["shop/frontend"] {
		t.Errorf("observed frontend is not reached from outside: %v", reached)
	}
	for to := range reached {
		if to != "shop/frontend" && !(strings.Contains(to, "app=frontend") && strings.Contains(to, "tier=web")) {
			t.Errorf("%s is reached from outside: the default deny left out more than frontend's pods", to)
		}
	}
	for _, e := range r.Endpoints {
		if strings.HasPrefix(e, "shop/{") && (strings.Contains(e, "app=frontend") != strings.Contains(e, "tier=web")) && reached[e] {
			t.Errorf("%s, with one of frontend's labels only, is reached", e)
		}
	}
}
