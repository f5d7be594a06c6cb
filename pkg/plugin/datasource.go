// Package plugin is the Grafana-facing side of the data source: settings, instance
// lifecycle, QueryData, live streams, health, resources and metrics. Everything
// upstream (session, hub, frames, REST) sits behind the interfaces in deps.go.
package plugin

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"
)

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ backend.StreamHandler         = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// parts is what one configured instance runs on.
type parts struct {
	up      upstream
	hub     store
	frames  framer
	catalog catalog
	names   nameSource // nil in tests on fakes: frames carry ids only
	refill  refiller   // nil in tests on fakes: no current-state refill
	stop    func()     // closes what the parts own beyond up (metrics registration, hub)
}

// Datasource is one data source instance. With invalid settings it still exists and
// answers every call with the settings error (so CheckHealth can say what to fix).
type Datasource struct {
	uid      string
	started  time.Time // when this instance began receiving: nothing older can be in its history
	settings Settings
	cfgErr   error
	parts
	clock   clockwork.Clock
	log     log.Logger
	leases  *leases
	queries *queryCache
	res     http.Handler
	once    sync.Once
	done    chan struct{} // closed by Dispose: running streams end and Grafana restarts them on the new instance

	topicsMu    sync.Mutex
	topicsCache topicCache
}

// builder makes the parts for valid settings; swapped in tests.
type builder func(ctx context.Context, uid string, s Settings, clock clockwork.Clock) (parts, error)

// NewDatasource is the instancemgmt factory used by datasource.Manage.
func NewDatasource(ctx context.Context, in backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	return newDatasource(ctx, in, buildParts, clockwork.NewRealClock()), nil
}

func newDatasource(ctx context.Context, in backend.DataSourceInstanceSettings, build builder, clock clockwork.Clock) *Datasource {
	d := &Datasource{uid: in.UID, clock: clock, started: clock.Now(), done: make(chan struct{}), log: log.DefaultLogger.With("datasource", in.UID)}
	d.queries = newQueryCache(512, newQueryStore(in.UID))
	if stored, err := d.queries.store.load(); err != nil {
		d.log.Warn("Stream queries of an earlier plugin process unreadable: open panels resume once re-queried", "error", err.Error())
	} else {
		d.queries.seed(stored)
	}
	d.settings, d.cfgErr = LoadSettings(in)
	if d.cfgErr == nil {
		p, err := build(ctx, in.UID, d.settings, clock)
		if err != nil {
			d.cfgErr = err
		} else {
			d.parts = p
		}
	}
	if d.cfgErr != nil {
		// Never log the settings themselves; the error names the field.
		d.log.Warn("Data source settings unusable", "error", d.cfgErr.Error())
	}
	if d.up != nil {
		d.leases = newLeases(d.up, clock)
	}
	d.res = d.resourceHandler()
	return d
}

// Dispose stops the instance's goroutines and connections (settings changed or deleted).
func (d *Datasource) Dispose() {
	d.once.Do(func() {
		close(d.done)
		if d.leases != nil {
			d.leases.Close()
		}
		if d.up != nil {
			d.up.Close()
		}
		if d.stop != nil {
			d.stop()
		}
	})
}

// ready reports whether the instance can reach upstream, or the error saying why not.
func (d *Datasource) ready() error {
	if d.cfgErr != nil {
		return d.cfgErr
	}
	return nil
}
