package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"
)

// istioAPIVersion is the istio.io/api module of Istio 1.31.4, whose
// kubernetes/customresourcedefinitions.gen.yaml holds Istio's CRDs
// (PeerAuthentication among them). The Gateway API CRDs come from the
// sigs.k8s.io/gateway-api version that go.mod requires.
const istioAPIVersion = "v1.31.4"

// ciliumVersion is the github.com/cilium/cilium module whose
// pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml is the
// CiliumNetworkPolicy CRD.
const ciliumVersion = "v1.20.2"

// rolloutsVersion is the github.com/argoproj/argo-rollouts module whose
// manifests/crds/rollout-crd.yaml is the Rollout CRD. (v1.10 needs a newer
// Go than the toolchain go.mod pins.)
const rolloutsVersion = "v1.9.0"

// apiserverBuildTimeout bounds `hack/apiserver.sh build`: a first build of
// kube-apiserver, kubectl and etcd on two cores, module downloads included,
// takes about nine minutes.
const apiserverBuildTimeout = 40 * time.Minute

// TestAPIServerAcceptsExamples proves that what netid renders is accepted by
// a real Kubernetes API server, not only by netid's own checks: a pinned
// kube-apiserver and etcd (built from the Go module proxy by
// hack/apiserver.sh, see hack/apiserver/go.mod) run on 127.0.0.1 for the
// test, and the pinned kubectl talks to them. On examples/kustomize's render:
//
//   - crds: the Gateway API, Istio, CiliumNetworkPolicy and Argo Rollouts'
//     Rollout CRDs are installed;
//   - networkidentity-crd: netid's own CRD (config/crd/) is installed, every
//     example NetworkIdentity config passes `kubectl create --dry-run=server
//     --validate=strict`, and an unknown field or a value outside an enum is
//     refused (checkCRD);
//   - corpus: each case of the edge-case corpus (e2e/testdata/apiserver-corpus:
//     names at their limits, the longest reasons, many flows, IPv6 blocks,
//     every kind netid emits) is rendered by netid, its Namespaces created
//     and every other object dry-run (Linkerd's kinds excepted: no CRD, see
//     notDryRun); the kinds × cases accepted are logged;
//   - namespaces: the Namespaces are created for real (with their Pod
//     Security labels);
//   - dry-run: every other object passes `kubectl apply --dry-run=server`
//     (schema, strict field validation, admission), with no warning;
//   - rbac: the ServiceAccounts and RBAC objects are created for real;
//   - podsecurity: the Pod each workload's template makes is admitted by the
//     real PodSecurity admission (dry run), and a privileged copy of it is
//     refused by PodSecurity (so it was enforcing);
//   - can-i: each ServiceAccount's permissions, as the API server
//     lists them (kubectl auth can-i --list), equal netid's own RBAC review
//     (netid verify --format json) plus the bootstrap policy it reports.
//
// It runs under CI (CI set), where it may not skip, and locally with
// NETID_APISERVER=1. The first build of the binaries takes minutes (`make
// apiserver` does it ahead of time; inside the test it is bounded by go
// test's -timeout).
func TestAPIServerAcceptsExamples(t *testing.T) {
	if os.Getenv("NETID_APISERVER") != "1" && os.Getenv("CI") == "" {
		t.Skip("set NETID_APISERVER=1 (or CI) to run against a real kube-apiserver; `make apiserver` builds it first (minutes, once)")
	}
	kustomize := requireKustomize(t)
	k := startAPIServer(t)

	rendered := mustRun(t, repoRoot, nil, nil, kustomize,
		"build", "--enable-alpha-plugins", "--enable-exec", "examples/kustomize")
	objs := decodeObjects(t, rendered)
	byKind := func(kinds ...string) (out []kubeObject) {
		for _, o := range objs {
			if slices.Contains(kinds, o.Kind) {
				out = append(out, o)
			}
		}
		return out
	}
	rbacKinds := []string{"ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"}

	// A failed gate step ends the test: the steps after it need what it made.
	steps := []struct {
		name string
		gate bool
		run  func(t *testing.T)
	}{
		{"crds", true, func(t *testing.T) { installCRDs(t, k) }},
		{"networkidentity-crd", false, func(t *testing.T) { checkCRD(t, k) }},
		{"corpus", false, func(t *testing.T) { checkCorpus(t, k) }},
		{"namespaces", true, func(t *testing.T) {
			nss := byKind("Namespace")
			if len(nss) == 0 {
				t.Fatal("the rendered example has no Namespace")
			}
			out, _ := k.must(t, encodeObjects(t, nss), "apply", "--validate=strict", "-f", "-")
			t.Logf("kubectl apply:\n%s", out)
		}},
		{"dry-run", false, func(t *testing.T) {
			var rest []kubeObject
			for _, o := range objs {
				if o.Kind != "Namespace" {
					rest = append(rest, o)
				}
			}
			out, _ := k.must(t, encodeObjects(t, rest), "apply", "--dry-run=server", "--validate=strict", "-f", "-")
			t.Logf("kubectl apply --dry-run=server:\n%s", out)
			if n := strings.Count(out, "(server dry run)"); n != len(rest) {
				t.Errorf("kubectl reported %d objects applied (server dry run), want %d", n, len(rest))
			}
		}},
		// The example has no mesh; the Istio objects netid generates are
		// checked against the Istio CRDs with the golden case that adopts it.
		{"istio", false, func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join(repoRoot, "fn", "internal", "process", "testdata", "mesh-istio", "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var mesh []kubeObject
			for _, o := range decodeObjects(t, mustRun(t, repoRoot, nil, input, netidBin)) {
				if o.Kind == "PeerAuthentication" || o.Kind == "AuthorizationPolicy" {
					mesh = append(mesh, o)
				}
			}
			if len(mesh) != 4 {
				t.Fatalf("netid generated %d Istio objects for the mesh-istio case, want 4", len(mesh))
			}
			out, _ := k.must(t, encodeObjects(t, mesh), "apply", "--dry-run=server", "--validate=strict", "-f", "-")
			if n := strings.Count(out, "(server dry run)"); n != len(mesh) {
				t.Errorf("kubectl reported %d Istio objects applied (server dry run), want %d:\n%s", n, len(mesh), out)
			}
		}},
		{"dialects", false, func(t *testing.T) { checkDialects(t, k, kustomize) }},
		{"rbac", true, func(t *testing.T) {
			objs := byKind(rbacKinds...)
			if len(objs) == 0 {
				t.Fatal("the rendered example has no ServiceAccount or RBAC object")
			}
			out, _ := k.must(t, encodeObjects(t, objs), "apply", "--validate=strict", "-f", "-")
			t.Logf("kubectl apply:\n%s", out)
		}},
		// After "rbac": the ServiceAccount admission plugin refuses a pod
		// whose ServiceAccount does not exist, before PodSecurity sees it.
		{"podsecurity", false, func(t *testing.T) { checkPodSecurity(t, k, objs) }},
		{"can-i", false, func(t *testing.T) { checkRBACReview(t, k, rendered, objs) }},
	}
	for i, s := range steps {
		if !t.Run(s.name, s.run) && s.gate {
			for _, later := range steps[i+1:] {
				t.Logf("step %q not run: step %q failed", later.name, s.name)
			}
			t.FailNow()
		}
	}
}

// ---------------------------------------------------------------- server

// kubeCtl runs the pinned kubectl against the test's API server.
type kubeCtl struct {
	bin, kubeconfig, cacheDir string
}

// run runs kubectl with args, feeding it stdin (if not nil); it returns
// stdout and stderr (where kubectl prints the server's warnings).
func (k kubeCtl) run(t *testing.T, stdin []byte, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	args = append([]string{"--kubeconfig", k.kubeconfig, "--cache-dir", k.cacheDir, "--request-timeout", "60s"}, args...)
	o, e, err := runCommand(t.Context(), commandTimeout, repoRoot, nil, stdin, k.bin, args...)
	return string(o), string(e), err
}

// must is run, failing the test on an error or on any warning from the server.
func (k kubeCtl) must(t *testing.T, stdin []byte, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, err := k.run(t, stdin, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout, stderr)
	}
	if w := warnings(stderr); len(w) > 0 {
		t.Errorf("kubectl %s: the API server warned:\n%s", strings.Join(args, " "), strings.Join(w, "\n"))
	}
	return stdout, stderr
}

// warnings returns kubectl's "Warning: ..." lines (server warnings).
func warnings(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "Warning:") || strings.HasPrefix(strings.TrimSpace(l), "warning:") {
			out = append(out, l)
		}
	}
	return out
}

// runCommand runs name with args in dir, bounded by timeout (and ctx), and
// returns stdout and stderr separately.
func runCommand(ctx context.Context, timeout time.Duration, dir string, env []string, stdin []byte, name string, args ...string) ([]byte, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	// A child that outlives the command must not hold the test on its pipes.
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", err, ctx.Err())
		}
		err = fmt.Errorf("%s %s: %w", filepath.Base(name), strings.Join(args, " "), err)
	}
	return stdout.Bytes(), stderr.Bytes(), err
}

// startAPIServer builds (or finds built) the pinned binaries, starts etcd and
// kube-apiserver on loopback for this test and stops them when it ends.
func startAPIServer(t *testing.T) kubeCtl {
	t.Helper()
	script := filepath.Join(repoRoot, "hack", "apiserver.sh")

	timeout := apiserverBuildTimeout
	if d, ok := t.Deadline(); ok {
		// Fail with the build's own output rather than go test's panic.
		if left := time.Until(d) - 2*time.Minute; left < timeout {
			timeout = max(left, time.Minute)
		}
	}
	start := time.Now()
	out, stderr, err := runCommand(t.Context(), timeout, repoRoot, nil, nil, script, "build")
	if err != nil {
		t.Fatalf("building the pinned kube-apiserver, kubectl and etcd (a first build takes minutes: run `make apiserver`, or give go test a longer -timeout): %v\n%s", err, stderr)
	}
	binDir := strings.TrimSpace(string(out))
	t.Logf("hack/apiserver.sh build: %s (%s)\n%s", binDir, time.Since(start).Round(time.Second), stderr)

	dir := t.TempDir()
	lifetime := time.Hour
	if d, ok := t.Deadline(); ok {
		lifetime = time.Until(d) + time.Minute
	}
	env := []string{
		"NETID_APISERVER_OWNER_PID=" + strconv.Itoa(os.Getpid()),
		"NETID_APISERVER_LIFETIME=" + strconv.Itoa(int(lifetime.Seconds())),
	}
	start = time.Now()
	out, stderr, err = runCommand(t.Context(), 5*time.Minute, repoRoot, env, nil, script, "start", dir)
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range []string{"kube-apiserver.log", "etcd.log"} {
				if log, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
					t.Logf("last errors in %s:\n%s", name, lastLines(errorLines(string(log)), 20))
				}
			}
		}
		// t.Context() is done by now.
		if _, stderr, err := runCommand(context.Background(), time.Minute, repoRoot, nil, nil, script, "stop", dir); err != nil {
			t.Errorf("stopping the API server: %v\n%s", err, stderr)
		}
	})
	if err != nil {
		t.Fatalf("starting etcd and kube-apiserver: %v\n%s", err, stderr)
	}
	t.Logf("hack/apiserver.sh start: ready in %s\n%s", time.Since(start).Round(100*time.Millisecond), stderr)
	k := kubeCtl{
		bin:        filepath.Join(binDir, "kubectl"),
		kubeconfig: strings.TrimSpace(string(out)),
		cacheDir:   filepath.Join(dir, "kubectl-cache"),
	}
	version, _ := k.must(t, nil, "version")
	t.Logf("kubectl version:\n%s", version)
	return k
}

// errorLines keeps the lines of a klog (E...) or etcd ("level":"error") log
// that report errors.
func errorLines(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(l, "E") || strings.Contains(l, `"level":"error"`) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// installCRDs installs the Gateway API (standard channel), Istio and
// CiliumNetworkPolicy CRDs from their Go modules and waits until the API
// server serves them.
func installCRDs(t *testing.T, k kubeCtl) {
	gw := downloadModule(t, repoRoot, "sigs.k8s.io/gateway-api")
	gwFiles, err := filepath.Glob(filepath.Join(gw.Dir, "config", "crd", "standard", "*.yaml"))
	if err != nil || len(gwFiles) == 0 {
		t.Fatalf("no Gateway API CRDs in %s/config/crd/standard (%v)", gw.Dir, err)
	}
	// Outside any module, so the query neither reads nor edits netid's go.mod.
	istio := downloadModule(t, t.TempDir(), "istio.io/api@"+istioAPIVersion)
	istioFile := filepath.Join(istio.Dir, "kubernetes", "customresourcedefinitions.gen.yaml")
	cilium := downloadModule(t, t.TempDir(), "github.com/cilium/cilium@"+ciliumVersion)
	ciliumFile := filepath.Join(cilium.Dir, "pkg", "k8s", "apis", "cilium.io", "client", "crds", "v2", "ciliumnetworkpolicies.yaml")
	ciliumClusterFile := filepath.Join(cilium.Dir, "pkg", "k8s", "apis", "cilium.io", "client", "crds", "v2", "ciliumclusterwidenetworkpolicies.yaml")
	npapi := downloadModule(t, repoRoot, "sigs.k8s.io/network-policy-api")
	npapiFiles, err := filepath.Glob(filepath.Join(npapi.Dir, "config", "crd", "standard", "policy.networking.k8s.io_*.yaml"))
	if err != nil || len(npapiFiles) == 0 {
		t.Fatalf("no network-policy-api CRDs in %s/config/crd/standard (%v)", npapi.Dir, err)
	}
	// Calico's and Antrea's CRDs are kept in e2e/testdata/crds (README.md
	// there says from which commit): no Go module serves them.
	cniFiles, err := filepath.Glob(filepath.Join(repoRoot, "e2e", "testdata", "crds", "*", "*.yaml"))
	if err != nil || len(cniFiles) == 0 {
		t.Fatalf("no CRDs in e2e/testdata/crds (%v)", err)
	}
	rollouts := downloadModule(t, t.TempDir(), "github.com/argoproj/argo-rollouts@"+rolloutsVersion)
	rolloutFile := filepath.Join(rollouts.Dir, "manifests", "crds", "rollout-crd.yaml")
	t.Logf("CRDs: sigs.k8s.io/gateway-api %s (%d files), istio.io/api %s, github.com/cilium/cilium %s (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy), github.com/argoproj/argo-rollouts %s (Rollout), sigs.k8s.io/network-policy-api %s (%d files), Calico and Antrea from e2e/testdata/crds (%d files)",
		gw.Version, len(gwFiles), istio.Version, cilium.Version, rollouts.Version, npapi.Version, len(npapiFiles), len(cniFiles))

	// Server-side apply: Istio's and Argo Rollouts' CRDs are too large for the
	// annotation that client-side apply keeps.
	args := []string{"apply", "--server-side", "--force-conflicts"}
	for _, f := range slices.Concat(gwFiles, []string{istioFile, rolloutFile}, npapiFiles, cniFiles) {
		args = append(args, "-f", f)
	}
	out, _ := k.must(t, nil, args...)
	t.Logf("kubectl apply --server-side:\n%s", out)
	// Cilium's CRD declares `format: idn-hostname` (on an L7 host regex),
	// which the API server does not know and warns about when the CRD is
	// created: that warning, about Cilium's schema, is the one tolerated.
	for _, f := range []string{ciliumFile, ciliumClusterFile} {
		out, stderr, err := k.run(t, nil, "apply", "--server-side", "--force-conflicts", "-f", f)
		if err != nil {
			t.Fatalf("kubectl apply -f %s: %v\n%s", f, err, stderr)
		}
		for _, w := range warnings(stderr) {
			if !strings.Contains(w, `unrecognized format "idn-hostname"`) {
				t.Errorf("kubectl apply -f %s: the API server warned: %s", f, w)
			}
		}
		t.Logf("kubectl apply --server-side:\n%s%s", out, stderr)
	}
	k.must(t, nil, "wait", "--for=condition=Established", "--timeout=120s", "crd", "--all")
	for _, r := range []string{"httproutes.gateway.networking.k8s.io", "peerauthentications.security.istio.io", "ciliumnetworkpolicies.cilium.io", "rollouts.argoproj.io",
		"ciliumclusterwidenetworkpolicies.cilium.io", "clusternetworkpolicies.policy.networking.k8s.io", "tiers.projectcalico.org",
		"globalnetworkpolicies.projectcalico.org", "stagednetworkpolicies.projectcalico.org", "tiers.crd.antrea.io", "clusternetworkpolicies.crd.antrea.io"} {
		k.must(t, nil, "get", "crd", r, "-o", "name")
	}
}

type goModule struct {
	Path, Version, Dir, Error string
}

// downloadModule runs `go mod download -json query` in dir.
func downloadModule(t *testing.T, dir, query string) goModule {
	t.Helper()
	out, stderr, err := runCommand(t.Context(), commandTimeout, dir, []string{"GOFLAGS=", "GOWORK=off"}, nil, "go", "mod", "download", "-json", query)
	var m goModule
	if jerr := json.Unmarshal(out, &m); jerr != nil || err != nil || m.Error != "" || m.Dir == "" {
		t.Fatalf("go mod download %s: %v %v %s\n%s", query, err, jerr, m.Error, stderr)
	}
	return m
}

// ---------------------------------------------------------------- objects

// kubeObject is one rendered object, as JSON and as a map.
type kubeObject struct {
	Kind, Namespace, Name string
	Annotations           map[string]string
	JSON                  []byte
	Map                   map[string]any
}

func (o kubeObject) id() string { return o.Kind + "/" + o.Namespace + "/" + o.Name }

func decodeObjects(t *testing.T, data []byte) []kubeObject {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("parsing the rendered YAML: %v", err)
	}
	var out []kubeObject
	for _, n := range nodes {
		j, err := n.MarshalJSON()
		if err != nil {
			t.Fatalf("%s/%s: %v", n.GetKind(), n.GetName(), err)
		}
		var m map[string]any
		if err := json.Unmarshal(j, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, kubeObject{
			Kind: n.GetKind(), Namespace: n.GetNamespace(), Name: n.GetName(),
			Annotations: n.GetAnnotations(), JSON: j, Map: m,
		})
	}
	return out
}

// encodeObjects writes objects as a YAML stream for kubectl -f -.
func encodeObjects(t *testing.T, objs []kubeObject) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, o := range objs {
		y, err := sigsyaml.JSONToYAML(o.JSON)
		if err != nil {
			t.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(y)
	}
	return buf.Bytes()
}

// podTemplatePath is where each workload kind keeps its pod template.
var podTemplatePath = map[string][]string{
	"Deployment":  {"spec", "template"},
	"StatefulSet": {"spec", "template"},
	"DaemonSet":   {"spec", "template"},
	"ReplicaSet":  {"spec", "template"},
	"Job":         {"spec", "template"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template"},
}

func lookup(m map[string]any, path ...string) (map[string]any, bool) {
	for _, p := range path {
		next, ok := m[p].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	return m, true
}

// podFrom makes the Pod that a workload's controller would create from its
// template (named after the workload), by a JSON round trip (a deep copy).
func podFrom(t *testing.T, o kubeObject) map[string]any {
	t.Helper()
	tmpl, ok := lookup(o.Map, podTemplatePath[o.Kind]...)
	if !ok {
		t.Fatalf("%s has no pod template at %s", o.id(), strings.Join(podTemplatePath[o.Kind], "."))
	}
	meta, _ := tmpl["metadata"].(map[string]any)
	podMeta := map[string]any{
		"name":      strings.ToLower(o.Kind) + "-" + o.Name,
		"namespace": o.Namespace,
	}
	for _, f := range []string{"labels", "annotations"} {
		if v, ok := meta[f]; ok {
			podMeta[f] = v
		}
	}
	pod := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": podMeta, "spec": tmpl["spec"]}
	j, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	var copied map[string]any
	if err := json.Unmarshal(j, &copied); err != nil {
		t.Fatal(err)
	}
	if o.Kind == "StatefulSet" {
		addClaimVolumes(o, copied["spec"].(map[string]any))
	}
	return copied
}

// addClaimVolumes adds to a StatefulSet's pod spec the volumes its controller
// adds: one per volumeClaimTemplate, for the claim of pod ordinal 0
// (<template>-<statefulset>-0), in place of a template volume of that name.
func addClaimVolumes(o kubeObject, spec map[string]any) {
	stsSpec, _ := o.Map["spec"].(map[string]any)
	claims, _ := stsSpec["volumeClaimTemplates"].([]any)
	volumes, _ := spec["volumes"].([]any)
	for _, c := range claims {
		claim, _ := c.(map[string]any)
		meta, _ := claim["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		if name == "" {
			continue
		}
		volumes = slices.DeleteFunc(volumes, func(v any) bool {
			m, _ := v.(map[string]any)
			return m["name"] == name
		})
		volumes = append(volumes, map[string]any{
			"name":                  name,
			"persistentVolumeClaim": map[string]any{"claimName": name + "-" + o.Name + "-0"},
		})
	}
	if len(volumes) > 0 {
		spec["volumes"] = volumes
	}
}

// ---------------------------------------------------------------- PodSecurity

// checkPodSecurity dry-run creates, in each workload's namespace, the Pod its
// template makes (PodSecurity must admit it) and the same Pod with a
// privileged first container (PodSecurity must refuse it: proof that it
// judged the first one).
func checkPodSecurity(t *testing.T, k kubeCtl, objs []kubeObject) {
	n := 0
	for _, o := range objs {
		if _, ok := podTemplatePath[o.Kind]; !ok {
			continue
		}
		n++
		t.Run(o.Kind+"/"+o.Namespace+"/"+o.Name, func(t *testing.T) {
			pod := podFrom(t, o)
			good, err := json.Marshal(pod)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := k.must(t, good, "create", "--dry-run=server", "--validate=strict", "-o", "name", "-f", "-")
			t.Logf("admitted: %s", strings.TrimSpace(out))

			spec, _ := pod["spec"].(map[string]any)
			containers, _ := spec["containers"].([]any)
			if len(containers) == 0 {
				t.Fatalf("%s: the pod template has no containers", o.id())
			}
			c0 := containers[0].(map[string]any)
			sc, _ := c0["securityContext"].(map[string]any)
			if sc == nil {
				sc = map[string]any{}
				c0["securityContext"] = sc
			}
			sc["privileged"] = true
			// privileged with allowPrivilegeEscalation=false fails the API's own
			// validation, which would not prove anything about PodSecurity.
			sc["allowPrivilegeEscalation"] = true
			bad, err := json.Marshal(pod)
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, err := k.run(t, bad, "create", "--dry-run=server", "--validate=strict", "-o", "name", "-f", "-")
			switch {
			case err == nil:
				t.Errorf("a privileged copy of %s's pod was admitted in namespace %s: PodSecurity is not enforcing there\n%s", o.id(), o.Namespace, stdout)
			case !strings.Contains(stderr, "violates PodSecurity"):
				t.Errorf("a privileged copy of %s's pod was refused, but not by PodSecurity:\n%s", o.id(), stderr)
			default:
				t.Logf("privileged copy refused: %s", strings.TrimSpace(stderr))
			}
		})
	}
	if n == 0 {
		t.Fatal("the rendered example has no workload")
	}
}

// ---------------------------------------------------------------- RBAC review

// rbacTuple is one grant as `kubectl auth can-i --list` shows it, broken
// down: a resource (resource[.group][/subresource]) or a non-resource URL,
// one resource name ("" for any) and one verb.
type rbacTuple struct {
	Resource, NonResourceURL, ResourceName, Verb string
}

func (r rbacTuple) String() string {
	return strings.Join([]string{orDash(r.Resource), orDash(r.NonResourceURL), orDash(r.ResourceName), r.Verb}, "  ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// netidRule is a rule in `netid verify --format json`'s RBAC review.
// apiGroups is optional: without it, resources are taken as kubectl shows
// them (resource[.group]).
type netidRule struct {
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources"`
	NonResourceURLs []string `json:"nonResourceURLs"`
	ResourceNames   []string `json:"resourceNames"`
	Verbs           []string `json:"verbs"`
}

type netidReview struct {
	RBAC          map[string][]netidRule `json:"rbac"`
	BootstrapRBAC []netidRule            `json:"bootstrapRBAC"`
}

// combineResourceGroup writes a resource as kubectl's table does:
// resource.group/subresource.
func combineResourceGroup(resource, group string) string {
	name, sub, hasSub := strings.Cut(resource, "/")
	if group != "" {
		name += "." + group
	}
	if hasSub {
		name += "/" + sub
	}
	return name
}

func (r netidRule) tuples() []rbacTuple {
	var out []rbacTuple
	for _, u := range r.NonResourceURLs {
		for _, v := range r.Verbs {
			out = append(out, rbacTuple{NonResourceURL: u, Verb: v})
		}
	}
	names := r.ResourceNames
	if len(names) == 0 {
		names = []string{""}
	}
	for _, res := range r.Resources {
		resources := []string{res}
		if r.APIGroups != nil {
			resources = nil
			for _, g := range r.APIGroups {
				resources = append(resources, combineResourceGroup(res, g))
			}
		}
		for _, rr := range resources {
			for _, n := range names {
				for _, v := range r.Verbs {
					out = append(out, rbacTuple{Resource: rr, ResourceName: n, Verb: v})
				}
			}
		}
	}
	return out
}

// parseCanIList parses `kubectl auth can-i --list`'s table: columns
// Resources, Non-Resource URLs, Resource Names, Verbs, aligned under their
// headers, the last three as bracketed lists ("[get list]").
func parseCanIList(table string) ([]rbacTuple, error) {
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) == 0 {
		return nil, fmt.Errorf("empty table")
	}
	header := lines[0]
	cols := []int{0}
	for _, h := range []string{"Non-Resource URLs", "Resource Names", "Verbs"} {
		i := strings.Index(header, h)
		if i < 0 || i <= cols[len(cols)-1] {
			return nil, fmt.Errorf("unexpected header %q", header)
		}
		cols = append(cols, i)
	}
	if !strings.HasPrefix(header, "Resources") {
		return nil, fmt.Errorf("unexpected header %q", header)
	}
	list := func(cell string) ([]string, error) {
		if !strings.HasPrefix(cell, "[") || !strings.HasSuffix(cell, "]") {
			return nil, fmt.Errorf("%q is not a bracketed list", cell)
		}
		return strings.Fields(cell[1 : len(cell)-1]), nil
	}
	var out []rbacTuple
	for _, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(line) < cols[3] {
			return nil, fmt.Errorf("short line %q", line)
		}
		cell := func(i int) string {
			end := len(line)
			if i+1 < len(cols) {
				end = cols[i+1]
			}
			return strings.TrimSpace(line[cols[i]:end])
		}
		urls, err := list(cell(1))
		if err != nil {
			return nil, fmt.Errorf("line %q: %w", line, err)
		}
		names, err := list(cell(2))
		if err != nil {
			return nil, fmt.Errorf("line %q: %w", line, err)
		}
		verbs, err := list(cell(3))
		if err != nil {
			return nil, fmt.Errorf("line %q: %w", line, err)
		}
		var resources []string
		if r := cell(0); r != "" {
			resources = []string{r}
		}
		out = append(out, netidRule{Resources: resources, NonResourceURLs: urls, ResourceNames: names, Verbs: verbs}.tuples()...)
	}
	return out, nil
}

func tupleSet(ts []rbacTuple) map[rbacTuple]bool {
	m := map[rbacTuple]bool{}
	for _, x := range ts {
		m[x] = true
	}
	return m
}

// tupleTable lays tuples out in aligned columns, sorted.
func tupleTable(ts map[rbacTuple]bool) string {
	rows := [][]string{{"RESOURCE", "NON-RESOURCE URL", "RESOURCE NAME", "VERB"}}
	var sorted []rbacTuple
	for x := range ts {
		sorted = append(sorted, x)
	}
	slices.SortFunc(sorted, func(a, b rbacTuple) int { return strings.Compare(a.String(), b.String()) })
	for _, x := range sorted {
		rows = append(rows, []string{orDash(x.Resource), orDash(x.NonResourceURL), orDash(x.ResourceName), x.Verb})
	}
	widths := make([]int, 4)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i < len(r)-1 {
				fmt.Fprintf(&b, "%-*s   ", widths[i], c)
			} else {
				b.WriteString(c + "\n")
			}
		}
	}
	return b.String()
}

// listOrNone writes lines one a line, indented, or "(none)".
func listOrNone(lines []string) string {
	if len(lines) == 0 {
		return "  (none)"
	}
	slices.Sort(lines)
	return "  " + strings.Join(lines, "\n  ")
}

// checkRBACReview compares, for every ServiceAccount of the render (those
// netid generated, once when workloads share one, and a user's it completed
// because a pod template names it), what the API server's RBAC grants it
// (kubectl auth can-i --list, as the ServiceAccount) with netid's own review
// of the rendered stream (netid verify --format json: its rules plus the
// bootstrap policy's).
func checkRBACReview(t *testing.T, k kubeCtl, rendered []byte, objs []kubeObject) {
	type account struct{ ns, name, table string }
	var accounts []account
	for _, o := range objs {
		if o.Kind != "ServiceAccount" {
			continue
		}
		table, _ := k.must(t, nil, "auth", "can-i", "--list",
			"--as", "system:serviceaccount:"+o.Namespace+":"+o.Name, "-n", o.Namespace)
		accounts = append(accounts, account{o.Namespace, o.Name, table})
	}
	if len(accounts) == 0 {
		t.Fatal("the rendered example has no ServiceAccount")
	}
	if t.Failed() {
		return
	}

	out, err := run(t, repoRoot, nil, rendered, netidBin, "verify", "--format", "json")
	if err != nil {
		for _, a := range accounts {
			t.Logf("kubectl auth can-i --list as %s/%s:\n%s", a.ns, a.name, a.table)
		}
		t.Fatalf("netid verify --format json (the rendered example on stdin): %v", err)
	}
	var review netidReview
	if err := json.Unmarshal(out, &review); err != nil {
		t.Fatalf("netid verify --format json printed no review: %v\n%s", err, out)
	}
	if review.RBAC == nil || review.BootstrapRBAC == nil {
		t.Fatalf("netid verify --format json: want the keys rbac and bootstrapRBAC, got:\n%s", out)
	}
	var bootstrap []rbacTuple
	for _, r := range review.BootstrapRBAC {
		bootstrap = append(bootstrap, r.tuples()...)
	}

	for _, a := range accounts {
		key := a.ns + "/" + a.name
		t.Run(key, func(t *testing.T) {
			rules, ok := review.RBAC[key]
			if !ok {
				t.Errorf("netid verify --format json has no rbac entry for %s (keys: %v)", key, mapKeys(review.RBAC))
			}
			want := tupleSet(bootstrap)
			for _, r := range rules {
				for _, x := range r.tuples() {
					want[x] = true
				}
			}
			gotList, err := parseCanIList(a.table)
			if err != nil {
				t.Fatalf("parsing kubectl auth can-i --list: %v\n%s", err, a.table)
			}
			got := tupleSet(gotList)
			var missing, extra []string
			for x := range want {
				if !got[x] {
					missing = append(missing, x.String())
				}
			}
			for x := range got {
				if !want[x] {
					extra = append(extra, x.String())
				}
			}
			if len(missing)+len(extra) > 0 {
				t.Errorf("%s: the API server's RBAC and netid's review differ\n"+
					"netid says it may, the API server does not:\n%s\n"+
					"the API server allows, netid does not say:\n%s\n\n"+
					"kubectl auth can-i --list --as system:serviceaccount:%s:%s -n %s:\n%s\n"+
					"netid verify --format json (rbac[%q] + bootstrapRBAC), broken down:\n%s",
					key, listOrNone(missing), listOrNone(extra),
					a.ns, a.name, a.ns, a.table, key, tupleTable(want))
			}
		})
	}
}

func mapKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dialectKinds are the kinds of the network layer netid renders in each
// dialect, which the "dialects" step dry-runs.
var dialectKinds = []string{"NetworkPolicy", "ClusterNetworkPolicy", "Tier", "GlobalNetworkPolicy",
	"StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"}

// checkDialects dry-runs, against the CNIs' CRDs, the network layer of each
// render of examples/dialects and of each golden case of a dialect, a
// baseline or a rollout (fn/internal/process/testdata/{dialect,rollout}-*
// that render), with --validate=strict and no warning. Their Namespaces
// are created first.
func checkDialects(t *testing.T, k kubeCtl, kustomize string) {
	type render struct {
		name string
		objs []kubeObject
	}
	var renders []render
	for _, ex := range dialectExamples {
		out := mustRun(t, repoRoot, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", filepath.Join("examples", "dialects", ex.dir))
		renders = append(renders, render{"examples/dialects/" + ex.dir, decodeObjects(t, out)})
	}
	var cases []string
	for _, glob := range []string{"dialect-*", "rollout-*"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, "fn", "internal", "process", "testdata", glob, "output.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, m...)
	}
	for _, c := range cases {
		stderr, err := os.ReadFile(filepath.Join(filepath.Dir(c), "stderr.txt"))
		if err != nil || !strings.HasSuffix(string(stderr), "exit code: 0\n") {
			continue
		}
		// the golden ResourceList's items (TestGolden keeps it current)
		out, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		renders = append(renders, render{strings.TrimPrefix(filepath.Dir(c), repoRoot+"/"), decodeObjects(t, out)})
	}
	if len(renders) == len(dialectExamples) {
		t.Error("no golden case of a dialect or a rollout renders")
	}
	seen := map[string]int{}
	for _, r := range renders {
		var nss, policies []kubeObject
		for _, o := range r.objs {
			switch {
			case o.Kind == "Namespace":
				nss = append(nss, o)
			case slices.Contains(dialectKinds, o.Kind):
				policies = append(policies, o)
				seen[o.Kind]++
			}
		}
		if len(policies) == 0 {
			t.Errorf("%s: no network policy to dry-run", r.name)
			continue
		}
		if len(nss) > 0 {
			k.must(t, encodeObjects(t, nss), "apply", "--validate=strict", "-f", "-")
		}
		out, _ := k.must(t, encodeObjects(t, policies), "apply", "--dry-run=server", "--validate=strict", "-f", "-")
		if n := strings.Count(out, "(server dry run)"); n != len(policies) {
			t.Errorf("%s: kubectl reported %d objects applied (server dry run), want %d:\n%s", r.name, n, len(policies), out)
		}
	}
	t.Logf("dry-run of the dialects' network layer: %v in %d renders", seen, len(renders))
}
