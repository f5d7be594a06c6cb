// Package provisioning holds no code: its tests check the demo's docker-compose.yaml and
// the files Grafana provisions from this directory (data source, dashboards, alert rules)
// against the plugin's contracts (docs/architecture.md, src/plugin.json) and against the
// simulator the demo runs, since neither Docker nor Grafana can run where the tests run.
package provisioning

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	dsUID     = "genesys-sim" // the demo data source's uid, used by dashboards and alert rules
	exprUID   = "__expr__"    // Grafana's server-side expressions (reduce, threshold, math)
	repoRoot  = ".."
	provDir   = "."
	composeFn = "../docker-compose.yaml"
)

// pluginID reads the plugin id from src/plugin.json so a rename cannot leave the demo behind.
func pluginID(t *testing.T) string {
	t.Helper()
	var p struct {
		ID         string `json:"id"`
		Executable string `json:"executable"`
	}
	readJSON(t, filepath.Join(repoRoot, "src", "plugin.json"), &p)
	if p.ID == "" || p.Executable == "" {
		t.Fatalf("src/plugin.json: id %q and executable %q must both be set", p.ID, p.Executable)
	}
	return p.ID
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s is not valid JSON: %v", path, err)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s is not valid YAML: %v", path, err)
	}
}

// files lists dir's files with one of the extensions, failing when there are none.
func files(t *testing.T, dir string, exts ...string) []string {
	t.Helper()
	var out []string
	for _, ext := range exts {
		m, err := filepath.Glob(filepath.Join(dir, "*"+ext))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatalf("no %v files in %s", exts, dir)
	}
	return out
}

// TestEveryFileParses covers files the other tests might not look at (a new dashboard, a
// second rules file): Grafana skips or rejects a provisioning file that does not parse.
func TestEveryFileParses(t *testing.T) {
	err := filepath.WalkDir(provDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".json":
			var v any
			readJSON(t, path, &v)
		case ".yaml", ".yml":
			var v map[string]any
			readYAML(t, path, &v)
			if v["apiVersion"] != 1 {
				t.Errorf("%s: apiVersion is %v, Grafana's provisioning format wants 1", path, v["apiVersion"])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func contains(list []string, s string) bool { return slices.Contains(list, s) }
