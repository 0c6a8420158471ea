package dialect

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/proof/model"
	"netid.dev/netid/fn/internal/proof/netpol"
)

// antreaNamespaces is the truth tables' estate: two namespaces, three
// pods, two external addresses.
var antreaNamespaces = map[string]map[string]string{
	"shop": {"team": "a", "env": "prod"},
	"lab":  {"team": "b", "env": "dev"},
}

func antreaEndpoints() []netpol.Endpoint {
	sa := func(name string, l map[string]string) map[string]string {
		l[model.ServiceAccountLabel] = name
		return l
	}
	return []netpol.Endpoint{
		{Name: "shop/web", Namespace: "shop", Labels: sa("web", map[string]string{"app": "web"})},
		{Name: "shop/db", Namespace: "shop", Labels: sa("db", map[string]string{"app": "db"}),
			Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 5432}}},
		{Name: "lab/client", Namespace: "lab", Labels: sa("default", map[string]string{"app": "client"})},
		{Name: "ext", IP: netip.MustParseAddr("203.0.113.9")},
		{Name: "partner", IP: netip.MustParseAddr("10.0.10.5")},
		{Name: "corp", IP: netip.MustParseAddr("10.1.1.1")},
	}
}

func antreaIndex(t *testing.T, eps []netpol.Endpoint, name string) int {
	t.Helper()
	for i, ep := range eps {
		if ep.Name == name {
			return i
		}
	}
	t.Fatalf("no endpoint %s", name)
	return -1
}

// antreaObjects splits a YAML stream ("---" separated) into Objects.
func antreaObjects(t testing.TB, stream string) []Object {
	t.Helper()
	var out []Object
	for _, doc := range strings.Split(stream, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("yaml: %v\n%s", err, doc)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name, Namespace string
			} `json:"metadata"`
		}
		if err := json.Unmarshal(js, &head); err != nil {
			t.Fatalf("head: %v", err)
		}
		out = append(out, Object{APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name,
			Namespace: head.Metadata.Namespace, JSON: js})
	}
	return out
}

func antreaNetworkPolicies(t testing.TB, stream string) []networkingv1.NetworkPolicy {
	t.Helper()
	var out []networkingv1.NetworkPolicy
	for _, doc := range strings.Split(stream, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var np networkingv1.NetworkPolicy
		if err := yaml.UnmarshalStrict([]byte(doc), &np); err != nil {
			t.Fatalf("networkpolicy: %v\n%s", err, doc)
		}
		out = append(out, np)
	}
	return out
}

// antreaProbe is one connection and what must decide it.
type antreaProbe struct {
	from, to string
	port     int32
	proto    corev1.Protocol
	allowed  bool
	// dir is the side whose decision want describes.
	dir  model.Direction
	want string
}

// antreaCheck compiles objs and nps on an Antrea cluster and asserts each
// probe's verdict and deciding policy and rule.
func antreaCheck(t *testing.T, objs, nps string, probes []antreaProbe) {
	t.Helper()
	compiled := Compile(Cluster{CNI: Antrea}, antreaNetworkPolicies(t, nps), antreaObjects(t, objs))
	if len(compiled.Unmodelled) > 0 {
		t.Fatalf("unexpected unmodelled: %v", compiled.Unmodelled)
	}
	eps := antreaEndpoints()
	ev := model.New(antreaNamespaces, compiled.Policies, eps)
	for _, p := range probes {
		port := p.port
		if port == 0 {
			port = 80
		}
		v := ev.Decide(antreaIndex(t, eps, p.from), antreaIndex(t, eps, p.to), port, p.proto)
		var got string
		for _, d := range v.Decisions {
			if d.Point == model.Network && d.Direction == p.dir {
				got = ev.Describe(d)
			}
		}
		if v.Allowed != p.allowed || got != p.want {
			var all []string
			for _, d := range v.Decisions {
				all = append(all, ev.Describe(d))
			}
			t.Errorf("%s -> %s %d/%s: allowed %v, %s decided by %q; want allowed %v by %q (all: %q)",
				p.from, p.to, port, p.proto, v.Allowed, p.dir, got, p.allowed, p.want, all)
		}
	}
}
