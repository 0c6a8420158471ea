package rules

// registry-pull-secret-scope
//
// Governs: every ServiceAccount named "default", and the volumes of every
// pod template in the stream (every pod-bearing kind, at its template path).
// Requires: a pull secret reaches only the kubelet of the pods that need it.
// The default ServiceAccount carries no imagePullSecrets (ServiceAccount
// admission copies them into every pod of the namespace that names no
// ServiceAccount and no imagePullSecrets of its own), and no pod template mounts a pull secret as a volume,
// directly (volumes[i].secret) or projected (volumes[i].projected.sources[k].secret).
// A template's pull secrets are its own imagePullSecrets, those of the
// ServiceAccount it runs as (when that is in the stream; counted even when
// admission would not copy them, since they are pull credentials all the
// same), and the spec.registry.pullSecret its NetworkIdentity declares.

import (
	"fmt"
	"slices"
	"strings"

	"netid.dev/netid/fn/internal/finding"
)

var registryPullSecretScope = register(&Rule{
	ID:          "registry-pull-secret-scope",
	Title:       "Pull secrets are scoped to the workloads that pull with them and never mounted",
	Rationale:   "A pull secret is for the kubelet: on the default ServiceAccount it is handed to every pod of the namespace, and mounted as a volume it is readable by the container, so any compromise of the workload leaks a registry credential that may push as well as pull.",
	Remediation: "Remove imagePullSecrets from the default ServiceAccount and list the pull secret on each workload's own ServiceAccount or pod template (netid's registry.pullSecret), and drop any volume that mounts it.",
	Severity:    finding.Error,
	NoControl:   "No control of the three documents governs where an image pull credential is attached (the default ServiceAccount) or whether a container can read it; registry-static-credentials evidences the controls on registry credentials.",
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, sa := range s.ServiceAccounts {
			if sa.Ref.Name != "default" || len(sa.Typed.ImagePullSecrets) == 0 {
				continue
			}
			var names []string
			for _, r := range sa.Typed.ImagePullSecrets {
				names = append(names, r.Name)
			}
			owners := s.OwnerOf(sa.Ref.Namespace, sa.Typed.ObjectMeta)
			if owners == nil {
				owners = s.governedIn(sa.Ref.Namespace)
			}
			out = append(out, Violation{Object: sa.Ref, Field: "imagePullSecrets",
				Message:   fmt.Sprintf("the default ServiceAccount of namespace %s hands the pull secrets %s to every pod there that names neither a ServiceAccount nor pull secrets of its own", sa.Ref.Namespace, strings.Join(names, ", ")),
				Workloads: owners})
		}
		for _, w := range s.Workloads {
			pull := registryTemplatePullSecrets(s, w)
			if len(pull) == 0 {
				continue
			}
			for i, v := range w.Template.Spec.Volumes {
				var mounted []string
				if v.Secret != nil && slices.Contains(pull, v.Secret.SecretName) {
					mounted = append(mounted, v.Secret.SecretName)
				}
				if v.Projected != nil {
					for _, src := range v.Projected.Sources {
						if src.Secret != nil && slices.Contains(pull, src.Secret.Name) && !slices.Contains(mounted, src.Secret.Name) {
							mounted = append(mounted, src.Secret.Name)
						}
					}
				}
				if len(mounted) == 0 {
					continue
				}
				out = append(out, Violation{Object: w.Ref, Field: fmt.Sprintf("%s[%d]", w.SpecField("volumes"), i),
					Message:   fmt.Sprintf("volume %q mounts the pull secret %s into the pods", v.Name, strings.Join(mounted, ", ")),
					Workloads: []string{w.Key()}})
			}
		}
		return out
	},
})

// registryTemplatePullSecrets are the names of the Secrets a workload's pods
// pull with.
func registryTemplatePullSecrets(s *Stream, w *Workload) []string {
	var out []string
	add := func(name string) {
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	spec := w.Template.Spec
	for _, r := range spec.ImagePullSecrets {
		add(r.Name)
	}
	sa := spec.ServiceAccountName
	if sa == "" {
		sa = spec.DeprecatedServiceAccount
	}
	if sa == "" {
		sa = "default"
	}
	for _, o := range s.ServiceAccountsNamed(w.Ref.Namespace, sa) {
		for _, r := range o.Typed.ImagePullSecrets {
			add(r.Name)
		}
	}
	if d := s.Declared[w.Key()]; d != nil && d.Config.Spec.Registry != nil {
		add(d.Config.Spec.Registry.PullSecret)
	}
	return out
}
