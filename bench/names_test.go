package bench

import (
	"net/http"
	"testing"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/names"
	"github.com/cxlive/genesyscloud-datasource/pkg/plugin"
	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

// namer is what pkg/plugin's streams label frames with (*names.Directory).
type namer interface {
	QueueName(id string) (string, bool)
	UserName(id string) (string, bool)
}

// simNames is a name directory loaded from sim through the plugin's own lister, as a
// data source's would be. It fails the benchmark unless it names the queues and users of
// topics, so the labels really are added in what is measured.
func simNames(tb testing.TB, sim *simulator.Server, topics []string) *names.Directory {
	tb.Helper()
	hc := &http.Client{Timeout: 10 * time.Second}
	src, err := auth.New(auth.Config{ClientID: "sim-client", ClientSecret: "sim-secret", LoginURL: sim.URL(), HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	api, err := genesys.New(sim.URL(), hc)
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := names.New(names.Config{List: plugin.NameLister(src, api), MaxEntries: 100000})
	if err != nil {
		tb.Fatal(err)
	}
	dir.Start()
	tb.Cleanup(dir.Close)
	select {
	case <-dir.Loaded():
	case <-time.After(30 * time.Second):
		tb.Fatal("name directory not loaded after 30 s")
	}
	var named, ids int
	for _, t := range topics {
		_, labels := frames.Detect(t)
		if id, ok := labels["queueId"]; ok {
			ids++
			if _, ok := dir.QueueName(id); ok {
				named++
			}
		}
		if id, ok := labels["userId"]; ok {
			ids++
			if _, ok := dir.UserName(id); ok {
				named++
			}
		}
	}
	if ids == 0 || named < ids {
		tb.Fatalf("the directory names %d of the %d queue and user ids of the sampled topics", named, ids)
	}
	return dir
}
