package plugin

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/prometheus/client_golang/prometheus"
)

// registerer is what the manager needs to expose its metrics (*session.Manager).
type registerer interface {
	Register(reg prometheus.Registerer) (unregister func(), err error)
}

// metricsRegistry is where instance metrics go; the SDK serves the default registry
// to Grafana at /metrics/plugins/<id>. A variable so tests can use their own.
var metricsRegistry prometheus.Registerer = prometheus.DefaultRegisterer

// registerMetrics registers the manager's collector (labelled with the data source
// uid; a previous instance of the same data source is replaced) and returns the
// unregister for Dispose. A registration failure costs metrics, not the data source.
func registerMetrics(uid string, m registerer) func() {
	unregister, err := m.Register(metricsRegistry)
	if err != nil {
		log.DefaultLogger.Warn("Cannot register data source metrics", "datasource", uid, "error", err.Error())
		return func() {}
	}
	return unregister
}
