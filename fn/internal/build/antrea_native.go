package build

import (
	"k8s.io/apimachinery/pkg/runtime"

	"netid.dev/netid/fn/internal/plan"
)

// antreaWorkload renders a workload's policies in the antrea dialect.
// Not yet written: renders nothing.
func antreaWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object { return nil }

// antreaWorkloadTier is the tier of the workloads' antrea policies.
// Not yet written: renders nothing.
func antreaWorkloadTier(p *plan.Plan) []runtime.Object { return nil }

// antreaBaseline is the cluster baseline in the antrea dialect.
// Not yet written: renders nothing.
func antreaBaseline(p *plan.Plan) []runtime.Object { return nil }
