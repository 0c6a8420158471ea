package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"netid.dev/netid/internal/names"
	"netid.dev/netid/krm/v1alpha1"
)

// Names of the per-namespace baseline policies.
const (
	DefaultDenyPolicy = "default-deny"
	DNSPolicy         = "allow-dns-egress"
	// MeshPolicy lets injected sidecars reach the mesh control plane.
	MeshPolicy = "allow-mesh-control-plane"
	// BaselineIngressPolicy and BaselineEgressPolicy admit the cluster
	// baseline's platform callers and callees (ClusterNetworkIdentity
	// spec.baseline.ingress and egress) in each governed namespace.
	BaselineIngressPolicy = "allow-baseline-ingress"
	BaselineEgressPolicy  = "allow-baseline-egress"
)

// maxName is the longest object name (a DNS subdomain).
const maxName = 253

var nonName = regexp.MustCompile(`[^a-z0-9-]+`)

// slug names an endpoint inside a policy name, relative to the namespace the
// policy lives in: "frontend", "payments-paymentservice", "monitoring-prometheus",
// "cidr-203-0-113-0-24", "fqdn-api-example-com".
func slug(e Endpoint, ns string) string {
	var s string
	switch e.Kind {
	case KindWorkload:
		s = e.Workload.Name()
		if e.Namespace != ns {
			s = e.Namespace + "-" + s
		}
	case KindPods:
		keys := make([]string, 0, len(e.Selector.MatchLabels))
		for k := range e.Selector.MatchLabels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := []string{e.Namespace}
		for _, k := range keys {
			parts = append(parts, e.Selector.MatchLabels[k])
		}
		s = strings.Join(parts, "-")
	case KindCIDR:
		s = "cidr-" + e.CIDR
	case KindFQDN:
		s = "fqdn-" + strings.ReplaceAll(e.FQDN, "*", "wildcard")
	}
	s = nonName.ReplaceAllString(strings.ToLower(s), "-")
	return strings.Trim(s, "-")
}

// nameFlowPolicies gives every governed end of every flow a policy name,
// unique in its namespace and stable across runs, and its NetworkPolicy rule
// in the layout: the per-flow policy's only rule, or a rule of the
// workload's policy for the direction.
func nameFlowPolicies(p *Plan, layout string) {
	taken := map[string]map[string]bool{}
	unique := func(ns, name string) string {
		if taken[ns] == nil {
			taken[ns] = map[string]bool{DefaultDenyPolicy: true, DNSPolicy: true, MeshPolicy: true, BaselineIngressPolicy: true, BaselineEgressPolicy: true}
		}
		name = Fit(name)
		candidate := name
		for i := 2; taken[ns][candidate]; i++ {
			candidate = Fit(fmt.Sprintf("%s-%d", name, i))
		}
		taken[ns][candidate] = true
		return candidate
	}
	for _, w := range p.Workloads {
		for _, f := range w.In {
			f.IngressPolicy = unique(w.Namespace(), w.Name()+"-ingress-from-"+slug(f.From, w.Namespace()))
		}
		for _, f := range w.Out {
			f.EgressPolicy = unique(w.Namespace(), w.Name()+"-egress-to-"+slug(f.To, w.Namespace()))
		}
	}
	for _, w := range p.Workloads {
		var out []*Flow
		for _, f := range w.Out {
			if f.To.Kind != KindFQDN {
				out = append(out, f)
			}
		}
		if layout == v1alpha1.LayoutPerFlow {
			for _, f := range w.In {
				f.IngressRule = NetpolRule{Policy: f.IngressPolicy}
			}
			for _, f := range out {
				f.EgressRule = NetpolRule{Policy: f.EgressPolicy}
			}
			continue
		}
		// One policy for both directions, split where the rules' peer and
		// reason annotations would pass v1alpha1.MaxRuleAnnotations.
		policy, policies, size, in, eg := "", 0, 0, 0, 0
		next := func(f *Flow, other Endpoint, atCallee bool) {
			n := 2*len("ingress[0000]: \n") + len(other.Kind) + 1 + len(other.String()) + len(f.Reason(atCallee))
			if policy == "" || size+n > v1alpha1.MaxRuleAnnotations {
				name := w.Name() + "-flows"
				if policy != "" {
					name = fmt.Sprintf("%s-%d", name, policies+1)
				}
				policy = unique(w.Namespace(), name)
				policies++
				size, in, eg = 0, 0, 0
			}
			size += n
		}
		for _, f := range w.In {
			next(f, f.From, true)
			f.IngressRule = NetpolRule{Policy: policy, Index: in}
			in++
		}
		for _, f := range out {
			next(f, f.To, false)
			f.EgressRule = NetpolRule{Policy: policy, Index: eg}
			eg++
		}
	}
	// The isolate policies are named after every flow's, so that the flow
	// policies' names do not depend on whether a workload needs one.
	for _, w := range p.Workloads {
		w.IsolatePolicy = unique(w.Namespace(), w.Name()+"-isolate")
	}
}

// Fit shortens a name over 253 characters to 253, keeping it unique with a
// hash of the whole (names.Shorten): every generated name that joins or
// extends user names goes through it.
func Fit(name string) string { return names.Shorten(name, maxName) }
