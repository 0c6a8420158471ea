package initcfg_test

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"netid.dev/netid/fn/internal/initcfg"
	"netid.dev/netid/fn/internal/process"
	"netid.dev/netid/fn/internal/rules"
)

func read(t *testing.T, b []byte) []*yaml.RNode {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func drafts(t *testing.T) ([]byte, []*yaml.RNode) {
	t.Helper()
	app, err := os.ReadFile("testdata/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items := read(t, app)
	s, fs := rules.NewStream(items)
	if fs.HasErrors() {
		t.Fatalf("the app does not read: %v", fs)
	}
	var out bytes.Buffer
	if err := initcfg.Write(&out, initcfg.Drafts(s)); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), items
}

// The drafts declare what the manifests show: each Service named in an
// environment value or argument, on the port named there; the pod template's
// own ServiceAccount; the Ingress.
func TestDraftsInferTheCallGraph(t *testing.T) {
	out, _ := drafts(t)
	var got []string
	for _, n := range read(t, out) {
		egress, _ := n.Pipe(yaml.Lookup("spec", "egress"))
		if egress == nil {
			continue
		}
		els, _ := egress.Elements()
		for _, e := range els {
			to, _ := e.Pipe(yaml.Lookup("to", "workload"))
			ports, _ := e.Pipe(yaml.Lookup("ports"))
			got = append(got, n.GetName()+" -> "+yaml.GetValue(to)+" "+strings.TrimSpace(ports.MustString()))
		}
	}
	sort.Strings(got)
	want := []string{
		"cartservice -> redis-cart - redis",
		"frontend -> cartservice - grpc",
		"frontend -> paymentservice - grpc",
		"frontend -> productcatalog - grpc",
	}
	if !slices.Equal(got, want) {
		t.Errorf("inferred flows\n got %q\nwant %q", got, want)
	}
	for _, s := range []string{"serviceAccount: shop-frontend", "className: nginx", "tlsSecret: shop-tls", `inferred from args[0] of container frontend ("--payments=paymentservice.payments:8080")`} {
		if !strings.Contains(string(out), s) {
			t.Errorf("drafts lack %q:\n%s", s, out)
		}
	}
	if strings.Contains(string(out), "api.example.com") {
		t.Error("an address outside the app became a flow")
	}
}

// A draft is refused until a person writes every reason; once they have (and
// stated the mesh posture and the Ingress controller), it renders and the
// proof finds the policies allow exactly the inferred call graph.
func TestDraftsRefusedUntilReviewedThenProved(t *testing.T) {
	out, app := drafts(t)
	// What init cannot know: the Ingress controller's pods.
	withController := strings.ReplaceAll(string(out), "    ingress:\n      className: nginx", "    controller: {namespace: ingress-nginx, podLabels: {app.kubernetes.io/name: ingress-nginx}}\n    ingress:\n      className: nginx")
	res := process.Render(append(app, read(t, []byte(withController))...), nil, process.Options{})
	placeholders := 0
	for _, f := range res.Findings {
		if f.Rule == "netpol-reason-written" {
			placeholders++
		}
	}
	if placeholders != 4 || !res.Findings.HasErrors() {
		t.Fatalf("want the 4 inferred reasons refused, got %d netpol-reason-written findings in %v", placeholders, res.Findings)
	}

	// A person writes every reason and states the mesh posture.
	reviewed := regexp.MustCompile(`reason: 'netid init: inferred from [^']*'`).ReplaceAllString(withController, `reason: "reviewed: the caller needs this service"`)
	reviewed = strings.ReplaceAll(reviewed, "spec: {}", "spec:\n  mesh: {provider: none, eastWest: \"TLS in the app\"}")
	reviewed = strings.ReplaceAll(reviewed, "\nspec:\n  egress:", "\nspec:\n  mesh: {provider: none, eastWest: \"TLS in the app\"}\n  egress:")
	res = process.Render(append(read(t, mustReread(t, "testdata/app.yaml")), read(t, []byte(reviewed))...), nil, process.Options{})
	if res.Findings.HasErrors() {
		var b strings.Builder
		res.Findings.Write(&b)
		t.Fatalf("the reviewed drafts are refused:\n%s\n%s", b.String(), reviewed)
	}
}

func mustReread(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A LoadBalancer Service is drafted as found (its source ranges), and a plain
// HTTP Ingress gets a placeholder reason that the rules refuse.
func TestDraftsServiceExposureAndPlainIngress(t *testing.T) {
	app := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: edge}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: example.com/web:1, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-public, namespace: edge}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  loadBalancerSourceRanges: [198.51.100.0/24]
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: edge}
spec:
  ingressClassName: nginx
  rules: [{host: web.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web-public, port: {name: http}}}}]}}]
`
	s, _ := rules.NewStream(read(t, []byte(app)))
	var out bytes.Buffer
	if err := initcfg.Write(&out, initcfg.Drafts(s)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"loadBalancer:\n      service: web-public\n      sourceRanges:\n      - 198.51.100.0/24", "plainReason: 'netid init: Ingress edge/web serves plain HTTP"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("draft lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "nodeCIDRs") || strings.Contains(out.String(), "externalTrafficPolicy Cluster") {
		t.Errorf("a Local LoadBalancer needs no node CIDRs:\n%s", out.String())
	}
}
