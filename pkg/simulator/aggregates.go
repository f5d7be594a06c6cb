package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// aggregateQuery is the part of ConversationAggregationQuery (platform SDKs) the simulator reads.
type aggregateQuery struct {
	Interval    string           `json:"interval"`
	Granularity string           `json:"granularity"`
	GroupBy     []string         `json:"groupBy"`
	Filter      *analyticsFilter `json:"filter"`
	Metrics     []string         `json:"metrics"`
}

// conversationAggregateMetrics are ConversationAggregationQuery.metrics of the platform SDKs
// (platform-client-v2 244): anything else is refused with 400. The simulator has data for
// nOffered, tAbandon, tAnswered, tHandle and tWait; the others answer no data, as the service
// does for a metric nothing produced.
var conversationAggregateMetrics = strings.Fields(`nBlindTransferred nBotInteractions nCobrowseSessions
	nConnected nConsult nConsultTransferred nConversations nError nOffered nOutbound nOutboundAbandoned
	nOutboundAttempted nOutboundConnected nOverSla nStateTransitionError nTransferred oAudioMessageCount
	oExternalAudioMessageCount oExternalMediaCount oMediaCount oMessageCount oMessageSegmentCount
	oMessageTurn oServiceLevel oServiceTarget tAbandon tAcd tActiveCallback tActiveCallbackComplete tAcw
	tAgentResponseTime tAgentVideoConnected tAlert tAnswered tAverageAgentResponseTime
	tAverageCustomerResponseTime tBarging tCoaching tCoachingComplete tConnected tContacting tDialing
	tFirstConnect tFirstDial tFirstEngagement tFirstResponse tFlowOut tHandle tHeld tHeldComplete tIvr
	tMonitoring tMonitoringComplete tNotResponding tPark tParkComplete tScreenMonitoring tShortAbandon
	tSnippetRecord tTalk tTalkComplete tUserResponseTime tVoicemail tWait`)

// aggregateGroupBy are the groupBy dimensions the simulator can group by.
var aggregateGroupBy = []string{"queueId", "mediaType"}

// parseInterval reads an ISO-8601 "<start>/<end>" interval (offset optional; UTC without one).
func parseInterval(v string) (from, to time.Time, ok bool) {
	a, b, found := strings.Cut(v, "/")
	if !found {
		return from, to, false
	}
	parse := func(s string) (time.Time, bool) {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), true
			}
		}
		return time.Time{}, false
	}
	from, okA := parse(a)
	to, okB := parse(b)
	return from, to, okA && okB && to.After(from)
}

// handleConversationAggregates serves POST /api/v2/analytics/conversations/aggregates/query
// for the queues' interval totals. The simulator keeps only the current 30-minute interval:
// a query interval that covers it from its start to now gets its totals (nothing earlier
// exists), any other interval gets no data. Metrics with a zero count and groups without
// metrics are left out, as the service leaves out what nothing produced.
func (s *Server) handleConversationAggregates(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	fail := func(msg string) {
		s.record(Record{Kind: "conversation_aggregates", Token: t.hash, Status: 400, Detail: msg})
		s.writeError(w, 400, "bad.request", msg)
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var q aggregateQuery
	if err := json.Unmarshal(body, &q); err != nil {
		fail(`the body must be a ConversationAggregationQuery, e.g. {"interval":"2026-01-01T09:00:00.000Z/2026-01-01T09:30:00.000Z","groupBy":["queueId","mediaType"],"filter":{"type":"or","predicates":[{"dimension":"queueId","value":"<id>"}]},"metrics":["nOffered"]}`)
		return
	}
	qFrom, qTo, ok := parseInterval(q.Interval)
	if !ok {
		fail("interval " + strconv.Quote(q.Interval) + " is not a valid ISO-8601 interval <start>/<end> with the end after the start")
		return
	}
	if len(q.Metrics) == 0 {
		fail("metrics is required: name the metrics to retrieve, e.g. nOffered, tAnswered")
		return
	}
	if bad := badMetric(q.Metrics, conversationAggregateMetrics); bad != "" {
		fail("metric " + bad + " is not a conversation aggregate metric")
		return
	}
	for _, g := range q.GroupBy {
		if !inFilter(aggregateGroupBy, g) {
			fail("groupBy " + strconv.Quote(g) + " is not supported by the simulator; group by queueId and mediaType")
			return
		}
	}
	sel, queues, msg := selection(q.Filter)
	if msg != "" {
		fail(msg)
		return
	}
	if queues == 0 {
		for _, qu := range s.pop.Queues {
			sel.QueueIDs = append(sel.QueueIDs, qu.ID)
		}
		queues = len(sel.QueueIDs)
	}
	results := []map[string]any{}
	from, _, aggs := s.model.Aggregates(sel)
	if !qFrom.After(from) && !qTo.Before(s.model.Now()) {
		results = groupAggregates(aggs, q.GroupBy, q.Metrics, isoTime(qFrom)+"/"+isoTime(qTo))
	}
	s.record(Record{Kind: "conversation_aggregates", Token: t.hash, Status: 200, Detail: strconv.Itoa(queues) + " queues"})
	writeJSON(w, 200, map[string]any{"results": results})
}

// groupAggregates merges the queues' metrics into one result per groupBy key (in first-seen
// order), keeping only the asked metrics that have a count.
func groupAggregates(aggs []generator.QueueAggregate, groupBy, metrics []string, interval string) []map[string]any {
	type group struct {
		key     map[string]string
		metrics map[string]map[string]any
	}
	var order []string
	groups := map[string]*group{}
	for _, a := range aggs {
		key := map[string]string{}
		var id strings.Builder
		for _, g := range groupBy {
			v := a.QueueID
			if g == "mediaType" {
				v = a.MediaType
			}
			key[g] = v
			id.WriteString(g + "=" + v + ";")
		}
		gr := groups[id.String()]
		if gr == nil {
			gr = &group{key: key, metrics: map[string]map[string]any{}}
			groups[id.String()] = gr
			order = append(order, id.String())
		}
		for _, m := range a.Metrics {
			c, _ := m.Stats["count"].(int)
			if d, ok := m.Stats["denominator"].(int); ok { // a ratio (oServiceLevel): counts its denominator
				c = d
			}
			if c == 0 || !inFilter(metrics, m.Metric) {
				continue
			}
			gr.metrics[m.Metric] = mergeStats(gr.metrics[m.Metric], m.Stats)
		}
	}
	out := []map[string]any{}
	for _, id := range order {
		gr := groups[id]
		var ms []map[string]any
		for _, name := range metrics { // in the order asked
			if st := gr.metrics[name]; st != nil {
				ms = append(ms, map[string]any{"metric": name, "stats": st})
				delete(gr.metrics, name) // a metric named twice is answered once
			}
		}
		if len(ms) > 0 {
			out = append(out, map[string]any{"group": gr.key, "data": []any{map[string]any{"interval": interval, "metrics": ms}}})
		}
	}
	return out
}

// mergeStats adds b (count, and sum/min/max when present) into a copy of a.
func mergeStats(a, b map[string]any) map[string]any {
	if a == nil {
		out := make(map[string]any, len(b))
		for k, v := range b {
			out[k] = v
		}
		return out
	}
	if _, ok := b["denominator"]; ok { // a ratio: add its parts
		a["numerator"] = a["numerator"].(int) + b["numerator"].(int)
		a["denominator"] = a["denominator"].(int) + b["denominator"].(int)
		a["ratio"] = float64(a["numerator"].(int)) / float64(a["denominator"].(int))
		return a
	}
	a["count"] = a["count"].(int) + b["count"].(int)
	if _, ok := b["sum"]; ok {
		a["sum"] = a["sum"].(int64) + b["sum"].(int64)
		a["min"] = min(a["min"].(int64), b["min"].(int64))
		a["max"] = max(a["max"].(int64), b["max"].(int64))
	}
	return a
}
