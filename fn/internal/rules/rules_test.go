package rules

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/load"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// ruleCase is one row of a rule's table: manifests (NetworkIdentity documents
// among them become declarations of the workload they name) and the
// violations expected, each as "Kind/namespace/name field".
type ruleCase struct {
	name string
	yaml string
	// setup adds to the stream what manifests cannot show (e.g. conflicts
	// found while merging).
	setup func(*Stream)
	want  []string
}

// casesFor collects every rule's table, for the completeness test.
var casesFor = map[string][]ruleCase{}

// table registers a rule's cases and returns them, so each rule's test file
// declares its table once: `var xCases = table(rule, []ruleCase{...})`.
func table(r *Rule, cases []ruleCase) []ruleCase {
	casesFor[r.ID] = append(casesFor[r.ID], cases...)
	return cases
}

// runCases checks a rule against its table.
func runCases(t *testing.T, r *Rule, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := streamOf(t, c.yaml)
			if c.setup != nil {
				c.setup(s)
			}
			var got []string
			for _, v := range r.Check(s) {
				if v.Message == "" {
					t.Errorf("violation of %s at %s has no message", r.ID, v.Field)
				}
				got = append(got, v.Object.String()+" "+v.Field)
			}
			sort.Strings(got)
			want := append([]string(nil), c.want...)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s violations:\n got  %q\n want %q", r.ID, got, want)
			}
		})
	}
}

func streamOf(t *testing.T, manifests string) *Stream {
	t.Helper()
	nodes, err := kio.ParseAll(manifests)
	if err != nil {
		t.Fatalf("fixture does not parse: %v", err)
	}
	s, fs := NewStream(nodes)
	if len(fs) > 0 {
		t.Fatalf("fixture unreadable: %v", fs)
	}
	// With configs that resolve, the proofs get their expectations.
	if m, fs := load.Load(nodes, nil); !fs.HasErrors() {
		if p, pfs := plan.Make(m); !pfs.HasErrors() {
			s.Plan = p
		}
	}
	for _, n := range nodes {
		if n.GetKind() != v1alpha1.Kind {
			continue
		}
		data, _ := n.MarshalJSON()
		cfg, errs := v1alpha1.Decode(data)
		if len(errs) > 0 {
			t.Fatalf("fixture NetworkIdentity: %v", errs)
		}
		cfg.Default()
		s.Declare(cfg.Namespace+"/"+cfg.Spec.Workload, &Declaration{Config: cfg, Object: finding.ObjectOf(n)})
	}
	return s
}

// TestRegistry enforces the shape of every rule: well-formed data, its own
// file and test file named after the ID, and a table with at least one
// passing and one failing case.
func TestRegistry(t *testing.T) {
	if len(All()) == 0 {
		t.Fatal("no rules registered")
	}
	for _, r := range All() {
		if err := r.wellFormed(); err != nil {
			t.Error(err)
		}
		file := strings.ReplaceAll(r.ID, "-", "_")
		for _, f := range []string{file + ".go", file + "_test.go"} {
			if _, err := os.Stat(filepath.Join(".", f)); err != nil {
				t.Errorf("rule %s: want its own file %s: %v", r.ID, f, err)
			}
		}
		pass, fail := 0, 0
		for _, c := range casesFor[r.ID] {
			if len(c.want) == 0 {
				pass++
			} else {
				fail++
			}
		}
		if pass == 0 || fail == 0 {
			t.Errorf("rule %s: table has %d passing and %d failing cases; want at least one of each", r.ID, pass, fail)
		}
	}
}

// TestRegisterRefusesDuplicates checks the registry's own guard.
func TestRegisterRefusesDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering a duplicate ID did not panic")
		}
	}()
	register(&Rule{ID: netpolDefaultDeny.ID, Title: "x", Rationale: "x", Remediation: "X.", Severity: "error", Check: netpolDefaultDeny.Check})
}

// A generated object's netid.dev/workload label holds the workload's name,
// shortened with a hash past 63 characters; OwnerOf maps it back to the
// declared workload, so exceptions and audit mode still apply to it.
func TestOwnerOfShortenedLabel(t *testing.T) {
	long := strings.Repeat("w", 200)
	s := &Stream{Declared: map[string]*Declaration{}}
	s.Declare("shop/"+long, &Declaration{})
	s.Declare("shop/cart", &Declaration{})
	for _, tt := range []struct{ ns, label, want string }{
		{"shop", v1alpha1.WorkloadLabelValue(long), "shop/" + long},
		{"shop", "cart", "shop/cart"},
		{"other", v1alpha1.WorkloadLabelValue(long), "other/" + v1alpha1.WorkloadLabelValue(long)},
		{"shop", "undeclared", "shop/undeclared"},
	} {
		got := s.OwnerOf(tt.ns, metav1.ObjectMeta{Labels: map[string]string{v1alpha1.WorkloadLabel: tt.label}})
		if !slices.Equal(got, []string{tt.want}) {
			t.Errorf("OwnerOf(%s, %s) = %q, want %q", tt.ns, tt.label, got, tt.want)
		}
	}
}

// TestWellFormedWaivers checks a rule audit mode cannot soften must refuse
// exceptions too: an exception would otherwise waive what audit cannot.
func TestWellFormedWaivers(t *testing.T) {
	r := *tierCritical
	r.Unexcepted = false
	if err := r.wellFormed(); err == nil || !strings.Contains(err.Error(), "unaudited but exceptable") {
		t.Errorf("wellFormed = %v; want the unaudited, exceptable rule refused", err)
	}
	r.Unexcepted = true
	if err := r.wellFormed(); err != nil {
		t.Errorf("wellFormed of tier-critical = %v", err)
	}
}

// TestDocsWaivers checks docs/rules.md says which rules nothing waives.
func TestDocsWaivers(t *testing.T) {
	md := Markdown()
	for _, want := range []string{
		"## tier-critical", "**Waivers:** not exceptable, not softened by audit mode.",
		"**Waivers:** not exceptable (audit mode still makes it a warning).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("docs/rules.md lacks %q", want)
		}
	}
}

// cartDeployment is the shop's cart Deployment (app: cart, port http 8080)
// and a document separator, the workload of several rules' cases.
const cartDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, image: cart:1, ports: [{name: http, containerPort: 8080}]}]}
---
`
