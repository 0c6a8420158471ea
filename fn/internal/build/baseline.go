package build

import (
	"k8s.io/apimachinery/pkg/runtime"

	"netid.dev/netid/fn/internal/plan"
)

// upstreamBaseline is the cluster baseline in the upstream
// policy.networking.k8s.io API. Not yet written: renders nothing.
func upstreamBaseline(p *plan.Plan) []runtime.Object { return nil }

// networkPolicyBaselineNamespace is the cluster baseline of one namespace as
// NetworkPolicies. Not yet written: today's per-namespace policies.
func networkPolicyBaselineNamespace(p *plan.Plan, ns *plan.Namespace) []runtime.Object {
	return networkPolicyNamespace(p, ns)
}
