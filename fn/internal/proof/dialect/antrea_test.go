package dialect

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"netid.dev/netid/fn/internal/proof/model"
)

// The truth tables follow https://antrea.io/docs/main/docs/antrea-network-policy/
// (docs/antrea-network-policy.md of antrea-io/antrea, v2.2); each case
// quotes the sentence it encodes.

const (
	antreaNoIngress = "network ingress: no policy decides (allowed)"
	antreaNoEgress  = "network egress: no policy decides (allowed)"
	antreaNPTier    = " (Antrea: after tier application, before tier baseline)"
)

// antreaDenyClientToDB is an ACNP in the application Tier at priority 10
// that drops lab/client -> shop/db.
const antreaDenyClientToDB = `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata:
  name: app-drop-client
spec:
  priority: 10
  appliedTo:
  - podSelector: {matchLabels: {app: db}}
  ingress:
  - action: Drop
    from:
    - podSelector: {matchLabels: {app: client}}
`

// antreaOnlyWebToDB is a Kubernetes NetworkPolicy isolating shop/db for
// ingress and allowing only shop/web.
const antreaOnlyWebToDB = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-only-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
`

func TestAntreaTruthTables(t *testing.T) {
	cases := []struct {
		name, doc string
		objs, nps string
		probes    []antreaProbe
	}{
		{
			name: "tier order: emergency before application",
			doc:  "Static tiers: Emergency > SecurityOps > NetworkOps > Platform > Application > K8s NetworkPolicy > Baseline",
			objs: antreaDenyClientToDB + `
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: em-allow}
spec:
  priority: 100
  tier: emergency
  appliedTo:
  - podSelector: {matchLabels: {app: db}}
  ingress:
  - action: Allow
    from:
    - namespaceSelector: {matchLabels: {env: dev}}
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: true, want: "ClusterNetworkPolicy em-allow (Antrea tier emergency) spec.ingress[0]: Allow"},
			},
		},
		{
			name: "tier order: a user Tier of priority 10 before securityops; the former capitalised static name",
			doc:  "Policies associated with higher ordered (low priority value) Tiers are enforced first.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: Tier
metadata: {name: mytier}
spec: {priority: 10, description: "my custom tier"}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: secops-allow}
spec:
  priority: 1
  tier: SecurityOps
  appliedTo:
  - podSelector: {}
  ingress:
  - action: Allow
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: mytier-drop}
spec:
  priority: 9000
  tier: mytier
  appliedTo:
  - podSelector: {matchLabels: {app: db}}
  ingress:
  - action: Drop
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy mytier-drop (Antrea tier mytier) spec.ingress[0]: Deny"},
				{from: "shop/db", to: "shop/web", allowed: true, want: "ClusterNetworkPolicy secops-allow (Antrea tier securityops) spec.ingress[0]: Allow"},
			},
		},
		{
			name: "priority within a tier: lower first, regardless of kind",
			doc:  "Within a Tier, Antrea-native policy CRDs are ordered by the priority at the policy level ... solely based on the priority assigned, as opposed to the Kind",
			objs: antreaDenyClientToDB + `
---
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: annp-allow, namespace: shop}
spec:
  priority: 5
  appliedTo:
  - podSelector: {matchLabels: {app: db}}
  ingress:
  - action: Allow
    from:
    - namespaceSelector: {}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: app-drop-web}
spec:
  priority: 2
  appliedTo:
  - podSelector: {matchLabels: {app: db}}
  ingress:
  - action: Drop
    from:
    - podSelector: {matchLabels: {app: web}}
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: true, want: "NetworkPolicy shop/annp-allow (Antrea tier application) spec.ingress[0]: Allow"},
				{from: "shop/web", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy app-drop-web (Antrea tier application) spec.ingress[0]: Deny"},
			},
		},
		{
			name: "equal priorities: undefined in Antrea, the proof takes the name",
			doc:  "Policies with the same priorities will be enforced indeterministically.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: b-allow}
spec:
  priority: 7
  appliedTo: [{podSelector: {}}]
  ingress: [{action: Allow}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: a-drop}
spec:
  priority: 7
  appliedTo: [{podSelector: {}}]
  ingress: [{action: Drop}]
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy a-drop (Antrea tier application) spec.ingress[0]: Deny"},
			},
		},
		{
			name: "rule order within a policy; Reject denies",
			doc:  "The order in which the ingress rules are specified matters, i.e., rules will be enforced in the order in which they are written. / If a Reject rule is matched, the client ... will receive ... an explicit reject response",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: db-guard}
spec:
  priority: 1
  tier: securityops
  appliedTo: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - action: Allow
    from: [{podSelector: {matchLabels: {app: web}}, namespaceSelector: {matchLabels: {team: a}}}]
  - action: Reject
    name: RejectRest
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: true, want: "ClusterNetworkPolicy db-guard (Antrea tier securityops) spec.ingress[0]: Allow"},
				{from: "lab/client", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy db-guard (Antrea tier securityops) spec.ingress[1]: Deny"},
				{from: "ext", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy db-guard (Antrea tier securityops) spec.ingress[1]: Deny"},
			},
		},
		{
			name: "no isolation: a selected pod no rule matches falls through",
			doc:  "Unlike K8s NetworkPolicy, Antrea ClusterNetworkPolicy does not automatically isolate Pods selected in appliedTo.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: allow-web}
spec:
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - action: Allow
    from: [{podSelector: {matchLabels: {app: web}}}]
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "Pass skips every later regular tier, not only its own",
			doc:  "A Pass rule ... skips this packet for further Antrea-native policy rule evaluations in regular Tiers, and delegates the decision to K8s namespaced NetworkPolicies",
			objs: antreaDenyClientToDB + `
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: em-pass}
spec:
  priority: 1
  tier: emergency
  appliedTo: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - action: Pass
    from: [{namespaceSelector: {matchLabels: {env: dev}}}]
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "Pass delegates to NetworkPolicy, which isolates",
			doc:  "delegates the decision to K8s namespaced NetworkPolicies (in networking.k8s.io API group)",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: pass-all}
spec:
  priority: 1
  tier: platform
  appliedTo: [{podSelector: {}}]
  ingress: [{action: Pass}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: allow-all}
spec:
  priority: 2
  tier: platform
  appliedTo: [{podSelector: {}}]
  ingress: [{action: Allow}]
`,
			nps: antreaOnlyWebToDB,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: false, want: "NetworkPolicy shop/db-only-web" + antreaNPTier + ": ingress isolated, no rule matches (Deny)"},
				{from: "shop/web", to: "shop/db", allowed: true, want: "NetworkPolicy shop/db-only-web" + antreaNPTier + " spec.ingress[0]: Allow"},
			},
		},
		{
			name: "Pass reaches the Baseline tier when no NetworkPolicy matches",
			doc:  "If no K8s NetworkPolicy matches this traffic, then all Antrea-native policy Baseline Tier rules will be tested for a match.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: pass-all}
spec:
  priority: 1
  appliedTo: [{podSelector: {}}]
  ingress: [{action: Pass}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: baseline-drop}
spec:
  priority: 1
  tier: baseline
  appliedTo: [{namespaceSelector: {matchLabels: {env: prod}}}]
  ingress:
  - action: Drop
    from: [{namespaceSelector: {matchLabels: {env: dev}}}]
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/web", allowed: false, want: "ClusterNetworkPolicy baseline-drop (Antrea tier baseline) spec.ingress[0]: Deny"},
			},
		},
		{
			name: "Baseline tier after NetworkPolicy: only pods NetworkPolicy does not isolate",
			doc:  "Policies created in the baseline Tier ... will have lower precedence than developer-created K8s NetworkPolicies / baseline policies cannot counteract the isolated Pod behavior provided by K8s NetworkPolicies",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: baseline-drop-dev}
spec:
  priority: 1
  tier: baseline
  appliedTo: [{namespaceSelector: {matchLabels: {env: prod}}}]
  ingress:
  - action: Allow
    from: [{podSelector: {matchLabels: {app: client}}}]
  - action: Drop
`,
			nps: antreaOnlyWebToDB,
			probes: []antreaProbe{
				// shop/db is isolated by NetworkPolicy: the baseline Allow cannot help.
				{from: "lab/client", to: "shop/db", allowed: false, want: "NetworkPolicy shop/db-only-web" + antreaNPTier + ": ingress isolated, no rule matches (Deny)"},
				{from: "shop/web", to: "shop/db", allowed: true, want: "NetworkPolicy shop/db-only-web" + antreaNPTier + " spec.ingress[0]: Allow"},
				// shop/web is not isolated: the baseline decides.
				{from: "lab/client", to: "shop/web", allowed: true, want: "ClusterNetworkPolicy baseline-drop-dev (Antrea tier baseline) spec.ingress[0]: Allow"},
				{from: "shop/db", to: "shop/web", allowed: false, want: "ClusterNetworkPolicy baseline-drop-dev (Antrea tier baseline) spec.ingress[1]: Deny"},
			},
		},
		{
			name: "regular tiers before NetworkPolicy",
			doc:  "Rules belonging to ClusterNetworkPolicies are enforced before any rule belonging to a K8s NetworkPolicy.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: drop-web}
spec:
  priority: 10000
  appliedTo: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - action: Drop
    from: [{podSelector: {matchLabels: {app: web}}}]
`,
			nps: antreaOnlyWebToDB,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy drop-web (Antrea tier application) spec.ingress[0]: Deny"},
			},
		},
		{
			name: "appliedTo per rule",
			doc:  "the scope of the appliedTo is rule itself, as opposed to all rules in the policy",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: acnp-appliedto-per-rule}
spec:
  priority: 1
  ingress:
  - action: Drop
    appliedTo: [{podSelector: {matchLabels: {app: db}}}]
    from: [{podSelector: {matchLabels: {app: client}}}]
  - action: Allow
    appliedTo: [{podSelector: {}}]
    from: [{namespaceSelector: {}}]
  - action: Drop
    appliedTo: [{podSelector: {matchLabels: {app: web}}}]
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy acnp-appliedto-per-rule (Antrea tier application) spec.ingress[0]: Deny"},
				{from: "lab/client", to: "shop/web", allowed: true, want: "ClusterNetworkPolicy acnp-appliedto-per-rule (Antrea tier application) spec.ingress[1]: Allow"},
				{from: "ext", to: "shop/web", allowed: false, want: "ClusterNetworkPolicy acnp-appliedto-per-rule (Antrea tier application) spec.ingress[2]: Deny"},
				{from: "ext", to: "shop/db", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "ClusterGroup references: appliedTo, childGroups, ipBlocks",
			doc:  "The appliedTo field can also reference a ClusterGroup resource ... A ClusterGroup name can be set in the group field of an ingress from section",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg-db}
spec:
  podSelector: {matchLabels: {app: db}}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg-web}
spec:
  podSelector: {matchLabels: {app: web}}
  namespaceSelector: {matchLabels: {team: a}}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg-partner}
spec:
  ipBlocks: [{cidr: 10.0.10.0/24}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg-friends}
spec:
  childGroups: [cg-web, cg-partner]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: db-friends}
spec:
  priority: 1
  appliedTo: [{group: cg-db}]
  ingress:
  - action: Allow
    from: [{group: cg-friends}]
  - action: Drop
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: true, want: "ClusterNetworkPolicy db-friends (Antrea tier application) spec.ingress[0]: Allow"},
				{from: "partner", to: "shop/db", allowed: true, want: "ClusterNetworkPolicy db-friends (Antrea tier application) spec.ingress[0]: Allow"},
				{from: "ext", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy db-friends (Antrea tier application) spec.ingress[1]: Deny"},
				{from: "lab/client", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy db-friends (Antrea tier application) spec.ingress[1]: Deny"},
				{from: "shop/db", to: "shop/web", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "an ipBlock ClusterGroup as appliedTo has no effect",
			doc:  "An IPBlock ClusterGroup referenced in an appliedTo field will be ignored, and the policy will have no effect.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg-partner}
spec:
  ipBlocks: [{cidr: 0.0.0.0/0}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: no-effect}
spec:
  priority: 1
  appliedTo: [{group: cg-partner}]
  ingress: [{action: Drop}]
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "ipBlock with except; egress",
			doc:  "Policy rules that select ipBlocks with except fields will simply not match traffic whose addresses are included in the except fields.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: no-corp}
spec:
  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {env: prod}}}]
  egress:
  - action: Drop
    to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.10.0/24]}}]
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "corp", allowed: false, dir: model.Egress, want: "ClusterNetworkPolicy no-corp (Antrea tier application) spec.egress[0]: Deny"},
				{from: "shop/web", to: "partner", allowed: true, dir: model.Egress, want: antreaNoEgress},
				{from: "lab/client", to: "corp", allowed: true, dir: model.Egress, want: antreaNoEgress},
			},
		},
		{
			name: "Antrea NetworkPolicy: appliedTo and podSelector peers within its namespace",
			doc:  "podSelector without a namespaceSelector, set within a NetworkPolicy Peer of any rule, selects Pods from the Namespace in which the Antrea NetworkPolicy is created.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: isolate, namespace: shop}
spec:
  priority: 1
  appliedTo: [{podSelector: {}}]
  ingress:
  - action: Drop
    from: [{podSelector: {}}]
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: false, want: "NetworkPolicy shop/isolate (Antrea tier application) spec.ingress[0]: Deny"},
				{from: "lab/client", to: "shop/db", allowed: true, want: antreaNoIngress},
				{from: "shop/web", to: "lab/client", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "Antrea NetworkPolicy: Group references resolve in its namespace",
			doc:  "Groups can be referenced in appliedTo and to/from. (Group: a namespaced group, podSelector selecting in its Namespace)",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: Group
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
---
apiVersion: crd.antrea.io/v1beta1
kind: Group
metadata: {name: clients, namespace: shop}
spec:
  podSelector: {matchLabels: {app: client}}
---
apiVersion: crd.antrea.io/v1beta1
kind: Group
metadata: {name: dev, namespace: shop}
spec:
  namespaceSelector: {matchLabels: {env: dev}}
---
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: annp-with-groups, namespace: shop}
spec:
  priority: 5
  tier: securityops
  appliedTo: [{group: db}]
  ingress:
  - action: Allow
    from: [{group: clients}]
  - action: Drop
    from: [{group: dev}]
`,
			probes: []antreaProbe{
				// the Group "clients" selects app=client in shop only: none.
				{from: "lab/client", to: "shop/db", allowed: false, want: "NetworkPolicy shop/annp-with-groups (Antrea tier securityops) spec.ingress[1]: Deny"},
				{from: "shop/web", to: "shop/db", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "serviceAccount peers and appliedTo",
			doc:  "serviceAccount: This selects all the Pods which have been assigned a specific ServiceAccount.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: sa}
spec:
  priority: 1
  appliedTo: [{serviceAccount: {name: db, namespace: shop}}]
  ingress:
  - action: Allow
    from: [{serviceAccount: {name: web, namespace: shop}}]
  - action: Drop
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: true, want: "ClusterNetworkPolicy sa (Antrea tier application) spec.ingress[0]: Allow"},
				{from: "lab/client", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy sa (Antrea tier application) spec.ingress[1]: Deny"},
				{from: "lab/client", to: "shop/web", allowed: true, want: antreaNoIngress},
			},
		},
		{
			name: "ports: named, ranges, protocol; ICMP-only matches no probed connection",
			doc:  "Under ports, the optional field endPort can only be set when a numerical port is set to represent a range of ports from port to endPort inclusive. / protocols defines additional protocols that are not supported by ports. Currently only ICMP protocol and IGMP protocol",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: ports}
spec:
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - action: Drop
    protocols: [{icmp: {icmpType: 8}}]
  - action: Allow
    ports: [{port: pg}, {protocol: UDP, port: 8000, endPort: 9000}]
  - action: Drop
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", port: 5432, allowed: true, want: "ClusterNetworkPolicy ports (Antrea tier application) spec.ingress[1]: Allow"},
				{from: "shop/web", to: "shop/db", port: 8500, proto: corev1.ProtocolUDP, allowed: true, want: "ClusterNetworkPolicy ports (Antrea tier application) spec.ingress[1]: Allow"},
				{from: "shop/web", to: "shop/db", port: 8500, allowed: false, want: "ClusterNetworkPolicy ports (Antrea tier application) spec.ingress[2]: Deny"},
			},
		},
		{
			name: "l7Protocols: allowed at layer 4, L7-restricted",
			doc:  "any traffic matching the other layer 3/4 criteria of the rule ... will be forwarded to an application-aware engine ... Therefore, any rules after a layer 7 rule will not be enforced for the traffic.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: http, namespace: shop}
spec:
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {app: db}}}]
  ingress:
  - action: Allow
    l7Protocols: [{http: {method: GET, path: /api/*}}]
    enableLogging: true
    logLabel: http
  - action: Drop
`,
			probes: []antreaProbe{
				{from: "lab/client", to: "shop/db", allowed: true, want: "NetworkPolicy shop/http (Antrea tier application) spec.ingress[0]: Allow (L7-restricted: HTTP method=GET path=/api/*)"},
			},
		},
		{
			name: "namespaces match Self over named namespaces",
			doc:  "If set to Self, for each Pod targeted by the appliedTo of the policy/rule, this field will cause the rule to select endpoints in the same Namespace as that Pod.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: shop-and-lab}
spec:
  namespaceSelector:
    matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [shop, lab]}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: allow-self-ns}
spec:
  priority: 1
  tier: platform
  appliedTo: [{group: shop-and-lab}]
  ingress:
  - action: Allow
    from: [{namespaces: {match: Self}}]
  - action: Drop
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: egress-self-web}
spec:
  priority: 2
  tier: platform
  egress:
  - action: Drop
    appliedTo: [{serviceAccount: {name: web, namespace: shop}}]
    to: [{namespaces: {match: Self}, podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 443}]
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "shop/db", allowed: true, want: "ClusterNetworkPolicy allow-self-ns (Antrea tier platform) spec.ingress[0]: Allow"},
				{from: "lab/client", to: "shop/db", allowed: false, want: "ClusterNetworkPolicy allow-self-ns (Antrea tier platform) spec.ingress[1]: Deny"},
				{from: "shop/db", to: "lab/client", allowed: false, want: "ClusterNetworkPolicy allow-self-ns (Antrea tier platform) spec.ingress[1]: Deny"},
				{from: "shop/web", to: "shop/db", allowed: false, port: 443, dir: model.Egress, want: "ClusterNetworkPolicy egress-self-web (Antrea tier platform) spec.egress[0]: Deny"},
				{from: "shop/db", to: "shop/web", allowed: true, dir: model.Egress, want: antreaNoEgress},
			},
		},
		{
			name: "egress Drop by namespaceSelector",
			doc:  "namespaceSelector: This selects particular Namespaces for which all Pods are grouped as ... egress destinations.",
			objs: `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: prod-not-dev}
spec:
  priority: 1
  tier: networkops
  appliedTo: [{namespaceSelector: {matchLabels: {env: prod}}}]
  egress:
  - action: Drop
    to: [{namespaceSelector: {matchLabels: {env: dev}}}]
`,
			probes: []antreaProbe{
				{from: "shop/web", to: "lab/client", allowed: false, dir: model.Egress, want: "ClusterNetworkPolicy prod-not-dev (Antrea tier networkops) spec.egress[0]: Deny"},
				{from: "lab/client", to: "shop/web", allowed: true, dir: model.Egress, want: antreaNoEgress},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Logf("documented: %s", tc.doc)
			antreaCheck(t, tc.objs, tc.nps, tc.probes)
		})
	}
}
