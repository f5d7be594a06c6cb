package provisioning

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string         `json:"name"`
			Type       string         `json:"type"`
			Datasource *dsRef         `json:"datasource"`
			Query      map[string]any `json:"query"`
			Multi      bool           `json:"multi"`
			IncludeAll bool           `json:"includeAll"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *dsRef `json:"datasource"`
	Targets    []any  `json:"targets"`
	GridPos    struct {
		X, Y, W, H int
	} `json:"gridPos"`
	Panels []panel `json:"panels"` // a collapsed row's panels
}

// variableKinds are the kinds of the data source's variable query ({"kind":…,"query":…},
// GenesysVariableQuery in src/types.ts): the lists its /queues, /users and /topics serve.
var variableKinds = []string{"queues", "users", "topics"}

// readDashboards loads every provisioned dashboard.
func readDashboards(t *testing.T) map[string]dashboard {
	t.Helper()
	out := map[string]dashboard{}
	for _, fn := range files(t, filepath.Join(provDir, "dashboards"), ".json") {
		var d dashboard
		readJSON(t, fn, &d)
		if d.UID == "" || d.Title == "" {
			t.Fatalf("%s: a provisioned dashboard needs a uid and a title", fn)
		}
		if _, dup := out[d.UID]; dup {
			t.Fatalf("%s: dashboard uid %s is used twice", fn, d.UID)
		}
		out[d.UID] = d
	}
	return out
}

// allPanels flattens rows.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

func TestDashboards(t *testing.T) {
	id, sim := pluginID(t), startSimulator(t, simulatorFlags(t))
	dashboards := readDashboards(t)
	for _, want := range []string{"Contact centre — live", "Genesys plugin health"} {
		found := false
		for _, d := range dashboards {
			found = found || d.Title == want
		}
		if !found {
			t.Errorf("no dashboard titled %q", want)
		}
	}
	for _, d := range dashboards {
		t.Run(d.UID, func(t *testing.T) {
			rules := queryRules{topics: sim.topics, fields: sim.fields, variables: map[string]bool{}}
			for _, v := range d.Templating.List {
				rules.variables[v.Name] = true
				if v.Type != "query" {
					continue
				}
				if v.Datasource == nil || v.Datasource.Type != id || v.Datasource.UID != dsUID {
					t.Errorf("variable %s: data source %+v, want {type %s, uid %s}", v.Name, v.Datasource, id, dsUID)
				}
				if k, _ := v.Query["kind"].(string); !slices.Contains(variableKinds, k) {
					t.Errorf("variable %s: query kind %q, want one of %v", v.Name, k, variableKinds)
				}
			}
			checkPanels(t, d, id, rules)
		})
	}
}

func checkPanels(t *testing.T, d dashboard, id string, rules queryRules) {
	t.Helper()
	ids, queries := map[int]bool{}, 0
	for _, p := range allPanels(d.Panels) {
		if ids[p.ID] {
			t.Errorf("panel id %d is used twice", p.ID)
		}
		ids[p.ID] = true
		if p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: gridPos x %d + w %d does not fit the 24-column grid", p.Title, p.GridPos.X, p.GridPos.W)
		}
		if p.Type == "row" || p.Type == "text" || p.Type == "alertlist" {
			if len(p.Targets) > 0 {
				t.Errorf("%s panel %q has queries", p.Type, p.Title)
			}
			continue
		}
		if p.Datasource == nil || p.Datasource.Type != id || p.Datasource.UID != dsUID {
			t.Errorf("panel %q: data source %+v, want {type %s, uid %s}", p.Title, p.Datasource, id, dsUID)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, raw := range p.Targets {
			q, err := rawQuery(raw)
			if err == nil && (q.Datasource == nil || q.Datasource.UID != dsUID || q.Datasource.Type != id) {
				t.Errorf("panel %q query %s: data source %+v, want the panel's", p.Title, q.RefID, q.Datasource)
			}
			if err == nil {
				err = rules.validate(q)
			}
			if err != nil {
				t.Errorf("panel %q query: %v", p.Title, err)
			}
			queries++
		}
	}
	if queries == 0 {
		t.Error("the dashboard has no queries")
	}
	checkOverlaps(t, d.Panels)
}

// checkOverlaps: Grafana moves overlapping panels about, so a layout that overlaps is not
// the layout that was designed.
func checkOverlaps(t *testing.T, ps []panel) {
	t.Helper()
	for i, a := range ps {
		for _, b := range ps[i+1:] {
			ga, gb := a.GridPos, b.GridPos
			if ga.X < gb.X+gb.W && gb.X < ga.X+ga.W && ga.Y < gb.Y+gb.H && gb.Y < ga.Y+ga.H {
				t.Errorf("panels %q and %q overlap", a.Title, b.Title)
			}
		}
	}
}

// TestLiveDashboardCoversTheWallboard keeps the panels the demo promises: queue
// observations, agents' routing status and presence (issue #12), conversations, and the
// connection's status.
func TestLiveDashboardCoversTheWallboard(t *testing.T) {
	d, ok := readDashboards(t)["genesys-contact-centre"]
	if !ok {
		t.Fatal("no dashboard with uid genesys-contact-centre (alert rules link to it)")
	}
	used := map[string]bool{}
	for _, p := range allPanels(d.Panels) {
		for _, raw := range p.Targets {
			if q, err := rawQuery(raw); err == nil {
				used[q.QueryType+":"+q.Topic+":"+strings.Join(q.Fields, ",")] = true
				used[q.QueryType+":"+q.Topic] = true
			}
		}
	}
	for _, want := range []string{
		"events:v2.analytics.queues.{id}.observations:oWaiting",
		"events:v2.analytics.queues.{id}.observations:oInteracting",
		"events:v2.analytics.queues.{id}.observations:oServiceLevel.ratio",
		"events:v2.users.{id}.routingStatus",
		"events:v2.users.{id}.presence:systemPresence",
		"events:v2.routing.queues.{id}.conversations",
		"status:",
	} {
		if !used[want] {
			t.Errorf("the live dashboard has no panel querying %s", want)
		}
	}
}
