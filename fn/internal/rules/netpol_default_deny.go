package rules

// netpol-default-deny
//
// Governs: every namespace that holds a workload (any pod-bearing object:
// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Argo
// Rollout) in the stream.
// Requires: every pod of the namespace isolated in both directions by what
// the render holds, in any dialect the cluster enforces. A NetworkPolicy in
// the namespace that selects every pod (`podSelector: {}`), lists both
// `Ingress` and `Egress` in `policyTypes` and has no rules does it (or two
// such policies, one per direction); so does a cluster-wide default deny of
// another layer (a ClusterNetworkIdentity baseline's Calico
// GlobalNetworkPolicy, Antrea ClusterNetworkPolicy,
// CiliumClusterwideNetworkPolicy or upstream ClusterNetworkPolicy), judged
// on the connectivity proof's compiled policies rather than by kind: a
// network policy selecting every pod of the namespace that closes the
// direction (isolates it with a Deny at the end of its tier, or ends in a
// Deny of every endpoint on every port), with no rule admitting or passing
// every endpoint on every port read before it. Anything the namespace allows
// must then be allowed by a narrower policy. A namespace with a workload in
// its observe stage (rollout: observe, plan.Plan.ObservesAny) renders
// without its default deny on purpose: it is reported as a warning.

import (
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/dialect"
	"netid.dev/netid/fn/internal/proof/model"
)

var netpolDefaultDeny = register(&Rule{
	ID:          "netpol-default-deny",
	Title:       "Every workload namespace denies ingress and egress by default (a NetworkPolicy or an enforced cluster-wide default deny)",
	Rationale:   "Kubernetes allows all traffic to and from a pod that no policy selects; without a namespace-wide deny, any pod added later, or any flow not covered by an allow policy, is wide open. A cluster-wide default deny in a dialect the cluster enforces (a ClusterNetworkIdentity baseline) counts as the namespace's; a namespace whose workloads observe (rollout: observe) renders without it on purpose and is reported as a warning until they enforce.",
	Remediation: "Add a NetworkIdentity for the namespace's workloads (netid then emits default-deny), or a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.3.2"),
		controls.NSACISAControl("Network separation and hardening > Network policies"),
		controls.NISTControl("4.3.3"),
		controls.NISTControl("4.4.2"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, w := range s.WorkloadNamespaces() {
			ns := w.Ref.Namespace
			in, eg := false, false
			for _, p := range s.idx().policiesIn[ns] {
				if !selectsAll(p.Typed) {
					continue
				}
				types := policyTypes(p.Typed)
				if types[networkingv1.PolicyTypeIngress] && len(p.Typed.Spec.Ingress) == 0 {
					in = true
				}
				if types[networkingv1.PolicyTypeEgress] && len(p.Typed.Spec.Egress) == 0 {
					eg = true
				}
			}
			if !in {
				in = s.defaultDenyModelled(ns, model.Ingress)
			}
			if !eg {
				eg = s.defaultDenyModelled(ns, model.Egress)
			}
			if in && eg {
				continue
			}
			var missing []string
			if !in {
				missing = append(missing, "ingress")
			}
			if !eg {
				missing = append(missing, "egress")
			}
			obj, field := w.Ref, "metadata.namespace"
			if n, ok := s.Namespaces[ns]; ok {
				obj, field = n.Ref, "metadata.name"
			}
			v := Violation{Object: obj, Field: field,
				Message:   "namespace " + ns + " has no default-deny NetworkPolicy for " + strings.Join(missing, " and ") + s.defaultDenyLayers(),
				Workloads: s.governedIn(ns)}
			if observing := s.defaultDenyObserving(ns); len(observing) > 0 {
				v.Notice = true
				v.Message = "observes: " + v.Message + "; in rollout observe: " + strings.Join(observing, ", ") + " (enforce renders the default deny)"
			}
			out = append(out, v)
		}
		return out
	},
})

// selectsAll reports a policy whose podSelector is empty.
func selectsAll(p networkingv1.NetworkPolicy) bool {
	sel := p.Spec.PodSelector
	return len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0
}

// policyTypes applies the API server's defaulting: Ingress always, Egress
// when egress rules exist, unless policyTypes is given.
func policyTypes(p networkingv1.NetworkPolicy) map[networkingv1.PolicyType]bool {
	out := map[networkingv1.PolicyType]bool{}
	if len(p.Spec.PolicyTypes) == 0 {
		out[networkingv1.PolicyTypeIngress] = true
		if len(p.Spec.Egress) > 0 {
			out[networkingv1.PolicyTypeEgress] = true
		}
		return out
	}
	for _, t := range p.Spec.PolicyTypes {
		out[t] = true
	}
	return out
}

// governedIn lists the governed workloads of a namespace, for attributing a
// namespace-wide violation.
func (s *Stream) governedIn(ns string) []string {
	var out []string
	for _, w := range s.WorkloadsIn(ns) {
		if s.Declared[w.Key()] != nil {
			out = append(out, w.Key())
		}
	}
	return out
}

// defaultDenyLayers names, for the message, the layers other than
// NetworkPolicy whose policies were read too ("" when none were).
func (s *Stream) defaultDenyLayers() string {
	if len(s.Connectivity().Policies) == 0 {
		return ""
	}
	var other []string
	for _, l := range s.Connectivity().Evaluated {
		if l != dialect.LayerNetworkPolicy {
			other = append(other, l)
		}
	}
	if len(other) == 0 {
		return ""
	}
	return ", and no policy of " + strings.Join(other, ", ") + " isolates every pod of it"
}

// defaultDenyObserving lists the workloads of ns in their observe stage
// ("namespace/name"), none when the namespace renders enforced.
func (s *Stream) defaultDenyObserving(ns string) []string {
	if s.Plan == nil {
		return nil
	}
	var out []string
	for _, n := range s.Plan.Namespaces {
		if n.Name != ns || !s.Plan.ObservesAny(n) {
			continue
		}
		for _, w := range n.Workloads {
			if s.Plan.Observes(w) {
				out = append(out, w.Namespace()+"/"+w.Name())
			}
		}
	}
	return out
}

// defaultDenyModelled reports whether the connectivity proof's compiled
// network policies (every layer the cluster enforces; none when the proof
// judged NetworkPolicy alone, which the caller reads itself) isolate every
// pod of ns in direction d: some policy selecting all of them closes d (its
// first rule matching every endpoint on every port is a Deny, or it
// isolates d with a Deny at its tier's end), and nothing read before it
// admits every endpoint on every port to a pod of ns, nor passes the rest
// of its tier.
func (s *Stream) defaultDenyModelled(ns string, d model.Direction) bool {
	pols := s.Connectivity().Policies
	if len(pols) == 0 {
		return false
	}
	nsLabels := labels.Set{}
	if n, ok := s.Namespaces[ns]; ok {
		for k, v := range n.Typed.Labels {
			nsLabels[k] = v
		}
	}
	nsLabels[corev1.LabelMetadataName] = ns
	if s.defaultDeny == nil {
		s.defaultDeny = newDefaultDenyIndex(pols)
	}
	passed := map[float64]bool{}
	for _, i := range s.defaultDeny.candidates(nsLabels) {
		p := &pols[i].Policy
		if p.Point != model.Network || !defaultDenyTouches(p, nsLabels) {
			continue
		}
		// a NetworkPolicy closes as the caller read it (no rules): here it
		// only opens
		all := pols[i].Layer != dialect.LayerNetworkPolicy && defaultDenySelectsAll(p, nsLabels)
		for _, r := range p.Rules(d) {
			if !defaultDenyCatchAll(r) {
				continue
			}
			switch r.Action {
			case model.Allow:
				return false // some pod of ns is open to every endpoint
			case model.Pass:
				passed[p.Tier] = true
			case model.Deny:
				if all && !passed[p.Tier] {
					return true
				}
			default:
				continue // Log: evaluation goes on
			}
			break
		}
		if all && p.Isolates(d) && p.TierEnd != model.Pass && !passed[p.Tier] {
			return true
		}
	}
	return false
}

// defaultDenyIndex finds, for a namespace, the network policies whose
// subject may hold a pod of it without testing every policy: a subject
// whose namespace formula requires a label value is filed under it.
type defaultDenyIndex struct {
	// every lists the policies to test on every namespace (a subject that
	// is a complement, or whose namespaces no label value narrows); by,
	// under a namespace label's key and value, those requiring it.
	every []int
	by    map[string]map[string][]int
}

func newDefaultDenyIndex(pols []proof.CompiledPolicy) *defaultDenyIndex {
	x := &defaultDenyIndex{by: map[string]map[string][]int{}}
	for i := range pols {
		p := &pols[i].Policy
		if p.Point != model.Network {
			continue
		}
		for _, sub := range p.Subject {
			if !sub.Not && !sub.Pods {
				continue
			}
			k, vs, ok := sub.NS.Requires()
			if sub.Not || !ok {
				x.every = append(x.every, i)
				continue
			}
			if x.by[k] == nil {
				x.by[k] = map[string][]int{}
			}
			for _, v := range vs {
				x.by[k][v] = append(x.by[k][v], i)
			}
		}
	}
	return x
}

// candidates are, in order, the policies that may select a pod of the
// namespace whose labels are ns (defaultDenyTouches decides).
func (x *defaultDenyIndex) candidates(ns labels.Set) []int {
	out := slices.Clone(x.every)
	for k, v := range ns {
		out = append(out, x.by[k][v]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// defaultDenySelectsAll reports a policy whose subject holds every pod of
// the namespace whose labels are ns.
func defaultDenySelectsAll(p *model.Policy, ns labels.Set) bool {
	for _, sub := range p.Subject {
		if sub.Pods && !sub.Not && sub.Labels.IsEverything() && sub.NS.Matches(ns) {
			return true
		}
	}
	return false
}

// defaultDenyTouches reports a policy whose subject may hold some pod of
// the namespace whose labels are ns.
func defaultDenyTouches(p *model.Policy, ns labels.Set) bool {
	for _, sub := range p.Subject {
		if sub.Not || sub.Pods && sub.NS.Matches(ns) {
			return true
		}
	}
	return false
}

// defaultDenyCatchAll reports a rule matching every endpoint (every pod and
// every address, no hole) on every port.
func defaultDenyCatchAll(r model.Rule) bool {
	if r.Ports != nil || r.L7 != "" {
		return false
	}
	if r.Peers == nil {
		return true
	}
	pods, addrs := false, false
	for _, p := range r.Peers {
		if p.Not {
			continue
		}
		pods = pods || everyPod(p)
		addrs = addrs || p.Addrs && len(p.Except) == 0 && defaultDenyAllNets(p.Nets)
	}
	return pods && addrs
}

// defaultDenyAllNets reports blocks holding every IPv4 and IPv6 address
// (none: every address).
func defaultDenyAllNets(nets []netip.Prefix) bool {
	if len(nets) == 0 {
		return true
	}
	v4, v6 := false, false
	for _, n := range nets {
		if n.Bits() == 0 {
			v4, v6 = v4 || n.Addr().Is4(), v6 || n.Addr().Is6()
		}
	}
	return v4 && v6
}
