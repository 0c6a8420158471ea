package rules

// netpol-no-allow-all
//
// Governs: the ingress and egress rules of every NetworkPolicy in the stream.
// Requires: every rule names its peers, and no peer stands for "everything".
// An ingress rule without `from` (or with an empty one) admits every source,
// and an egress rule without `to` every destination, whatever ports it lists;
// a peer with `podSelector: {}` and no namespaceSelector selects every pod of
// the policy's namespace; a peer with `namespaceSelector: {}` selects pods in
// every namespace. Wide address blocks are netpol-no-open-cidr's concern, and a
// policy with no rules (a pure deny) allows nothing.
//
// Every other layer the connectivity proof evaluates is judged alike,
// through its compiled policies (proof.Result.Policies): an Allow rule that
// a user object of Calico, Cilium, Antrea, the admin network policy API,
// Istio or Linkerd writes, at the network point or the mesh's, is an
// allow-all when it names no peers (Calico's rule without source or
// destination, Cilium's rule without endpoints, Istio's `rules: [{}]`, a
// Linkerd Server's accessPolicy all-unauthenticated) or one of its peers
// holds every pod of every namespace (Calico's `all()` in a
// GlobalNetworkPolicy, Cilium's entity all or cluster, an Antrea peer
// with empty namespaceSelector). A mesh rule admits callers at the mesh
// only, but it undoes the mesh's default-deny exactly as a network rule
// undoes the network's, so it is a finding too. Address peers are
// netpol-no-open-cidr's concern. The finding names the object that writes
// the rule (a Linkerd authorization, not its Server), the rule's path and
// its layer. Objects netid generates are not judged, nor what a dialect
// does of its own (Istio's proxies letting UDP through).

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/proof/model"
)

var netpolNoAllowAll = register(&Rule{
	ID:          "netpol-no-allow-all",
	Title:       "NetworkPolicy rules name their peers instead of allowing every pod or namespace",
	Rationale:   "A rule without peers, or a peer with an empty podSelector or namespaceSelector, undoes default-deny for a whole namespace or the whole cluster: any pod added later, including a compromised one, gets the flow without anyone having declared it.",
	Remediation: "Give each ingress rule a from and each egress rule a to whose peers select the calling or called workload by its labels, with a namespaceSelector on kubernetes.io/metadata.name for another namespace; in a policy of another layer, name the peers the same way (by labels, namespace or mesh identity).",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.NSACISAControl("Network separation and hardening > Network policies"),
		controls.NISTControl("4.3.3"),
		controls.NISTControl("4.4.2"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, p := range s.NetworkPolicies {
			owners := s.OwnerOf(p.Ref.Namespace, p.Typed.ObjectMeta)
			add := func(field, msg string) {
				out = append(out, Violation{Object: p.Ref, Field: field, Message: msg, Workloads: owners})
			}
			for i, r := range p.Typed.Spec.Ingress {
				field := fmt.Sprintf("spec.ingress[%d]", i)
				if len(r.From) == 0 {
					add(field, fmt.Sprintf("ingress rule %d has no from, so it admits every source%s", i, noAllowAllPorts(len(r.Ports))))
					continue
				}
				out = append(out, noAllowAllPeers(p.Ref, p.Ref.Namespace, field+".from", "source", r.From, owners)...)
			}
			for i, r := range p.Typed.Spec.Egress {
				field := fmt.Sprintf("spec.egress[%d]", i)
				if len(r.To) == 0 {
					add(field, fmt.Sprintf("egress rule %d has no to, so it allows every destination%s", i, noAllowAllPorts(len(r.Ports))))
					continue
				}
				out = append(out, noAllowAllPeers(p.Ref, p.Ref.Namespace, field+".to", "destination", r.To, owners)...)
			}
		}
		return append(out, noAllowAllLayered(s)...)
	},
})

// noAllowAllLayered judges the Allow rules user objects of the layers other
// than NetworkPolicy write.
func noAllowAllLayered(s *Stream) []Violation {
	var out []Violation
	s.userRules(func(w writtenRule) {
		r := w.Rule
		if r.Action != model.Allow {
			return
		}
		what := ""
		if r.Peers == nil {
			what = "names no peer, so it admits every " + noAllowAllRole(w.Dir)
		} else {
			for _, p := range r.Peers {
				if everyPod(p) {
					what = "has a peer that holds every pod of every namespace"
					break
				}
			}
		}
		if what == "" {
			return
		}
		if r.Ports != nil && len(r.Ports) == 0 {
			return // it matches no port
		}
		// Entries of every port (of some protocols, as Istio's) narrow nothing.
		narrowed := 0
		for _, p := range r.Ports {
			if p.Name != "" || p.Lo != 0 || p.Hi != 0 {
				narrowed = 1
			}
		}
		msg := fmt.Sprintf("%s: %s rule %s%s", w.Policy.Layer, w.Dir, what, noAllowAllPorts(narrowed))
		if w.Policy.Point == model.Mesh {
			msg += " at the mesh"
		}
		if r.L7 != "" {
			msg += " (requests are further restricted: " + r.L7 + ")"
		}
		out = append(out, Violation{Object: w.Object.Ref, Field: w.Field, Message: msg, Workloads: s.layeredOwners(w.Object.Ref.Namespace)})
	})
	return out
}

// noAllowAllRole names what a rule of direction d admits.
func noAllowAllRole(d model.Direction) string {
	if d == model.Egress {
		return "destination"
	}
	return "source"
}

// noAllowAllPeers judges the peers of one rule; field is the path of the peer
// list, e.g. spec.ingress[0].from.
func noAllowAllPeers(ref finding.Object, ns, field, role string, peers []networkingv1.NetworkPolicyPeer, owners []string) []Violation {
	var out []Violation
	for j, peer := range peers {
		path := fmt.Sprintf("%s[%d]", field, j)
		switch {
		case peer.IPBlock != nil:
			// Address blocks are judged by netpol-no-open-cidr.
		case peer.NamespaceSelector != nil && noAllowAllEmpty(peer.NamespaceSelector):
			which := "every pod"
			if peer.PodSelector != nil && !noAllowAllEmpty(peer.PodSelector) {
				which = "the selected pods"
			}
			out = append(out, Violation{Object: ref, Field: path + ".namespaceSelector", Workloads: owners,
				Message: fmt.Sprintf("%s peer %d has an empty namespaceSelector: it allows %s in every namespace of the cluster", role, j, which)})
		case peer.NamespaceSelector == nil && peer.PodSelector != nil && noAllowAllEmpty(peer.PodSelector):
			out = append(out, Violation{Object: ref, Field: path, Workloads: owners,
				Message: fmt.Sprintf("%s peer %d has an empty podSelector and no namespaceSelector: it allows every pod of namespace %s", role, j, ns)})
		}
	}
	return out
}

// noAllowAllEmpty reports a label selector that matches everything.
func noAllowAllEmpty(sel *metav1.LabelSelector) bool {
	return len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0
}

// noAllowAllPorts qualifies an allow-all rule by its ports.
func noAllowAllPorts(n int) string {
	if n == 0 {
		return " on every port"
	}
	return " (its ports narrow the ports, not the peers)"
}
