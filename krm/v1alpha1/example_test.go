package v1alpha1_test

import (
	"fmt"

	"netid.dev/netid/krm/v1alpha1"
)

// Decoding, defaulting and validating a NetworkIdentity, as the function does.
func Example() {
	cfg, errs := v1alpha1.Decode([]byte(`
apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: checkoutservice, namespace: shop}
spec:
  egress:
  - to: {workload: paymentservice, namespace: payments}
    ports: [grpc]
    reason: charge the card
`))
	if len(errs) > 0 {
		fmt.Println(errs)
		return
	}
	cfg.Default()
	fmt.Println(cfg.Spec.Workload, cfg.Spec.Mode, cfg.Spec.PodSecurity.Enforce, *cfg.Spec.Identity.AutomountToken)
	fmt.Println(cfg.Validate())
	// Output:
	// checkoutservice enforce restricted false
	// []
}

// A mistyped field is an error naming it.
func ExampleDecode_unknownField() {
	_, errs := v1alpha1.Decode([]byte("apiVersion: netid.dev/v1alpha1\nkind: NetworkIdentity\nmetadata: {name: a}\nspec:\n  egress:\n  - to: {worklaod: b}\n    reason: r\n"))
	for _, e := range errs {
		fmt.Println(e)
	}
	// Output:
	// spec.egress[0].to.worklaod: unknown field (see docs/config.md for the NetworkIdentity fields)
}
