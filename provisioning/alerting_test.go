package provisioning

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

type rulesFile struct {
	Groups []struct {
		OrgID    int    `yaml:"orgId"`
		Name     string `yaml:"name"`
		Folder   string `yaml:"folder"`
		Interval string `yaml:"interval"`
		Rules    []rule `yaml:"rules"`
	} `yaml:"groups"`
}

type rule struct {
	UID          string            `yaml:"uid"`
	Title        string            `yaml:"title"`
	Condition    string            `yaml:"condition"`
	For          string            `yaml:"for"`
	NoDataState  string            `yaml:"noDataState"`
	ExecErrState string            `yaml:"execErrState"`
	Annotations  map[string]string `yaml:"annotations"`
	Data         []struct {
		RefID             string         `yaml:"refId"`
		DatasourceUID     string         `yaml:"datasourceUid"`
		RelativeTimeRange map[string]int `yaml:"relativeTimeRange"`
		Model             map[string]any `yaml:"model"`
	} `yaml:"data"`
}

var (
	noDataStates  = []string{"NoData", "Alerting", "OK", "KeepLast"}
	execErrStates = []string{"Error", "Alerting", "OK", "KeepLast"}
	exprTypes     = []string{"reduce", "threshold", "math", "resample", "classic_conditions", "sql"}
)

func readRules(t *testing.T) map[string]rule {
	t.Helper()
	out := map[string]rule{}
	for _, fn := range files(t, filepath.Join(provDir, "alerting"), ".yaml", ".yml") {
		var f rulesFile
		readYAML(t, fn, &f)
		for _, g := range f.Groups {
			if g.OrgID < 1 || g.Name == "" || g.Folder == "" {
				t.Errorf("%s: group %q needs orgId, name and folder", fn, g.Name)
			}
			if d, err := time.ParseDuration(g.Interval); err != nil || d < 10*time.Second || d%(10*time.Second) != 0 {
				t.Errorf("%s: group %q interval %q: Grafana wants a multiple of 10s", fn, g.Name, g.Interval)
			}
			for _, r := range g.Rules {
				if _, dup := out[r.UID]; dup || r.UID == "" {
					t.Errorf("%s: rule %q: uid %q missing or used twice", fn, r.Title, r.UID)
				}
				out[r.UID] = r
			}
		}
	}
	return out
}

func TestAlertRules(t *testing.T) {
	id, f := pluginID(t), simulatorFlags(t)
	sim := startSimulator(t, f)
	ids := map[string]bool{}
	for _, q := range sim.pop.Queues {
		ids[q.ID] = true
	}
	for _, a := range sim.pop.Agents {
		ids[a.ID] = true
	}
	rules := queryRules{topics: sim.topics, fields: sim.fields, literalIDs: ids} // no variables in alert rules
	dashboards := readDashboards(t)

	for _, r := range readRules(t) {
		t.Run(r.UID, func(t *testing.T) {
			if d, err := time.ParseDuration(r.For); err != nil || d < time.Minute {
				t.Errorf("for %q: these rules should hold at least 1m before firing", r.For)
			}
			if !contains(noDataStates, r.NoDataState) || !contains(execErrStates, r.ExecErrState) {
				t.Errorf("noDataState %q / execErrState %q are not Grafana's", r.NoDataState, r.ExecErrState)
			}
			if r.NoDataState == "OK" && readsObservedCount(r) {
				t.Errorf("noDataState OK on a count the plugin refills at start and after gaps: no data is a fault to show, use NoData")
			}
			refs, plugin := map[string]bool{}, 0
			for _, d := range r.Data {
				refs[d.RefID] = true
				if m, _ := d.Model["refId"].(string); m != d.RefID {
					t.Errorf("data %s: model.refId is %q", d.RefID, m)
				}
			}
			if !refs[r.Condition] {
				t.Errorf("condition %q is not a refId of the rule's data", r.Condition)
			}
			for _, d := range r.Data {
				switch d.DatasourceUID {
				case dsUID:
					plugin++
					if d.RelativeTimeRange["from"] <= 0 {
						t.Errorf("query %s: relativeTimeRange.from must look back (history window)", d.RefID)
					}
					q, err := rawQuery(d.Model)
					if err == nil && q.Datasource != nil && (q.Datasource.UID != dsUID || q.Datasource.Type != id) {
						err = errorf("model.datasource %+v is not {type %s, uid %s}", q.Datasource, id, dsUID)
					}
					if err == nil {
						err = rules.validate(q)
					}
					if err == nil && q.QueryType != "status" && q.Format != "latest" {
						err = errorf("format %q: alert queries use \"latest\" (one value per topic)", q.Format)
					}
					if err == nil && len(q.Fields) != 1 {
						err = errorf("fields %v: name exactly one numeric field, or every other number becomes an alert instance", q.Fields)
					}
					if err != nil {
						t.Errorf("query %s: %v", d.RefID, err)
					}
				case exprUID:
					typ, _ := d.Model["type"].(string)
					expr, _ := d.Model["expression"].(string)
					if !contains(exprTypes, typ) {
						t.Errorf("expression %s: type %q is not one of %v", d.RefID, typ, exprTypes)
					}
					if typ != "math" && !refs[expr] {
						t.Errorf("expression %s reads %q, which is not a refId of the rule", d.RefID, expr)
					}
				default:
					t.Errorf("data %s: datasourceUid %q, want %s or %s", d.RefID, d.DatasourceUID, dsUID, exprUID)
				}
			}
			if plugin == 0 {
				t.Error("the rule queries nothing from the Genesys data source")
			}
			checkRuleLinks(t, r, dashboards)
		})
	}
}

// checkRuleLinks: a rule's dashboard and panel annotations must point at what exists.
func checkRuleLinks(t *testing.T, r rule, dashboards map[string]dashboard) {
	t.Helper()
	uid, panelID := r.Annotations["__dashboardUid__"], r.Annotations["__panelId__"]
	if uid == "" {
		return
	}
	d, ok := dashboards[uid]
	if !ok {
		t.Errorf("__dashboardUid__ %q is no provisioned dashboard", uid)
		return
	}
	n, err := strconv.Atoi(panelID)
	for _, p := range allPanels(d.Panels) {
		if err == nil && p.ID == n {
			return
		}
	}
	t.Errorf("__panelId__ %q is no panel of dashboard %s", panelID, uid)
}

// TestQueueRulesCoverTheSimulatedQueues: alert rules cannot use the dashboard's $queue, so
// the queue rules list the simulator's queues; a new seed or queue count must update them.
func TestQueueRulesCoverTheSimulatedQueues(t *testing.T) {
	f := simulatorFlags(t)
	sim := startSimulator(t, f)
	for _, r := range readRules(t) {
		for _, d := range r.Data {
			q, err := rawQuery(d.Model)
			if err != nil || d.DatasourceUID != dsUID || !strings.HasPrefix(q.Topic, "v2.analytics.queues.") {
				continue
			}
			have := map[string]bool{}
			for _, id := range q.IDs {
				have[id] = true
			}
			for _, want := range sim.pop.Queues {
				if !have[want.ID] {
					t.Errorf("rule %s misses queue %s (%s) of the simulator (%v)", r.UID, want.ID, want.Name, f)
				}
			}
		}
	}
}

// readsObservedCount: the rule reads an o* count of queue observations (oWaiting, ...),
// which the refill always fills, unlike the service level of an interval with no
// conversation.
func readsObservedCount(r rule) bool {
	for _, d := range r.Data {
		fields, _ := d.Model["fields"].([]any)
		for _, f := range fields {
			if name, _ := f.(string); strings.HasPrefix(name, "o") && name != "oServiceLevel" && !strings.HasPrefix(name, "oServiceLevel.") {
				return true
			}
		}
	}
	return false
}
