package provisioning

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/plugin"
)

// backendParse runs a provisioned query through the backend's own parser, as QueryData
// and alert evaluation do. Dashboard variables are expanded by the frontend before the
// backend sees a query, so they are replaced here by an id the simulator creates.
func backendParse(raw any, sampleID string) (plugin.Query, error) {
	m, _ := raw.(map[string]any)
	expanded := map[string]any{}
	for k, v := range m {
		expanded[k] = v
	}
	if ids, ok := m["ids"].([]any); ok {
		out := make([]any, len(ids))
		for i, id := range ids {
			s, _ := id.(string)
			if variableName(s) != "" {
				s = sampleID
			}
			out[i] = s
		}
		expanded["ids"] = out
	}
	b, err := json.Marshal(expanded)
	if err != nil {
		return plugin.Query{}, err
	}
	return plugin.ParseQuery(b)
}

// TestBackendAcceptsEveryQuery: every panel target and alert query parses with the
// plugin's ParseQuery, so nothing the demo provisions answers "bad request".
func TestBackendAcceptsEveryQuery(t *testing.T) {
	sim := startSimulator(t, simulatorFlags(t))
	sample := sim.pop.Queues[0].ID
	n := 0
	for uid, d := range readDashboards(t) {
		for _, p := range allPanels(d.Panels) {
			for _, raw := range p.Targets {
				n++
				if _, err := backendParse(raw, sample); err != nil {
					t.Errorf("dashboard %s panel %q: the backend refuses the query: %v", uid, p.Title, err)
				}
			}
		}
	}
	for _, r := range readRules(t) {
		for _, d := range r.Data {
			if d.DatasourceUID != dsUID {
				continue
			}
			n++
			if _, err := backendParse(d.Model, sample); err != nil {
				t.Errorf("rule %s query %s: the backend refuses the query: %v", r.UID, d.RefID, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no queries found")
	}
}

// TestStatusAlertKeepsItsField: the status frame has several numeric fields and Grafana's
// expressions turn each into an alert instance, so the "notification stream disconnected"
// rule names the one it needs; the backend must keep that selection.
func TestStatusAlertKeepsItsField(t *testing.T) {
	for _, r := range readRules(t) {
		for _, d := range r.Data {
			if d.DatasourceUID != dsUID || d.Model["queryType"] != "status" {
				continue
			}
			q, err := backendParse(d.Model, "")
			if err != nil {
				t.Fatalf("rule %s: %v", r.UID, err)
			}
			if !slices.Equal(q.Fields, []string{"connected"}) {
				t.Errorf("rule %s: the backend reduces the status query's fields [connected] to %v: "+
					"every status number (reconnects 0, openGaps 0, …) then becomes an alert instance and "+
					"\"connected < 1\" fires on them; pkg/plugin should keep (and apply) fields for queryType status",
					r.UID, q.Fields)
			}
		}
	}
}
