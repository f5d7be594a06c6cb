package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxlive/genesyscloud-datasource/internal/logcapture"
	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// TestRealInstanceLifecycle builds an instance on the real auth, session and hub
// against an in-process simulator: health passes, metrics are registered under the
// data source uid, and Dispose unregisters them and stops every goroutine (goleak).
func TestRealInstanceLifecycle(t *testing.T) {
	sim := simulator.NewTestServer(t, simulator.Config{ClientID: "c", ClientSecret: "wire-secret"})
	reg := prometheus.NewRegistry()
	old := metricsRegistry
	metricsRegistry = reg
	defer func() { metricsRegistry = old }()

	in := backend.DataSourceInstanceSettings{UID: "wire", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "wire-secret"}}
	inst, err := NewDatasource(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	res, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusOk {
		t.Fatalf("health: %q", res.Message)
	}
	mfs, err := reg.Gather()
	if err != nil || len(mfs) == 0 {
		t.Fatalf("no metrics registered: %v", err)
	}
	if !strings.Contains(mfs[0].String(), "wire") {
		t.Errorf("metrics not labelled with the uid: %s", mfs[0])
	}
	d.Dispose()
	d.Dispose() // idempotent
	if mfs, _ := reg.Gather(); len(mfs) != 0 {
		t.Errorf("metrics still registered after Dispose: %d families", len(mfs))
	}
}

// TestCatalogRenewsATokenTheServiceRejects: the lookups behind /queues, /users and
// /topics get one fresh token after a 401 instead of failing until the dead token's
// expiry (hours away for a revoked one).
func TestCatalogRenewsATokenTheServiceRejects(t *testing.T) {
	sim := simulator.NewTestServer(t, simulator.Config{ClientID: "c", ClientSecret: "s"})
	src, err := auth.New(auth.Config{Mode: auth.ModeClientCredentials, LoginURL: sim.URL(), ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	api, err := genesys.New(sim.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cat := &tokenCatalog{src: src, api: api}
	ctx := context.Background()
	if _, err := cat.Queues(ctx, "", 1, 5); err != nil {
		t.Fatal(err)
	}
	sim.ExpireTokens() // the service no longer accepts the token the client still thinks valid
	page, err := cat.Queues(ctx, "", 1, 5)
	if err != nil {
		t.Fatalf("lookup after the token was rejected: %v", err)
	}
	if len(page.Entities) == 0 {
		t.Error("no queues after renewing the token")
	}
	if n := sim.Count("token"); n != 2 {
		t.Errorf("%d token requests, want 2 (one renewal after the 401)", n)
	}
}

// TestNameDirectoryFailureLogsNoSecret: when the names cannot be listed (here the
// secret is wrong), the instance says so in its log, and the log line carries neither
// the secret nor anything else from the settings' secure fields.
func TestNameDirectoryFailureLogsNoSecret(t *testing.T) {
	sim := simulator.NewTestServer(t, simulator.Config{ClientID: "c", ClientSecret: "the-right-secret"})
	logs := logcapture.New()
	old := log.DefaultLogger
	log.DefaultLogger = logs
	defer func() { log.DefaultLogger = old }()

	const wrong = "names-wrong-secret-9d1f"
	in := backend.DataSourceInstanceSettings{UID: "names", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": wrong}}
	inst, err := NewDatasource(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	defer d.Dispose()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !strings.Contains(logs.All(), "names could not be refreshed") {
		select {
		case <-ctx.Done():
			t.Fatalf("no warning about the names; log:\n%s", logs.All())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if strings.Contains(logs.All(), wrong) {
		t.Fatalf("the secret is in the log:\n%s", logs.All())
	}
	if name, ok := d.names.QueueName("any"); ok {
		t.Errorf("a name is known without a successful list: %q", name)
	}
}

// TestPickersAnswerFromHeldNamesDuringAnOutage: when Genesys cannot be reached, the
// /queues and /users resources (the query editor's pickers and the dashboards'
// variables) answer from the names the plugin already holds, say how old they are,
// and filter and page them as usual; once Genesys answers again they are live.
func TestPickersAnswerFromHeldNamesDuringAnOutage(t *testing.T) {
	sim := simulator.NewTestServer(t, simulator.Config{ClientID: "c", ClientSecret: "held-secret"})
	in := backend.DataSourceInstanceSettings{UID: "held", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "held-secret"}}
	inst, err := NewDatasource(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	defer d.Dispose()
	select {
	case <-d.names.Loaded():
	case <-time.After(10 * time.Second):
		t.Fatal("names never loaded")
	}
	get := func(path string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		d.res.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	queue := sim.Population().Queues[0]
	cancel := sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/", Status: 502})
	code, body := get("/queues?query=" + url.QueryEscape(queue.Name[:3]))
	if code != http.StatusOK || body["stale"] != true || !strings.Contains(fmt.Sprint(body["warning"]), "could not be reached") {
		t.Fatalf("queues during an outage: %d %v", code, body)
	}
	items, _ := body["items"].([]any)
	found := false
	for _, it := range items {
		if m := it.(map[string]any); m["id"] == queue.ID && m["name"] == queue.Name {
			found = true
		}
	}
	if !found {
		t.Errorf("queue %q not among the held names %v", queue.Name, items)
	}
	if code, body = get("/users?pageSize=5&page=2"); code != http.StatusOK || len(body["items"].([]any)) != 5 || body["total"].(float64) != float64(len(sim.Population().Agents)) {
		t.Errorf("users page 2 during an outage: %d %v", code, body)
	}
	if strings.Contains(fmt.Sprint(body), "held-secret") {
		t.Error("the secret is in a resource answer")
	}
	cancel()
	if code, body = get("/queues"); code != http.StatusOK || body["stale"] != nil {
		t.Errorf("queues once Genesys answers: %d %v", code, body)
	}
}

// TestNamesReadOnceTheServiceAnswersAgain: an instance started while Genesys could not
// be reached knows no queue name, and its directory backs off (a minute, doubling). Once
// a subscription is permitted again, the names are read within the directory's
// BackSpacing (10 s) instead of its backoff, so a wall screen started during an outage
// does not show queue ids for minutes after it ends.
func TestNamesReadOnceTheServiceAnswersAgain(t *testing.T) {
	sim := simulator.NewTestServer(t, simulator.Config{ClientID: "c", ClientSecret: "back-secret"})
	cancelQueues := sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/routing/queues", Status: 503})
	cancelUsers := sim.FailHTTP(simulator.HTTPFault{PathPrefix: "/api/v2/users", Status: 503})
	clock := clockwork.NewFakeClockAt(time.Now())
	in := backend.DataSourceInstanceSettings{UID: "back", JSONData: []byte(`{"region":"custom","baseUrl":"` + sim.URL() + `","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "back-secret"}}
	d := newDatasource(context.Background(), in, buildParts, clock)
	defer d.Dispose()
	select {
	case <-d.names.Loaded():
	case <-time.After(10 * time.Second):
		t.Fatal("the first names pass never ended")
	}
	queue := sim.Population().Queues[0]
	if _, ok := d.names.QueueName(queue.ID); ok {
		t.Fatal("a name is known although listing failed")
	}
	cancelQueues()
	cancelUsers()
	topic := "v2.routing.queues." + queue.ID + ".conversations"
	release := d.up.Acquire(topic)
	defer release()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if st, ok := d.hub.TopicStatus(topic); ok && st.State == "permitted" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never subscribed: %+v", d.up.Status())
		}
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the directory's loop takes the signal
	if _, ok := d.names.QueueName(queue.ID); ok {
		t.Fatal("names read before BackSpacing: the test would not show the signal")
	}
	clock.Advance(10 * time.Second) // the backoff alone would wait a minute
	for deadline := time.Now().Add(10 * time.Second); ; {
		if name, ok := d.names.QueueName(queue.ID); ok && name == queue.Name {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("queue names not read within BackSpacing of the service answering again")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
