package rules

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"netid.dev/netid/fn/internal/plan"
)

// index holds the stream's objects by namespace and name, so that rules
// looking up "the ServiceAccount of this workload" or "the workloads of this
// namespace" cost a map access, not a scan of the stream (which made the
// rules quadratic in the estate). It is built on first use and rebuilt when
// the stream has grown since (tests and AddGenerated append to the lists).
// Every list keeps stream order, so the lookups answer exactly as the scans
// they replace did.
type index struct {
	sizes [5]int

	// serviceAccounts["ns/name"] are the ServiceAccounts of that name, in
	// stream order.
	serviceAccounts map[string][]*Object[corev1.ServiceAccount]
	// services["ns/name"] is the first Service of that name.
	services map[string]*Object[corev1.Service]
	// workloads[ns] are the namespace's workloads; workloadByKey["ns/name"]
	// the first workload of that key.
	workloads     map[string][]*Workload
	workloadByKey map[string]*Workload
	// policies["ns/name"] is the first NetworkPolicy of that name (a policy
	// without a namespace is in "default").
	policies map[string]*Object[networkingv1.NetworkPolicy]
	// policiesIn[ns] are the NetworkPolicies whose metadata.namespace is ns.
	policiesIn map[string][]*Object[networkingv1.NetworkPolicy]
	// sharing["ns/name"] is the first planned workload of that key that
	// shares its ServiceAccount.
	sharing map[string]*plan.Workload
}

func (s *Stream) sizes() [5]int {
	planned := 0
	if s.Plan != nil {
		planned = len(s.Plan.Workloads)
	}
	return [5]int{len(s.ServiceAccounts), len(s.Services), len(s.Workloads), len(s.NetworkPolicies), planned}
}

// idx returns the stream's index, built or rebuilt as needed.
func (s *Stream) idx() *index {
	sizes := s.sizes()
	if s.index != nil && s.index.sizes == sizes {
		return s.index
	}
	x := &index{sizes: sizes,
		serviceAccounts: map[string][]*Object[corev1.ServiceAccount]{}, services: map[string]*Object[corev1.Service]{},
		workloads: map[string][]*Workload{}, workloadByKey: map[string]*Workload{},
		policies: map[string]*Object[networkingv1.NetworkPolicy]{}, policiesIn: map[string][]*Object[networkingv1.NetworkPolicy]{}, sharing: map[string]*plan.Workload{}}
	for _, sa := range s.ServiceAccounts {
		k := sa.Ref.Namespace + "/" + sa.Ref.Name
		x.serviceAccounts[k] = append(x.serviceAccounts[k], sa)
	}
	for _, svc := range s.Services {
		if k := svc.Ref.Namespace + "/" + svc.Ref.Name; x.services[k] == nil {
			x.services[k] = svc
		}
	}
	for _, w := range s.Workloads {
		x.workloads[w.Ref.Namespace] = append(x.workloads[w.Ref.Namespace], w)
		if k := w.Key(); x.workloadByKey[k] == nil {
			x.workloadByKey[k] = w
		}
	}
	for _, p := range s.NetworkPolicies {
		x.policiesIn[p.Ref.Namespace] = append(x.policiesIn[p.Ref.Namespace], p)
		ns := p.Ref.Namespace
		if ns == "" {
			ns = "default"
		}
		if k := ns + "/" + p.Ref.Name; x.policies[k] == nil {
			x.policies[k] = p
		}
	}
	if s.Plan != nil {
		for _, w := range s.Plan.Workloads {
			if k := w.Namespace() + "/" + w.Name(); len(w.Sharing) > 0 && x.sharing[k] == nil {
				x.sharing[k] = w
			}
		}
	}
	s.index = x
	return x
}

// ServiceAccountsNamed are the ServiceAccounts ns/name of the stream, in
// stream order (more than one only in a stream that repeats an object).
func (s *Stream) ServiceAccountsNamed(ns, name string) []*Object[corev1.ServiceAccount] {
	return s.idx().serviceAccounts[ns+"/"+name]
}

// WorkloadsIn are the workloads of namespace ns, in stream order.
func (s *Stream) WorkloadsIn(ns string) []*Workload { return s.idx().workloads[ns] }
