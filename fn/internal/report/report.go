// Package report writes network-identity.md from the Plan: the allowed-flow
// matrix, identities and RBAC rationale, mTLS posture, exposure, exceptions
// with their ADRs, the proofs, the published compliance controls the rules
// evidence with their outcome, and the handoffs other teams must act on.
package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"netid.dev/netid/fn/internal/build"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/fn/internal/proof/rbac"
	"netid.dev/netid/krm/v1alpha1"
)

// Proofs are the proofs' results the report shows.
type Proofs struct {
	// Connectivity is the computed flow matrix.
	Connectivity *proof.Result
	// RBAC maps "namespace/serviceaccount" to its effective permissions.
	RBAC map[string][]rbac.Rule
	// StillBound maps each replaced ServiceAccount ("namespace/name", see
	// spec.identity.replaces) to the bindings of the render that still
	// grant it something, e.g. "RoleBinding shop/legacy-reader".
	StillBound map[string][]string
	// Rollout is set when some workload observes: Connectivity is then the
	// enforce form's proof.
	Rollout *Rollout
}

// Markdown renders the report from the Plan, the proofs and the render's
// findings (for the compliance controls' outcomes); all are deterministic,
// so the report is.
func Markdown(p *plan.Plan, pr Proofs, fs finding.List) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Network identity report\n\n")
	w("Rendered by netid from %d NetworkIdentity configs: %d workloads in %d namespaces, %d allowed flows. ",
		len(p.Workloads), len(p.Workloads), len(p.Namespaces), len(p.Flows))
	w("Everything not listed under *Allowed flows* is denied.\n\n")

	w("## Namespaces\n\n")
	w("| Namespace | Pod Security (enforce / audit / warn) | Version | Baseline policies | DNS egress | Mesh injection |\n")
	w("|---|---|---|---|---|---|\n")
	for _, ns := range p.Namespaces {
		dns := "off"
		if ns.DNS != nil {
			dns = text(fmt.Sprintf("%s/{%s}", ns.DNS.Namespace, plan.LabelString(ns.DNS.PodLabels))) + " UDP+TCP 53"
			if ns.DNS.NodeLocal != "" {
				dns += ", NodeLocal " + text(ns.DNS.NodeLocal)
			}
		}
		baseline := code(plan.DefaultDenyPolicy)
		if ns.DNS != nil {
			baseline += ", " + code(plan.DNSPolicy)
		}
		mesh := "none"
		if ns.Mesh != "" {
			mesh = text(string(ns.Mesh)) + " (" + text(string(ns.Redirect)) + ")"
			if _, ok := ns.ControlPlane(); ok {
				baseline += ", " + code(plan.MeshPolicy)
			}
		}
		ps := ns.PodSecurity
		enforce := text(ps.Enforce)
		if l := ns.Lowered; l != nil {
			enforce = "**" + text(l.To) + "** (lowered from " + text(l.From) + " for the pod templates excepted from pss-pod-template: " + text(strings.Join(l.By, ", ")) + ")"
		}
		b.WriteString(row(text(ns.Name), enforce+" / "+text(string(ps.Audit))+" / "+text(string(ps.Warn)), text(ps.Version), baseline, dns, mesh))
	}

	w("\n## Allowed flows\n\n")
	w("| From | To | Ports (on the callee's pods) | Reason | Policies | Declared at |\n|---|---|---|---|---|---|\n")
	for _, f := range p.Flows {
		reason := f.Reason(true)
		if f.CallerReason != "" && f.CalleeReason != "" && f.CallerReason != f.CalleeReason {
			reason = f.CalleeReason + " / " + f.CallerReason
		}
		var pols []string
		if p := flowPolicy(f.EgressPolicy, f.EgressRule, "egress"); p != "" {
			pols = append(pols, p)
		}
		if p := flowPolicy(f.IngressPolicy, f.IngressRule, "ingress"); p != "" {
			pols = append(pols, p)
		}
		ports := portsWithVia(f.Ports)
		for _, t := range f.Tunnel {
			ports += ", " + text(t.String()) + " (Istio ambient HBONE)"
		}
		b.WriteString(row(endpoint(f.From), endpoint(f.To), ports, text(reason), strings.Join(pols, ", "), text(strings.Join(f.DeclaredBy, "; "))))
	}

	flowchart(&b, p)
	matrix(&b, p)

	w("\n## Identities and RBAC\n\n")
	w("| Workload | ServiceAccount | API token mounted | Permissions | Why |\n|---|---|---|---|---|\n")
	for _, wl := range p.Workloads {
		id := wl.Spec.Identity
		token := "no"
		if *id.AutomountToken {
			token = "yes"
		}
		var perms, why []string
		for _, r := range id.Rules {
			perms = append(perms, "Role: "+rule(r))
			why = append(why, orDash(text(r.Reason)))
		}
		for _, r := range id.ClusterRules {
			perms = append(perms, "ClusterRole "+code(build.ClusterRoleName(wl))+": "+rule(r))
			why = append(why, text(r.Reason))
		}
		if len(perms) == 0 {
			perms, why = []string{"none (no Role, no ClusterRole)"}, []string{"no API access declared"}
		}
		b.WriteString(row(wlName(wl), code(wl.Namespace()+"/"+wl.ServiceAccount), token, strings.Join(perms, "<br>"), strings.Join(why, "<br>")))
	}
	identityNotes(&b, p, pr)

	w("\n## mTLS posture\n\n| Workload | Mesh | mTLS | East-west decision |\n|---|---|---|---|\n")
	for _, wl := range p.Workloads {
		m := wl.Spec.Mesh
		switch {
		case m == nil:
			b.WriteString(row(wlName(wl), "not stated", "not stated", "not stated"))
		case m.Provider == v1alpha1.MeshNone:
			b.WriteString(row(wlName(wl), "none", "-", text(m.EastWest)))
		default:
			b.WriteString(row(wlName(wl), text(string(m.Provider)), text(string(m.MTLS)), orDash(text(m.EastWest))))
		}
	}

	sharedMeshNotes(&b, p)

	w("\n## Exposure\n\n")
	exposed := false
	for _, wl := range p.Workloads {
		e := wl.Exposure
		if e == nil {
			continue
		}
		if !exposed {
			w("Every path that reaches a workload from outside the cluster, by kind, with the sources its NetworkPolicy admits.\n\n")
			w("| Workload | Kind | Via | Hosts | Backend | Sources admitted |\n|---|---|---|---|---|---|\n")
			exposed = true
		}
		switch {
		case e.Gateway != nil:
			ns := e.Gateway.ParentRef.Namespace
			if ns == "" {
				ns = wl.Namespace()
			}
			b.WriteString(row(wlName(wl), "gateway", text(string(e.Gateway.Kind))+" "+code(wl.Name())+" → Gateway "+text(ns+"/"+e.Gateway.ParentRef.Name),
				orDash(text(strings.Join(e.Gateway.Hostnames, ", "))), fmt.Sprintf("Service %s port %d", text(e.Service.Object.Name), e.ServicePort.Port),
				"pods "+text(e.Flow.From.String())+" on "+text(e.Flow.PortsString())))
		case e.Ingress != nil:
			hosts := text(e.Ingress.Host)
			if e.Ingress.TLSSecret != "" {
				hosts += " (TLS: " + text(e.Ingress.TLSSecret) + ")"
			} else {
				hosts += " (plain HTTP: " + orDash(text(e.Ingress.PlainReason)) + ")"
			}
			b.WriteString(row(wlName(wl), "ingress", "Ingress "+code(wl.Name())+" (class "+text(e.Ingress.ClassName)+")",
				hosts, fmt.Sprintf("Service %s port %d", text(e.Service.Object.Name), e.ServicePort.Port),
				"pods "+text(e.Flow.From.String())+" on "+text(e.Flow.PortsString())))
		}
		for _, se := range e.Services {
			kind, policy := "loadBalancer", "Cluster: sources arrive as node addresses"
			if se.Type == corev1.ServiceTypeNodePort {
				kind = "nodePort"
			}
			if se.Local {
				policy = "Local: client addresses preserved"
			}
			var ports []string
			for _, p := range se.Ports {
				ports = append(ports, p.String())
			}
			admitted := "source ranges " + text(strings.Join(se.Decl.SourceRanges, ", "))
			if len(se.Decl.NodeCIDRs) > 0 {
				admitted += "; node CIDRs " + text(strings.Join(se.Decl.NodeCIDRs, ", "))
			}
			b.WriteString(row(wlName(wl), kind, fmt.Sprintf("Service %s (type %s, externalTrafficPolicy %s)", code(se.Service.Object.Name), se.Type, policy),
				"-", "Service "+text(se.Service.Object.Name), admitted+" on "+text(strings.Join(ports, ", "))))
		}
	}
	if !exposed {
		w("No workload is exposed outside the cluster.\n")
	}

	w("\n## Exceptions\n\n")
	var exc []string
	for _, wl := range p.Workloads {
		for _, e := range wl.Spec.Exceptions {
			exc = append(exc, row(wlName(wl), code(e.Rule), text(e.ADR), text(e.Reason)))
		}
	}
	if len(exc) == 0 {
		w("None.\n")
	} else {
		w("| Workload | Rule | ADR | Reason |\n|---|---|---|---|\n%s", strings.Join(exc, ""))
	}
	ungoverned(&b, p)

	proofs(&b, pr)
	rollout(&b, p, pr.Rollout)
	deniedTraffic(&b, p)
	temporaryFlows(&b, p)
	compliance(&b, p, fs)

	w("\n## Handoffs\n\nWhat this render relies on others to provide:\n\n")
	for _, h := range handoffs(p) {
		w("- %s\n", h)
	}
	return b.String()
}

// layers writes the layers the connectivity proof evaluated, what it could
// not evaluate (by layer, with the construct and why: the flows those may
// open or close are not proven, whoever wrote them) and what decides
// nothing the proof judges.
func layers(b *strings.Builder, c *proof.Result) {
	names := make([]string, len(c.Evaluated))
	for i, l := range c.Evaluated {
		names[i] = text(l)
	}
	fmt.Fprintf(b, "Layers evaluated: %s.\n\n", strings.Join(names, ", "))
	byLayer := func(title string, os []proof.LayerObject) {
		if len(os) == 0 {
			return
		}
		b.WriteString(title)
		for i := 0; i < len(os); {
			layer := os[i].Layer
			var objs []string
			for ; i < len(os) && os[i].Layer == layer; i++ {
				o := os[i]
				s := text(o.String())
				if o.Field != "" {
					s += " " + code(o.Field)
				}
				if o.Generated {
					s += " (generated by netid)"
				}
				if o.Why != "" {
					s += ": " + text(o.Why)
				}
				objs = append(objs, s)
			}
			if len(objs) == 1 || !strings.Contains(strings.Join(objs, ""), ": ") {
				fmt.Fprintf(b, "- %s: %s\n", text(layer), strings.Join(objs, ", "))
				continue
			}
			fmt.Fprintf(b, "- %s:\n", text(layer))
			for _, o := range objs {
				fmt.Fprintf(b, "  - %s\n", o)
			}
		}
		b.WriteString("\n")
	}
	byLayer("Not evaluated (the proof claims nothing of the flows these objects may open or close):\n\n", c.NotEvaluated)
	byLayer("Deciding nothing the proof judges (listed, not evaluated):\n\n", c.Inert)
}

// proofs writes the computed flow matrix and the RBAC review.
func proofs(b *strings.Builder, pr Proofs) {
	if c := pr.Connectivity; c != nil {
		source := "every NetworkPolicy of the render (yours included)"
		if len(c.Evaluated) > 1 {
			source = "every policy of the render (yours included) in every layer evaluated below, each connection open only where every layer lets it through,"
		}
		if pr.Rollout != nil {
			source = "the enforce form of the render (every workload enforcing, see *Rollout*): " + source
		}
		fmt.Fprintf(b, "\n## Connectivity proof\n\nComputed from "+source+" over %d endpoints: the workloads, "+
			"and witnesses derived from every selector and address block of the policies and the declarations, so that every other pod (in any namespace, "+
			"with any labels and ports) and every address behaves like one of them (namespaces nothing names are %s…). "+
			"Each destination is probed on one port of every class of ports its rules tell apart. %d connections are allowed; ",
			len(c.Endpoints), proof.ProbeNamespace, len(c.Allowed))
		for _, g := range c.Incomplete {
			fmt.Fprintf(b, "**incomplete: %s; nothing is claimed.** ", text(g.Reason))
		}
		if len(c.Mismatches) == 0 {
			b.WriteString("each is declared, and every declared flow is open.\n\n")
		} else {
			fmt.Fprintf(b, "**%d differ from the declaration:**\n\n", len(c.Mismatches))
			for _, m := range c.Mismatches {
				fmt.Fprintf(b, "- %s\n", text(m.Describe()))
			}
			b.WriteString("\n")
		}
		layers(b, c)
		if len(c.Unjudged) > 0 {
			b.WriteString("Not judged:\n\n")
			for _, u := range c.Unjudged {
				fmt.Fprintf(b, "- %s\n", text(u.String()))
			}
			b.WriteString("\n")
		}
		if len(c.Evaluated) <= 1 {
			b.WriteString("| From | To | Allowed ports |\n|---|---|---|\n")
			for _, r := range proof.Rows(c.Allowed) {
				b.WriteString(row(text(r.From), text(r.To), text(strings.Join(r.Ports, ", "))))
			}
		} else {
			matrixByLayer(b, c)
		}
	}
	if len(pr.RBAC) > 0 {
		b.WriteString("\n## RBAC review\n\nEffective permissions of each ServiceAccount from every Role, ClusterRole and binding of the render, " +
			"as `kubectl auth can-i --list --as system:serviceaccount:NS:SA -n NS` lists them (without the API server's defaults for every authenticated user).\n")
		var none []string
		for _, sa := range slices.Sorted(maps.Keys(pr.RBAC)) {
			if len(pr.RBAC[sa]) == 0 {
				none = append(none, code(sa))
				continue
			}
			table := rbac.Table(visibleRules(pr.RBAC[sa]))
			f := fence(table)
			fmt.Fprintf(b, "\n### %s\n\n%s\n%s%s\n", text(sa), f, table, f)
		}
		if len(none) > 0 {
			fmt.Fprintf(b, "\nNo permissions: %s.\n", strings.Join(none, ", "))
		}
	}
}

// maxLayeredRows bounds the matrix written with several layers: the mesh's
// membership labels multiply the witnesses, and a report of a million rows
// helps nobody.
const maxLayeredRows = 2000

// matrixByLayer writes the flow matrix with the layers that decided each
// row, when several layers are evaluated.
func matrixByLayer(b *strings.Builder, c *proof.Result) {
	// Several layers: each row names the layers whose policies decided
	// its flows (a point no policy of which selects the endpoint allows
	// by default and is not named), and the flows restricted at L7.
	b.WriteString("| From | To | Allowed ports | Decided by |\n|---|---|---|---|\n")
	var l7 []string
	rows := 0
	for i := 0; i < len(c.Allowed); {
		if rows == maxLayeredRows {
			left := len(proof.Rows(c.Allowed[i:]))
			fmt.Fprintf(b, "\n… and %d more rows: `netid verify --json` lists every flow with the layers that decided it.\n", left)
			break
		}
		rows++
		first := c.Allowed[i]
		var ports, by []string
		for ; i < len(c.Allowed) && c.Allowed[i].From == first.From && c.Allowed[i].To == first.To; i++ {
			ports = append(ports, c.Allowed[i].Port)
			for _, l := range c.Allowed[i].Layers {
				if !slices.Contains(by, l) {
					by = append(by, l)
				}
			}
			for _, x := range c.Allowed[i].L7 {
				l7 = append(l7, c.Allowed[i].From+" → "+c.Allowed[i].To+" on "+c.Allowed[i].Port+": "+x)
			}
		}
		slices.Sort(by)
		decided := "no policy (open by default)"
		if len(by) > 0 {
			decided = strings.Join(by, ", ")
		}
		b.WriteString(row(text(first.From), text(first.To), text(strings.Join(ports, ", ")), text(decided)))
	}
	if len(l7) > 0 {
		b.WriteString("\nRestricted above layer 4 (the connection opens; only some requests pass):\n\n")
		for _, x := range l7 {
			fmt.Fprintf(b, "- %s\n", text(x))
		}
	}
}

// maxMatrixColumns bounds the grid: past it a table of flows reads better.
const maxMatrixColumns = 40

// matrix is the caller × callee grid of the allowed ports.
func matrix(b *strings.Builder, p *plan.Plan) {
	callerSet, calleeSet := map[string]bool{}, map[string]bool{}
	cells := map[[2]string][]string{}
	for _, f := range p.Flows {
		from, to := f.From.String(), f.To.String()
		callerSet[from], calleeSet[to] = true, true
		cells[[2]string{from, to}] = append(cells[[2]string{from, to}], text(f.PortsString()))
	}
	callers, callees := slices.Sorted(maps.Keys(callerSet)), slices.Sorted(maps.Keys(calleeSet))
	if len(p.Flows) == 0 {
		b.WriteString("\n## Declared flow matrix\n\nNo flows: every connection is denied.\n")
		return
	}
	if len(callees) > maxMatrixColumns {
		fmt.Fprintf(b, "\n## Declared flow matrix\n\n%d callers × %d callees is too wide for a grid; *Allowed flows* above lists every flow.\n", len(callers), len(callees))
		return
	}
	header := []string{"from \\ to"}
	for _, d := range callees {
		header = append(header, text(d))
	}
	fmt.Fprintf(b, "\n## Declared flow matrix\n\nRows call columns; a cell lists the allowed ports, `-` means denied.\n\n%s|---|%s\n",
		row(header...), strings.Repeat("---|", len(callees)))
	for _, c := range callers {
		cols := []string{"**" + text(c) + "**"}
		for _, d := range callees {
			col := "-"
			if v, ok := cells[[2]string{c, d}]; ok {
				col = strings.Join(v, ", ")
			}
			cols = append(cols, col)
		}
		b.WriteString(row(cols...))
	}
}

func handoffs(p *plan.Plan) []string {
	var out []string
	seen := map[string]bool{}
	add := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add("Cluster networking: the CNI must enforce NetworkPolicy (ingress and egress); without it every policy here is inert.")
	for _, wl := range p.Workloads {
		if r := wl.Spec.Registry; r != nil && r.PullSecret != "" {
			add("Registry: Secret %s (type kubernetes.io/dockerconfigjson, %s credentials) must exist in namespace %s; netid only references it.", code(r.PullSecret), text(string(r.Auth)), text(wl.Namespace()))
		}
		if e := wl.Exposure; e != nil && e.Gateway != nil {
			ns := e.Gateway.ParentRef.Namespace
			if ns == "" {
				ns = wl.Namespace()
			}
			add("Gateway owners: Gateway %s must allow %ss from namespace %s, and its pods must carry %s in namespace %s.",
				text(ns+"/"+e.Gateway.ParentRef.Name), text(string(e.Gateway.Kind)), text(wl.Namespace()), text("{"+plan.LabelString(e.Flow.From.Selector.MatchLabels)+"}"), text(e.Flow.From.Namespace))
		}
		if e := wl.Exposure; e != nil && e.Ingress != nil {
			add("Ingress owners: the %s ingress controller pods must carry %s in namespace %s.", text(e.Ingress.ClassName), text("{"+plan.LabelString(e.Flow.From.Selector.MatchLabels)+"}"), text(e.Flow.From.Namespace))
		}
		if e := wl.Exposure; e != nil {
			for _, se := range e.Services {
				switch {
				case se.Type == corev1.ServiceTypeLoadBalancer:
					add("Perimeter: the load balancer of Service %s/%s must admit only %s (its spec.loadBalancerSourceRanges).", text(wl.Namespace()), text(se.Service.Object.Name), text(strings.Join(se.Decl.SourceRanges, ", ")))
				case !se.Local:
					add("Node firewall: NodePort Service %s/%s has externalTrafficPolicy Cluster, so the NetworkPolicy sees node addresses; the nodes must admit only %s to its node ports.", text(wl.Namespace()), text(se.Service.Object.Name), text(strings.Join(se.Decl.SourceRanges, ", ")))
				}
			}
		}
		if m := wl.Spec.Mesh; m != nil && m.Provider == v1alpha1.MeshNone {
			add("East-west encryption for %s: %s", wlName(wl), text(m.EastWest))
		}
	}
	for _, ns := range p.Namespaces {
		switch {
		case ns.Mesh == v1alpha1.MeshIstio && ns.Redirect == v1alpha1.RedirectCNI:
			add("Istio: the Istio CNI plugin (the istio-cni node agent) must be installed: the pods of namespace %s get no istio-init container, so nothing else redirects their traffic to the sidecar.", text(ns.Name))
		case ns.Mesh == v1alpha1.MeshLinkerd && ns.Redirect == v1alpha1.RedirectCNI:
			add("Linkerd: the linkerd-cni DaemonSet must be installed and the control plane installed with the CNI enabled (--linkerd-cni-enabled): the pods of namespace %s get no linkerd-init container.", text(ns.Name))
		case ns.Mesh == v1alpha1.MeshIstio && ns.Redirect == v1alpha1.RedirectAmbient:
			add("Istio: ambient mode must be installed (the istio-cni node agent and ztunnel on every node) for namespace %s; its pods have no sidecar, and their kubelet probes arrive from %s.", text(ns.Name), text(plan.ProbeSource))
		case ns.Redirect == v1alpha1.RedirectInitContainer:
			add("Pod Security: namespace %s enforces %s, which the %s init container's NET_ADMIN and NET_RAW need; every pod of it may add them.", text(ns.Name), text(ns.PodSecurity.Enforce), text(string(ns.Mesh)))
		}
	}
	for _, f := range p.Flows {
		switch {
		case f.From.Kind == plan.KindPods && !f.Exposure:
			add("Owners of %s: their namespace's egress policy must allow the call to %s on %s.", text(f.From.String()), text(f.To.String()), text(withTunnel(f)))
		case f.To.Kind == plan.KindPods:
			add("Owners of %s: their namespace's ingress policy must admit %s on %s.", text(f.To.String()), text(f.From.String()), text(f.PortsString()))
		case f.To.Kind == plan.KindCIDR:
			add("Perimeter: traffic from %s to %s (%s) leaves the cluster; egress firewalls or gateways must allow it.", text(f.From.String()), text(f.To.String()), text(f.PortsString()))
		case f.To.Kind == plan.KindFQDN:
			add("Cilium: FQDN egress from %s to %s needs Cilium's DNS proxy (enabled by default).", text(f.From.String()), text(f.To.FQDN))
		}
	}
	return out
}

// withTunnel is the flow's ports and the mesh's tunnel ports (Istio
// ambient's HBONE), which the other end's policies must open too.
func withTunnel(f *plan.Flow) string {
	s := f.PortsString()
	for _, t := range f.Tunnel {
		s += ", " + t.String() + " (Istio ambient HBONE)"
	}
	return s
}

func endpoint(e plan.Endpoint) string {
	if e.Kind == plan.KindWorkload {
		return "**" + text(e.String()) + "**"
	}
	return text(e.String()) + " (" + string(e.Kind) + ")"
}

func portsWithVia(ps []plan.Port) string {
	var s []string
	for _, p := range ps {
		if p.Via != "" {
			s = append(s, fmt.Sprintf("%s (Service %s)", text(p.String()), text(p.Via)))
		} else {
			s = append(s, text(p.String()))
		}
	}
	return strings.Join(s, ", ")
}

func rule(r v1alpha1.Rule) string {
	groups := make([]string, 0, len(r.APIGroups))
	for _, g := range r.APIGroups {
		if g == "" {
			g = "core"
		}
		groups = append(groups, g)
	}
	s := strings.Join(r.Verbs, ",") + " " + strings.Join(r.Resources, ",")
	if len(r.Resources) > 0 {
		s += " (" + strings.Join(groups, ",") + ")"
	}
	if len(r.ResourceNames) > 0 {
		s += " named " + strings.Join(r.ResourceNames, ",")
	}
	if len(r.NonResourceURLs) > 0 {
		s += strings.Join(r.NonResourceURLs, ",")
	}
	return code(strings.TrimSpace(s))
}

func wlName(w *plan.Workload) string {
	return fmt.Sprintf("%s (%s)", text(w.Namespace()+"/"+w.Name()), text(w.Source.Kind()))
}

// visibleRules passes every string of the rules through visible, for the
// RBAC review's preformatted table (where Markdown is not interpreted but a
// line break or a bidirectional control would still deceive).
func visibleRules(rules []rbac.Rule) []rbac.Rule {
	out := make([]rbac.Rule, len(rules))
	for i, r := range rules {
		out[i] = rbac.Rule{Resources: visibleAll(r.Resources), NonResourceURLs: visibleAll(r.NonResourceURLs),
			ResourceNames: visibleAll(r.ResourceNames), Verbs: visibleAll(r.Verbs)}
	}
	return out
}

func visibleAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = visible(s)
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// flowPolicy names what admits a flow at one end: the per-flow policy, or
// the rule of the workload's policy ("web-ingress spec.ingress[2]"), or the
// per-flow object of an FQDN callee (a CiliumNetworkPolicy).
func flowPolicy(perFlow string, rule plan.NetpolRule, direction string) string {
	switch {
	case rule.Policy == "" || rule.Policy == perFlow:
		if perFlow == "" {
			return ""
		}
		return code(perFlow)
	default:
		return code(rule.String(direction))
	}
}
