package genesys

import (
	"context"
	"net/http"
)

// The analytics queries a refill of current state uses: queue observations (the o*
// metrics as they are now) and conversation aggregates (the t*/n* totals of an
// interval). Both take at most MaxPredicates predicates per query.

// MaxPredicates is the analytics queries' limit on filter predicates per query.
const MaxPredicates = 100

// ObservationQueryMetrics are the metrics the observations query accepts
// (QueueObservationQuery.metrics of the platform SDKs); the notifications carry more
// (oLongestWaiting, oServiceLevel), which only a notification can give.
var ObservationQueryMetrics = []string{"oActiveUsers", "oAlerting", "oInteracting", "oMemberUsers",
	"oOffQueueUsers", "oOnQueueUsers", "oUserPresences", "oUserRoutingStatuses", "oWaiting"}

// Predicate is one analytics filter predicate ("queueId" matches value).
type Predicate struct {
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
}

// Filter is an analytics filter; the refill uses one "or" over queueId predicates.
type Filter struct {
	Type       string      `json:"type"`
	Predicates []Predicate `json:"predicates"`
}

// QueueFilter is "queueId is one of ids".
func QueueFilter(ids []string) Filter {
	f := Filter{Type: "or", Predicates: make([]Predicate, len(ids))}
	for i, id := range ids {
		f.Predicates[i] = Predicate{Dimension: "queueId", Value: id}
	}
	return f
}

// MetricValue is one metric of a result: its qualifier (a presence definition id, a
// routing status, a media type...) and its stats (count, sum, min, max, ratio...).
type MetricValue struct {
	Metric    string             `json:"metric"`
	Qualifier string             `json:"qualifier,omitempty"`
	Stats     map[string]float64 `json:"stats"`
}

// ObservationResult is the current observations of one group (queueId, mediaType).
type ObservationResult struct {
	Group map[string]string `json:"group"`
	Data  []MetricValue     `json:"data"`
}

// QueueObservations asks for the current value of metrics on the queues ids
// (POST /api/v2/analytics/queues/observations/query). len(ids) ≤ MaxPredicates.
func (c *Client) QueueObservations(ctx context.Context, token string, ids, metrics []string) ([]ObservationResult, error) {
	in := struct {
		Filter  Filter   `json:"filter"`
		Metrics []string `json:"metrics"`
	}{QueueFilter(ids), metrics}
	var out struct {
		Results []ObservationResult `json:"results"`
	}
	err := c.do(ctx, "query queue observations", http.MethodPost, "/api/v2/analytics/queues/observations/query", token, in, &out)
	return out.Results, err
}

// AggregateData is one interval of an aggregate result.
type AggregateData struct {
	Interval string        `json:"interval"`
	Metrics  []MetricValue `json:"metrics"`
}

// AggregateResult is the totals of one group (queueId, mediaType).
type AggregateResult struct {
	Group map[string]string `json:"group"`
	Data  []AggregateData   `json:"data"`
}

// QueueAggregates asks for the conversation totals of metrics over interval
// ("<start>/<end>", ISO-8601) on the queues ids, grouped by queue and media type
// (POST /api/v2/analytics/conversations/aggregates/query). len(ids) ≤ MaxPredicates.
// Groups and metrics with nothing to count are left out of the answer.
func (c *Client) QueueAggregates(ctx context.Context, token, interval string, ids, metrics []string) ([]AggregateResult, error) {
	in := struct {
		Interval string   `json:"interval"`
		GroupBy  []string `json:"groupBy"`
		Filter   Filter   `json:"filter"`
		Metrics  []string `json:"metrics"`
	}{interval, []string{"queueId", "mediaType"}, QueueFilter(ids), metrics}
	var out struct {
		Results []AggregateResult `json:"results"`
	}
	err := c.do(ctx, "query conversation aggregates", http.MethodPost, "/api/v2/analytics/conversations/aggregates/query", token, in, &out)
	return out.Results, err
}
