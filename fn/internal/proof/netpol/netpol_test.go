package netpol

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The cases below follow the reachability cases of the upstream Kubernetes
// netpol e2e suite (test/e2e/network/netpol in kubernetes/kubernetes): three
// namespaces x, y, z labelled ns=<name>, three pods a, b, c in each labelled
// pod=<name>, serving 80 and 81 on TCP, UDP and SCTP under the names
// serve-<port>-<protocol>. Each probe states the full 9×9 truth table, worked
// out by hand from the API reference: rows are sources, columns destinations,
// both in the order x/a x/b x/c y/a y/b y/c z/a z/b z/c; '1' is allowed, '.'
// denied. Unlike upstream (which ignores loopback), the diagonal is asserted:
// this evaluator judges a pod reaching itself like any other pair.
//
// For the ipBlock cases the pods have IPs: x/* 10.0.1.{1,2,3}, y/*
// 10.0.2.{1,2,3} and, to cover IPv6, z/* fd00::3:{1,2,3}.

var e2ePods = []string{"x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"}

func e2eEstate() (map[string]map[string]string, []Endpoint) {
	namespaces := map[string]map[string]string{}
	var eps []Endpoint
	for i, name := range e2ePods {
		ns, pod, _ := strings.Cut(name, "/")
		namespaces[ns] = map[string]string{"ns": ns}
		var cps []corev1.ContainerPort
		for _, port := range []int32{80, 81} {
			for _, proto := range []corev1.Protocol{tcp, udp, sctp} {
				cps = append(cps, corev1.ContainerPort{
					Name:          fmt.Sprintf("serve-%d-%s", port, strings.ToLower(string(proto))),
					ContainerPort: port, Protocol: proto,
				})
			}
		}
		ip := netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", i/3+1, i%3+1))
		if ns == "z" {
			ip = netip.MustParseAddr(fmt.Sprintf("fd00::3:%d", i%3+1))
		}
		eps = append(eps, Endpoint{Name: name, Namespace: ns, Labels: map[string]string{"pod": pod}, Ports: cps, IP: ip})
	}
	return namespaces, eps
}

type e2eProbe struct {
	port  int32
	proto corev1.Protocol
	want  string
}

// parseTable reads a truth table: one line per source "x/a 111 .11 111".
func parseTable(t *testing.T, s string) [9][9]bool {
	t.Helper()
	var out [9][9]bool
	row := 0
	for _, line := range strings.Split(s, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if row >= 9 || fields[0] != e2ePods[row] {
			t.Fatalf("truth table row %d: want source %s, got %q", row, e2ePods[min(row, 8)], line)
		}
		cells := strings.Join(fields[1:], "")
		if len(cells) != 9 || strings.Trim(cells, "1.") != "" {
			t.Fatalf("truth table row %s: want 9 cells of '1' or '.', got %q", fields[0], cells)
		}
		for col, c := range cells {
			out[row][col] = c == '1'
		}
		row++
	}
	if row != 9 {
		t.Fatalf("truth table has %d rows, want 9", row)
	}
	return out
}

func formatTable(tab [9][9]bool) string {
	var b strings.Builder
	for r := range 9 {
		b.WriteString(e2ePods[r])
		for c := range 9 {
			if c%3 == 0 {
				b.WriteByte(' ')
			}
			if tab[r][c] {
				b.WriteByte('1')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

const allAllowed = `
x/a 111 111 111
x/b 111 111 111
x/c 111 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`

// nothing reaches x/a
const xaIsolated = `
x/a .11 111 111
x/b .11 111 111
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`

// nothing reaches namespace x
const xIngressDenied = `
x/a ... 111 111
x/b ... 111 111
x/c ... 111 111
y/a ... 111 111
y/b ... 111 111
y/c ... 111 111
z/a ... 111 111
z/b ... 111 111
z/c ... 111 111`

// nothing leaves namespace x
const xEgressDenied = `
x/a ... ... ...
x/b ... ... ...
x/c ... ... ...
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`

// only namespace y reaches x/a
const xaFromYOnly = `
x/a .11 111 111
x/b .11 111 111
x/c .11 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`

func TestE2EReachability(t *testing.T) {
	all := labelsSel()
	podA := labelsSel("pod", "a")
	cases := []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		probes   []e2eProbe
	}{
		{
			name: "default-deny-ingress",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-ingress", networkingv1.NetworkPolicySpec{PodSelector: *all}),
			},
			probes: []e2eProbe{{80, tcp, xIngressDenied}},
		},
		{
			name: "default-deny-egress",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-egress", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(egressType)}),
			},
			probes: []e2eProbe{{80, tcp, xEgressDenied}},
		},
		{
			name: "default-deny-all",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-all", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(ingressType, egressType)}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a ... ... ...
x/b ... ... ...
x/c ... ... ...
y/a ... 111 111
y/b ... 111 111
y/c ... 111 111
z/a ... 111 111
z/b ... 111 111
z/c ... 111 111`}},
		},
		{
			name: "allow-all ingress: ingress [{}] admits every source, port and protocol",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-all", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}),
			},
			probes: []e2eProbe{{80, tcp, allAllowed}, {81, tcp, allAllowed}, {80, udp, allAllowed}, {80, sctp, allAllowed}},
		},
		{
			name: "deny all with empty ingress list; an empty egress list does not isolate egress",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-ingress", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{}, Egress: []networkingv1.NetworkPolicyEgressRule{}}),
			},
			probes: []e2eProbe{{80, tcp, xIngressDenied}, {81, udp, xIngressDenied}},
		},
		{
			name: "egress rules without policyTypes default to Ingress+Egress, isolating ingress too",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "egress-only-rules", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Egress: []networkingv1.NetworkPolicyEgressRule{{}}}),
			},
			probes: []e2eProbe{{80, tcp, xaIsolated}},
		},
		{
			name: "explicit policyTypes [Egress] ignores spec.ingress",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "egress-typed", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(egressType),
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(labelsSel("pod", "nobody"))), nil)},
					Egress:  []networkingv1.NetworkPolicyEgressRule{{}}}),
			},
			probes: []e2eProbe{{80, tcp, allAllowed}},
		},
		{
			name: "policies in namespaces without pods still count, and restrict nothing here",
			policies: []networkingv1.NetworkPolicy{
				netpol("w", "deny-all", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(ingressType, egressType)}),
				netpol("", "deny-all-in-default", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(ingressType, egressType)}),
			},
			probes: []e2eProbe{{80, tcp, allAllowed}},
		},
		{
			name: "allow from pods with label in the same namespace",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "x-a-allows-x-b", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(labelsSel("pod", "b"))), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b 111 111 111
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}},
		},
		{
			name: "a pod reaches itself when its own policies admit it",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "x-a-allows-x-a", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(podA)), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 111 111 111
x/b .11 111 111
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}},
		},
		{
			name: "allow from all pods of all namespaces: podSelector {} and namespaceSelector {}",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-all", networkingv1.NetworkPolicySpec{PodSelector: *all}),
				netpol("x", "allow-all-to-a", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPodPeer(all, all)), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 1.. 111 111
x/b 1.. 111 111
x/c 1.. 111 111
y/a 1.. 111 111
y/b 1.. 111 111
y/c 1.. 111 111
z/a 1.. 111 111
z/b 1.. 111 111
z/c 1.. 111 111`}},
		},
		{
			name: "deny ingress from other namespaces: a bare podSelector {} means the policy's namespace",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-empty-policy", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(all)), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 111 111 111
x/b 111 111 111
x/c 111 111 111
y/a ... 111 111
y/b ... 111 111
y/c ... 111 111
z/a ... 111 111
z/b ... 111 111
z/c ... 111 111`}},
		},
		{
			name: "allow from a namespace by label",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-ns-y", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPeer(labelsSel("ns", "y"))), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, xaFromYOnly}},
		},
		{
			name: "allow from a namespace by the default kubernetes.io/metadata.name label",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-ns-y", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPeer(labelsSel(corev1.LabelMetadataName, "y"))), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, xaFromYOnly}},
		},
		{
			name: "egress to namespaces by matchExpressions NotIn on the default namespace label",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "not-to-y", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(peers(nsPeer(exprSel(expr(corev1.LabelMetadataName, metav1.LabelSelectorOpNotIn, "y")))), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 111 ... 111
x/b 111 111 111
x/c 111 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`}},
		},
		{
			name: "AND: namespaceSelector and podSelector in one peer",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-b-outside-x", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(
						nsPodPeer(exprSel(expr("ns", metav1.LabelSelectorOpNotIn, "x")), labelsSel("pod", "b")),
					), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b .11 111 111
x/c .11 111 111
y/a .11 111 111
y/b 111 111 111
y/c .11 111 111
z/a .11 111 111
z/b 111 111 111
z/c .11 111 111`}},
		},
		{
			name: "OR: namespaceSelector and podSelector as two peers",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-outside-x-or-b", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(
						nsPeer(exprSel(expr("ns", metav1.LabelSelectorOpNotIn, "x"))),
						podPeer(labelsSel("pod", "b")),
					), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b 111 111 111
x/c .11 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`}},
		},
		{
			name: "matchExpressions In on pods",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-b-c", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(exprSel(expr("pod", metav1.LabelSelectorOpIn, "b", "c")))), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b 111 111 111
x/c 111 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}},
		},
		{
			name: "matchExpressions NotIn matches pods without the key (apimachinery labels)",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-not-red", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(exprSel(expr("team", metav1.LabelSelectorOpNotIn, "red")))), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 111 111 111
x/b 111 111 111
x/c 111 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}},
		},
		{
			name: "matchLabels {k: \"\"} requires the key; Exists and DoesNotExist on namespaces",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-c-anywhere", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(
						podPeer(labelsSel("team", "")),
						nsPeer(exprSel(expr("ns", metav1.LabelSelectorOpDoesNotExist))),
						nsPodPeer(exprSel(expr("ns", metav1.LabelSelectorOpExists)), labelsSel("pod", "c")),
					), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b .11 111 111
x/c 111 111 111
y/a .11 111 111
y/b .11 111 111
y/c 111 111 111
z/a .11 111 111
z/b .11 111 111
z/c 111 111 111`}},
		},
		{
			name: "ports: only namespace y on port 81",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-y-81", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPeer(labelsSel("ns", "y"))), ports(portNum(81, tcp)))}}),
			},
			probes: []e2eProbe{{81, tcp, xaFromYOnly}, {80, tcp, xaIsolated}},
		},
		{
			name: "stacked policies with overlapping podSelectors union",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-y-81", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPeer(labelsSel("ns", "y"))), ports(portNum(81, tcp)))}}),
				netpol("x", "allow-y-80", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPeer(labelsSel("ns", "y"))), ports(portNum(80, tcp)))}}),
			},
			probes: []e2eProbe{{81, tcp, xaFromYOnly}, {80, tcp, xaFromYOnly}, {80, udp, xaIsolated}},
		},
		{
			name: "an allow-all ingress policy takes precedence over a port-80-only one",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-80", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portNum(80)))}}),
				netpol("x", "allow-all", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}),
			},
			probes: []e2eProbe{{81, tcp, allAllowed}},
		},
		{
			name: "ingress on port 80 only: 81 denied into x",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-80", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portNum(80)))}}),
			},
			probes: []e2eProbe{{80, tcp, allAllowed}, {81, tcp, xIngressDenied}},
		},
		{
			name: "an allow-all egress policy takes precedence over a port-80-only one",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-80", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(nil, ports(portNum(80)))}}),
				netpol("x", "allow-all", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{{}}}),
			},
			probes: []e2eProbe{{81, tcp, allAllowed}},
		},
		{
			name: "named port on ingress for the whole namespace",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-81-by-name", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portName("serve-81-tcp")))}}),
			},
			probes: []e2eProbe{{81, tcp, allAllowed}, {80, tcp, xIngressDenied}, {81, udp, xIngressDenied}},
		},
		{
			name: "named port from a namespace",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-y-80-by-name", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPeer(labelsSel("ns", "y"))), ports(portName("serve-80-tcp", tcp)))}}),
			},
			probes: []e2eProbe{{80, tcp, xaFromYOnly}, {81, tcp, xaIsolated}},
		},
		{
			name: "named port on egress resolves on the destination",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-egress-80-by-name", networkingv1.NetworkPolicySpec{PodSelector: *all,
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(nil, ports(portName("serve-80-tcp")))}}),
			},
			// no policyTypes and a non-empty egress: Ingress+Egress, and no
			// ingress rules, so x admits nothing either
			probes: []e2eProbe{{80, tcp, xIngressDenied}, {81, tcp, `
x/a ... ... ...
x/b ... ... ...
x/c ... ... ...
y/a ... 111 111
y/b ... 111 111
y/c ... 111 111
z/a ... 111 111
z/b ... 111 111
z/c ... 111 111`}},
		},
		{
			name: "named port on egress with explicit Egress type",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-egress-80-by-name", networkingv1.NetworkPolicySpec{PodSelector: *all, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(nil, ports(portName("serve-80-tcp")))}}),
			},
			probes: []e2eProbe{{80, tcp, allAllowed}, {81, tcp, xEgressDenied}},
		},
		{
			name: "a named port matches only with the container port's own protocol",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "udp-by-name", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portName("serve-80-udp", udp), portName("serve-81-tcp", udp)))}}),
			},
			probes: []e2eProbe{{80, udp, allAllowed}, {81, udp, xaIsolated}, {80, tcp, xaIsolated}, {81, tcp, xaIsolated}},
		},
		{
			name: "port ranges with endPort, on ingress and egress",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "ingress-81-85", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portRange(81, 85)))}}),
				netpol("x", "egress-79-80", networkingv1.NetworkPolicySpec{PodSelector: *labelsSel("pod", "b"), PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(nil, ports(portRange(79, 80, tcp)))}}),
			},
			probes: []e2eProbe{{80, tcp, xaIsolated}, {81, tcp, `
x/a 111 111 111
x/b ... ... ...
x/c 111 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`}, {81, udp, `
x/a .11 111 111
x/b ... ... ...
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}},
		},
		{
			name: "egress to a server in a CIDR block",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "to-y-b", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(peers(ipPeer("10.0.2.2/32")), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a ... .1. ...
x/b 111 111 111
x/c 111 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`}},
		},
		{
			name: "ipBlock except; an IPv4 CIDR never matches IPv6 pods",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "to-10-0-but-x-b", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(peers(ipPeer("10.0.0.0/16", "10.0.1.2/32")), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 1.1 111 ...
x/b 111 111 111
x/c 111 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`}},
		},
		{
			name: "an IP in both a CIDR's except and another policy's CIDR is allowed",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "to-10-0-but-x-b", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(peers(ipPeer("10.0.0.0/16", "10.0.1.2/32")), nil)}}),
				netpol("x", "to-x-b", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(peers(ipPeer("10.0.1.2/32")), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a 111 111 ...
x/b 111 111 111
x/c 111 111 111
y/a 111 111 111
y/b 111 111 111
y/c 111 111 111
z/a 111 111 111
z/b 111 111 111
z/c 111 111 111`}},
		},
		{
			name: "ingress from an IPv6 ipBlock with except",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "from-z-but-z-b", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(ipPeer("fd00::3:0/112", "fd00::3:2/128")), nil)}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b .11 111 111
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a 111 111 111
z/b .11 111 111
z/c 111 111 111`}},
		},
		{
			name: "ingress and egress specified together",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "a-from-b-and-out-on-80", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType, ingressType),
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(podPeer(labelsSel("pod", "b"))), nil)},
					Egress:  []networkingv1.NetworkPolicyEgressRule{egressRule(nil, ports(portNum(80)))}}),
			},
			probes: []e2eProbe{{80, tcp, `
x/a .11 111 111
x/b 111 111 111
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}, {81, tcp, `
x/a ... ... ...
x/b 111 111 111
x/c .11 111 111
y/a .11 111 111
y/b .11 111 111
y/c .11 111 111
z/a .11 111 111
z/b .11 111 111
z/c .11 111 111`}},
		},
		{
			name: "egress denied on the client even though the server admits it",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "to-y-a", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Egress: []networkingv1.NetworkPolicyEgressRule{egressRule(peers(nsPodPeer(labelsSel("ns", "y"), podA)), nil)}}),
				netpol("y", "a-from-x-a", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPodPeer(labelsSel("ns", "x"), podA)), nil)}}),
				netpol("y", "b-from-x-a", networkingv1.NetworkPolicySpec{PodSelector: *labelsSel("pod", "b"),
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(nsPodPeer(labelsSel("ns", "x"), podA)), nil)}}),
			},
			// to-y-a has no policyTypes and egress rules: it isolates x/a's
			// ingress as well
			probes: []e2eProbe{{80, tcp, `
x/a ... 1.. ...
x/b .11 ..1 111
x/c .11 ..1 111
y/a .11 ..1 111
y/b .11 ..1 111
y/c .11 ..1 111
z/a .11 ..1 111
z/b .11 ..1 111
z/c .11 ..1 111`}},
		},
		{
			name: "ingress and egress are controlled independently",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "allow-egress", networkingv1.NetworkPolicySpec{PodSelector: *podA, PolicyTypes: types(egressType),
					Egress: []networkingv1.NetworkPolicyEgressRule{{}}}),
				netpol("x", "deny-ingress", networkingv1.NetworkPolicySpec{PodSelector: *podA}),
			},
			probes: []e2eProbe{{80, tcp, xaIsolated}},
		},
		{
			name: "a protocol without a port admits any port of that protocol only",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "tcp-only", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portProto(tcp)))}}),
			},
			probes: []e2eProbe{{80, tcp, allAllowed}, {81, tcp, allAllowed}, {80, udp, xaIsolated}, {80, sctp, xaIsolated}},
		},
		{
			name: "SCTP is not TCP",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "deny-ingress", networkingv1.NetworkPolicySpec{PodSelector: *all}),
				netpol("x", "sctp-81", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portNum(81, sctp)))}}),
			},
			probes: []e2eProbe{{81, tcp, xIngressDenied}, {81, sctp, `
x/a 1.. 111 111
x/b 1.. 111 111
x/c 1.. 111 111
y/a 1.. 111 111
y/b 1.. 111 111
y/c 1.. 111 111
z/a 1.. 111 111
z/b 1.. 111 111
z/c 1.. 111 111`}, {80, sctp, xIngressDenied}},
		},
		{
			name: "UDP is not TCP",
			policies: []networkingv1.NetworkPolicy{
				netpol("x", "udp-81", networkingv1.NetworkPolicySpec{PodSelector: *podA,
					Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(nil, ports(portNum(81, udp)))}}),
			},
			probes: []e2eProbe{{81, tcp, xaIsolated}, {81, udp, allAllowed}, {80, udp, xaIsolated}},
		},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			namespaces, eps := e2eEstate()
			e := New(namespaces, tc.policies, eps)
			if w := e.Warnings(); len(w) > 0 {
				t.Errorf("unexpected warnings: %q", w)
			}
			for _, p := range tc.probes {
				want := parseTable(t, p.want)
				var got [9][9]bool
				for src := range 9 {
					for dst := range 9 {
						got[src][dst] = e.Allowed(src, dst, p.port, p.proto)
					}
				}
				if got != want {
					t.Errorf("%d/%s: truth table differs\nwant:\n%sgot:\n%s", p.port, p.proto, formatTable(want), formatTable(got))
				}
				for dst := range 9 {
					var srcs []int
					for src := range 9 {
						if want[src][dst] {
							srcs = append(srcs, src)
						}
					}
					if got := e.Sources(dst, p.port, p.proto); fmt.Sprint(got) != fmt.Sprint(orEmpty(srcs)) {
						t.Errorf("%d/%s: Sources(%s) = %v, want %v", p.port, p.proto, e2ePods[dst], got, orEmpty(srcs))
					}
				}
			}
		})
	}
}

func orEmpty(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}
