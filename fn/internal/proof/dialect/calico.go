package dialect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/selection"

	"netid.dev/netid/fn/internal/proof/model"
)

// Calico policy (projectcalico.org/v3, and its crd.projectcalico.org/v1
// storage form with the same spec), compiled into the model:
//
//   - Tiers are read by spec.order, lower first, ties by name; a tier with
//     no order is read last. A tier that selects an endpoint and takes no
//     action ends in its defaultAction (Deny unless Pass).
//     https://docs.tigera.io/calico/latest/reference/resources/tier ("How
//     policy is evaluated").
//   - Within a tier, policies by spec.order (absent is "infinite", read
//     last), equal orders by name; rules in order; Allow and Deny decide,
//     Pass goes to the next tier, Log goes on.
//     https://docs.tigera.io/calico/latest/reference/resources/networkpolicy
//     and .../globalnetworkpolicy ("order", "Rule").
//   - Kubernetes NetworkPolicy is read in the default tier at order 1000
//     (Calico converts each into a policy of that order); an endpoint no
//     policy selects is allowed by its profile.
//   - Selectors, namespaceSelector scoping, serviceAccounts and network
//     sets as the EntityRule reference describes; see calico_selector.go.
//
// What the model cannot say becomes an Unmodelled entry and the object
// contributes no policy; staged policies are Inert.

// The built-in tiers Calico creates, with their documented orders and
// default actions (https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy):
// "default" (order 1,000,000, Deny) holds policies with no tier and the
// converted Kubernetes NetworkPolicies; "kube-admin" (1,000, Pass) and
// "kube-baseline" (10,000,000, Pass) hold the upstream admin and baseline
// policies, named "adminnetworkpolicy" and "baselineadminnetworkpolicy"
// before Calico 3.31.
const (
	calicoDefaultTier      = "default"
	calicoDefaultTierOrder = 1_000_000
	// calicoK8sPolicyOrder is the order Calico gives a converted
	// Kubernetes NetworkPolicy.
	calicoK8sPolicyOrder = 1000
)

var calicoBuiltinTiers = map[string]calicoTierInfo{
	calicoDefaultTier:            {order: calicoF64(calicoDefaultTierOrder), end: model.Deny},
	"kube-admin":                 {order: calicoF64(1_000), end: model.Pass},
	"kube-baseline":              {order: calicoF64(10_000_000), end: model.Pass},
	"adminnetworkpolicy":         {order: calicoF64(1_000), end: model.Pass},
	"baselineadminnetworkpolicy": {order: calicoF64(10_000_000), end: model.Pass},
}

func calicoF64(f float64) *float64 { return &f }

func init() {
	a := &adapter{layer: LayerCalico, enforced: func(c Cluster) bool { return c.CNI == Calico }, compile: compileCalico}
	var gks []string
	for _, g := range []string{"projectcalico.org", "crd.projectcalico.org"} {
		for _, k := range []string{"NetworkPolicy", "GlobalNetworkPolicy", "Tier", "NetworkSet", "GlobalNetworkSet",
			"StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy"} {
			gks = append(gks, g+"/"+k)
		}
	}
	register(a, gks...)
	placements[Calico] = Placement{Tier: calicoDefaultTierOrder, Order: calicoK8sPolicyOrder, TierName: "Calico tier " + calicoDefaultTier}
}

// The objects as published in projectcalico.org/v3
// (api/pkg/apis/projectcalico/v3: policy_common.go, networkpolicy.go,
// globalnetworkpolicy.go, tier.go, networkset.go, globalnetworkset.go).

type calicoPolicyObj struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       calicoPolicySpec  `json:"spec"`
}

// calicoPolicySpec is NetworkPolicySpec and GlobalNetworkPolicySpec (the
// latter's own fields are refused on a namespaced policy).
type calicoPolicySpec struct {
	Tier                   string       `json:"tier,omitempty"`
	Order                  *float64     `json:"order,omitempty"`
	Ingress                []calicoRule `json:"ingress,omitempty"`
	Egress                 []calicoRule `json:"egress,omitempty"`
	Selector               string       `json:"selector,omitempty"`
	Types                  []string     `json:"types,omitempty"`
	ServiceAccountSelector string       `json:"serviceAccountSelector,omitempty"`
	PerformanceHints       []string     `json:"performanceHints,omitempty"`
	// GlobalNetworkPolicy only.
	NamespaceSelector string `json:"namespaceSelector,omitempty"`
	DoNotTrack        bool   `json:"doNotTrack,omitempty"`
	PreDNAT           bool   `json:"preDNAT,omitempty"`
	ApplyOnForward    bool   `json:"applyOnForward,omitempty"`
}

type calicoRule struct {
	Action      string              `json:"action"`
	IPVersion   *int                `json:"ipVersion,omitempty"`
	Protocol    *calicoNumOrString  `json:"protocol,omitempty"`
	ICMP        *calicoICMP         `json:"icmp,omitempty"`
	NotProtocol *calicoNumOrString  `json:"notProtocol,omitempty"`
	NotICMP     *calicoICMP         `json:"notICMP,omitempty"`
	Source      calicoEntityRule    `json:"source,omitzero"`
	Destination calicoEntityRule    `json:"destination,omitzero"`
	HTTP        *calicoHTTPMatch    `json:"http,omitempty"`
	Metadata    *calicoRuleMetadata `json:"metadata,omitempty"`
}

type calicoICMP struct {
	Type *int `json:"type,omitempty"`
	Code *int `json:"code,omitempty"`
}

type calicoHTTPMatch struct {
	Methods []string `json:"methods,omitempty"`
	Paths   []struct {
		Exact  string `json:"exact,omitempty"`
		Prefix string `json:"prefix,omitempty"`
	} `json:"paths,omitempty"`
}

type calicoRuleMetadata struct {
	Annotations map[string]string `json:"annotations,omitempty"`
}

type calicoEntityRule struct {
	Nets              []string            `json:"nets,omitempty"`
	Selector          string              `json:"selector,omitempty"`
	NamespaceSelector string              `json:"namespaceSelector,omitempty"`
	Services          *json.RawMessage    `json:"services,omitempty"`
	Ports             []calicoNumOrString `json:"ports,omitempty"`
	NotNets           []string            `json:"notNets,omitempty"`
	NotSelector       string              `json:"notSelector,omitempty"`
	NotPorts          []calicoNumOrString `json:"notPorts,omitempty"`
	ServiceAccounts   *struct {
		Names    []string `json:"names,omitempty"`
		Selector string   `json:"selector,omitempty"`
	} `json:"serviceAccounts,omitempty"`
}

// calicoNumOrString is numorstring's Protocol or Port: a JSON number or
// string.
type calicoNumOrString struct {
	num   int64
	str   string
	isNum bool
}

func (v *calicoNumOrString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &v.str)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("want a number or a string, got %s", b)
	}
	v.num, v.isNum = n, true
	return nil
}

func (v calicoNumOrString) String() string {
	if v.isNum {
		return strconv.FormatInt(v.num, 10)
	}
	return v.str
}

type calicoTierObj struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		Order         *float64 `json:"order,omitempty"`
		DefaultAction *string  `json:"defaultAction,omitempty"`
	} `json:"spec"`
	Status *struct {
		Conditions []metav1.Condition `json:"conditions,omitempty"`
	} `json:"status,omitempty"`
}

type calicoSetObj struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		Nets []string `json:"nets,omitempty"`
		// AllowedEgressDomains is Calico Enterprise's domain-name set.
		AllowedEgressDomains []string `json:"allowedEgressDomains,omitempty"`
	} `json:"spec"`
}

// calicoTierInfo is a tier as the compiler places it.
type calicoTierInfo struct {
	order *float64
	end   model.Action
	// at is the tier's place on the model's scale.
	at float64
}

// calicoSet is a network set: labelled nets.
type calicoSet struct {
	ref    string
	ns     string // "" for a GlobalNetworkSet
	labels map[string]string
	nets   []netip.Prefix
}

type calicoPolicyIn struct {
	o   *Object
	obj calicoPolicyObj
	ns  string // "" for a GlobalNetworkPolicy
}

// calicoCompiler holds one stream's tiers and sets.
type calicoCompiler struct {
	out   model.Compiled
	tiers map[string]*calicoTierInfo
	sets  []calicoSet
}

func (cc *calicoCompiler) unmodelled(o *Object, field, why string) {
	cc.out.Unmodelled = append(cc.out.Unmodelled, model.Unmodelled{Layer: LayerCalico, Object: o.Ref(), Field: field, Why: why})
}

func compileCalico(objs []Object, _ Cluster) model.Compiled {
	cc := &calicoCompiler{tiers: map[string]*calicoTierInfo{}}
	for name, t := range calicoBuiltinTiers {
		cc.tiers[name] = &t
	}
	var policies []calicoPolicyIn
	for i := range objs {
		o := &objs[i]
		switch o.Kind {
		case "StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy":
			cc.out.Inert = append(cc.out.Inert, model.Unmodelled{Layer: LayerCalico, Object: o.Ref(),
				Why: "a staged policy is recorded and previewed but enforces nothing"})
		case "Tier":
			cc.tier(o)
		case "NetworkSet", "GlobalNetworkSet":
			cc.set(o)
		case "NetworkPolicy", "GlobalNetworkPolicy":
			var p calicoPolicyIn
			if err := o.decode(&p.obj); err != nil {
				cc.unmodelled(o, "", "the object does not decode as Calico's v3 schema: "+err.Error())
				continue
			}
			p.o = o
			if o.Kind == "NetworkPolicy" {
				p.ns = calicoFirst(o.Namespace, p.obj.Metadata.Namespace, metav1.NamespaceDefault)
			}
			policies = append(policies, p)
		}
	}
	cc.placeTiers()
	// Policies with equal order in a tier are read by "name/namespace/kind".
	seqKey := func(p *calicoPolicyIn) string {
		return calicoFirst(p.o.Name, p.obj.Metadata.Name) + "/" + p.ns + "/" + p.o.Kind
	}
	sort.SliceStable(policies, func(i, j int) bool { return seqKey(&policies[i]) < seqKey(&policies[j]) })
	for i := range policies {
		cc.policy(&policies[i], i)
	}
	return cc.out
}

func calicoFirst(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (cc *calicoCompiler) tier(o *Object) {
	var t calicoTierObj
	if err := o.decode(&t); err != nil {
		cc.unmodelled(o, "", "the object does not decode as Calico's v3 schema: "+err.Error())
		return
	}
	name := calicoFirst(o.Name, t.Metadata.Name)
	info := calicoTierInfo{order: t.Spec.Order, end: model.Deny}
	if t.Spec.DefaultAction != nil {
		switch *t.Spec.DefaultAction {
		case "Deny":
		case "Pass":
			info.end = model.Pass
		default:
			cc.unmodelled(o, "spec.defaultAction", fmt.Sprintf("default action %q is neither Deny nor Pass", *t.Spec.DefaultAction))
			return
		}
	}
	if info.order != nil && (math.IsNaN(*info.order) || math.IsInf(*info.order, 0)) {
		cc.unmodelled(o, "spec.order", "the order is not a finite number")
		return
	}
	if name == calicoDefaultTier {
		// Kubernetes NetworkPolicies are placed in the default tier as
		// Calico creates it; another order or action would move them.
		if info.order == nil || *info.order != calicoDefaultTierOrder || info.end != model.Deny {
			cc.unmodelled(o, "spec", "the default tier with an order other than 1,000,000 or a Pass default action: Kubernetes NetworkPolicies are placed in the tier as Calico creates it")
			return
		}
	}
	cc.tiers[name] = &info
}

func (cc *calicoCompiler) set(o *Object) {
	var s calicoSetObj
	if err := o.decode(&s); err != nil {
		cc.unmodelled(o, "", "the object does not decode as Calico's v3 schema: "+err.Error())
		return
	}
	if len(s.Spec.AllowedEgressDomains) > 0 {
		cc.unmodelled(o, "spec.allowedEgressDomains", "domain names resolve to addresses only at run time")
		return
	}
	set := calicoSet{ref: o.Ref(), labels: s.Metadata.Labels}
	if o.Kind == "NetworkSet" {
		set.ns = calicoFirst(o.Namespace, s.Metadata.Namespace, metav1.NamespaceDefault)
	}
	for i, n := range s.Spec.Nets {
		p, err := calicoParseNet(n)
		if err != nil {
			cc.unmodelled(o, fmt.Sprintf("spec.nets[%d]", i), err.Error())
			return
		}
		set.nets = append(set.nets, p)
	}
	cc.sets = append(cc.sets, set)
}

// calicoParseNet reads a CIDR or a bare address (Calico takes both).
func calicoParseNet(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.Prefix{}, fmt.Errorf("%q is not a CIDR or an address", s)
}

// placeTiers puts the tiers on the model's scale: by order, equal orders
// by name, no order last. The default tier keeps its order exactly (the
// Kubernetes NetworkPolicies' placement); tiers tied with another are
// moved off it by the smallest steps a float64 takes.
func (cc *calicoCompiler) placeTiers() {
	names := make([]string, 0, len(cc.tiers))
	for n := range cc.tiers {
		names = append(names, n)
	}
	key := func(n string) float64 {
		if o := cc.tiers[n].order; o != nil {
			return *o
		}
		return math.MaxFloat64
	}
	sort.Slice(names, func(i, j int) bool {
		if key(names[i]) != key(names[j]) {
			return key(names[i]) < key(names[j])
		}
		return names[i] < names[j]
	})
	for i := 0; i < len(names); {
		j := i
		for j < len(names) && key(names[j]) == key(names[i]) {
			j++
		}
		anchor := i
		if key(names[i]) == math.MaxFloat64 {
			anchor = j - 1 // tiers with no order count down from the largest float
		}
		for k := i; k < j; k++ {
			if names[k] == calicoDefaultTier {
				anchor = k
			}
		}
		for k := i; k < j; k++ {
			at := key(names[k])
			for s := k; s < anchor; s++ {
				at = math.Nextafter(at, math.Inf(-1))
			}
			for s := anchor; s < k; s++ {
				at = math.Nextafter(at, math.Inf(1))
			}
			cc.tiers[names[k]].at = at
		}
		i = j
	}
}

// calicoFail collects the unmodelled constructs of one object.
type calicoFail struct {
	o       *Object
	entries []model.Unmodelled
}

func (f *calicoFail) add(field string, err error) {
	var ue *calicoUnmodelledErr
	why := err.Error()
	if !errors.As(err, &ue) {
		why = "does not parse: " + why
	}
	f.entries = append(f.entries, model.Unmodelled{Layer: LayerCalico, Object: f.o.Ref(), Field: field, Why: why})
}

func (cc *calicoCompiler) policy(p *calicoPolicyIn, seq int) {
	o, spec := p.o, &p.obj.Spec
	f := &calicoFail{o: o}
	global := p.ns == ""
	if !global && (spec.NamespaceSelector != "" || spec.DoNotTrack || spec.PreDNAT || spec.ApplyOnForward) {
		f.add("spec", calicoUnmodelled("namespaceSelector, doNotTrack, preDNAT and applyOnForward are GlobalNetworkPolicy fields"))
	}
	if spec.DoNotTrack || spec.PreDNAT || spec.ApplyOnForward {
		f.add("spec", calicoUnmodelled("doNotTrack, preDNAT and applyOnForward policies apply to host endpoints and forwarded traffic, which the proof does not model"))
	}
	tierName := calicoFirst(spec.Tier, calicoDefaultTier)
	tier := cc.tiers[tierName]
	if tier == nil {
		f.add("spec.tier", calicoUnmodelled("tier %s's order is not in the stream", tierName))
	}
	order := math.Inf(1)
	if spec.Order != nil {
		order = *spec.Order
		if math.IsNaN(order) {
			f.add("spec.order", calicoUnmodelled("the order is not a number"))
		}
		if tierName == calicoDefaultTier && order == calicoK8sPolicyOrder {
			f.add("spec.order", calicoUnmodelled("order 1000 in the default tier ties with the Kubernetes NetworkPolicies, which Calico reads in name order the adapter cannot see"))
		}
	}

	// Subject: spec.selector, within the policy's namespace or, for a
	// GlobalNetworkPolicy, the namespaces spec.namespaceSelector selects;
	// and the ServiceAccounts spec.serviceAccountSelector selects.
	subject := []calicoPair{{ns: model.Everything(), pod: model.Everything()}}
	and := func(field string, ctx calicoCtx, text string) {
		if text == "" {
			return
		}
		ps, err := calicoParsePairs(ctx, text)
		if err != nil {
			f.add(field, err)
			return
		}
		if subject, err = calicoProduct(subject, ps); err != nil {
			f.add(field, err)
		}
	}
	if !global {
		subject, _ = calicoProduct(subject, calicoInNamespace(p.ns))
	}
	and("spec.selector", calicoCtxEndpoint, spec.Selector)
	if s, err := calicoParseSelector(spec.NamespaceSelector); err == nil && s.calicoHasGlobal() {
		// Calico rewrites all() in a policy's namespaceSelector but not
		// global(), which then reads as every endpoint; undocumented.
		f.add("spec.namespaceSelector", calicoUnmodelled("global() in a policy's namespaceSelector has no documented meaning"))
	}
	and("spec.namespaceSelector", calicoCtxNamespace, spec.NamespaceSelector)
	and("spec.serviceAccountSelector", calicoCtxServiceAccount, spec.ServiceAccountSelector)

	// Types default from the rules present (GlobalNetworkPolicySpec.Types).
	ingress, egress := false, false
	for i, t := range spec.Types {
		switch t {
		case "Ingress":
			ingress = true
		case "Egress":
			egress = true
		default:
			f.add(fmt.Sprintf("spec.types[%d]", i), calicoUnmodelled("policy type %q is neither Ingress nor Egress", t))
		}
	}
	if len(spec.Types) == 0 {
		ingress = len(spec.Egress) == 0 || len(spec.Ingress) > 0
		egress = len(spec.Egress) > 0
	}

	var in, eg []calicoRuleOut
	if ingress {
		for i := range spec.Ingress {
			in = append(in, cc.rule(f, &spec.Ingress[i], model.Ingress, p.ns, fmt.Sprintf("spec.ingress[%d]", i)))
		}
	}
	if egress {
		for i := range spec.Egress {
			eg = append(eg, cc.rule(f, &spec.Egress[i], model.Egress, p.ns, fmt.Sprintf("spec.egress[%d]", i)))
		}
	}

	// A rule's criteria about the selected endpoint itself (destination of
	// an ingress rule, source of an egress rule) hold for some of the
	// subject only: the subject is split by them, each part keeping the
	// rules that apply to it. The parts are disjoint, so each pod reads
	// exactly the rules Calico reads for it.
	var conds []*calicoRuleOut
	seen := map[string]int{}
	for _, rs := range [][]calicoRuleOut{in, eg} {
		for i := range rs {
			if rs[i].self == nil {
				continue
			}
			if k, ok := seen[rs[i].selfKey]; ok {
				rs[i].cond = k
				continue
			}
			seen[rs[i].selfKey] = len(conds)
			rs[i].cond = len(conds)
			conds = append(conds, &rs[i])
		}
	}
	const calicoMaxConds = 4
	if len(conds) > calicoMaxConds {
		f.add("spec", calicoUnmodelled("rules restrict the selected endpoint itself in more than %d different ways", calicoMaxConds))
	}
	if len(f.entries) > 0 {
		cc.out.Unmodelled = append(cc.out.Unmodelled, f.entries...)
		return
	}

	base := model.Policy{Layer: LayerCalico, Object: o.Ref(), TierName: "Calico tier " + tierName, Point: model.Network,
		Tier: tier.at, Order: order, Seq: seq,
		IsolatesIngress: ingress, IsolatesEgress: egress, TierEnd: tier.end}
	var out []model.Policy
	for v := 0; v < 1<<len(conds); v++ {
		parts := [][]calicoPair{subject}
		var err error
		for ci, c := range conds {
			part := c.self
			if v&(1<<ci) == 0 {
				if part, err = calicoNegate(c.self); err != nil {
					break
				}
			}
			parts = append(parts, part)
		}
		var subj []calicoPair
		if err == nil {
			subj, err = calicoProduct(parts...)
		}
		if err != nil {
			f.add("spec", err)
			cc.out.Unmodelled = append(cc.out.Unmodelled, f.entries...)
			return
		}
		pol := base
		pol.Subject = calicoPeers(subj)
		keep := func(rs []calicoRuleOut) []model.Rule {
			var out []model.Rule
			for _, r := range rs {
				if r.self == nil || v&(1<<r.cond) != 0 {
					out = append(out, r.rule)
				}
			}
			return out
		}
		pol.Ingress, pol.Egress = keep(in), keep(eg)
		out = append(out, pol)
	}
	cc.out.Policies = append(cc.out.Policies, out...)
}

// calicoParsePairs parses and compiles a selector.
func calicoParsePairs(ctx calicoCtx, text string) ([]calicoPair, error) {
	s, err := calicoParseSelector(text)
	if err != nil {
		return nil, err
	}
	return calicoPairs(ctx, s, false)
}

func calicoInNamespace(ns string) []calicoPair {
	return []calicoPair{{ns: model.Labels(map[string]string{corev1.LabelMetadataName: ns}), pod: model.Everything()}}
}

// calicoNegate is the complement of a disjunction of pairs.
func calicoNegate(ps []calicoPair) ([]calicoPair, error) {
	parts := make([][]calicoPair, len(ps))
	for i, p := range ps {
		parts[i] = []calicoPair{{ns: model.Not(p.ns), pod: model.Everything()}, {ns: model.Everything(), pod: model.Not(p.pod)}}
	}
	return calicoProduct(parts...)
}

func calicoPeers(ps []calicoPair) []model.Peer {
	out := make([]model.Peer, len(ps))
	for i, p := range ps {
		out[i] = model.Peer{Pods: true, NS: p.ns, Labels: p.pod}
	}
	return out
}

// calicoRuleOut is a compiled rule and, when it restricts the selected
// endpoint itself, the pairs it holds for.
type calicoRuleOut struct {
	rule    model.Rule
	self    []calicoPair
	selfKey string
	cond    int
}

var calicoProtos = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// calicoProto maps a numorstring Protocol to the probed protocol it is, or
// "" for one the proof never probes (ICMP, ICMPv6, UDPLite, other numbers).
func calicoProto(p *calicoNumOrString) (corev1.Protocol, error) {
	if p.isNum {
		if p.num < 1 || p.num > 255 {
			return "", fmt.Errorf("protocol number %d is out of range", p.num)
		}
		switch p.num {
		case 6:
			return corev1.ProtocolTCP, nil
		case 17:
			return corev1.ProtocolUDP, nil
		case 132:
			return corev1.ProtocolSCTP, nil
		}
		return "", nil
	}
	switch strings.ToUpper(p.str) {
	case "TCP":
		return corev1.ProtocolTCP, nil
	case "UDP":
		return corev1.ProtocolUDP, nil
	case "SCTP":
		return corev1.ProtocolSCTP, nil
	case "ICMP", "ICMPV6", "UDPLITE":
		return "", nil
	}
	return "", fmt.Errorf("protocol %q is not one Calico knows", p.str)
}

// rule compiles one rule; what it cannot express is added to f.
func (cc *calicoCompiler) rule(f *calicoFail, r *calicoRule, d model.Direction, ns, where string) calicoRuleOut {
	out := calicoRuleOut{rule: model.Rule{Where: where}}
	switch r.Action {
	case "Allow":
		out.rule.Action = model.Allow
	case "Deny":
		out.rule.Action = model.Deny
	case "Pass":
		out.rule.Action = model.Pass
	case "Log":
		out.rule.Action = model.Log
	default:
		f.add(where+".action", calicoUnmodelled("action %q is not Allow, Deny, Pass or Log", r.Action))
	}
	if r.HTTP != nil {
		var parts []string
		if len(r.HTTP.Methods) > 0 {
			parts = append(parts, "HTTP methods "+strings.Join(r.HTTP.Methods, ", "))
		}
		for _, p := range r.HTTP.Paths {
			if p.Exact != "" {
				parts = append(parts, "path "+p.Exact)
			}
			if p.Prefix != "" {
				parts = append(parts, "path prefix "+p.Prefix)
			}
		}
		out.rule.L7 = calicoFirst(strings.Join(parts, "; "), "HTTP")
	}

	// Protocols: the proof probes TCP, UDP and SCTP only. A rule limited
	// to another protocol (ICMP, a protocol number) matches no probe: it is
	// given an empty port list, which matches nothing.
	protos := append([]corev1.Protocol(nil), calicoProtos...)
	unprobed := false
	if r.Protocol != nil {
		p, err := calicoProto(r.Protocol)
		if err != nil {
			f.add(where+".protocol", err)
		}
		protos = nil
		if p != "" {
			protos = []corev1.Protocol{p}
		}
		unprobed = p == ""
	}
	if r.NotProtocol != nil {
		p, err := calicoProto(r.NotProtocol)
		if err != nil {
			f.add(where+".notProtocol", err)
		}
		var keep []corev1.Protocol
		for _, x := range protos {
			if x != p {
				keep = append(keep, x)
			}
		}
		protos = keep
	}
	if (r.ICMP != nil || r.NotICMP != nil) && !unprobed {
		f.add(where+".icmp", calicoUnmodelled("icmp or notICMP without an ICMP protocol, which Calico's validation rejects"))
	}

	other, self := &r.Source, &r.Destination
	otherField, selfField := where+".source", where+".destination"
	if d == model.Egress {
		other, self = self, other
		otherField, selfField = selfField, otherField
	}
	srcField := where + ".source"
	if len(r.Source.Ports) > 0 || len(r.Source.NotPorts) > 0 {
		f.add(srcField+".ports", calicoUnmodelled("source ports are the client's ephemeral ports, which the proof does not probe"))
	}
	if other.Services != nil || self.Services != nil {
		f.add(where, calicoUnmodelled("services match a Kubernetes Service's endpoints, which the stream does not resolve"))
	}
	if r.IPVersion != nil && !unprobed {
		// Peers that are addresses of that version alone say the same.
		ok := len(self.Nets) == 0 && len(self.NotNets) == 0 && len(other.Nets) > 0 && other.Selector == "" &&
			other.NotSelector == "" && other.NamespaceSelector == "" && other.ServiceAccounts == nil
		for _, n := range other.Nets {
			if p, err := calicoParseNet(n); err != nil || (p.Addr().Is4() != (*r.IPVersion == 4)) {
				ok = false
			}
		}
		if !ok {
			f.add(where+".ipVersion", calicoUnmodelled("ipVersion restricts pods' traffic to one IP family, which the proof does not track"))
		}
	}

	// Ports are the destination's, in both directions.
	ports, err := calicoPorts(&r.Destination, protos, r.Protocol != nil)
	if err != nil {
		f.add(where+".destination.ports", err)
	}
	switch {
	case len(protos) == 0:
		out.rule.Ports = []model.Port{}
	case ports != nil:
		out.rule.Ports = ports
	}

	peers, err := cc.peers(other, ns)
	if err != nil {
		f.add(otherField, err)
	}
	out.rule.Peers = peers

	// Criteria on the selected endpoint itself.
	if len(self.Nets) > 0 || len(self.NotNets) > 0 {
		f.add(selfField, calicoUnmodelled("nets on the selected endpoint's own side match the pod's own address, which the proof does not know"))
	}
	pos, hasPos, neg, hasNeg, err := calicoEntity(self, ns)
	if err != nil {
		f.add(selfField, err)
	} else if hasPos || hasNeg {
		c := []calicoPair{{ns: model.Everything(), pod: model.Everything()}}
		if hasPos {
			c = pos
		}
		if hasNeg {
			if c, err = calicoProduct(c, neg); err != nil {
				f.add(selfField, err)
			}
		}
		out.self = c
		sa := ""
		if self.ServiceAccounts != nil {
			sa = strings.Join(self.ServiceAccounts.Names, ",") + "|" + self.ServiceAccounts.Selector
		}
		out.selfKey = strings.Join([]string{self.NamespaceSelector, self.Selector, self.NotSelector, sa}, "\x00")
	}
	return out
}

// calicoEntity compiles an EntityRule's selector fields as Calico combines
// them (GetEntityRuleSelector): the positive part is the namespace scope
// (namespaceSelector, or a namespaced policy's own namespace) AND the
// serviceAccounts AND the selector, scoped as soon as any selector field is
// used; the negative part is NOT notSelector, unscoped. hasPos/hasNeg say
// whether each is present.
func calicoEntity(er *calicoEntityRule, ns string) (pos []calicoPair, hasPos bool, neg []calicoPair, hasNeg bool, err error) {
	var scope []calicoPair
	switch {
	case er.NamespaceSelector != "":
		if scope, err = calicoParsePairs(calicoCtxNamespace, er.NamespaceSelector); err != nil {
			return nil, false, nil, false, err
		}
	case ns != "":
		scope = calicoInNamespace(ns)
	}
	parts := [][]calicoPair{}
	if sa := er.ServiceAccounts; sa != nil {
		if sa.Selector != "" {
			ps, err := calicoParsePairs(calicoCtxServiceAccount, sa.Selector)
			if err != nil {
				return nil, false, nil, false, err
			}
			parts = append(parts, ps)
		}
		if len(sa.Names) > 0 {
			parts = append(parts, []calicoPair{{ns: model.Everything(), pod: calicoReq(model.ServiceAccountLabel, selection.In, sa.Names)}})
		}
	}
	if er.Selector != "" {
		ps, err := calicoParsePairs(calicoCtxEndpoint, er.Selector)
		if err != nil {
			return nil, false, nil, false, err
		}
		parts = append(parts, ps)
	}
	if scope != nil && (len(parts) > 0 || er.NotSelector != "" || er.NamespaceSelector != "") {
		parts = append([][]calicoPair{scope}, parts...)
	}
	if len(parts) > 0 {
		if pos, err = calicoProduct(parts...); err != nil {
			return nil, false, nil, false, err
		}
		hasPos = true
	}
	if er.NotSelector != "" {
		s, err := calicoParseSelector(er.NotSelector)
		if err != nil {
			return nil, false, nil, false, err
		}
		if neg, err = calicoPairs(calicoCtxEndpoint, s, true); err != nil {
			return nil, false, nil, false, err
		}
		hasNeg = true
	}
	return pos, hasPos, neg, hasNeg, nil
}

// peers compiles the far side of a rule (source of an ingress rule,
// destination of an egress rule). Calico matches the far end by address:
// a selector stands for the pods it selects and the nets of the network
// sets it selects (a NetworkSet inherits its namespace's labels and
// projectcalico.org/namespace; a GlobalNetworkSet has neither). A pod is
// matched by its labels, and by its address when the estate gives it one
// inside a matched set; the one difference from Calico's address sets is a
// pod selected by labels whose address lies in a set notSelector excludes.
// A global policy's selector with no namespaceSelector reaches the
// NetworkSets of every namespace too: Calico leaves such a selector
// unscoped and a NetworkSet carries its labels like an endpoint (the
// NetworkSet reference speaks only of namespaced policies).
func (cc *calicoCompiler) peers(er *calicoEntityRule, ns string) ([]model.Peer, error) {
	nets, err := calicoNets(er.Nets)
	if err != nil {
		return nil, err
	}
	notNets, err := calicoNets(er.NotNets)
	if err != nil {
		return nil, err
	}
	pos, hasPos, neg, hasNeg, err := calicoEntity(er, ns)
	if err != nil {
		return nil, err
	}
	if !hasPos && !hasNeg {
		switch {
		case len(nets) > 0:
			return []model.Peer{{Addrs: true, Nets: nets, Except: notNets}}, nil
		case len(notNets) > 0:
			return []model.Peer{{Addrs: true, Nets: notNets, Not: true}}, nil
		}
		return nil, nil
	}
	if len(nets) > 0 || len(notNets) > 0 {
		return nil, calicoUnmodelled("nets or notNets together with a selector restrict a pod by its own address, which the proof does not know")
	}
	var notSel []calicoPair
	if hasNeg {
		// neg is NOT notSelector; the sets notSelector selects are its
		// complement.
		s, _ := calicoParseSelector(er.NotSelector)
		if notSel, err = calicoPairs(calicoCtxEndpoint, s, false); err != nil {
			return nil, err
		}
	}
	excluded, err := cc.setNets(notSel, er.NotSelector)
	if err != nil {
		return nil, err
	}
	if !hasPos {
		// notSelector alone: every endpoint and address outside it.
		if len(notSel) != 1 {
			return nil, calicoUnmodelled("notSelector %q reads both namespace and pod labels in several alternatives; its complement is not one peer", er.NotSelector)
		}
		return []model.Peer{{Pods: true, NS: notSel[0].ns, Labels: notSel[0].pod, Addrs: len(excluded) > 0, Nets: excluded, Not: true}}, nil
	}
	ps := pos
	if hasNeg {
		if ps, err = calicoProduct(pos, neg); err != nil {
			return nil, err
		}
	}
	out := calicoPeers(ps)
	included, err := cc.setNets(pos, er.Selector)
	if err != nil {
		return nil, err
	}
	if len(included) > 0 {
		out = append(out, model.Peer{Addrs: true, Nets: included, Except: excluded})
	}
	return out, nil
}

// setNets are the nets of the network sets the pairs hold.
func (cc *calicoCompiler) setNets(ps []calicoPair, text string) ([]netip.Prefix, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	var out []netip.Prefix
	for _, s := range cc.sets {
		switch calicoPairsOn(ps, s.labels, s.ns, s.ns == "") {
		case calicoTrue:
			out = append(out, s.nets...)
		case calicoUnknown:
			return nil, calicoUnmodelled("whether %s matches selector %q depends on its namespace's labels, which the stream does not give the adapter", s.ref, text)
		}
	}
	return out, nil
}

func calicoNets(ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := calicoParseNet(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// calicoPortRange is an inclusive port range.
type calicoPortRange struct{ lo, hi int32 }

// calicoPorts compiles destination.ports and notPorts for the protocols
// protos. It returns nil when they restrict nothing. Numeric ports need a
// protocol (Calico's validation: "rules with numeric port or port range
// must set protocol to TCP or UDP or SCTP"); a named port without one
// matches the name on every protocol.
func calicoPorts(er *calicoEntityRule, protos []corev1.Protocol, hasProto bool) ([]model.Port, error) {
	var names []string
	var ranges, not []calicoPortRange
	for _, list := range []struct {
		ps  []calicoNumOrString
		out *[]calicoPortRange
	}{{er.Ports, &ranges}, {er.NotPorts, &not}} {
		for _, p := range list.ps {
			name, r, err := calicoPort(p)
			if err != nil {
				return nil, err
			}
			if name != "" {
				if list.out == &not {
					return nil, calicoUnmodelled("named port %q in notPorts: its complement is not a port list", name)
				}
				names = append(names, name)
				continue
			}
			if !hasProto {
				return nil, calicoUnmodelled("numeric port %s without a protocol, which Calico's validation rejects", p)
			}
			*list.out = append(*list.out, r)
		}
	}
	if len(names) > 0 && len(not) > 0 {
		return nil, calicoUnmodelled("named ports together with notPorts: whether a named port is excluded depends on the pod")
	}
	if len(er.Ports) == 0 {
		if len(not) == 0 {
			if len(protos) == len(calicoProtos) {
				return nil, nil
			}
			var out []model.Port
			for _, p := range protos {
				out = append(out, model.Port{Protocol: p})
			}
			return out, nil
		}
		ranges = []calicoPortRange{{1, 65535}}
	}
	ranges = calicoSubtract(ranges, not)
	out := []model.Port{}
	for _, p := range protos {
		for _, n := range names {
			out = append(out, model.Port{Protocol: p, Name: n})
		}
		for _, r := range ranges {
			out = append(out, model.Port{Protocol: p, Lo: r.lo, Hi: r.hi})
		}
	}
	return out, nil
}

// calicoPort reads one numorstring Port: a number, "lo:hi", or a name.
func calicoPort(p calicoNumOrString) (string, calicoPortRange, error) {
	clamp := func(lo, hi int64) (string, calicoPortRange, error) {
		if lo < 0 || hi > 65535 || lo > hi {
			return "", calicoPortRange{}, fmt.Errorf("port range %d:%d is invalid", lo, hi)
		}
		// port 0 is no port a connection uses
		return "", calicoPortRange{int32(max(lo, 1)), int32(hi)}, nil
	}
	if p.isNum {
		return clamp(p.num, p.num)
	}
	if lo, hi, ok := strings.Cut(p.str, ":"); ok {
		l, err1 := strconv.ParseInt(lo, 10, 32)
		h, err2 := strconv.ParseInt(hi, 10, 32)
		if err1 != nil || err2 != nil {
			return "", calicoPortRange{}, fmt.Errorf("port range %q is invalid", p.str)
		}
		return clamp(l, h)
	}
	if n, err := strconv.ParseInt(p.str, 10, 32); err == nil {
		return clamp(n, n)
	}
	if p.str == "" {
		return "", calicoPortRange{}, errors.New("empty port name")
	}
	return p.str, calicoPortRange{}, nil
}

// calicoSubtract is rs minus the ranges in not (empty ranges dropped).
func calicoSubtract(rs, not []calicoPortRange) []calicoPortRange {
	for _, n := range not {
		var next []calicoPortRange
		for _, r := range rs {
			if n.hi < r.lo || n.lo > r.hi {
				next = append(next, r)
				continue
			}
			if r.lo < n.lo {
				next = append(next, calicoPortRange{r.lo, n.lo - 1})
			}
			if n.hi < r.hi {
				next = append(next, calicoPortRange{n.hi + 1, r.hi})
			}
		}
		rs = next
	}
	var out []calicoPortRange
	for _, r := range rs {
		if r.lo <= r.hi && r.hi >= 1 {
			out = append(out, r)
		}
	}
	return out
}
