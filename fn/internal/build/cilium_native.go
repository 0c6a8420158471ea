package build

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// The Cilium dialect (cilium.io/v2, the CRDs of Cilium v1.20): a workload's
// policies as CiliumNetworkPolicies, the cluster baseline as
// CiliumClusterwideNetworkPolicies. Cilium has no tiers: its allows are one
// union with NetworkPolicy's and its denies win over every allow
// (docs.cilium.io security/policy: intro, deny).

// CiliumPodNamespaceLabel is the label Cilium gives every endpoint's
// identity with its pod's namespace; a selector naming it reaches across
// namespaces.
const CiliumPodNamespaceLabel = "k8s:io.kubernetes.pod.namespace"

// Names of the baseline's CiliumClusterwideNetworkPolicies.
const (
	CiliumBaselineDeny        = "netid-baseline-deny"
	CiliumBaselineAllow       = "netid-baseline-allow"
	CiliumBaselineMeshPrefix  = "netid-baseline-mesh-"
	CiliumBaselineDefaultDeny = "netid-baseline-default-deny"
)

// ciliumWorkload renders a workload's policies as CiliumNetworkPolicies:
// one per policy the NetworkPolicy layout names (same names, same rule
// order), and one per FQDN callee. In observe they block nothing:
// enableDefaultDeny off in both directions, and no HTTP rules (see
// ciliumDropHTTP); a critical workload's
// policies each isolate both directions.
func ciliumWorkload(p *plan.Plan, ns *plan.Namespace, w *plan.Workload) []runtime.Object {
	var out []*unstructured.Unstructured
	for _, g := range Policies(w) {
		if g.FQDN != nil {
			out = append(out, fqdnPolicy(ns, w, g.FQDN))
			continue
		}
		out = append(out, ciliumFlowPolicy(w, g.Name, g.In, g.Out))
	}
	switch {
	case p.Observes(w):
		for _, o := range out {
			spec := o.Object["spec"].(map[string]any)
			spec["enableDefaultDeny"] = map[string]any{"ingress": false, "egress": false}
			ciliumDropHTTP(spec)
		}
	case w.Spec.Tier == v1alpha1.TierCritical:
		if len(out) == 0 {
			out = append(out, ciliumIsolatePolicy(ns, w))
		}
		for _, o := range out {
			ciliumIsolate(o)
		}
	}
	objs := make([]runtime.Object, 0, len(out)+1)
	// Where a workload of the namespace observes and no baseline renders,
	// the namespace has no default-deny and DNS NetworkPolicies: an
	// enforced workload gets its own isolation with its DNS and mesh
	// egress, a NetworkPolicy Cilium enforces beside its own policies.
	if p.Settings.Baseline == nil && !p.Observes(w) && p.ObservesAny(ns) {
		objs = append(objs, IsolatePolicy(ns, w, nil))
	}
	for _, o := range out {
		objs = append(objs, o)
	}
	return objs
}

// ciliumDropHTTP removes the HTTP rules of a policy's toPorts: "EnableDefaultDeny
// does not apply to layer-7 policy. Adding a layer-7 rule that does not
// include a layer-7 allow-all will cause drops, even when default-deny is
// explicitly disabled" (docs.cilium.io security/policy/intro). The DNS
// rules of an FQDN policy stay: they match every name.
func ciliumDropHTTP(spec map[string]any) {
	for _, dir := range []string{"ingress", "egress"} {
		rules, _ := spec[dir].([]any)
		for _, r := range rules {
			tps, _ := r.(map[string]any)["toPorts"].([]any)
			for _, tp := range tps {
				entry := tp.(map[string]any)
				l7, ok := entry["rules"].(map[string]any)
				if !ok {
					continue
				}
				delete(l7, "http")
				if len(l7) == 0 {
					delete(entry, "rules")
				}
			}
		}
	}
}

// ciliumIsolate gives a policy an ingress and an egress section: a section
// puts the selected endpoints in default deny for its direction, and an
// empty rule {} admits nothing (docs.cilium.io security/policy/layer3,
// "Ingress/Egress Default Deny").
func ciliumIsolate(o *unstructured.Unstructured) {
	spec := o.Object["spec"].(map[string]any)
	for _, dir := range []string{"ingress", "egress"} {
		if _, ok := spec[dir]; !ok {
			spec[dir] = []any{map[string]any{}}
		}
	}
}

// ciliumIsolatePolicy is the isolation of a critical workload that admits
// no flow: named <workload>-isolate, with a number added if one of the
// namespace's flow policies already has that name.
func ciliumIsolatePolicy(ns *plan.Namespace, w *plan.Workload) *unstructured.Unstructured {
	taken := map[string]bool{}
	for _, o := range ns.Workloads {
		for _, f := range o.In {
			taken[f.IngressPolicy], taken[f.IngressRule.Policy] = true, true
		}
		for _, f := range o.Out {
			taken[f.EgressPolicy], taken[f.EgressRule.Policy] = true, true
		}
	}
	base := plan.Fit(w.Name() + "-isolate")
	name := base
	for i := 2; taken[name]; i++ {
		name = plan.Fit(fmt.Sprintf("%s-%d", base, i))
	}
	meta := Meta(name, w.Namespace(), w.Name())
	meta.Annotations = map[string]string{ReasonAnnotation: "critical workload: isolated in both directions by its own policy"}
	return unstructuredObject("cilium.io/v2", "CiliumNetworkPolicy", meta, map[string]any{"endpointSelector": ciliumSelector(w.Selector())})
}

// ciliumFlowPolicy admits flows at workload w, as FlowPolicy does in a
// NetworkPolicy: an ingress rule per flow of in, an egress rule per flow
// of out, in order, with the same annotations.
func ciliumFlowPolicy(w *plan.Workload, name string, in, out []*plan.Flow) *unstructured.Unstructured {
	spec := map[string]any{"endpointSelector": ciliumSelector(w.Selector())}
	var inPeers, inReasons, outPeers, outReasons []string
	var ingress, egress []any
	for _, f := range in {
		inPeers, inReasons = append(inPeers, peerText(f.From)), append(inReasons, f.Reason(true))
		r := ciliumPeer(f.From, w.Namespace(), "from")
		r["toPorts"] = ciliumToPorts(slices.Concat(f.Ports, f.Tunnel), f.L7)
		ingress = append(ingress, r)
	}
	for _, f := range out {
		outPeers, outReasons = append(outPeers, peerText(f.To)), append(outReasons, f.Reason(false))
		r := ciliumPeer(f.To, w.Namespace(), "to")
		// The callee's own policy holds the L7 rules when netid renders
		// it; otherwise the caller's egress does.
		var l7 *v1alpha1.L7
		if f.To.Planned == nil {
			l7 = f.L7
		}
		r["toPorts"] = ciliumToPorts(slices.Concat(f.Ports, f.Tunnel), l7)
		egress = append(egress, r)
	}
	if len(ingress) > 0 {
		spec["ingress"] = ingress
	}
	if len(egress) > 0 {
		spec["egress"] = egress
	}
	meta := Meta(name, w.Namespace(), w.Name())
	meta.Annotations = ruleAnnotations(inPeers, inReasons, outPeers, outReasons)
	return unstructuredObject("cilium.io/v2", "CiliumNetworkPolicy", meta, spec)
}

// ciliumSelector is a label selector in Cilium's form.
func ciliumSelector(s *metav1.LabelSelector) map[string]any {
	sel := map[string]any{}
	if s == nil {
		return sel
	}
	if len(s.MatchLabels) > 0 {
		sel["matchLabels"] = stringMap(s.MatchLabels)
	}
	if len(s.MatchExpressions) > 0 {
		var exprs []any
		for _, e := range s.MatchExpressions {
			x := map[string]any{"key": e.Key, "operator": string(e.Operator)}
			if len(e.Values) > 0 {
				x["values"] = stringList(e.Values)
			}
			exprs = append(exprs, x)
		}
		sel["matchExpressions"] = exprs
	}
	return sel
}

// ciliumPeer is the L3 part of a rule for an endpoint seen from namespace
// ns (dir "from" for ingress, "to" for egress): an address block as a
// CIDR set, pods as an endpoint selector that names their namespace when
// it is not ns (a CiliumNetworkPolicy's selectors stay in its namespace
// otherwise). ns "" is a clusterwide policy: the namespace is always named.
func ciliumPeer(e plan.Endpoint, ns, dir string) map[string]any {
	if e.Kind == plan.KindCIDR {
		set := map[string]any{"cidr": e.CIDR}
		if len(e.Except) > 0 {
			set["except"] = stringList(e.Except)
		}
		return map[string]any{dir + "CIDRSet": []any{set}}
	}
	sel := ciliumSelector(e.Selector)
	if e.Namespace != ns || ns == "" {
		ml, _ := sel["matchLabels"].(map[string]any)
		if ml == nil {
			ml = map[string]any{}
			sel["matchLabels"] = ml
		}
		ml[CiliumPodNamespaceLabel] = e.Namespace
	}
	return map[string]any{dir + "Endpoints": []any{sel}}
}

// ciliumToPorts is a rule's toPorts: the ports, with the L7 rules that
// restrict the requests on them.
func ciliumToPorts(ps []plan.Port, l7 *v1alpha1.L7) []any {
	var ports []any
	for _, p := range ps {
		ports = append(ports, map[string]any{"port": p.Target.String(), "protocol": string(p.Protocol)})
	}
	entry := map[string]any{"ports": ports}
	if rules := CiliumL7Rules(l7); rules != nil {
		entry["rules"] = rules
	}
	return []any{entry}
}

// CiliumL7Rules is a flow's L7 restriction as a toPorts entry's rules: HTTP
// rules by method and path, and gRPC calls as what they are on the wire,
// HTTP POSTs to /<service>/<method> (every method of a service without
// one: /<service>/.*). nil without a restriction Cilium can enforce:
// Cilium 1.20 removed Kafka-aware policy (its upgrade notes: "Support for
// Envoy Go Extensions (proxylib) and Kafka-aware network policies has been
// removed"), so Kafka topics render no rules; CiliumL7Unsupported says so.
func CiliumL7Rules(l7 *v1alpha1.L7) map[string]any {
	if l7 == nil {
		return nil
	}
	var http []any
	for _, h := range l7.HTTP {
		r := map[string]any{}
		if h.Method != "" {
			r["method"] = h.Method
		}
		if h.Path != "" {
			r["path"] = h.Path
		}
		http = append(http, r)
	}
	for _, g := range l7.GRPC {
		http = append(http, map[string]any{"method": "POST", "path": CiliumGRPCPath(g)})
	}
	if len(http) == 0 {
		return nil
	}
	return map[string]any{"http": http}
}

// CiliumGRPCPath is the HTTP path regular expression of a gRPC rule's
// calls: "/<service>/<method>", or "/<service>/.*" for every method, the
// names matched literally.
func CiliumGRPCPath(g v1alpha1.GRPCRule) string {
	method := ".*"
	if g.Method != "" {
		method = regexp.QuoteMeta(g.Method)
	}
	return "/" + regexp.QuoteMeta(g.Service) + "/" + method
}

// CiliumL7Unsupported says why Cilium cannot enforce a flow's L7
// restriction ("" when it can): Kafka topics, since Cilium 1.20.
func CiliumL7Unsupported(l7 *v1alpha1.L7) string {
	if l7 != nil && len(l7.Kafka) > 0 {
		return "Cilium 1.20 removed Kafka-aware network policy (cilium.io/v2 toPorts[].rules has http and dns only)"
	}
	return ""
}

// ciliumBaseline is the cluster baseline as CiliumClusterwideNetworkPolicies
// selecting the pods of the governed namespaces: the explicit denies
// (egressDeny, which wins over every allow), the platform's allowances,
// DNS and the mesh control plane (allows that isolate nothing), and the
// default deny of every governed pod but those of workloads in observe.
func ciliumBaseline(p *plan.Plan) []runtime.Object {
	b := p.Settings.Baseline
	var names []string
	for _, ns := range p.Namespaces {
		names = append(names, ns.Name)
	}
	if b == nil || len(names) == 0 {
		return nil
	}
	governed := map[string]any{"matchExpressions": []any{map[string]any{"key": CiliumPodNamespaceLabel, "operator": "In", "values": stringList(names)}}}
	noDefaultDeny := map[string]any{"ingress": false, "egress": false}
	var out []runtime.Object
	if len(b.Deny) > 0 {
		var rules []any
		var peers, reasons []string
		for _, d := range b.Deny {
			rules = append(rules, map[string]any{"toCIDRSet": []any{map[string]any{"cidr": d.CIDR}}})
			peers, reasons = append(peers, "cidr "+d.CIDR), append(reasons, d.Reason)
		}
		meta := Meta(CiliumBaselineDeny, "", "")
		meta.Annotations = ruleAnnotations(nil, nil, peers, reasons)
		spec := map[string]any{
			"endpointSelector":  governed,
			"egressDeny":        rules,
			"enableDefaultDeny": noDefaultDeny,
		}
		if b.LogDenied {
			// Cilium's policies do not log; the value "is included in
			// Hubble flows that match this policy" (the CRD's spec.log).
			spec["log"] = map[string]any{"value": CiliumBaselineDeny}
		}
		out = append(out, ciliumClusterwide(meta, spec))
	}
	if o := ciliumBaselineAllow(p, governed); o != nil {
		out = append(out, o)
	}
	out = append(out, ciliumBaselineMesh(p)...)
	out = append(out, ciliumBaselineDefaultDeny(p))
	return out
}

// ciliumBaselineAllow admits the baseline's platform callers and callees
// and DNS at every governed pod; nil when it admits nothing.
func ciliumBaselineAllow(p *plan.Plan, governed map[string]any) runtime.Object {
	b := p.Settings.Baseline
	var ingress, egress []any
	var inPeers, inReasons, outPeers, outReasons []string
	for _, r := range b.Ingress {
		rule := ciliumPeer(ciliumBaselineEndpoint(r.From), "", "from")
		rule["toPorts"] = ciliumToPorts(ciliumBaselinePorts(r.Ports), nil)
		ingress = append(ingress, rule)
		inPeers, inReasons = append(inPeers, ciliumBaselinePeerText(r.From)), append(inReasons, r.Reason)
	}
	for _, r := range b.Egress {
		rule := ciliumPeer(ciliumBaselineEndpoint(r.To), "", "to")
		rule["toPorts"] = ciliumToPorts(ciliumBaselinePorts(r.Ports), nil)
		egress = append(egress, rule)
		outPeers, outReasons = append(outPeers, ciliumBaselinePeerText(r.To)), append(outReasons, r.Reason)
	}
	if d := b.DNS; d != nil && d.Enabled != nil && *d.Enabled {
		dns := map[string]any{"ports": []any{
			map[string]any{"port": "53", "protocol": "UDP"},
			map[string]any{"port": "53", "protocol": "TCP"},
		}}
		// Names an FQDN rule admits are learnt from the answers Cilium's
		// DNS proxy sees.
		if ciliumAnyFQDN(p) {
			dns["rules"] = map[string]any{"dns": []any{map[string]any{"matchPattern": "*"}}}
		}
		sel := map[string]any{CiliumPodNamespaceLabel: d.Namespace}
		for k, v := range d.PodLabels {
			sel[k] = v
		}
		egress = append(egress, map[string]any{"toEndpoints": []any{map[string]any{"matchLabels": sel}}, "toPorts": []any{dns}})
		outPeers, outReasons = append(outPeers, fmt.Sprintf("pods %s/{%s}", d.Namespace, plan.LabelString(d.PodLabels))), append(outReasons, "name resolution")
		if d.NodeLocal != "" {
			bits := "/32"
			if strings.Contains(d.NodeLocal, ":") {
				bits = "/128"
			}
			egress = append(egress, map[string]any{"toCIDRSet": []any{map[string]any{"cidr": d.NodeLocal + bits}}, "toPorts": []any{map[string]any{"ports": dns["ports"]}}})
			outPeers, outReasons = append(outPeers, "cidr "+d.NodeLocal+bits), append(outReasons, "name resolution (NodeLocal DNSCache)")
		}
	}
	if len(ingress)+len(egress) == 0 {
		return nil
	}
	spec := map[string]any{"endpointSelector": governed, "enableDefaultDeny": map[string]any{"ingress": false, "egress": false}}
	if len(ingress) > 0 {
		spec["ingress"] = ingress
	}
	if len(egress) > 0 {
		spec["egress"] = egress
	}
	meta := Meta(CiliumBaselineAllow, "", "")
	meta.Annotations = ruleAnnotations(inPeers, inReasons, outPeers, outReasons)
	return ciliumClusterwide(meta, spec)
}

// ciliumBaselineMesh lets the pods of each meshed governed namespace reach
// their mesh's control plane: one policy per control plane, selecting the
// namespaces that need it.
func ciliumBaselineMesh(p *plan.Plan) []runtime.Object {
	byMesh := map[v1alpha1.MeshProvider][]string{}
	var meshes []string
	for _, ns := range p.Namespaces {
		if _, ok := ns.ControlPlane(); !ok {
			continue
		}
		if byMesh[ns.Mesh] == nil {
			meshes = append(meshes, string(ns.Mesh))
		}
		byMesh[ns.Mesh] = append(byMesh[ns.Mesh], ns.Name)
	}
	sort.Strings(meshes)
	var out []runtime.Object
	for _, m := range meshes {
		mesh := v1alpha1.MeshProvider(m)
		cp := plan.MeshControlPlanes[mesh]
		var ps []plan.Port
		for _, n := range cp.Ports {
			ps = append(ps, plan.Port{Protocol: "TCP", Target: intstr.FromInt32(n)})
		}
		sel := map[string]any{CiliumPodNamespaceLabel: cp.Namespace}
		for k, v := range cp.Pods {
			sel[k] = v
		}
		meta := Meta(plan.Fit(CiliumBaselineMeshPrefix+m), "", "")
		meta.Annotations = map[string]string{
			PeerAnnotation:   fmt.Sprintf("pods %s/{%s}", cp.Namespace, plan.LabelString(cp.Pods)),
			ReasonAnnotation: m + " sidecars fetch configuration and certificates from the control plane",
		}
		out = append(out, ciliumClusterwide(meta, map[string]any{
			"endpointSelector":  map[string]any{"matchExpressions": []any{map[string]any{"key": CiliumPodNamespaceLabel, "operator": "In", "values": stringList(byMesh[mesh])}}},
			"egress":            []any{map[string]any{"toEndpoints": []any{map[string]any{"matchLabels": sel}}, "toPorts": ciliumToPorts(ps, nil)}},
			"enableDefaultDeny": map[string]any{"ingress": false, "egress": false},
		}))
	}
	return out
}

// ciliumBaselineDefaultDeny isolates every pod of the governed namespaces
// in both directions (an ingress and an egress section of empty rules)
// except the pods of workloads in observe. A policy cannot lift another's
// default deny ("that endpoint's default deny will be enabled if any policy
// requests it", the enableDefaultDeny reference), so observed workloads are
// left out of the selection: per namespace with observed workloads, the
// pods that fail some requirement of every observed workload's selector,
// one spec per choice of the failed requirements (requirements on one key
// with NotIn merged into one).
func ciliumBaselineDefaultDeny(p *plan.Plan) runtime.Object {
	var plain []string
	var specs []any
	for _, ns := range p.Namespaces {
		var observed []*plan.Workload
		for _, w := range ns.Workloads {
			if p.Observes(w) {
				observed = append(observed, w)
			}
		}
		if len(observed) == 0 {
			plain = append(plain, ns.Name)
			continue
		}
		for _, term := range ciliumExcluding(observed) {
			exprs := []any{map[string]any{"key": CiliumPodNamespaceLabel, "operator": "In", "values": []any{ns.Name}}}
			for _, r := range term {
				x := map[string]any{"key": r.Key, "operator": string(r.Operator)}
				if len(r.Values) > 0 {
					x["values"] = stringList(r.Values)
				}
				exprs = append(exprs, x)
			}
			specs = append(specs, ciliumDenyAll(map[string]any{"matchExpressions": exprs}))
		}
	}
	if len(plain) > 0 {
		sel := map[string]any{"matchExpressions": []any{map[string]any{"key": CiliumPodNamespaceLabel, "operator": "In", "values": stringList(plain)}}}
		specs = append([]any{ciliumDenyAll(sel)}, specs...)
	}
	meta := Meta(CiliumBaselineDefaultDeny, "", "")
	meta.Annotations = map[string]string{ReasonAnnotation: "default deny of every governed pod not in observe"}
	o := ciliumClusterwide(meta, nil)
	if len(specs) == 1 {
		o.Object["spec"] = specs[0]
	} else {
		delete(o.Object, "spec")
		o.Object["specs"] = specs
	}
	return o
}

// ciliumDenyAll is a rule that isolates the selected pods in both
// directions and admits nothing.
func ciliumDenyAll(sel map[string]any) map[string]any {
	return map[string]any{"endpointSelector": sel, "ingress": []any{map[string]any{}}, "egress": []any{map[string]any{}}}
}

// ciliumExcluding is the pods selected by none of the workloads' selectors,
// as a union of selectors (each a list of requirements): for each workload
// one of its requirements negated, every combination, NotIn requirements on
// one key merged.
func ciliumExcluding(ws []*plan.Workload) [][]metav1.LabelSelectorRequirement {
	terms := [][]metav1.LabelSelectorRequirement{nil}
	for _, w := range ws {
		var negs []metav1.LabelSelectorRequirement
		sel := w.Selector()
		keys := make([]string, 0, len(sel.MatchLabels))
		for k := range sel.MatchLabels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			negs = append(negs, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpNotIn, Values: []string{sel.MatchLabels[k]}})
		}
		for _, e := range sel.MatchExpressions {
			negs = append(negs, ciliumNegate(e))
		}
		var next [][]metav1.LabelSelectorRequirement
		seen := map[string]bool{}
		for _, t := range terms {
			for _, n := range negs {
				m := ciliumMerge(t, n)
				if k := fmt.Sprint(m); !seen[k] {
					seen[k] = true
					next = append(next, m)
				}
			}
		}
		terms = next
	}
	return terms
}

// ciliumNegate is the requirement a pod meets exactly when it fails r.
func ciliumNegate(r metav1.LabelSelectorRequirement) metav1.LabelSelectorRequirement {
	n := metav1.LabelSelectorRequirement{Key: r.Key, Values: r.Values}
	switch r.Operator {
	case metav1.LabelSelectorOpIn:
		n.Operator = metav1.LabelSelectorOpNotIn
	case metav1.LabelSelectorOpNotIn:
		n.Operator = metav1.LabelSelectorOpIn
	case metav1.LabelSelectorOpExists:
		n.Operator, n.Values = metav1.LabelSelectorOpDoesNotExist, nil
	case metav1.LabelSelectorOpDoesNotExist:
		n.Operator, n.Values = metav1.LabelSelectorOpExists, nil
	}
	return n
}

// ciliumMerge adds requirement r to a conjunction, folding it into a NotIn
// requirement on the same key.
func ciliumMerge(t []metav1.LabelSelectorRequirement, r metav1.LabelSelectorRequirement) []metav1.LabelSelectorRequirement {
	out := slices.Clone(t)
	if r.Operator == metav1.LabelSelectorOpNotIn {
		for i, x := range out {
			if x.Key == r.Key && x.Operator == metav1.LabelSelectorOpNotIn {
				vals := slices.Clone(x.Values)
				for _, v := range r.Values {
					if !slices.Contains(vals, v) {
						vals = append(vals, v)
					}
				}
				sort.Strings(vals)
				out[i].Values = vals
				return out
			}
		}
	}
	return append(out, r)
}

// ciliumAnyFQDN says that some workload calls a DNS name: Cilium learns
// the names' addresses from the answers its DNS proxy sees.
func ciliumAnyFQDN(p *plan.Plan) bool {
	for _, w := range p.Workloads {
		for _, f := range w.Out {
			if f.To.Kind == plan.KindFQDN {
				return true
			}
		}
	}
	return false
}

// ciliumBaselineEndpoint is a baseline peer as a flow's endpoint.
func ciliumBaselineEndpoint(b v1alpha1.BaselinePeer) plan.Endpoint {
	if b.CIDR != "" {
		return plan.Endpoint{Kind: plan.KindCIDR, CIDR: b.CIDR}
	}
	return plan.Endpoint{Kind: plan.KindPods, Namespace: b.Namespace, Selector: &metav1.LabelSelector{MatchLabels: b.PodLabels}}
}

// ciliumBaselinePeerText is a baseline peer as the peer annotation names it.
func ciliumBaselinePeerText(b v1alpha1.BaselinePeer) string {
	return peerText(ciliumBaselineEndpoint(b))
}

// ciliumBaselinePorts are a baseline rule's port numbers (TCP unless a
// protocol is given).
func ciliumBaselinePorts(refs []v1alpha1.PortRef) []plan.Port {
	var out []plan.Port
	for _, r := range refs {
		proto := r.Protocol
		if proto == "" {
			proto = "TCP"
		}
		out = append(out, plan.Port{Protocol: proto, Target: r.Port})
	}
	return out
}

// ciliumClusterwide is a CiliumClusterwideNetworkPolicy: cluster-scoped,
// without a namespace.
func ciliumClusterwide(meta metav1.ObjectMeta, spec map[string]any) *unstructured.Unstructured {
	o := unstructuredObject("cilium.io/v2", "CiliumClusterwideNetworkPolicy", meta, spec)
	delete(o.Object["metadata"].(map[string]any), "namespace")
	return o
}
