package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// argocdBuildTimeout bounds `hack/argocd.sh build`: a first build of Argo
// CD's multi-call binary on two cores, module downloads included, takes
// minutes (see hack/argocd.sh).
const argocdBuildTimeout = 40 * time.Minute

// TestArgoCDPlugin runs the examples through the real Argo CD plugin server,
// as an Argo CD installation with examples/argocd would: argocd-cmp-server
// (github.com/argoproj/argo-cd/v3, pinned by hack/argocd/go.mod and built by
// hack/argocd.sh) is started with examples/argocd/plugin.yaml and the PATH
// that examples/argocd/repo-server-patch.yaml gives the sidecar, its
// /opt/netid (the netid image, mounted as an image volume) standing for a
// directory holding only the binary; hack/argocd/cmpclient then asks it, with
// the repo-server's own client code over the unix socket, whether it claims
// each Application's path (MatchRepository, the plugin's discover rule) and
// for the manifests (GenerateManifest, the repository streamed as a tar.gz).
// The repository streamed is a clone's: the tracked files the apps need, no
// bin/.
//
//   - app: examples/argocd/app is claimed and renders exactly
//     examples/kustomize/expected/output.yaml;
//   - prod: examples/argocd/prod, an overlay whose NetworkIdentities live in
//     its base, is claimed and renders exactly
//     examples/kustomize-prod/expected/output.yaml;
//   - flawed: e2e/testdata/flawed/argocd is claimed, and manifest generation
//     fails with an error naming every rule (what Argo CD shows as the
//     Application's ComparisonError);
//   - plain: a kustomization without netid is not claimed.
//
// It runs under CI (CI set), where it may not skip, and locally with
// NETID_ARGOCD=1. The first build of the binaries takes minutes (`make
// argocd` does it ahead of time).
func TestArgoCDPlugin(t *testing.T) {
	if os.Getenv("NETID_ARGOCD") != "1" && os.Getenv("CI") == "" {
		t.Skip("set NETID_ARGOCD=1 (or CI) to run against a real argocd-cmp-server; `make argocd` builds it first (minutes, once)")
	}
	kustomize := requireKustomize(t)
	binDir := buildArgoCD(t)
	checkFlawedCopy(t)

	repo := cloneForArgoCD(t)
	socketDir := startCMPServer(t, binDir, kustomize)
	client := filepath.Join(binDir, "cmpclient")
	cmpclient := func(args ...string) ([]byte, []byte, error) {
		return runCommand(t.Context(), commandTimeout, repoRoot,
			[]string{"ARGOCD_PLUGINSOCKFILEPATH=" + socketDir}, nil, client, args...)
	}
	claimed := func(t *testing.T, app string) bool {
		t.Helper()
		out, stderr, err := cmpclient("match", "-repo", repo, "-app", app)
		if err != nil {
			t.Fatalf("MatchRepository for %s: %v\n%s", app, err, stderr)
		}
		var res []struct {
			Plugin             string
			IsSupported        bool
			IsDiscoveryEnabled bool
		}
		if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 || res[0].Plugin != "netid.sock" || !res[0].IsDiscoveryEnabled {
			t.Fatalf("MatchRepository for %s: want one discovering plugin netid.sock, got %s (%v)", app, out, err)
		}
		return res[0].IsSupported
	}
	generate := func(t *testing.T, app, want string) {
		t.Helper()
		if !claimed(t, app) {
			t.Fatalf("the netid plugin does not claim %s", app)
		}
		// By discovery (no plugin name), as an Application without
		// spec.source.plugin.name is rendered.
		out, stderr, err := cmpclient("generate", "-repo", repo, "-app", app)
		if err != nil {
			t.Fatalf("GenerateManifest for %s: %v\n%s", app, err, stderr)
		}
		wantData, err := os.ReadFile(filepath.Join(repoRoot, want))
		if err != nil {
			t.Fatal(err)
		}
		if got, exp := normalized(t, out), normalized(t, wantData); got != exp {
			t.Errorf("the plugin's manifests for %s differ from %s:\n%s", app, want, firstDifference([]byte(exp), []byte(got)))
		}
	}

	t.Run("app", func(t *testing.T) {
		generate(t, "examples/argocd/app", "examples/kustomize/expected/output.yaml")
	})
	t.Run("prod", func(t *testing.T) {
		generate(t, "examples/argocd/prod", "examples/kustomize-prod/expected/output.yaml")
	})
	t.Run("flawed", func(t *testing.T) {
		app := "e2e/testdata/flawed/argocd"
		if !claimed(t, app) {
			t.Fatalf("the netid plugin does not claim %s", app)
		}
		out, stderr, err := cmpclient("generate", "-repo", repo, "-app", app, "-plugin", "netid")
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("GenerateManifest for the flawed app: want a refusal, got err %v; stdout:\n%.2000s", err, out)
		}
		if len(out) != 0 {
			t.Errorf("refused render returned %d bytes of manifests; want none", len(out))
		}
		msg := string(stderr)
		if !strings.Contains(msg, "error generating manifests in cmp") || !strings.Contains(msg, "netid: refused to render") {
			t.Errorf("the error lacks the plugin's failure or netid's refusal:\n%s", msg)
		}
		// The first finding follows Argo CD's "... failed exit status 1: "
		// on its line, so findings (which wants them at line starts) would
		// miss it.
		got := map[string][]string{}
		for _, m := range cmpFinding.FindAllStringSubmatch(msg, -1) {
			got[m[2]] = append(got[m[2]], m[1])
		}
		for _, id := range flawedRules(t) {
			if sev, ok := got[id]; !ok || !slices.Contains(sev, "error") {
				t.Errorf("rule %s not in the error as error[%s] (got %v)", id, id, sev)
			}
		}
	})
	t.Run("plain", func(t *testing.T) {
		if claimed(t, "e2e/testdata/argocd-plain") {
			t.Error("the netid plugin claims a kustomization without any NetworkIdentity")
		}
	})
}

// cmpFinding is a netid finding anywhere in an error of the plugin server.
var cmpFinding = regexp.MustCompile(`(error|warning)\[([a-z0-9-]+)\] `)

// normalized re-encodes a YAML stream object by object as indented JSON
// (keys sorted), so that two streams compare equal when they hold the same
// objects in the same order: the plugin server splits the output and
// re-marshals each object, which reorders keys and drops comments.
func normalized(t *testing.T, data []byte) string {
	t.Helper()
	var b strings.Builder
	for _, n := range parseObjects(t, data) {
		var obj any
		if err := sigsyaml.Unmarshal([]byte(n.MustString()), &obj); err != nil {
			t.Fatalf("decoding %s: %v", objectID(n), err)
		}
		j, err := json.MarshalIndent(obj, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteString("\n")
	}
	return b.String()
}

// checkFlawedCopy: e2e/testdata/flawed/argocd/netid.yaml is
// ../enforce/netid.yaml with the function named `netid` (on the sidecar's
// PATH) and a note on top.
func checkFlawedCopy(t *testing.T) {
	t.Helper()
	dir := filepath.Join(repoRoot, "e2e", "testdata", "flawed")
	enforce, err := os.ReadFile(filepath.Join(dir, "enforce", "netid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	argocd, err := os.ReadFile(filepath.Join(dir, "argocd", "netid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The note: the leading comment lines before enforce's own first line.
	first, _, _ := bytes.Cut(enforce, []byte("\n"))
	i := bytes.Index(argocd, first)
	want := bytes.Replace(enforce, []byte("path: ../../../../bin/netid"), []byte("path: netid"), 1)
	if i < 0 || bytes.Equal(want, enforce) || !bytes.Equal(argocd[i:], want) {
		t.Errorf("e2e/testdata/flawed/argocd/netid.yaml is not a note and ../enforce/netid.yaml with `path: netid`:\n%s", firstDifference(want, argocd[max(i, 0):]))
	}
	for _, rel := range []string{"kustomization.yaml"} {
		a, _ := os.ReadFile(filepath.Join(dir, "enforce", rel))
		b, _ := os.ReadFile(filepath.Join(dir, "argocd", rel))
		if !bytes.Equal(a, b) {
			t.Errorf("e2e/testdata/flawed/argocd/%s differs from ../enforce/%s", rel, rel)
		}
	}
	a, _ := os.ReadFile(filepath.Join(repoRoot, "examples", "kustomize-prod", "nameref-httproute.yaml"))
	b, _ := os.ReadFile(filepath.Join(repoRoot, "examples", "argocd", "prod", "nameref-httproute.yaml"))
	if !bytes.Equal(a, b) {
		t.Error("examples/argocd/prod/nameref-httproute.yaml differs from examples/kustomize-prod/nameref-httproute.yaml")
	}
}

// cloneForArgoCD copies what the apps need, as a clone has it: examples/ and
// e2e/testdata/ (no bin/: the function must come from the sidecar's PATH).
func cloneForArgoCD(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	for _, rel := range []string{"examples", filepath.Join("e2e", "testdata")} {
		copyDir(t, filepath.Join(repoRoot, rel), filepath.Join(dst, rel))
	}
	return dst
}

// buildArgoCD builds (or finds built) argocd-cmp-server and cmpclient.
func buildArgoCD(t *testing.T) string {
	t.Helper()
	timeout := argocdBuildTimeout
	if d, ok := t.Deadline(); ok {
		// Fail with the build's own output rather than go test's panic.
		if left := time.Until(d) - 2*time.Minute; left < timeout {
			timeout = max(left, time.Minute)
		}
	}
	start := time.Now()
	t.Logf("hack/argocd.sh build: building argocd-cmp-server once into the tools cache (a first build takes minutes)")
	out, stderr, err := runCommand(t.Context(), timeout, repoRoot, nil, nil, filepath.Join(repoRoot, "hack", "argocd.sh"), "build")
	if err != nil {
		t.Fatalf("building the pinned argocd-cmp-server (a first build takes minutes: run `make argocd`, or give go test a longer -timeout): %v\n%s", err, stderr)
	}
	binDir := strings.TrimSpace(string(out))
	t.Logf("hack/argocd.sh build: %s (%s)\n%s", binDir, time.Since(start).Round(time.Second), stderr)
	return binDir
}

// sidecarPath is the PATH examples/argocd/repo-server-patch.yaml gives the
// plugin sidecar, with its image volume /opt/netid replaced by netidDir.
func sidecarPath(t *testing.T, netidDir string) string {
	t.Helper()
	patch := readObjectsFile(t, filepath.Join(repoRoot, "examples", "argocd", "repo-server-patch.yaml"))[0]
	path, err := patch.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "[name=netid]", "env", "[name=PATH]", "value"))
	if err != nil || path == nil {
		t.Fatalf("repo-server-patch.yaml: the netid container's PATH: %v", err)
	}
	mount, err := patch.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "[name=netid]", "volumeMounts", "[name=netid]", "mountPath"))
	if err != nil || mount == nil {
		t.Fatalf("repo-server-patch.yaml: the netid container's netid volume mount: %v", err)
	}
	dirs := strings.Split(yaml.GetValue(path), ":")
	i := slices.Index(dirs, yaml.GetValue(mount))
	if i < 0 {
		t.Fatalf("repo-server-patch.yaml: the sidecar's PATH %q lacks the image volume's mount path %q", yaml.GetValue(path), yaml.GetValue(mount))
	}
	dirs[i] = netidDir
	return strings.Join(dirs, ":")
}

// startCMPServer starts argocd-cmp-server with examples/argocd/plugin.yaml,
// as the sidecar runs it, and returns the directory holding its socket once
// the socket is there. The server is stopped when the test ends.
func startCMPServer(t *testing.T, binDir, kustomize string) string {
	t.Helper()
	// The image volume: a directory holding nothing but the binary, as the
	// netid image (FROM scratch, /netid) mounts.
	netidDir := filepath.Join(t.TempDir(), "opt-netid")
	if err := os.MkdirAll(netidDir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(netidBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(netidDir, "netid"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	// Argo CD's image has kustomize in /usr/local/bin; here, the pinned one.
	toolsDir := filepath.Join(t.TempDir(), "usr-local-bin")
	if err := os.MkdirAll(toolsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(kustomize, filepath.Join(toolsDir, "kustomize")); err != nil {
		t.Fatal(err)
	}
	path := toolsDir + ":" + sidecarPath(t, netidDir)

	configDir := t.TempDir()
	plugin, err := os.ReadFile(filepath.Join(repoRoot, "examples", "argocd", "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(configDir, "plugin.yaml"), plugin, 0o644); err != nil {
		t.Fatal(err)
	}
	// A unix socket's path must fit in 108 bytes: t.TempDir() can be longer.
	socketDir, err := os.MkdirTemp("", "netid-cmp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(socketDir) })
	workDir := t.TempDir()

	var logBuf bytes.Buffer
	cmd := exec.Command(filepath.Join(binDir, "argocd-cmp-server"), "--config-dir-path", configDir, "--logformat", "text")
	cmd.Env = []string{
		"PATH=" + path,
		"HOME=" + workDir,
		"ARGOCD_PLUGINSOCKFILEPATH=" + socketDir,
		"ARGOCD_CMP_WORKDIR=" + workDir,
	}
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting argocd-cmp-server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("argocd-cmp-server's log:\n%s", lastLines(logBuf.String(), 40))
		}
	})
	socket := filepath.Join(socketDir, "netid.sock")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		if fi, err := os.Stat(socket); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return socketDir
		}
		select {
		case err := <-done:
			t.Fatalf("argocd-cmp-server exited before serving: %v\n%s", err, logBuf.String())
		case <-ctx.Done():
			t.Fatalf("argocd-cmp-server did not create %s within a minute:\n%s", socket, logBuf.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
