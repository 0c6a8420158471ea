package dialect

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"netid.dev/netid/fn/internal/proof/model"
)

// The upstream admin/baseline network policy API (sigs.k8s.io/network-policy-api
// v0.3.0), compiled into the one model:
//
//   - AdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy (v1alpha2,
//     v1beta1) with tier Admin sit at model.TierAdmin, ordered by
//     spec.priority (lower first): "Policies with lower priority values have
//     higher precedence, and are checked before policies with higher priority
//     values." Both kinds share the one admin tier and its priority scale,
//     ClusterNetworkPolicy being AdminNetworkPolicy under a new name
//     (https://network-policy-api.sigs.k8s.io/blog/2025/10/09/api-update-for-v1alpha2-clusternetworkpolicy-replaces-adminnetworkpolicy-and-baselineadminnetworkpolicy/).
//   - BaselineAdminNetworkPolicy (v1alpha1, the singleton named "default")
//     and ClusterNetworkPolicy tier Baseline sit at model.TierBaseline, after
//     NetworkPolicy, whatever the CNI's placement of NetworkPolicy.
//   - Rules are read in the order written, the first match decides
//     ("a rule that appears at the top of the ingress rules would take the
//     highest precedence"). Allow/Accept and Deny end the evaluation; Pass
//     skips the rest of the tier, so an admin Pass goes on to NetworkPolicy
//     and then to the baseline. Nothing isolates: "there will not be any
//     implicit isolation effects for the Pods selected by the
//     AdminNetworkPolicy" (https://network-policy-api.sigs.k8s.io/api-overview/).
//   - Subjects and pods/namespaces peers hold pods only (host-networked pods
//     are not selected). A networks peer is an address peer that also holds
//     pods with an IP inside it: "cluster-internal traffic will be checked
//     against the rule as well. So if you Allow or Deny traffic to
//     0.0.0.0/0, that will allow or deny all IPv4 pod-to-pod traffic as
//     well" (the Networks field's documentation). The proof gives pods an IP
//     only where the estate does, so a networks rule judges a pod only then.
//   - Ports: portNumber and portRange with their protocol (TCP when unset),
//     namedPort resolved on the destination pod; ClusterNetworkPolicy's
//     protocols tcp/udp/sctp with a destinationPort (number or range) or
//     destinationNamedPort. The overview says a protocol without
//     destinationPort matches all its ports, but the CRD requires one
//     (minProperties 1), so such an entry is reported.
//
// What the model cannot say is reported, and the object then gives no
// policy: nodes peers (node addresses are not endpoints of the proof),
// domainNames peers (FQDN), two policies of one tier at the same priority
// that decide a common direction (the API leaves their order undefined), a
// BaselineAdminNetworkPolicy beside Baseline-tier ClusterNetworkPolicies (no
// documented order), an unknown apiVersion, and whatever the API server
// would reject (missing or doubled one-of fields, empty lists, out-of-range
// numbers, unparsable selectors or CIDRs, an action the kind does not have).
// A policy with no rules decides nothing and is Inert. One documented
// behaviour the model does not have: "A Pod connecting to its own Pod IP is
// not subject to CNP" (api-overview); the proof judges a pod's traffic to
// itself like any other pair's.
func init() {
	register(&adapter{layer: LayerAdmin, enforced: func(c Cluster) bool { return c.AdminNetworkPolicy }, compile: compileAdminNetworkPolicies},
		anpGroup+"/AdminNetworkPolicy", anpGroup+"/BaselineAdminNetworkPolicy", anpGroup+"/ClusterNetworkPolicy")
}

const anpGroup = "policy.networking.k8s.io"

// anpPolicy is one decoded object in the shape all three kinds share.
type anpPolicy struct {
	obj *Object
	seq int
	// admin: the admin tier; else the baseline tier.
	admin bool
	// priority orders the tier; banp marks the BaselineAdminNetworkPolicy,
	// which has none.
	priority int32
	banp     bool
	// limit is the most rules, peers and ports a list may hold.
	limit            int
	actions          map[string]model.Action
	subjectNamespace *metav1.LabelSelector
	subjectPods      *anpPods
	subjectFields    int
	ingress, egress  []anpRule
}

type anpPods struct{ namespaceSelector, podSelector metav1.LabelSelector }

type anpRule struct {
	action string
	peers  []anpPeer
	// ports is nil when the rule does not filter on ports; portsSet says
	// the field was written (an empty list is invalid).
	ports    []anpPort
	portsSet bool
	where    string
	// peerField and portField name the lists in paths ("to", "ports").
	peerField, portField string
}

type anpPeer struct {
	namespaces, nodes *metav1.LabelSelector
	pods              *anpPods
	networks          []string
	domainNames       []string
	fields            int
}

// anpPort is one port entry: a number (lo == hi), a range (lo..hi) or a
// name.
type anpPort struct {
	proto  corev1.Protocol
	lo, hi int32
	isRng  bool
	name   string
	// field is the entry's path below the list, e.g. ".portNumber".
	field string
	// fields counts the one-of fields set (1 when valid).
	fields int
	// invalid says why the API server rejects the entry, or "".
	invalid string
}

// anpCompiler gathers one object's unmodelled constructs.
type anpCompiler struct {
	o   *Object
	unm []model.Unmodelled
}

func (c *anpCompiler) report(field, format string, args ...any) {
	c.unm = append(c.unm, model.Unmodelled{Layer: LayerAdmin, Object: c.o.Ref(), Field: field, Why: fmt.Sprintf(format, args...)})
}

func compileAdminNetworkPolicies(objs []Object, _ Cluster) model.Compiled {
	var out model.Compiled
	var decoded []*anpPolicy
	var compiled []model.Policy
	bad := map[int]bool{}
	unm := map[int][]model.Unmodelled{}
	for i := range objs {
		o := &objs[i]
		p, field, err := anpDecode(o, i)
		if err != nil {
			out.Unmodelled = append(out.Unmodelled, model.Unmodelled{Layer: LayerAdmin, Object: o.Ref(), Field: field, Why: err.Error()})
			continue
		}
		c := &anpCompiler{o: o}
		pol := c.policy(p)
		decoded = append(decoded, p)
		compiled = append(compiled, pol)
		if len(c.unm) > 0 {
			bad[len(decoded)-1] = true
			unm[len(decoded)-1] = c.unm
		}
	}
	for i, u := range anpAmbiguous(decoded) {
		bad[i] = true
		unm[i] = append(unm[i], u...)
	}
	for i, p := range decoded {
		switch {
		case bad[i]:
			out.Unmodelled = append(out.Unmodelled, unm[i]...)
		case len(p.ingress) == 0 && len(p.egress) == 0:
			out.Inert = append(out.Inert, model.Unmodelled{Layer: LayerAdmin, Object: p.obj.Ref(), Field: "spec",
				Why: "it has no ingress or egress rules, and the API's policies isolate nothing by themselves"})
		default:
			out.Policies = append(out.Policies, compiled[i])
		}
	}
	return out
}

// anpDecode decodes o strictly into the upstream type of its apiVersion
// and Kind; on failure field is the offending field's path ("" for the whole
// object).
func anpDecode(o *Object, seq int) (_ *anpPolicy, field string, _ error) {
	_, version, _ := strings.Cut(o.APIVersion, "/")
	p := &anpPolicy{obj: o, seq: seq, limit: 100}
	switch {
	case o.Kind == "AdminNetworkPolicy" && version == "v1alpha1":
		var x v1alpha1.AdminNetworkPolicy
		if err := o.decode(&x); err != nil {
			return nil, "", fmt.Errorf("does not decode as %s AdminNetworkPolicy: %w", o.APIVersion, err)
		}
		p.admin, p.priority = true, x.Spec.Priority
		p.actions = map[string]model.Action{"Allow": model.Allow, "Deny": model.Deny, "Pass": model.Pass}
		p.subjectNamespace, p.subjectPods, p.subjectFields = anpV1Subject(&x.Spec.Subject)
		for i, r := range x.Spec.Ingress {
			p.ingress = append(p.ingress, anpV1Rule(string(r.Action), fmt.Sprintf("spec.ingress[%d]", i), "from", anpV1IngressPeers(r.From), r.Ports))
		}
		for i, r := range x.Spec.Egress {
			var peers []anpPeer
			for _, e := range r.To {
				peers = append(peers, anpV1EgressPeer(e.Namespaces, e.Pods, e.Nodes, e.Networks, e.DomainNames))
			}
			p.egress = append(p.egress, anpV1Rule(string(r.Action), fmt.Sprintf("spec.egress[%d]", i), "to", peers, r.Ports))
		}
	case o.Kind == "BaselineAdminNetworkPolicy" && version == "v1alpha1":
		var x v1alpha1.BaselineAdminNetworkPolicy
		if err := o.decode(&x); err != nil {
			return nil, "", fmt.Errorf("does not decode as %s BaselineAdminNetworkPolicy: %w", o.APIVersion, err)
		}
		p.banp = true
		p.actions = map[string]model.Action{"Allow": model.Allow, "Deny": model.Deny}
		p.subjectNamespace, p.subjectPods, p.subjectFields = anpV1Subject(&x.Spec.Subject)
		for i, r := range x.Spec.Ingress {
			p.ingress = append(p.ingress, anpV1Rule(string(r.Action), fmt.Sprintf("spec.ingress[%d]", i), "from", anpV1IngressPeers(r.From), r.Ports))
		}
		for i, r := range x.Spec.Egress {
			var peers []anpPeer
			for _, e := range r.To {
				peers = append(peers, anpV1EgressPeer(e.Namespaces, e.Pods, e.Nodes, e.Networks, nil))
			}
			p.egress = append(p.egress, anpV1Rule(string(r.Action), fmt.Sprintf("spec.egress[%d]", i), "to", peers, r.Ports))
		}
	case o.Kind == "ClusterNetworkPolicy" && (version == "v1alpha2" || version == "v1beta1"):
		var x v1alpha2.ClusterNetworkPolicy
		if version == "v1beta1" {
			// v1beta1 is v1alpha2's schema as the storage version: decoded
			// strictly as itself, then carried over field for field.
			var b v1beta1.ClusterNetworkPolicy
			if err := o.decode(&b); err != nil {
				return nil, "", fmt.Errorf("does not decode as %s ClusterNetworkPolicy: %w", o.APIVersion, err)
			}
			raw, err := json.Marshal(&b)
			if err == nil {
				err = json.Unmarshal(raw, &x)
			}
			if err != nil {
				return nil, "", fmt.Errorf("%s ClusterNetworkPolicy does not carry over to v1alpha2: %w", o.APIVersion, err)
			}
		} else if err := o.decode(&x); err != nil {
			return nil, "", fmt.Errorf("does not decode as %s ClusterNetworkPolicy: %w", o.APIVersion, err)
		}
		p.limit = 25
		p.priority = x.Spec.Priority
		switch x.Spec.Tier {
		case v1alpha2.AdminTier:
			p.admin = true
		case v1alpha2.BaselineTier:
		default:
			return nil, "spec.tier", fmt.Errorf("tier %q is neither Admin nor Baseline: the API server rejects it", x.Spec.Tier)
		}
		p.actions = map[string]model.Action{"Accept": model.Allow, "Deny": model.Deny, "Pass": model.Pass}
		s := &x.Spec.Subject
		if s.Namespaces != nil {
			p.subjectNamespace, p.subjectFields = s.Namespaces, p.subjectFields+1
		}
		if s.Pods != nil {
			p.subjectPods, p.subjectFields = &anpPods{s.Pods.NamespaceSelector, s.Pods.PodSelector}, p.subjectFields+1
		}
		for i, r := range x.Spec.Ingress {
			var peers []anpPeer
			for _, e := range r.From {
				peers = append(peers, anpCNPPeer(e.Namespaces, e.Pods, nil, nil, nil))
			}
			p.ingress = append(p.ingress, anpCNPRule(string(r.Action), fmt.Sprintf("spec.ingress[%d]", i), "from", peers, r.Protocols))
		}
		for i, r := range x.Spec.Egress {
			var peers []anpPeer
			for _, e := range r.To {
				peers = append(peers, anpCNPPeer(e.Namespaces, e.Pods, e.Nodes, e.Networks, e.DomainNames))
			}
			p.egress = append(p.egress, anpCNPRule(string(r.Action), fmt.Sprintf("spec.egress[%d]", i), "to", peers, r.Protocols))
		}
	default:
		return nil, "apiVersion", fmt.Errorf("apiVersion %s of %s is not a version this adapter reads (AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1, ClusterNetworkPolicy v1alpha2 and v1beta1)", o.APIVersion, o.Kind)
	}
	return p, "", nil
}

func anpV1Subject(s *v1alpha1.AdminNetworkPolicySubject) (*metav1.LabelSelector, *anpPods, int) {
	n := 0
	var pods *anpPods
	if s.Namespaces != nil {
		n++
	}
	if s.Pods != nil {
		n++
		pods = &anpPods{s.Pods.NamespaceSelector, s.Pods.PodSelector}
	}
	return s.Namespaces, pods, n
}

func anpV1IngressPeers(from []v1alpha1.AdminNetworkPolicyIngressPeer) []anpPeer {
	var out []anpPeer
	for _, e := range from {
		out = append(out, anpV1EgressPeer(e.Namespaces, e.Pods, nil, nil, nil))
	}
	return out
}

func anpV1EgressPeer(ns *metav1.LabelSelector, pods *v1alpha1.NamespacedPod, nodes *metav1.LabelSelector, networks []v1alpha1.CIDR, domains []v1alpha1.DomainName) anpPeer {
	var p anpPeer
	if pods != nil {
		p.pods = &anpPods{pods.NamespaceSelector, pods.PodSelector}
	}
	if networks != nil {
		p.networks = make([]string, 0, len(networks))
		for _, n := range networks {
			p.networks = append(p.networks, string(n))
		}
	}
	if domains != nil {
		p.domainNames = make([]string, 0, len(domains))
		for _, d := range domains {
			p.domainNames = append(p.domainNames, string(d))
		}
	}
	p.namespaces, p.nodes = ns, nodes
	p.fields = anpCount(ns != nil, pods != nil, nodes != nil, networks != nil, domains != nil)
	return p
}

func anpCNPPeer(ns *metav1.LabelSelector, pods *v1alpha2.NamespacedPod, nodes *metav1.LabelSelector, networks []v1alpha2.CIDR, domains []v1alpha2.DomainName) anpPeer {
	var p anpPeer
	if pods != nil {
		p.pods = &anpPods{pods.NamespaceSelector, pods.PodSelector}
	}
	if networks != nil {
		p.networks = make([]string, 0, len(networks))
		for _, n := range networks {
			p.networks = append(p.networks, string(n))
		}
	}
	if domains != nil {
		p.domainNames = make([]string, 0, len(domains))
		for _, d := range domains {
			p.domainNames = append(p.domainNames, string(d))
		}
	}
	p.namespaces, p.nodes = ns, nodes
	p.fields = anpCount(ns != nil, pods != nil, nodes != nil, networks != nil, domains != nil)
	return p
}

func anpV1Rule(action, where, peerField string, peers []anpPeer, ports *[]v1alpha1.AdminNetworkPolicyPort) anpRule {
	r := anpRule{action: action, where: where, peers: peers, peerField: peerField, portField: "ports"}
	if ports == nil {
		return r
	}
	r.portsSet = true
	r.ports = []anpPort{}
	for _, pt := range *ports {
		var e anpPort
		e.fields = anpCount(pt.PortNumber != nil, pt.NamedPort != nil, pt.PortRange != nil)
		switch {
		case pt.PortNumber != nil:
			e.field, e.proto, e.lo, e.hi = ".portNumber", pt.PortNumber.Protocol, pt.PortNumber.Port, pt.PortNumber.Port
		case pt.PortRange != nil:
			e.field, e.proto, e.lo, e.hi, e.isRng = ".portRange", pt.PortRange.Protocol, pt.PortRange.Start, pt.PortRange.End, true
		case pt.NamedPort != nil:
			e.field, e.name = ".namedPort", *pt.NamedPort
			if e.name == "" {
				e.invalid = "an empty named port names no container port"
			}
		}
		if pt.NamedPort == nil && e.proto == "" && e.fields == 1 {
			e.proto = corev1.ProtocolTCP // the CRD's default
		}
		r.ports = append(r.ports, e)
	}
	return r
}

func anpCNPRule(action, where, peerField string, peers []anpPeer, protocols []v1alpha2.ClusterNetworkPolicyProtocol) anpRule {
	r := anpRule{action: action, where: where, peers: peers, peerField: peerField, portField: "protocols"}
	if protocols == nil {
		return r
	}
	r.portsSet = true
	r.ports = []anpPort{}
	for _, pt := range protocols {
		var e anpPort
		e.fields = anpCount(pt.TCP != nil, pt.UDP != nil, pt.SCTP != nil, pt.DestinationNamedPort != "")
		var dp *v1alpha2.Port
		switch {
		case pt.TCP != nil:
			e.field, e.proto, dp = ".tcp", corev1.ProtocolTCP, pt.TCP.DestinationPort
		case pt.UDP != nil:
			e.field, e.proto, dp = ".udp", corev1.ProtocolUDP, pt.UDP.DestinationPort
		case pt.SCTP != nil:
			e.field, e.proto, dp = ".sctp", corev1.ProtocolSCTP, pt.SCTP.DestinationPort
		case pt.DestinationNamedPort != "":
			e.field, e.name = ".destinationNamedPort", pt.DestinationNamedPort
		}
		if e.fields == 1 && e.name == "" {
			switch {
			case dp == nil:
				e.invalid = "a protocol entry without destinationPort: the CRD requires at least one property, the API server rejects it"
			case dp.Number != 0 && dp.Range != nil:
				e.field += ".destinationPort"
				e.invalid = "destinationPort sets both number and range, exactly one is required: the API server rejects it"
			case dp.Range != nil:
				e.field += ".destinationPort.range"
				e.lo, e.hi, e.isRng = dp.Range.Start, dp.Range.End, true
			case dp.Number != 0:
				e.field += ".destinationPort.number"
				e.lo, e.hi = dp.Number, dp.Number
			default:
				e.field += ".destinationPort"
				e.invalid = "destinationPort sets neither number nor range, exactly one is required: the API server rejects it"
			}
		}
		r.ports = append(r.ports, e)
	}
	return r
}

func anpCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// policy compiles p, reporting what the model cannot express.
func (c *anpCompiler) policy(p *anpPolicy) model.Policy {
	kind := c.o.Kind
	pol := model.Policy{Layer: LayerAdmin, Object: c.o.Ref(), Point: model.Network, Seq: p.seq}
	if p.admin {
		pol.Tier, pol.Order = model.TierAdmin, float64(p.priority)
		pol.TierName = fmt.Sprintf("admin tier, priority %d", p.priority)
	} else {
		pol.Tier, pol.Order = model.TierBaseline, float64(p.priority)
		pol.TierName = "baseline tier"
		if !p.banp {
			pol.TierName = fmt.Sprintf("baseline tier, priority %d", p.priority)
		}
	}
	if p.banp && c.o.Name != "default" {
		c.report("metadata.name", "a BaselineAdminNetworkPolicy must be named default: the API server admits no other")
	}
	if !p.banp && (p.priority < 0 || p.priority > 1000) {
		c.report("spec.priority", "priority %d is outside 0..1000: the API server rejects it", p.priority)
	}
	switch p.subjectFields {
	case 1:
		if p.subjectNamespace != nil {
			pol.Subject = []model.Peer{{Pods: true, NS: c.selector("spec.subject.namespaces", p.subjectNamespace)}}
		} else {
			pol.Subject = []model.Peer{c.pods("spec.subject.pods", p.subjectPods)}
		}
	default:
		c.report("spec.subject", "%s subject sets %d of namespaces and pods, exactly one is required: the API server rejects it", kind, p.subjectFields)
	}
	c.limit("spec.ingress", len(p.ingress), p.limit)
	c.limit("spec.egress", len(p.egress), p.limit)
	for i := range p.ingress {
		pol.Ingress = append(pol.Ingress, c.rule(p, &p.ingress[i]))
	}
	for i := range p.egress {
		pol.Egress = append(pol.Egress, c.rule(p, &p.egress[i]))
	}
	return pol
}

func (c *anpCompiler) limit(field string, n, most int) {
	if n > most {
		c.report(field, "%d entries, more than the %d the API server admits", n, most)
	}
}

func (c *anpCompiler) rule(p *anpPolicy, r *anpRule) model.Rule {
	out := model.Rule{Where: r.where}
	act, ok := p.actions[r.action]
	if !ok {
		names := make([]string, 0, len(p.actions))
		for n := range p.actions {
			names = append(names, n)
		}
		sort.Strings(names)
		c.report(r.where+".action", "action %q is not one of %s's (%s): the API server rejects it", r.action, c.o.Kind, strings.Join(names, ", "))
	}
	out.Action = act
	peers := r.where + "." + r.peerField
	if len(r.peers) == 0 {
		c.report(peers, "the rule has no peers; at least one is required: the API server rejects it")
	}
	c.limit(peers, len(r.peers), p.limit)
	out.Peers = []model.Peer{}
	hasAddrs := false
	for j := range r.peers {
		pr, addrs := c.peer(fmt.Sprintf("%s[%d]", peers, j), &r.peers[j])
		hasAddrs = hasAddrs || addrs
		out.Peers = append(out.Peers, pr...)
	}
	if !r.portsSet {
		return out
	}
	ports := r.where + "." + r.portField
	if len(r.ports) == 0 {
		c.report(ports, "an empty %s list; when set it needs at least one entry: the API server rejects it", r.portField)
	}
	c.limit(ports, len(r.ports), p.limit)
	out.Ports = []model.Port{}
	for j := range r.ports {
		e := &r.ports[j]
		f := fmt.Sprintf("%s[%d]%s", ports, j, e.field)
		if e.fields != 1 {
			c.report(fmt.Sprintf("%s[%d]", ports, j), "a port entry must set exactly one field, it sets %d: the API server rejects it", e.fields)
			continue
		}
		if e.invalid != "" {
			c.report(f, "%s", e.invalid)
			continue
		}
		if e.name != "" {
			if hasAddrs {
				c.report(f, "named port %q beside a networks peer: addresses have no named ports, the API server rejects it", e.name)
			}
			out.Ports = append(out.Ports, model.Port{Name: e.name})
			continue
		}
		switch e.proto {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			c.report(f, "protocol %q is not TCP, UDP or SCTP: the API server rejects it", e.proto)
		}
		switch {
		case e.lo < 1 || e.lo > 65535 || e.hi < 1 || e.hi > 65535:
			if e.isRng {
				c.report(f, "port range %d..%d is not inside 1..65535: the API server rejects it", e.lo, e.hi)
			} else {
				c.report(f, "port %d is outside 1..65535: the API server rejects it", e.lo)
			}
		case e.isRng && e.lo >= e.hi:
			c.report(f, "port range start %d is not less than end %d: the API requires start < end", e.lo, e.hi)
		}
		out.Ports = append(out.Ports, model.Port{Protocol: e.proto, Lo: e.lo, Hi: e.hi})
	}
	return out
}

// peer compiles one peer; addrs says it is a networks peer.
func (c *anpCompiler) peer(f string, p *anpPeer) ([]model.Peer, bool) {
	if p.fields != 1 {
		c.report(f, "a peer must set exactly one field, it sets %d (implementations fail closed on a peer they do not understand): the API server rejects it", p.fields)
		return nil, false
	}
	switch {
	case p.namespaces != nil:
		return []model.Peer{{Pods: true, NS: c.selector(f+".namespaces", p.namespaces)}}, false
	case p.pods != nil:
		return []model.Peer{c.pods(f+".pods", p.pods)}, false
	case p.nodes != nil:
		c.report(f+".nodes", "a nodes peer selects the nodes' addresses, which are not endpoints of the proof")
		return nil, false
	case p.domainNames != nil:
		c.report(f+".domainNames", "a domainNames peer (FQDN %s) matches what DNS answers, which is not known offline", strings.Join(p.domainNames, ", "))
		return nil, false
	case p.networks != nil:
		if len(p.networks) == 0 || len(p.networks) > 25 {
			c.report(f+".networks", "%d CIDRs, the API server admits 1..25", len(p.networks))
		}
		out := model.Peer{Addrs: true}
		for k, s := range p.networks {
			pre, err := netip.ParsePrefix(s)
			if err != nil || pre.Masked() != pre {
				c.report(fmt.Sprintf("%s.networks[%d]", f, k), "%q is not a CIDR with its host bits zero: the API server rejects it", s)
				continue
			}
			out.Nets = append(out.Nets, pre)
		}
		return []model.Peer{out}, true
	}
	c.report(f, "a peer of no type this adapter knows")
	return nil, false
}

func (c *anpCompiler) pods(f string, p *anpPods) model.Peer {
	return model.Peer{Pods: true,
		NS:     c.selector(f+".namespaceSelector", &p.namespaceSelector),
		Labels: c.selector(f+".podSelector", &p.podSelector)}
}

func (c *anpCompiler) selector(f string, sel *metav1.LabelSelector) model.Match {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		c.report(f, "label selector does not parse (%v): implementations cannot agree on what it selects", err)
		return model.Nothing()
	}
	return model.Selector(s)
}

// anpAmbiguous reports, by index into ps, the policies whose place in the
// evaluation order the API leaves undefined: two policies of one tier at the
// same priority deciding a common direction ("the implementation can apply
// any of the matching policies to the connection"), more than one
// BaselineAdminNetworkPolicy (the API admits one), and a
// BaselineAdminNetworkPolicy beside Baseline-tier ClusterNetworkPolicies
// (nothing documents their order).
func anpAmbiguous(ps []*anpPolicy) map[int][]model.Unmodelled {
	out := map[int][]model.Unmodelled{}
	dirs := func(p *anpPolicy) (bool, bool) { return len(p.ingress) > 0, len(p.egress) > 0 }
	for i, a := range ps {
		ai, ae := dirs(a)
		for j, b := range ps {
			if i == j {
				continue
			}
			bi, be := dirs(b)
			if !(ai && bi || ae && be) || a.admin != b.admin {
				continue
			}
			var why string
			switch {
			case a.banp && b.banp:
				why = fmt.Sprintf("%s is a second BaselineAdminNetworkPolicy: the cluster holds one, which of the two it is cannot be told", b.obj.Ref())
			case a.banp != b.banp:
				why = fmt.Sprintf("beside %s: the API documents no order between a BaselineAdminNetworkPolicy and Baseline-tier ClusterNetworkPolicies", b.obj.Ref())
			case a.priority == b.priority:
				why = fmt.Sprintf("priority %d is also %s's: the API leaves the order of policies of equal priority undefined", a.priority, b.obj.Ref())
			default:
				continue
			}
			field := "spec.priority"
			if a.banp {
				field = "metadata.name"
			}
			out[i] = append(out[i], model.Unmodelled{Layer: LayerAdmin, Object: a.obj.Ref(), Field: field, Why: why})
		}
	}
	return out
}
