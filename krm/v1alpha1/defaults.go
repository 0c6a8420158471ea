package v1alpha1

// Default values, applied by Default before validation.
const (
	DefaultDNSNamespace = "kube-system"
	DefaultPSSLevel     = "restricted"
	DefaultPSSVersion   = "latest"
	DefaultMTLS         = "STRICT"
)

// DefaultDNSPodLabels are the labels of the cluster DNS pods (kube-dns and CoreDNS).
func DefaultDNSPodLabels() map[string]string { return map[string]string{"k8s-app": "kube-dns"} }

// Default fills every field that has a default and does not depend on the
// render. The ServiceAccount name defaults, later, to the workload's rendered
// name, so that a kustomize namePrefix applied before the function carries over.
func (n *NetworkIdentity) Default() {
	s := &n.Spec
	if s.Workload == "" {
		s.Workload = n.Name
	}
	if s.Tier == "" {
		s.Tier = TierStandard
	}
	if s.Mode == "" {
		s.Mode = ModeEnforce
	}
	if s.CNI == "" {
		s.CNI = CNIGeneric
	}
	if s.Rollout == "" {
		s.Rollout = RolloutEnforce
	}
	if s.DNS == nil {
		s.DNS = &DNS{}
	}
	defaultDNS(s.DNS)
	if s.Identity.AutomountToken == nil {
		f := false
		s.Identity.AutomountToken = &f
	}
	if s.PodSecurity == nil {
		s.PodSecurity = &PodSecurity{}
	}
	for _, l := range []*string{&s.PodSecurity.Enforce, &s.PodSecurity.Audit, &s.PodSecurity.Warn} {
		if *l == "" {
			*l = DefaultPSSLevel
		}
	}
	if s.PodSecurity.Version == "" {
		s.PodSecurity.Version = DefaultPSSVersion
	}
	if s.Registry != nil && s.Registry.Auth == "" {
		s.Registry.Auth = AuthShortLived
	}
	if s.Mesh != nil && s.Mesh.MTLS == "" && (s.Mesh.Provider == MeshIstio || s.Mesh.Provider == MeshLinkerd) {
		s.Mesh.MTLS = DefaultMTLS
	}
	if s.Mesh != nil && s.Mesh.Redirect == "" && (s.Mesh.Provider == MeshIstio || s.Mesh.Provider == MeshLinkerd) {
		s.Mesh.Redirect = RedirectInitContainer
	}
	if s.Exposure != nil {
		if g := s.Exposure.Gateway; g != nil {
			if g.Kind == "" {
				g.Kind = RouteHTTP
			}
			if g.Kind == RouteHTTP && g.Path == "" {
				g.Path = "/"
			}
		}
		if i := s.Exposure.Ingress; i != nil && i.Path == "" {
			i.Path = "/"
		}
	}
}

// defaultDNS fills a DNS declaration's defaults: on, to kube-system pods
// labelled k8s-app=kube-dns.
func defaultDNS(d *DNS) {
	if d.Enabled == nil {
		t := true
		d.Enabled = &t
	}
	if *d.Enabled {
		if d.Namespace == "" {
			d.Namespace = DefaultDNSNamespace
		}
		if len(d.PodLabels) == 0 {
			d.PodLabels = DefaultDNSPodLabels()
		}
	}
}
