package provisioning

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// topicInfo is one entry of the simulator's /api/v2/notifications/availabletopics.
type topicInfo struct {
	ID                  string   `json:"id"`
	Transports          []string `json:"transports"`
	TopicParameters     []string `json:"topicParameters"`
	RequiresPermissions []string `json:"requiresPermissions"`
}

// simulated is the demo's simulator as docker-compose.yaml starts it.
type simulated struct {
	pop    generator.Population
	topics map[string]topicInfo // socket-capable topics by template
	fields map[string][]string  // by template: frame field names of its sample events (pkg/frames)
}

// startSimulator runs the simulator in-process with the organisation flags of the compose
// file (seed, queues, agents), reads its topic catalogue over HTTP as the plugin does and
// collects the field names pkg/frames gives a sample of its events.
// The result depends only on the flags, and building it (a simulator, 3000 events through
// pkg/frames) is the slow part of these tests, so each test process does it once.
var (
	simMu    sync.Mutex
	simCache = map[simFlags]simulated{}
)

func startSimulator(t *testing.T, f simFlags) simulated {
	t.Helper()
	simMu.Lock()
	defer simMu.Unlock()
	if s, ok := simCache[f]; ok {
		return s
	}
	sim := simulator.New(simulator.Config{Seed: f.seed, Queues: f.queues, Agents: f.agents,
		ClientID: f.clientID, ClientSecret: f.clientSecret})
	defer sim.Close()
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}

	token := simToken(t, client, srv.URL, f)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+
		"/api/v2/notifications/availabletopics?expand=transports,topicParameters,requiresPermissions", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	var cat struct {
		Entities []topicInfo `json:"entities"`
	}
	getJSON(t, client, req, &cat)

	s := simulated{pop: sim.Population(), topics: map[string]topicInfo{}, fields: map[string][]string{}}
	for _, e := range cat.Entities {
		if slices.Contains(e.Transports, "All") || slices.Contains(e.Transports, "Websocket") {
			s.topics[e.ID] = e
		}
	}
	if len(s.topics) == 0 {
		t.Fatal("the simulator offers no socket topics")
	}
	// the fields the plugin's frames (pkg/frames) give the simulator's events, by template
	model := generator.NewModel(s.pop, f.seed, generator.Config{}, time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	byTopic := map[string][]event.Event{}
	for _, ev := range model.Sample(3000) {
		body, err := json.Marshal(ev.Body)
		if err != nil {
			t.Fatal(err)
		}
		byTopic[ev.Topic] = append(byTopic[ev.Topic], event.Event{Topic: ev.Topic, Body: body, Received: time.Now()})
	}
	seen := map[string]map[string]bool{}
	for topic, events := range byTopic {
		tmpl := s.templateOf(topic)
		if tmpl == "" {
			continue
		}
		frame, err := frames.Build(topic, events, frames.Options{})
		if err != nil {
			t.Fatalf("pkg/frames cannot build %s from the simulator's events: %v", topic, err)
		}
		if seen[tmpl] == nil {
			seen[tmpl] = map[string]bool{}
		}
		for _, fld := range frame.Fields {
			if fld.Name != "time" {
				seen[tmpl][fld.Name] = true
			}
		}
	}
	for tmpl, set := range seen {
		for p := range set {
			s.fields[tmpl] = append(s.fields[tmpl], p)
		}
		sort.Strings(s.fields[tmpl])
	}
	simCache[f] = s
	return s
}

func (s simulated) templateOf(topic string) string {
	return queryRules{topics: s.topics}.templateOf(topic)
}

// simToken gets an access token from the simulator at base with f's credentials.
func simToken(t *testing.T, c *http.Client, base string, f simFlags) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(f.clientID, f.clientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	getJSON(t, c, req, &tok)
	return tok.AccessToken
}

func getJSON(t *testing.T, c *http.Client, req *http.Request, v any) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
}

// simFlags are the simulator settings the demo depends on, read from docker-compose.yaml.
type simFlags struct {
	addr                   string
	clientID, clientSecret string
	seed                   int64
	queues, agents         int
	rate                   float64 // conversations a second (-rate)
}

func (f simFlags) String() string {
	return fmt.Sprintf("seed %d, %d queues, %d agents, rate %g/s", f.seed, f.queues, f.agents, f.rate)
}
