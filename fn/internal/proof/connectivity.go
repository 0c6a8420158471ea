// Package proof proves a rendered stream: the connectivity proof computes the
// flow matrix the NetworkPolicies actually allow (with the evaluator in
// proof/netpol) and compares it with the declared flows; the RBAC review
// (proof/rbac) lists what each ServiceAccount can really do.
package proof

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// Pod is one workload of the stream, judged as one representative pod.
type Pod struct {
	Namespace, Name string
	Labels          map[string]string
	Ports           []corev1.ContainerPort
}

// Input is what the connectivity proof reads: the whole stream's policies and
// workloads, and the Plan's declarations (nil for a stream without them:
// then the matrix is computed but nothing is expected).
type Input struct {
	// Namespaces maps a Namespace of the stream to its labels.
	Namespaces map[string]map[string]string
	Policies   []networkingv1.NetworkPolicy
	Pods       []Pod
	Plan       *plan.Plan
}

// Cell is one judged (source, destination, port).
type Cell struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Port is "8080/TCP".
	Port string `json:"port"`
	// Allowed is what the rendered policies do; Expected what was declared.
	Allowed  bool `json:"allowed"`
	Expected bool `json:"expected"`
}

// Result is the proof's outcome.
type Result struct {
	// Endpoints are every endpoint considered: workloads, declared peers
	// outside the render, and the synthetic probes.
	Endpoints []string
	// Allowed is the flow matrix: every allowed, judged connection, sorted.
	Allowed []Cell
	// Mismatches are declared flows found blocked and undeclared flows found
	// open (empty without a Plan).
	Mismatches []Cell
}

// Synthetic probes: an address outside the cluster and a port no one declares.
var (
	outsideAddr = netip.MustParseAddr("198.51.100.7")
	probePort   = port{65000, corev1.ProtocolTCP}
)

// ProbeNamespace holds the clones of workloads, with their labels, in a
// namespace no policy names.
const ProbeNamespace = "netid-probe"

type port struct {
	n     int32
	proto corev1.Protocol
}

func (p port) String() string { return fmt.Sprintf("%d/%s", p.n, p.proto) }

type prover struct {
	in        Input
	endpoints []netpol.Endpoint
	index     map[string]int
	// judged endpoints are pods of governed namespaces: a pair is judged when
	// either end is one.
	judged []bool
	// expected[dst][port] holds the sources declared to reach dst on port.
	expected map[int]map[port]map[int]bool
	// ports[dst] are the ports probed at dst.
	ports map[int]map[port]bool
}

// Connectivity runs the proof.
func Connectivity(in Input) Result {
	p := &prover{in: in, index: map[string]int{}, expected: map[int]map[port]map[int]bool{}, ports: map[int]map[port]bool{}}
	governed := p.governedNamespaces()
	for _, pod := range in.Pods {
		p.add(pod.Namespace+"/"+pod.Name, netpol.Endpoint{Namespace: pod.Namespace, Labels: pod.Labels, Ports: pod.Ports}, governed[pod.Namespace])
		// a clone of the workload's labels in a namespace no policy names
		p.add(ProbeNamespace+"/"+pod.Name+" (clone of "+pod.Namespace+"/"+pod.Name+")",
			netpol.Endpoint{Namespace: ProbeNamespace, Labels: pod.Labels, Ports: pod.Ports}, false)
	}
	for ns := range governed {
		p.add(ns+"/(probe with undeclared labels)", netpol.Endpoint{Namespace: ns, Labels: map[string]string{"netid.dev/probe": "undeclared"}}, true)
	}
	p.add(outsideAddr.String()+" (outside the cluster)", netpol.Endpoint{IP: outsideAddr}, false)
	if in.Plan != nil {
		p.expectPlan()
	} else {
		p.peersOfPolicies()
	}
	for i, e := range p.endpoints {
		p.probe(i, probePort)
		for _, cp := range e.Ports {
			p.probe(i, port{cp.ContainerPort, protocolOf(cp.Protocol)})
		}
	}
	return p.run()
}

// governedNamespaces are the namespaces the Plan governs; without a Plan,
// every namespace with a workload.
func (p *prover) governedNamespaces() map[string]bool {
	out := map[string]bool{}
	if p.in.Plan != nil {
		for _, ns := range p.in.Plan.Namespaces {
			out[ns.Name] = true
		}
		return out
	}
	for _, pod := range p.in.Pods {
		out[pod.Namespace] = true
	}
	return out
}

func (p *prover) add(name string, e netpol.Endpoint, judged bool) int {
	if i, ok := p.index[name]; ok {
		return i
	}
	e.Name = name
	p.index[name] = len(p.endpoints)
	p.endpoints = append(p.endpoints, e)
	p.judged = append(p.judged, judged)
	return len(p.endpoints) - 1
}

func (p *prover) probe(dst int, pt port) {
	if p.ports[dst] == nil {
		p.ports[dst] = map[port]bool{}
	}
	p.ports[dst][pt] = true
}

func (p *prover) expect(src, dst int, pt port) {
	p.probe(dst, pt)
	if p.expected[dst] == nil {
		p.expected[dst] = map[port]map[int]bool{}
	}
	if p.expected[dst][pt] == nil {
		p.expected[dst][pt] = map[int]bool{}
	}
	p.expected[dst][pt][src] = true
}

// expectPlan turns the declarations into expectations: every flow on its
// ports, and each namespace's DNS and mesh control-plane egress for every pod
// of the namespace (probes included: those policies select all pods).
func (p *prover) expectPlan() {
	for _, f := range p.in.Plan.Flows {
		src, dst := p.endpoint(f.From), p.endpoint(f.To)
		if src < 0 || dst < 0 {
			continue
		}
		for _, pt := range f.Ports {
			p.expect(src, dst, p.resolve(dst, pt))
		}
	}
	for _, ns := range p.in.Plan.Namespaces {
		var targets []target
		if d := ns.DNS; d != nil {
			dns := p.add(d.Namespace+"/{"+plan.LabelString(d.PodLabels)+"} (DNS)", netpol.Endpoint{Namespace: d.Namespace, Labels: d.PodLabels}, false)
			targets = append(targets, target{dns, dnsPorts})
			if d.NodeLocal != "" {
				addr := netip.MustParseAddr(d.NodeLocal)
				nl := p.add(d.NodeLocal+" (NodeLocal DNS)", netpol.Endpoint{IP: addr}, false)
				targets = append(targets, target{nl, dnsPorts})
			}
		}
		if cp, ok := plan.MeshControlPlanes[ns.Mesh]; ok {
			mesh := p.add(cp.Namespace+"/{"+plan.LabelString(cp.Pods)+"} (mesh control plane)", netpol.Endpoint{Namespace: cp.Namespace, Labels: cp.Pods}, false)
			var ports []port
			for _, n := range cp.Ports {
				ports = append(ports, port{n, corev1.ProtocolTCP})
			}
			targets = append(targets, target{mesh, ports})
		}
		for i, e := range p.endpoints {
			if e.Namespace != ns.Name || !p.judged[i] {
				continue
			}
			for _, t := range targets {
				for _, pt := range t.ports {
					p.expect(i, t.dst, pt)
				}
			}
		}
	}
}

// target is a namespace-wide egress destination and its ports.
type target struct {
	dst   int
	ports []port
}

var dnsPorts = []port{{53, corev1.ProtocolUDP}, {53, corev1.ProtocolTCP}}

// peersOfPolicies adds, for a stream without declarations, an endpoint for
// every peer the policies name outside the stream's workloads: pods selected
// by namespace name and labels, and a sample address of each ipBlock, so the
// matrix shows what the policies open towards them.
func (p *prover) peersOfPolicies() {
	add := func(policyNS string, peer networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) {
		idx := -1
		switch {
		case peer.IPBlock != nil:
			if addr, ok := sampleAddr(peer.IPBlock.CIDR, peer.IPBlock.Except); ok {
				idx = p.add(addr.String()+" (in "+peer.IPBlock.CIDR+")", netpol.Endpoint{IP: addr}, false)
			}
		case peer.PodSelector != nil && len(peer.PodSelector.MatchLabels) > 0 && len(peer.PodSelector.MatchExpressions) == 0:
			ns := policyNS
			if sel := peer.NamespaceSelector; sel != nil {
				name, ok := sel.MatchLabels["kubernetes.io/metadata.name"]
				if !ok || len(sel.MatchLabels) != 1 || len(sel.MatchExpressions) > 0 {
					return
				}
				ns = name
			}
			if p.selectsPod(ns, peer.PodSelector.MatchLabels) {
				return // a workload of the stream: already an endpoint
			}
			idx = p.add(ns+"/{"+plan.LabelString(peer.PodSelector.MatchLabels)+"}", netpol.Endpoint{Namespace: ns, Labels: peer.PodSelector.MatchLabels}, false)
		}
		if idx < 0 {
			return
		}
		for _, pt := range ports {
			if pt.Port != nil && pt.Port.Type == intstr.Int {
				proto := corev1.ProtocolTCP
				if pt.Protocol != nil {
					proto = *pt.Protocol
				}
				p.probe(idx, port{pt.Port.IntVal, proto})
			}
		}
	}
	for _, pol := range p.in.Policies {
		for _, r := range pol.Spec.Ingress {
			for _, peer := range r.From {
				add(pol.Namespace, peer, nil)
			}
		}
		for _, r := range pol.Spec.Egress {
			for _, peer := range r.To {
				add(pol.Namespace, peer, r.Ports)
			}
		}
	}
}

// selectsPod reports whether labels select one of the stream's workloads in ns.
func (p *prover) selectsPod(ns string, set map[string]string) bool {
	sel := labels.SelectorFromSet(set)
	for _, pod := range p.in.Pods {
		if pod.Namespace == ns && sel.Matches(labels.Set(pod.Labels)) {
			return true
		}
	}
	return false
}

// endpoint finds or creates the endpoint of a flow end.
func (p *prover) endpoint(e plan.Endpoint) int {
	switch e.Kind {
	case plan.KindWorkload:
		if i, ok := p.index[e.Namespace+"/"+e.Workload.Name()]; ok {
			return i
		}
		return -1
	case plan.KindPods:
		return p.add(e.String(), netpol.Endpoint{Namespace: e.Namespace, Labels: e.Selector.MatchLabels}, false)
	case plan.KindCIDR:
		addr, ok := sampleAddr(e.CIDR, e.Except)
		if !ok {
			return -1
		}
		for _, ex := range e.Except {
			if pre, err := netip.ParsePrefix(ex); err == nil {
				p.add(pre.Addr().String()+" (excepted from "+e.CIDR+")", netpol.Endpoint{IP: pre.Addr()}, false)
			}
		}
		return p.add(addr.String()+" (in "+e.String()+")", netpol.Endpoint{IP: addr}, false)
	}
	return -1 // FQDN flows are Cilium policies, outside NetworkPolicy semantics
}

// resolve turns a planned port into a number: a named target port through the
// destination's container ports; a name the destination does not declare
// (pods outside the render) gets a synthetic container port, so the named
// rule can be probed.
func (p *prover) resolve(dst int, pt plan.Port) port {
	proto := protocolOf(pt.Protocol)
	if pt.Target.Type == intstr.Int {
		return port{pt.Target.IntVal, proto}
	}
	e := &p.endpoints[dst]
	for _, cp := range e.Ports {
		if cp.Name == pt.Target.StrVal {
			return port{cp.ContainerPort, protocolOf(cp.Protocol)}
		}
	}
	n := int32(30000 + len(e.Ports))
	e.Ports = append(e.Ports, corev1.ContainerPort{Name: pt.Target.StrVal, ContainerPort: n, Protocol: proto})
	return port{n, proto}
}

func (p *prover) run() Result {
	engine := netpol.New(p.namespaces(), p.in.Policies, p.endpoints)
	var res Result
	for _, e := range p.endpoints {
		res.Endpoints = append(res.Endpoints, e.Name)
	}
	for dst := range p.endpoints {
		for pt := range p.ports[dst] {
			exp := p.expected[dst][pt]
			allowed := map[int]bool{}
			for _, src := range engine.Sources(dst, pt.n, pt.proto) {
				if src == dst || !(p.judged[src] || p.judged[dst]) {
					continue
				}
				allowed[src] = true
				c := Cell{From: p.endpoints[src].Name, To: p.endpoints[dst].Name, Port: pt.String(), Allowed: true, Expected: exp[src]}
				res.Allowed = append(res.Allowed, c)
				if p.in.Plan != nil && !c.Expected {
					res.Mismatches = append(res.Mismatches, c)
				}
			}
			for src := range exp {
				if !allowed[src] && src != dst {
					res.Mismatches = append(res.Mismatches, Cell{From: p.endpoints[src].Name, To: p.endpoints[dst].Name, Port: pt.String(), Expected: true})
				}
			}
		}
	}
	sortCells(res.Allowed)
	sortCells(res.Mismatches)
	return res
}

// namespaces are the stream's Namespaces plus every namespace an endpoint
// lives in, each with the immutable kubernetes.io/metadata.name label.
func (p *prover) namespaces() map[string]map[string]string {
	out := map[string]map[string]string{}
	for ns, l := range p.in.Namespaces {
		out[ns] = l
	}
	for _, e := range p.endpoints {
		if e.Namespace != "" && out[e.Namespace] == nil {
			out[e.Namespace] = map[string]string{}
		}
	}
	for ns, l := range out {
		c := map[string]string{"kubernetes.io/metadata.name": ns}
		for k, v := range l {
			c[k] = v
		}
		out[ns] = c
	}
	return out
}

// sampleAddr is the first address of the block outside every except.
func sampleAddr(cidr string, except []string) (netip.Addr, bool) {
	block, err := netip.ParsePrefix(cidr)
	if err != nil {
		return netip.Addr{}, false
	}
	var ex []netip.Prefix
	for _, e := range except {
		if pre, err := netip.ParsePrefix(e); err == nil {
			ex = append(ex, pre)
		}
	}
	a := block.Masked().Addr()
	for i := 0; i < 1024 && block.Contains(a); i, a = i+1, a.Next() {
		excluded := false
		for _, pre := range ex {
			excluded = excluded || pre.Contains(a)
		}
		if !excluded {
			return a, true
		}
	}
	return netip.Addr{}, false
}

func protocolOf(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

func sortCells(cs []Cell) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Port < b.Port
	})
}

// Describe is a mismatch in words.
func (c Cell) Describe() string {
	if c.Expected {
		return fmt.Sprintf("declared flow %s → %s on %s is blocked by the rendered policies", c.From, c.To, c.Port)
	}
	return fmt.Sprintf("undeclared flow %s → %s on %s is allowed by the rendered policies", c.From, c.To, c.Port)
}

// Row is one (source, destination) pair of the matrix with its ports.
type Row struct {
	From, To string
	Ports    []string
}

// Rows groups sorted cells by pair.
func Rows(cells []Cell) []Row {
	var rows []Row
	for _, c := range cells {
		if n := len(rows); n > 0 && rows[n-1].From == c.From && rows[n-1].To == c.To {
			rows[n-1].Ports = append(rows[n-1].Ports, c.Port)
			continue
		}
		rows = append(rows, Row{From: c.From, To: c.To, Ports: []string{c.Port}})
	}
	return rows
}

// Table renders the matrix as lines "from → to: ports".
func Table(cells []Cell) string {
	var b strings.Builder
	for _, r := range Rows(cells) {
		fmt.Fprintf(&b, "%s → %s: %s\n", r.From, r.To, strings.Join(r.Ports, ", "))
	}
	return b.String()
}
