package e2e

// The rollout test renders a small app through the real kustomize with one
// workload in its observe stage (spec.rollout: observe), then with it
// enforcing, in each dialect, and checks the staged rollout end to end: the
// observe render is accepted and blocks nothing about the observed pods, the
// report lists what enforcement would block, and switching to enforce closes
// exactly those connections and opens none.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// rolloutDialect is one dialect the rollout is rendered in.
type rolloutDialect struct {
	name string
	// cluster is a ClusterNetworkIdentity choosing the dialect, written as
	// app/netid/cluster.yaml (it must carry the local-config annotation);
	// "" renders NetworkPolicy without one.
	cluster string
	// unselected checks that nothing in the observe render blocks the
	// observed pods, whose labels are given, in namespace ns.
	unselected func(t *testing.T, objs []*yaml.RNode, ns string, pod map[string]string)
}

// rolloutVerification is the part of `netid verify --format json` the
// rollout test reads.
type rolloutVerification struct {
	Declared   bool
	Endpoints  []string
	Flows      []layeredCell
	Mismatches []layeredCell
	Stages     map[string]string
	WouldBlock []layeredCell
}

func TestRollout(t *testing.T) {
	kustomize := requireKustomize(t)
	for _, d := range []rolloutDialect{
		{name: "generic", unselected: networkPoliciesUnselected},
		{name: "generic-cluster", cluster: rolloutCluster("generic", "networkpolicy"), unselected: networkPoliciesUnselected},
		{name: "calico-native", cluster: rolloutCluster("calico", "native"), unselected: nativeUnselected("projectcalico.org/v3", "NetworkPolicy", func(map[string]any) string {
			return "a Calico NetworkPolicy enforces; observe renders StagedNetworkPolicy"
		})},
		{name: "cilium-native", cluster: rolloutCluster("cilium", "native"), unselected: nativeUnselected("cilium.io/v2", "CiliumNetworkPolicy", func(spec map[string]any) string {
			if d, _ := spec["enableDefaultDeny"].(map[string]any); d["ingress"] == false && d["egress"] == false {
				return ""
			}
			return "without enableDefaultDeny false both ways it isolates the pods"
		})},
		{name: "antrea-native", cluster: rolloutCluster("antrea", "native"), unselected: nativeUnselected("crd.antrea.io/v1beta1", "NetworkPolicy", func(spec map[string]any) string {
			for _, dir := range []string{"ingress", "egress"} {
				rules, _ := spec[dir].([]any)
				for _, r := range rules {
					if r, _ := r.(map[string]any); r["action"] != "Allow" || r["enableLogging"] != true {
						return "an observed workload's Antrea rules are logging Allows"
					}
				}
			}
			return ""
		})},
	} {
		t.Run(d.name, func(t *testing.T) {
			observe := rolloutRender(t, kustomize, d, "observe")
			objs := parseObjects(t, observe.stdout)
			ids := objectIDs(objs)
			for _, id := range []string{"ServiceAccount/shop/frontend", "ServiceAccount/shop/cartservice"} {
				if !ids[id] {
					t.Fatalf("the observe render lacks %s: netid did not run", id)
				}
			}
			d.unselected(t, objs, "shop", podLabels(t, objs, "Deployment/shop/cartservice"))
			md := observe.report(t)
			if !strings.Contains(md, "| shop/cartservice (Deployment) | **observe** |") || !strings.Contains(md, "| shop/frontend (Deployment) | enforce |") {
				t.Errorf("the report lacks each workload's stage:\n%s", section(md, "## Rollout"))
			}
			listed := wouldBlockRows(t, md)
			vo := rolloutVerify(t, observe)
			if vo.Stages["shop/cartservice"] != "observe" || vo.Stages["shop/frontend"] != "enforce" {
				t.Errorf("verify's stages of the observe render: %v", vo.Stages)
			}

			enforce := rolloutRender(t, kustomize, d, "enforce")
			ve := rolloutVerify(t, enforce)
			if ve.Stages["shop/cartservice"] != "enforce" || len(ve.WouldBlock) != 0 {
				t.Errorf("the enforce render: stages %v, wouldBlock %v; want every workload enforcing, nothing more to block", ve.Stages, ve.WouldBlock)
			}

			// what enforcing closed: open in the observe render, not in the
			// enforce render, between endpoints both proofs consider
			open := cellSet(ve.Flows)
			inEnforce := map[string]bool{}
			for _, e := range ve.Endpoints {
				inEnforce[e] = true
			}
			var closed []string
			for _, c := range vo.Flows {
				if k := cellKey(c); !open[k] && inEnforce[c.From] && inEnforce[c.To] {
					closed = append(closed, k)
				}
			}
			slices.Sort(closed)
			if !slices.Equal(closed, listed) {
				t.Errorf("enforcing closed %d connections, the report listed %d as what enforcement would block:\nclosed:\n%s\nlisted:\n%s",
					len(closed), len(listed), strings.Join(closed, "\n"), strings.Join(listed, "\n"))
			}
			var fromVerify []string
			for _, c := range vo.WouldBlock {
				fromVerify = append(fromVerify, cellKey(c))
			}
			slices.Sort(fromVerify)
			if !slices.Equal(fromVerify, listed) {
				t.Errorf("verify's wouldBlock of the observe render differs from the report's list:\nverify:\n%s\nreport:\n%s",
					strings.Join(fromVerify, "\n"), strings.Join(listed, "\n"))
			}
			// enforcing opens nothing the observe render kept closed
			was := cellSet(vo.Flows)
			for _, c := range ve.Flows {
				if k := cellKey(c); !was[k] && slices.Contains(vo.Endpoints, c.From) && slices.Contains(vo.Endpoints, c.To) {
					t.Errorf("enforcing opened %s, closed in the observe render", k)
				}
			}
			if len(listed) == 0 {
				t.Error("the report lists nothing that enforcement would block, yet the observe form admits every caller of shop/cartservice")
			}
			t.Logf("%s: enforcing shop/cartservice blocks %d connections", d.name, len(listed))
		})
	}
}

// rolloutCluster is a ClusterNetworkIdentity of the CNI and dialect given.
func rolloutCluster(cni, dialect string) string {
	return "apiVersion: netid.dev/v1alpha1\nkind: ClusterNetworkIdentity\nmetadata:\n  name: cluster\n  annotations: {config.kubernetes.io/local-config: \"true\"}\n" +
		"spec: {cni: " + cni + ", dialect: " + dialect + "}\n"
}

// rolloutRender writes the small shop app (frontend calls cartservice,
// cartservice calls redis-cart) with cartservice at the stage given and the
// dialect's ClusterNetworkIdentity, and builds it; the build must succeed.
func rolloutRender(t *testing.T, kustomize string, d rolloutDialect, stage string) layersRender {
	t.Helper()
	dir := layersApp{small: true}.write(t)
	path := filepath.Join(dir, "app", "netid", "cartservice.yaml")
	objs := readObjectsFile(t, path)
	if len(objs) != 1 {
		t.Fatalf("%s holds %d objects, want 1", path, len(objs))
	}
	if err := objs[0].SetMapField(yaml.NewScalarRNode(stage), "spec", "rollout"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, objs[0].MustString())
	if d.cluster != "" {
		writeFile(t, filepath.Join(dir, "app", "netid", "cluster.yaml"), d.cluster)
		kust := filepath.Join(dir, "app", "kustomization.yaml")
		b, err := os.ReadFile(kust)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, kust, string(b)+"  - netid/cluster.yaml\n")
	}
	out, stderr, code := runCode(t, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if code != 0 {
		t.Fatalf("the %s render of cartservice in %s: kustomize exit %d:\n%.6000s", d.name, stage, code, stderr)
	}
	return layersRender{dir: dir, stdout: out, stderr: stderr, code: code}
}

// rolloutVerify runs `netid verify --format json` on the render's output with
// the configs kustomize dropped; it must pass.
func rolloutVerify(t *testing.T, r layersRender) rolloutVerification {
	t.Helper()
	// the configs include the ClusterNetworkIdentity, in app/netid
	stream := append(append([]byte{}, r.stdout...), r.configs(t)...)
	out, stderr, code := runCode(t, stream, netidBin, "verify", "--format", "json")
	if code != 0 {
		t.Fatalf("netid verify exit %d:\n%.4000s", code, stderr)
	}
	var v rolloutVerification
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("verify --format json: %v\n%.2000s", err, out)
	}
	if !v.Declared || len(v.Mismatches) != 0 {
		t.Fatalf("verify: declared %v, mismatches %v", v.Declared, v.Mismatches)
	}
	return v
}

// wouldBlockRows are the connections the report's "Rollout: what
// enforcement would block" section lists, as "from → to port", sorted.
func wouldBlockRows(t *testing.T, md string) []string {
	t.Helper()
	const heading = "### Rollout: what enforcement would block\n"
	i := strings.Index(md, heading)
	if i < 0 {
		t.Fatalf("the report has no section %q:\n%s", strings.TrimSpace(heading), md)
	}
	s := md[i+len(heading):]
	if j := strings.Index(s, "\n## "); j >= 0 {
		s = s[:j]
	}
	if strings.Contains(s, "… and ") {
		t.Fatalf("the list is capped; the app is too big for this test:\n%.2000s", s)
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "| ") || strings.HasPrefix(l, "| From |") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "| "), " | ")
		if len(cells) != 4 {
			t.Fatalf("a row of %d cells, want 4: %q", len(cells), l)
		}
		out = append(out, cells[0]+" → "+cells[1]+" "+cells[2])
	}
	slices.Sort(out)
	return out
}

func cellKey(c layeredCell) string { return c.From + " → " + c.To + " " + c.Port }

func cellSet(cs []layeredCell) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		out[cellKey(c)] = true
	}
	return out
}

// podLabels are the pod template labels of the workload id
// ("Kind/namespace/name") among objs.
func podLabels(t *testing.T, objs []*yaml.RNode, id string) map[string]string {
	t.Helper()
	for _, n := range objs {
		if objectID(n) != id {
			continue
		}
		l, err := n.Pipe(yaml.Lookup("spec", "template", "metadata", "labels"))
		if err != nil || l == nil {
			t.Fatalf("%s has no pod template labels: %v", id, err)
		}
		out := map[string]string{}
		if err := l.YNode().Decode(&out); err != nil {
			t.Fatalf("%s pod template labels: %v", id, err)
		}
		return out
	}
	t.Fatalf("the render has no %s", id)
	return nil
}

// networkPoliciesUnselected: no NetworkPolicy of namespace ns selects pods
// with the labels pod.
func networkPoliciesUnselected(t *testing.T, objs []*yaml.RNode, ns string, pod map[string]string) {
	t.Helper()
	for _, n := range objs {
		if n.GetApiVersion() != "networking.k8s.io/v1" || n.GetKind() != "NetworkPolicy" || n.GetNamespace() != ns {
			continue
		}
		var np struct {
			Spec struct {
				PodSelector metav1.LabelSelector `json:"podSelector"`
			} `json:"spec"`
		}
		b, err := n.MarshalJSON()
		if err == nil {
			err = json.Unmarshal(b, &np)
		}
		if err != nil {
			t.Fatalf("NetworkPolicy %s/%s: %v", ns, n.GetName(), err)
		}
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil {
			t.Fatalf("NetworkPolicy %s/%s spec.podSelector: %v", ns, n.GetName(), err)
		}
		if sel.Matches(labels.Set(pod)) {
			t.Errorf("NetworkPolicy %s/%s selects the observed pods %v (spec.podSelector %s): they are isolated already", ns, n.GetName(), pod, sel)
		}
	}
}

// nativeUnselected checks the NetworkPolicies as networkPoliciesUnselected
// does, and each native policy of the kind given that netid rendered for the
// observed workload (label netid.dev/workload: cartservice) with why, which
// says what is wrong with its spec ("" for nothing).
func nativeUnselected(apiVersion, kind string, why func(spec map[string]any) string) func(t *testing.T, objs []*yaml.RNode, ns string, pod map[string]string) {
	return func(t *testing.T, objs []*yaml.RNode, ns string, pod map[string]string) {
		t.Helper()
		networkPoliciesUnselected(t, objs, ns, pod)
		for _, n := range objs {
			if n.GetApiVersion() != apiVersion || n.GetKind() != kind || n.GetNamespace() != ns || n.GetLabels()["netid.dev/workload"] != "cartservice" {
				continue
			}
			var o struct {
				Spec map[string]any `json:"spec"`
			}
			b, err := n.MarshalJSON()
			if err == nil {
				err = json.Unmarshal(b, &o)
			}
			if err != nil {
				t.Fatalf("%s %s/%s: %v", kind, ns, n.GetName(), err)
			}
			if w := why(o.Spec); w != "" {
				t.Errorf("%s %s/%s of the observed workload: %s", kind, ns, n.GetName(), w)
			}
		}
	}
}
