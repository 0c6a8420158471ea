package report

import (
	"fmt"
	"slices"
	"strings"

	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/fn/internal/proof"
	"netid.dev/netid/krm/v1alpha1"
)

// Rollout is what the report shows of a render where some workload is in
// its observe stage (spec.rollout: observe): the render's refusals and
// Proofs.Connectivity judge the enforce form, the one every workload
// enforcing renders; the output is the observe form.
type Rollout struct {
	// Observe is the connectivity proof of the observe form, as rendered:
	// its open flows (its mismatches are what observing means, not errors).
	Observe *proof.Result
	// WouldBlock are the connections the observe form opens and the
	// enforce form does not: what enforcing would block.
	WouldBlock []proof.Cell
}

// maxWouldBlockRows bounds the list of what enforcement would block, as
// maxLayeredRows bounds the matrix.
const maxWouldBlockRows = maxLayeredRows

// rollout writes each workload's stage and what enforcing the observed ones
// would block; nothing when every workload enforces.
func rollout(b *strings.Builder, p *plan.Plan, r *Rollout) {
	if r == nil {
		return
	}
	var observed []*plan.Workload
	b.WriteString("\n## Rollout\n\nEach workload's stage (`spec.rollout`). In observe its policies render in the dialect's non-blocking form: " +
		"nothing it sends or receives is blocked yet. The refusals of this render and the connectivity proof above judge the enforce form, " +
		"the policies the same declarations render with every workload enforcing.\n\n")
	b.WriteString("| Workload | Stage | Declared by |\n|---|---|---|\n")
	for _, w := range p.Workloads {
		stage := "enforce"
		if p.Observes(w) {
			stage = "**observe**"
			observed = append(observed, w)
		}
		b.WriteString(row(wlName(w), stage, text(w.Identity.Object.String())))
	}

	b.WriteString("\n### Rollout: what enforcement would block\n\n")
	if len(r.WouldBlock) == 0 {
		b.WriteString("Nothing: every connection the observe form opens, the enforce form opens too.\n")
	} else {
		fmt.Fprintf(b, "%d connections are open now and would be blocked once every workload enforces: the connectivity proof of the rendered (observe) form "+
			"minus that of the enforce form. Each is listed once, under its destination when that is observed, else under its source.\n", len(r.WouldBlock))
		groups, order := wouldBlockGroups(p, observed, r.WouldBlock)
		rows := 0
		for _, g := range order {
			cells := groups[g]
			if len(cells) == 0 {
				continue
			}
			if rows == maxWouldBlockRows {
				break
			}
			fmt.Fprintf(b, "\n#### %s\n\n| From | To | Port | Blocked once enforced by |\n|---|---|---|---|\n", text(g))
			for _, c := range cells {
				if rows == maxWouldBlockRows {
					break
				}
				rows++
				b.WriteString(row(text(c.From), text(c.To), text(c.Port), text(blockedBy(p, c))))
			}
		}
		if left := len(r.WouldBlock) - rows; left > 0 {
			fmt.Fprintf(b, "\n… and %d more: `netid verify --format json` lists every one (wouldBlock).\n", left)
		}
	}
	if len(observed) > 0 {
		var names []string
		for _, w := range observed {
			names = append(names, text(w.Identity.Object.String()))
		}
		fmt.Fprintf(b, "\nTo enforce: set `spec.rollout: enforce` (or remove it) in %s and render again; the connections above are then blocked, and nothing else changes.\n",
			strings.Join(names, ", "))
	}
}

// wouldBlockGroups sorts the cells under the observed workload they are
// about (the destination when it observes, else the source), else under
// the namespace whose pods they concern; the groups in plan order, then by
// namespace.
func wouldBlockGroups(p *plan.Plan, observed []*plan.Workload, cells []proof.Cell) (map[string][]proof.Cell, []string) {
	title := map[string]string{}
	var order []string
	for _, w := range observed {
		key := w.Namespace() + "/" + w.Name()
		title[key] = key + " (observe)"
		order = append(order, title[key])
	}
	groups := map[string][]proof.Cell{}
	var others []string
	for _, c := range cells {
		g, ok := title[c.ToWorkload]
		if !ok {
			g, ok = title[c.FromWorkload]
		}
		if !ok {
			g = "other pods of namespace " + c.Namespace
			if !slices.Contains(others, g) {
				others = append(others, g)
			}
		}
		groups[g] = append(groups[g], c)
	}
	slices.Sort(others)
	return groups, append(order, others...)
}

// blockedBy says what blocks the connection once enforced: the ingress
// policies of an observed destination, the egress policies of an observed
// source, else the baseline of the namespace concerned.
func blockedBy(p *plan.Plan, c proof.Cell) string {
	observes := func(key string) bool {
		for _, w := range p.Workloads {
			if w.Namespace()+"/"+w.Name() == key {
				return p.Observes(w)
			}
		}
		return false
	}
	var by []string
	if observes(c.ToWorkload) {
		by = append(by, c.ToWorkload+"'s ingress policies (its declared callers only)")
	}
	if observes(c.FromWorkload) {
		by = append(by, c.FromWorkload+"'s egress policies (its declared callees only)")
	}
	if len(by) == 0 {
		by = append(by, "the default deny of namespace "+c.Namespace)
	}
	return strings.Join(by, "; ")
}

// deniedTraffic writes where denied flows can be seen, in the cluster's
// dialect: when the baseline asks for deny logging, or some workload
// observes (what its policies would deny).
func deniedTraffic(b *strings.Builder, p *plan.Plan) {
	s := p.Settings
	logDenied := s.Baseline != nil && s.Baseline.LogDenied
	observing := false
	for _, w := range p.Workloads {
		observing = observing || p.Observes(w)
	}
	if !logDenied && !observing {
		return
	}
	b.WriteString("\n## Denied traffic\n\nWhere to see what the policies deny")
	switch {
	case logDenied && observing:
		b.WriteString(" (`spec.baseline.logDenied`) and what they would deny once the observed workloads enforce")
	case logDenied:
		b.WriteString(" (`spec.baseline.logDenied`)")
	default:
		b.WriteString(" once the observed workloads enforce")
	}
	fmt.Fprintf(b, ", for the cluster's CNI (%s):\n\n", text(string(s.CNI)))
	if logDenied {
		// the baseline renders in the CNI's cluster-wide kinds unless the
		// cluster has the admin network policy API
		switch {
		case s.AdminNetworkPolicy:
			b.WriteString("- The baseline renders as an AdminNetworkPolicy, which cannot log: use the CNI's flow logs (below) for what it denies.\n")
		case s.CNI == v1alpha1.CNICalico:
			b.WriteString("- Calico: the baseline's deny rules are preceded by `Log` rules, so each denied packet is logged to the node's syslog (prefix `calico-packet`) before it is dropped.\n")
		case s.CNI == v1alpha1.CNIAntrea:
			b.WriteString("- Antrea: the baseline's rules carry `enableLogging: true`; each match is logged by the antrea-agent of the node to `/var/log/antrea/networkpolicy/np.log`.\n")
		}
	}
	switch s.CNI {
	case v1alpha1.CNICalico:
		b.WriteString("- Calico flow logs (Whisker, or the flow log files of calico-node): look for flows with action `deny`.\n")
		if observing && s.Native() {
			b.WriteString("- The observed workloads' policies are staged (StagedNetworkPolicy): each flow's `pending_policies` shows their verdict, action `deny` where enforcing would deny (\"would deny\"), while nothing is dropped.\n")
		}
	case v1alpha1.CNIAntrea:
		b.WriteString("- Antrea `np.log` on each node (`/var/log/antrea/networkpolicy/np.log`, rules with `enableLogging`): look for `Drop` and `Reject`.\n")
		if observing && s.Native() {
			b.WriteString("- The observed workloads' rules log, and the baseline's deny applies to them as `Pass`: their `Pass` and `Allow` lines in `np.log` are the flows to compare with the list above.\n")
		}
	case v1alpha1.CNICilium:
		b.WriteString("- Cilium has no per-rule policy log: `hubble observe --verdict DROPPED` lists what the policies drop (add `--namespace NS` or `--pod NS/POD`).\n")
		if observing && s.Native() {
			b.WriteString("- The observed workloads' policies do not enable default deny (`enableDefaultDeny: false`); to see what enforce would drop, " +
				"put their endpoints in Cilium's policy audit mode and run `hubble observe --verdict AUDIT`.\n")
		}
	default:
		b.WriteString("- NetworkPolicy cannot log. Use the CNI's own flow logs, or the cloud's (VPC flow logs and the like), and look for rejected or dropped connections to and from the pods.\n")
	}
	if observing && !s.Native() {
		b.WriteString("- The observed workloads render as NetworkPolicy, selected by no policy of theirs yet: nothing about them is denied, " +
			"so the list above, from the proof, is the only view of what enforce would block; the flow logs show what reaches them meanwhile.\n")
	}
}

// temporaryFlows lists the flows declared with an expiry (spec.ingress[].until,
// spec.egress[].until): break-glass flows that rule flow-expired refuses
// once past.
func temporaryFlows(b *strings.Builder, p *plan.Plan) {
	var rows []string
	for _, f := range p.Flows {
		if f.Until == "" {
			continue
		}
		rows = append(rows, row(endpoint(f.From), endpoint(f.To), text(f.PortsString()), text(f.Until), text(f.Reason(true)), text(strings.Join(f.DeclaredBy, "; "))))
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Temporary flows\n\nFlows declared with `until`: open until then; once past, rule `flow-expired` refuses the render until the declaration is removed.\n\n")
	b.WriteString("| From | To | Ports | Until | Reason | Declared at |\n|---|---|---|---|---|---|\n")
	b.WriteString(strings.Join(rows, ""))
}
