package session

import (
	"errors"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// collector exposes a Manager's counters and state as Prometheus metrics, labelled
// with the data source uid so several managers can share one registry.
type collector struct {
	m      *Manager
	descs  map[string]*prometheus.Desc
	state  *prometheus.Desc
	gaps   *prometheus.Desc
	labels prometheus.Labels
}

var counterHelp = map[string]string{
	"events_total":           "Notification events delivered.",
	"bytes_total":            "Bytes of notification messages received.",
	"duplicates_total":       "Events dropped as duplicates (same topic and correlation id).",
	"malformed_total":        "Messages that were not valid notification JSON, skipped.",
	"oversized_total":        "Messages larger than the limit, skipped.",
	"reconnects_total":       "Sockets reopened on an existing channel.",
	"channels_created_total": "Notification channels created.",
	"subscribes_total":       "Subscription PUTs sent.",
	"failures_total":         "Failed connection attempts.",
	"auth_failures_total":    "Connection attempts failed on authentication.",
	"gaps_total":             "Gaps opened (topics that may have missed events).",
	"pings_total":            "Watchdog pings sent to silent sockets.",
	"token_refreshes_total":  "Access tokens fetched.",
	"rejected_topics_total":  "Topics rejected (permissions, invalid or channel budget).",
}

func (m *Manager) counterValues() map[string]int64 {
	c := m.counters()
	return map[string]int64{
		"events_total": c.Events, "bytes_total": c.Bytes, "duplicates_total": c.Duplicates,
		"malformed_total": c.Malformed, "oversized_total": c.Oversized, "reconnects_total": c.Reconnects,
		"channels_created_total": c.ChannelsCreated, "subscribes_total": c.Subscribes, "failures_total": c.Failures,
		"auth_failures_total": c.AuthFailures, "gaps_total": c.Gaps, "pings_total": c.Pings,
		"token_refreshes_total": c.TokenFetches, "rejected_topics_total": c.RejectedTopics,
	}
}

// Collector returns a Prometheus collector of this manager's metrics
// (genesys_notifications_*{datasource="<Name>"}).
func (m *Manager) Collector() prometheus.Collector {
	l := prometheus.Labels{"datasource": m.cfg.Name}
	c := &collector{m: m, descs: map[string]*prometheus.Desc{}, labels: l}
	for name, help := range counterHelp {
		c.descs[name] = prometheus.NewDesc("genesys_notifications_"+name, help, nil, l)
	}
	c.state = prometheus.NewDesc("genesys_notifications_connected", "1 when the session is connected, else 0.", nil, l)
	c.gaps = prometheus.NewDesc("genesys_notifications_open_gaps", "Topics with an open gap.", nil, l)
	return c
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
	ch <- c.state
	ch <- c.gaps
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	for name, v := range c.m.counterValues() {
		ch <- prometheus.MustNewConstMetric(c.descs[name], prometheus.CounterValue, float64(v))
	}
	st := c.m.Status()
	connected := 0.0
	if st.Connected() {
		connected = 1
	}
	ch <- prometheus.MustNewConstMetric(c.state, prometheus.GaugeValue, connected)
	ch <- prometheus.MustNewConstMetric(c.gaps, prometheus.GaugeValue, float64(st.OpenGaps))
}

// Register adds the manager's collector to reg (nil = do nothing). A manager with the
// same Name already registered (the previous instance of a data source whose settings
// changed) is replaced. unregister removes this manager's collector only.
func (m *Manager) Register(reg prometheus.Registerer) (unregister func(), err error) {
	if reg == nil {
		return func() {}, nil
	}
	c := m.Collector()
	key := ownerKey{reg, m.cfg.Name}
	owners.Lock()
	defer owners.Unlock()
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return func() {}, err
		}
		reg.Unregister(are.ExistingCollector)
		if err := reg.Register(c); err != nil {
			return func() {}, err
		}
	}
	owners.m[key] = c
	return func() {
		owners.Lock()
		defer owners.Unlock()
		// Unregister goes by descriptor, which a replacement shares: remove only our own.
		if owners.m[key] == c {
			reg.Unregister(c)
			delete(owners.m, key)
		}
	}, nil
}

type ownerKey struct {
	reg  prometheus.Registerer
	name string
}

// owners remembers which manager's collector is registered per registry and name.
var owners = struct {
	sync.Mutex
	m map[ownerKey]prometheus.Collector
}{m: map[ownerKey]prometheus.Collector{}}
