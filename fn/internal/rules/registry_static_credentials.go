package rules

// registry-static-credentials
//
// Governs: every NetworkIdentity declaration, and every Secret of type
// kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg in the stream.
// Requires: no declaration says spec.registry.auth: static (use short-lived
// tokens or the node's identity instead), and no registry-credential Secret
// carries its credential (a non-empty value in data or stringData) in the
// manifests: such Secrets are created out of band, by an external secret
// store or a credential provider, and only referenced here.

import (
	corev1 "k8s.io/api/core/v1"

	"netid.dev/netid/fn/internal/controls"
	"netid.dev/netid/fn/internal/finding"
	"netid.dev/netid/krm/v1alpha1"
)

var registryStaticCredentials = register(&Rule{
	ID:          "registry-static-credentials",
	Title:       "Images are pulled with short-lived or node credentials, and none is committed to the manifests",
	Rationale:   "A static registry credential never expires, so a leak (from git history, a rendered artifact or a pod that mounts it) is usable until someone notices and rotates it; committed to the manifests, it is readable by everyone who can read the repository.",
	Remediation: "Set spec.registry.auth to short-lived or node-identity, and create registry Secrets out of band (an external secret store or a kubelet credential provider), referencing them only by name.",
	Severity:    finding.Error,
	Controls: []controls.Control{
		controls.CISControl("5.4.2"),
		controls.NISTControl("4.2.3"),
	},
	Check: func(s *Stream) []Violation {
		var out []Violation
		for _, k := range s.DeclaredKeys() {
			d := s.Declared[k]
			if d.Config.Spec.Registry == nil || d.Config.Spec.Registry.Auth != v1alpha1.AuthStatic {
				continue
			}
			out = append(out, Violation{Object: d.Object, Field: "spec.registry.auth",
				Message: "workload " + k + " declares a static registry credential, which never expires", Workloads: []string{k}})
		}
		for _, sec := range s.Secrets {
			t := sec.Typed.Type
			if t != corev1.SecretTypeDockerConfigJson && t != corev1.SecretTypeDockercfg {
				continue
			}
			field := ""
			switch {
			case registryCarriesData(sec.Typed.Data):
				field = "data"
			case registryCarriesStringData(sec.Typed.StringData):
				field = "stringData"
			default:
				continue
			}
			owners := s.OwnerOf(sec.Ref.Namespace, sec.Typed.ObjectMeta)
			if owners == nil {
				owners = registryPullers(s, sec.Ref.Namespace, sec.Ref.Name)
			}
			out = append(out, Violation{Object: sec.Ref, Field: field,
				Message:   "Secret " + sec.Ref.Name + " of type " + string(t) + " carries a registry credential in the manifests",
				Workloads: owners})
		}
		return out
	},
})

func registryCarriesData(data map[string][]byte) bool {
	for _, v := range data {
		if len(v) > 0 {
			return true
		}
	}
	return false
}

func registryCarriesStringData(data map[string]string) bool {
	for _, v := range data {
		if v != "" {
			return true
		}
	}
	return false
}

// registryPullers are the workloads of a namespace whose pod template pulls
// with the named Secret: a user-authored credential belongs to them.
func registryPullers(s *Stream, ns, secret string) []string {
	var out []string
	for _, w := range s.WorkloadsIn(ns) {
		for _, ref := range w.Template.Spec.ImagePullSecrets {
			if ref.Name == secret {
				out = append(out, w.Key())
				break
			}
		}
	}
	return out
}
