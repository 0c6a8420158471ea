package v1alpha1

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"
)

// Limits on the free text of a NetworkIdentity (reasons, ADRs, eastWest),
// which netid copies into annotations of the objects it generates and into
// the report. See docs/config.md.
const (
	// MaxText is the most characters (Unicode code points) one free-text
	// field may have: a reason is a sentence or two, not a document. With
	// MaxClusterRules, the largest annotation netid writes (a ClusterRole's
	// netid.dev/reason, every cluster rule's reason) stays under 129 KiB
	// even in 4-byte characters (33 KiB in ASCII), about half the API
	// server's 256 KiB limit on all of an object's annotations.
	MaxText = 1024
	// MaxClusterRules is the most spec.identity.clusterRules one config may
	// declare; each reason is annotated on the one ClusterRole.
	MaxClusterRules = 32
	// MaxPath is the longest exposure path (Gateway API's limit on an
	// HTTPRoute path match).
	MaxPath = 1024
)

var (
	fqdnRe = regexp.MustCompile(`^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?\.?$`)
	// pathRe is the character set Gateway API allows in a PathPrefix match
	// (its HTTPRoute CRD's CEL rule), which an Ingress path accepts too.
	pathRe = regexp.MustCompile(`^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$`)
)

// Validate checks everything that can be judged from the NetworkIdentity alone
// (call Default first). Whether workloads, Services and ports exist is judged
// when the render is planned.
func (n *NetworkIdentity) Validate() []FieldError {
	var out []FieldError
	for _, e := range n.validate() {
		out = append(out, FieldError{Path: e.Field, Message: e.ErrorBody()})
	}
	return out
}

func (n *NetworkIdentity) validate() field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	s := &n.Spec
	meta := field.NewPath("metadata")
	if n.Name != "" {
		errs = append(errs, objectName(meta.Child("name"), n.Name)...)
	}
	if n.Namespace != "" {
		errs = append(errs, namespaceName(meta.Child("namespace"), n.Namespace)...)
	}
	errs = append(errs, dnsName(spec.Child("workload"), s.Workload)...)
	if s.Service != "" {
		errs = append(errs, serviceName(spec.Child("service"), s.Service)...)
	}
	errs = append(errs, oneOf(spec.Child("tier"), string(s.Tier), TierCritical, TierStandard)...)
	errs = append(errs, oneOf(spec.Child("mode"), string(s.Mode), ModeEnforce, ModeAudit)...)
	errs = append(errs, oneOf(spec.Child("rollout"), string(s.Rollout), RolloutObserve, RolloutEnforce)...)
	errs = append(errs, oneOf(spec.Child("cni"), string(s.CNI), CNIGeneric, CNICalico, CNICilium, CNIAntrea)...)
	for i, r := range s.Ingress {
		p := spec.Child("ingress").Index(i)
		errs = append(errs, validatePeer(p.Child("from"), r.From, s.CNI, false)...)
		errs = append(errs, validatePorts(p.Child("ports"), r.Ports, servicePortName)...)
		errs = append(errs, requiredText(p.Child("reason"), r.Reason)...)
		errs = append(errs, validateL7(p.Child("l7"), r.L7, r.From)...)
		errs = append(errs, validateUntil(p.Child("until"), r.Until)...)
	}
	for i, r := range s.Egress {
		p := spec.Child("egress").Index(i)
		errs = append(errs, validatePeer(p.Child("to"), r.To, s.CNI, true)...)
		// A workload's port names resolve through its Services (whose port
		// names are DNS labels) to the pod's target port; any other callee's
		// port name is copied into the policy, which takes an IANA_SVC_NAME.
		portName := podPortName
		if r.To.Workload != "" {
			portName = servicePortName
		}
		errs = append(errs, validatePorts(p.Child("ports"), r.Ports, portName)...)
		errs = append(errs, requiredText(p.Child("reason"), r.Reason)...)
		errs = append(errs, validateL7(p.Child("l7"), r.L7, r.To)...)
		errs = append(errs, validateUntil(p.Child("until"), r.Until)...)
		if r.To.Workload == "" && len(r.Ports) == 0 {
			errs = append(errs, field.Required(p.Child("ports"), "ports are required for a callee outside the render"))
		}
		if r.To.CIDR != "" || r.To.FQDN != "" {
			for j, port := range r.Ports {
				if port.Port.Type == intstr.String {
					errs = append(errs, field.Invalid(p.Child("ports").Index(j), port.String(), "a CIDR or FQDN callee has no named ports; give a number"))
				}
			}
		}
	}
	errs = append(errs, validateDNS(spec.Child("dns"), s.DNS)...)
	errs = append(errs, validateIdentity(spec.Child("identity"), &s.Identity)...)
	if ps := s.PodSecurity; ps != nil {
		p := spec.Child("podSecurity")
		for _, l := range []struct{ name, v string }{{"enforce", ps.Enforce}, {"audit", ps.Audit}, {"warn", ps.Warn}} {
			errs = append(errs, oneOf(p.Child(l.name), l.v, "privileged", "baseline", "restricted")...)
		}
		if _, err := psaapi.ParseVersion(ps.Version); err != nil {
			errs = append(errs, field.Invalid(p.Child("version"), ps.Version, `must be "latest" or "v1.N"`))
		}
	}
	if r := s.Registry; r != nil {
		p := spec.Child("registry")
		if r.PullSecret != "" {
			errs = append(errs, dnsName(p.Child("pullSecret"), r.PullSecret)...)
		}
		errs = append(errs, oneOf(p.Child("auth"), string(r.Auth), AuthShortLived, AuthNodeIdentity, AuthStatic)...)
	}
	if m := s.Mesh; m != nil {
		p := spec.Child("mesh")
		errs = append(errs, oneOf(p.Child("provider"), string(m.Provider), MeshIstio, MeshLinkerd, MeshNone)...)
		switch m.Provider {
		case MeshNone:
			if m.MTLS != "" {
				errs = append(errs, field.Forbidden(p.Child("mtls"), "mtls needs a mesh provider; state the decision in eastWest"))
			}
			errs = append(errs, requiredText(p.Child("eastWest"), m.EastWest)...)
			if m.Redirect != "" {
				errs = append(errs, field.Forbidden(p.Child("redirect"), "redirect needs a mesh provider"))
			}
		case MeshIstio, MeshLinkerd:
			errs = append(errs, oneOf(p.Child("mtls"), m.MTLS, "STRICT", "PERMISSIVE")...)
			errs = append(errs, oneOf(p.Child("redirect"), string(m.Redirect), RedirectCNI, RedirectInitContainer, RedirectAmbient)...)
			if m.Provider == MeshLinkerd && m.Redirect == RedirectAmbient {
				errs = append(errs, field.Invalid(p.Child("redirect"), string(m.Redirect), "ambient is Istio's sidecar-less mode; Linkerd redirects with cni or init-container"))
			}
		}
	}
	errs = append(errs, validateExposure(spec.Child("exposure"), s.Exposure)...)
	for i, e := range s.Exceptions {
		p := spec.Child("exceptions").Index(i)
		errs = append(errs, required(p.Child("rule"), e.Rule)...)
		errs = append(errs, requiredText(p.Child("adr"), e.ADR)...)
		errs = append(errs, requiredText(p.Child("reason"), e.Reason)...)
	}
	return errs
}

func validatePeer(p *field.Path, peer Peer, cni CNI, egress bool) field.ErrorList {
	var errs field.ErrorList
	kinds := 0
	if peer.Workload != "" {
		kinds++
		errs = append(errs, dnsName(p.Child("workload"), peer.Workload)...)
	}
	if len(peer.PodLabels) > 0 {
		kinds++
		errs = append(errs, labels(p.Child("podLabels"), peer.PodLabels)...)
		if peer.Namespace == "" {
			errs = append(errs, field.Required(p.Child("namespace"), "pods outside the render are named by namespace and podLabels"))
		}
	}
	if peer.CIDR != "" {
		kinds++
		errs = append(errs, validateCIDR(p, peer)...)
	}
	if peer.FQDN != "" {
		kinds++
		if !egress {
			errs = append(errs, field.Forbidden(p.Child("fqdn"), "an FQDN can only be a callee (egress)"))
		}
		if !fqdnRe.MatchString(peer.FQDN) {
			errs = append(errs, field.Invalid(p.Child("fqdn"), peer.FQDN, "must be a DNS name, optionally starting with *."))
		} else {
			errs = append(errs, dnsNameLabels(p.Child("fqdn"), strings.TrimSuffix(strings.TrimPrefix(peer.FQDN, "*."), "."))...)
		}
		// with spec.cni generic the cluster's CNI decides (a
		// ClusterNetworkIdentity may say cilium); the render checks it
		if cni != CNICilium && cni != CNIGeneric && cni != "" {
			errs = append(errs, field.Forbidden(p.Child("fqdn"), fmt.Sprintf("FQDN peers need cni: cilium (spec.cni is %q)", cni)))
		}
	}
	switch {
	case kinds == 0 && peer.Namespace != "":
		errs = append(errs, field.Required(p.Child("podLabels"), "a namespace alone would allow every pod in it; add podLabels or a workload"))
	case kinds == 0:
		errs = append(errs, field.Required(p, "one of workload, namespace+podLabels, cidr or fqdn"))
	case kinds > 1:
		errs = append(errs, field.Invalid(p, peerString(peer), "exactly one of workload, namespace+podLabels, cidr or fqdn"))
	}
	if peer.Namespace != "" {
		errs = append(errs, namespaceName(p.Child("namespace"), peer.Namespace)...)
		if peer.CIDR != "" || peer.FQDN != "" {
			errs = append(errs, field.Forbidden(p.Child("namespace"), "a CIDR or FQDN peer has no namespace"))
		}
	}
	if peer.ServiceAccount != "" {
		if len(peer.PodLabels) == 0 {
			errs = append(errs, field.Forbidden(p.Child("serviceAccount"), "only for pods outside the render (namespace+podLabels)"))
		}
		errs = append(errs, dnsName(p.Child("serviceAccount"), peer.ServiceAccount)...)
	}
	if len(peer.Except) > 0 && peer.CIDR == "" {
		errs = append(errs, field.Forbidden(p.Child("except"), "except needs cidr"))
	}
	return errs
}

func validateCIDR(p *field.Path, peer Peer) field.ErrorList {
	var errs field.ErrorList
	block, err := netip.ParsePrefix(peer.CIDR)
	if err != nil {
		return append(errs, field.Invalid(p.Child("cidr"), peer.CIDR, "must be a CIDR such as 203.0.113.0/24"))
	}
	if block.Masked() != block {
		errs = append(errs, field.Invalid(p.Child("cidr"), peer.CIDR, fmt.Sprintf("host bits set; did you mean %s?", block.Masked())))
	}
	for i, e := range peer.Except {
		ex, err := netip.ParsePrefix(e)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(p.Child("except").Index(i), e, "must be a CIDR"))
		case ex.Addr().Is4() != block.Addr().Is4() || ex.Bits() <= block.Bits() || !block.Contains(ex.Addr()):
			errs = append(errs, field.Invalid(p.Child("except").Index(i), e, fmt.Sprintf("must be a strict subset of %s", peer.CIDR)))
		}
	}
	return errs
}

// portNameRule says which names a port reference may have.
type portNameRule func(string) []string

var (
	// servicePortName: a name resolved through the callee's Services (a
	// Service port name is a DNS label of up to 63 characters) and, failing
	// that, its container ports (IANA_SVC_NAMEs, a subset).
	servicePortName portNameRule = validation.IsDNS1123Label
	// podPortName: a name copied as it is into a NetworkPolicy port, which
	// takes an IANA_SVC_NAME (at most 15 characters, a letter among them).
	podPortName portNameRule = validation.IsValidPortName
)

func validatePorts(p *field.Path, ports []PortRef, name portNameRule) field.ErrorList {
	var errs field.ErrorList
	for i, port := range ports {
		errs = append(errs, validatePort(p.Index(i), port, name)...)
	}
	return errs
}

func validatePort(p *field.Path, port PortRef, name portNameRule) field.ErrorList {
	var errs field.ErrorList
	if port.Port.Type == intstr.Int {
		for _, msg := range validation.IsValidPortNum(int(port.Port.IntVal)) {
			errs = append(errs, field.Invalid(p, port.String(), msg))
		}
	} else {
		for _, msg := range name(port.Port.StrVal) {
			errs = append(errs, field.Invalid(p, port.String(), msg))
		}
	}
	if port.Protocol != "" {
		errs = append(errs, oneOf(p.Child("protocol"), string(port.Protocol), corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)...)
	}
	return errs
}

func validateDNS(p *field.Path, d *DNS) field.ErrorList {
	var errs field.ErrorList
	if d == nil || d.Enabled == nil || !*d.Enabled {
		return nil
	}
	errs = append(errs, namespaceName(p.Child("namespace"), d.Namespace)...)
	errs = append(errs, labels(p.Child("podLabels"), d.PodLabels)...)
	if d.NodeLocal != "" {
		if _, err := netip.ParseAddr(d.NodeLocal); err != nil {
			errs = append(errs, field.Invalid(p.Child("nodeLocal"), d.NodeLocal, "must be an IP address such as 169.254.20.10"))
		}
	}
	return errs
}

func validateIdentity(p *field.Path, id *Identity) field.ErrorList {
	var errs field.ErrorList
	if id.ServiceAccount != "" {
		errs = append(errs, dnsName(p.Child("serviceAccount"), id.ServiceAccount)...)
		if id.ServiceAccount == "default" {
			errs = append(errs, field.Invalid(p.Child("serviceAccount"), id.ServiceAccount, "the default ServiceAccount is shared by every pod of the namespace; name a dedicated one"))
		}
	}
	if id.Replaces != "" {
		errs = append(errs, dnsName(p.Child("replaces"), id.Replaces)...)
		switch id.Replaces {
		case "default":
			errs = append(errs, field.Invalid(p.Child("replaces"), id.Replaces, "a pod template naming \"default\" (or no ServiceAccount) is moved to the declared one without replaces; remove it"))
		case id.ServiceAccount:
			errs = append(errs, field.Invalid(p.Child("replaces"), id.Replaces, "names the same ServiceAccount as serviceAccount; a ServiceAccount cannot replace itself"))
		}
	}
	for i, r := range id.Rules {
		rp := p.Child("rules").Index(i)
		errs = append(errs, validateRule(rp, r)...)
		errs = append(errs, text(rp.Child("reason"), r.Reason)...)
		if len(r.NonResourceURLs) > 0 {
			errs = append(errs, field.Forbidden(rp.Child("nonResourceURLs"), "a namespaced Role cannot grant nonResourceURLs; use clusterRules"))
		}
	}
	if len(id.ClusterRules) > MaxClusterRules {
		errs = append(errs, field.TooMany(p.Child("clusterRules"), len(id.ClusterRules), MaxClusterRules))
	}
	for i, r := range id.ClusterRules {
		rp := p.Child("clusterRules").Index(i)
		errs = append(errs, validateRule(rp, r)...)
		errs = append(errs, requiredText(rp.Child("reason"), r.Reason)...)
	}
	return errs
}

func validateRule(p *field.Path, r Rule) field.ErrorList {
	var errs field.ErrorList
	if len(r.Verbs) == 0 {
		errs = append(errs, field.Required(p.Child("verbs"), "a rule needs verbs"))
	}
	if len(r.Resources) == 0 && len(r.NonResourceURLs) == 0 {
		errs = append(errs, field.Required(p.Child("resources"), "a rule needs resources or nonResourceURLs"))
	}
	if len(r.Resources) > 0 && len(r.APIGroups) == 0 {
		errs = append(errs, field.Required(p.Child("apiGroups"), `name the API groups ("" is the core group)`))
	}
	return errs
}

func validateExposure(p *field.Path, e *Exposure) field.ErrorList {
	if e == nil {
		return nil
	}
	var errs field.ErrorList
	switch {
	case e.Gateway == nil && e.Ingress == nil && e.LoadBalancer == nil && e.NodePort == nil:
		errs = append(errs, field.Required(p, "one of gateway, ingress, loadBalancer or nodePort"))
	case e.Gateway != nil && e.Ingress != nil:
		errs = append(errs, field.Invalid(p, "gateway+ingress", "one of gateway or ingress, not both"))
	}
	if g := e.Gateway; g != nil {
		gp := p.Child("gateway")
		errs = append(errs, oneOf(gp.Child("kind"), string(g.Kind), RouteHTTP, RouteGRPC, RouteTLS, RouteTCP)...)
		errs = append(errs, dnsName(gp.Child("parentRef", "name"), g.ParentRef.Name)...)
		if g.ParentRef.Namespace != "" {
			errs = append(errs, namespaceName(gp.Child("parentRef", "namespace"), g.ParentRef.Namespace)...)
		}
		if g.ParentRef.SectionName != "" {
			errs = append(errs, dnsName(gp.Child("parentRef", "sectionName"), g.ParentRef.SectionName)...)
		}
		for i, h := range g.Hostnames {
			errs = append(errs, hostname(gp.Child("hostnames").Index(i), h)...)
		}
		switch g.Kind {
		case RouteHTTP:
			errs = append(errs, validatePath(gp.Child("path"), g.Path)...)
		case RouteTLS:
			if len(g.Hostnames) == 0 {
				errs = append(errs, field.Required(gp.Child("hostnames"), "a TLSRoute matches by SNI: name at least one hostname"))
			}
		case RouteTCP:
			if len(g.Hostnames) > 0 {
				errs = append(errs, field.Forbidden(gp.Child("hostnames"), "a TCPRoute has no hostnames"))
			}
		}
		if g.Path != "" && g.Kind != RouteHTTP {
			errs = append(errs, field.Forbidden(gp.Child("path"), "path applies to an HTTPRoute only"))
		}
		errs = append(errs, validatePort(gp.Child("port"), g.Port, servicePortName)...)
	}
	if in := e.Ingress; in != nil {
		ip := p.Child("ingress")
		errs = append(errs, dnsName(ip.Child("className"), in.ClassName)...)
		errs = append(errs, hostname(ip.Child("host"), in.Host)...)
		if in.TLSSecret != "" {
			errs = append(errs, dnsName(ip.Child("tlsSecret"), in.TLSSecret)...)
		}
		errs = append(errs, validatePath(ip.Child("path"), in.Path)...)
		errs = append(errs, validatePort(ip.Child("port"), in.Port, servicePortName)...)
	}
	if in := e.Ingress; in != nil && in.PlainReason != "" {
		ip := p.Child("ingress", "plainReason")
		if in.TLSSecret != "" {
			errs = append(errs, field.Forbidden(ip, "the Ingress has a tlsSecret; plainReason is for an Ingress without TLS"))
		} else {
			errs = append(errs, text(ip, in.PlainReason)...)
		}
	}
	errs = append(errs, validateServiceExposure(p.Child("loadBalancer"), e.LoadBalancer)...)
	errs = append(errs, validateServiceExposure(p.Child("nodePort"), e.NodePort)...)
	cp := p.Child("controller")
	switch {
	case e.Gateway == nil && e.Ingress == nil:
		if e.Controller != nil && (e.LoadBalancer != nil || e.NodePort != nil) {
			errs = append(errs, field.Forbidden(cp, "the controller applies to a gateway or ingress exposure only"))
		}
	case e.Controller == nil:
		errs = append(errs, field.Required(cp, "name the controller pods (namespace and podLabels) that the NetworkPolicy lets in"))
	default:
		errs = append(errs, namespaceName(cp.Child("namespace"), e.Controller.Namespace)...)
		if len(e.Controller.PodLabels) == 0 {
			errs = append(errs, field.Required(cp.Child("podLabels"), "select the controller pods; an empty selector would admit every pod of the namespace"))
		}
		errs = append(errs, labels(cp.Child("podLabels"), e.Controller.PodLabels)...)
	}
	return errs
}

func validateServiceExposure(p *field.Path, e *ServiceExposure) field.ErrorList {
	if e == nil {
		return nil
	}
	var errs field.ErrorList
	errs = append(errs, serviceName(p.Child("service"), e.Service)...)
	errs = append(errs, validatePorts(p.Child("ports"), e.Ports, servicePortName)...)
	if len(e.SourceRanges) == 0 {
		errs = append(errs, field.Required(p.Child("sourceRanges"), "name the client address blocks; every address is 0.0.0.0/0 and ::/0, which needs an exception for exposure-open-range"))
	}
	for i, r := range e.SourceRanges {
		errs = append(errs, cidr(p.Child("sourceRanges").Index(i), r)...)
	}
	for i, r := range e.NodeCIDRs {
		errs = append(errs, cidr(p.Child("nodeCIDRs").Index(i), r)...)
	}
	return errs
}

// cidr is an address block in its canonical form (no host bits set), as an
// ipBlock and loadBalancerSourceRanges take it.
func cidr(p *field.Path, v string) field.ErrorList {
	block, err := netip.ParsePrefix(v)
	switch {
	case err != nil:
		return field.ErrorList{field.Invalid(p, v, "must be a CIDR such as 203.0.113.0/24")}
	case block.Masked() != block:
		return field.ErrorList{field.Invalid(p, v, fmt.Sprintf("host bits set; did you mean %s?", block.Masked()))}
	}
	return nil
}

// validatePath accepts the prefix paths that both an HTTPRoute (Gateway
// API's CEL rules on a PathPrefix match) and an Ingress (pathType Prefix)
// accept.
func validatePath(p *field.Path, v string) field.ErrorList {
	switch {
	case len(v) > MaxPath:
		return field.ErrorList{field.TooLong(p, v, MaxPath)}
	case !strings.HasPrefix(v, "/"):
		return field.ErrorList{field.Invalid(p, v, `must start with "/"`)}
	case !pathRe.MatchString(v):
		return field.ErrorList{field.Invalid(p, v, `may contain only letters, digits, "-._~!$&'()*+,;=:@/" and %-escapes`)}
	}
	for _, bad := range []string{"//", "/./", "/../", "%2f", "%2F"} {
		if strings.Contains(v, bad) {
			return field.ErrorList{field.Invalid(p, v, fmt.Sprintf("must not contain %q", bad))}
		}
	}
	for _, bad := range []string{"/..", "/."} {
		if strings.HasSuffix(v, bad) {
			return field.ErrorList{field.Invalid(p, v, fmt.Sprintf("must not end with %q", bad))}
		}
	}
	return nil
}

// hostname is a DNS name, optionally starting with "*.", and not an IP
// address (which neither an Ingress nor an HTTPRoute accepts).
func hostname(p *field.Path, v string) field.ErrorList {
	var errs field.ErrorList
	name := strings.TrimPrefix(v, "*.")
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	if _, err := netip.ParseAddr(name); err == nil {
		errs = append(errs, field.Invalid(p, v, "must be a DNS name, not an IP address"))
	}
	return errs
}

func required(p *field.Path, v string) field.ErrorList {
	if strings.TrimSpace(v) == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	return nil
}

// requiredText is a free-text field that must be given: see text.
func requiredText(p *field.Path, v string) field.ErrorList {
	if errs := required(p, v); len(errs) > 0 {
		return errs
	}
	return text(p, v)
}

// text checks a free-text field (a reason, an ADR, eastWest), which netid
// copies into annotations and into the report's tables: at most MaxText
// characters on one line, with no control character (C0, DEL, C1: no
// newline or tab either), no Unicode line or paragraph separator and no
// bidirectional formatting character, which would let the text display in
// another order than it is stored (CVE-2021-42574, "Trojan Source"). The
// error names the first offending code point and never echoes it.
func text(p *field.Path, v string) field.ErrorList {
	var errs field.ErrorList
	if n := utf8.RuneCountInString(v); n > MaxText {
		errs = append(errs, field.TooLongCharacters(p, v, MaxText))
	}
	i := 0
	for _, r := range v {
		i++
		if what := forbiddenInText(r); what != "" {
			errs = append(errs, field.Invalid(p, field.OmitValueType{},
				fmt.Sprintf("contains %U %s at character %d; free text is one line of plain text", r, what, i)))
			break
		}
	}
	return errs
}

// bidiFormatting are the Unicode bidirectional formatting characters, by name.
var bidiFormatting = map[rune]string{
	'\u061C': "ARABIC LETTER MARK",
	'\u200E': "LEFT-TO-RIGHT MARK",
	'\u200F': "RIGHT-TO-LEFT MARK",
	'\u202A': "LEFT-TO-RIGHT EMBEDDING",
	'\u202B': "RIGHT-TO-LEFT EMBEDDING",
	'\u202C': "POP DIRECTIONAL FORMATTING",
	'\u202D': "LEFT-TO-RIGHT OVERRIDE",
	'\u202E': "RIGHT-TO-LEFT OVERRIDE",
	'\u2066': "LEFT-TO-RIGHT ISOLATE",
	'\u2067': "RIGHT-TO-LEFT ISOLATE",
	'\u2068': "FIRST STRONG ISOLATE",
	'\u2069': "POP DIRECTIONAL ISOLATE",
}

// forbiddenInText describes r if free text may not hold it, else "".
func forbiddenInText(r rune) string {
	switch {
	case r < 0x20 || r == 0x7F || r >= 0x80 && r <= 0x9F:
		return "(a control character)"
	case r == '\u2028':
		return "LINE SEPARATOR (a line break)"
	case r == '\u2029':
		return "PARAGRAPH SEPARATOR (a line break)"
	}
	if name, ok := bidiFormatting[r]; ok {
		return name + " (a bidirectional formatting character)"
	}
	return ""
}

func oneOf[T ~string](p *field.Path, v string, allowed ...T) field.ErrorList {
	var names []string
	for _, a := range allowed {
		if string(a) == v {
			return nil
		}
		names = append(names, string(a))
	}
	return field.ErrorList{field.NotSupported(p, v, names)}
}

func dnsName(p *field.Path, v string) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(v) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	return errs
}

// dnsNameLabels checks a DNS name's length (253) and each of its labels' (63).
func dnsNameLabels(p *field.Path, v string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(v) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	for _, label := range strings.Split(v, ".") {
		if len(label) > validation.DNS1123LabelMaxLength {
			errs = append(errs, field.Invalid(p, v, fmt.Sprintf("each label (between dots) must be no more than %d characters", validation.DNS1123LabelMaxLength)))
			break
		}
	}
	return errs
}

// objectName is an object's name as the API server validates most kinds' (a
// DNS subdomain).
func objectName(p *field.Path, v string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range apivalidation.NameIsDNSSubdomain(v, false) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	return errs
}

// namespaceName is a namespace's name as the API server validates it (a DNS
// label): required.
func namespaceName(p *field.Path, v string) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	for _, msg := range apivalidation.ValidateNamespaceName(v, false) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	return errs
}

// serviceName is a Service's name as the API server validates it (a DNS-1035
// label: it starts with a letter).
func serviceName(p *field.Path, v string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range apivalidation.NameIsDNS1035Label(v, false) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	return errs
}

func labels(p *field.Path, m map[string]string) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(p.Key(k), v, msg))
		}
	}
	return errs
}

func peerString(p Peer) string {
	var parts []string
	if p.Workload != "" {
		parts = append(parts, "workload="+p.Workload)
	}
	if p.Namespace != "" {
		parts = append(parts, "namespace="+p.Namespace)
	}
	if len(p.PodLabels) > 0 {
		parts = append(parts, "podLabels")
	}
	if p.CIDR != "" {
		parts = append(parts, "cidr="+p.CIDR)
	}
	if p.FQDN != "" {
		parts = append(parts, "fqdn="+p.FQDN)
	}
	return strings.Join(parts, ",")
}

var (
	httpMethodRe = regexp.MustCompile(`^[A-Z]+$`)
	// grpcNameRe is a protobuf full name: dot-separated identifiers.
	grpcNameRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	grpcMethodRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	kafkaTopicRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)
)

// validateL7 checks a flow's L7 restriction: one protocol, well-formed
// names, and a peer that sends requests (pods, not an address block).
// Whether the cluster can enforce it is the render's question (plan).
func validateL7(p *field.Path, l *L7, peer Peer) field.ErrorList {
	if l == nil {
		return nil
	}
	var errs field.ErrorList
	kinds := 0
	for _, n := range []int{len(l.HTTP), len(l.GRPC), len(l.Kafka)} {
		if n > 0 {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		errs = append(errs, field.Required(p, "one of http, grpc or kafka, with at least one rule"))
	case kinds > 1:
		errs = append(errs, field.Invalid(p, "", "one protocol per flow: http, grpc or kafka; split the flow by port"))
	}
	if peer.FQDN != "" {
		errs = append(errs, field.Forbidden(p, "an FQDN flow takes no L7 rules here; restrict it at the callee"))
	}
	for i, r := range l.HTTP {
		q := p.Child("http").Index(i)
		if r.Method == "" && r.Path == "" {
			errs = append(errs, field.Required(q, "a method, a path or both; a rule with neither admits every request"))
		}
		if r.Method != "" && !httpMethodRe.MatchString(r.Method) {
			errs = append(errs, field.Invalid(q.Child("method"), r.Method, "an HTTP method in upper case, such as GET"))
		}
		if r.Path != "" {
			if !strings.HasPrefix(r.Path, "/") {
				errs = append(errs, field.Invalid(q.Child("path"), r.Path, `a path starts with "/"`))
			} else if _, err := regexp.CompilePOSIX(r.Path); err != nil {
				errs = append(errs, field.Invalid(q.Child("path"), r.Path, fmt.Sprintf("not an extended POSIX regular expression: %v", err)))
			}
		}
	}
	for i, r := range l.GRPC {
		q := p.Child("grpc").Index(i)
		if !grpcNameRe.MatchString(r.Service) {
			errs = append(errs, field.Invalid(q.Child("service"), r.Service, "a fully qualified gRPC service name, such as hipstershop.CartService"))
		}
		if r.Method != "" && !grpcMethodRe.MatchString(r.Method) {
			errs = append(errs, field.Invalid(q.Child("method"), r.Method, "a gRPC method name, such as GetCart"))
		}
	}
	for i, r := range l.Kafka {
		q := p.Child("kafka").Index(i)
		if !kafkaTopicRe.MatchString(r.Topic) {
			errs = append(errs, field.Invalid(q.Child("topic"), r.Topic, "a Kafka topic: 1 to 249 of letters, digits, '.', '_' and '-'"))
		}
		errs = append(errs, oneOf(q.Child("role"), r.Role, "produce", "consume")...)
	}
	return errs
}

// validateUntil checks a temporary flow's expiry: an RFC 3339 time. Whether
// it is past is the rule flow-expired's question.
func validateUntil(p *field.Path, v string) field.ErrorList {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, v); err != nil {
		return field.ErrorList{field.Invalid(p, v, `an RFC 3339 time, such as "2026-12-24T18:00:00Z"`)}
	}
	return nil
}
