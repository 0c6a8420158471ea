package build

import (
	"k8s.io/apimachinery/pkg/runtime"

	"netid.dev/netid/fn/internal/plan"
)

// calicoWorkload renders a workload's policies in the calico dialect.
// Not yet written: renders nothing.
func calicoWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object { return nil }

// calicoWorkloadTier is the tier of the workloads' calico policies.
// Not yet written: renders nothing.
func calicoWorkloadTier(p *plan.Plan) []runtime.Object { return nil }

// calicoBaseline is the cluster baseline in the calico dialect.
// Not yet written: renders nothing.
func calicoBaseline(p *plan.Plan) []runtime.Object { return nil }
