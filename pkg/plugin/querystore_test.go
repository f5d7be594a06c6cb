package plugin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/live"
	"github.com/jonboulle/clockwork"
)

func subscribeStatus(t *testing.T, d *Datasource, path string, org int64) backend.SubscribeStreamStatus {
	t.Helper()
	resp, err := d.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path,
		PluginContext: backend.PluginContext{OrgID: org, DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: d.uid}}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Status
}

// A plugin process Grafana restarted gets RunStream for the channels viewers are still
// subscribed to, with only their paths (found by the HA run of issue #23: without the
// stored queries a killed plugin's panels stayed frozen until someone re-ran the query).
func TestStreamQueriesSurviveAProcessRestart(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	first, _, _ := testDS(clock)
	res := runQuery(t, first, `{"topic":"v2.analytics.queues.{id}.observations","ids":["q1","q2"],"fields":["oWaiting"]}`, clock.Now().Add(-time.Hour), clock.Now(), false)
	if res.Error != nil || len(res.Frames) != 2 {
		t.Fatalf("query: %v, %d frames", res.Error, len(res.Frames))
	}
	var paths []string
	for _, f := range res.Frames {
		ch, err := live.ParseChannel(f.Meta.Channel)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, ch.Path)
	}
	first.Dispose() // the process ends; its memory is gone

	restarted, _, _ := testDS(clock)
	defer restarted.Dispose()
	for _, p := range paths {
		if got := subscribeStatus(t, restarted, p, 1); got != backend.SubscribeStreamStatusOK {
			t.Errorf("after a restart, %s: status %v, want OK", p, got)
		}
		if got := subscribeStatus(t, restarted, p, 2); got != backend.SubscribeStreamStatusPermissionDenied {
			t.Errorf("after a restart, %s from another org: status %v, want permission denied", p, got)
		}
	}
	if got := subscribeStatus(t, restarted, "q/0123456789abcdef0123", 1); got != backend.SubscribeStreamStatusNotFound {
		t.Errorf("a path never queried: %v, want not found", got)
	}
	// the file is per data source
	in := backend.DataSourceInstanceSettings{UID: "ds2", JSONData: []byte(`{"clientId":"c"}`), DecryptedSecureJSONData: map[string]string{"clientSecret": "s"}}
	other := newDatasource(context.Background(), in, func(context.Context, string, Settings, clockwork.Clock) (parts, error) {
		return parts{up: newFakeUp(), hub: newFakeHub(), frames: fakeFrames{}, catalog: fakeCatalog{}}, nil
	}, clock)
	defer other.Dispose()
	if got := subscribeStatus(t, other, paths[0], 1); got != backend.SubscribeStreamStatusNotFound {
		t.Errorf("another data source serves ds1's path: %v", got)
	}
}

func TestUnreadableStreamQueryFileIsNotFatal(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	store := newQueryStore("ds1")
	if err := os.MkdirAll(filepath.Dir(store.path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(store.path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.load(); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("load of a corrupt file: %v", err)
	}
	d, _, _ := testDS(clockwork.NewFakeClock()) // starts, with no stored queries
	defer d.Dispose()
	res := runQuery(t, d, `{"topic":"v2.users.u1.presence"}`, time.Now().Add(-time.Minute), time.Now(), false)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	if qs, err := store.load(); err != nil || len(qs) != 1 {
		t.Fatalf("the next query rewrites the file: %v, %d queries", err, len(qs))
	}
	if st, err := os.Stat(store.path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v (%v): want 0600", st.Mode().Perm(), err)
	}
}
