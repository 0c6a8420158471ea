package dialect

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	securityv1beta1 "istio.io/api/security/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"netid.dev/netid/fn/internal/proof/model"
)

// Istio authorization (security.istio.io AuthorizationPolicy and
// PeerAuthentication, v1 and v1beta1) at the mesh point: the destination's
// sidecar, or ztunnel for an ambient pod.
//
// AuthorizationPolicy (https://istio.io/latest/docs/reference/config/security/authorization-policy/):
// a policy applies to the workloads of its namespace its selector selects,
// to every namespace's when it lives in the root namespace (assumed
// istio-system, the default). CUSTOM is read first, then DENY ("if there are
// any DENY policies that match the request, deny"), then ALLOW ("if there
// are no ALLOW policies for the workload, allow; if any of the ALLOW
// policies match, allow; deny"); AUDIT decides nothing. A rule matches when
// one source, one operation and every condition match; `spec: {}` matches
// nothing, `rules: [{}]` everything. Only pods in the mesh (IstioMeshed) are
// subjects: a policy selecting a pod without a proxy decides nothing.
//
// Identities (principals, namespaces, serviceAccounts) come from the peer's
// mTLS certificate ("this field requires mTLS enabled"), which only a meshed
// caller presents; a plaintext caller has none, so a positive identity field
// never matches it and a negative one (notPrincipals) always does
// (https://istio.io/latest/news/security/istio-security-2021-004/: these
// fields are "compared to an empty value when mTLS is not used"). The trust
// domain is assumed cluster.local.
//
// Attributes above layer 4 (hosts, methods, paths, requestPrincipals,
// request.* conditions) are read as HTTP at a sidecar: an ALLOW rule with
// them admits the connection with only some requests (Rule.L7); a DENY rule
// with them denies only some requests and not the connection, so it is left
// out at layer 4 and listed Inert. At an ambient pod ztunnel reads no HTTP
// attribute: "within an ALLOW policy, rules matching HTTP attributes are
// omitted" and a "DENY policy with HTTP attributes is enforced without the
// HTTP rules" (istiod's conversion for ztunnel; https://istio.io/latest/docs/ambient/usage/l4-policy/).
//
// PeerAuthentication (https://istio.io/latest/docs/reference/config/security/peer_authentication/,
// https://istio.io/latest/docs/concepts/security/#peer-authentication):
// the workload-specific policy wins over the namespace-wide one, which wins
// over the mesh-wide one (root namespace, no selector); a port-level mode
// wins over the workload's mode; UNSET inherits. STRICT makes a meshed
// destination refuse plaintext: callers outside the mesh are denied, read
// before the DENY policies.
//
// Sidecars and ztunnel intercept TCP only: UDP and SCTP reach the pod
// without the mesh judging them.
func init() {
	register(&adapter{layer: LayerIstio, enforced: func(Cluster) bool { return true }, compile: compileIstio},
		"security.istio.io/AuthorizationPolicy", "security.istio.io/PeerAuthentication")
}

// istioRootNamespace is the mesh's root namespace (MeshConfig
// rootNamespace), assumed the default.
const istioRootNamespace = "istio-system"

// The mesh point's tiers: PeerAuthentication (mTLS) before DENY before
// ALLOW. CUSTOM, read first by Istio, is never compiled (Unmodelled).
const (
	istioTierMTLS  float64 = 100
	istioTierDeny  float64 = 200
	istioTierAllow float64 = 300
)

func compileIstio(objs []Object, _ Cluster) model.Compiled {
	var out model.Compiled
	var pas []istioPeerAuthn
	for i := range objs {
		o := &objs[i]
		switch o.Kind {
		case "AuthorizationPolicy":
			out.Add(istioAuthorization(o, i))
		case "PeerAuthentication":
			pa, c := istioDecodePeerAuthn(o, i)
			out.Add(c)
			if pa != nil {
				pas = append(pas, *pa)
			}
		}
	}
	out.Add(istioPeerAuthns(pas))
	if len(out.Policies) > 0 {
		out.Policies = append(out.Policies, istioZtunnel())
	}
	return out
}

// istioZtunnel is what ztunnel admits at an ambient pod before any policy:
// the kubelet's health probes, which istio-cni SNATs to the link-local
// 169.254.7.127 (istio.io/latest/docs/ambient/usage/networkpolicy/,
// "Ambient, health probes, and Kubernetes NetworkPolicy": ztunnel knows the
// address and lets probes in), and HBONE, its mTLS tunnel port 15008, from
// the mesh's pods: a tunnelled connection is judged on the port it carries
// ("Ambient traffic overlay"), so the tunnel port itself decides nothing
// for meshed callers.
func istioZtunnel() model.Policy {
	probe := netip.MustParsePrefix("169.254.7.127/32")
	return model.Policy{Layer: LayerIstio, Object: "ztunnel (Istio ambient)", Point: model.Mesh, Tier: istioTierMTLS - 50,
		TierName: "Istio ztunnel", Subject: istioScope(istioRootNamespace, model.Everything(), istioAmbientOnly()),
		Ingress: []model.Rule{
			{Action: model.Allow, Peers: []model.Peer{{Addrs: true, Nets: []netip.Prefix{probe}}}, Where: "kubelet health probes from 169.254.7.127", Builtin: true},
			{Action: model.Allow, Peers: IstioMeshed(), Ports: []model.Port{{Protocol: corev1.ProtocolTCP, Lo: 15008, Hi: 15008}}, Where: "HBONE tunnel port 15008", Builtin: true},
		}}
}

// istioEnvelope is the object around its spec; the spec is decoded by the
// API's own protobuf types.
type istioEnvelope struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       json.RawMessage   `json:"spec"`
	Status     json.RawMessage   `json:"status,omitempty"`
}

// istioDecode decodes o strictly: unknown fields anywhere are errors.
func istioDecode(o *Object, spec proto.Message) (metav1.ObjectMeta, error) {
	var env istioEnvelope
	if err := o.decode(&env); err != nil {
		return env.Metadata, err
	}
	if env.Kind != o.Kind {
		return env.Metadata, fmt.Errorf("%s: kind %q in the object", o.Ref(), env.Kind)
	}
	switch env.APIVersion {
	case "security.istio.io/v1", "security.istio.io/v1beta1":
	default:
		return env.Metadata, fmt.Errorf("%s: apiVersion %q is not security.istio.io/v1 or v1beta1", o.Ref(), env.APIVersion)
	}
	raw := []byte(env.Spec)
	if len(raw) == 0 || string(raw) == "null" {
		raw = []byte("{}")
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(raw, spec); err != nil {
		return env.Metadata, fmt.Errorf("%s: spec: %w", o.Ref(), err)
	}
	return env.Metadata, nil
}

func istioNamespace(o *Object, meta metav1.ObjectMeta) string {
	switch {
	case o.Namespace != "":
		return o.Namespace
	case meta.Namespace != "":
		return meta.Namespace
	}
	return metav1.NamespaceDefault
}

// istioEntries collects an object's Unmodelled and Inert entries.
type istioEntries struct {
	o                 *Object
	unmodelled, inert []model.Unmodelled
}

func (e *istioEntries) unm(field, why string) {
	e.unmodelled = append(e.unmodelled, model.Unmodelled{Layer: LayerIstio, Object: e.o.Ref(), Field: field, Why: why})
}

func (e *istioEntries) inertf(field, why string) {
	e.inert = append(e.inert, model.Unmodelled{Layer: LayerIstio, Object: e.o.Ref(), Field: field, Why: why})
}

// istioSelector is a workload selector's matchLabels as a Match; an empty
// one selects every workload.
func istioSelector(ml map[string]string) (model.Match, error) {
	if len(ml) == 0 {
		return model.Everything(), nil
	}
	s, err := labels.ValidatedSelectorFromSet(ml)
	if err != nil {
		return model.Nothing(), err
	}
	return model.Selector(s), nil
}

// istioScope is the pods of the mesh a policy in namespace ns with
// workload selector sel applies to, among the meshed pods `meshed`.
func istioScope(ns string, sel model.Match, meshed []model.Peer) []model.Peer {
	nsm := model.Everything()
	if ns != istioRootNamespace {
		nsm = model.Labels(map[string]string{corev1.LabelMetadataName: ns})
	}
	return istioIntersect([]model.Peer{{Pods: true, NS: nsm, Labels: sel}}, meshed)
}

// ---- AuthorizationPolicy ----

// istioIdent is a mesh identity pattern: a namespace and a ServiceAccount,
// "" for any.
type istioIdent struct{ ns, sa string }

// istioIdentCond is one identity field: it holds when some term matches the
// caller's identity (negated for the not* fields).
type istioIdentCond struct {
	neg   bool
	terms []istioIdent
}

// istioIPCond is one source-address field.
type istioIPCond struct {
	neg  bool
	nets []netip.Prefix
}

// istioMatch is what one rule's source, operation and conditions ask at
// layers 3 and 4, and what they ask above.
type istioMatch struct {
	idents []istioIdentCond
	ips    []istioIPCond
	ports  istioPorts
	l7     []string
}

// istioAuthorization compiles one AuthorizationPolicy.
func istioAuthorization(o *Object, seq int) model.Compiled {
	e := &istioEntries{o: o}
	done := func(ps []model.Policy) model.Compiled {
		if len(e.unmodelled) > 0 {
			return model.Compiled{Unmodelled: e.unmodelled}
		}
		return model.Compiled{Policies: ps, Inert: e.inert}
	}
	var ap securityv1beta1.AuthorizationPolicy
	meta, err := istioDecode(o, &ap)
	if err != nil {
		e.unm("", "cannot decode: "+err.Error())
		return done(nil)
	}
	if meta.Annotations["istio.io/dry-run"] == "true" {
		e.inertf("metadata.annotations[istio.io/dry-run]", "dry-run: the policy is evaluated and logged, never enforced")
		return done(nil)
	}
	ns := istioNamespace(o, meta)
	switch ap.GetAction() {
	case securityv1beta1.AuthorizationPolicy_AUDIT:
		e.inertf("spec.action", "AUDIT only marks matching requests for audit logging; it allows and denies nothing")
		return done(nil)
	case securityv1beta1.AuthorizationPolicy_CUSTOM:
		e.unm("spec.action", "CUSTOM delegates the decision to an external authorizer (spec.provider), not known offline")
	case securityv1beta1.AuthorizationPolicy_ALLOW, securityv1beta1.AuthorizationPolicy_DENY:
		if ap.GetProvider() != nil {
			e.unm("spec.provider", "provider is valid only with action CUSTOM: Istio rejects the policy")
		}
	default:
		e.unm("spec.action", fmt.Sprintf("unknown action %v", ap.GetAction()))
	}
	if ap.GetTargetRef() != nil {
		e.unm("spec.targetRef", "attached to a gateway or waypoint by targetRef: the proxy it runs in is not modelled")
	}
	if len(ap.GetTargetRefs()) > 0 {
		e.unm("spec.targetRefs", "attached to a gateway or waypoint by targetRefs: the proxy it runs in is not modelled")
	}
	sel, err := istioSelector(ap.GetSelector().GetMatchLabels())
	if err != nil {
		e.unm("spec.selector.matchLabels", "invalid selector: "+err.Error())
	}
	deny := ap.GetAction() == securityv1beta1.AuthorizationPolicy_DENY
	type part struct {
		where string
		m     istioMatch
		peers []model.Peer // nil: every caller
	}
	var parts []part
	for ri, r := range ap.GetRules() {
		where := fmt.Sprintf("spec.rules[%d]", ri)
		when, ok := istioWhen(e, where, r.GetWhen())
		if !ok {
			continue
		}
		froms := r.GetFrom()
		tos := r.GetTo()
		ops := []istioMatch{{ports: istioAllPorts()}}
		if len(tos) > 0 {
			ops = ops[:0]
			for ti, to := range tos {
				op, good := istioOperationOf(e, fmt.Sprintf("%s.to[%d].operation", where, ti), to.GetOperation())
				ok = ok && good
				ops = append(ops, op)
			}
		}
		if !ok {
			continue
		}
		for fi := 0; fi < max(len(froms), 1); fi++ {
			// fpath is the source's path; fwhere names it in the rule's
			// Where only when the rule has several.
			src := istioMatch{}
			fpath, fwhere := where, where
			if len(froms) > 0 {
				fpath = fmt.Sprintf("%s.from[%d]", where, fi)
				if len(froms) > 1 {
					fwhere = fpath
				}
				if src, ok = istioSourceOf(e, fpath+".source", froms[fi].GetSource(), ns); !ok {
					continue
				}
			}
			src.idents = append(src.idents, when.idents...)
			src.ips = append(src.ips, when.ips...)
			if len(src.idents) > 0 && len(src.ips) > 0 {
				e.unm(fpath, "identity (principals, namespaces, serviceAccounts) and address (ipBlocks, source.ip) conditions together: the model cannot AND a caller's identity with its address")
				continue
			}
			peers, err := istioPeers(src)
			if err != nil {
				e.unm(fpath, err.Error())
				continue
			}
			for ti, op := range ops {
				pwhere := fwhere
				if len(tos) > 1 {
					pwhere = fmt.Sprintf("%s.to[%d]", fwhere, ti)
				}
				m := istioMatch{
					ports: op.ports.intersect(when.ports),
					l7:    append(append(append([]string(nil), src.l7...), op.l7...), when.l7...),
				}
				parts = append(parts, part{where: pwhere, m: m, peers: peers})
			}
		}
	}
	if len(e.unmodelled) > 0 {
		return done(nil)
	}
	base := model.Policy{Layer: LayerIstio, Object: o.Ref(), Point: model.Mesh, Seq: seq}
	if deny {
		base.Tier, base.TierName = istioTierDeny, "Istio DENY policies"
	} else {
		base.Tier, base.TierName = istioTierAllow, "Istio ALLOW policies"
		base.IsolatesIngress = true
	}
	bypass := model.Rule{Action: model.Allow, Where: "(UDP and SCTP: the proxy intercepts TCP only)", Builtin: true,
		Ports: []model.Port{{Protocol: corev1.ProtocolUDP}, {Protocol: corev1.ProtocolSCTP}}}
	// At a sidecar: HTTP attributes are read.
	side := base
	side.Subject = istioScope(ns, sel, istioSidecar())
	// At ztunnel: none is.
	amb := base
	amb.Subject = istioScope(ns, sel, istioAmbientOnly())
	if !deny {
		side.Ingress = []model.Rule{bypass}
		amb.Ingress = []model.Rule{bypass}
	}
	for _, p := range parts {
		l7 := strings.Join(p.m.l7, "; ")
		r := model.Rule{Action: model.Allow, Peers: p.peers, Ports: p.m.ports.model(), Where: p.where, L7: l7}
		if deny {
			r.Action = model.Deny
		}
		switch {
		case deny && l7 != "":
			e.inertf(p.where, "DENY rule on attributes above layer 4 ("+l7+"): at a sidecar it denies only the matching HTTP requests, not the connection "+
				"(on a port carrying plain TCP Istio would treat the missing attributes as matches and deny the connection; the proof assumes HTTP)")
			rt := r
			rt.L7 = ""
			amb.Ingress = append(amb.Ingress, rt)
		case deny:
			side.Ingress = append(side.Ingress, r)
			amb.Ingress = append(amb.Ingress, r)
		case l7 != "":
			side.Ingress = append(side.Ingress, r)
			e.inertf(p.where, "at ambient pods ztunnel omits an ALLOW rule on attributes above layer 4 ("+l7+"): it admits nothing there")
		default:
			side.Ingress = append(side.Ingress, r)
			amb.Ingress = append(amb.Ingress, r)
		}
	}
	return done([]model.Policy{side, amb})
}

// istioWhen reads a rule's conditions: the layer-4 keys become identity,
// address and port conditions, the others L7 text.
func istioWhen(e *istioEntries, where string, conds []*securityv1beta1.Condition) (istioMatch, bool) {
	m := istioMatch{ports: istioAllPorts()}
	ok := true
	for ci, c := range conds {
		field := fmt.Sprintf("%s.when[%d]", where, ci)
		if c.GetKey() == "" || len(c.GetValues())+len(c.GetNotValues()) == 0 {
			e.unm(field, "a condition needs a key and values or notValues: Istio rejects it")
			ok = false
			continue
		}
		for neg, vals := range [][]string{c.GetValues(), c.GetNotValues()} {
			neg := neg == 1
			if len(vals) == 0 {
				continue
			}
			vf := field + ".values"
			if neg {
				vf = field + ".notValues"
			}
			switch c.GetKey() {
			case "source.ip":
				nets, good := istioNets(e, vf, vals)
				ok = ok && good
				m.ips = append(m.ips, istioIPCond{neg: neg, nets: nets})
			case "source.namespace":
				ic, good := istioIdents(e, vf, vals, istioNamespaceTerm)
				ok = ok && good
				ic.neg = neg
				m.idents = append(m.idents, ic)
			case "source.principal":
				ic, good := istioIdents(e, vf, vals, istioPrincipalTerm)
				ok = ok && good
				ic.neg = neg
				m.idents = append(m.idents, ic)
			case "destination.port":
				ps, good := istioPortsOf(e, vf, vals)
				ok = ok && good
				if neg {
					ps = ps.complement()
				}
				m.ports = m.ports.intersect(ps)
			case "destination.ip":
				e.unm(field, "destination.ip: the proof does not know pods' addresses")
				ok = false
			case "remote.ip":
				e.unm(field, "remote.ip comes from X-Forwarded-For or the proxy protocol, not the connection")
				ok = false
			default:
				op := " in "
				if neg {
					op = " not in "
				}
				m.l7 = append(m.l7, "when "+c.GetKey()+op+"["+strings.Join(vals, ", ")+"]")
			}
		}
	}
	return m, ok
}

// istioSourceOf reads one source.
func istioSourceOf(e *istioEntries, where string, s *securityv1beta1.Source, ns string) (istioMatch, bool) {
	m := istioMatch{ports: istioAllPorts()}
	if s == nil {
		return m, true
	}
	ok := true
	if (len(s.GetServiceAccounts()) > 0 || len(s.GetNotServiceAccounts()) > 0) &&
		(len(s.GetPrincipals())+len(s.GetNotPrincipals())+len(s.GetNamespaces())+len(s.GetNotNamespaces()) > 0) {
		e.unm(where, "serviceAccounts cannot be set with principals or namespaces: Istio rejects the source")
		ok = false
	}
	ident := func(field string, vals []string, neg bool, term func(string, string) (istioIdent, bool)) {
		if len(vals) == 0 {
			return
		}
		ic, good := istioIdents(e, where+"."+field, vals, func(v, _ string) (istioIdent, bool) { return term(v, ns) })
		ok = ok && good
		ic.neg = neg
		m.idents = append(m.idents, ic)
	}
	ident("principals", s.GetPrincipals(), false, istioPrincipalTerm)
	ident("notPrincipals", s.GetNotPrincipals(), true, istioPrincipalTerm)
	ident("namespaces", s.GetNamespaces(), false, istioNamespaceTerm)
	ident("notNamespaces", s.GetNotNamespaces(), true, istioNamespaceTerm)
	ident("serviceAccounts", s.GetServiceAccounts(), false, istioServiceAccountTerm)
	ident("notServiceAccounts", s.GetNotServiceAccounts(), true, istioServiceAccountTerm)
	ip := func(field string, vals []string, neg bool) {
		if len(vals) == 0 {
			return
		}
		nets, good := istioNets(e, where+"."+field, vals)
		ok = ok && good
		m.ips = append(m.ips, istioIPCond{neg: neg, nets: nets})
	}
	ip("ipBlocks", s.GetIpBlocks(), false)
	ip("notIpBlocks", s.GetNotIpBlocks(), true)
	for _, f := range []struct {
		field string
		vals  []string
	}{{"remoteIpBlocks", s.GetRemoteIpBlocks()}, {"notRemoteIpBlocks", s.GetNotRemoteIpBlocks()}} {
		if field, vals := f.field, f.vals; len(vals) > 0 {
			e.unm(where+"."+field, field+" reads the client address from X-Forwarded-For or the proxy protocol, not the connection")
			ok = false
		}
	}
	for _, f := range []struct {
		field string
		vals  []string
	}{{"trustDomains", s.GetTrustDomains()}, {"notTrustDomains", s.GetNotTrustDomains()}} {
		if field, vals := f.field, f.vals; len(vals) > 0 {
			e.unm(where+"."+field, field+": the mesh's trust domains and their aliases are not known offline")
			ok = false
		}
	}
	if v := s.GetRequestPrincipals(); len(v) > 0 {
		m.l7 = append(m.l7, "requestPrincipals ["+strings.Join(v, ", ")+"]")
	}
	if v := s.GetNotRequestPrincipals(); len(v) > 0 {
		m.l7 = append(m.l7, "notRequestPrincipals ["+strings.Join(v, ", ")+"]")
	}
	return m, ok
}

// istioOperationOf reads one operation.
func istioOperationOf(e *istioEntries, where string, op *securityv1beta1.Operation) (istioMatch, bool) {
	m := istioMatch{ports: istioAllPorts()}
	if op == nil {
		return m, true
	}
	ok := true
	if v := op.GetPorts(); len(v) > 0 {
		ps, good := istioPortsOf(e, where+".ports", v)
		ok = ok && good
		m.ports = m.ports.intersect(ps)
	}
	if v := op.GetNotPorts(); len(v) > 0 {
		ps, good := istioPortsOf(e, where+".notPorts", v)
		ok = ok && good
		m.ports = m.ports.intersect(ps.complement())
	}
	for _, f := range []struct {
		name string
		vals []string
	}{{"hosts", op.GetHosts()}, {"notHosts", op.GetNotHosts()}, {"methods", op.GetMethods()},
		{"notMethods", op.GetNotMethods()}, {"paths", op.GetPaths()}, {"notPaths", op.GetNotPaths()}} {
		if len(f.vals) > 0 {
			m.l7 = append(m.l7, f.name+" ["+strings.Join(f.vals, ", ")+"]")
		}
	}
	return m, ok
}

// istioIdents reads an identity field's values.
func istioIdents(e *istioEntries, where string, vals []string, term func(v, ns string) (istioIdent, bool)) (istioIdentCond, bool) {
	var c istioIdentCond
	ok := true
	for i, v := range vals {
		t, good := term(v, "")
		if !good {
			e.unm(fmt.Sprintf("%s[%d]", where, i), fmt.Sprintf("%q does not name a namespace or ServiceAccount of the cluster.local trust domain exactly", v))
			ok = false
			continue
		}
		c.terms = append(c.terms, t)
	}
	return c, ok
}

// istioName is a namespace or ServiceAccount name as a pattern may hold it.
func istioName(s string) bool {
	return s != "" && !strings.ContainsAny(s, "*/")
}

// istioPrincipalTerm reads a principal: "*" (any mTLS identity),
// cluster.local/ns/NS/sa/SA, cluster.local/ns/NS/sa/* (a namespace),
// */ns/NS/sa/SA and */sa/SA (suffixes naming a ServiceAccount). Any other
// shape (another trust domain, a wildcard inside a name) is not modelled.
func istioPrincipalTerm(p, _ string) (istioIdent, bool) {
	if p == "*" {
		return istioIdent{}, true
	}
	var rest string
	wildTD := false
	switch {
	case strings.HasPrefix(p, "cluster.local/"):
		rest = strings.TrimPrefix(p, "cluster.local/")
	case strings.HasPrefix(p, "*/"):
		rest, wildTD = p[2:], true
	default:
		return istioIdent{}, false
	}
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 4 && parts[0] == "ns" && parts[2] == "sa" && istioName(parts[1]):
		if parts[3] == "*" && !wildTD {
			return istioIdent{ns: parts[1]}, true
		}
		if istioName(parts[3]) {
			return istioIdent{ns: parts[1], sa: parts[3]}, true
		}
	case len(parts) == 2 && wildTD && parts[0] == "sa" && istioName(parts[1]):
		return istioIdent{sa: parts[1]}, true
	}
	return istioIdent{}, false
}

// istioNamespaceTerm reads a namespace: a name, or "*" (any mTLS
// identity).
func istioNamespaceTerm(v, _ string) (istioIdent, bool) {
	if v == "*" {
		return istioIdent{}, true
	}
	return istioIdent{ns: v}, istioName(v)
}

// istioServiceAccountTerm reads a serviceAccount: NS/SA, or SA of the
// policy's namespace; no wildcard.
func istioServiceAccountTerm(v, ns string) (istioIdent, bool) {
	n, sa, found := strings.Cut(v, "/")
	if !found {
		n, sa = ns, v
	}
	return istioIdent{ns: n, sa: sa}, istioName(n) && istioName(sa)
}

// istioNets reads IP blocks: an address or a CIDR.
func istioNets(e *istioEntries, where string, vals []string) ([]netip.Prefix, bool) {
	var out []netip.Prefix
	ok := true
	for i, v := range vals {
		var p netip.Prefix
		var err error
		if strings.Contains(v, "/") {
			p, err = netip.ParsePrefix(v)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(v)
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if err != nil {
			e.unm(fmt.Sprintf("%s[%d]", where, i), fmt.Sprintf("%q is not an address or CIDR", v))
			ok = false
			continue
		}
		out = append(out, p.Masked())
	}
	return out, ok
}

// istioPeers is the callers a match holds at layers 3 and 4; nil is every
// caller.
func istioPeers(m istioMatch) ([]model.Peer, error) {
	switch {
	case len(m.idents) > 0:
		return istioIdentityPeers(m.idents)
	case len(m.ips) > 0:
		return istioAddressPeers(m.ips), nil
	}
	return nil, nil
}

// istioAddressPeers is the endpoints whose address lies in every positive
// block list and outside every negative one. As everywhere in the proof, an
// endpoint without an address (a pod the estate gives none) is in no block.
func istioAddressPeers(conds []istioIPCond) []model.Peer {
	var nets, except []netip.Prefix
	first := true
	for _, c := range conds {
		switch {
		case c.neg:
			except = append(except, c.nets...)
		case first:
			nets, first = c.nets, false
		default:
			var both []netip.Prefix
			for _, a := range nets {
				for _, b := range c.nets {
					if a.Overlaps(b) {
						if a.Bits() >= b.Bits() {
							both = append(both, a)
						} else {
							both = append(both, b)
						}
					}
				}
			}
			nets = both
		}
	}
	if !first && len(nets) == 0 {
		return []model.Peer{}
	}
	return []model.Peer{{Addrs: true, Nets: nets, Except: except}}
}

// istioIdentityPeers is the callers satisfying every identity condition:
// meshed pods by their namespace and ServiceAccount, and, when only
// negative conditions are given, the callers without an identity (outside
// the mesh). The conditions are decided by case over the names they
// mention: each mentioned namespace and "any other", each mentioned
// ServiceAccount and "any other".
func istioIdentityPeers(conds []istioIdentCond) ([]model.Peer, error) {
	const other = "\x00"
	nsSet := map[string]bool{}
	for _, c := range conds {
		for _, t := range c.terms {
			if t.ns != "" {
				nsSet[t.ns] = true
			}
		}
	}
	holds := func(n, s string, identified bool) bool {
		for _, c := range conds {
			match := false
			for _, t := range c.terms {
				if identified && (t.ns == "" || t.ns == n) && (t.sa == "" || t.sa == s) {
					match = true
					break
				}
			}
			if match == c.neg {
				return false
			}
		}
		return true
	}
	// The ServiceAccounts that matter in a namespace are those its terms
	// and the namespace-free terms name; any other behaves as "other".
	relevant := func(n string) []string {
		set := map[string]bool{}
		for _, c := range conds {
			for _, t := range c.terms {
				if t.sa != "" && (t.ns == "" || t.ns == n) {
					set[t.sa] = true
				}
			}
		}
		return istioSorted(set)
	}
	nss := istioSorted(nsSet)
	var cases []model.Peer
	for _, n := range append(nss, other) {
		var in, out []string
		for _, s := range relevant(n) {
			if holds(n, s, true) {
				in = append(in, s)
			} else {
				out = append(out, s)
			}
		}
		var lm model.Match
		var err error
		switch rest := holds(n, other, true); {
		case rest && len(out) == 0:
			lm = model.Everything()
		case rest:
			lm, err = istioMatchReq(model.ServiceAccountLabel, selection.NotIn, out)
		case len(in) > 0:
			lm, err = istioMatchReq(model.ServiceAccountLabel, selection.In, in)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		nm := model.Everything()
		switch {
		case n != other:
			nm, err = istioMatchReq(corev1.LabelMetadataName, selection.Equals, []string{n})
		case len(nss) > 0:
			nm, err = istioMatchReq(corev1.LabelMetadataName, selection.NotIn, nss)
		}
		if err != nil {
			return nil, err
		}
		cases = append(cases, model.Peer{Pods: true, NS: nm, Labels: lm})
	}
	out := append([]model.Peer{}, istioIntersect(IstioMeshed(), cases)...)
	if holds("", "", false) {
		out = append(out, istioOutside()...)
	}
	return out, nil
}

func istioMatchReq(key string, op selection.Operator, vals []string) (model.Match, error) {
	r, err := labels.NewRequirement(key, op, vals)
	if err != nil {
		return model.Nothing(), fmt.Errorf("a name the model cannot hold as a label value: %w", err)
	}
	return model.Selector(labels.NewSelector().Add(*r)), nil
}

func istioSorted(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---- ports ----

// istioPorts is a set of TCP ports, as sorted disjoint ranges.
type istioPorts []istioRange

type istioRange struct{ lo, hi int32 }

func istioAllPorts() istioPorts { return istioPorts{{1, 65535}} }

// istioPortsOf reads port numbers.
func istioPortsOf(e *istioEntries, where string, vals []string) (istioPorts, bool) {
	var out istioPorts
	ok := true
	for i, v := range vals {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			e.unm(fmt.Sprintf("%s[%d]", where, i), fmt.Sprintf("%q is not a port number", v))
			ok = false
			continue
		}
		out = append(out, istioRange{int32(n), int32(n)})
	}
	return out.norm(), ok
}

func (p istioPorts) norm() istioPorts {
	sort.Slice(p, func(i, j int) bool { return p[i].lo < p[j].lo })
	var out istioPorts
	for _, r := range p {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (p istioPorts) complement() istioPorts {
	var out istioPorts
	next := int32(1)
	for _, r := range p {
		if r.lo > next {
			out = append(out, istioRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= 65535 {
		out = append(out, istioRange{next, 65535})
	}
	return out
}

func (p istioPorts) intersect(q istioPorts) istioPorts {
	var out istioPorts
	for _, a := range p {
		for _, b := range q {
			lo, hi := max(a.lo, b.lo), min(a.hi, b.hi)
			if lo <= hi {
				out = append(out, istioRange{lo, hi})
			}
		}
	}
	return out.norm()
}

// model is the set as rule ports (TCP): every port is one entry, no port an
// empty list.
func (p istioPorts) model() []model.Port {
	out := []model.Port{}
	if len(p) == 1 && p[0] == (istioRange{1, 65535}) {
		return append(out, model.Port{Protocol: corev1.ProtocolTCP})
	}
	for _, r := range p {
		out = append(out, model.Port{Protocol: corev1.ProtocolTCP, Lo: r.lo, Hi: r.hi})
	}
	return out
}

// ---- PeerAuthentication ----

// istioPeerAuthn is a decoded PeerAuthentication.
type istioPeerAuthn struct {
	o     *Object
	seq   int
	ns    string
	sel   map[string]string // nil: no selector
	mode  securityv1beta1.PeerAuthentication_MutualTLS_Mode
	ports map[uint32]securityv1beta1.PeerAuthentication_MutualTLS_Mode
}

// istioLevel is how specific a PeerAuthentication is: workload, namespace
// or mesh (lower wins).
func (pa *istioPeerAuthn) level() int {
	switch {
	case pa.sel != nil:
		return 0
	case pa.ns != istioRootNamespace:
		return 1
	}
	return 2
}

func istioDecodePeerAuthn(o *Object, seq int) (*istioPeerAuthn, model.Compiled) {
	e := &istioEntries{o: o}
	var spec securityv1beta1.PeerAuthentication
	meta, err := istioDecode(o, &spec)
	if err != nil {
		e.unm("", "cannot decode: "+err.Error())
		return nil, model.Compiled{Unmodelled: e.unmodelled}
	}
	pa := &istioPeerAuthn{o: o, seq: seq, ns: istioNamespace(o, meta), mode: spec.GetMtls().GetMode()}
	if ml := spec.GetSelector().GetMatchLabels(); len(ml) > 0 {
		pa.sel = ml
		if _, err := istioSelector(ml); err != nil {
			e.unm("spec.selector.matchLabels", "invalid selector: "+err.Error())
		}
	}
	if pa.sel != nil && pa.ns == istioRootNamespace {
		e.inertf("spec.selector", "a PeerAuthentication with a workload selector in the root namespace is ignored")
		return nil, model.Compiled{Unmodelled: e.unmodelled, Inert: e.inert}
	}
	if len(spec.GetPortLevelMtls()) > 0 {
		if pa.sel == nil {
			e.unm("spec.portLevelMtls", "portLevelMtls requires a workload selector: Istio rejects it")
		}
		pa.ports = map[uint32]securityv1beta1.PeerAuthentication_MutualTLS_Mode{}
		for p, m := range spec.GetPortLevelMtls() {
			if p < 1 || p > 65535 {
				e.unm(fmt.Sprintf("spec.portLevelMtls[%d]", p), "port must be 1-65535: Istio rejects it")
			}
			pa.ports[p] = m.GetMode()
		}
	}
	for _, m := range append([]securityv1beta1.PeerAuthentication_MutualTLS_Mode{pa.mode}, istioModes(pa.ports)...) {
		if _, known := securityv1beta1.PeerAuthentication_MutualTLS_Mode_name[int32(m)]; !known {
			e.unm("spec.mtls.mode", fmt.Sprintf("unknown mode %v", m))
		}
	}
	if len(e.unmodelled) > 0 {
		return nil, model.Compiled{Unmodelled: e.unmodelled}
	}
	return pa, model.Compiled{}
}

func istioModes(m map[uint32]securityv1beta1.PeerAuthentication_MutualTLS_Mode) []securityv1beta1.PeerAuthentication_MutualTLS_Mode {
	var out []securityv1beta1.PeerAuthentication_MutualTLS_Mode
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// istioOverlap reports whether one pod may be selected by both matchLabels.
func istioOverlap(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; ok && w != v {
			return false
		}
	}
	return true
}

// istioPeerAuthns compiles the PeerAuthentications into the mTLS tier: per
// destination, the workload policy's port-level modes, then its mode, then
// the namespace's, then the mesh's; the first that is not UNSET decides.
// STRICT denies the callers outside the mesh; PERMISSIVE and DISABLE pass
// (nothing below is read); UNSET reads on. When two policies of one level
// may select the same pod, Istio applies the oldest: creation times are not
// known offline, so both are Unmodelled.
func istioPeerAuthns(pas []istioPeerAuthn) model.Compiled {
	var out model.Compiled
	clash := make([]bool, len(pas))
	for i := range pas {
		for j := i + 1; j < len(pas); j++ {
			a, b := &pas[i], &pas[j]
			if a.level() != b.level() || (a.level() < 2 && a.ns != b.ns) {
				continue
			}
			if a.level() == 0 && !istioOverlap(a.sel, b.sel) {
				continue
			}
			clash[i], clash[j] = true, true
		}
	}
	for i := range pas {
		pa := &pas[i]
		if clash[i] {
			out.Unmodelled = append(out.Unmodelled, model.Unmodelled{Layer: LayerIstio, Object: pa.o.Ref(), Field: "spec.selector",
				Why: "another PeerAuthentication of the same level may select the same workloads: Istio applies the oldest, and creation times are not known offline"})
			continue
		}
		sel := model.Everything()
		if pa.sel != nil {
			sel, _ = istioSelector(pa.sel)
		}
		p := model.Policy{Layer: LayerIstio, Object: pa.o.Ref(), TierName: "Istio PeerAuthentication (mTLS)", Point: model.Mesh,
			Tier: istioTierMTLS, Order: float64(pa.level()), Seq: pa.seq, Subject: istioScope(pa.ns, sel, IstioMeshed())}
		mode := func(m securityv1beta1.PeerAuthentication_MutualTLS_Mode, ports []model.Port, where string) {
			switch m {
			case securityv1beta1.PeerAuthentication_MutualTLS_STRICT:
				p.Ingress = append(p.Ingress,
					model.Rule{Action: model.Deny, Peers: istioOutside(), Ports: ports, Where: where},
					model.Rule{Action: model.Pass, Ports: ports, Where: where})
			case securityv1beta1.PeerAuthentication_MutualTLS_PERMISSIVE, securityv1beta1.PeerAuthentication_MutualTLS_DISABLE:
				p.Ingress = append(p.Ingress, model.Rule{Action: model.Pass, Ports: ports, Where: where})
			}
		}
		var ports []uint32
		for port := range pa.ports {
			ports = append(ports, port)
		}
		sort.Slice(ports, func(i, j int) bool { return ports[i] < ports[j] })
		for _, port := range ports {
			mode(pa.ports[port], []model.Port{{Protocol: corev1.ProtocolTCP, Lo: int32(port), Hi: int32(port)}},
				fmt.Sprintf("spec.portLevelMtls[%d]", port))
		}
		mode(pa.mode, []model.Port{{Protocol: corev1.ProtocolTCP}}, "spec.mtls")
		out.Policies = append(out.Policies, p)
	}
	return out
}
