package provisioning

import (
	"reflect"
	"strings"
	"testing"
)

const composeHAFn = "../docker-compose.ha.yaml"

// TestComposeHAReplicasMatchTheDemo: docker-compose.ha.yaml runs the demo's Grafana twice
// on one PostgreSQL and one Redis. Its replicas must load the same plugin and provisioning
// as the demo (a change to one compose file that misses the other fails here), share the
// database and the HA engines, and answer on distinct ports.
func TestComposeHAReplicasMatchTheDemo(t *testing.T) {
	demo := readCompose(t)
	var ha compose
	readYAML(t, composeHAFn, &ha)
	g := demo.Services["grafana"]
	for _, name := range []string{"plugin-build", "simulator"} {
		d, h := demo.Services[name], ha.Services[name]
		if !reflect.DeepEqual(d.Command, h.Command) || !reflect.DeepEqual(d.Build, h.Build) {
			t.Errorf("service %s differs between docker-compose.yaml and docker-compose.ha.yaml", name)
		}
	}
	ports := map[string]string{}
	for _, name := range []string{"grafana-a", "grafana-b"} {
		r, ok := ha.Services[name]
		if !ok {
			t.Fatalf("docker-compose.ha.yaml has no %s service", name)
		}
		if r.Image != g.Image {
			t.Errorf("%s image %q, the demo runs %q", name, r.Image, g.Image)
		}
		if !reflect.DeepEqual(mounts(r.Volumes), withoutKey(mounts(g.Volumes), "/var/lib/grafana")) {
			t.Errorf("%s mounts %v, want the demo's plugin and provisioning mounts %v (its data lives in PostgreSQL)", name, r.Volumes, g.Volumes)
		}
		for k, v := range g.Environment {
			if strings.HasPrefix(k, "GF_AUTH_ANONYMOUS") {
				continue // the HA demo has logins: replicas must agree on who is signed in
			}
			if r.Environment[k] != v {
				t.Errorf("%s: %s = %q, the demo sets %q", name, k, r.Environment[k], v)
			}
		}
		for k, want := range map[string]string{
			"GF_DATABASE_TYPE":                     "postgres",
			"GF_DATABASE_HOST":                     "postgres:5432",
			"GF_LIVE_HA_ENGINE":                    "redis",
			"GF_LIVE_HA_ENGINE_ADDRESS":            "redis:6379",
			"GF_UNIFIED_ALERTING_HA_REDIS_ADDRESS": "redis:6379",
		} {
			if r.Environment[k] != want {
				t.Errorf("%s: %s = %q, want %q", name, k, r.Environment[k], want)
			}
		}
		for _, dep := range []string{"plugin-build", "simulator", "postgres", "redis"} {
			if _, ok := r.DependsOn[dep]; !ok {
				t.Errorf("%s does not wait for %s", name, dep)
			}
		}
		if len(r.Ports) != 1 {
			t.Fatalf("%s publishes %v, want one port", name, r.Ports)
		}
		host := strings.SplitN(r.Ports[0], ":3000", 2)[0]
		if other, dup := ports[host]; dup {
			t.Errorf("%s and %s both publish %s", name, other, host)
		}
		ports[host] = name
	}
	for _, name := range []string{"postgres", "redis"} {
		if _, ok := ha.Services[name]; !ok {
			t.Errorf("docker-compose.ha.yaml has no %s service", name)
		}
	}
}

func withoutKey(m map[string]string, key string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}
