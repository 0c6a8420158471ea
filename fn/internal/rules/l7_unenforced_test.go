package rules

import (
	"strings"
	"testing"
)

// l7App is a workload calling an API with HTTP rules, in a cluster the
// ClusterNetworkIdentity lines cluster describe ("" for none).
func l7App(cluster string) string {
	out := "\n" + cartDeployment + `apiVersion: netid.dev/v1alpha1
kind: NetworkIdentity
metadata: {name: cart, namespace: shop}
spec:
  dns: {enabled: false}
  egress:
  - {to: {namespace: api, podLabels: {app: api}}, ports: ["8080"], reason: "read prices"}
  - to: {namespace: api, podLabels: {app: api}}
    ports: ["9090"]
    reason: "read stock"
    l7: {http: [{method: GET, path: "/stock/.*"}]}
`
	if cluster != "" {
		out += `---
apiVersion: netid.dev/v1alpha1
kind: ClusterNetworkIdentity
metadata: {name: cluster}
spec:
` + cluster
	}
	return out
}

var l7UnenforcedCases = table(l7Unenforced, []ruleCase{
	{name: "Cilium in its native dialect enforces L7", yaml: l7App("  cni: cilium\n  dialect: native\n")},
	{name: "no flow with L7", yaml: strings.Replace(l7App(""), `    l7: {http: [{method: GET, path: "/stock/.*"}]}`+"\n", "", 1)},
	{name: "no ClusterNetworkIdentity", yaml: l7App(""), want: []string{"NetworkIdentity/shop/cart spec.egress[1].l7"}},
	{name: "Cilium rendering NetworkPolicy", yaml: l7App("  cni: cilium\n  dialect: networkpolicy\n"), want: []string{"NetworkIdentity/shop/cart spec.egress[1].l7"}},
	{name: "Calico native", yaml: l7App("  cni: calico\n  dialect: native\n"), want: []string{"NetworkIdentity/shop/cart spec.egress[1].l7"}},
	{name: "Kafka topics, which Cilium no longer enforces", yaml: strings.Replace(l7App("  cni: cilium\n  dialect: native\n"),
		`{http: [{method: GET, path: "/stock/.*"}]}`, `{kafka: [{topic: stock, role: consume}]}`, 1), want: []string{"NetworkIdentity/shop/cart spec.egress[1].l7.kafka"}},
})

func TestL7Unenforced(t *testing.T) { runCases(t, l7Unenforced, l7UnenforcedCases) }

// TestL7UnenforcedNamesCluster checks the message names the cluster's
// settings and where they come from.
func TestL7UnenforcedNamesCluster(t *testing.T) {
	vs := l7Unenforced.Check(streamOf(t, l7App("  cni: calico\n  dialect: native\n")))
	if len(vs) != 1 || !strings.Contains(vs[0].Message, "cni calico with dialect native (ClusterNetworkIdentity/cluster spec.cni, spec.dialect)") {
		t.Errorf("got %+v; want the message to name the ClusterNetworkIdentity's settings", vs)
	}
}
