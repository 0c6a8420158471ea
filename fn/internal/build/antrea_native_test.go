package build_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/build"
	"netid.dev/netid/fn/internal/emit"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/yamlconv"
)

// antreaCase is a golden input of the antrea dialect.
func antreaCase(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "process", "testdata", name, "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// antreaRender renders a ResourceList as emit does (whatever the rules
// would say of it) and returns the stream: the items, the generated
// objects, and the functionConfig. edit changes the plan before it is
// rendered (nil: as planned); dropCluster removes the
// ClusterNetworkIdentity (the generic render of the same declarations).
func antreaRender(t *testing.T, input []byte, dropCluster bool, edit func(*plan.Plan) *plan.Plan) (items []*yaml.RNode, fc *yaml.RNode, generated []*emit.Generated) {
	t.Helper()
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		t.Fatal(err)
	}
	if dropCluster {
		items = slices.DeleteFunc(items, func(n *yaml.RNode) bool { return n.GetKind() == "ClusterNetworkIdentity" })
	}
	m, fs := load.Load(items, rw.FunctionConfig)
	if fs.HasErrors() {
		t.Fatalf("loading: %v", fs)
	}
	p, fs := plan.Make(m)
	if fs.HasErrors() {
		t.Fatalf("planning: %v", fs)
	}
	if edit != nil {
		p = edit(p)
	}
	res := emit.Emit(m, p)
	if res.Findings.HasErrors() || len(res.Conflicts) > 0 {
		t.Fatalf("emitting: %v %v", res.Findings, res.Conflicts)
	}
	out := slices.Clone(res.Items)
	for _, g := range res.Generated {
		n, err := yamlconv.ToNode(g.Map)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out, rw.FunctionConfig, res.Generated
}

// antreaWitness is a NetworkPolicy of a namespace nothing else names whose
// peers are the given address blocks and pods: added alike to two streams,
// it makes the proof split addresses and pods into the same witnesses for
// both, so their matrices compare cell by cell.
func antreaWitness(t *testing.T, cidrs []string, pods map[string]map[string]string) *yaml.RNode {
	t.Helper()
	var from []any
	for _, c := range cidrs {
		from = append(from, map[string]any{"ipBlock": map[string]any{"cidr": c}})
	}
	for ns, l := range pods {
		labels := map[string]any{}
		for k, v := range l {
			labels[k] = v
		}
		from = append(from, map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": ns}},
			"podSelector":       map[string]any{"matchLabels": labels}})
	}
	n, err := yamlconv.ToNode(map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
		"metadata": map[string]any{"name": "witness", "namespace": "zz-witness"},
		"spec": map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"witness": "true"}},
			"ingress": []any{map[string]any{"from": from}}}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type antreaCell struct{ from, to, port string }

// antreaMatrix is the proof's allowed flows of a stream.
func antreaMatrix(t *testing.T, items []*yaml.RNode, fc *yaml.RNode) map[antreaCell]bool {
	t.Helper()
	v := process.Verify(items, fc)
	if len(v.Incomplete) > 0 || len(v.NotEvaluated) > 0 {
		t.Fatalf("the proof is incomplete (%v) or did not evaluate %v", v.Incomplete, v.NotEvaluated)
	}
	out := map[antreaCell]bool{}
	for _, c := range v.Flows {
		if strings.HasPrefix(c.From, "zz-witness/") || strings.HasPrefix(c.To, "zz-witness/") {
			continue
		}
		out[antreaCell{c.From, c.To, c.Port}] = true
	}
	return out
}

// antreaDiff lists the cells of a not in b.
func antreaDiff(a, b map[antreaCell]bool) []antreaCell {
	var out []antreaCell
	for c := range a {
		if !b[c] {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// antreaShow is at most ten cells of d, and how many there are.
func antreaShow(d []antreaCell) string {
	if len(d) > 10 {
		return fmt.Sprintf("%v … (%d in all)", d[:10], len(d))
	}
	return fmt.Sprint(d)
}

// antreaBlocks are the address blocks of the plan's flows, with the blocks
// their excepts leave, for antreaWitness.
func antreaBlocks(t *testing.T, input []byte) []string {
	var out []string
	antreaRender(t, input, true, func(p *plan.Plan) *plan.Plan {
		for _, f := range p.Flows {
			for _, e := range []plan.Endpoint{f.From, f.To} {
				if e.Kind == plan.KindCIDR {
					out = append(out, e.CIDR)
					out = append(out, e.Except...)
					out = append(out, build.AntreaSplitExcept(e.CIDR, e.Except)...)
				}
			}
		}
		return p
	})
	return out
}

// TestAntreaNativeMatrix: the Antrea-native render of the golden's
// declarations (a critical workload, a block with a hole, flows across
// namespaces), and of the same with Linkerd (the isolate policy then
// allows its control plane), proves the same allowed flows as their
// NetworkPolicy render.
func TestAntreaNativeMatrix(t *testing.T) {
	golden := antreaCase(t, "dialect-antrea-native")
	linkerd := strings.NewReplacer(`mesh: {provider: none, eastWest: "TLS in the app"}`, `mesh: {provider: linkerd, redirect: cni}`,
		`{namespace: gateway, podLabels: {app: envoy}}`, `{namespace: gateway, podLabels: {app: envoy}, serviceAccount: envoy}`)
	for name, input := range map[string][]byte{"golden": golden, "linkerd": []byte(linkerd.Replace(string(golden)))} {
		t.Run(name, func(t *testing.T) {
			w := antreaWitness(t, antreaBlocks(t, input), nil)
			native, fc, gen := antreaRender(t, input, false, nil)
			if !slices.ContainsFunc(gen, func(g *emit.Generated) bool {
				return g.Ref.Kind == "NetworkPolicy" && g.Ref.APIVersion == build.AntreaAPIVersion
			}) {
				t.Fatal("the native render holds no Antrea NetworkPolicy")
			}
			generic, gfc, _ := antreaRender(t, input, true, nil)
			a := antreaMatrix(t, append(native, w.Copy()), fc)
			b := antreaMatrix(t, append(generic, w.Copy()), gfc)
			if len(a) == 0 {
				t.Fatal("no allowed flow at all")
			}
			if d := antreaDiff(a, b); len(d) > 0 {
				t.Errorf("allowed by the Antrea render only: %s", antreaShow(d))
			}
			if d := antreaDiff(b, a); len(d) > 0 {
				t.Errorf("allowed by the NetworkPolicy render only: %s", antreaShow(d))
			}
		})
	}
}

// TestAntreaBaselineMatrix: with the baseline, the enforced render proves
// the generic render's flows plus exactly the baseline's platform
// allowance (monitoring's scrape of every governed pod on 9090); the
// observe render opens only flows of the observed workload, never to the
// denied block, and what it opens is logged by the baseline.
func TestAntreaBaselineMatrix(t *testing.T) {
	input := antreaCase(t, "dialect-antrea-baseline-observe")
	w := antreaWitness(t, append(antreaBlocks(t, input), "169.254.169.254/32"),
		map[string]map[string]string{"monitoring": {"app": "prometheus"}})
	enforced, fc, _ := antreaRender(t, input, false, (*plan.Plan).WithEnforcing)
	generic, gfc, _ := antreaRender(t, input, true, (*plan.Plan).WithEnforcing)
	a := antreaMatrix(t, append(enforced, w.Copy()), fc)
	b := antreaMatrix(t, append(generic, w.Copy()), gfc)
	if d := antreaDiff(b, a); len(d) > 0 {
		t.Errorf("allowed by the NetworkPolicy render only: %s", antreaShow(d))
	}
	extra := antreaDiff(a, b)
	scraped := map[string]bool{}
	for _, c := range extra {
		if c.from != "monitoring/{app=prometheus}" || c.port != "9090/TCP" || !strings.HasPrefix(c.to, "shop/") {
			t.Errorf("allowed by the baseline render only, and not its platform allowance: %v", c)
		}
		scraped[c.to] = true
	}
	if !scraped["shop/cart"] || !scraped["shop/reviews"] {
		t.Errorf("the platform allowance reaches %v; want shop/cart and shop/reviews", scraped)
	}
	// the proof expects the baseline's allowances: the enforced render
	// differs from the declarations in nothing
	if v := process.Verify(enforced, fc); len(v.Mismatches) > 0 {
		t.Errorf("the enforced baseline render differs from the declarations: %v", v.Mismatches)
	}

	observed, ofc, _ := antreaRender(t, input, false, nil)
	o := antreaMatrix(t, append(observed, w.Copy()), ofc)
	if d := antreaDiff(a, o); len(d) > 0 {
		t.Errorf("observe blocks what enforce allows: %s", antreaShow(d))
	}
	opened := antreaDiff(o, a)
	if len(opened) == 0 {
		t.Error("observe opens nothing enforce blocks: the baseline still drops the observed workload's traffic")
	}
	for _, c := range opened {
		if c.from != "shop/reviews" && c.to != "shop/reviews" {
			t.Errorf("observe opens a flow of an enforced workload: %v", c)
		}
		if strings.HasPrefix(c.to, "169.254.169.254") {
			t.Errorf("observe opens the denied block: %v", c)
		}
	}
}

// antreaObject finds a generated object.
func antreaObject(t *testing.T, gen []*emit.Generated, kind, ns, name string) map[string]any {
	t.Helper()
	for _, g := range gen {
		if g.Ref.APIVersion == build.AntreaAPIVersion && g.Ref.Kind == kind && g.Ref.Namespace == ns && g.Ref.Name == name {
			return g.Map
		}
	}
	t.Fatalf("no %s %s/%s among %d generated objects", kind, ns, name, len(gen))
	return nil
}

// antreaRules are a policy's rules of a direction as JSON-like maps.
func antreaRules(o map[string]any, dir string) []map[string]any {
	spec, _ := o["spec"].(map[string]any)
	list, _ := spec[dir].([]any)
	var out []map[string]any
	for _, r := range list {
		out = append(out, r.(map[string]any))
	}
	return out
}

// TestAntreaObserveWithoutBaseline: without a baseline, an observed
// workload's rules log and it gets no isolate policy, while the enforced
// workload of its namespace isolates itself (DNS, then Drop both ways,
// after every Allow of the tier).
func TestAntreaObserveWithoutBaseline(t *testing.T) {
	input := antreaCase(t, "dialect-antrea-baseline-observe")
	input = regexp.MustCompile(`(?s)    baseline:.*?logDenied: true\n`).ReplaceAll(input, nil)
	_, _, gen := antreaRender(t, input, false, nil)
	for _, g := range gen {
		if g.Ref.Kind == "ClusterNetworkPolicy" {
			t.Errorf("without a baseline, %s is rendered", g.Ref.Name)
		}
	}
	reviews := antreaObject(t, gen, "NetworkPolicy", "shop", "reviews-flows")
	for _, r := range antreaRules(reviews, "egress") {
		if r["enableLogging"] != true || r["logLabel"] != build.AntreaLogObserveAllowed {
			t.Errorf("observed rule %v does not log", r)
		}
	}
	for _, g := range gen {
		if g.Ref.Name == "reviews-isolate" {
			t.Error("the observed workload isolates itself")
		}
	}
	cart := antreaObject(t, gen, "NetworkPolicy", "shop", "cart-flows")
	for _, r := range antreaRules(cart, "egress") {
		if _, logs := r["enableLogging"]; logs {
			t.Errorf("enforced rule %v logs", r)
		}
	}
	iso := antreaObject(t, gen, "NetworkPolicy", "shop", "cart-isolate")
	if prio, flows := iso["spec"].(map[string]any)["priority"].(int64), cart["spec"].(map[string]any)["priority"].(int64); prio <= flows {
		t.Errorf("isolate priority %v is not after the allows' %v", prio, flows)
	}
	eg, in := antreaRules(iso, "egress"), antreaRules(iso, "ingress")
	if len(eg) != 2 || eg[0]["name"] != "allow-dns" || eg[1]["action"] != "Drop" || eg[1]["to"] != nil ||
		len(in) != 1 || in[0]["action"] != "Drop" || in[0]["from"] != nil {
		t.Errorf("cart-isolate: egress %v, ingress %v; want allow-dns then Drop all, and Drop all", eg, in)
	}
}

// TestAntreaWorkloadTier: the Tier is spec.tier's, at its order or 240; a
// static Tier's name renders none, and the policies name it.
func TestAntreaWorkloadTier(t *testing.T) {
	base := antreaCase(t, "dialect-antrea-native")
	for _, tc := range []struct {
		spec, tier string
		priority   any // nil: no Tier object
	}{
		{"{cni: antrea, dialect: native}", "netid", int64(240)},
		{"{cni: antrea, dialect: native, tier: {name: payments-team, order: 120}}", "payments-team", int64(120)},
		{"{cni: antrea, dialect: native, tier: {name: application}}", "application", nil},
		{"{cni: antrea, dialect: native, tier: {name: platform}}", "platform", nil},
	} {
		input := bytes.Replace(base, []byte("spec: {cni: antrea, dialect: native}"), []byte("spec: "+tc.spec), 1)
		_, _, gen := antreaRender(t, input, false, nil)
		var tiers []map[string]any
		for _, g := range gen {
			if g.Ref.Kind == "Tier" {
				tiers = append(tiers, g.Map)
			}
		}
		switch {
		case tc.priority == nil && len(tiers) != 0:
			t.Errorf("%s: renders Tier %v for a static tier", tc.spec, tiers)
		case tc.priority != nil && (len(tiers) != 1 || tiers[0]["metadata"].(map[string]any)["name"] != tc.tier ||
			tiers[0]["spec"].(map[string]any)["priority"] != tc.priority):
			t.Errorf("%s: Tiers %v; want %s at %v", tc.spec, tiers, tc.tier, tc.priority)
		}
		if len(tiers) == 1 {
			if got, set := tiers[0]["metadata"].(map[string]any)["namespace"]; set {
				t.Errorf("%s: the cluster-scoped Tier has namespace %q", tc.spec, got)
			}
		}
		cart := antreaObject(t, gen, "NetworkPolicy", "shop", "cart-flows")
		if got := cart["spec"].(map[string]any)["tier"]; got != tc.tier {
			t.Errorf("%s: cart-flows is in tier %v; want %s", tc.spec, got, tc.tier)
		}
	}
}

// TestAntreaSplitExcept: the blocks left cover exactly the addresses of the
// block outside its holes, without overlap.
func TestAntreaSplitExcept(t *testing.T) {
	for _, tc := range []struct {
		cidr   string
		except []string
		want   []string
	}{
		{"10.0.0.0/8", nil, []string{"10.0.0.0/8"}},
		{"203.0.113.0/24", []string{"203.0.113.128/25"}, []string{"203.0.113.0/25"}},
		{"203.0.113.0/24", []string{"203.0.113.7/32"}, []string{"203.0.113.0/30", "203.0.113.4/31", "203.0.113.6/32",
			"203.0.113.8/29", "203.0.113.16/28", "203.0.113.32/27", "203.0.113.64/26", "203.0.113.128/25"}},
		{"10.0.0.0/30", []string{"10.0.0.0/31", "10.0.0.3/32"}, []string{"10.0.0.2/32"}},
		{"10.0.0.0/24", []string{"10.0.0.0/16"}, []string{}},
		{"10.0.0.0/24", []string{"192.168.0.0/16", "2001:db8::/32"}, []string{"10.0.0.0/24"}},
		{"2001:db8::/32", []string{"2001:db8:8000::/33"}, []string{"2001:db8::/33"}},
	} {
		if got := build.AntreaSplitExcept(tc.cidr, tc.except); !slices.Equal(got, tc.want) {
			t.Errorf("AntreaSplitExcept(%s, %v) = %v; want %v", tc.cidr, tc.except, got, tc.want)
		}
	}
	rnd := rand.New(rand.NewSource(13))
	addr := func(base netip.Prefix) netip.Addr {
		b := base.Addr().As4()
		for i := base.Bits(); i < 32; i++ {
			if rnd.Intn(2) == 1 {
				b[i/8] |= 0x80 >> (i % 8)
			}
		}
		return netip.AddrFrom4(b)
	}
	for range 300 {
		base := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(rnd.Intn(4)), 0, 0}), 16+rnd.Intn(8)).Masked()
		var except []netip.Prefix
		var ex []string
		for range rnd.Intn(4) {
			x := netip.PrefixFrom(addr(base), base.Bits()+1+rnd.Intn(32-base.Bits())).Masked()
			except, ex = append(except, x), append(ex, x.String())
		}
		var blocks []netip.Prefix
		for _, s := range build.AntreaSplitExcept(base.String(), ex) {
			blocks = append(blocks, netip.MustParsePrefix(s))
		}
		for range 200 {
			a := addr(base)
			if rnd.Intn(4) == 0 && len(except) > 0 {
				a = addr(except[rnd.Intn(len(except))])
			}
			want := !slices.ContainsFunc(except, func(x netip.Prefix) bool { return x.Contains(a) })
			n := 0
			for _, b := range blocks {
				if b.Contains(a) {
					n++
				}
			}
			if want && n != 1 || !want && n != 0 {
				t.Fatalf("%s except %v: %s is in %d of %v; want it in %v", base, ex, a, n, blocks, want)
			}
		}
	}
}

// TestAntreaCRDSchema: every field of every Antrea object netid renders
// (both goldens, and the observe form without a baseline) is a field of
// its kind's CRD schema (e2e/testdata/crds/antrea), with the schema's
// types, enums, patterns, bounds and required fields.
func TestAntreaCRDSchema(t *testing.T) {
	schemas := map[string]map[string]any{}
	for kind, file := range map[string]string{"Tier": "tier.yaml", "NetworkPolicy": "networkpolicy.yaml", "ClusterNetworkPolicy": "clusternetworkpolicy.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "e2e", "testdata", "crds", "antrea", file))
		if err != nil {
			t.Fatal(err)
		}
		var crd struct {
			Spec struct {
				Versions []struct {
					Name   string `yaml:"name"`
					Schema struct {
						OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
					} `yaml:"schema"`
				} `yaml:"versions"`
			} `yaml:"spec"`
		}
		if err := yamlv3.Unmarshal(b, &crd); err != nil {
			t.Fatal(err)
		}
		for _, v := range crd.Spec.Versions {
			if v.Name == "v1beta1" {
				schemas[kind] = v.Schema.OpenAPIV3Schema
			}
		}
	}
	observeOnly := regexp.MustCompile(`(?s)    baseline:.*?logDenied: true\n`).ReplaceAll(antreaCase(t, "dialect-antrea-baseline-observe"), nil)
	seen := map[string]bool{}
	for _, input := range [][]byte{antreaCase(t, "dialect-antrea-native"), antreaCase(t, "dialect-antrea-baseline-observe"), observeOnly} {
		_, _, gen := antreaRender(t, input, false, nil)
		for _, g := range gen {
			if g.Ref.APIVersion != build.AntreaAPIVersion {
				continue
			}
			seen[g.Ref.Kind] = true
			schema := schemas[g.Ref.Kind]
			if schema == nil {
				t.Errorf("%s: no CRD for the kind", g.Ref)
				continue
			}
			obj := map[string]any{}
			for k, v := range g.Map {
				if k != "metadata" && k != "apiVersion" && k != "kind" {
					obj[k] = v
				}
			}
			// the object as JSON reads it: the schema's numbers and strings
			b, _ := json.Marshal(obj)
			var decoded any
			_ = json.Unmarshal(b, &decoded)
			for _, e := range antreaSchemaErrors(decoded, schema, "") {
				t.Errorf("%s: %s", g.Ref, e)
			}
		}
	}
	for _, k := range []string{"Tier", "NetworkPolicy", "ClusterNetworkPolicy"} {
		if !seen[k] {
			t.Errorf("no %s rendered: the schema check checked nothing of it", k)
		}
	}
}

// antreaSchemaErrors checks a JSON value against a structural schema (the
// parts of OpenAPI v3 the Antrea CRDs use).
func antreaSchemaErrors(v any, s map[string]any, path string) []string {
	var errs []string
	if s["x-kubernetes-int-or-string"] == true {
		switch v.(type) {
		case string, float64:
		default:
			errs = append(errs, fmt.Sprintf("%s: %v is neither an integer nor a string", path, v))
		}
		return errs
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", path, v, enum))
	}
	switch typ, _ := s["type"].(string); typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %v is not an object", path, v))
		}
		props, _ := s["properties"].(map[string]any)
		additional, _ := s["additionalProperties"].(map[string]any)
		for k, child := range m {
			switch {
			case props[k] != nil:
				errs = append(errs, antreaSchemaErrors(child, props[k].(map[string]any), path+"."+k)...)
			case additional != nil:
				errs = append(errs, antreaSchemaErrors(child, additional, path+"."+k)...)
			default:
				errs = append(errs, fmt.Sprintf("%s.%s: not a field of the schema", path, k))
			}
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := m[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s.%s: required", path, r))
			}
		}
	case "array":
		l, ok := v.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %v is not an array", path, v))
		}
		items, _ := s["items"].(map[string]any)
		for i, e := range l {
			errs = append(errs, antreaSchemaErrors(e, items, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %v is not a string", path, v))
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", path, str, p))
		}
		if s["format"] == "cidr" {
			if _, err := netip.ParsePrefix(str); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a CIDR", path, str))
			}
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok || typ == "integer" && n != float64(int64(n)) {
			return append(errs, fmt.Sprintf("%s: %v is not an %s", path, v, typ))
		}
		if lo, ok := s["minimum"].(float64); ok && n < lo {
			errs = append(errs, fmt.Sprintf("%s: %v is below %v", path, n, lo))
		}
		if lo, ok := s["minimum"].(int); ok && n < float64(lo) {
			errs = append(errs, fmt.Sprintf("%s: %v is below %v", path, n, lo))
		}
		if hi, ok := s["maximum"].(float64); ok && n > hi {
			errs = append(errs, fmt.Sprintf("%s: %v is above %v", path, n, hi))
		}
		if hi, ok := s["maximum"].(int); ok && n > float64(hi) {
			errs = append(errs, fmt.Sprintf("%s: %v is above %v", path, n, hi))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: %v is not a boolean", path, v))
		}
	}
	return errs
}

// TestAntreaProofTellsLookalikesApart: pods the Antrea policies tell apart
// from a workload by a label no NetworkPolicy reads are not that workload:
// an undeclared flow user policies open for them is found, as it is when
// the same policies are NetworkPolicies.
func TestAntreaProofTellsLookalikesApart(t *testing.T) {
	items, fc, _ := antreaRender(t, antreaCase(t, "dialect-antrea-native"), false, nil)
	const user = `apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: team-x-out, namespace: shop}
spec:
  tier: netid
  priority: 5
  appliedTo: [{podSelector: {matchLabels: {team: x}}}]
  egress: [{action: Allow, to: [{podSelector: {matchLabels: {app: payments}}}], ports: [{protocol: TCP, port: 9443}]}]
---
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: team-x-in, namespace: shop}
spec:
  tier: netid
  priority: 5
  appliedTo: [{podSelector: {matchLabels: {app: payments}}}]
  ingress: [{action: Allow, from: [{podSelector: {matchLabels: {team: x}}}], ports: [{protocol: TCP, port: 9443}]}]
`
	extra, err := (&kio.ByteReader{Reader: strings.NewReader(user)}).Read()
	if err != nil {
		t.Fatal(err)
	}
	v := process.Verify(append(items, extra...), fc)
	found := false
	for _, c := range v.Mismatches {
		if c.From == "shop/{team=x}" && c.To == "shop/payments" && c.Port == "9443/TCP" && c.Allowed && !c.Expected {
			found = true
		}
	}
	if !found {
		t.Errorf("the undeclared flow shop/{team=x} → shop/payments on 9443/TCP is not among the mismatches %v", v.Mismatches)
	}
}
