package provisioning

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

type datasourceFile struct {
	Datasources []struct {
		Name           string         `yaml:"name"`
		Type           string         `yaml:"type"`
		UID            string         `yaml:"uid"`
		JSONData       map[string]any `yaml:"jsonData"`
		SecureJSONData map[string]any `yaml:"secureJsonData"`
	} `yaml:"datasources"`
}

// documentedSettings reads the jsonData and secureJsonData field names from the "Data
// source settings" section of docs/architecture.md, the contract the backend parses.
func documentedSettings(t *testing.T) (jsonData, secure []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Data source settings")
	if !ok {
		t.Fatal("docs/architecture.md has no \"Data source settings\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	name := regexp.MustCompile("`([A-Za-z]+)`")
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "| `"):
			first := strings.Split(line, "|")[1]
			for _, m := range name.FindAllStringSubmatch(first, -1) {
				jsonData = append(jsonData, m[1])
			}
		case strings.HasPrefix(line, "`secureJsonData`:"):
			for _, m := range name.FindAllStringSubmatch(strings.TrimPrefix(line, "`secureJsonData`:"), -1) {
				secure = append(secure, m[1])
			}
		}
	}
	if len(jsonData) < 5 || len(secure) == 0 {
		t.Fatalf("could not read the settings table of docs/architecture.md (got %v, %v)", jsonData, secure)
	}
	return jsonData, secure
}

func TestDatasourcePointsAtTheSimulator(t *testing.T) {
	id, f := pluginID(t), simulatorFlags(t)
	jsonKeys, secureKeys := documentedSettings(t)
	var file datasourceFile
	readYAML(t, filepath.Join(provDir, "datasources", "genesys.yaml"), &file)

	found := false
	for _, ds := range file.Datasources {
		if ds.Type != id {
			t.Errorf("data source %q has type %q, want the plugin id %s", ds.Name, ds.Type, id)
		}
		for k := range ds.JSONData {
			if !slices.Contains(jsonKeys, k) {
				t.Errorf("data source %q: jsonData.%s is not a setting of docs/architecture.md %v", ds.Name, k, jsonKeys)
			}
		}
		for k := range ds.SecureJSONData {
			if !slices.Contains(secureKeys, k) {
				t.Errorf("data source %q: secureJsonData.%s is not one of %v", ds.Name, k, secureKeys)
			}
		}
		if ds.UID != dsUID {
			continue
		}
		found = true
		want := map[string]any{"region": "custom", "baseUrl": "http://simulator:8080",
			"authType": "clientCredentials", "clientId": f.clientID}
		for k, v := range want {
			if ds.JSONData[k] != v {
				t.Errorf("jsonData.%s = %v, want %v (the simulator service of docker-compose.yaml)", k, ds.JSONData[k], v)
			}
		}
		if ds.SecureJSONData["clientSecret"] != f.clientSecret {
			t.Error("secureJsonData.clientSecret is not the secret the simulator service accepts")
		}
	}
	if !found {
		t.Fatalf("no data source with uid %s: dashboards and alert rules refer to it", dsUID)
	}
}

// TestCommentedRealRegionExample keeps the commented example for a real organisation
// correct: uncommented, it must be a valid entry whose secrets come from the environment.
func TestCommentedRealRegionExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(provDir, "datasources", "genesys.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		body, commented := strings.CutPrefix(strings.TrimSpace(line), "# ")
		if commented && strings.HasPrefix(body, "- name:") {
			in = true
		}
		if in && commented {
			block = append(block, strings.TrimPrefix(line, "  # "))
		}
	}
	if len(block) == 0 {
		t.Fatal("genesys.yaml has no commented example for a real region")
	}
	var file datasourceFile
	path := filepath.Join(t.TempDir(), "example.yaml")
	if err := os.WriteFile(path, []byte("datasources:\n"+strings.Join(block, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	readYAML(t, path, &file)
	if len(file.Datasources) != 1 {
		t.Fatalf("the commented example holds %d data sources, want 1", len(file.Datasources))
	}
	ds := file.Datasources[0]
	if r, _ := ds.JSONData["region"].(string); r == "" || r == "custom" || !strings.Contains(r, ".") {
		t.Errorf("example region %q: want a Genesys Cloud domain such as mypurecloud.ie", r)
	}
	if ds.SecureJSONData["clientSecret"] != "$GENESYS_CLIENT_SECRET" {
		t.Errorf("example clientSecret must come from the environment ($GENESYS_CLIENT_SECRET), got %v", ds.SecureJSONData["clientSecret"])
	}
	env := readCompose(t).Services["grafana"].Environment
	if _, ok := env["GENESYS_CLIENT_SECRET"]; !ok {
		t.Error("docker-compose.yaml does not pass GENESYS_CLIENT_SECRET to Grafana")
	}
}
