package controls

// The catalog: every control a rule cites, with its title as its document
// words it. Where each was read:
//
//   - CIS Kubernetes Benchmark v1.11 (for Kubernetes 1.29 to 1.31): the
//     recommendation numbers and titles of section 5, "Policies", as
//     aquasecurity/kube-bench carries them verbatim in cfg/cis-1.11/policies.yaml
//     (its version label there has read both "cis-1.11" and "cis-1.11.1"),
//     without the trailing assessment status "(Manual)"/"(Automated)", which
//     is not part of the title. v1.11 numbers "General Policies" 5.6 where
//     v1.10 numbered it 5.7: the numbers below are v1.11's.
//   - NSA/CISA Kubernetes Hardening Guidance, Cybersecurity Technical Report
//     version 1.2, August 2022 (CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829).
//     The guidance numbers neither chapters nor sections, so an ID is the
//     chapter heading and, where one applies, the section heading under it.
//     netid cites no page numbers.
//   - NIST Special Publication 800-190, Application Container Security Guide,
//     September 2017 (https://doi.org/10.6028/NIST.SP.800-190): the section
//     numbers and titles of section 4, "Countermeasures for Major Risks"; each
//     answers the risk of the same title in section 3 (4.3.3 answers 3.3.3).
//     netid cites the countermeasure, which is what a rule carries out.

var cisFramework = Framework{
	Key:        CIS,
	Name:       "CIS Kubernetes Benchmark",
	Short:      "CIS",
	Version:    "v1.11",
	Identifier: "recommendation number, e.g. 5.1.3",
	Source:     "the recommendation numbers and titles of section 5 (Policies), as aquasecurity/kube-bench carries them in cfg/cis-1.11/policies.yaml, without the assessment status \"(Manual)\"",
}

var nsaFramework = Framework{
	Key:        NSACISA,
	Name:       "NSA/CISA Kubernetes Hardening Guidance",
	Short:      "NSA/CISA",
	Version:    "v1.2",
	Published:  "August 2022",
	Identifier: "chapter heading > section heading (the guidance numbers neither)",
	Source:     "the chapter and section headings of the Cybersecurity Technical Report, version 1.2",
}

var nistFramework = Framework{
	Key:        NIST800190,
	Name:       "NIST SP 800-190 Application Container Security Guide",
	Short:      "NIST SP 800-190",
	Published:  "September 2017",
	Identifier: "section number of a countermeasure (section 4), e.g. 4.3.3",
	Source:     "the section numbers and titles of section 4 (Countermeasures for Major Risks), https://doi.org/10.6028/NIST.SP.800-190",
}

// nsaChapters are the guidance's chapter headings, the first part of every
// NSA/CISA ID.
var nsaChapters = []string{
	"Kubernetes Pod security",
	"Network separation and hardening",
	"Authentication and authorization",
	"Audit Logging and Threat Detection",
	"Upgrading and application security practices",
}

var catalog = map[string]map[string]string{
	CIS: {
		"5.1.1":  "Ensure that the cluster-admin role is only used where required",
		"5.1.2":  "Minimize access to secrets",
		"5.1.3":  "Minimize wildcard use in Roles and ClusterRoles",
		"5.1.5":  "Ensure that default service accounts are not actively used",
		"5.1.8":  "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster",
		"5.1.9":  "Minimize access to create persistent volumes",
		"5.1.10": "Minimize access to the proxy sub-resource of nodes",
		"5.1.11": "Minimize access to the approval sub-resource of certificatesigningrequests objects",
		"5.1.12": "Minimize access to webhook configuration objects",
		"5.1.13": "Minimize access to the service account token creation",
		"5.2.1":  "Ensure that the cluster has at least one active policy control mechanism in place",
		"5.2.2":  "Minimize the admission of privileged containers",
		"5.2.3":  "Minimize the admission of containers wishing to share the host process ID namespace",
		"5.2.4":  "Minimize the admission of containers wishing to share the host IPC namespace",
		"5.2.5":  "Minimize the admission of containers wishing to share the host network namespace",
		"5.2.6":  "Minimize the admission of containers with allowPrivilegeEscalation",
		"5.2.7":  "Minimize the admission of root containers",
		"5.2.8":  "Minimize the admission of containers with the NET_RAW capability",
		"5.2.9":  "Minimize the admission of containers with added capabilities",
		"5.2.10": "Minimize the admission of containers with capabilities assigned",
		"5.2.11": "Minimize the admission of Windows HostProcess containers",
		"5.2.12": "Minimize the admission of HostPath volumes",
		"5.2.13": "Minimize the admission of containers which use HostPorts",
		"5.3.2":  "Ensure that all Namespaces have NetworkPolicies defined",
		"5.4.2":  "Consider external secret storage",
		"5.6.2":  "Ensure that the seccomp profile is set to docker/default in your Pod definitions",
		"5.6.3":  "Apply SecurityContext to your Pods and Containers",
	},
	NSACISA: {
		"Kubernetes Pod security > Pod security enforcement":           "Pod security enforcement",
		"Network separation and hardening":                             "Network separation and hardening",
		"Network separation and hardening > Network policies":          "Network policies",
		"Network separation and hardening > Encryption":                "Encryption",
		"Authentication and authorization > Role-based access control": "Role-based access control",
	},
	NIST800190: {
		"4.2.3": "Insufficient authentication and authorization restrictions",
		"4.3.1": "Unbounded administrative access",
		"4.3.3": "Poorly separated inter-container network traffic",
		"4.4.2": "Unbounded network access from containers",
		"4.4.3": "Insecure container runtime configurations",
	},
}
