package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// corpusDir holds the API-server corpus: one directory per edge case netid
// accepts and renders, each an input.yaml ResourceList whose header says
// what it exercises (names at their limits, the longest reasons, many flows,
// IPv6 blocks, every mesh and exposure). The refused edge cases are golden
// cases of fn/internal/process (testdata/error-*).
const corpusDir = "e2e/testdata/apiserver-corpus"

// emittedKinds are the kinds netid emits, as group/Kind ("" is the core
// group): the corpus renders each of them at least once.
var emittedKinds = []string{
	"/Namespace",
	"/ServiceAccount",
	"rbac.authorization.k8s.io/Role",
	"rbac.authorization.k8s.io/RoleBinding",
	"rbac.authorization.k8s.io/ClusterRole",
	"rbac.authorization.k8s.io/ClusterRoleBinding",
	"networking.k8s.io/NetworkPolicy",
	"networking.k8s.io/Ingress",
	"gateway.networking.k8s.io/HTTPRoute",
	"gateway.networking.k8s.io/GRPCRoute",
	"gateway.networking.k8s.io/TLSRoute",
	"gateway.networking.k8s.io/TCPRoute",
	"security.istio.io/PeerAuthentication",
	"security.istio.io/AuthorizationPolicy",
	"policy.linkerd.io/Server",
	"policy.linkerd.io/AuthorizationPolicy",
	"policy.linkerd.io/MeshTLSAuthentication",
	"policy.linkerd.io/NetworkAuthentication",
	"cilium.io/CiliumNetworkPolicy",
}

// podKinds are the pod-bearing kinds netid governs, as group/Kind: the
// corpus dry-runs each of them, as netid patched it, at least once.
var podKinds = []string{
	"apps/Deployment",
	"apps/StatefulSet",
	"apps/DaemonSet",
	"apps/ReplicaSet",
	"batch/Job",
	"batch/CronJob",
	"/Pod",
	"argoproj.io/Rollout",
}

// notDryRun are the API groups of emitted kinds the API-server test cannot
// dry-run, and why. It never installs a CRD of its own making: a hand-written
// schema would prove nothing about the real one.
var notDryRun = map[string]string{
	"policy.linkerd.io": "Linkerd's CRDs ship in no Go module the module proxy serves (github.com/linkerd/linkerd2 is not served), so there is no real CRD to install",
}

// corpusCase is one rendered case of the corpus: the objects the cluster
// would receive (local-config ones, the NetworkIdentity configs and the
// report, are dropped by kustomize and kpt, and left out here too).
type corpusCase struct {
	name string
	objs []kubeObject
}

// renderCorpus renders every case of the corpus with the netid binary, which
// must accept it.
func renderCorpus(t *testing.T) []corpusCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(repoRoot, corpusDir, "*", "input.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus cases in %s: %v", corpusDir, err)
	}
	var out []corpusCase
	for _, in := range dirs {
		name := filepath.Base(filepath.Dir(in))
		input, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		rendered, err := run(t, repoRoot, nil, input, netidBin)
		if err != nil {
			t.Fatalf("corpus case %s: netid refused it: %v", name, err)
		}
		c := corpusCase{name: name}
		for _, o := range decodeObjects(t, rendered) {
			if o.Annotations["config.kubernetes.io/local-config"] != "true" {
				c.objs = append(c.objs, o)
			}
		}
		out = append(out, c)
	}
	return out
}

// groupKind is the object's group/Kind, e.g. "networking.k8s.io/NetworkPolicy".
func groupKind(o kubeObject) string {
	apiVersion, _ := o.Map["apiVersion"].(string)
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = ""
	}
	return group + "/" + o.Kind
}

// apiMetaErrors validates an object's metadata as the API server does for
// its kind (apimachinery's ObjectMeta validation with the kind's name rule).
func apiMetaErrors(o kubeObject) field.ErrorList {
	nameFn := apivalidation.NameIsDNSSubdomain
	switch o.Kind {
	case "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding":
		nameFn = path.ValidatePathSegmentName
	case "Namespace":
		nameFn = apivalidation.ValidateNamespaceName
	case "Service":
		nameFn = apivalidation.NameIsDNS1035Label
	case "StatefulSet":
		nameFn = apivalidation.NameIsDNSLabel
	}
	namespaced := !slices.Contains([]string{"Namespace", "ClusterRole", "ClusterRoleBinding"}, o.Kind)
	return apivalidation.ValidateObjectMetaAccessor(&unstructured.Unstructured{Object: o.Map}, namespaced, nameFn, field.NewPath("metadata"))
}

// TestCorpusRenders runs without an API server: every corpus case renders,
// every object it would send has metadata apimachinery's validation accepts
// (names, namespaces, labels, annotations and their 256 KiB total), and
// together the cases render every kind netid emits. The API-server test
// then dry-runs the same objects.
func TestCorpusRenders(t *testing.T) {
	cases := renderCorpus(t)
	counts := map[string]map[string]int{}
	for _, c := range cases {
		for _, o := range c.objs {
			for _, e := range apiMetaErrors(o) {
				t.Errorf("%s: %s: %v", c.name, o.id(), e)
			}
			if counts[groupKind(o)] == nil {
				counts[groupKind(o)] = map[string]int{}
			}
			counts[groupKind(o)][c.name]++
		}
	}
	for _, k := range emittedKinds {
		if len(counts[k]) == 0 {
			t.Errorf("no corpus case renders a %s", k)
		}
	}
	t.Logf("objects rendered, by kind and case:\n%s", corpusTable(cases, counts, nil))
}

// checkCorpus creates each case's Namespaces and dry-runs every other object
// of it on the API server (kubectl create --dry-run=server: the objects as
// netid renders them, without the annotation client-side apply would add),
// except the kinds of notDryRun; generated objects must draw no warning. It
// logs the kinds dry-run per case.
func checkCorpus(t *testing.T, k kubeCtl) {
	cases := renderCorpus(t)
	counts, skipped := map[string]map[string]int{}, map[string]map[string]int{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var nss, sas, generated, user []kubeObject
			for _, o := range c.objs {
				group, _, _ := strings.Cut(groupKind(o), "/")
				switch {
				case notDryRun[group] != "":
					if skipped[groupKind(o)] == nil {
						skipped[groupKind(o)] = map[string]int{}
					}
					skipped[groupKind(o)][c.name]++
				case o.Kind == "Namespace":
					nss = append(nss, o)
				case o.Kind == "ServiceAccount" && o.Annotations["netid.dev/generated"] == "true" && hasBarePod(c.objs):
					// The ServiceAccount admission plugin refuses a Pod
					// (not a template) whose ServiceAccount does not exist.
					sas = append(sas, o)
				case o.Annotations["netid.dev/generated"] == "true":
					generated = append(generated, o)
				default:
					user = append(user, o)
				}
			}
			if len(nss) > 0 {
				k.must(t, encodeObjects(t, nss), "apply", "--validate=strict", "-f", "-")
			}
			if len(sas) > 0 {
				out, stderr := k.must(t, encodeObjects(t, sas), "apply", "--validate=strict", "-f", "-")
				if w := warnings(stderr); len(w) > 0 {
					t.Errorf("the API server warned about the generated ServiceAccounts: %s", strings.Join(w, "; "))
				}
				if n := strings.Count(out, "serviceaccount/"); n != len(sas) {
					t.Errorf("kubectl reported %d ServiceAccounts applied, want %d:\n%s", n, len(sas), out)
				}
			}
			// What netid generates: accepted with no warning at all.
			out, _ := k.must(t, encodeObjects(t, generated), "create", "--dry-run=server", "--validate=strict", "-f", "-")
			if n := strings.Count(out, "(server dry run)"); n != len(generated) {
				t.Errorf("kubectl reported %d generated objects created (server dry run), want %d:\n%s", n, len(generated), out)
			}
			// The corpus' own workloads and Services (proof that the input
			// netid accepted is valid too): the API server accepts a workload
			// name that is not a DNS label (over 63 characters, or with dots),
			// and warns that its pods' hostnames will be cut; that warning is
			// about the input, and the one tolerated.
			out, stderr, err := k.run(t, encodeObjects(t, user), "create", "--dry-run=server", "--validate=strict", "-f", "-")
			if err != nil {
				t.Fatalf("kubectl create --dry-run=server (the case's workloads and Services): %v\n%s", err, stderr)
			}
			for _, w := range warnings(stderr) {
				if !strings.Contains(w, "a DNS label is recommended") {
					t.Errorf("the API server warned about the case's workloads or Services: %s", w)
				}
			}
			if n := strings.Count(out, "(server dry run)"); n != len(user) {
				t.Errorf("kubectl reported %d input objects created (server dry run), want %d:\n%s", n, len(user), out)
			}
			if t.Failed() {
				return
			}
			for _, o := range slices.Concat(nss, sas, generated, user) {
				if counts[groupKind(o)] == nil {
					counts[groupKind(o)] = map[string]int{}
				}
				counts[groupKind(o)][c.name]++
			}
		})
	}
	for _, kind := range emittedKinds {
		group, _, _ := strings.Cut(kind, "/")
		switch {
		case notDryRun[group] != "":
			t.Logf("%s: rendered by the corpus, not dry-run: %s", kind, notDryRun[group])
		case len(counts[kind]) == 0:
			t.Errorf("no corpus case had a %s dry-run", kind)
		}
	}
	for _, kind := range podKinds {
		if len(counts[kind]) == 0 {
			t.Errorf("no corpus case had a %s dry-run", kind)
		}
	}
	t.Logf("objects accepted by the API server (Namespaces, and ServiceAccounts where a bare Pod needs them, created; the rest dry-run), by kind and case:\n%s", corpusTable(cases, counts, skipped))
}

// hasBarePod reports whether a case has a v1 Pod.
func hasBarePod(objs []kubeObject) bool {
	return slices.ContainsFunc(objs, func(o kubeObject) bool { return groupKind(o) == "/Pod" })
}

// corpusTable lays counts out as kinds × cases; a kind rendered but not
// dry-run (skipped) shows its count as "N not dry-run".
func corpusTable(cases []corpusCase, counts, skipped map[string]map[string]int) string {
	kinds := slices.Sorted(func(yield func(string) bool) {
		for k := range counts {
			if !yield(k) {
				return
			}
		}
		for k := range skipped {
			if counts[k] == nil && !yield(k) {
				return
			}
		}
	})
	rows := [][]string{{"KIND"}}
	for _, c := range cases {
		rows[0] = append(rows[0], c.name)
	}
	for _, k := range kinds {
		row := []string{k}
		for _, c := range cases {
			cell := "-"
			if n := counts[k][c.name]; n > 0 {
				cell = fmt.Sprint(n)
			}
			if n := skipped[k][c.name]; n > 0 {
				cell = fmt.Sprintf("%d not dry-run", n)
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			fmt.Fprintf(&b, "%-*s  ", widths[i], c)
		}
		b.WriteString("\n")
	}
	return b.String()
}
