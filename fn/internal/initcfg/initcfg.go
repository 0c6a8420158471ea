// Package initcfg drafts a starting NetworkIdentity for every workload of an
// existing application (`netid init`), so that adoption starts from the app
// as it is: its ServiceAccount, its exposure as found, and the calls it can
// infer from Service references in environment variables, arguments and
// commands. Each inferred flow carries a placeholder reason that the rule
// netpol-reason-written refuses until a person writes why the flow exists.
package initcfg

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"

	"netid.dev/netid/fn/internal/rules"
	"netid.dev/netid/krm/v1alpha1"
)

// Placeholder starts every reason netid init writes. A reason that still
// starts with it is refused by the rule netpol-reason-written.
const Placeholder = "netid init:"

// Draft is one workload's starting NetworkIdentity and what init could not
// decide for it (written as comments above the document).
type Draft struct {
	Config v1alpha1.NetworkIdentity
	Notes  []string
}

// service is one Service of the stream with the workloads it selects.
type service struct {
	obj       *corev1.Service
	workloads []*rules.Workload
}

// Drafts returns a draft for every workload of the stream that no
// NetworkIdentity declares yet, sorted by namespace and name.
func Drafts(s *rules.Stream) []Draft {
	services := map[string]*service{} // "namespace/name"
	for _, svc := range s.Services {
		x := &service{obj: &svc.Typed}
		if sel := svc.Typed.Spec.Selector; len(sel) > 0 {
			for _, w := range s.Workloads {
				if w.Ref.Namespace == svc.Typed.Namespace && labels.SelectorFromSet(sel).Matches(labels.Set(w.Template.Labels)) {
					x.workloads = append(x.workloads, w)
				}
			}
		}
		services[svc.Typed.Namespace+"/"+svc.Typed.Name] = x
	}
	var out []Draft
	for _, w := range s.Workloads {
		if s.Declared[w.Key()] != nil {
			continue
		}
		out = append(out, draft(s, w, services))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Config.ObjectMeta, out[j].Config.ObjectMeta
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	return out
}

func draft(s *rules.Stream, w *rules.Workload, services map[string]*service) Draft {
	d := Draft{Config: v1alpha1.NetworkIdentity{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: w.Ref.Name, Namespace: w.Ref.Namespace, Annotations: map[string]string{"config.kubernetes.io/local-config": "true"}},
	}}
	spec := &d.Config.Spec
	if w.Ref.Kind != "Deployment" && w.Ref.Kind != "StatefulSet" && w.Ref.Kind != "DaemonSet" {
		d.Notes = append(d.Notes, fmt.Sprintf("the workload is a %s", w.Ref.Kind))
	}
	sa := w.Template.Spec.ServiceAccountName
	if sa == "" {
		sa = w.Template.Spec.DeprecatedServiceAccount
	}
	if sa != "" && sa != "default" {
		spec.Identity.ServiceAccount = sa
	}
	spec.Egress = inferEgress(w, services)
	exposure(s, w, services, &d)
	d.Notes = append(d.Notes,
		"state the mTLS posture in spec.mesh (provider istio or linkerd, with redirect: cni, or ambient with Istio; or provider none with eastWest saying how calls are encrypted): netid refuses a render without it",
		"calls init cannot see (addresses from ConfigMaps, Secrets or service discovery, callers of this workload, traffic to addresses outside the cluster) are not declared: the render's proof shows what the policies then block")
	return d
}

// hostPort matches a host name with an optional port in free text: "cart",
// "cart.shop", "cart.shop.svc.cluster.local:7070", inside URLs and lists.
var hostPort = regexp.MustCompile(`[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?`)

// inferEgress finds the Services a workload's containers name in their
// environment values, arguments and commands.
func inferEgress(w *rules.Workload, services map[string]*service) []v1alpha1.EgressRule {
	type key struct{ ns, workload, port string }
	seen := map[key]bool{}
	var out []v1alpha1.EgressRule
	containers := append(append([]corev1.Container(nil), w.Template.Spec.InitContainers...), w.Template.Spec.Containers...)
	for _, c := range containers {
		var texts []struct{ where, value string }
		for _, e := range c.Env {
			if e.Value != "" {
				texts = append(texts, struct{ where, value string }{fmt.Sprintf("env %s of container %s", e.Name, c.Name), e.Value})
			}
		}
		for i, a := range c.Args {
			texts = append(texts, struct{ where, value string }{fmt.Sprintf("args[%d] of container %s", i, c.Name), a})
		}
		for i, a := range c.Command {
			texts = append(texts, struct{ where, value string }{fmt.Sprintf("command[%d] of container %s", i, c.Name), a})
		}
		for _, t := range texts {
			for _, m := range hostPort.FindAllString(strings.ToLower(t.value), -1) {
				host, portText, _ := strings.Cut(m, ":")
				svc := resolve(host, w.Ref.Namespace, services)
				if svc == nil {
					continue
				}
				var ports []v1alpha1.PortRef
				portKey := ""
				if portText != "" {
					n, _ := strconv.Atoi(portText)
					sp := servicePort(svc.obj, int32(n))
					if sp == nil {
						continue // a number the Service does not serve: not a reference to it
					}
					ref := intstr.FromInt32(sp.Port)
					if sp.Name != "" {
						ref = intstr.FromString(sp.Name)
					}
					ports = []v1alpha1.PortRef{{Port: ref}}
					portKey = ref.String()
				}
				for _, target := range svc.workloads {
					if target == w {
						continue
					}
					k := key{target.Ref.Namespace, target.Ref.Name, portKey}
					if seen[k] {
						continue
					}
					seen[k] = true
					to := v1alpha1.Peer{Workload: target.Ref.Name}
					if target.Ref.Namespace != w.Ref.Namespace {
						to.Namespace = target.Ref.Namespace
					}
					out = append(out, v1alpha1.EgressRule{To: to, Ports: ports,
						Reason: fmt.Sprintf("%s inferred from %s (%q); replace with why %s calls %s", Placeholder, t.where, t.value, w.Ref.Name, target.Ref.Name)})
				}
			}
		}
	}
	return out
}

// resolve finds the Service a host name means from namespace ns: "name",
// "name.namespace", "name.namespace.svc" and longer cluster domains.
func resolve(host, ns string, services map[string]*service) *service {
	parts := strings.Split(host, ".")
	switch {
	case len(parts) == 1:
		return services[ns+"/"+parts[0]]
	case len(parts) == 2 || parts[2] == "svc":
		return services[parts[1]+"/"+parts[0]]
	}
	return nil
}

func servicePort(svc *corev1.Service, n int32) *corev1.ServicePort {
	for i := range svc.Spec.Ports {
		if svc.Spec.Ports[i].Port == n {
			return &svc.Spec.Ports[i]
		}
	}
	return nil
}

// exposure declares the first Ingress or HTTPRoute found reaching the
// workload's Services, and notes every other exposure path found.
func exposure(s *rules.Stream, w *rules.Workload, services map[string]*service, d *Draft) {
	mine := map[string]bool{}
	for key, svc := range services {
		for _, t := range svc.workloads {
			if t == w {
				mine[key] = true
				serviceExposure(svc.obj, key, d)
				if len(svc.obj.Spec.ExternalIPs) > 0 {
					d.Notes = append(d.Notes, fmt.Sprintf("Service %s has externalIPs: declare that exposure, or netid refuses it", key))
				}
			}
		}
	}
	var found []string
	for _, ing := range s.Ingresses {
		for _, r := range ing.Typed.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				b := p.Backend.Service
				if b == nil || !mine[ing.Typed.Namespace+"/"+b.Name] {
					continue
				}
				found = append(found, "Ingress "+ing.Typed.Namespace+"/"+ing.Typed.Name)
				if e := d.Config.Spec.Exposure; e != nil && (e.Ingress != nil || e.Gateway != nil) {
					continue
				}
				e := &v1alpha1.IngressExposure{Host: r.Host, Path: p.Path}
				if len(ing.Typed.Spec.TLS) == 0 {
					e.PlainReason = fmt.Sprintf("%s Ingress %s/%s serves plain HTTP; replace with why, or add TLS", Placeholder, ing.Typed.Namespace, ing.Typed.Name)
				}
				if c := ing.Typed.Spec.IngressClassName; c != nil {
					e.ClassName = *c
				}
				for _, t := range ing.Typed.Spec.TLS {
					for _, h := range t.Hosts {
						if h == r.Host {
							e.TLSSecret = t.SecretName
						}
					}
				}
				e.Port.Port = intstr.FromInt32(b.Port.Number)
				if b.Port.Name != "" {
					e.Port.Port = intstr.FromString(b.Port.Name)
				}
				exp(d).Ingress = e
			}
		}
	}
	for _, rt := range s.HTTPRoutes {
		for _, r := range rt.Typed.Spec.Rules {
			for _, b := range r.BackendRefs {
				ns := rt.Typed.Namespace
				if b.Namespace != nil {
					ns = string(*b.Namespace)
				}
				if (b.Kind != nil && *b.Kind != "Service") || !mine[ns+"/"+string(b.Name)] {
					continue
				}
				found = append(found, "HTTPRoute "+rt.Typed.Namespace+"/"+rt.Typed.Name)
				if e := d.Config.Spec.Exposure; (e != nil && (e.Ingress != nil || e.Gateway != nil)) || len(rt.Typed.Spec.ParentRefs) == 0 || b.Port == nil {
					continue
				}
				pr := rt.Typed.Spec.ParentRefs[0]
				g := &v1alpha1.GatewayExposure{ParentRef: v1alpha1.ParentRef{Name: string(pr.Name)}, Port: v1alpha1.PortRef{Port: intstr.FromInt32(int32(*b.Port))}}
				if pr.Namespace != nil {
					g.ParentRef.Namespace = string(*pr.Namespace)
				}
				if pr.SectionName != nil {
					g.ParentRef.SectionName = string(*pr.SectionName)
				}
				for _, h := range rt.Typed.Spec.Hostnames {
					g.Hostnames = append(g.Hostnames, string(h))
				}
				for _, m := range r.Matches {
					if m.Path != nil && m.Path.Value != nil {
						g.Path = *m.Path.Value
						break
					}
				}
				exp(d).Gateway = g
			}
		}
	}
	if e := d.Config.Spec.Exposure; e != nil && (e.Ingress != nil || e.Gateway != nil) {
		d.Notes = append(d.Notes, "set spec.exposure.controller to the namespace and pod labels of the controller that serves "+found[0]+": netid refuses an exposure without it")
	}
	if len(found) > 1 {
		d.Notes = append(d.Notes, "also reached by "+strings.Join(dedupe(found[1:]), ", ")+": one exposure per workload is declared; netid refuses the others until they are declared or removed")
	}
}

// exp is the draft's exposure, created on first use.
func exp(d *Draft) *v1alpha1.Exposure {
	if d.Config.Spec.Exposure == nil {
		d.Config.Spec.Exposure = &v1alpha1.Exposure{}
	}
	return d.Config.Spec.Exposure
}

// serviceExposure declares a LoadBalancer or NodePort Service of the
// workload's as found, and notes what only a person can fill in.
func serviceExposure(svc *corev1.Service, key string, d *Draft) {
	if len(svc.Spec.ExternalIPs) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("Service %s has externalIPs: no exposure kind declares them, so netid refuses them unless an exception with its ADR covers it", key))
	}
	var se *v1alpha1.ServiceExposure
	switch svc.Spec.Type {
	case corev1.ServiceTypeLoadBalancer:
		if exp(d).LoadBalancer != nil {
			return
		}
		se = &v1alpha1.ServiceExposure{Service: svc.Name, SourceRanges: append([]string{}, svc.Spec.LoadBalancerSourceRanges...)}
		d.Config.Spec.Exposure.LoadBalancer = se
		if len(se.SourceRanges) == 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("LoadBalancer Service %s admits every address (no loadBalancerSourceRanges): set the ranges on the Service and in exposure.loadBalancer.sourceRanges, or declare 0.0.0.0/0 with an exception to exposure-open-range and its ADR", key))
		}
	case corev1.ServiceTypeNodePort:
		if exp(d).NodePort != nil {
			return
		}
		se = &v1alpha1.ServiceExposure{Service: svc.Name, SourceRanges: []string{}}
		d.Config.Spec.Exposure.NodePort = se
		d.Notes = append(d.Notes, fmt.Sprintf("NodePort Service %s: set exposure.nodePort.sourceRanges to the clients that may reach the node ports", key))
	default:
		return
	}
	if svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
		d.Notes = append(d.Notes, fmt.Sprintf("Service %s has externalTrafficPolicy Cluster: clients arrive from node addresses, so set the nodes' address ranges in nodeCIDRs", key))
	}
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Write prints the drafts as YAML documents, each under comments that say
// what init inferred and what is left to decide.
func Write(w io.Writer, drafts []Draft) error {
	for i, d := range drafts {
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		doc, err := document(d.Config)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", d.Config.Namespace, d.Config.Name, err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# Drafted by netid init for %s/%s. Review every line: each inferred reason starting\n# %q is refused until it says why the flow exists.\n", d.Config.Namespace, d.Config.Name, Placeholder)
		for _, n := range d.Notes {
			fmt.Fprintf(&b, "# - %s\n", n)
		}
		b.Write(doc)
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// document is the config as YAML without empty fields.
func document(n v1alpha1.NetworkIdentity) ([]byte, error) {
	spec, err := json.Marshal(n.Spec)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(spec, &m); err != nil {
		return nil, err
	}
	if id, ok := m["identity"].(map[string]any); ok && len(id) == 0 {
		delete(m, "identity")
	}
	return sigsyaml.Marshal(map[string]any{
		"apiVersion": n.APIVersion,
		"kind":       n.Kind,
		"metadata":   map[string]any{"name": n.Name, "namespace": n.Namespace, "annotations": n.Annotations},
		"spec":       m,
	})
}
