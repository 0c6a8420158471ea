package report

import (
	"fmt"
	"strings"

	"netid.dev/netid/fn/internal/build"
	"netid.dev/netid/fn/internal/plan"
	"netid.dev/netid/krm/v1alpha1"
)

// identityNotes says, under the identities table, which ServiceAccounts are
// shared, kept from the pod template, or replaced (and what still binds the
// replaced ones: netid leaves them in place).
func identityNotes(b *strings.Builder, p *plan.Plan, pr Proofs) {
	var notes []string
	for _, wl := range p.Workloads {
		sa := code(wl.Namespace() + "/" + wl.ServiceAccount)
		if len(wl.Sharing) > 0 && wl.EmitsIdentity() {
			notes = append(notes, fmt.Sprintf("ServiceAccount %s is shared by %s: emitted once, with the identical permissions they declare; "+
				"whatever one of them may do, all of them may.", sa, sharers(wl)))
		}
		if wl.Inherited && wl.ServiceAccount != wl.Name() {
			notes = append(notes, fmt.Sprintf("ServiceAccount %s of %s is the one its pod template already named: kept, so the cloud IAM bindings and mesh principals of that name keep working.",
				sa, text(wl.Namespace()+"/"+wl.Name())))
		}
		if wl.Replaces != "" {
			old := wl.Namespace() + "/" + wl.Replaces
			bound := "bound by no RoleBinding or ClusterRoleBinding of the render"
			if bs := pr.StillBound[old]; len(bs) > 0 {
				bound = "still bound by " + text(strings.Join(bs, ", "))
			}
			notes = append(notes, fmt.Sprintf("ServiceAccount %s is replaced by %s for %s (spec.identity.replaces), %s. "+
				"netid does not delete it: it stays in the output untouched; remove it, its bindings and the cloud IAM bindings of its name once nothing runs as it.",
				code(old), sa, text(wl.Namespace()+"/"+wl.Name()), bound))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(b, "- %s\n", n)
		}
	}
}

// sharedMeshNotes says, under the mTLS posture, that a mesh cannot tell
// apart the workloads sharing a ServiceAccount: its identity is the
// ServiceAccount's.
func sharedMeshNotes(b *strings.Builder, p *plan.Plan) {
	var notes []string
	for _, wl := range p.Workloads {
		if len(wl.Sharing) == 0 || !wl.EmitsIdentity() || wl.Spec.Mesh == nil {
			continue
		}
		var who string
		switch wl.Spec.Mesh.Provider {
		case v1alpha1.MeshIstio:
			who = "one principal " + code(build.Principal(wl.Namespace(), wl.ServiceAccount))
		case v1alpha1.MeshLinkerd:
			who = "one MeshTLSAuthentication identity, ServiceAccount " + code(wl.Namespace()+"/"+wl.ServiceAccount)
		default:
			continue
		}
		notes = append(notes, fmt.Sprintf("Shared identity: %s run as ServiceAccount %s, so the mesh sees %s for all of them. "+
			"Its authorization cannot tell them apart: a workload that admits one of them admits all of them at the mesh layer. "+
			"The NetworkPolicies still select each by its pod labels, and the connectivity proof judges each on its own.",
			sharers(wl), code(wl.Namespace()+"/"+wl.ServiceAccount), who))
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(b, "- %s\n", n)
		}
	}
}

// sharers lists the workloads sharing wl's ServiceAccount, e.g. "shop/a, shop/b".
func sharers(wl *plan.Workload) string {
	var names []string
	for _, o := range wl.Sharing {
		names = append(names, o.Namespace()+"/"+o.Name())
	}
	return text(strings.Join(names, ", "))
}
