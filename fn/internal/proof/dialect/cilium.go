package dialect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"netid.dev/netid/fn/internal/proof/model"
)

// Cilium's policy at layers 3 and 4: CiliumNetworkPolicy (namespaced),
// CiliumClusterwideNetworkPolicy and the CiliumCIDRGroups they reference,
// as the cilium.io/v2 CRDs of Cilium v1.20 publish them (the L7 kinds kafka,
// l7proto and l7 of v1.16–v1.19 are read too).
//
// Semantics, with the documentation each follows (the v1.20 pages under
// https://docs.cilium.io/en/latest/security/policy/: intro, deny, layer3,
// layer4, layer7, kubernetes; older releases keep them under
// security/policy/language and network/kubernetes/policy):
//
//   - Default deny, per direction: "If any rule selects an endpoint and the
//     rule has an ingress section, the endpoint goes into default deny-mode
//     for ingress" (intro, "Endpoint default policy"); a section is
//     ingress or ingressDeny ("if a policy only has Ingress or IngressDeny
//     rules, then the default for ingress is true", the enableDefaultDeny
//     field's reference), and enableDefaultDeny {ingress: false} turns it off
//     for that policy ("Rules with EnableDefaultDeny disabled are ignored when
//     determining the default mode"); true does not close a direction the
//     policy has no rule for (Cilium derives default deny from each rule).
//   - Allow rules of every policy, and Kubernetes NetworkPolicy, are one
//     union (a flow is allowed if some rule allows it); deny rules "take
//     precedence over allow policies, regardless of whether they are a Cilium
//     Network Policy, a Clusterwide Cilium Network Policy or even a Kubernetes
//     Network Policy" (deny). So allows sit with NetworkPolicy at
//     model.TierNetworkPolicy, Order 0, and denies at Order -1.
//   - A CiliumNetworkPolicy's endpointSelector always applies in the
//     policy's namespace; its fromEndpoints/toEndpoints are limited to that
//     namespace unless they name io.kubernetes.pod.namespace or a namespace
//     label io.cilium.k8s.namespace.labels.* (kubernetes, "Specifying
//     Namespace In EndpointSelector, FromEndpoints, ToEndpoints", "Namespace
//     Specific Information"); a clusterwide policy's selectors span every
//     namespace (kubernetes, "Clusterwide Policies"). An empty selector {} in
//     fromEndpoints is then "every pod of the namespace" (CNP) or "every pod"
//     (CCNP) (layer3, "Ingress Allow All Endpoints", "Egress Allow All
//     Endpoints").
//   - In one rule, the L3 part (peers) and toPorts must both match (the
//     IngressRule reference: "If multiple members are set, all of them need
//     to match"); a rule with no L3 field but toPorts matches every peer ("nil
//     FromEndpoints is implicitly treated as a wildcard selector if ToPorts
//     are also specified", while an L3 field given as an empty list "does not
//     select anything"), and an empty rule {} matches nothing: it only
//     puts the endpoint in default deny (layer3, "Ingress/Egress Default
//     Deny", example egress: [{}]). Several L3 fields in one rule are
//     rejected by Cilium ("combining FromEndpoints and FromCIDR is not
//     supported yet"): Unmodelled.
//   - CIDR rules (fromCIDR, toCIDRSet, cidrGroupRef, entity world) never
//     match cluster endpoints: "Only connections which do *not* originate
//     from the cluster or from the local host are subject to CIDR rules"
//     (fromCIDR reference; layer3, "IP/CIDR based": "CIDR rules do not apply
//     to traffic where both sides of the connection are either managed by
//     Cilium or use an IP belonging to a node").
//   - L7 rules (http, dns, kafka, l7proto/l7, TLS interception, listeners)
//     allow the port at layers 3 and 4 and restrict requests above: the rule
//     carries model.Rule.L7 (layer7).
//
// Constructs the model cannot express are Unmodelled and the object gives no
// policies; see ciliumCompiler.
func init() {
	register(&adapter{layer: LayerCilium, enforced: func(c Cluster) bool { return c.CNI == Cilium }, compile: compileCilium},
		"cilium.io/CiliumNetworkPolicy", "cilium.io/CiliumClusterwideNetworkPolicy", "cilium.io/CiliumCIDRGroup")
}

// ciliumDenyOrder places deny rules before the allow rules (Order 0) that
// share their tier with NetworkPolicy.
const ciliumDenyOrder = -1

// ciliumL7Order places the allow rules with L7 restrictions after every
// plain allow of the tier (Cilium's and NetworkPolicy's, at Order 0): when
// a rule without L7 also allows the peer on the port, Cilium widens the L7
// rules to allow every request (layer7, and the merging of rules on one
// port), so a flow is L7-restricted only when no plain allow matches it.
const ciliumL7Order = 0.5

// ciliumLocalCluster is the name Cilium gives the local cluster unless
// configured otherwise (cluster-name "default").
const ciliumLocalCluster = "default"

// The cilium.io/v2 objects, field for field; a field not here fails the
// strict decode and makes the object Unmodelled.

type ciliumPolicyObject struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       *ciliumRule       `json:"spec,omitempty"`
	Specs      []ciliumRule      `json:"specs,omitempty"`
	Status     json.RawMessage   `json:"status,omitempty"`
}

type ciliumRule struct {
	EndpointSelector  *metav1.LabelSelector   `json:"endpointSelector,omitempty"`
	NodeSelector      *metav1.LabelSelector   `json:"nodeSelector,omitempty"`
	Ingress           []ciliumIngressRule     `json:"ingress,omitempty"`
	IngressDeny       []ciliumIngressDenyRule `json:"ingressDeny,omitempty"`
	Egress            []ciliumEgressRule      `json:"egress,omitempty"`
	EgressDeny        []ciliumEgressDenyRule  `json:"egressDeny,omitempty"`
	Labels            []ciliumLabel           `json:"labels,omitempty"`
	EnableDefaultDeny *ciliumDefaultDeny      `json:"enableDefaultDeny,omitempty"`
	Description       string                  `json:"description,omitempty"`
	Log               *ciliumLog              `json:"log,omitempty"`
}

type ciliumLabel struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Source string `json:"source,omitempty"`
}

type ciliumDefaultDeny struct {
	Ingress *bool `json:"ingress,omitempty"`
	Egress  *bool `json:"egress,omitempty"`
}

type ciliumLog struct {
	Value string `json:"value,omitempty"`
}

type ciliumIngressCommon struct {
	FromEndpoints []metav1.LabelSelector `json:"fromEndpoints,omitempty"`
	FromRequires  json.RawMessage        `json:"fromRequires,omitempty"`
	FromCIDR      []string               `json:"fromCIDR,omitempty"`
	FromCIDRSet   []ciliumCIDRRule       `json:"fromCIDRSet,omitempty"`
	FromEntities  []string               `json:"fromEntities,omitempty"`
	FromGroups    json.RawMessage        `json:"fromGroups,omitempty"`
	FromNodes     json.RawMessage        `json:"fromNodes,omitempty"`
}

type ciliumIngressRule struct {
	ciliumIngressCommon
	ToPorts        []ciliumPortRule `json:"toPorts,omitempty"`
	ICMPs          json.RawMessage  `json:"icmps,omitempty"`
	Authentication *ciliumAuth      `json:"authentication,omitempty"`
}

type ciliumIngressDenyRule struct {
	ciliumIngressCommon
	ToPorts []ciliumPortDenyRule `json:"toPorts,omitempty"`
	ICMPs   json.RawMessage      `json:"icmps,omitempty"`
}

type ciliumEgressCommon struct {
	ToEndpoints []metav1.LabelSelector `json:"toEndpoints,omitempty"`
	ToRequires  json.RawMessage        `json:"toRequires,omitempty"`
	ToCIDR      []string               `json:"toCIDR,omitempty"`
	ToCIDRSet   []ciliumCIDRRule       `json:"toCIDRSet,omitempty"`
	ToEntities  []string               `json:"toEntities,omitempty"`
	ToServices  json.RawMessage        `json:"toServices,omitempty"`
	ToGroups    json.RawMessage        `json:"toGroups,omitempty"`
	ToNodes     json.RawMessage        `json:"toNodes,omitempty"`
}

type ciliumEgressRule struct {
	ciliumEgressCommon
	ToPorts        []ciliumPortRule `json:"toPorts,omitempty"`
	ToFQDNs        json.RawMessage  `json:"toFQDNs,omitempty"`
	ICMPs          json.RawMessage  `json:"icmps,omitempty"`
	Authentication *ciliumAuth      `json:"authentication,omitempty"`
}

type ciliumEgressDenyRule struct {
	ciliumEgressCommon
	ToPorts []ciliumPortDenyRule `json:"toPorts,omitempty"`
	ICMPs   json.RawMessage      `json:"icmps,omitempty"`
}

type ciliumAuth struct {
	Mode string `json:"mode"`
}

type ciliumCIDRRule struct {
	CIDR              string                `json:"cidr,omitempty"`
	CIDRGroupRef      string                `json:"cidrGroupRef,omitempty"`
	CIDRGroupSelector *metav1.LabelSelector `json:"cidrGroupSelector,omitempty"`
	Except            []string              `json:"except,omitempty"`
}

type ciliumPortProtocol struct {
	Port     string `json:"port,omitempty"`
	EndPort  int32  `json:"endPort,omitempty"`
	Protocol string `json:"protocol,omitempty"`
}

type ciliumPortRule struct {
	Ports          []ciliumPortProtocol `json:"ports,omitempty"`
	TerminatingTLS json.RawMessage      `json:"terminatingTLS,omitempty"`
	OriginatingTLS json.RawMessage      `json:"originatingTLS,omitempty"`
	ServerNames    []string             `json:"serverNames,omitempty"`
	Listener       *ciliumListener      `json:"listener,omitempty"`
	Rules          *ciliumL7Rules       `json:"rules,omitempty"`
}

type ciliumListener struct {
	EnvoyConfig json.RawMessage `json:"envoyConfig"`
	Name        string          `json:"name"`
	Priority    int             `json:"priority,omitempty"`
}

type ciliumPortDenyRule struct {
	Ports []ciliumPortProtocol `json:"ports,omitempty"`
}

type ciliumL7Rules struct {
	HTTP []struct {
		Path          string          `json:"path,omitempty"`
		Method        string          `json:"method,omitempty"`
		Host          string          `json:"host,omitempty"`
		Headers       []string        `json:"headers,omitempty"`
		HeaderMatches json.RawMessage `json:"headerMatches,omitempty"`
	} `json:"http,omitempty"`
	DNS []struct {
		MatchName    string `json:"matchName,omitempty"`
		MatchPattern string `json:"matchPattern,omitempty"`
	} `json:"dns,omitempty"`
	Kafka []struct {
		Role       string `json:"role,omitempty"`
		APIKey     string `json:"apiKey,omitempty"`
		APIVersion string `json:"apiVersion,omitempty"`
		ClientID   string `json:"clientID,omitempty"`
		Topic      string `json:"topic,omitempty"`
	} `json:"kafka,omitempty"`
	L7Proto string              `json:"l7proto,omitempty"`
	L7      []map[string]string `json:"l7,omitempty"`
}

type ciliumCIDRGroupObject struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		ExternalCIDRs []string `json:"externalCIDRs"`
	} `json:"spec"`
}

// ciliumGroup is a decoded CiliumCIDRGroup; nets is nil when it did not
// decode (its CIDRs are unknown).
type ciliumGroup struct {
	obj    *Object
	labels map[string]string
	nets   []netip.Prefix
	used   bool
}

func compileCilium(objs []Object, _ Cluster) model.Compiled {
	var out model.Compiled
	groups := map[string]*ciliumGroup{}
	var groupNames []string
	for i := range objs {
		o := &objs[i]
		if o.Kind != "CiliumCIDRGroup" {
			continue
		}
		g, bad := ciliumDecodeGroup(o)
		out.Unmodelled = append(out.Unmodelled, bad...)
		if _, dup := groups[o.Name]; !dup {
			groupNames = append(groupNames, o.Name)
		}
		groups[o.Name] = g
	}
	seq := 0
	for i := range objs {
		o := &objs[i]
		if o.Kind == "CiliumCIDRGroup" {
			continue
		}
		c := ciliumCompiler{o: o, groups: groups}
		pols := c.compile(&seq)
		for _, g := range c.usedGroups {
			g.used = true
		}
		if len(c.bad) > 0 {
			out.Unmodelled = append(out.Unmodelled, c.bad...)
			continue
		}
		out.Policies = append(out.Policies, pols...)
		out.Inert = append(out.Inert, c.inert...)
	}
	for _, name := range groupNames {
		g := groups[name]
		if !g.used && g.nets != nil {
			out.Inert = append(out.Inert, model.Unmodelled{Layer: LayerCilium, Object: g.obj.Ref(),
				Why: "no Cilium policy among the objects references this CIDR group: it decides nothing"})
		}
	}
	return out
}

func ciliumDecodeGroup(o *Object) (*ciliumGroup, []model.Unmodelled) {
	g := &ciliumGroup{obj: o}
	bad := func(field, why string) (*ciliumGroup, []model.Unmodelled) {
		g.nets = nil
		return g, []model.Unmodelled{{Layer: LayerCilium, Object: o.Ref(), Field: field, Why: why}}
	}
	if o.APIVersion != "cilium.io/v2" && o.APIVersion != "cilium.io/v2alpha1" {
		return bad("apiVersion", fmt.Sprintf("apiVersion %q: only cilium.io/v2 and v2alpha1 are read", o.APIVersion))
	}
	var obj ciliumCIDRGroupObject
	if err := o.decode(&obj); err != nil {
		return bad("", "does not decode as a CiliumCIDRGroup: "+err.Error())
	}
	g.labels = obj.Metadata.Labels
	g.nets = []netip.Prefix{}
	for i, s := range obj.Spec.ExternalCIDRs {
		p, ok := ciliumParseCIDR(s)
		if !ok {
			return bad(fmt.Sprintf("spec.externalCIDRs[%d]", i), fmt.Sprintf("CIDR %q does not parse", s))
		}
		g.nets = append(g.nets, p)
	}
	return g, nil
}

// ciliumParseCIDR reads a prefix, or a bare address as its host prefix (as
// Cilium's CIDR fields accept).
func ciliumParseCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// ciliumCompiler compiles one CiliumNetworkPolicy or
// CiliumClusterwideNetworkPolicy. bad collects the constructs the model
// cannot express (the object then gives no policies), inert the parts that
// decide nothing the proof judges.
type ciliumCompiler struct {
	o          *Object
	ns         string // the policy's namespace; "" when clusterwide
	groups     map[string]*ciliumGroup
	usedGroups []*ciliumGroup
	bad, inert []model.Unmodelled
}

func (c *ciliumCompiler) unmodelled(field, why string) {
	c.bad = append(c.bad, model.Unmodelled{Layer: LayerCilium, Object: c.o.Ref(), Field: field, Why: why})
}

func (c *ciliumCompiler) inertPart(field, why string) {
	c.inert = append(c.inert, model.Unmodelled{Layer: LayerCilium, Object: c.o.Ref(), Field: field, Why: why})
}

func (c *ciliumCompiler) compile(seq *int) []model.Policy {
	if c.o.APIVersion != "cilium.io/v2" {
		c.unmodelled("apiVersion", fmt.Sprintf("apiVersion %q: only cilium.io/v2 is read", c.o.APIVersion))
		return nil
	}
	var obj ciliumPolicyObject
	if err := c.o.decode(&obj); err != nil {
		c.unmodelled("", "does not decode as a "+c.o.Kind+" (cilium.io/v2): "+err.Error())
		return nil
	}
	if c.o.Kind == "CiliumNetworkPolicy" {
		c.ns = c.o.Namespace
		if c.ns == "" {
			c.ns = metav1.NamespaceDefault
		}
	}
	if obj.Spec == nil && obj.Specs == nil {
		c.inertPart("", "neither spec nor specs: Cilium rejects the empty policy; it decides nothing")
		return nil
	}
	if obj.Spec == nil && len(obj.Specs) == 0 {
		c.inertPart("specs", "specs is empty: the policy has no rule; it decides nothing")
		return nil
	}
	var out []model.Policy
	if obj.Spec != nil {
		out = append(out, c.rule(obj.Spec, "spec", seq)...)
	}
	for i := range obj.Specs {
		out = append(out, c.rule(&obj.Specs[i], fmt.Sprintf("specs[%d]", i), seq)...)
	}
	return out
}

// rule compiles one spec into an allow policy (Order 0, carrying the
// default deny), a deny policy (Order -1) when it has deny rules, and a
// policy of its L7 allow rules (Order 0.5) when it has some.
func (c *ciliumCompiler) rule(r *ciliumRule, where string, seq *int) []model.Policy {
	if r.NodeSelector != nil {
		c.unmodelled(where+".nodeSelector", "host policy (nodeSelector): nodes are not endpoints of the proof; the host firewall is not modelled")
		return nil
	}
	if r.EndpointSelector == nil {
		c.unmodelled(where+".endpointSelector", "no endpointSelector: Cilium rejects the rule")
		return nil
	}
	if len(r.Ingress)+len(r.IngressDeny)+len(r.Egress)+len(r.EgressDeny) == 0 {
		c.unmodelled(where, "none of ingress, ingressDeny, egress, egressDeny: Cilium rejects the rule, and with it the object")
		return nil
	}
	subject, ok := c.subject(r.EndpointSelector, where+".endpointSelector")
	if !ok {
		return nil
	}
	// Default deny comes with the rules of a direction: enableDefaultDeny
	// can turn it off, not on for a direction without rules.
	isoIn := len(r.Ingress)+len(r.IngressDeny) > 0
	isoEg := len(r.Egress)+len(r.EgressDeny) > 0
	if d := r.EnableDefaultDeny; d != nil {
		if d.Ingress != nil {
			isoIn = isoIn && *d.Ingress
		}
		if d.Egress != nil {
			isoEg = isoEg && *d.Egress
		}
	}
	allow := model.Policy{Layer: LayerCilium, Object: c.o.Ref(), Point: model.Network,
		Tier: model.TierNetworkPolicy, Order: 0, Subject: subject,
		IsolatesIngress: isoIn, IsolatesEgress: isoEg}
	deny := allow
	deny.Order, deny.IsolatesIngress, deny.IsolatesEgress = ciliumDenyOrder, false, false
	for i := range r.Ingress {
		ir := &r.Ingress[i]
		w := fmt.Sprintf("%s.ingress[%d]", where, i)
		allow.Ingress = append(allow.Ingress, c.ingress(&ir.ciliumIngressCommon, model.Allow, w, ir.ToPorts, nil, ir.ICMPs, ir.Authentication)...)
	}
	for i := range r.IngressDeny {
		ir := &r.IngressDeny[i]
		w := fmt.Sprintf("%s.ingressDeny[%d]", where, i)
		deny.Ingress = append(deny.Ingress, c.ingress(&ir.ciliumIngressCommon, model.Deny, w, nil, ir.ToPorts, ir.ICMPs, nil)...)
	}
	for i := range r.Egress {
		er := &r.Egress[i]
		w := fmt.Sprintf("%s.egress[%d]", where, i)
		allow.Egress = append(allow.Egress, c.egress(&er.ciliumEgressCommon, model.Allow, w, er.ToPorts, nil, er.ToFQDNs, er.ICMPs, er.Authentication)...)
	}
	for i := range r.EgressDeny {
		er := &r.EgressDeny[i]
		w := fmt.Sprintf("%s.egressDeny[%d]", where, i)
		deny.Egress = append(deny.Egress, c.egress(&er.ciliumEgressCommon, model.Deny, w, nil, er.ToPorts, nil, er.ICMPs, nil)...)
	}
	l7 := allow
	l7.Order, l7.IsolatesIngress, l7.IsolatesEgress = ciliumL7Order, false, false
	allow.Ingress, l7.Ingress = ciliumSplitL7(allow.Ingress)
	allow.Egress, l7.Egress = ciliumSplitL7(allow.Egress)
	var out []model.Policy
	for _, p := range []model.Policy{deny, allow, l7} {
		if len(p.Ingress)+len(p.Egress) == 0 && !p.IsolatesIngress && !p.IsolatesEgress {
			continue
		}
		*seq++
		p.Seq = *seq
		out = append(out, p)
	}
	return out
}

// ciliumSplitL7 parts rules into those without and those with L7 text.
func ciliumSplitL7(rules []model.Rule) (plain, l7 []model.Rule) {
	for _, r := range rules {
		if r.L7 != "" {
			l7 = append(l7, r)
		} else {
			plain = append(plain, r)
		}
	}
	return plain, l7
}

// ciliumL3 is one rule's peer fields, whichever direction.
type ciliumL3 struct {
	endpoints []metav1.LabelSelector
	cidr      []string
	cidrSet   []ciliumCIDRRule
	entities  []string
	// names are the fields' names in this direction (fromEndpoints or
	// toEndpoints, …).
	names [4]string
	// others are fields the model cannot express, by name.
	others map[string]json.RawMessage
}

func (c *ciliumCompiler) ingress(r *ciliumIngressCommon, act model.Action, where string, ports []ciliumPortRule, denyPorts []ciliumPortDenyRule, icmps json.RawMessage, auth *ciliumAuth) []model.Rule {
	l3 := ciliumL3{endpoints: r.FromEndpoints, cidr: r.FromCIDR, cidrSet: r.FromCIDRSet, entities: r.FromEntities,
		names:  [4]string{"fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities"},
		others: map[string]json.RawMessage{"fromRequires": r.FromRequires, "fromGroups": r.FromGroups, "fromNodes": r.FromNodes}}
	return c.compileRule(&l3, act, where, ports, denyPorts, nil, icmps, auth)
}

func (c *ciliumCompiler) egress(r *ciliumEgressCommon, act model.Action, where string, ports []ciliumPortRule, denyPorts []ciliumPortDenyRule, fqdns, icmps json.RawMessage, auth *ciliumAuth) []model.Rule {
	l3 := ciliumL3{endpoints: r.ToEndpoints, cidr: r.ToCIDR, cidrSet: r.ToCIDRSet, entities: r.ToEntities,
		names:  [4]string{"toEndpoints", "toCIDR", "toCIDRSet", "toEntities"},
		others: map[string]json.RawMessage{"toRequires": r.ToRequires, "toServices": r.ToServices, "toGroups": r.ToGroups, "toNodes": r.ToNodes}}
	return c.compileRule(&l3, act, where, ports, denyPorts, fqdns, icmps, auth)
}

// ciliumOtherWhy says why each peer field the model cannot express is
// Unmodelled.
var ciliumOtherWhy = map[string]string{
	"fromRequires": "fromRequires (deprecated, removed in Cilium 1.19) constrains every rule selecting the endpoint: not modelled",
	"toRequires":   "toRequires (deprecated, removed in Cilium 1.19) constrains every rule selecting the endpoint: not modelled",
	"fromGroups":   "fromGroups: cloud provider groups resolve to addresses at run time",
	"toGroups":     "toGroups: cloud provider groups resolve to addresses at run time",
	"fromNodes":    "fromNodes: nodes selected by label are not endpoints of the proof",
	"toNodes":      "toNodes: nodes selected by label are not endpoints of the proof",
	"toServices":   "toServices: the Service's backends are resolved by Cilium at run time",
}

// ciliumPresent reports whether a raw field holds something (not absent,
// null or an empty list).
func ciliumPresent(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return false
	}
	var list []json.RawMessage
	if json.Unmarshal(t, &list) == nil && len(list) == 0 {
		return false
	}
	return true
}

func (c *ciliumCompiler) compileRule(l3 *ciliumL3, act model.Action, where string, ports []ciliumPortRule, denyPorts []ciliumPortDenyRule, fqdns, icmps json.RawMessage, auth *ciliumAuth) []model.Rule {
	nBad := len(c.bad)
	// Cilium rejects a rule with more than one non-empty L3 field.
	var members []string
	counts := []int{len(l3.endpoints), len(l3.cidr), len(l3.cidrSet), len(l3.entities)}
	for i, n := range counts {
		if n > 0 {
			members = append(members, l3.names[i])
		}
	}
	var otherNames []string
	for name, raw := range l3.others {
		if ciliumPresent(raw) {
			otherNames = append(otherNames, name)
		}
	}
	sort.Strings(otherNames)
	for _, name := range otherNames {
		c.unmodelled(where+"."+name, ciliumOtherWhy[name])
	}
	members = append(members, otherNames...)
	hasFQDN := ciliumPresent(fqdns)
	if hasFQDN {
		members = append(members, "toFQDNs")
	}
	if len(members) > 1 {
		c.unmodelled(where, fmt.Sprintf("combines %s: Cilium rejects a rule combining L3 fields (\"combining %s and %s is not supported yet\")",
			strings.Join(members, " and "), members[0], members[1]))
	}
	hasICMP := ciliumPresent(icmps)
	if hasICMP && len(ports)+len(denyPorts) > 0 {
		c.unmodelled(where, "icmps with toPorts: Cilium rejects it (\"the ICMPs block may only be present without ToPorts\")")
	}
	if auth != nil && auth.Mode != "disabled" {
		c.unmodelled(where+".authentication", fmt.Sprintf("authentication mode %q (mutual authentication) is not modelled", auth.Mode))
	}
	if hasFQDN {
		if c.o.Generated {
			c.inertPart(where+".toFQDNs", "DNS names resolve at run time; netid lists the declared FQDN flows as not judged")
		} else {
			c.unmodelled(where+".toFQDNs", "DNS names resolve at run time; the flows they open are not judged")
		}
	}
	// Peers: nil (every peer) only for a rule with no L3 field and some
	// toPorts or icmps; an empty rule {} matches nothing.
	var peers []model.Peer
	anyL3 := l3.endpoints != nil || l3.cidr != nil || l3.cidrSet != nil || l3.entities != nil || len(otherNames) > 0 || hasFQDN
	if anyL3 || len(ports)+len(denyPorts) == 0 && !hasICMP {
		peers = []model.Peer{}
	}
	for i := range l3.endpoints {
		if p, ok := c.peerSelector(&l3.endpoints[i], fmt.Sprintf("%s.%s[%d]", where, l3.names[0], i)); ok {
			peers = append(peers, p...)
		}
	}
	for i, s := range l3.cidr {
		p, ok := ciliumParseCIDR(s)
		if !ok {
			c.unmodelled(fmt.Sprintf("%s.%s[%d]", where, l3.names[1], i), fmt.Sprintf("CIDR %q does not parse: Cilium rejects it", s))
			continue
		}
		peers = append(peers, model.Peer{Addrs: true, Nets: []netip.Prefix{p}, ExternalOnly: true})
	}
	for i := range l3.cidrSet {
		peers = append(peers, c.cidrRule(&l3.cidrSet[i], fmt.Sprintf("%s.%s[%d]", where, l3.names[2], i))...)
	}
	for i, e := range l3.entities {
		peers = append(peers, c.entity(e, fmt.Sprintf("%s.%s[%d]", where, l3.names[3], i))...)
	}
	if len(c.bad) > nBad {
		return nil
	}
	// An L3 field given as an empty list selects nothing, whatever else the
	// rule names ("an empty non-nil FromEndpoints does not select anything").
	if l3.endpoints != nil && len(l3.endpoints) == 0 || l3.cidr != nil && len(l3.cidr) == 0 ||
		l3.cidrSet != nil && len(l3.cidrSet) == 0 || l3.entities != nil && len(l3.entities) == 0 {
		peers = []model.Peer{}
	}
	if hasICMP {
		c.inertPart(where+".icmps", "ICMP: the proof probes TCP, UDP and SCTP only")
		return []model.Rule{{Action: act, Peers: peers, Ports: []model.Port{}, Where: where}}
	}
	if denyPorts != nil {
		r := model.Rule{Action: act, Peers: peers, Where: where}
		if len(denyPorts) > 0 {
			r.Ports = []model.Port{}
			for j := range denyPorts {
				r.Ports = append(r.Ports, c.ports(denyPorts[j].Ports, fmt.Sprintf("%s.toPorts[%d]", where, j), false)...)
			}
		}
		return []model.Rule{r}
	}
	if len(ports) == 0 {
		return []model.Rule{{Action: act, Peers: peers, Where: where}}
	}
	// One model rule per toPorts entry when their L7 differ; one rule when
	// none has L7.
	split := false
	for j := range ports {
		if ciliumL7(&ports[j]) != "" {
			split = true
		}
	}
	if !split {
		r := model.Rule{Action: act, Peers: peers, Ports: []model.Port{}, Where: where}
		for j := range ports {
			r.Ports = append(r.Ports, c.ports(ports[j].Ports, fmt.Sprintf("%s.toPorts[%d]", where, j), false)...)
		}
		return []model.Rule{r}
	}
	var out []model.Rule
	for j := range ports {
		w := fmt.Sprintf("%s.toPorts[%d]", where, j)
		l7 := ciliumL7(&ports[j])
		out = append(out, model.Rule{Action: act, Peers: peers, Ports: c.ports(ports[j].Ports, w, l7 != ""), Where: w, L7: l7})
	}
	return out
}

// ciliumL7 is the text of what a toPorts entry restricts above layer 4.
func ciliumL7(pr *ciliumPortRule) string {
	var parts []string
	if r := pr.Rules; r != nil {
		for _, h := range r.HTTP {
			var f []string
			if h.Method != "" {
				f = append(f, "method "+h.Method)
			}
			if h.Path != "" {
				f = append(f, "path "+h.Path)
			}
			if h.Host != "" {
				f = append(f, "host "+h.Host)
			}
			for _, hd := range h.Headers {
				f = append(f, "header "+hd)
			}
			if ciliumPresent(h.HeaderMatches) {
				f = append(f, "header matches")
			}
			if len(f) == 0 {
				f = append(f, "any request")
			}
			parts = append(parts, "HTTP "+strings.Join(f, " "))
		}
		for _, d := range r.DNS {
			if d.MatchName != "" {
				parts = append(parts, "DNS name "+d.MatchName)
			}
			if d.MatchPattern != "" {
				parts = append(parts, "DNS pattern "+d.MatchPattern)
			}
		}
		for _, k := range r.Kafka {
			var f []string
			for _, kv := range [][2]string{{"role", k.Role}, {"apiKey", k.APIKey}, {"apiVersion", k.APIVersion}, {"clientID", k.ClientID}, {"topic", k.Topic}} {
				if kv[1] != "" {
					f = append(f, kv[0]+" "+kv[1])
				}
			}
			if len(f) == 0 {
				f = append(f, "any request")
			}
			parts = append(parts, "Kafka "+strings.Join(f, " "))
		}
		if r.L7Proto != "" || len(r.L7) > 0 {
			parts = append(parts, "L7 protocol "+r.L7Proto)
		}
	}
	if len(pr.ServerNames) > 0 {
		parts = append(parts, "TLS server names "+strings.Join(pr.ServerNames, ", "))
	}
	if ciliumPresent(pr.TerminatingTLS) || ciliumPresent(pr.OriginatingTLS) {
		parts = append(parts, "TLS interception")
	}
	if pr.Listener != nil {
		parts = append(parts, "Envoy listener "+pr.Listener.Name)
	}
	return strings.Join(parts, "; ")
}

// ciliumExtendedProtocols carry no transport port: no flow the proof probes
// (TCP, UDP, SCTP) matches them.
var ciliumExtendedProtocols = map[string]bool{"VRRP": true, "IGMP": true, "GRE": true, "IPIP": true, "IPV6": true, "ESP": true, "AH": true}

// ciliumSvcName is the IANA service name form Cilium reads as a named port.
var ciliumSvcName = regexp.MustCompile(`^([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$`)

// ports compiles a toPorts entry's ports. An entry with no ports matches no
// port (Cilium adds no filter for it). Port "0" is every port.
func (c *ciliumCompiler) ports(pps []ciliumPortProtocol, where string, l7 bool) []model.Port {
	out := []model.Port{}
	for i, pp := range pps {
		w := fmt.Sprintf("%s.ports[%d]", where, i)
		proto := strings.ToUpper(pp.Protocol)
		var mp model.Port
		switch {
		case proto == "" || proto == "ANY":
		case proto == "TCP" || proto == "UDP" || proto == "SCTP":
			mp.Protocol = corev1.Protocol(proto)
		case ciliumExtendedProtocols[proto]:
			c.inertPart(w, fmt.Sprintf("protocol %s: the proof probes TCP, UDP and SCTP only", proto))
			continue
		default:
			c.unmodelled(w+".protocol", fmt.Sprintf("protocol %q: Cilium rejects it", pp.Protocol))
			continue
		}
		switch {
		case pp.Port == "":
			c.unmodelled(w+".port", "no port: Cilium rejects it (\"port must be specified\")")
			continue
		case len(pp.Port) <= 15 && ciliumSvcName.MatchString(pp.Port):
			// "EndPort is ignored if Port is a named port" (layer4, PortProtocol)
			mp.Name = strings.ToLower(pp.Port)
		default:
			n, err := strconv.ParseUint(pp.Port, 0, 16)
			if err != nil {
				c.unmodelled(w+".port", fmt.Sprintf("port %q does not parse: Cilium rejects it", pp.Port))
				continue
			}
			mp.Lo, mp.Hi = int32(n), int32(n)
			switch {
			case n == 0 && pp.EndPort != 0:
				c.unmodelled(w+".endPort", "endPort with port 0 (every port): not modelled")
				continue
			case n == 0 && l7:
				c.unmodelled(w+".port", "L7 rules with port 0: Cilium rejects it")
				continue
			case pp.EndPort > int32(n):
				mp.Hi = pp.EndPort
			case pp.EndPort != 0 && pp.EndPort < int32(n):
				c.unmodelled(w+".endPort", fmt.Sprintf("endPort %d below port %d: not modelled", pp.EndPort, n))
				continue
			}
		}
		out = append(out, mp)
	}
	return out
}

// cidrRule compiles a fromCIDRSet/toCIDRSet entry.
func (c *ciliumCompiler) cidrRule(r *ciliumCIDRRule, where string) []model.Peer {
	n := 0
	for _, set := range []bool{r.CIDR != "", r.CIDRGroupRef != "", r.CIDRGroupSelector != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		c.unmodelled(where, "not exactly one of cidr, cidrGroupRef, cidrGroupSelector: Cilium rejects it")
		return nil
	}
	if r.CIDR == "" && len(r.Except) > 0 {
		c.unmodelled(where+".except", "except with a CIDR group: Cilium does not support it yet")
		return nil
	}
	var nets []netip.Prefix
	switch {
	case r.CIDR != "":
		p, err := netip.ParsePrefix(r.CIDR)
		if err != nil {
			c.unmodelled(where+".cidr", fmt.Sprintf("CIDR %q does not parse: Cilium rejects it", r.CIDR))
			return nil
		}
		nets = []netip.Prefix{p.Masked()}
	case r.CIDRGroupRef != "":
		g := c.groups[r.CIDRGroupRef]
		if g == nil || g.nets == nil {
			c.unmodelled(where+".cidrGroupRef", fmt.Sprintf("CiliumCIDRGroup %s is not among the objects (or did not decode): its CIDRs are unknown", r.CIDRGroupRef))
			return nil
		}
		c.usedGroups = append(c.usedGroups, g)
		nets = g.nets
	default:
		sel, err := metav1.LabelSelectorAsSelector(r.CIDRGroupSelector)
		if err != nil {
			c.unmodelled(where+".cidrGroupSelector", "invalid label selector: Cilium rejects it")
			return nil
		}
		names := make([]string, 0, len(c.groups))
		for name := range c.groups {
			names = append(names, name)
		}
		sort.Strings(names)
		found := false
		for _, name := range names {
			g := c.groups[name]
			if !sel.Matches(labels.Set(g.labels)) {
				continue
			}
			if g.nets == nil {
				c.unmodelled(where+".cidrGroupSelector", fmt.Sprintf("selects CiliumCIDRGroup %s, which did not decode", name))
				return nil
			}
			found = true
			c.usedGroups = append(c.usedGroups, g)
			nets = append(nets, g.nets...)
		}
		if !found {
			c.unmodelled(where+".cidrGroupSelector", "selects no CiliumCIDRGroup among the objects: the groups it selects are unknown")
			return nil
		}
	}
	var except []netip.Prefix
	for i, x := range r.Except {
		p, err := netip.ParsePrefix(x)
		if err != nil || !nets[0].Contains(p.Addr()) || p.Bits() < nets[0].Bits() {
			c.unmodelled(fmt.Sprintf("%s.except[%d]", where, i), fmt.Sprintf("except %q is not a prefix inside %s: Cilium rejects it", x, r.CIDR))
			return nil
		}
		except = append(except, p.Masked())
	}
	out := make([]model.Peer, 0, len(nets))
	for _, n := range nets {
		out = append(out, model.Peer{Addrs: true, Nets: []netip.Prefix{n}, Except: except, ExternalOnly: true})
	}
	return out
}

// ciliumOffUniverse are the entities for endpoints the proof's universe does
// not hold, with what they are.
var ciliumOffUniverse = map[string]string{
	"host":           "the local node",
	"remote-node":    "the other nodes",
	"kube-apiserver": "the Kubernetes API server",
	"health":         "Cilium's health endpoints",
	"init":           "endpoints whose identity is not yet resolved",
	"unmanaged":      "endpoints Cilium does not manage",
	"ingress":        "Cilium's Ingress and Gateway proxy",
}

// entity compiles a fromEntities/toEntities entry (layer3, "Entities
// based").
func (c *ciliumCompiler) entity(e, where string) []model.Peer {
	switch e {
	case "all":
		return []model.Peer{model.AllEndpoints()}
	case "world":
		return []model.Peer{{Addrs: true, ExternalOnly: true}}
	case "world-ipv4":
		return []model.Peer{{Addrs: true, ExternalOnly: true, Nets: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}}
	case "world-ipv6":
		return []model.Peer{{Addrs: true, ExternalOnly: true, Nets: []netip.Prefix{netip.MustParsePrefix("::/0")}}}
	case "cluster", "cluster-mesh":
		// every pod (and the nodes and Cilium's own endpoints, which the
		// proof does not hold); pods of other clusters are not in the proof
		return []model.Peer{model.AllPods()}
	case "none":
		return nil
	}
	if what, ok := ciliumOffUniverse[e]; ok {
		c.inertPart(where, fmt.Sprintf("entity %s: %s are not endpoints of the proof; flows to and from them are not judged", e, what))
		return nil
	}
	c.unmodelled(where, fmt.Sprintf("entity %q: Cilium rejects it (\"unsupported entity\")", e))
	return nil
}

// ciliumReq is one requirement of a Cilium label selector, its key with the
// source stripped.
type ciliumReq struct {
	key    string
	op     selection.Operator
	values []string
}

// reqs reads a selector's requirements, stripping the label sources k8s: and
// any:; reserved lists the reserved: keys (also written $key), and ok is
// false (with an Unmodelled entry) for another source or an invalid
// selector.
func (c *ciliumCompiler) reqs(sel *metav1.LabelSelector, where string) (reqs []ciliumReq, reserved []string, ok bool) {
	if _, err := metav1.LabelSelectorAsSelector(ciliumStripped(sel)); err != nil {
		c.unmodelled(where, "invalid label selector: Cilium rejects it ("+err.Error()+")")
		return nil, nil, false
	}
	add := func(key string, op selection.Operator, values []string) bool {
		src, k := "", key
		if strings.HasPrefix(key, "$") {
			src, k = "reserved", key[1:]
		} else if i := strings.IndexByte(key, ':'); i >= 0 {
			src, k = key[:i], key[i+1:]
		}
		switch src {
		case "", "any", "k8s":
			reqs = append(reqs, ciliumReq{k, op, values})
		case "reserved":
			reserved = append(reserved, k)
		default:
			c.unmodelled(where, fmt.Sprintf("label source %q in key %q: selects labels the proof does not hold", src, key))
			return false
		}
		return true
	}
	keys := make([]string, 0, len(sel.MatchLabels))
	for k := range sel.MatchLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !add(k, selection.Equals, []string{sel.MatchLabels[k]}) {
			return nil, nil, false
		}
	}
	for _, e := range sel.MatchExpressions {
		var op selection.Operator
		switch e.Operator {
		case metav1.LabelSelectorOpIn:
			op = selection.In
		case metav1.LabelSelectorOpNotIn:
			op = selection.NotIn
		case metav1.LabelSelectorOpExists:
			op = selection.Exists
		case metav1.LabelSelectorOpDoesNotExist:
			op = selection.DoesNotExist
		}
		if !add(e.Key, op, e.Values) {
			return nil, nil, false
		}
	}
	return reqs, reserved, true
}

// ciliumStripped is sel with the label sources cut from its keys, so that
// Kubernetes' validation reads it as Cilium's does.
func ciliumStripped(sel *metav1.LabelSelector) *metav1.LabelSelector {
	cut := func(k string) string {
		if strings.HasPrefix(k, "$") {
			return k[1:]
		}
		if i := strings.IndexByte(k, ':'); i >= 0 {
			return k[i+1:]
		}
		return k
	}
	out := &metav1.LabelSelector{}
	for k, v := range sel.MatchLabels {
		if out.MatchLabels == nil {
			out.MatchLabels = map[string]string{}
		}
		out.MatchLabels[cut(k)] = v
	}
	for _, e := range sel.MatchExpressions {
		e.Key = cut(e.Key)
		out.MatchExpressions = append(out.MatchExpressions, e)
	}
	return out
}

// The labels Cilium gives every pod's identity besides the pod's own
// (kubernetes, "Namespace Specific Information", "ServiceAccounts",
// "Multi-Cluster").
const (
	ciliumPodNamespace    = "io.kubernetes.pod.namespace"
	ciliumNamespaceLabels = "io.cilium.k8s.namespace.labels."
	ciliumServiceAccount  = "io.cilium.k8s.policy.serviceaccount"
	ciliumCluster         = "io.cilium.k8s.policy.cluster"
)

// ciliumScoped is a selector's requirements split between the namespace's
// labels and the pod's.
type ciliumScoped struct {
	ns, pod     labels.Selector
	namesNS     bool // names io.kubernetes.pod.namespace or a namespace label
	reservedIDs []string
	// none: a requirement on a label no identity carries can never hold
	none bool
}

// ciliumIdentityInclude and ciliumIdentityIgnore are Cilium's default
// identity-relevant label filter for pod labels (the "Limiting
// Identity-Relevant Labels" page of the operations guide): a label is part
// of the pod's identity unless an ignore pattern matches its key from the
// start and no include pattern matches a longer start. Selectors on other
// labels never see them.
var (
	ciliumIdentityInclude = []*regexp.Regexp{
		regexp.MustCompile(regexp.QuoteMeta(ciliumPodNamespace)),
		regexp.MustCompile(regexp.QuoteMeta(strings.TrimSuffix(ciliumNamespaceLabels, "."))),
		regexp.MustCompile(regexp.QuoteMeta("app.kubernetes.io")),
		regexp.MustCompile(regexp.QuoteMeta(ciliumCluster)),
		regexp.MustCompile(regexp.QuoteMeta(ciliumServiceAccount)),
	}
	ciliumIdentityIgnore = []*regexp.Regexp{
		regexp.MustCompile(`io\.kubernetes`),
		regexp.MustCompile(`kubernetes\.io`),
		regexp.MustCompile(regexp.QuoteMeta("statefulset.kubernetes.io/pod-name")),
		regexp.MustCompile(regexp.QuoteMeta("apps.kubernetes.io/pod-index")),
		regexp.MustCompile(regexp.QuoteMeta("batch.kubernetes.io/job-completion-index")),
		regexp.MustCompile(regexp.QuoteMeta("batch.kubernetes.io/controller-uid")),
		regexp.MustCompile(`.*beta\.kubernetes\.io`),
		regexp.MustCompile(`k8s\.io`),
		regexp.MustCompile(`pod-template-generation`),
		regexp.MustCompile(`pod-template-hash`),
		regexp.MustCompile(`controller-revision-hash`),
		regexp.MustCompile(`controller-uid`),
		regexp.MustCompile(`annotation.*`),
		regexp.MustCompile(`etcd_node`),
		regexp.MustCompile(`topology\.kubernetes\.io`),
	}
)

// ciliumIdentityLabel reports whether a pod label with this key is part of
// the pod's identity under the default filter.
func ciliumIdentityLabel(key string) bool {
	prefix := func(re *regexp.Regexp) int {
		if m := re.FindStringIndex(key); m != nil && m[0] == 0 {
			return m[1]
		}
		return 0
	}
	included, ignored := 0, 0
	for _, re := range ciliumIdentityInclude {
		included = max(included, prefix(re))
	}
	for _, re := range ciliumIdentityIgnore {
		if n := prefix(re); n > 0 && (ignored == 0 || n < ignored) {
			ignored = n
		}
	}
	return ignored == 0 || included > ignored
}

func (c *ciliumCompiler) scope(sel *metav1.LabelSelector, where string) (ciliumScoped, bool) {
	reqs, reserved, ok := c.reqs(sel, where)
	if !ok {
		return ciliumScoped{}, false
	}
	out := ciliumScoped{ns: labels.NewSelector(), pod: labels.NewSelector(), reservedIDs: reserved}
	for _, r := range reqs {
		key, onNS := r.key, false
		switch {
		case r.key == ciliumPodNamespace:
			key, onNS, out.namesNS = corev1.LabelMetadataName, true, true
		case strings.HasPrefix(r.key, ciliumNamespaceLabels):
			key, onNS, out.namesNS = strings.TrimPrefix(r.key, ciliumNamespaceLabels), true, true
		case r.key == ciliumServiceAccount:
			key = model.ServiceAccountLabel
		case r.key == ciliumCluster:
			req, err := labels.NewRequirement(r.key, r.op, r.values)
			if err != nil || !req.Matches(labels.Set{ciliumCluster: ciliumLocalCluster}) {
				c.unmodelled(where, fmt.Sprintf("selects on %s other than the local cluster %q: pods of other clusters are not endpoints of the proof", ciliumCluster, ciliumLocalCluster))
				return ciliumScoped{}, false
			}
			continue
		}
		req, err := labels.NewRequirement(key, r.op, r.values)
		if err != nil {
			c.unmodelled(where, fmt.Sprintf("requirement on %q: %v", r.key, err))
			return ciliumScoped{}, false
		}
		if !onNS && key != model.ServiceAccountLabel && !ciliumIdentityLabel(key) {
			// the pod's identity does not carry the label: the requirement
			// reads as on a pod without it
			holds := req.Matches(labels.Set{})
			c.inertPart(where, fmt.Sprintf("label %s is not identity-relevant under Cilium's default label filter: the requirement %s holds for %s",
				key, req.String(), map[bool]string{true: "every pod", false: "no pod"}[holds]))
			if !holds {
				out.none = true
			}
			continue
		}
		if onNS {
			out.ns = out.ns.Add(*req)
		} else {
			out.pod = out.pod.Add(*req)
		}
	}
	return out, true
}

// subject is what a spec's endpointSelector selects: pods of the policy's
// namespace (CiliumNetworkPolicy) or of every namespace (clusterwide).
func (c *ciliumCompiler) subject(sel *metav1.LabelSelector, where string) ([]model.Peer, bool) {
	s, ok := c.scope(sel, where)
	if !ok {
		return nil, false
	}
	if len(s.reservedIDs) > 0 {
		c.unmodelled(where, "selects reserved:"+strings.Join(s.reservedIDs, ", reserved:")+": Cilium's own endpoints are not pods of the proof")
		return nil, false
	}
	ns := s.ns
	if c.ns != "" {
		req, _ := labels.NewRequirement(corev1.LabelMetadataName, selection.Equals, []string{c.ns})
		ns = ns.Add(*req)
	}
	return []model.Peer{{Pods: true, NS: model.Selector(ns), Labels: s.podMatch()}}, true
}

// podMatch is the pod side of the selector.
func (s *ciliumScoped) podMatch() model.Match {
	if s.none {
		return model.Nothing()
	}
	return model.Selector(s.pod)
}

// peerSelector is what a fromEndpoints/toEndpoints selector holds. A
// selector on a reserved label is the matching entity.
func (c *ciliumCompiler) peerSelector(sel *metav1.LabelSelector, where string) ([]model.Peer, bool) {
	s, ok := c.scope(sel, where)
	if !ok {
		return nil, false
	}
	if len(s.reservedIDs) > 0 {
		if len(s.reservedIDs) != 1 || len(sel.MatchLabels) != 1 || len(sel.MatchExpressions) != 0 {
			c.unmodelled(where, "selector mixing reserved: labels with other requirements: not modelled")
			return nil, false
		}
		id := s.reservedIDs[0]
		switch id {
		case "world", "world-ipv4", "world-ipv6", "host", "remote-node", "kube-apiserver", "health", "init", "unmanaged", "ingress", "none":
			return c.entity(id, where), true
		}
		c.unmodelled(where, "reserved:"+id+": not modelled")
		return nil, false
	}
	ns := s.ns
	if c.ns != "" && !s.namesNS {
		req, _ := labels.NewRequirement(corev1.LabelMetadataName, selection.Equals, []string{c.ns})
		ns = ns.Add(*req)
	}
	return []model.Peer{{Pods: true, NS: model.Selector(ns), Labels: s.podMatch()}}, true
}
