package process

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A reason of 270 KB would make an annotation over the API server's 256 KiB
// limit on all of an object's annotations: it is refused with its field,
// and the refusal does not echo it.
func TestRefusesHugeReason(t *testing.T) {
	input := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: cart, namespace: shop}
  spec:
    selector: {matchLabels: {app: cart}}
    template:
      metadata: {labels: {app: cart}}
      spec: {containers: [{name: cart, image: example.com/cart:1.0, ports: [{containerPort: 8080}]}]}
functionConfig:
  apiVersion: netid.dev/v1alpha1
  kind: NetworkIdentity
  metadata: {name: cart, namespace: shop}
  spec:
    ingress:
    - from: {namespace: monitoring, podLabels: {app: prometheus}}
      reason: "` + strings.Repeat("metrics ", 270*1024/8) + `"
    mesh: {provider: none, eastWest: "TLS in the app"}
`
	var stdout, stderr bytes.Buffer
	if code := Run(strings.NewReader(input), &stdout, &stderr, Options{}); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	checkRefusal(t, stdout.Bytes())
	if bytes.Contains(stdout.Bytes(), []byte("metrics metrics")) {
		t.Errorf("the refusal's ResourceList echoes the reason")
	}
	want := "error[config] NetworkIdentity/shop/cart spec.ingress[0].reason: Too long: may not be more than 1024 characters"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not say\n%s\n:\n%.2000s", want, stderr.String())
	}
	if stderr.Len() > 1024 {
		t.Errorf("stderr of %d bytes echoes the reason", stderr.Len())
	}
}

// A peer with 900 long podLabels passes validation label by label, but its
// netid.dev/peer annotation, which lists them, would be over the API
// server's 256 KiB for all of an object's annotations: the render is
// refused, naming the generated policy.
func TestRefusesGeneratedAnnotationsOverLimit(t *testing.T) {
	var labels strings.Builder
	for i := range 900 {
		fmt.Fprintf(&labels, "          %s.example.com/%s-%03d: %s\n", strings.Repeat("d", 200), strings.Repeat("k", 50), i, strings.Repeat("v", 63))
	}
	input := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: cart, namespace: shop}
  spec:
    selector: {matchLabels: {app: cart}}
    template:
      metadata: {labels: {app: cart}}
      spec: {containers: [{name: cart, image: example.com/cart:1.0, ports: [{containerPort: 8080}]}]}
functionConfig:
  apiVersion: netid.dev/v1alpha1
  kind: NetworkIdentity
  metadata: {name: cart, namespace: shop}
  spec:
    ingress:
    - from:
        namespace: monitoring
        podLabels:
` + labels.String() + `      reason: "metrics"
    mesh: {provider: none, eastWest: "TLS in the app"}
`
	var stdout, stderr bytes.Buffer
	if code := Run(strings.NewReader(input), &stdout, &stderr, Options{}); code != 1 {
		t.Errorf("exit code %d, want 1\n%.2000s", code, stderr.String())
	}
	want := "error[config] NetworkPolicy/shop/cart-flows metadata.annotations"
	wantMsg := "): the API server would refuse this generated NetworkPolicy: its annotations are over 262144 bytes in all"
	if !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), " metadata.annotations (netid-generated/shop/networkpolicy_cart-flows.yaml)") ||
		!strings.Contains(stderr.String(), wantMsg) {
		t.Errorf("stderr does not refuse the generated policy's annotations:\n%.3000s", stderr.String())
	}
}
