package netpol

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestExternalEndpointsAndIPs(t *testing.T) {
	const (
		web = iota
		db
		ext4
		ext6
		noIP
	)
	eps := []Endpoint{
		web:  {Name: "shop/web", Namespace: "shop", Labels: map[string]string{"app": "web"}, Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}},
		db:   {Name: "shop/db", Namespace: "shop", Labels: map[string]string{"app": "db"}, IP: netip.MustParseAddr("10.1.0.5")},
		ext4: {Name: "203.0.113.5", IP: netip.MustParseAddr("203.0.113.5")},
		ext6: {Name: "2001:db8::5", IP: netip.MustParseAddr("2001:db8::5")},
		noIP: {Name: "other/x", Namespace: "other", Labels: map[string]string{"app": "web"}},
	}
	policies := []networkingv1.NetworkPolicy{
		netpol("shop", "web-ingress", networkingv1.NetworkPolicySpec{PodSelector: *labelsSel("app", "web"),
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				ingressRule(peers(ipPeer("203.0.113.0/24")), nil),
				ingressRule(peers(podPeer(labelsSel())), nil),
			}}),
		netpol("shop", "web-egress", networkingv1.NetworkPolicySpec{PodSelector: *labelsSel("app", "web"), PolicyTypes: types(egressType),
			Egress: []networkingv1.NetworkPolicyEgressRule{
				egressRule(peers(ipPeer("0.0.0.0/0")), nil),
				egressRule(nil, ports(portName("http"))),
			}}),
		netpol("shop", "db-open", networkingv1.NetworkPolicySpec{PodSelector: *labelsSel("app", "db"),
			Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}),
	}
	e := New(nil, policies, eps)
	for _, c := range []struct {
		src, dst int
		port     int32
		want     bool
		why      string
	}{
		{ext4, web, 8080, true, "ipBlock admits the external address"},
		{ext6, web, 8080, false, "an IPv4 ipBlock never admits an IPv6 address"},
		{db, web, 8080, true, "podSelector {} admits pods of the policy's namespace"},
		{noIP, web, 8080, false, "a pod of another namespace"},
		{web, ext4, 443, true, "egress ipBlock 0.0.0.0/0"},
		{web, ext6, 443, false, "0.0.0.0/0 is IPv4 only"},
		{web, ext6, 8080, false, "a named port never matches an external destination"},
		{web, db, 443, true, "ipBlock matches a pod with an IP"},
		{web, noIP, 443, false, "ipBlock never matches an endpoint without an IP"},
		{web, noIP, 8080, false, "the named port resolves on the destination, which has no such port"},
		{web, web, 8080, true, "the named port resolves on the destination (itself); podSelector {} admits itself"},
		{ext4, ext6, 1, true, "nothing restricts traffic between external addresses"},
		{ext6, db, 5432, true, "ingress [{}] admits external addresses"},
		{db, ext6, 5432, true, "db's egress is not isolated"},
	} {
		if got := e.Allowed(c.src, c.dst, c.port, tcp); got != c.want {
			t.Errorf("%s -> %s:%d = %v, want %v (%s)", eps[c.src].Name, eps[c.dst].Name, c.port, got, c.want, c.why)
		}
	}
	if got, want := e.Sources(web, 8080, tcp), []int{web, db, ext4}; !slices.Equal(got, want) {
		t.Errorf("Sources(web, 8080) = %v, want %v", got, want)
	}
	if got, want := e.Sources(noIP, 8080, tcp), []int{db, ext4, ext6, noIP}; !slices.Equal(got, want) {
		t.Errorf("Sources(other/x, 8080) = %v, want %v (web's egress reaches neither port)", got, want)
	}
}

func TestIPv4MappedAddressesAreUnmapped(t *testing.T) {
	eps := []Endpoint{
		{Name: "shop/web", Namespace: "shop"},
		{Name: "mapped", IP: netip.MustParseAddr("::ffff:192.0.2.1")},
	}
	e := New(nil, []networkingv1.NetworkPolicy{
		netpol("shop", "from-doc-net", networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(ipPeer("192.0.2.0/24")), nil)}}),
	}, eps)
	if !e.Allowed(1, 0, 80, tcp) {
		t.Errorf("::ffff:192.0.2.1 is 192.0.2.1 and must match 192.0.2.0/24")
	}
}

func TestNamespaceLabels(t *testing.T) {
	eps := []Endpoint{
		{Name: "a/p", Namespace: "a"},
		{Name: "b/p", Namespace: "b"}, // namespace known only from its pod
		{Name: "c/p", Namespace: "c"},
	}
	namespaces := map[string]map[string]string{
		"a": {corev1.LabelMetadataName: "custom"}, // kept: the label is added only when missing
		"c": {"team": "red"},
	}
	e := New(namespaces, []networkingv1.NetworkPolicy{
		netpol("c", "from-named", networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{ingressRule(peers(
				nsPeer(exprSel(expr(corev1.LabelMetadataName, metav1.LabelSelectorOpIn, "b", "custom"))),
			), nil)}}),
	}, eps)
	if got, want := e.Sources(2, 80, tcp), []int{0, 1}; !slices.Equal(got, want) {
		t.Errorf("Sources(c/p) = %v, want %v", got, want)
	}
}

func TestInvalidPartsWarnAndMatchNothing(t *testing.T) {
	eps := []Endpoint{
		{Name: "shop/web", Namespace: "shop", Labels: map[string]string{"app": "web"}, Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 80}}},
		{Name: "10.0.0.1", IP: netip.MustParseAddr("10.0.0.1")},
	}
	nine := int32(9)
	icmp := corev1.Protocol("ICMP")
	named := portName("http")
	named.EndPort = &nine
	noPort := networkingv1.NetworkPolicyPort{EndPort: &nine}
	policies := []networkingv1.NetworkPolicy{
		netpol("shop", "bad", networkingv1.NetworkPolicySpec{
			PolicyTypes: types(ingressType, "Sideways"),
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				ingressRule(peers(ipPeer("10.0.0.0/33")), nil),
				ingressRule(peers(ipPeer("10.0.0.0/8", "10.0.0.0/99")), nil),
				ingressRule(peers(networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}, PodSelector: labelsSel()}), nil),
				ingressRule(peers(networkingv1.NetworkPolicyPeer{}), nil),
				ingressRule(peers(podPeer(exprSel(expr("app", metav1.LabelSelectorOpIn)))), nil),
				ingressRule(nil, ports(named, noPort, portRange(90, 80), networkingv1.NetworkPolicyPort{Protocol: &icmp})),
			}}),
		netpol("shop", "bad-target", networkingv1.NetworkPolicySpec{PodSelector: *exprSel(expr("app", "Near"))}),
	}
	e := New(nil, policies, eps)
	for _, want := range []string{
		`shop/bad: spec.policyTypes: unknown type "Sideways"`,
		`shop/bad: spec.ingress[0].from[0].ipBlock.cidr "10.0.0.0/33"`,
		`shop/bad: spec.ingress[1].from[0].ipBlock.except[0] "10.0.0.0/99"`,
		`shop/bad: spec.ingress[2].from[0]: ipBlock together with a selector`,
		`shop/bad: spec.ingress[3].from[0]: a peer with no podSelector`,
		`shop/bad: spec.ingress[4].from[0].podSelector: `,
		`shop/bad: spec.ingress[5].ports[0]: endPort with named port "http"`,
		`shop/bad: spec.ingress[5].ports[1]: endPort without port`,
		`shop/bad: spec.ingress[5].ports[2]: endPort 80 below port 90`,
		`shop/bad: spec.ingress[5].ports[3].protocol: unsupported protocol "ICMP"`,
		`shop/bad-target: spec.podSelector: `,
	} {
		found := false
		for _, w := range e.Warnings() {
			found = found || strings.HasPrefix(w, want)
		}
		if !found {
			t.Errorf("no warning starting %q in:\n%s", want, strings.Join(e.Warnings(), "\n"))
		}
	}
	// every invalid part matches nothing, so shop/web stays isolated and
	// admits nobody on any of the ports the broken entries name
	for _, port := range []int32{80, 85, 9} {
		for _, proto := range []corev1.Protocol{tcp, udp, icmp} {
			if got := e.Sources(0, port, proto); len(got) != 0 {
				t.Errorf("Sources(shop/web, %d/%s) = %v, want none", port, proto, got)
			}
		}
	}
}

func TestIndexOutOfRangePanics(t *testing.T) {
	e := New(nil, nil, []Endpoint{{Name: "a", Namespace: "a"}})
	defer func() {
		if recover() == nil {
			t.Errorf("Allowed(0, 1) did not panic with one endpoint")
		}
	}()
	e.Allowed(0, 1, 80, tcp)
}
