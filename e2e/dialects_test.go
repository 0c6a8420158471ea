package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// dialectExamples are the directories of examples/dialects: the shop of
// examples/kustomize rendered with a ClusterNetworkIdentity per cluster
// kind, and the kinds each must render (netid's policy of its dialect, the
// proof that it ran).
var dialectExamples = []struct {
	dir   string
	kinds []string
}{
	{"networkpolicy", []string{"networking.k8s.io/v1/NetworkPolicy"}},
	{"upstream", []string{"networking.k8s.io/v1/NetworkPolicy", "policy.networking.k8s.io/v1alpha2/ClusterNetworkPolicy"}},
	{"calico", []string{"projectcalico.org/v3/Tier", "projectcalico.org/v3/NetworkPolicy", "projectcalico.org/v3/GlobalNetworkPolicy"}},
	{"cilium", []string{"cilium.io/v2/CiliumNetworkPolicy", "cilium.io/v2/CiliumClusterwideNetworkPolicy"}},
	{"antrea", []string{"crd.antrea.io/v1beta1/Tier", "crd.antrea.io/v1beta1/NetworkPolicy", "crd.antrea.io/v1beta1/ClusterNetworkPolicy"}},
}

// TestDialectExamples renders each of examples/dialects through the real
// kustomize and checks that:
//
//   - it renders (exit 0) the kinds of its dialect, byte for byte as
//     examples/dialects/<dir>/expected/output.yaml (UPDATE_GOLDEN=1 rewrites);
//   - the connectivity proof of every render, read by `netid verify --format
//     json` from kustomize's output and the configs, allows exactly the same
//     flows: the same declaration proves the same flow matrix in every
//     dialect, which the proof computes from each dialect's own semantics.
func TestDialectExamples(t *testing.T) {
	kustomize := requireKustomize(t)
	matrices := map[string]dialectMatrix{}
	for _, ex := range dialectExamples {
		t.Run(ex.dir, func(t *testing.T) {
			rel := filepath.Join("examples", "dialects", ex.dir)
			out := mustRun(t, repoRoot, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", rel)
			kinds := map[string]bool{}
			for _, n := range parseObjects(t, out) {
				kinds[n.GetApiVersion()+"/"+n.GetKind()] = true
			}
			if !kinds["v1/ServiceAccount"] {
				t.Fatalf("%s: the output has no ServiceAccount: netid did not run", rel)
			}
			for _, k := range ex.kinds {
				if !kinds[k] {
					t.Errorf("%s: the output has no %s", rel, k)
				}
			}
			compareGolden(t, filepath.Join(rel, "expected", "output.yaml"), out)
			matrices[ex.dir] = allowedFlows(t, out, rel)
		})
	}
	base := matrices[dialectExamples[0].dir]
	if len(base.allowed) == 0 {
		t.Fatalf("%s: the proof allowed no flow", dialectExamples[0].dir)
	}
	t.Logf("%s: %d allowed flows among %d endpoints", dialectExamples[0].dir, len(base.allowed), len(base.endpoints))
	for _, ex := range dialectExamples[1:] {
		got, ok := matrices[ex.dir]
		if !ok {
			continue
		}
		a, b := got.on(base.endpoints), base.on(got.endpoints)
		if !slices.Equal(a, b) {
			t.Errorf("%s proves another flow matrix than %s:\n%s", ex.dir, dialectExamples[0].dir, setDifference(a, b))
		}
		t.Logf("%s: the same %d allowed flows among the %d endpoints both probe", ex.dir, len(a), len(common(got.endpoints, base.endpoints)))
	}
}

// dialectMatrix is what a render's proof allows: the flows, by endpoint
// names, and the endpoints it probed. An address endpoint is named by its
// address alone (the proof names it after the block it stands for, which
// differs when a dialect writes the same addresses as other blocks).
type dialectMatrix struct {
	allowed   []flowCell
	endpoints map[string]bool
}

type flowCell struct{ from, to, port string }

// on lists the allowed flows between endpoints of both m and other.
func (m dialectMatrix) on(other map[string]bool) []string {
	var out []string
	for _, c := range m.allowed {
		if other[c.from] && other[c.to] {
			out = append(out, c.from+" -> "+c.to+" : "+c.port)
		}
	}
	sort.Strings(out)
	return out
}

func common(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if b[k] {
			out = append(out, k)
		}
	}
	return out
}

// endpointName is a verify endpoint's name without what an address
// stands for: "203.0.113.0 (in 203.0.113.0/24)" is "203.0.113.0".
func endpointName(s string) string {
	if i := strings.Index(s, " (in "); i > 0 {
		return s[:i]
	}
	return s
}

// allowedFlows is what `netid verify --format json` finds allowed in a
// render of a dialect example, with the example's configs (the app's
// NetworkIdentities, frontend's, the cluster's); the render must prove.
func allowedFlows(t *testing.T, rendered []byte, rel string) dialectMatrix {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "examples", "kustomize", "app", "netid", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no NetworkIdentities in examples/kustomize/app/netid: %v", err)
	}
	paths = append(paths, filepath.Join(repoRoot, "examples", "dialects", "fn", "netid.yaml"), filepath.Join(repoRoot, rel, "cluster.yaml"))
	stream := bytes.Clone(rendered)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		stream = append(append(stream, "---\n"...), data...)
	}
	out, stderr, code := runCode(t, stream, netidBin, "verify", "--format", "json")
	if code != 0 {
		t.Fatalf("%s: netid verify exit code %d:\n%s", rel, code, stderr)
	}
	var v struct {
		layeredVerification
		Endpoints []string
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s: verify --format json: %v\n%.2000s", rel, err, out)
	}
	if !v.Declared || len(v.Mismatches) > 0 {
		t.Fatalf("%s: verify: declared %v, %d mismatches", rel, v.Declared, len(v.Mismatches))
	}
	m := dialectMatrix{endpoints: map[string]bool{}}
	for _, e := range v.Endpoints {
		m.endpoints[endpointName(e)] = true
	}
	for _, c := range v.Flows {
		if c.Allowed {
			m.allowed = append(m.allowed, flowCell{endpointName(c.From), endpointName(c.To), c.Port})
		}
	}
	return m
}

// setDifference lists what is in a and not in b, and the reverse.
func setDifference(a, b []string) string {
	var s strings.Builder
	for _, x := range a {
		if !slices.Contains(b, x) {
			s.WriteString("  only here:  " + x + "\n")
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			s.WriteString("  only there: " + x + "\n")
		}
	}
	return s.String()
}
