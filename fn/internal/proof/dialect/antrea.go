package dialect

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/proof/model"
)

// Antrea-native policy (crd.antrea.io/v1beta1): ClusterNetworkPolicy,
// NetworkPolicy (Antrea's, namespaced), Tier, ClusterGroup and Group, as
// Antrea v2.2 documents them (docs/antrea-network-policy.md; the types of
// pkg/apis/crd/v1beta1 and the CRDs of build/charts/antrea/crds at the
// antrea-io/antrea main branch of August 2026, v2.2.0-alpha.2-744).
//
// Reference: https://antrea.io/docs/main/docs/antrea-network-policy/
//
// Placement on the model's scale. Antrea enforces every Tier but the
// Baseline Tier in one OpenFlow table, ordered by the Tier's priority, then
// the policy's priority, then the rule's position; a Pass rule jumps out of
// that table to Kubernetes NetworkPolicy ("skips this packet for further
// Antrea-native policy rule evaluations in regular Tiers, and delegates the
// decision to K8s namespaced NetworkPolicies"), not to the next Tier. The
// model's Pass skips the rest of one model tier, so every regular Tier is
// one model tier (antreaRegularTier) and its order within is carried by
// Order: the rank of (Tier priority, policy priority). The Baseline Tier is
// its own model tier after NetworkPolicy, Order its policies' priority.
// Antrea-native policies never isolate: a connection no rule matches falls
// through.
func init() {
	register(&adapter{layer: LayerAntrea, enforced: func(c Cluster) bool { return c.CNI == Antrea }, compile: compileAntrea},
		"crd.antrea.io/ClusterNetworkPolicy", "crd.antrea.io/NetworkPolicy", "crd.antrea.io/Tier",
		"crd.antrea.io/ClusterGroup", "crd.antrea.io/Group")
	// Kubernetes NetworkPolicy is read after the Application Tier (250) and
	// before the Baseline Tier (253). Tiers a user creates take a priority
	// of at most 249: 250 and 253 are the static tiers', and the admission
	// webhook reserves 251, 252, 254 and 255. 251 lies strictly between.
	placements[Antrea] = Placement{Tier: antreaNetworkPolicyTier, TierName: "Antrea: after tier application, before tier baseline"}
}

const (
	// antreaRegularTier is the one model tier of every Tier but baseline
	// (their priorities are all at most 250, the Application Tier's).
	antreaRegularTier float64 = 250
	// antreaNetworkPolicyTier is where Kubernetes NetworkPolicy is read.
	antreaNetworkPolicyTier float64 = 251
	// antreaBaselineTier is the Baseline Tier's priority.
	antreaBaselineTier    float64 = 253
	antreaBaselineName            = "baseline"
	antreaApplicationName         = "application"
)

// antreaStaticTiers are the Tiers antrea-controller creates, read-only.
var antreaStaticTiers = map[string]int32{
	"emergency": 50, "securityops": 100, "networkops": 150, "platform": 200,
	antreaApplicationName: 250, antreaBaselineName: 253,
}

// antreaReservedTierPriorities are refused to user Tiers by the admission
// webhook (pkg/controller/networkpolicy/validate.go).
var antreaReservedTierPriorities = map[int32]bool{251: true, 252: true, 254: true, 255: true}

// The crd.antrea.io/v1beta1 types, as far as the proof reads them; status
// is accepted and ignored.

type antreaTier struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Priority    *int32 `json:"priority"`
		Description string `json:"description,omitempty"`
	} `json:"spec"`
}

type antreaGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              antreaGroupSpec `json:"spec"`
	Status            json.RawMessage `json:"status,omitempty"`
}

type antreaGroupSpec struct {
	PodSelector            *metav1.LabelSelector `json:"podSelector,omitempty"`
	NamespaceSelector      *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	NodeSelector           *metav1.LabelSelector `json:"nodeSelector,omitempty"`
	IPBlocks               []antreaIPBlock       `json:"ipBlocks,omitempty"`
	ServiceReference       *antreaNamespacedName `json:"serviceReference,omitempty"`
	ExternalEntitySelector *metav1.LabelSelector `json:"externalEntitySelector,omitempty"`
	ChildGroups            []string              `json:"childGroups,omitempty"`
}

// antreaPolicy is ClusterNetworkPolicy and NetworkPolicy alike: they share
// their spec.
type antreaPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Tier      string            `json:"tier,omitempty"`
		Priority  *float64          `json:"priority"`
		AppliedTo []antreaAppliedTo `json:"appliedTo,omitempty"`
		Ingress   []antreaRule      `json:"ingress,omitempty"`
		Egress    []antreaRule      `json:"egress,omitempty"`
	} `json:"spec"`
	Status json.RawMessage `json:"status,omitempty"`
}

type antreaRule struct {
	Action        *string             `json:"action"`
	Ports         []antreaPort        `json:"ports,omitempty"`
	Protocols     []antreaProtocol    `json:"protocols,omitempty"`
	L7Protocols   []antreaL7Protocol  `json:"l7Protocols,omitempty"`
	From          []antreaPeer        `json:"from,omitempty"`
	To            []antreaPeer        `json:"to,omitempty"`
	ToServices    []antreaPeerService `json:"toServices,omitempty"`
	Name          string              `json:"name,omitempty"`
	EnableLogging bool                `json:"enableLogging,omitempty"`
	LogLabel      string              `json:"logLabel,omitempty"`
	AppliedTo     []antreaAppliedTo   `json:"appliedTo,omitempty"`
}

type antreaPeer struct {
	IPBlock                *antreaIPBlock        `json:"ipBlock,omitempty"`
	PodSelector            *metav1.LabelSelector `json:"podSelector,omitempty"`
	NamespaceSelector      *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	Namespaces             *antreaPeerNamespaces `json:"namespaces,omitempty"`
	ExternalEntitySelector *metav1.LabelSelector `json:"externalEntitySelector,omitempty"`
	Group                  string                `json:"group,omitempty"`
	FQDN                   string                `json:"fqdn,omitempty"`
	ServiceAccount         *antreaNamespacedName `json:"serviceAccount,omitempty"`
	NodeSelector           *metav1.LabelSelector `json:"nodeSelector,omitempty"`
	Scope                  string                `json:"scope,omitempty"`
}

type antreaAppliedTo struct {
	PodSelector            *metav1.LabelSelector `json:"podSelector,omitempty"`
	NamespaceSelector      *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	ExternalEntitySelector *metav1.LabelSelector `json:"externalEntitySelector,omitempty"`
	Group                  string                `json:"group,omitempty"`
	ServiceAccount         *antreaNamespacedName `json:"serviceAccount,omitempty"`
	Service                *antreaNamespacedName `json:"service,omitempty"`
	NodeSelector           *metav1.LabelSelector `json:"nodeSelector,omitempty"`
}

type antreaPeerNamespaces struct {
	Match      string   `json:"match,omitempty"`
	SameLabels []string `json:"sameLabels,omitempty"`
}

type antreaIPBlock struct {
	CIDR   string   `json:"cidr"`
	Except []string `json:"except,omitempty"`
}

type antreaNamespacedName struct {
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

type antreaPeerService struct {
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Scope     string `json:"scope,omitempty"`
}

type antreaPort struct {
	Protocol      *corev1.Protocol    `json:"protocol,omitempty"`
	Port          *intstr.IntOrString `json:"port,omitempty"`
	EndPort       *int32              `json:"endPort,omitempty"`
	SourcePort    *int32              `json:"sourcePort,omitempty"`
	SourceEndPort *int32              `json:"sourceEndPort,omitempty"`
}

type antreaProtocol struct {
	ICMP *struct {
		ICMPType *int32 `json:"icmpType,omitempty"`
		ICMPCode *int32 `json:"icmpCode,omitempty"`
	} `json:"icmp,omitempty"`
	IGMP *struct {
		IGMPType     *int32 `json:"igmpType,omitempty"`
		GroupAddress string `json:"groupAddress,omitempty"`
	} `json:"igmp,omitempty"`
}

type antreaL7Protocol struct {
	HTTP *struct {
		Host   string `json:"host,omitempty"`
		Method string `json:"method,omitempty"`
		Path   string `json:"path,omitempty"`
	} `json:"http,omitempty"`
	TLS *struct {
		SNI string `json:"sni,omitempty"`
	} `json:"tls,omitempty"`
}

// antreaGroupEntry is a decoded ClusterGroup or Group: its members as
// peers, or why the proof cannot say who they are.
type antreaGroupEntry struct {
	ref      string
	spec     antreaGroupSpec
	ns       string // a Group's namespace; "" for a ClusterGroup
	why      string // set when unusable
	resolved bool
	peers    []model.Peer
	// nsSelector says the group selects by namespaceSelector, which an
	// Antrea NetworkPolicy's appliedTo cannot use.
	nsSelector bool
	// names are the namespaces its pods can be in, when finite.
	names  map[string]bool
	finite bool
}

// antreaCompiler holds the stream's Tiers and groups while its policies
// are compiled.
type antreaCompiler struct {
	out           model.Compiled
	tiers         map[string]int32  // a usable user Tier's priority
	badTiers      map[string]string // a user Tier the proof cannot place, and why
	clusterGroups map[string]*antreaGroupEntry
	groups        map[string]*antreaGroupEntry // by "namespace/name"
}

// antreaPending is a compiled policy waiting for its Order and Seq.
type antreaPending struct {
	policy   model.Policy
	tierPrio int32
	priority float64
	ref      string
	rule     int
}

func compileAntrea(objs []Object, _ Cluster) model.Compiled {
	c := &antreaCompiler{tiers: map[string]int32{}, badTiers: map[string]string{},
		clusterGroups: map[string]*antreaGroupEntry{}, groups: map[string]*antreaGroupEntry{}}
	c.readTiers(objs)
	c.readGroups(objs)
	var pending []antreaPending
	for i := range objs {
		o := &objs[i]
		if o.Kind == "ClusterNetworkPolicy" || o.Kind == "NetworkPolicy" {
			pending = append(pending, c.policy(o)...)
		}
	}
	c.order(pending)
	for _, g := range c.sortedGroups() {
		if !g.resolved {
			c.resolve(g)
		}
		if g.why != "" {
			c.out.Unmodelled = append(c.out.Unmodelled, model.Unmodelled{Layer: LayerAntrea, Object: g.ref, Field: "spec", Why: g.why})
		}
	}
	return c.out
}

func (c *antreaCompiler) unmodelled(o *Object, field, why string) {
	c.out.Unmodelled = append(c.out.Unmodelled, model.Unmodelled{Layer: LayerAntrea, Object: o.Ref(), Field: field, Why: why})
}

// readTiers reads the user Tiers. The admission webhook refuses a Tier
// that takes a static Tier's name, a reserved priority or another Tier's
// priority; which of two Tiers of one priority it admits depends on the
// order they are applied, so the proof places neither.
func (c *antreaCompiler) readTiers(objs []Object) {
	byPrio := map[int32][]string{}
	count := map[string]int{}
	for i := range objs {
		if objs[i].Kind == "Tier" {
			count[objs[i].Name]++
		}
	}
	for i := range objs {
		o := &objs[i]
		if o.Kind != "Tier" {
			continue
		}
		if count[o.Name] > 1 {
			c.unmodelled(o, "metadata.name", "Tier appears twice in the stream")
			c.badTiers[o.Name] = "it appears twice in the stream"
			continue
		}
		var t antreaTier
		if err := o.decode(&t); err != nil {
			c.unmodelled(o, "", "does not decode as a crd.antrea.io/v1beta1 Tier: "+err.Error())
			c.badTiers[o.Name] = "it does not decode"
			continue
		}
		why, field := "", "spec.priority"
		switch p := t.Spec.Priority; {
		case p == nil:
			why = "spec.priority is required"
		case *p < 0 || *p > 255:
			why = fmt.Sprintf("priority %d is outside 0..255", *p)
		case antreaReservedTierPriorities[*p]:
			why = fmt.Sprintf("priority %d is reserved by Antrea", *p)
		}
		if _, static := antreaStaticTiers[strings.ToLower(o.Name)]; static {
			why, field = "a static Tier of that name exists and is read-only", "metadata.name"
		}
		if why == "" {
			for name, sp := range antreaStaticTiers {
				if sp == *t.Spec.Priority {
					why = fmt.Sprintf("priority %d is the static Tier %s's", sp, name)
				}
			}
		}
		if why != "" {
			c.unmodelled(o, field, "the admission webhook refuses this Tier: "+why)
			c.badTiers[o.Name] = why
			continue
		}
		c.tiers[o.Name] = *t.Spec.Priority
		byPrio[*t.Spec.Priority] = append(byPrio[*t.Spec.Priority], o.Name)
	}
	var prios []int32
	for prio := range byPrio {
		prios = append(prios, prio)
	}
	sort.Slice(prios, func(i, j int) bool { return prios[i] < prios[j] })
	for _, prio := range prios {
		names := byPrio[prio]
		if len(names) < 2 {
			continue
		}
		sort.Strings(names)
		for _, n := range names {
			why := fmt.Sprintf("Tiers %s share priority %d; the admission webhook admits only the first applied", strings.Join(names, ", "), prio)
			c.badTiers[n] = why
			delete(c.tiers, n)
			c.out.Unmodelled = append(c.out.Unmodelled, model.Unmodelled{Layer: LayerAntrea, Object: "Tier " + n, Field: "spec.priority", Why: why})
		}
	}
}

// tierPriority is the priority of the Tier a policy names ("" is the
// Application Tier; the static Tiers' names are matched regardless of
// case, as Antrea accepts their former capitalised names).
func (c *antreaCompiler) tierPriority(name string) (int32, string) {
	if name == "" {
		return antreaStaticTiers[antreaApplicationName], ""
	}
	if p, ok := antreaStaticTiers[strings.ToLower(name)]; ok {
		return p, ""
	}
	if p, ok := c.tiers[name]; ok {
		return p, ""
	}
	if why, ok := c.badTiers[name]; ok {
		return 0, "Tier " + name + " cannot be placed: " + why
	}
	return 0, "Tier " + name + " is neither a static Tier nor in the stream"
}

func (c *antreaCompiler) readGroups(objs []Object) {
	for i := range objs {
		o := &objs[i]
		if o.Kind != "ClusterGroup" && o.Kind != "Group" {
			continue
		}
		var g antreaGroup
		e := &antreaGroupEntry{ref: o.Ref()}
		if o.Kind == "Group" {
			e.ns = antreaNamespace(o)
		}
		if err := o.decode(&g); err != nil {
			e.why = "does not decode as a crd.antrea.io/v1beta1 " + o.Kind + ": " + err.Error()
			e.resolved = true
		}
		e.spec = g.Spec
		key := o.Name
		m := c.clusterGroups
		if o.Kind == "Group" {
			key, m = e.ns+"/"+o.Name, c.groups
		}
		if prev, dup := m[key]; dup {
			prev.why, prev.resolved = o.Kind+" appears twice in the stream", true
			continue
		}
		m[key] = e
	}
}

func (c *antreaCompiler) sortedGroups() []*antreaGroupEntry {
	var gs []*antreaGroupEntry
	for _, g := range c.clusterGroups {
		gs = append(gs, g)
	}
	for _, g := range c.groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].ref < gs[j].ref })
	return gs
}

// lookupGroup finds the group a reference names: a ClusterGroup from a
// ClusterNetworkPolicy, a Group of the policy's own namespace from an
// Antrea NetworkPolicy (ns != "").
func (c *antreaCompiler) lookupGroup(ns, name string) (*antreaGroupEntry, string) {
	var g *antreaGroupEntry
	if ns == "" {
		g = c.clusterGroups[name]
	} else {
		g = c.groups[ns+"/"+name]
	}
	if g == nil {
		if ns == "" {
			return nil, "ClusterGroup " + name + " is not in the stream"
		}
		return nil, "Group " + ns + "/" + name + " is not in the stream"
	}
	if !g.resolved {
		c.resolve(g)
	}
	if g.why != "" {
		return nil, g.ref + ": " + g.why
	}
	return g, ""
}

// resolve computes a group's members. The documented constraints: a group
// sets podSelector and/or namespaceSelector, or ipBlocks, or childGroups
// (groups without childGroups of their own), or one of serviceReference,
// externalEntitySelector, nodeSelector, which the proof does not model.
func (c *antreaCompiler) resolve(g *antreaGroupEntry) {
	g.resolved = true
	s := &g.spec
	switch {
	case s.ServiceReference != nil:
		g.why = "serviceReference: a Service's endpoints are not modelled"
		return
	case s.ExternalEntitySelector != nil:
		g.why = "externalEntitySelector: ExternalEntities are not modelled"
		return
	case s.NodeSelector != nil:
		g.why = "nodeSelector: Nodes' addresses are not known offline"
		return
	}
	kinds := 0
	if s.PodSelector != nil || s.NamespaceSelector != nil {
		kinds++
	}
	if len(s.IPBlocks) > 0 {
		kinds++
	}
	if len(s.ChildGroups) > 0 {
		kinds++
	}
	if kinds != 1 {
		g.why = "a group sets exactly one of podSelector/namespaceSelector, ipBlocks, childGroups"
		return
	}
	switch {
	case len(s.IPBlocks) > 0:
		g.names, g.finite = map[string]bool{}, true
		for i := range s.IPBlocks {
			p, why := antreaIPBlockPeer(&s.IPBlocks[i])
			if why != "" {
				g.why = fmt.Sprintf("ipBlocks[%d]: %s", i, why)
				return
			}
			g.peers = append(g.peers, p)
		}
	case len(s.ChildGroups) > 0:
		for _, name := range s.ChildGroups {
			var child *antreaGroupEntry
			if g.ns == "" {
				child = c.clusterGroups[name]
			} else {
				child = c.groups[g.ns+"/"+name]
			}
			if child == nil {
				g.why = "child group " + name + " is not in the stream"
				return
			}
			if len(child.spec.ChildGroups) > 0 {
				g.why = "child group " + name + " has childGroups itself: Antrea supports one level and does not realize this group"
				return
			}
			if !child.resolved {
				c.resolve(child)
			}
			if child.why != "" {
				g.why = "child group " + name + ": " + child.why
				return
			}
			g.peers = append(g.peers, child.peers...)
			g.nsSelector = g.nsSelector || child.nsSelector
		}
		g.names, g.finite = map[string]bool{}, true
		for _, name := range s.ChildGroups {
			child := c.clusterGroups[name]
			if g.ns != "" {
				child = c.groups[g.ns+"/"+name]
			}
			g.finite = g.finite && child.finite
			for n := range child.names {
				g.names[n] = true
			}
		}
	default:
		p := model.Peer{Pods: true}
		if s.NamespaceSelector != nil {
			p.NS = labelSelector(s.NamespaceSelector)
			g.nsSelector = true
			g.names, g.finite = antreaNamesOf(s.NamespaceSelector)
		} else if g.ns != "" {
			p.NS = antreaNSIs(g.ns)
			g.names, g.finite = map[string]bool{g.ns: true}, true
		}
		if s.PodSelector != nil {
			p.Labels = labelSelector(s.PodSelector)
		}
		g.peers = []model.Peer{p}
	}
}

func antreaNamespace(o *Object) string {
	if o.Namespace == "" {
		return metav1.NamespaceDefault
	}
	return o.Namespace
}

// antreaNamesOf is the namespaces a namespaceSelector can select when it
// names them (kubernetes.io/metadata.name in matchLabels or an In
// expression); finite is false when any namespace may match.
func antreaNamesOf(sel *metav1.LabelSelector) (names map[string]bool, finite bool) {
	if sel == nil {
		return nil, false
	}
	narrow := func(cand []string) {
		next := map[string]bool{}
		for _, n := range cand {
			if !finite || names[n] {
				next[n] = true
			}
		}
		names, finite = next, true
	}
	if v, ok := sel.MatchLabels[corev1.LabelMetadataName]; ok {
		narrow([]string{v})
	}
	for _, e := range sel.MatchExpressions {
		if e.Key == corev1.LabelMetadataName && e.Operator == metav1.LabelSelectorOpIn {
			narrow(e.Values)
		}
	}
	return names, finite
}

// appliedToNames is the namespaces the pods an appliedTo selects can be
// in, when finite.
func (c *antreaCompiler) appliedToNames(a *antreaObj, ats []antreaAppliedTo) (map[string]bool, bool) {
	all := map[string]bool{}
	for i := range ats {
		at := &ats[i]
		var names map[string]bool
		finite := false
		switch {
		case at.Group != "":
			if g, why := c.lookupGroup(a.ns, at.Group); why == "" {
				names, finite = g.names, g.finite
			}
		case at.ServiceAccount != nil:
			names, finite = map[string]bool{at.ServiceAccount.Namespace: true}, true
		default:
			names, finite = antreaNamesOf(at.NamespaceSelector)
		}
		if !finite {
			return nil, false
		}
		for n := range names {
			all[n] = true
		}
	}
	return all, true
}

func antreaNSIs(ns string) model.Match {
	return model.Labels(map[string]string{corev1.LabelMetadataName: ns})
}

func antreaIPBlockPeer(b *antreaIPBlock) (model.Peer, string) {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return model.Peer{}, "cidr " + b.CIDR + " is not a CIDR"
	}
	p := model.Peer{Addrs: true, Nets: []netip.Prefix{cidr.Masked()}}
	for _, x := range b.Except {
		pre, err := netip.ParsePrefix(x)
		if err != nil {
			return model.Peer{}, "except " + x + " is not a CIDR"
		}
		if pre.Bits() <= cidr.Bits() || !cidr.Contains(pre.Addr()) {
			// "the CIDRs in the except list will be validated to be
			// strictly within the base CIDR range"
			return model.Peer{}, "except " + x + " is not strictly within " + b.CIDR + ": the admission webhook refuses it"
		}
		p.Except = append(p.Except, pre.Masked())
	}
	return p, ""
}

// antreaObj is what a policy's parts need to know of their object.
type antreaObj struct {
	o   *Object
	ns  string // an Antrea NetworkPolicy's namespace; "" for a ClusterNetworkPolicy
	bad []model.Unmodelled
}

func (a *antreaObj) fail(field, why string) {
	a.bad = append(a.bad, model.Unmodelled{Layer: LayerAntrea, Object: a.o.Ref(), Field: field, Why: why})
}

// policy compiles one ClusterNetworkPolicy or Antrea NetworkPolicy: one
// model policy when appliedTo is at the policy level, one per rule when it
// is per rule (the rules keep their order through Seq). Any construct the
// model cannot express makes the whole object Unmodelled.
func (c *antreaCompiler) policy(o *Object) []antreaPending {
	var np antreaPolicy
	if err := o.decode(&np); err != nil {
		c.unmodelled(o, "", "does not decode as a crd.antrea.io/v1beta1 "+o.Kind+": "+err.Error())
		return nil
	}
	a := &antreaObj{o: o}
	if o.Kind == "NetworkPolicy" {
		a.ns = antreaNamespace(o)
	}
	spec := &np.Spec
	tierName := spec.Tier
	if tierName == "" {
		tierName = antreaApplicationName
	}
	tierPrio, why := c.tierPriority(spec.Tier)
	if why != "" {
		a.fail("spec.tier", why)
	}
	baseline := int32(antreaBaselineTier) == tierPrio && why == ""
	var priority float64
	switch {
	case spec.Priority == nil:
		a.fail("spec.priority", "spec.priority is required")
	case *spec.Priority < 1 || *spec.Priority > 10000:
		a.fail("spec.priority", fmt.Sprintf("priority %v is outside 1.0..10000.0", *spec.Priority))
	default:
		priority = *spec.Priority
	}
	perRule := len(spec.AppliedTo) == 0
	nRules := len(spec.Ingress) + len(spec.Egress)
	if perRule && nRules == 0 {
		a.fail("spec.appliedTo", "appliedTo must be set at the policy level or in every rule")
	}
	var subject []model.Peer
	if !perRule {
		subject = c.appliedTo(a, spec.AppliedTo, "spec.appliedTo")
	}
	type ruleOut struct {
		rule    model.Rule
		subject []model.Peer
		dir     model.Direction
		idx     int
		selfs   []int
		names   map[string]bool // per-rule appliedTo's namespaces
	}
	anySelf := false
	var rules []ruleOut
	for d, list := range [][]antreaRule{spec.Ingress, spec.Egress} {
		dir := model.Direction(d)
		for i := range list {
			r := &list[i]
			where := fmt.Sprintf("spec.%s[%d]", dir, i)
			var subj []model.Peer
			switch {
			case perRule && len(r.AppliedTo) == 0:
				a.fail(where+".appliedTo", "appliedTo must be set at the policy level or in every rule")
			case !perRule && len(r.AppliedTo) > 0:
				a.fail(where+".appliedTo", "appliedTo cannot be set both at the policy level and in a rule")
			case perRule:
				subj = c.appliedTo(a, r.AppliedTo, where+".appliedTo")
			}
			mr, selfs := c.rule(a, r, dir, where, baseline)
			ro := ruleOut{rule: mr, subject: subj, dir: dir, idx: i, selfs: selfs}
			if len(selfs) > 0 && perRule {
				var finite bool
				if ro.names, finite = c.appliedToNames(a, r.AppliedTo); !finite {
					a.fail(where+".appliedTo", antreaSelfWhy)
				}
			}
			anySelf = anySelf || len(selfs) > 0
			rules = append(rules, ro)
		}
	}
	var names map[string]bool
	if anySelf && !perRule {
		var finite bool
		if names, finite = c.appliedToNames(a, spec.AppliedTo); !finite {
			a.fail("spec.appliedTo", antreaSelfWhy)
		}
	}
	if len(a.bad) > 0 {
		c.out.Unmodelled = append(c.out.Unmodelled, a.bad...)
		return nil
	}
	if _, static := antreaStaticTiers[strings.ToLower(tierName)]; static {
		tierName = strings.ToLower(tierName)
	}
	base := model.Policy{Layer: LayerAntrea, Object: o.Ref(), TierName: "Antrea tier " + tierName,
		Point: model.Network, Tier: antreaRegularTier}
	if baseline {
		base.Tier = antreaBaselineTier
	}
	pend := func(p model.Policy, rule int) antreaPending {
		return antreaPending{policy: p, tierPrio: tierPrio, priority: priority, ref: o.Ref(), rule: rule}
	}
	var out []antreaPending
	if !perRule {
		p := base
		p.Subject = subject
		var selfs [2][][]int
		for _, r := range rules {
			if r.dir == model.Egress {
				p.Egress = append(p.Egress, r.rule)
			} else {
				p.Ingress = append(p.Ingress, r.rule)
			}
			selfs[r.dir] = append(selfs[r.dir], r.selfs)
		}
		for _, q := range antreaExpandSelf(p, anySelf, names, selfs) {
			out = append(out, pend(q, 0))
		}
		return out
	}
	for _, r := range rules {
		p := base
		p.Subject = r.subject
		var selfs [2][][]int
		selfs[r.dir] = [][]int{r.selfs}
		if r.dir == model.Egress {
			p.Egress = []model.Rule{r.rule}
		} else {
			p.Ingress = []model.Rule{r.rule}
		}
		for _, q := range antreaExpandSelf(p, len(r.selfs) > 0, r.names, selfs) {
			out = append(out, pend(q, r.idx))
		}
	}
	return out
}

const antreaSelfWhy = "namespaces match: Self selects in each subject's own namespace; the model's peers are absolute, and the subject's namespaces are not a list of names (kubernetes.io/metadata.name) to expand it over"

// antreaExpandSelf makes p one policy per namespace its subject can be in
// when a rule has namespaces match: Self peers (selfs[direction][rule] are
// their indices): in the copy for namespace n the subject is restricted
// to n and those peers select in n, which is exactly Self for every
// subject of the copy.
func antreaExpandSelf(p model.Policy, any bool, names map[string]bool, selfs [2][][]int) []model.Policy {
	if !any {
		return []model.Policy{p}
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out []model.Policy
	for _, n := range sorted {
		q := p
		in := antreaNSIs(n)
		q.Subject = nil
		for _, sp := range p.Subject {
			sp.NS = model.And(sp.NS, in)
			q.Subject = append(q.Subject, sp)
		}
		for d, rules := range [][]model.Rule{p.Ingress, p.Egress} {
			copied := append([]model.Rule(nil), rules...)
			for ri := range copied {
				if ri >= len(selfs[d]) || len(selfs[d][ri]) == 0 {
					continue
				}
				copied[ri].Peers = append([]model.Peer(nil), copied[ri].Peers...)
				for _, pi := range selfs[d][ri] {
					copied[ri].Peers[pi].NS = in
				}
			}
			if d == int(model.Ingress) {
				q.Ingress = copied
			} else {
				q.Egress = copied
			}
		}
		out = append(out, q)
	}
	return out
}

// order gives every policy its Order and Seq. Within a Tier the policy
// priority orders; between equal priorities Antrea's order is undefined
// ("Policies with the same priorities will be enforced
// indeterministically"), so the proof takes the object's name.
func (c *antreaCompiler) order(ps []antreaPending) {
	type key struct {
		tier int32
		prio float64
	}
	var keys []key
	seen := map[key]bool{}
	refs := map[string]bool{}
	stride := 1
	for _, p := range ps {
		refs[p.ref] = true
		stride = max(stride, p.rule+1)
		k := key{p.tierPrio, p.priority}
		if p.policy.Tier == antreaRegularTier && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].tier != keys[j].tier {
			return keys[i].tier < keys[j].tier
		}
		return keys[i].prio < keys[j].prio
	})
	rank := map[key]int{}
	for i, k := range keys {
		rank[k] = i
	}
	var names []string
	for r := range refs {
		names = append(names, r)
	}
	sort.Strings(names)
	nameRank := map[string]int{}
	for i, n := range names {
		nameRank[n] = i
	}
	for _, p := range ps {
		pol := p.policy
		if pol.Tier == antreaRegularTier {
			pol.Order = float64(rank[key{p.tierPrio, p.priority}])
		} else {
			pol.Order = p.priority
		}
		pol.Seq = nameRank[p.ref]*stride + p.rule
		c.out.Policies = append(c.out.Policies, pol)
	}
}

// appliedTo compiles appliedTo entries into a policy's subject. In an
// Antrea NetworkPolicy every entry selects within the policy's namespace.
func (c *antreaCompiler) appliedTo(a *antreaObj, ats []antreaAppliedTo, where string) []model.Peer {
	var out []model.Peer
	for i := range ats {
		at := &ats[i]
		field := fmt.Sprintf("%s[%d]", where, i)
		switch {
		case at.Service != nil:
			a.fail(field+".service", "a NodePort Service as appliedTo: traffic to Node ports is not modelled")
			continue
		case at.NodeSelector != nil:
			a.fail(field+".nodeSelector", "Nodes as appliedTo: the proof's subjects are Pods")
			continue
		case at.ExternalEntitySelector != nil:
			a.fail(field+".externalEntitySelector", "ExternalEntities are not modelled")
			continue
		}
		sel := at.PodSelector != nil || at.NamespaceSelector != nil
		n := 0
		for _, set := range []bool{sel, at.Group != "", at.ServiceAccount != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			a.fail(field, "an appliedTo entry sets exactly one of podSelector/namespaceSelector, group, serviceAccount")
			continue
		}
		switch {
		case at.Group != "":
			g, why := c.lookupGroup(a.ns, at.Group)
			if why != "" {
				a.fail(field+".group", why)
				continue
			}
			if a.ns != "" && g.nsSelector {
				a.fail(field+".group", g.ref+" selects by namespaceSelector, which Antrea does not realize in an Antrea NetworkPolicy's appliedTo")
				continue
			}
			// An ipBlocks group as appliedTo is ignored ("the policy will
			// have no effect"): addresses are never subjects.
			out = append(out, g.peers...)
		case at.ServiceAccount != nil:
			p, why := antreaServiceAccount(at.ServiceAccount)
			if why != "" {
				a.fail(field+".serviceAccount", why)
				continue
			}
			out = append(out, p)
		default:
			if a.ns != "" && at.NamespaceSelector != nil {
				a.fail(field+".namespaceSelector", "an Antrea NetworkPolicy's appliedTo cannot set namespaceSelector")
				continue
			}
			p := model.Peer{Pods: true}
			if at.NamespaceSelector != nil {
				p.NS = labelSelector(at.NamespaceSelector)
			}
			if at.PodSelector != nil {
				p.Labels = labelSelector(at.PodSelector)
			}
			out = append(out, p)
		}
	}
	if a.ns != "" {
		for i := range out {
			out[i].NS = model.And(out[i].NS, antreaNSIs(a.ns))
		}
	}
	return out
}

func antreaServiceAccount(sa *antreaNamespacedName) (model.Peer, string) {
	if sa.Name == "" || sa.Namespace == "" {
		return model.Peer{}, "serviceAccount needs both name and namespace"
	}
	return model.Peer{Pods: true, NS: antreaNSIs(sa.Namespace),
		Labels: model.Labels(map[string]string{model.ServiceAccountLabel: sa.Name})}, ""
}

// rule compiles one ingress or egress rule.
// The indices of its Self peers are returned.
func (c *antreaCompiler) rule(a *antreaObj, r *antreaRule, dir model.Direction, where string, baseline bool) (model.Rule, []int) {
	var selfs []int
	out := model.Rule{Where: where}
	switch {
	case r.Action == nil:
		a.fail(where+".action", "action is required")
	case *r.Action == "Allow":
		out.Action = model.Allow
	case *r.Action == "Drop", *r.Action == "Reject":
		out.Action = model.Deny
	case *r.Action == "Pass":
		out.Action = model.Pass
		if baseline {
			a.fail(where+".action", "the admission webhook refuses Pass in the Baseline Tier")
		}
	default:
		a.fail(where+".action", "action "+*r.Action+" is none of Allow, Drop, Reject, Pass")
	}
	if len(r.ToServices) > 0 {
		a.fail(where+".toServices", "toServices: traffic to a Service's ClusterIP is not modelled")
	}
	peers, other := r.From, r.To
	peerField, otherField := "from", "to"
	if dir == model.Egress {
		peers, other = r.To, r.From
		peerField, otherField = "to", "from"
	}
	if len(other) > 0 {
		a.fail(where+"."+otherField, fmt.Sprintf("%s is not a field of %s rules", otherField, dir))
	}
	if len(peers) > 0 {
		out.Peers = []model.Peer{}
		for i := range peers {
			ps, self := c.peer(a, &peers[i], dir, fmt.Sprintf("%s.%s[%d]", where, peerField, i))
			if self {
				selfs = append(selfs, len(out.Peers))
			}
			out.Peers = append(out.Peers, ps...)
		}
	}
	if len(r.Ports) > 0 || len(r.Protocols) > 0 {
		out.Ports = []model.Port{}
		for i := range r.Ports {
			if p, ok := antreaPortOf(a, &r.Ports[i], fmt.Sprintf("%s.ports[%d]", where, i)); ok {
				out.Ports = append(out.Ports, p)
			}
		}
		for i, p := range r.Protocols {
			name := "ICMP"
			if p.IGMP != nil {
				name = "IGMP"
			}
			c.out.Inert = append(c.out.Inert, model.Unmodelled{Layer: LayerAntrea, Object: a.o.Ref(),
				Field: fmt.Sprintf("%s.protocols[%d]", where, i),
				Why:   name + " is not probed (the proof probes TCP, UDP and SCTP): this entry matches none of its connections"})
		}
	}
	if len(r.L7Protocols) > 0 {
		if out.Action != model.Allow {
			a.fail(where+".l7Protocols", "l7Protocols is only valid with action Allow")
		}
		var parts []string
		for _, l := range r.L7Protocols {
			switch {
			case l.HTTP != nil:
				s := "HTTP"
				for _, kv := range [][2]string{{"host", l.HTTP.Host}, {"method", l.HTTP.Method}, {"path", l.HTTP.Path}} {
					if kv[1] != "" {
						s += " " + kv[0] + "=" + kv[1]
					}
				}
				parts = append(parts, s)
			case l.TLS != nil:
				s := "TLS"
				if l.TLS.SNI != "" {
					s += " sni=" + l.TLS.SNI
				}
				parts = append(parts, s)
			default:
				parts = append(parts, "an empty layer 7 protocol")
			}
		}
		out.L7 = strings.Join(parts, "; ")
	}
	// enableLogging and logLabel change no verdict: nothing is recorded.
	return out, selfs
}

// peer compiles one from/to entry of a rule. self says the peer is
// namespaces: {match: Self}: its NS is the subject's namespace, set when
// the policy is expanded per namespace.
func (c *antreaCompiler) peer(a *antreaObj, p *antreaPeer, dir model.Direction, field string) (peers []model.Peer, self bool) {
	switch {
	case p.FQDN != "":
		a.fail(field+".fqdn", "fqdn: the addresses a name resolves to are not known offline")
		return nil, false
	case p.NodeSelector != nil:
		a.fail(field+".nodeSelector", "nodeSelector: Nodes' addresses are not known offline")
		return nil, false
	case p.ExternalEntitySelector != nil:
		a.fail(field+".externalEntitySelector", "ExternalEntities are not modelled")
		return nil, false
	case p.Scope != "" && p.Scope != "Cluster":
		a.fail(field+".scope", "scope "+p.Scope+": peers of other clusters of a ClusterSet are not modelled")
		return nil, false
	case p.Namespaces != nil && a.ns != "":
		a.fail(field+".namespaces", "an Antrea NetworkPolicy's peers cannot set namespaces")
		return nil, false
	case p.Namespaces != nil && len(p.Namespaces.SameLabels) > 0:
		// relative to the labels of each subject's namespace, which the
		// adapter does not know
		a.fail(field+".namespaces.sameLabels", "namespaces sameLabels selects relative to each subject's namespace labels, which the model's peers cannot express")
		return nil, false
	case p.Namespaces != nil:
		if p.Namespaces.Match != "Self" || p.NamespaceSelector != nil || p.IPBlock != nil || p.Group != "" || p.ServiceAccount != nil {
			a.fail(field+".namespaces", "namespaces sets match: Self, with podSelector at most")
			return nil, false
		}
		pr := model.Peer{Pods: true}
		if p.PodSelector != nil {
			pr.Labels = labelSelector(p.PodSelector)
		}
		return []model.Peer{pr}, true
	}
	sel := p.PodSelector != nil || p.NamespaceSelector != nil
	n := 0
	for _, set := range []bool{sel, p.IPBlock != nil, p.Group != "", p.ServiceAccount != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		a.fail(field, "a peer sets exactly one of podSelector/namespaceSelector, ipBlock, group, serviceAccount")
		return nil, false
	}
	switch {
	case p.IPBlock != nil:
		pr, why := antreaIPBlockPeer(p.IPBlock)
		if why != "" {
			a.fail(field+".ipBlock", why)
			return nil, false
		}
		return []model.Peer{pr}, false
	case p.Group != "":
		g, why := c.lookupGroup(a.ns, p.Group)
		if why != "" {
			a.fail(field+".group", why)
			return nil, false
		}
		return g.peers, false
	case p.ServiceAccount != nil:
		pr, why := antreaServiceAccount(p.ServiceAccount)
		if why != "" {
			a.fail(field+".serviceAccount", why)
			return nil, false
		}
		return []model.Peer{pr}, false
	}
	pr := model.Peer{Pods: true}
	switch {
	case p.NamespaceSelector != nil:
		pr.NS = labelSelector(p.NamespaceSelector)
	case a.ns != "":
		pr.NS = antreaNSIs(a.ns)
	}
	if p.PodSelector != nil {
		pr.Labels = labelSelector(p.PodSelector)
	}
	return []model.Peer{pr}, false
}

// antreaPortOf compiles one ports entry (protocol defaults to TCP).
func antreaPortOf(a *antreaObj, p *antreaPort, field string) (model.Port, bool) {
	if p.SourcePort != nil || p.SourceEndPort != nil {
		a.fail(field+".sourcePort", "sourcePort/sourceEndPort: the proof's connections carry no source port")
		return model.Port{}, false
	}
	proto := corev1.ProtocolTCP
	if p.Protocol != nil && *p.Protocol != "" {
		proto = *p.Protocol
	}
	switch proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		a.fail(field+".protocol", "protocol "+string(proto)+" is none of TCP, UDP, SCTP")
		return model.Port{}, false
	}
	out := model.Port{Protocol: proto}
	switch {
	case p.Port == nil:
		if p.EndPort != nil {
			a.fail(field+".endPort", "endPort needs a numerical port")
			return model.Port{}, false
		}
	case p.Port.Type == intstr.String:
		if p.EndPort != nil {
			a.fail(field+".endPort", "endPort needs a numerical port")
			return model.Port{}, false
		}
		if p.Port.StrVal == "" {
			a.fail(field+".port", "an empty port name")
			return model.Port{}, false
		}
		out.Name = p.Port.StrVal
	default:
		out.Lo, out.Hi = p.Port.IntVal, p.Port.IntVal
		if p.EndPort != nil {
			out.Hi = *p.EndPort
		}
		if out.Lo < 1 || out.Hi > 65535 || out.Hi < out.Lo {
			a.fail(field, fmt.Sprintf("port range %d..%d is not within 1..65535", out.Lo, out.Hi))
			return model.Port{}, false
		}
	}
	return out, true
}
