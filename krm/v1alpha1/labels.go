package v1alpha1

import "netid.dev/netid/internal/names"

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
	PeerAnnotation = "netid.dev/peer"
	// ReasonAnnotation is the declared reason of a flow (or of cluster rules).
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
)

// MaxLabelValue is the longest label value the API server accepts.
const MaxLabelValue = 63

// WorkloadLabelValue is the value of WorkloadLabel for a workload: its name
// when that has at most 63 characters (every label value's limit), else its
// first 54 characters, "-" and 8 hex digits of the SHA-256 of the whole name.
// Example: "checkoutservice" → "checkoutservice".
func WorkloadLabelValue(workload string) string { return names.Shorten(workload, MaxLabelValue) }
