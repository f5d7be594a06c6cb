package provisioning

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// compose is the part of docker-compose.yaml the demo depends on.
type compose struct {
	Services map[string]struct {
		Image string `yaml:"image"`
		Build *struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func readCompose(t *testing.T) compose {
	t.Helper()
	var c compose
	readYAML(t, composeFn, &c)
	for _, name := range []string{"plugin-build", "simulator", "grafana"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("docker-compose.yaml has no %q service", name)
		}
	}
	return c
}

// mounts maps a service's mount targets to their sources.
func mounts(vols []string) map[string]string {
	out := map[string]string{}
	for _, v := range vols {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 {
			out[parts[1]] = parts[0]
		}
	}
	return out
}

var composeVarRE = regexp.MustCompile(`\$\{([A-Z_]+):-([^}]*)\}`)

func TestComposeGrafana(t *testing.T) {
	c, id := readCompose(t), pluginID(t)
	g := c.Services["grafana"]

	m := composeVarRE.FindAllStringSubmatch(g.Image, -1)
	if !strings.HasPrefix(g.Image, "${GRAFANA_IMAGE:-grafana/grafana") || len(m) != 2 || m[1][1] != "GRAFANA_VERSION" {
		t.Fatalf("grafana image %q: want ${GRAFANA_IMAGE:-grafana/grafana…}:${GRAFANA_VERSION:-<version>}", g.Image)
	}
	if v := m[1][2]; !regexp.MustCompile(`^1[23]\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("default GRAFANA_VERSION %q: want a 12.x or 13.x release (plugin.json needs >=12.3.0)", v)
	}
	if got := g.Environment["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"]; !slices.Contains(strings.Split(got, ","), id) {
		t.Errorf("GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS = %q: must list %s or Grafana refuses the unsigned build", got, id)
	}
	if home := g.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; home != "" {
		rel := strings.TrimPrefix(home, "/etc/grafana/provisioning/")
		if _, err := os.Stat(filepath.Join(provDir, rel)); err != nil {
			t.Errorf("home dashboard %s: %v", home, err)
		}
	}

	gm := mounts(g.Volumes)
	dist := gm["/var/lib/grafana/plugins/"+id]
	if dist == "" {
		t.Fatalf("grafana mounts nothing at /var/lib/grafana/plugins/%s", id)
	}
	if _, named := c.Volumes[dist]; !named {
		t.Errorf("the plugin mount's source %q is not a named volume of the compose file", dist)
	}
	if bm := mounts(c.Services["plugin-build"].Volumes); bm["/build/dist"] != dist {
		t.Errorf("plugin-build writes dist/ to %q, grafana reads the plugin from %q", bm["/build/dist"], dist)
	}
	for _, sub := range []string{"datasources", "dashboards", "alerting"} {
		src := gm["/etc/grafana/provisioning/"+sub]
		if src != "./provisioning/"+sub {
			t.Errorf("/etc/grafana/provisioning/%s is mounted from %q, want ./provisioning/%s", sub, src, sub)
		}
	}

	if cond := g.DependsOn["plugin-build"].Condition; cond != "service_completed_successfully" {
		t.Errorf("grafana depends on plugin-build with %q: it must wait until the build succeeded", cond)
	}
	if _, ok := g.DependsOn["simulator"]; !ok {
		t.Error("grafana does not depend on the simulator")
	}
}

func TestComposeBuildsFromTheRepository(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"plugin-build", "simulator"} {
		b := c.Services[name].Build
		if b == nil {
			t.Fatalf("service %s has no build section", name)
		}
		df := filepath.Join(repoRoot, b.Context, b.Dockerfile)
		text, err := os.ReadFile(df)
		if err != nil {
			t.Fatalf("service %s: %v", name, err)
		}
		// every COPY source that is not from another stage must exist in the build context
		for _, line := range strings.Split(string(text), "\n") {
			f := strings.Fields(line)
			if len(f) < 3 || f[0] != "COPY" || strings.HasPrefix(f[1], "--from") {
				continue
			}
			for _, src := range f[1 : len(f)-1] {
				if _, err := os.Stat(filepath.Join(repoRoot, b.Context, src)); err != nil {
					t.Errorf("%s: COPY %s: %v", b.Dockerfile, src, err)
				}
			}
		}
	}
	st, err := os.Stat(filepath.Join(repoRoot, "docker", "build-plugin.sh"))
	if err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("docker/build-plugin.sh must exist and be executable (%v)", err)
	}
	if !strings.Contains(strings.Join(c.Services["plugin-build"].Volumes, " "), ".:/src") {
		t.Error("plugin-build must mount the checkout at /src (the build copies it from there)")
	}
}

// simulatorFlags reads the simulator service's command, checking every flag exists in
// cmd/simulator, and fills in cmd/simulator's defaults for the ones left out.
func simulatorFlags(t *testing.T) simFlags {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "simulator", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`fs\.\w+\([^"\n]*"([a-z][a-z-]*)"`).FindAllStringSubmatch(string(src), -1) {
		known[m[1]] = true
	}
	s := readCompose(t).Services["simulator"]
	f := simFlags{addr: "127.0.0.1:8080", clientID: "sim-client", seed: 1, queues: 5, agents: 20, rate: 0.2,
		clientSecret: s.Environment["SIM_CLIENT_SECRET"]}
	for _, arg := range s.Command {
		name, val, ok := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !ok || !strings.HasPrefix(arg, "-") {
			t.Fatalf("simulator command %q: write flags as -name=value", arg)
		}
		if !known[name] {
			t.Fatalf("simulator command: cmd/simulator has no flag -%s", name)
		}
		num := func() int64 {
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				t.Fatalf("simulator -%s=%s: %v", name, val, err)
			}
			return n
		}
		switch name {
		case "addr":
			f.addr = val
		case "client-id":
			f.clientID = val
		case "client-secret":
			f.clientSecret = val
		case "seed":
			f.seed = num()
		case "queues":
			f.queues = int(num())
		case "agents":
			f.agents = int(num())
		case "rate":
			f.rate = composeFloat(t, name, val)
		}
	}
	if f.clientSecret == "" {
		f.clientSecret = "sim-secret"
	}
	return f
}

// composeFloat reads a number flag's value, taking the default of a ${VAR:-default}
// substitution (what the demo runs when the variable is unset).
func composeFloat(t *testing.T, name, val string) float64 {
	t.Helper()
	if inner, ok := strings.CutPrefix(val, "${"); ok && strings.HasSuffix(inner, "}") {
		_, def, ok := strings.Cut(strings.TrimSuffix(inner, "}"), ":-")
		if !ok {
			t.Fatalf("simulator -%s=%s: give the variable a default (${VAR:-value})", name, val)
		}
		val = def
	}
	n, err := strconv.ParseFloat(val, 64)
	if err != nil {
		t.Fatalf("simulator -%s=%s: %v", name, val, err)
	}
	return n
}

func TestComposeSimulator(t *testing.T) {
	f := simulatorFlags(t)
	host, port, ok := strings.Cut(f.addr, ":")
	if !ok || host != "0.0.0.0" {
		t.Errorf("simulator -addr=%s: inside its container it must listen on 0.0.0.0 for Grafana to reach it", f.addr)
	}
	if port != "8080" {
		t.Errorf("simulator listens on port %s; the data source expects http://simulator:8080", port)
	}
	for _, p := range readCompose(t).Services["simulator"].Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("simulator port %q is published beyond loopback; /_sim has no authentication", p)
		}
	}
}
