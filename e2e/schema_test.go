package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"

	"netid.dev/netid/krm/v1alpha1"
)

// configDirs hold the NetworkIdentity configs the JSON schema must accept:
// the examples and the e2e inputs (all valid configs; the golden cases under
// fn/ include invalid ones on purpose and are not scanned).
var configDirs = []string{"examples", filepath.Join("e2e", "testdata")}

// exampleConfig is one NetworkIdentity document found in configDirs.
type exampleConfig struct {
	// name says where it came from, e.g. "examples/kpt/netid/frontend.yaml#0".
	name string
	doc  *yamlv3.Node
}

// findConfigs returns every NetworkIdentity document under configDirs: a
// YAML document of that kind, or an item or the functionConfig of a
// ResourceList.
func findConfigs(t *testing.T) []exampleConfig {
	t.Helper()
	var out []exampleConfig
	for _, dir := range configDirs {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (!strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml")) {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, path)
			dec := yamlv3.NewDecoder(bytes.NewReader(data))
			for i := 0; ; i++ {
				var doc yamlv3.Node
				if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					return fmt.Errorf("%s: %w", rel, err)
				}
				for j, n := range networkIdentities(&doc) {
					out = append(out, exampleConfig{name: fmt.Sprintf("%s#%d.%d", rel, i, j), doc: n})
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// networkIdentities returns doc itself if it is a NetworkIdentity, or the
// NetworkIdentities of a ResourceList (items and functionConfig).
func networkIdentities(doc *yamlv3.Node) []*yamlv3.Node {
	n := doc
	if n.Kind == yamlv3.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	switch scalarField(n, "kind") {
	case v1alpha1.Kind:
		if scalarField(n, "apiVersion") == v1alpha1.APIVersion {
			return []*yamlv3.Node{n}
		}
	case "ResourceList":
		var out []*yamlv3.Node
		var candidates []*yamlv3.Node
		if items := child(n, "items"); items != nil {
			candidates = append(candidates, items.Content...)
		}
		if fc := child(n, "functionConfig"); fc != nil {
			candidates = append(candidates, fc)
		}
		for _, c := range candidates {
			out = append(out, networkIdentities(c)...)
		}
		return out
	}
	return nil
}

func child(n *yamlv3.Node, key string) *yamlv3.Node {
	if n.Kind != yamlv3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalarField(n *yamlv3.Node, key string) string {
	if c := child(n, key); c != nil && c.Kind == yamlv3.ScalarNode {
		return c.Value
	}
	return ""
}

// kubeconformResult is one line of `kubeconform -output json -verbose`.
type kubeconformResult struct {
	Filename string `json:"filename"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Msg      string `json:"msg"`
}

// runKubeconform validates each document (name → YAML) with the pinned
// kubeconform against schema/networkidentity.json, as the README shows, and
// returns the results by name.
func runKubeconform(t *testing.T, docs map[string][]byte) map[string]kubeconformResult {
	t.Helper()
	path, why := runTool(t, "hack/tools.sh", "kubeconform")
	kubeconform := requireTool(t, "kubeconform", path, why)
	dir := t.TempDir()
	byFile := map[string]string{}
	var files []string
	for name, doc := range docs {
		file := filepath.Join(dir, fmt.Sprintf("%03d.yaml", len(files)))
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		byFile[file] = name
		files = append(files, file)
	}
	sort.Strings(files)
	args := append([]string{
		"-strict", "-output", "json", "-verbose",
		"-schema-location", filepath.Join(repoRoot, "schema") + "/{{.ResourceKind}}.json",
	}, files...)
	// kubeconform exits 1 when a document is invalid: the results say which.
	stdout, stderr, _ := runCommand(t.Context(), commandTimeout, repoRoot, nil, nil, kubeconform, args...)
	var report struct {
		Resources []kubeconformResult `json:"resources"`
	}
	if err := json.Unmarshal(stdout, &report); err != nil {
		t.Fatalf("reading kubeconform's output: %v\n%s\n%s", err, stdout, stderr)
	}
	got := map[string]kubeconformResult{}
	for _, r := range report.Resources {
		name, ok := byFile[r.Filename]
		if !ok {
			t.Fatalf("kubeconform reported on %s, which the test did not write", r.Filename)
		}
		got[name] = r
	}
	return got
}

// runTool runs a repository script and returns its trimmed stdout, or why it
// failed.
func runTool(t *testing.T, script string, args ...string) (string, string) {
	t.Helper()
	out, stderr, err := runCommand(t.Context(), commandTimeout, repoRoot, nil, nil, filepath.Join(repoRoot, script), args...)
	if err != nil {
		return "", fmt.Sprintf("%s %s: %v\n%s", script, strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out)), ""
}

// TestSchemaAcceptsExampleConfigs validates every NetworkIdentity of the
// examples and the e2e inputs with kubeconform against the JSON schema
// (schema/networkidentity.json), and checks that netid's own decoder and
// validation accept each as well.
func TestSchemaAcceptsExampleConfigs(t *testing.T) {
	configs := findConfigs(t)
	if len(configs) < 15 {
		t.Fatalf("found %d NetworkIdentity configs under %v, want the examples' at least (15)", len(configs), configDirs)
	}
	docs := map[string][]byte{}
	for _, c := range configs {
		b, err := yamlv3.Marshal(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		docs[c.name] = b
		if _, errs := v1alpha1.Decode(b); len(errs) > 0 {
			t.Errorf("%s: netid's decoder refuses it: %v", c.name, errs)
		}
	}
	results := runKubeconform(t, docs)
	for _, c := range configs {
		r, ok := results[c.name]
		switch {
		case !ok:
			t.Errorf("%s: kubeconform did not report on it", c.name)
		case r.Status != "statusValid":
			t.Errorf("%s: kubeconform: %s %s", c.name, r.Status, r.Msg)
		}
	}
	t.Logf("kubeconform: %d NetworkIdentity configs valid against schema/networkidentity.json", len(configs))
}

// TestSchemaRefusesWhatNetidRefuses: documents netid's decoder or validation
// refuses for their shape (an unknown field, a value outside a fixed set, a
// port that is neither a number, a name nor {port, protocol}) are invalid
// against the JSON schema too, so an editor flags them before netid runs.
func TestSchemaRefusesWhatNetidRefuses(t *testing.T) {
	const base = "apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: a, namespace: shop}\nspec:\n"
	cases := map[string]string{
		"unknown spec field":     "  tiers: critical\n",
		"unknown peer field":     "  egress:\n  - to: {worklaod: b}\n    ports: [grpc]\n    reason: r\n",
		"tier outside the enum":  "  tier: gold\n",
		"cni outside the enum":   "  cni: flannel\n",
		"mesh provider":          "  mesh: {provider: consul}\n",
		"pod security level":     "  podSecurity: {enforce: strict}\n",
		"pod security version":   "  podSecurity: {version: \"1.30\"}\n",
		"route kind":             "  exposure:\n    gateway: {kind: UDPRoute, parentRef: {name: g}, port: http}\n    controller: {namespace: gw, podLabels: {app: gw}}\n",
		"port boolean":           "  egress:\n  - to: {workload: b}\n    ports: [true]\n    reason: r\n",
		"port zero":              "  egress:\n  - to: {workload: b}\n    ports: [0]\n    reason: r\n",
		"port object extra key":  "  egress:\n  - to: {workload: b}\n    ports: [{port: 80, prot: TCP}]\n    reason: r\n",
		"port object no port":    "  egress:\n  - to: {workload: b}\n    ports: [{protocol: TCP}]\n    reason: r\n",
		"port protocol":          "  egress:\n  - to: {workload: b}\n    ports: [{port: 80, protocol: ICMP}]\n    reason: r\n",
		"flow without reason":    "  egress:\n  - to: {workload: b}\n    ports: [grpc]\n",
		"wrong kind":             "",
		"rbac rule without verb": "  identity:\n    rules:\n    - {apiGroups: [\"\"], resources: [configmaps]}\n",
	}
	docs := map[string][]byte{}
	for name, spec := range cases {
		doc := base + spec
		if name == "wrong kind" {
			doc = strings.Replace(base, "kind: NetworkIdentity", "kind: NetworkIdentityy", 1) + "  tier: critical\n"
		}
		docs[name] = []byte(doc)
		n, errs := v1alpha1.Decode([]byte(doc))
		if len(errs) == 0 {
			n.Default()
			errs = n.Validate()
		}
		if len(errs) == 0 {
			t.Errorf("%s: netid accepts it, so the case tests nothing:\n%s", name, doc)
		}
	}
	// A valid document with every port form, so that the refusals above are
	// not the schema refusing everything.
	docs["valid"] = []byte(base + "  tier: critical\n  egress:\n  - to: {workload: b}\n    ports: [grpc, 443, \"8080\", {port: 53, protocol: UDP}, {port: dns}]\n    reason: r\n")
	results := runKubeconform(t, docs)
	for name := range docs {
		r, ok := results[name]
		want := "statusInvalid"
		if name == "valid" {
			want = "statusValid"
		}
		if name == "wrong kind" {
			// Its schema location names a file that does not exist.
			want = "statusError"
		}
		if !ok {
			t.Errorf("%s: kubeconform did not report on it", name)
		} else if r.Status != want {
			t.Errorf("%s: kubeconform says %s (%s), want %s:\n%s", name, r.Status, r.Msg, want, docs[name])
		}
	}
}

// crdNamespace is where checkCRD dry-runs the configs: their own namespaces
// do not matter to the schema, and one namespace needs creating only once.
const crdNamespace = "netid-crd-check"

// checkCRD installs the NetworkIdentity CRD (config/crd/) on the test's API
// server and dry-runs every config of the examples and the e2e inputs in
// crdNamespace with strict field validation: the API server must accept
// each, and refuse an unknown field and a value outside an enum.
func checkCRD(t *testing.T, k kubeCtl) {
	crd := filepath.Join(repoRoot, "config", "crd", "netid.dev_networkidentities.yaml")
	// must fails the test on any warning of the API server.
	out, _ := k.must(t, nil, "apply", "--server-side", "-f", crd)
	t.Logf("kubectl apply --server-side:\n%s", out)
	k.must(t, nil, "wait", "--for=condition=Established", "--timeout=120s", "crd", "networkidentities.netid.dev")
	// A CRD whose schema is not structural is created but its condition
	// NonStructuralSchema is set; refuse that too.
	cond, _ := k.must(t, nil, "get", "crd", "networkidentities.netid.dev", "-o", `jsonpath={.status.conditions[?(@.type=="NonStructuralSchema")].status}`)
	if strings.TrimSpace(cond) == "True" {
		t.Fatal("the API server finds the NetworkIdentity CRD's schema not structural")
	}
	k.must(t, nil, "create", "namespace", crdNamespace)

	configs := findConfigs(t)
	var stream bytes.Buffer
	for _, c := range configs {
		b, err := yamlv3.Marshal(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yamlv3.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		meta, ok := doc["metadata"].(map[string]any)
		if !ok {
			t.Fatalf("%s: no metadata", c.name)
		}
		meta["namespace"] = crdNamespace
		b, err = yamlv3.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		stream.WriteString("---\n")
		stream.Write(b)
	}
	out, _ = k.must(t, stream.Bytes(), "create", "--dry-run=server", "--validate=strict", "-f", "-")
	if n := strings.Count(out, "(server dry run)"); n != len(configs) {
		t.Errorf("kubectl reported %d NetworkIdentities created (server dry run), want %d:\n%s", n, len(configs), out)
	}
	t.Logf("the API server accepts the %d NetworkIdentity configs of %v", len(configs), configDirs)

	base := "apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: a, namespace: " + crdNamespace + "}\nspec:\n"
	for name, c := range map[string]struct{ spec, want string }{
		"unknown field": {"  tiers: critical\n", `unknown field "spec.tiers"`},
		"enum":          {"  tier: gold\n", `spec.tier: Unsupported value: "gold"`},
		"port protocol": {"  egress:\n  - to: {workload: b}\n    ports: [{port: 80, protocol: ICMP}]\n    reason: r\n", `spec.egress[0].ports[0].protocol: Unsupported value: "ICMP"`},
		"no reason":     {"  egress:\n  - to: {workload: b}\n", `spec.egress[0].reason: Required value`},
	} {
		_, stderr, err := k.run(t, []byte(base+c.spec), "create", "--dry-run=server", "--validate=strict", "-f", "-")
		if err == nil {
			t.Errorf("%s: the API server accepted it", name)
		} else if !strings.Contains(stderr, c.want) {
			t.Errorf("%s: the API server refused it, but not saying %q:\n%s", name, c.want, stderr)
		}
	}
}

// modelinePrefix starts the first line of a YAML file that tells the YAML
// language server (editors) which JSON schema the file follows.
const modelinePrefix = "# yaml-language-server: $schema="

// withoutModeline is data without its first line if that is a modeline.
func withoutModeline(data []byte) []byte {
	if rest, ok := bytes.CutPrefix(data, []byte(modelinePrefix)); ok {
		if _, after, ok := bytes.Cut(rest, []byte("\n")); ok {
			return after
		}
	}
	return data
}

// TestExampleConfigsNameTheSchema: every file under examples/ that holds
// only NetworkIdentities starts with the modeline, and its path leads from
// the file to schema/networkidentity.json.
func TestExampleConfigsNameTheSchema(t *testing.T) {
	want := filepath.Join(repoRoot, "schema", "networkidentity.json")
	byFile := map[string]int{}
	for _, c := range findConfigs(t) {
		if file, _, _ := strings.Cut(c.name, "#"); strings.HasPrefix(file, "examples"+string(filepath.Separator)) {
			byFile[file]++
		}
	}
	if len(byFile) < 13 {
		t.Fatalf("found %d example files with a NetworkIdentity, want at least 13", len(byFile))
	}
	for file := range byFile {
		data, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		var docs int
		dec := yamlv3.NewDecoder(bytes.NewReader(data))
		for {
			var doc yamlv3.Node
			if err := dec.Decode(&doc); err != nil {
				break
			}
			docs++
		}
		if docs != byFile[file] {
			continue // other kinds too: the schema cannot be the file's
		}
		line, _, _ := strings.Cut(string(data), "\n")
		path, ok := strings.CutPrefix(line, modelinePrefix)
		switch {
		case !ok:
			t.Errorf("%s: the first line is %q, want %s<relative path of schema/networkidentity.json>", file, line, modelinePrefix)
		case filepath.Join(repoRoot, filepath.Dir(file), filepath.FromSlash(path)) != want:
			t.Errorf("%s: the modeline names %s, which is not schema/networkidentity.json from there", file, path)
		}
	}
}
