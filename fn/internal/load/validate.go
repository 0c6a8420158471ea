package load

import (
	"maps"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"netid.dev/netid/fn/internal/finding"
)

// The user objects netid reads lend their names, namespaces, labels and
// ports to what it generates (a ServiceAccount named after the workload, a
// policy selecting its pod labels on a Service's target port, a path
// annotation under the namespace). Whatever the API server would refuse in
// them is refused here, with the field, by apimachinery's own validation:
// otherwise the generated objects would carry it to the server (or, for a
// namespace such as "../../x", out of the package as a kpt file path).

// checkWorkload validates what netid reads of a pod-bearing object: its name
// (a DNS subdomain; a StatefulSet's, a DNS label, as its pods' hostnames; a
// Job's at most 63 characters and a CronJob's at most 52, as the API server
// requires, since they become its pods' job-name label and its Jobs' names
// with a suffix) and namespace, selector, pod labels and container ports, at
// the kind's template path.
func checkWorkload(obj finding.Object, k PodKind, selector *metav1.LabelSelector, template *corev1.PodTemplateSpec) finding.List {
	nameFn := apivalidation.NameIsDNSSubdomain
	switch obj.Kind {
	case "StatefulSet":
		nameFn = apivalidation.NameIsDNSLabel
	case "Job":
		nameFn = maxLen(apivalidation.NameIsDNSSubdomain, validation.DNS1123LabelMaxLength)
	case "CronJob":
		nameFn = maxLen(apivalidation.NameIsDNSSubdomain, validation.DNS1123LabelMaxLength-11)
	}
	errs := checkMeta(obj, nameFn)
	spec := field.NewPath("spec")
	if selector != nil {
		errs = append(errs, labels(spec.Child("selector", "matchLabels"), selector.MatchLabels)...)
		for i, r := range selector.MatchExpressions {
			errs = append(errs, metav1validation.ValidateLabelSelectorRequirement(r, metav1validation.LabelSelectorValidationOptions{},
				spec.Child("selector", "matchExpressions").Index(i))...)
		}
	}
	var tmpl *field.Path
	for _, c := range k.Template {
		if tmpl == nil {
			tmpl = field.NewPath(c)
		} else {
			tmpl = tmpl.Child(c)
		}
	}
	// tmpl is nil for a Pod: its own metadata and spec.
	errs = append(errs, labels(child(tmpl, "metadata", "labels"), template.Labels)...)
	for i, c := range template.Spec.Containers {
		for j, p := range c.Ports {
			pp := child(tmpl, "spec", "containers").Index(i).Child("ports").Index(j)
			if p.Name != "" {
				errs = append(errs, msgs(pp.Child("name"), p.Name, memo(isValidPortName, p.Name))...)
			}
			errs = append(errs, msgs(pp.Child("containerPort"), p.ContainerPort, validation.IsValidPortNum(int(p.ContainerPort)))...)
			errs = append(errs, protocol(pp.Child("protocol"), p.Protocol)...)
		}
	}
	return findings(obj, errs)
}

// child is p.Child(names...), or a path from names when p is nil (a Pod's
// template is the Pod itself).
func child(p *field.Path, names ...string) *field.Path {
	if p == nil {
		return field.NewPath(names[0], names[1:]...)
	}
	return p.Child(names[0], names[1:]...)
}

// maxLen adds a length limit to a name validation.
func maxLen(fn apivalidation.ValidateNameFunc, n int) apivalidation.ValidateNameFunc {
	return func(name string, prefix bool) []string {
		msgs := fn(name, prefix)
		if len(name) > n {
			msgs = append(msgs, validation.MaxLenError(n))
		}
		return msgs
	}
}

// checkService validates what netid reads of a Service: its name (a DNS-1035
// label) and namespace, selector, and ports (names are DNS labels, target
// ports numbers or IANA_SVC_NAMEs, as the NetworkPolicy takes them).
func checkService(obj finding.Object, spec *corev1.ServiceSpec) finding.List {
	errs := checkMeta(obj, apivalidation.NameIsDNS1035Label)
	sp := field.NewPath("spec")
	errs = append(errs, labels(sp.Child("selector"), spec.Selector)...)
	for i, p := range spec.Ports {
		pp := sp.Child("ports").Index(i)
		if p.Name != "" {
			errs = append(errs, msgs(pp.Child("name"), p.Name, memo(isDNS1123Label, p.Name))...)
		}
		errs = append(errs, msgs(pp.Child("port"), p.Port, validation.IsValidPortNum(int(p.Port)))...)
		switch t := p.TargetPort; {
		case t.Type == intstr.String && t.StrVal != "":
			errs = append(errs, msgs(pp.Child("targetPort"), t.StrVal, memo(isValidPortName, t.StrVal))...)
		case t.Type == intstr.Int && t.IntVal != 0:
			errs = append(errs, msgs(pp.Child("targetPort"), t.IntVal, validation.IsValidPortNum(int(t.IntVal)))...)
		}
		errs = append(errs, protocol(pp.Child("protocol"), p.Protocol)...)
	}
	return findings(obj, errs)
}

// checkNamespace validates a Namespace of the items, whose labels netid
// completes and judges: its name (a DNS label) and labels.
func checkNamespace(obj finding.Object, nsLabels map[string]string) finding.List {
	var errs field.ErrorList
	for _, msg := range apivalidation.ValidateNamespaceName(obj.Name, false) {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), obj.Name, msg))
	}
	errs = append(errs, labels(field.NewPath("metadata", "labels"), nsLabels)...)
	return findings(obj, errs)
}

// checkMeta validates a namespaced object's name with nameFn, and its
// namespace when set (a workload without one is refused later, if governed).
func checkMeta(obj finding.Object, nameFn apivalidation.ValidateNameFunc) field.ErrorList {
	var errs field.ErrorList
	meta := field.NewPath("metadata")
	for _, msg := range nameFn(obj.Name, false) {
		errs = append(errs, field.Invalid(meta.Child("name"), obj.Name, msg))
	}
	if obj.Namespace != "" {
		for _, msg := range memo(namespaceName, obj.Namespace) {
			errs = append(errs, field.Invalid(meta.Child("namespace"), obj.Namespace, msg))
		}
	}
	return errs
}

// labels validates label keys and values as metav1validation.ValidateLabels
// does, in key order and with the key in the path.
func labels(p *field.Path, m map[string]string) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(m)) {
		errs = append(errs, msgs(p.Key(k), k, memo(isQualifiedName, k))...)
		errs = append(errs, msgs(p.Key(k), m[k], memo(isValidLabelValue, m[k]))...)
	}
	return errs
}

func protocol(p *field.Path, v corev1.Protocol) field.ErrorList {
	switch v {
	case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return nil
	}
	return field.ErrorList{field.NotSupported(p, v, []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP})}
}

func msgs(p *field.Path, value any, ms []string) field.ErrorList {
	var errs field.ErrorList
	for _, m := range ms {
		errs = append(errs, field.Invalid(p, value, m))
	}
	return errs
}

func findings(obj finding.Object, errs field.ErrorList) finding.List {
	var fs finding.List
	for _, e := range errs {
		fs = append(fs, finding.Configf(obj, e.Field, "%s", e.ErrorBody()))
	}
	return fs
}

// The validations of the strings a render repeats (namespaces, label keys
// and values, port names) are remembered: each answer depends on the string
// alone, and apimachinery's regular expressions cost more than a lookup.
const (
	isQualifiedName = iota
	isValidLabelValue
	isValidPortName
	isDNS1123Label
	namespaceName
)

var validations = [...]func(string) []string{
	isQualifiedName:   validation.IsQualifiedName,
	isValidLabelValue: validation.IsValidLabelValue,
	isValidPortName:   validation.IsValidPortName,
	isDNS1123Label:    validation.IsDNS1123Label,
	namespaceName:     func(s string) []string { return apivalidation.ValidateNamespaceName(s, false) },
}

type memoKey struct {
	fn int
	s  string
}

// maxMemo bounds the answers remembered: past it, they are forgotten.
const maxMemo = 1 << 14

var (
	memoMu  sync.Mutex
	memoMap = map[memoKey][]string{}
)

// memo is validations[fn](s), remembered. The messages returned are shared:
// callers only read them.
func memo(fn int, s string) []string {
	k := memoKey{fn, s}
	memoMu.Lock()
	ms, ok := memoMap[k]
	memoMu.Unlock()
	if ok {
		return ms
	}
	ms = validations[fn](s)
	memoMu.Lock()
	if len(memoMap) >= maxMemo {
		clear(memoMap)
	}
	memoMap[k] = ms
	memoMu.Unlock()
	return ms
}
