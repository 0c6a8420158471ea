package build

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	for _, g := range Policies(w) {
		if g.FQDN != nil {
			out = append(out, fqdnPolicy(ns, w, g.FQDN))
			continue
		}
		out = append(out, FlowPolicy(w, g.Name, g.In, g.Out))
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

// PolicyFlows are the flows whose rules one policy holds at a workload, or
// an FQDN callee's flow, which no NetworkPolicy holds (FQDN set, Name "").
type PolicyFlows struct {
	Name    string
	In, Out []*plan.Flow
	FQDN    *plan.Flow
}

// Policies lists a workload's policies in the order their rules first
// appear (its ingress flows, then its egress flows), each with its flows in
// rule order; an FQDN callee's flow stands at its place among the egress
// flows. Every dialect renders a workload's policies from this one list.
func Policies(w *plan.Workload) []PolicyFlows {
	var out []PolicyFlows
	at := map[string]int{}
	add := func(name string, f *plan.Flow, in bool) {
		i, ok := at[name]
		if !ok {
			i = len(out)
			at[name] = i
			out = append(out, PolicyFlows{Name: name})
		}
		if in {
			out[i].In = append(out[i].In, f)
		} else {
			out[i].Out = append(out[i].Out, f)
		}
	}
	for _, f := range w.In {
		if f.IngressRule.Policy != "" {
			add(f.IngressRule.Policy, f, true)
		}
	}
	for _, f := range w.Out {
		switch {
		case f.To.Kind == plan.KindFQDN:
			out = append(out, PolicyFlows{FQDN: f})
		case f.EgressRule.Policy != "":
			add(f.EgressRule.Policy, f, false)
		}
	}
	return out
}

// fqdnPolicy is the CiliumNetworkPolicy of an FQDN callee's flow, whose
// names' lookups go to the namespace's DNS pods, else the cluster default.
func fqdnPolicy(ns *plan.Namespace, w *plan.Workload, f *plan.Flow) *unstructured.Unstructured {
	if ns.DNS != nil {
		return CiliumFQDNPolicy(w, f, ns.DNS.Namespace, ns.DNS.PodLabels)
	}
	return CiliumFQDNPolicy(w, f, v1alpha1.DefaultDNSNamespace, v1alpha1.DefaultDNSPodLabels())
}
