package v1alpha1

import (
	"strconv"
	"strings"

	"netid.dev/netid/internal/names"
)

// Labels and annotations netid writes on what it generates. They are part of
// the contract: other tools (and netid's own checks) read them.
const (
	// GeneratedAnnotation ("true") marks an object netid generated; a rerun
	// replaces such objects, which makes the function idempotent. It drops
	// one only when it recognises it as its own, unchanged: its
	// DigestAnnotation matches it, or it is exactly what netid generates now.
	// Anything else carrying the mark refuses the render.
	GeneratedAnnotation = "netid.dev/generated"
	// DigestAnnotation is the digest of an object netid generated, e.g.
	// "sha256:5d41…" (64 hex digits): the SHA-256 of the object as netid
	// wrote it, as JSON with sorted keys, without this annotation and without
	// the annotations kpt and kustomize add and rewrite while reading
	// (config.kubernetes.io/path and index, config.k8s.io/id and
	// internal.config.kubernetes.io/*). Any other change to the object, by
	// hand or by another function, makes it no longer match.
	DigestAnnotation = "netid.dev/digest"
	// PeerAnnotation names a flow policy's peer, e.g. "workload shop/frontend".
	// On a NetworkPolicy with more than one rule (the per-workload layout) it
	// names each rule's peer, one line per rule: "ingress[0]: workload
	// shop/frontend", "ingress[1]: …", "egress[0]: …" (RuleAnnotation,
	// RuleAnnotationValue).
	PeerAnnotation = "netid.dev/peer"
	// ReasonAnnotation is the declared reason of a flow (or of cluster rules);
	// per rule, as PeerAnnotation, on a NetworkPolicy with more than one rule.
	ReasonAnnotation = "netid.dev/reason"
	// WorkloadLabel names the workload a generated object belongs to; its
	// value is WorkloadLabelValue(the workload's name).
	WorkloadLabel = "netid.dev/workload"
	// WorkloadNamespaceLabel is that workload's namespace, on cluster-scoped
	// objects (ClusterRole, ClusterRoleBinding).
	WorkloadNamespaceLabel = "netid.dev/workload-namespace"
	// ManagedByLabel is the standard app.kubernetes.io/managed-by label, set to
	// ManagedByValue.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ManagedByValue is netid's value for ManagedByLabel.
	ManagedByValue = "netid"
	// ValidateOnlyAnnotation ("true") on the functionConfig makes the run
	// validate-only: items pass through unchanged and only results are added,
	// as kustomize validators and kpt validators require.
	ValidateOnlyAnnotation = "netid.dev/validate-only"
	// NetworkPolicyLayoutAnnotation on the functionConfig chooses how the
	// flows' NetworkPolicies are laid out: LayoutPerWorkload or LayoutPerFlow.
	NetworkPolicyLayoutAnnotation = "netid.dev/network-policy-layout"
)

// NetworkPolicy layouts: the values of NetworkPolicyLayoutAnnotation.
const (
	// LayoutPerWorkload (the default) generates one NetworkPolicy per
	// workload, "<workload>-flows", holding one rule per flow in each
	// direction, each rule's peer and reason in the per-rule PeerAnnotation
	// and ReasonAnnotation. A workload whose annotations would pass
	// MaxRuleAnnotations gets further policies, "<workload>-flows-2"….
	LayoutPerWorkload = "per-workload"
	// LayoutPerFlow generates one NetworkPolicy per flow and direction,
	// "<workload>-ingress-from-<peer>" and "<workload>-egress-to-<peer>".
	LayoutPerFlow = "per-flow"
)

// MaxRuleAnnotations is the most bytes of per-rule peer and reason text one
// NetworkPolicy of the per-workload layout carries: with the digest and
// the other annotations, well under the API server's 256 KiB limit on all of
// an object's annotations.
const MaxRuleAnnotations = 64 << 10

// RuleAnnotationValue is the per-rule form of PeerAnnotation and
// ReasonAnnotation: one line per rule, "ingress[<i>]: <text>" for the
// ingress rules, then "egress[<i>]: <text>". Free text is one line
// (validation), so the lines cannot be confused.
func RuleAnnotationValue(ingress, egress []string) string {
	var b strings.Builder
	for _, d := range []struct {
		name  string
		texts []string
	}{{"ingress", ingress}, {"egress", egress}} {
		for i, t := range d.texts {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(ruleKey(d.name, i))
			b.WriteString(t)
		}
	}
	return b.String()
}

// RuleAnnotation is the text a PeerAnnotation or ReasonAnnotation value
// gives rule i of the direction ("ingress" or "egress"): its line in the
// per-rule form, or the whole value when the value is not in that form (a
// policy of one rule, or a hand-written one: it speaks for every rule).
// A per-rule value without a line for the rule gives "".
func RuleAnnotation(value, direction string, i int) string {
	if !strings.HasPrefix(value, ruleKey("ingress", 0)) && !strings.HasPrefix(value, ruleKey("egress", 0)) {
		return value
	}
	key := ruleKey(direction, i)
	for line := range strings.SplitSeq(value, "\n") {
		if t, ok := strings.CutPrefix(line, key); ok {
			return t
		}
	}
	return ""
}

func ruleKey(direction string, i int) string {
	return direction + "[" + strconv.Itoa(i) + "]: "
}

// MaxLabelValue is the longest label value the API server accepts.
const MaxLabelValue = 63

// WorkloadLabelValue is the value of WorkloadLabel for a workload: its name
// when that has at most 63 characters (every label value's limit), else its
// first 54 characters, "-" and 8 hex digits of the SHA-256 of the whole name.
// Example: "checkoutservice" → "checkoutservice".
func WorkloadLabelValue(workload string) string { return names.Shorten(workload, MaxLabelValue) }
