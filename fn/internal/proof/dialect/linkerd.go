package dialect

// Linkerd's inbound authorization policy (policy.linkerd.io), as served by
// Linkerd 2.15 and later (the CRDs of charts/linkerd-crds as of edge-26.8.x):
// Server v1alpha1…v1beta3 (accessPolicy from v1beta3), ServerAuthorization
// v1beta1, AuthorizationPolicy, MeshTLSAuthentication and
// NetworkAuthentication v1alpha1, HTTPRoute v1alpha1…v1beta3.
//
// References: https://linkerd.io/2/reference/authorization-policy/ and
// https://linkerd.io/2/features/server-policy/ .
//
// What the proxy does, and how it is compiled:
//
//   - A Server selects a port (a number, or a container-port name) of the
//     pods its podSelector selects in its namespace. Traffic to that port is
//     denied unless an authorization admits the client, or the Server's
//     accessPolicy (default deny) does. One Policy per Server at model.Mesh:
//     an Allow rule per authorization, restricted to the port, then the
//     accessPolicy's rule, then a Deny of every client on the port. The
//     Deny is port-restricted, so the pod's other ports are not governed by
//     this Server: no isolation and no port complement are needed, and a
//     named port is exact. Servers are read in Linkerd's precedence (oldest
//     first, then by name): the first Server selecting a pod's port decides
//     it, as the policy controller keeps the first and skips the others.
//   - An authorization is the conjunction of a client identity (a meshed
//     client whose ServiceAccount matches, or any client when none is
//     required) and a client network (any address when none is required);
//     several authorizations of one Server are alternatives.
//   - A port of a meshed pod that no Server selects follows the default
//     inbound policy, set by the config.linkerd.io/default-inbound-policy
//     annotation the proof cannot see: the cluster default
//     all-unauthenticated (allow) is assumed, and said once per compile as an
//     Inert notice.
//
// Assumptions, each said in the notice:
//
//   - A Server's pods are meshed (a Server only has effect on meshed pods;
//     an unmeshed pod's port is open at the mesh layer whatever the Server
//     says, so the proof may deny what an unmeshed pod accepts).
//   - A client is meshed, so has an identity, when its pod carries
//     LinkerdInjectLabel enabled/ingress, or carries none and its namespace
//     does: the stand-in for the linkerd.io/inject annotation.
//   - Identities are <sa>.<ns>.serviceaccount.identity.linkerd.cluster.local
//     (control plane namespace linkerd, trust domain cluster.local), and
//     pod addresses lie in the cluster's networks.
//
// Constructs the model cannot express are Unmodelled and contribute no
// rule: a MeshTLS identity AND a network restriction together (one Peer
// cannot hold "meshed as X and from address block Y"), identities of other
// forms, accessPolicy cluster-unauthenticated and unauthenticated clients
// without networks (both depend on the install's clusterNetworks), TLS
// without identity, and objects Linkerd's admission webhook rejects.
// Authorizations Linkerd ignores (a missing authentication or target) are
// Inert.

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"netid.dev/netid/fn/internal/proof/model"
)

func init() {
	register(&adapter{layer: LayerLinkerd, enforced: func(Cluster) bool { return true }, compile: compileLinkerd},
		"policy.linkerd.io/Server", "policy.linkerd.io/ServerAuthorization", "policy.linkerd.io/AuthorizationPolicy",
		"policy.linkerd.io/MeshTLSAuthentication", "policy.linkerd.io/NetworkAuthentication", "policy.linkerd.io/HTTPRoute")
}

// LinkerdInjectLabel is the pseudo-label standing for Linkerd's
// linkerd.io/inject annotation, which the proof's label model cannot see:
// the proof puts the annotation's value on a namespace's labels (from the
// Namespace) and on a pod's labels (from its pod template). A pod is meshed
// when its own value is enabled or ingress, or when it has none and its
// namespace's is. Example: namespace shop annotated linkerd.io/inject:
// enabled gets {"proof.netid.dev/linkerd-inject": "enabled"}.
const LinkerdInjectLabel = "proof.netid.dev/linkerd-inject"

const (
	linkerdGroup = "policy.linkerd.io"
	// linkerdIdentityDomain is what follows <sa>.<ns> in a ServiceAccount's
	// identity with the default control plane namespace and trust domain.
	linkerdIdentityDomain = "serviceaccount.identity.linkerd.cluster.local"
	// linkerdTier places Linkerd's policies on the mesh point; it is the only
	// tier there, so its value orders nothing.
	linkerdTier float64 = 0
)

// linkerdNotice is said once per compile: what the proof assumes of what it
// cannot see.
const linkerdNotice = "ports of meshed pods that no Server selects follow the default inbound policy, " +
	"set by config.linkerd.io/default-inbound-policy annotations the proof cannot see: the cluster default " +
	"all-unauthenticated (allow) is assumed for them; a Server's pods are assumed meshed; a client is meshed " +
	"when its pod or namespace carries " + LinkerdInjectLabel + " enabled or ingress (the linkerd.io/inject " +
	"annotation's stand-in); identities are <sa>.<ns>." + linkerdIdentityDomain + " and pod addresses lie in " +
	"the cluster's networks"

// Local mirrors of the published policy.linkerd.io schemas; decoding refuses
// unknown fields.

type linkerdMeta struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	// Status is written by Linkerd's controllers and decides nothing.
	Status json.RawMessage `json:"status,omitempty"`
}

type linkerdServer struct {
	linkerdMeta
	Spec struct {
		AccessPolicy             *string               `json:"accessPolicy,omitempty"`
		PodSelector              *metav1.LabelSelector `json:"podSelector,omitempty"`
		ExternalWorkloadSelector *metav1.LabelSelector `json:"externalWorkloadSelector,omitempty"`
		Port                     *intstr.IntOrString   `json:"port,omitempty"`
		ProxyProtocol            string                `json:"proxyProtocol,omitempty"`
	} `json:"spec"`
}

// linkerdRef is a targetRef: LocalTargetRef (no namespace) or
// NamespacedTargetRef.
type linkerdRef struct {
	Group     string  `json:"group,omitempty"`
	Kind      string  `json:"kind"`
	Name      *string `json:"name,omitempty"`
	Namespace *string `json:"namespace,omitempty"`
}

type linkerdAuthorizationPolicy struct {
	linkerdMeta
	Spec struct {
		TargetRef                  linkerdRef   `json:"targetRef"`
		RequiredAuthenticationRefs []linkerdRef `json:"requiredAuthenticationRefs"`
	} `json:"spec"`
}

type linkerdMeshTLSAuthentication struct {
	linkerdMeta
	Spec struct {
		Identities   []string     `json:"identities,omitempty"`
		IdentityRefs []linkerdRef `json:"identityRefs,omitempty"`
	} `json:"spec"`
}

type linkerdNetwork struct {
	Cidr   string   `json:"cidr"`
	Except []string `json:"except,omitempty"`
}

type linkerdNetworkAuthentication struct {
	linkerdMeta
	Spec struct {
		Networks []linkerdNetwork `json:"networks"`
	} `json:"spec"`
}

type linkerdServerAuthorization struct {
	linkerdMeta
	Spec struct {
		Server struct {
			Name     string                `json:"name,omitempty"`
			Selector *metav1.LabelSelector `json:"selector,omitempty"`
		} `json:"server"`
		Client struct {
			Networks []linkerdNetwork `json:"networks,omitempty"`
			MeshTLS  *struct {
				UnauthenticatedTLS bool     `json:"unauthenticatedTLS,omitempty"`
				Identities         []string `json:"identities,omitempty"`
				ServiceAccounts    []struct {
					Name      string `json:"name"`
					Namespace string `json:"namespace,omitempty"`
				} `json:"serviceAccounts,omitempty"`
			} `json:"meshTLS,omitempty"`
			Unauthenticated bool `json:"unauthenticated,omitempty"`
		} `json:"client"`
	} `json:"spec"`
}

type linkerdHTTPRoute struct {
	linkerdMeta
	Spec struct {
		ParentRefs []struct {
			Group       *string `json:"group,omitempty"`
			Kind        *string `json:"kind,omitempty"`
			Namespace   *string `json:"namespace,omitempty"`
			Name        string  `json:"name"`
			SectionName *string `json:"sectionName,omitempty"`
			Port        *int32  `json:"port,omitempty"`
		} `json:"parentRefs,omitempty"`
		Hostnames []string `json:"hostnames,omitempty"`
		Rules     []struct {
			Matches []struct {
				Path *struct {
					Type  *string `json:"type,omitempty"`
					Value *string `json:"value,omitempty"`
				} `json:"path,omitempty"`
				Headers []struct {
					Type  *string `json:"type,omitempty"`
					Name  string  `json:"name"`
					Value string  `json:"value"`
				} `json:"headers,omitempty"`
				QueryParams []struct {
					Type  *string `json:"type,omitempty"`
					Name  string  `json:"name"`
					Value string  `json:"value"`
				} `json:"queryParams,omitempty"`
				Method *string `json:"method,omitempty"`
			} `json:"matches,omitempty"`
			// Filters, backends and timeouts shape requests the route
			// already admitted: they decide no authorization.
			Filters     json.RawMessage `json:"filters,omitempty"`
			BackendRefs json.RawMessage `json:"backendRefs,omitempty"`
			Timeouts    json.RawMessage `json:"timeouts,omitempty"`
		} `json:"rules,omitempty"`
	} `json:"spec"`
}

// linkerdVersions are the served versions of each kind.
var linkerdVersions = map[string][]string{
	"Server":                {"v1alpha1", "v1beta1", "v1beta2", "v1beta3"},
	"ServerAuthorization":   {"v1alpha1", "v1beta1"},
	"AuthorizationPolicy":   {"v1alpha1"},
	"MeshTLSAuthentication": {"v1alpha1"},
	"NetworkAuthentication": {"v1alpha1"},
	"HTTPRoute":             {"v1alpha1", "v1beta1", "v1beta2", "v1beta3"},
}

// linkerdAuthn is a resolved authentication: the clients it admits, or why
// it cannot be modelled.
type linkerdAuthn struct {
	// peers are the clients (nil: every client).
	peers []model.Peer
	// nets says the authentication is a network restriction; all says it
	// admits every address (0.0.0.0/0 and ::/0 without exceptions).
	nets, all bool
	// unmodelled, field: why the authentication cannot be compiled.
	unmodelled, field string
}

// linkerdAuthz is one authorization of a Server: an Allow rule.
type linkerdAuthz struct {
	peers []model.Peer
	where string
	l7    string
}

type linkerdCompiler struct {
	out      model.Compiled
	servers  []*linkerdServer
	srvObj   map[*linkerdServer]*Object
	saz      []*linkerdServerAuthorization
	sazObj   map[*linkerdServerAuthorization]*Object
	aps      []*linkerdAuthorizationPolicy
	apObj    map[*linkerdAuthorizationPolicy]*Object
	mtls     map[string]*linkerdAuthn // "ns/name"
	networks map[string]*linkerdAuthn
	routes   map[string]*linkerdHTTPRoute // "ns/name"
	routeObj map[*linkerdHTTPRoute]*Object
	// skipped are the authorizations already reported (Unmodelled or Inert),
	// so each is reported once whatever the number of Servers.
	skipped map[string]bool
}

func (c *linkerdCompiler) unmodelled(o *Object, field, why string) {
	c.out.Unmodelled = append(c.out.Unmodelled, model.Unmodelled{Layer: LayerLinkerd, Object: o.Ref(), Field: field, Why: why})
}

func (c *linkerdCompiler) inert(o *Object, field, why string) {
	c.out.Inert = append(c.out.Inert, model.Unmodelled{Layer: LayerLinkerd, Object: o.Ref(), Field: field, Why: why})
}

// compileLinkerd compiles the stream's Linkerd policy objects.
func compileLinkerd(objs []Object, _ Cluster) model.Compiled {
	c := &linkerdCompiler{srvObj: map[*linkerdServer]*Object{}, sazObj: map[*linkerdServerAuthorization]*Object{},
		apObj: map[*linkerdAuthorizationPolicy]*Object{}, mtls: map[string]*linkerdAuthn{},
		networks: map[string]*linkerdAuthn{}, routes: map[string]*linkerdHTTPRoute{},
		routeObj: map[*linkerdHTTPRoute]*Object{}, skipped: map[string]bool{}}
	c.out.Inert = append(c.out.Inert, model.Unmodelled{Layer: LayerLinkerd, Object: "Linkerd default inbound policy", Why: linkerdNotice})
	for i := range objs {
		c.decode(&objs[i])
	}
	c.compileServers()
	c.reportUnused()
	return c.out
}

// decode decodes one object strictly and files it by kind.
func (c *linkerdCompiler) decode(o *Object) {
	_, version, _ := strings.Cut(o.APIVersion, "/")
	known := false
	for _, v := range linkerdVersions[o.Kind] {
		known = known || v == version
	}
	if !known {
		c.unmodelled(o, "apiVersion", fmt.Sprintf("%s is not a served version of %s", o.APIVersion, o.Kind))
		return
	}
	if o.Namespace == "" {
		c.unmodelled(o, "metadata.namespace", o.Kind+" is namespaced; the object has no namespace")
		return
	}
	fail := func(err error) {
		c.unmodelled(o, "", fmt.Sprintf("does not decode as policy.linkerd.io %s %s: %v", version, o.Kind, err))
	}
	key := o.Namespace + "/" + o.Name
	switch o.Kind {
	case "Server":
		s := &linkerdServer{}
		if err := o.decode(s); err != nil {
			fail(err)
			return
		}
		if s.Spec.AccessPolicy != nil && version != "v1beta3" {
			fail(fmt.Errorf("unknown field \"accessPolicy\" (served from v1beta3)"))
			return
		}
		if s.Spec.ExternalWorkloadSelector != nil && (version == "v1alpha1" || version == "v1beta1") {
			fail(fmt.Errorf("unknown field \"externalWorkloadSelector\" (served from v1beta2)"))
			return
		}
		c.servers = append(c.servers, s)
		c.srvObj[s] = o
	case "ServerAuthorization":
		s := &linkerdServerAuthorization{}
		if err := o.decode(s); err != nil {
			fail(err)
			return
		}
		c.saz = append(c.saz, s)
		c.sazObj[s] = o
	case "AuthorizationPolicy":
		a := &linkerdAuthorizationPolicy{}
		if err := o.decode(a); err != nil {
			fail(err)
			return
		}
		c.aps = append(c.aps, a)
		c.apObj[a] = o
	case "MeshTLSAuthentication":
		m := &linkerdMeshTLSAuthentication{}
		if err := o.decode(m); err != nil {
			fail(err)
			return
		}
		c.mtls[key] = linkerdMeshTLS(o.Namespace, m)
		if a := c.mtls[key]; a.unmodelled != "" {
			c.unmodelled(o, a.field, a.unmodelled)
		}
	case "NetworkAuthentication":
		n := &linkerdNetworkAuthentication{}
		if err := o.decode(n); err != nil {
			fail(err)
			return
		}
		a := &linkerdAuthn{nets: true}
		if len(n.Spec.Networks) == 0 {
			a.unmodelled, a.field = "no networks: Linkerd's admission webhook rejects it", "spec.networks"
		} else {
			a.peers, a.all, a.field, a.unmodelled = linkerdNetworks(n.Spec.Networks, "spec.networks")
		}
		if a.unmodelled != "" {
			c.unmodelled(o, a.field, a.unmodelled)
		}
		c.networks[key] = a
	case "HTTPRoute":
		r := &linkerdHTTPRoute{}
		if err := o.decode(r); err != nil {
			fail(err)
			return
		}
		c.routes[key] = r
		c.routeObj[r] = o
	}
}

// linkerdIsKind reports whether a reference's group and kind name
// wantGroup/wantKind as Linkerd reads references: case-insensitively, an
// empty group being the core group.
func linkerdIsKind(group, kind, wantGroup, wantKind string) bool {
	core := func(g string) string {
		if g == "" {
			return "core"
		}
		return g
	}
	return strings.EqualFold(core(group), core(wantGroup)) && strings.EqualFold(kind, wantKind)
}

// linkerdNetworks compiles networks into address peers; all says they cover
// every IPv4 and IPv6 address.
func linkerdNetworks(nets []linkerdNetwork, field string) (peers []model.Peer, all bool, badField, why string) {
	v4, v6 := false, false
	for i, n := range nets {
		f := fmt.Sprintf("%s[%d]", field, i)
		cidr, err := linkerdParseNet(n.Cidr)
		if err != nil {
			return nil, false, f + ".cidr", fmt.Sprintf("cidr %q: %v", n.Cidr, err)
		}
		p := model.Peer{Addrs: true, Nets: []netip.Prefix{cidr}}
		for j, x := range n.Except {
			pre, err := linkerdParseNet(x)
			if err != nil {
				return nil, false, fmt.Sprintf("%s.except[%d]", f, j), fmt.Sprintf("except %q: %v", x, err)
			}
			covers := pre.Bits() <= cidr.Bits() && pre.Contains(cidr.Addr())
			inside := cidr.Bits() <= pre.Bits() && cidr.Contains(pre.Addr())
			if covers || !inside {
				return nil, false, fmt.Sprintf("%s.except[%d]", f, j), fmt.Sprintf("except %s is not strictly inside cidr %s: Linkerd's admission webhook rejects it", pre, cidr)
			}
			p.Except = append(p.Except, pre)
		}
		if cidr.Bits() == 0 && len(p.Except) == 0 {
			v4, v6 = v4 || cidr.Addr().Is4(), v6 || cidr.Addr().Is6()
		}
		peers = append(peers, p)
	}
	return peers, v4 && v6, "", ""
}

// linkerdParseNet parses a CIDR or a single address (Linkerd's IpNet
// accepts both).
func linkerdParseNet(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR or an address")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// linkerdMeshed are the meshed pods of namespaces ns matches whose labels
// match sa: a pod whose own inject value is enabled or ingress, or which has
// none in a namespace whose value is.
func linkerdMeshed(ns, sa model.Match) []model.Peer {
	on, _ := labels.NewRequirement(LinkerdInjectLabel, selection.In, []string{"enabled", "ingress"})
	unset, _ := labels.NewRequirement(LinkerdInjectLabel, selection.DoesNotExist, nil)
	injected := model.Selector(labels.NewSelector().Add(*on))
	return []model.Peer{
		{Pods: true, NS: ns, Labels: model.And(sa, injected)},
		{Pods: true, NS: model.And(ns, injected), Labels: model.And(sa, model.Selector(labels.NewSelector().Add(*unset)))},
	}
}

// linkerdServiceAccount are the meshed pods running as ServiceAccount sa of
// namespace ns ("" for every ServiceAccount of ns).
func linkerdServiceAccount(ns, sa string) []model.Peer {
	nsM := model.Labels(map[string]string{corev1.LabelMetadataName: ns})
	saM := model.Everything()
	if sa != "" {
		saM = model.Labels(map[string]string{model.ServiceAccountLabel: sa})
	}
	return linkerdMeshed(nsM, saM)
}

// linkerdIdentity compiles one identity string: "*" (every meshed client),
// "*.<suffix>" (the identities under a domain) or an exact identity.
func linkerdIdentity(id string) ([]model.Peer, string) {
	domain := strings.Split(linkerdIdentityDomain, ".")
	if id == "*" {
		return linkerdMeshed(model.Everything(), model.Everything()), ""
	}
	if rest, ok := strings.CutPrefix(id, "*."); ok {
		parts := strings.Split(rest, ".")
		switch {
		case len(parts) <= len(domain) && strings.Join(domain[len(domain)-len(parts):], ".") == rest:
			return linkerdMeshed(model.Everything(), model.Everything()), ""
		case len(parts) == len(domain)+1 && strings.Join(parts[1:], ".") == linkerdIdentityDomain && parts[0] != "":
			return linkerdServiceAccount(parts[0], ""), ""
		}
		return nil, fmt.Sprintf("identity %q: only *, *.<namespace>.%s and its parent domains are modelled", id, linkerdIdentityDomain)
	}
	if rest, ok := strings.CutSuffix(id, "."+linkerdIdentityDomain); ok {
		if i := strings.LastIndexByte(rest, '.'); i > 0 && i < len(rest)-1 {
			return linkerdServiceAccount(rest[i+1:], rest[:i]), ""
		}
	}
	return nil, fmt.Sprintf("identity %q is not <serviceaccount>.<namespace>.%s", id, linkerdIdentityDomain)
}

// linkerdMeshTLS resolves a MeshTLSAuthentication of namespace ns.
func linkerdMeshTLS(ns string, m *linkerdMeshTLSAuthentication) *linkerdAuthn {
	a := &linkerdAuthn{peers: []model.Peer{}}
	switch {
	case len(m.Spec.Identities) > 0 && len(m.Spec.IdentityRefs) > 0:
		a.unmodelled, a.field = "both identities and identityRefs: the CRD schema admits exactly one", "spec"
		return a
	case len(m.Spec.Identities) == 0 && len(m.Spec.IdentityRefs) == 0:
		a.unmodelled, a.field = "no identities: the CRD schema requires identities or identityRefs", "spec"
		return a
	}
	for i, id := range m.Spec.Identities {
		peers, why := linkerdIdentity(id)
		if why != "" {
			a.unmodelled, a.field = why, fmt.Sprintf("spec.identities[%d]", i)
			return a
		}
		a.peers = append(a.peers, peers...)
	}
	for i, r := range m.Spec.IdentityRefs {
		f := fmt.Sprintf("spec.identityRefs[%d]", i)
		name := ""
		if r.Name != nil {
			name = *r.Name
		}
		sa, nsKind := linkerdIsKind(r.Group, r.Kind, "", "ServiceAccount"), linkerdIsKind(r.Group, r.Kind, "", "Namespace")
		switch {
		case sa && name == "":
			// The CRD says an unnamed ref means every ServiceAccount, but
			// Linkerd's controller requires a name and cannot read the
			// object; kind Namespace is the working form.
			a.unmodelled = "ServiceAccount identityRef without a name: Linkerd's policy controller requires the name (use kind: Namespace for every ServiceAccount of a namespace)"
		case sa:
			refNS := ns
			if r.Namespace != nil && *r.Namespace != "" {
				refNS = *r.Namespace
			}
			a.peers = append(a.peers, linkerdServiceAccount(refNS, name)...)
		case nsKind && r.Namespace != nil:
			a.unmodelled = "Namespace identityRef with a namespace: Linkerd's admission webhook rejects it"
		case nsKind && name == "":
			a.unmodelled = "Namespace identityRef without a name"
		case nsKind:
			a.peers = append(a.peers, linkerdServiceAccount(name, "")...)
		default:
			a.unmodelled = fmt.Sprintf("identityRef of kind %q (group %q): Linkerd's admission webhook accepts only ServiceAccount and Namespace", r.Kind, r.Group)
		}
		if a.unmodelled != "" {
			a.field = f
			return a
		}
	}
	return a
}

// linkerdBoth is the conjunction of an identity restriction and a network
// one, when the model can hold it.
func linkerdBoth(ids []model.Peer, nets *linkerdAuthn) ([]model.Peer, string) {
	switch {
	case nets == nil:
		return ids, ""
	case ids == nil && nets.all:
		// every address: every client, pods included
		return nil, ""
	case ids == nil:
		return nets.peers, ""
	case nets.all:
		return ids, ""
	}
	return nil, "requires a mesh identity AND a client network: one model peer cannot hold both conditions"
}

// policyAuthz compiles an AuthorizationPolicy's requiredAuthenticationRefs,
// or says why it is not compiled (inert: Linkerd ignores it).
func (c *linkerdCompiler) policyAuthz(a *linkerdAuthorizationPolicy, o *Object) (peers []model.Peer, field, unmodelled, inert string) {
	var ids []model.Peer
	var nets *linkerdAuthn
	nMTLS, nSA, nNet := 0, 0, 0
	for _, r := range a.Spec.RequiredAuthenticationRefs {
		switch {
		case linkerdIsKind(r.Group, r.Kind, linkerdGroup, "MeshTLSAuthentication"):
			nMTLS++
		case linkerdIsKind(r.Group, r.Kind, "", "ServiceAccount"):
			nSA++
		case linkerdIsKind(r.Group, r.Kind, linkerdGroup, "NetworkAuthentication"):
			nNet++
		}
	}
	if nMTLS+nSA > 1 || nNet > 1 {
		return nil, "spec.requiredAuthenticationRefs", "more than one identity (MeshTLSAuthentication or ServiceAccount) or NetworkAuthentication: Linkerd's admission webhook rejects it", ""
	}
	for i, r := range a.Spec.RequiredAuthenticationRefs {
		f := fmt.Sprintf("spec.requiredAuthenticationRefs[%d]", i)
		name := ""
		if r.Name != nil {
			name = *r.Name
		}
		ns := o.Namespace
		if r.Namespace != nil && *r.Namespace != "" {
			ns = *r.Namespace
		}
		switch {
		case name == "":
			return nil, f + ".name", "authentication ref without a name: the CRD schema requires it", ""
		case linkerdIsKind(r.Group, r.Kind, linkerdGroup, "MeshTLSAuthentication"):
			m := c.mtls[ns+"/"+name]
			if m == nil {
				return nil, f, "", fmt.Sprintf("MeshTLSAuthentication %s/%s is not in the stream: Linkerd ignores the policy", ns, name)
			}
			if m.unmodelled != "" {
				return nil, f, fmt.Sprintf("requires MeshTLSAuthentication %s/%s, which is not modelled (%s)", ns, name, m.unmodelled), ""
			}
			ids = m.peers
		case linkerdIsKind(r.Group, r.Kind, "", "ServiceAccount"):
			ids = linkerdServiceAccount(ns, name)
		case linkerdIsKind(r.Group, r.Kind, linkerdGroup, "NetworkAuthentication"):
			n := c.networks[ns+"/"+name]
			if n == nil {
				return nil, f, "", fmt.Sprintf("NetworkAuthentication %s/%s is not in the stream: Linkerd ignores the policy", ns, name)
			}
			if n.unmodelled != "" {
				return nil, f, fmt.Sprintf("requires NetworkAuthentication %s/%s, which is not modelled (%s)", ns, name, n.unmodelled), ""
			}
			nets = n
		default:
			return nil, f, fmt.Sprintf("authentication of kind %q (group %q): Linkerd's admission webhook rejects it", r.Kind, r.Group), ""
		}
	}
	peers, why := linkerdBoth(ids, nets)
	if why != "" {
		return nil, "spec.requiredAuthenticationRefs", why, ""
	}
	return peers, "", "", ""
}

// linkerdSazAuthz compiles a ServerAuthorization's client.
func linkerdSazAuthz(s *linkerdServerAuthorization) (peers []model.Peer, field, unmodelled, inert string) {
	cl := &s.Spec.Client
	var nets *linkerdAuthn
	if len(cl.Networks) > 0 {
		p, all, f, why := linkerdNetworks(cl.Networks, "spec.client.networks")
		if why != "" {
			return nil, f, why, ""
		}
		nets = &linkerdAuthn{peers: p, all: all, nets: true}
	}
	switch {
	case cl.MeshTLS != nil && cl.Unauthenticated:
		return nil, "spec.client", "both meshTLS and unauthenticated: Linkerd's admission webhook rejects it", ""
	case cl.Unauthenticated:
		if nets == nil {
			return nil, "spec.client.unauthenticated", "unauthenticated clients without networks are admitted from the install's clusterNetworks, which the proof does not know", ""
		}
		p, _ := linkerdBoth(nil, nets)
		return p, "", "", ""
	case cl.MeshTLS != nil:
		m := cl.MeshTLS
		if m.UnauthenticatedTLS {
			if len(m.Identities)+len(m.ServiceAccounts) > 0 {
				return nil, "spec.client.meshTLS", "unauthenticatedTLS with identities: Linkerd's admission webhook rejects it", ""
			}
			return nil, "spec.client.meshTLS.unauthenticatedTLS", "TLS clients without a verified identity: the model has no such peer", ""
		}
		ids := []model.Peer{}
		for i, id := range m.Identities {
			p, why := linkerdIdentity(id)
			if why != "" {
				return nil, fmt.Sprintf("spec.client.meshTLS.identities[%d]", i), why, ""
			}
			ids = append(ids, p...)
		}
		for i, sa := range m.ServiceAccounts {
			if sa.Name == "" {
				return nil, fmt.Sprintf("spec.client.meshTLS.serviceAccounts[%d]", i), "serviceAccount without a name", ""
			}
			ns := s.Metadata.Namespace
			if sa.Namespace != "" {
				ns = sa.Namespace
			}
			ids = append(ids, linkerdServiceAccount(ns, sa.Name)...)
		}
		if len(ids) == 0 {
			return nil, "spec.client.meshTLS", "", "authorizes no clients: Linkerd ignores it"
		}
		// Without networks, meshed clients are admitted from the cluster's
		// networks, which hold every pod.
		p, why := linkerdBoth(ids, nets)
		if why != "" {
			return nil, "spec.client", why, ""
		}
		return p, "", "", ""
	}
	return nil, "spec.client", "", "no client authentication configured: Linkerd ignores it"
}

// linkerdServerPort is the Server's port as a model port, or why it is not one.
func linkerdServerPort(s *linkerdServer) (model.Port, string) {
	p := s.Spec.Port
	switch {
	case p == nil:
		return model.Port{}, "no port: the CRD schema requires it"
	case p.Type == intstr.Int:
		if p.IntVal < 1 || p.IntVal > 65535 {
			return model.Port{}, fmt.Sprintf("port %d is not a port number", p.IntVal)
		}
		return model.Port{Protocol: corev1.ProtocolTCP, Lo: p.IntVal, Hi: p.IntVal}, ""
	}
	if errs := validation.IsValidPortName(p.StrVal); len(errs) > 0 {
		return model.Port{}, fmt.Sprintf("port %q is not a port name", p.StrVal)
	}
	return model.Port{Protocol: corev1.ProtocolTCP, Name: p.StrVal}, ""
}

// linkerdProxyProtocols are the values of Server.spec.proxyProtocol. The
// protocol only shapes how the proxy reads the connection; authorization is
// the same.
var linkerdProxyProtocols = map[string]bool{"": true, "unknown": true, "HTTP/1": true, "HTTP/2": true, "gRPC": true, "opaque": true, "TLS": true}

// compileServers makes one policy per Server, in Linkerd's precedence.
func (c *linkerdCompiler) compileServers() {
	sort.SliceStable(c.servers, func(i, j int) bool {
		a, b := c.servers[i], c.servers[j]
		ta, tb := a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp
		if !ta.Equal(&tb) {
			return ta.Before(&tb)
		}
		return c.srvObj[a].Ref() < c.srvObj[b].Ref()
	})
	sort.SliceStable(c.aps, func(i, j int) bool { return c.apObj[c.aps[i]].Ref() < c.apObj[c.aps[j]].Ref() })
	sort.SliceStable(c.saz, func(i, j int) bool { return c.sazObj[c.saz[i]].Ref() < c.sazObj[c.saz[j]].Ref() })
	for seq, s := range c.servers {
		c.compileServer(s, c.srvObj[s], seq)
	}
}

func (c *linkerdCompiler) compileServer(s *linkerdServer, o *Object, seq int) {
	if s.Spec.PodSelector == nil {
		if s.Spec.ExternalWorkloadSelector != nil {
			c.inert(o, "spec.externalWorkloadSelector", "selects ExternalWorkloads (workloads outside the cluster), not pods")
			return
		}
		c.unmodelled(o, "spec", "neither podSelector nor externalWorkloadSelector: the CRD schema requires one")
		return
	}
	if s.Spec.ExternalWorkloadSelector != nil {
		c.unmodelled(o, "spec", "both podSelector and externalWorkloadSelector: the CRD schema admits exactly one")
		return
	}
	sel, err := metav1.LabelSelectorAsSelector(s.Spec.PodSelector)
	if err != nil {
		c.unmodelled(o, "spec.podSelector", fmt.Sprintf("invalid selector: %v", err))
		return
	}
	port, why := linkerdServerPort(s)
	if why != "" {
		c.unmodelled(o, "spec.port", why)
		return
	}
	if !linkerdProxyProtocols[s.Spec.ProxyProtocol] {
		c.unmodelled(o, "spec.proxyProtocol", fmt.Sprintf("proxyProtocol %q is not one of unknown, HTTP/1, HTTP/2, gRPC, opaque, TLS", s.Spec.ProxyProtocol))
		return
	}
	access := "deny"
	if s.Spec.AccessPolicy != nil {
		access = *s.Spec.AccessPolicy
	}
	var accessRule *model.Rule
	switch access {
	case "deny":
	case "all-unauthenticated", "audit":
		// audit lets every request through and flags the unauthorized ones.
		accessRule = &model.Rule{Action: model.Allow}
	case "all-authenticated", "cluster-authenticated":
		// Meshed clients are pods, which lie in the cluster's networks.
		accessRule = &model.Rule{Action: model.Allow, Peers: linkerdMeshed(model.Everything(), model.Everything())}
	case "cluster-unauthenticated":
		c.unmodelled(o, "spec.accessPolicy", "cluster-unauthenticated admits any client from the install's clusterNetworks, which the proof does not know")
		return
	default:
		c.unmodelled(o, "spec.accessPolicy", fmt.Sprintf("accessPolicy %q is not a default policy: Linkerd's admission webhook rejects it", access))
		return
	}
	ns := o.Namespace
	ports := []model.Port{port}
	p := model.Policy{Layer: LayerLinkerd, Object: o.Ref(), Point: model.Mesh, Tier: linkerdTier, Seq: seq,
		Subject: []model.Peer{{Pods: true, NS: model.Labels(map[string]string{corev1.LabelMetadataName: ns}), Labels: model.Selector(sel)}}}

	routes := c.serverRoutes(o.Name, ns)
	serverL7 := ""
	if len(routes) > 0 {
		names := make([]string, len(routes))
		for i, r := range routes {
			names[i] = c.routeObj[r].Ref()
		}
		serverL7 = "only requests matching " + strings.Join(names, ", ") + " are served"
	}
	var authzs []linkerdAuthz
	for _, z := range c.saz {
		zo := c.sazObj[z]
		if zo.Namespace != ns || !c.sazSelects(z, zo, o.Name, s.Metadata.Labels) {
			continue
		}
		peers, field, unm, inert := linkerdSazAuthz(z)
		if c.report(zo, field, unm, inert) {
			continue
		}
		authzs = append(authzs, linkerdAuthz{peers: peers, where: zo.Ref() + " spec.client", l7: serverL7})
	}
	for _, a := range c.aps {
		ao := c.apObj[a]
		if ao.Namespace != ns || !c.apTargets(a, ao, "Server", o.Name) {
			continue
		}
		peers, field, unm, inert := c.policyAuthz(a, ao)
		if c.report(ao, field, unm, inert) {
			continue
		}
		authzs = append(authzs, linkerdAuthz{peers: peers, where: ao.Ref() + " spec.requiredAuthenticationRefs", l7: serverL7})
	}
	for _, r := range routes {
		ro := c.routeObj[r]
		for _, a := range c.aps {
			ao := c.apObj[a]
			if ao.Namespace != ns || !c.apTargets(a, ao, "HTTPRoute", ro.Name) {
				continue
			}
			peers, field, unm, inert := c.policyAuthz(a, ao)
			if c.report(ao, field, unm, inert) {
				continue
			}
			authzs = append(authzs, linkerdAuthz{peers: peers, where: ao.Ref() + " spec.requiredAuthenticationRefs", l7: linkerdRouteL7(ro, r)})
		}
	}
	for _, z := range authzs {
		p.Ingress = append(p.Ingress, model.Rule{Action: model.Allow, Peers: z.peers, Ports: ports, Where: z.where, L7: z.l7})
	}
	if accessRule != nil {
		accessRule.Ports, accessRule.Where, accessRule.L7 = ports, "spec.accessPolicy", serverL7
		p.Ingress = append(p.Ingress, *accessRule)
	}
	p.Ingress = append(p.Ingress, model.Rule{Action: model.Deny, Ports: ports, Where: "spec.port (no authorization admits the client)", Builtin: true})
	c.out.Policies = append(c.out.Policies, p)
}

// report files an authorization's Unmodelled or Inert entry once, and says
// whether it was one.
func (c *linkerdCompiler) report(o *Object, field, unmodelled, inert string) bool {
	if unmodelled == "" && inert == "" {
		return false
	}
	if !c.skipped[o.Ref()] {
		c.skipped[o.Ref()] = true
		if unmodelled != "" {
			c.unmodelled(o, field, unmodelled)
		} else {
			c.inert(o, field, inert)
		}
	}
	return true
}

// sazSelects reports whether the ServerAuthorization selects Server name
// with labels; a bad selector is reported.
func (c *linkerdCompiler) sazSelects(z *linkerdServerAuthorization, o *Object, name string, l map[string]string) bool {
	srv := &z.Spec.Server
	switch {
	case srv.Name != "" && srv.Selector != nil:
		c.report(o, "spec.server", "both name and selector: the documentation admits exactly one", "")
		return false
	case srv.Name != "":
		return srv.Name == name
	case srv.Selector == nil:
		c.report(o, "spec.server", "neither name nor selector", "")
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(srv.Selector)
	if err != nil {
		c.report(o, "spec.server.selector", fmt.Sprintf("invalid selector: %v", err), "")
		return false
	}
	return sel.Matches(labels.Set(l))
}

// apTargets reports whether the AuthorizationPolicy targets the object
// kind/name of its namespace (a Namespace target is every Server of it);
// an unsupported target is reported.
func (c *linkerdCompiler) apTargets(a *linkerdAuthorizationPolicy, o *Object, kind, name string) bool {
	t := &a.Spec.TargetRef
	tname := ""
	if t.Name != nil {
		tname = *t.Name
	}
	switch {
	case t.Name == nil || tname == "":
		c.report(o, "spec.targetRef.name", "targetRef without a name: the CRD schema requires it", "")
		return false
	case t.Namespace != nil:
		c.report(o, "spec.targetRef.namespace", "a targetRef has no namespace in the CRD schema", "")
		return false
	case linkerdIsKind(t.Group, t.Kind, "", "Namespace"):
		if tname != o.Namespace {
			c.report(o, "spec.targetRef", fmt.Sprintf("targets namespace %q, not its own: Linkerd's admission webhook rejects it", tname), "")
			return false
		}
		return kind == "Server"
	case linkerdIsKind(t.Group, t.Kind, linkerdGroup, "Server") || linkerdIsKind(t.Group, t.Kind, linkerdGroup, "HTTPRoute"):
		return strings.EqualFold(t.Kind, kind) && tname == name
	case linkerdIsKind(t.Group, t.Kind, "gateway.networking.k8s.io", "HTTPRoute") || linkerdIsKind(t.Group, t.Kind, "gateway.networking.k8s.io", "GRPCRoute"):
		c.report(o, "spec.targetRef", fmt.Sprintf("targets a Gateway API %s, which this adapter does not read", t.Kind), "")
		return false
	}
	c.report(o, "spec.targetRef", fmt.Sprintf("target of kind %q (group %q): Linkerd's admission webhook rejects it", t.Kind, t.Group), "")
	return false
}

// serverRoutes are the HTTPRoutes attached to Server name of namespace ns,
// by name.
func (c *linkerdCompiler) serverRoutes(name, ns string) []*linkerdHTTPRoute {
	var out []*linkerdHTTPRoute
	for _, r := range c.routes {
		ro := c.routeObj[r]
		if ro.Namespace == ns && linkerdRouteServers(r, ns)[name] {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return c.routeObj[out[i]].Ref() < c.routeObj[out[j]].Ref() })
	return out
}

// linkerdRouteServers are the Servers of namespace ns a route attaches to.
func linkerdRouteServers(r *linkerdHTTPRoute, ns string) map[string]bool {
	out := map[string]bool{}
	for _, pr := range r.Spec.ParentRefs {
		if pr.Kind != nil && pr.Group != nil && linkerdIsKind(*pr.Group, *pr.Kind, linkerdGroup, "Server") &&
			(pr.Namespace == nil || *pr.Namespace == ns) {
			out[pr.Name] = true
		}
	}
	return out
}

// linkerdRouteL7 names the requests a route matches.
func linkerdRouteL7(o *Object, r *linkerdHTTPRoute) string {
	var ms []string
	for _, rule := range r.Spec.Rules {
		if len(rule.Matches) == 0 {
			ms = append(ms, "PathPrefix /")
		}
		for _, m := range rule.Matches {
			var parts []string
			if m.Method != nil {
				parts = append(parts, *m.Method)
			}
			if m.Path != nil {
				t, v := "PathPrefix", "/"
				if m.Path.Type != nil {
					t = *m.Path.Type
				}
				if m.Path.Value != nil {
					v = *m.Path.Value
				}
				parts = append(parts, t+" "+v)
			}
			for _, h := range m.Headers {
				parts = append(parts, "header "+h.Name+"="+h.Value)
			}
			for _, q := range m.QueryParams {
				parts = append(parts, "query "+q.Name+"="+q.Value)
			}
			if len(parts) == 0 {
				parts = append(parts, "PathPrefix /")
			}
			ms = append(ms, strings.Join(parts, " "))
		}
	}
	if len(r.Spec.Rules) == 0 {
		ms = append(ms, "no request")
	}
	s := "requests matching " + o.Ref() + ": " + strings.Join(ms, "; ")
	if len(r.Spec.Hostnames) > 0 {
		s += " (hosts " + strings.Join(r.Spec.Hostnames, ", ") + ")"
	}
	return s
}

// reportUnused lists the authorizations and routes that attach to no Server
// of the stream: they decide nothing.
func (c *linkerdCompiler) reportUnused() {
	servers := map[string]*linkerdServer{}
	for _, s := range c.servers {
		servers[c.srvObj[s].Namespace+"/"+c.srvObj[s].Name] = s
	}
	for _, a := range c.aps {
		ao := c.apObj[a]
		if c.skipped[ao.Ref()] {
			continue
		}
		t := &a.Spec.TargetRef
		name := ""
		if t.Name != nil {
			name = *t.Name
		}
		used := false
		switch {
		case linkerdIsKind(t.Group, t.Kind, "", "Namespace"):
			for _, s := range c.servers {
				used = used || c.srvObj[s].Namespace == ao.Namespace
			}
		case linkerdIsKind(t.Group, t.Kind, linkerdGroup, "Server"):
			used = servers[ao.Namespace+"/"+name] != nil
		case linkerdIsKind(t.Group, t.Kind, linkerdGroup, "HTTPRoute"):
			if r := c.routes[ao.Namespace+"/"+name]; r != nil {
				for sn := range linkerdRouteServers(r, ao.Namespace) {
					used = used || servers[ao.Namespace+"/"+sn] != nil
				}
			}
		}
		// a target of a bad form is reported as such, not as unused
		c.apTargets(a, ao, "", "")
		if !used && !c.skipped[ao.Ref()] {
			c.report(ao, "spec.targetRef", "", fmt.Sprintf("targets %s %s, which attaches to no Server in the stream", t.Kind, name))
		}
	}
	for _, z := range c.saz {
		zo := c.sazObj[z]
		if c.skipped[zo.Ref()] {
			continue
		}
		used := false
		for _, s := range c.servers {
			so := c.srvObj[s]
			used = used || so.Namespace == zo.Namespace && c.sazSelects(z, zo, so.Name, s.Metadata.Labels)
		}
		if !used && !c.skipped[zo.Ref()] {
			c.report(zo, "spec.server", "", "selects no Server in the stream")
		}
	}
	keys := make([]string, 0, len(c.routes))
	for k := range c.routes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := c.routes[k]
		ro := c.routeObj[r]
		if len(linkerdRouteServers(r, ro.Namespace)) == 0 {
			c.inert(ro, "spec.parentRefs", "has no Server parent: it routes clients' outbound requests, which inbound authorization does not read")
		}
	}
}
