package build

import (
	"k8s.io/apimachinery/pkg/runtime"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// Network renders the network layer of a plan in the cluster's dialects:
// the objects rendered once for the cluster (tiers, the baseline), those of
// each governed namespace, and each workload's policies. Which dialect
// renders what follows the plan's Settings:
//
//   - the workloads' policies: NetworkPolicy, or with dialect native the
//     CNI's own kinds (Calico, Cilium, Antrea) in the configured tier;
//   - the baseline (default deny, DNS, the platform's allowances and
//     denies): without spec.baseline, today's per-namespace default-deny,
//     DNS and mesh control plane NetworkPolicies; with it, the upstream
//     AdminNetworkPolicy API when the cluster has it, else the CNI's
//     cluster-wide kinds, else per-namespace NetworkPolicies.
//
// Each workload's stage (plan.Observes) decides the form: in observe its
// policies block nothing.
type Network struct {
	p         *plan.Plan
	cluster   []func(*plan.Plan) []runtime.Object
	namespace func(*plan.Plan, *plan.Namespace) []runtime.Object
	workload  func(*plan.Plan, *plan.Namespace, *plan.Workload) []runtime.Object
}

// NetworkFor chooses the dialects of the plan's network layer.
func NetworkFor(p *plan.Plan) *Network {
	s := p.Settings
	n := &Network{p: p, workload: networkPolicyWorkload, namespace: networkPolicyNamespace}
	if s.Native() {
		switch s.CNI {
		case v1alpha1.CNICalico:
			n.workload = calicoWorkload
			n.cluster = append(n.cluster, calicoWorkloadTier)
		case v1alpha1.CNICilium:
			n.workload = ciliumWorkload
		case v1alpha1.CNIAntrea:
			n.workload = antreaWorkload
			n.cluster = append(n.cluster, antreaWorkloadTier)
		}
	}
	if s.Baseline != nil {
		switch {
		case s.AdminNetworkPolicy:
			n.namespace = upstreamNamespace
			n.cluster = append(n.cluster, upstreamBaseline)
		case s.CNI == v1alpha1.CNICalico:
			n.namespace = nil
			n.cluster = append(n.cluster, calicoBaseline)
		case s.CNI == v1alpha1.CNICilium:
			n.namespace = nil
			n.cluster = append(n.cluster, ciliumBaseline)
		case s.CNI == v1alpha1.CNIAntrea:
			n.namespace = nil
			n.cluster = append(n.cluster, antreaBaseline)
		default:
			n.namespace = networkPolicyBaselineNamespace
		}
	}
	return n
}

// Cluster is what renders once: tiers and a cluster-wide baseline.
func (n *Network) Cluster() []runtime.Object {
	var out []runtime.Object
	for _, f := range n.cluster {
		out = append(out, f(n.p)...)
	}
	return out
}

// Namespace is what renders per governed namespace: its default deny and
// DNS egress when the baseline is not cluster-wide.
func (n *Network) Namespace(ns *plan.Namespace) []runtime.Object {
	if n.namespace == nil {
		return nil
	}
	return n.namespace(n.p, ns)
}

// Workload is one workload's network policies.
func (n *Network) Workload(ns *plan.Namespace, w *plan.Workload) []runtime.Object {
	return n.workload(n.p, ns, w)
}

// networkPolicyNamespace is the namespace's default-deny, DNS egress and mesh
// control plane NetworkPolicies. A namespace where some workload observes
// has none of them: each selects every pod, so each would isolate the
// observed pods; its enforced workloads are isolated one by one instead
// (IsolatePolicy, rendered with their own policies).
func networkPolicyNamespace(p *plan.Plan, ns *plan.Namespace) []runtime.Object {
	if p.ObservesAny(ns) {
		return nil
	}
	out := []runtime.Object{DefaultDeny(ns)}
	if ns.DNS != nil {
		out = append(out, DNSEgress(ns))
	}
	if o := MeshControlPlaneEgress(ns); o != nil {
		out = append(out, o)
	}
	return out
}

// networkPolicyWorkload is the workload's allow NetworkPolicies (per flow or
// per workload, as the plan's layout names them) and, with cni cilium, a
// CiliumNetworkPolicy per FQDN callee. Before them, its isolate policy when
// it needs one (NetworkPolicyIsolated). An observed workload gets nothing:
// any policy selecting its pods would isolate them in the directions it
// covers. Its callers' and callees' rules still admit its flows at their
// ends.
func networkPolicyWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object {
	if p.Observes(w) {
		return nil
	}
	var out []runtime.Object
	if NetworkPolicyIsolated(p, ns, w) {
		out = append(out, IsolatePolicy(ns, w, p.Settings.Baseline))
	}
	groups := ByPolicy(w)
	policy := func(name string) {
		if g := groups[name]; g != nil {
			out = append(out, FlowPolicy(w, name, g.In, g.Out))
			delete(groups, name)
		}
	}
	for _, f := range w.In {
		policy(f.IngressRule.Policy)
	}
	for _, f := range w.Out {
		if f.To.Kind == plan.KindFQDN {
			dnsNS, dnsLabels := v1alpha1.DefaultDNSNamespace, v1alpha1.DefaultDNSPodLabels()
			if ns.DNS != nil {
				dnsNS, dnsLabels = ns.DNS.Namespace, ns.DNS.PodLabels
			}
			out = append(out, CiliumFQDNPolicy(w, f, dnsNS, dnsLabels))
			continue
		}
		policy(f.EgressRule.Policy)
	}
	return out
}

// NetworkPolicyIsolated says that an enforced workload's pods are isolated
// by a NetworkPolicy of their own (IsolatePolicy) in the NetworkPolicy
// dialect: a critical workload always, so that its isolation does not
// depend on its namespace's; any other where another workload of its
// namespace observes, so that its namespace has no default-deny.
func NetworkPolicyIsolated(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) bool {
	return !p.Observes(w) && (w.Spec.Tier == v1alpha1.TierCritical || p.ObservesAny(ns))
}

// PolicyFlows are the flows whose rules one policy holds at a workload.
type PolicyFlows struct {
	In, Out []*plan.Flow
}

// ByPolicy groups a workload's flows by the policy holding their rule at w,
// each group's flows in rule order; flows without one (FQDN callees) are
// left out.
func ByPolicy(w *plan.Workload) map[string]*PolicyFlows {
	groups := map[string]*PolicyFlows{}
	group := func(name string) *PolicyFlows {
		g := groups[name]
		if g == nil {
			g = &PolicyFlows{}
			groups[name] = g
		}
		return g
	}
	for _, f := range w.In {
		if f.IngressRule.Policy != "" {
			g := group(f.IngressRule.Policy)
			g.In = append(g.In, f)
		}
	}
	for _, f := range w.Out {
		if f.EgressRule.Policy != "" {
			g := group(f.EgressRule.Policy)
			g.Out = append(g.Out, f)
		}
	}
	return groups
}
