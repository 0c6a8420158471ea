package netpol

import (
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// GenScenario exposes the random estate generator to the external tests of
// this directory (the model's differential test).
func GenScenario(seed uint64) (map[string]map[string]string, []Endpoint, []networkingv1.NetworkPolicy) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sc := genScenario(r, genOptions{})
	return sc.namespaces, sc.endpoints, sc.policies
}

// ProbePorts are the ports the generated rules can tell apart.
func ProbePorts() []struct {
	Port  int32
	Proto corev1.Protocol
} {
	var out []struct {
		Port  int32
		Proto corev1.Protocol
	}
	for _, p := range probePorts {
		out = append(out, struct {
			Port  int32
			Proto corev1.Protocol
		}{p.port, p.proto})
	}
	return out
}
