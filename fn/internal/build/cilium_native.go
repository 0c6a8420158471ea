package build

import (
	"k8s.io/apimachinery/pkg/runtime"

	"netid.dev/netid/fn/internal/plan"
)

// ciliumWorkload renders a workload's policies as CiliumNetworkPolicies.
// Not yet written: renders nothing.
func ciliumWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object { return nil }

// ciliumBaseline is the cluster baseline as CiliumClusterwideNetworkPolicies.
// Not yet written: renders nothing.
func ciliumBaseline(p *plan.Plan) []runtime.Object { return nil }
