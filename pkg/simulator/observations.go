package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// observationQuery is QueueObservationQuery of the platform SDKs.
type observationQuery struct {
	Filter        *analyticsFilter `json:"filter"`
	Metrics       []string         `json:"metrics"`
	DetailMetrics []string         `json:"detailMetrics"`
}

// handleObservationsQuery serves POST /api/v2/analytics/queues/observations/query: the
// named o* metrics (required; QueueObservationQuery.metrics) of the queues the filter names,
// one result per queue and media type, with the values the queue's observation notification
// carries at this moment.
func (s *Server) handleObservationsQuery(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	fail := func(msg string) {
		s.record(Record{Kind: "observations_query", Token: t.hash, Status: 400, Detail: msg})
		s.writeError(w, 400, "bad.request", msg)
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var q observationQuery
	if err := json.Unmarshal(body, &q); err != nil || q.Filter == nil {
		fail(`the body needs a filter and metrics, e.g. {"filter":{"type":"or","predicates":[{"dimension":"queueId","value":"<id>"}]},"metrics":["oWaiting"]}`)
		return
	}
	if len(q.Metrics) == 0 {
		fail("metrics is required: name the observation metrics to retrieve (" + strings.Join(generator.QueueObservationMetrics, ", ") + ")")
		return
	}
	for _, list := range [][]string{q.Metrics, q.DetailMetrics} {
		if bad := badMetric(list, generator.QueueObservationMetrics); bad != "" {
			fail("metric " + bad + " is not a queue observation metric; valid metrics are " + strings.Join(generator.QueueObservationMetrics, ", "))
			return
		}
	}
	sel, queues, msg := selection(q.Filter)
	if msg == "" && queues == 0 {
		msg = "the filter must name at least one queueId"
	}
	if msg != "" {
		fail(msg)
		return
	}
	out := map[string]any{"results": s.model.Observations(sel, q.Metrics)}
	if inFilter(q.Metrics, "oUserPresences") {
		out["systemToOrganizationMappings"] = generator.SystemToOrganizationMappings()
	}
	s.record(Record{Kind: "observations_query", Token: t.hash, Status: 200, Detail: strconv.Itoa(queues) + " queues"})
	writeJSON(w, 200, out)
}

// Population is the simulated organisation's queues and agents (ids for topics).
func (s *Server) Population() generator.Population { return s.pop }
