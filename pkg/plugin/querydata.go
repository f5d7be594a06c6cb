package plugin

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/live"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// dashboardLease keeps a dashboard query's topics subscribed between its QueryData and
// the RunStream that follows (and a little after), so history starts filling at once.
const dashboardLease = 2 * time.Minute

// alertNameWait bounds how long an alert query waits for the first pass of queue and
// user names. Alert instances are told apart by their labels: an evaluation answered
// with the id fallback and the next with the name would be two instances, the first
// going stale. Dashboards do not wait: their next stream packet carries the names.
const alertNameWait = 5 * time.Second

// QueryData answers each query from the hub's history for its time range.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	fromAlert := req.GetHTTPHeader(backend.FromAlertHeaderName) == "true" || req.Headers[backend.FromAlertHeaderName] == "true"
	if fromAlert {
		d.awaitNames(ctx)
	}
	for _, dq := range req.Queries {
		resp.Responses[dq.RefID] = d.query(ctx, dq, req.PluginContext.OrgID, fromAlert)
	}
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, dq backend.DataQuery, orgID int64, fromAlert bool) backend.DataResponse {
	if err := d.ready(); err != nil {
		return userError(d.scrub(err.Error()))
	}
	q, err := ParseQuery(dq.JSON)
	if err != nil {
		return userError(err.Error())
	}
	if dq.QueryType != "" && q.QueryType == typeEvents && dq.QueryType != typeEvents {
		q.QueryType = dq.QueryType
		if err := q.normalise(); err != nil {
			return userError(err.Error())
		}
	}
	q.RefID = dq.RefID
	if q.QueryType == typeStatus {
		st := d.up.Status()
		st.Reason = d.scrub(st.Reason)
		return backend.DataResponse{Frames: data.Frames{statusFrame(st, d.clock.Now(), q.Fields)}}
	}
	topics := q.Topics()
	hold := dashboardLease
	if fromAlert {
		hold = d.settings.KeepAlive()
	}
	if !d.leases.Renew(q.Key(), topics, hold) {
		return backend.ErrDataResponse(backend.StatusTooManyRequests, "too many distinct queries are being kept subscribed; reduce the number of alert rules or topics")
	}
	state, reason := d.up.State()
	from, to := dq.TimeRange.From, dq.TimeRange.To
	if fromAlert {
		issued := d.clock.Now()
		d.awaitRefill(ctx, topics)
		if !to.Before(issued.Add(-time.Second)) {
			to = d.clock.Now() // a range ending "now" includes what the wait brought in
		}
	}
	var frames data.Frames
	for _, part := range q.PerTopic() {
		topic := part.Topics()[0]
		f, err := d.topicFrame(q, topic, from, to)
		if err != nil {
			return backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("building the frame for %s: %s", topic, err))
		}
		f.RefID = dq.RefID
		if f.Meta == nil {
			f.Meta = &data.FrameMeta{}
		}
		f.Meta.Notices = append(f.Meta.Notices, d.notices(topic, from, to)...)
		f.Meta.Notices = append(f.Meta.Notices, d.refillNotices(topic, to)...)
		f.Meta.Notices = append(f.Meta.Notices, d.connectionNotices(state, reason)...)
		if q.Format != formatLatest {
			f.Meta.Notices = append(f.Meta.Notices, d.historyNotices(from)...)
		}
		if !fromAlert {
			// Alert rules read once and never stream; dashboards stream each topic on its own channel.
			d.rememberStream(part, orgID)
			f.Meta.Channel = live.Channel{Scope: live.ScopeDatasource, Namespace: d.uid, Path: part.Path()}.String()
		}
		frames = append(frames, f)
	}
	if fromAlert {
		frames = alertFrames(frames, dq.RefID)
	}
	return backend.DataResponse{Frames: frames}
}

// awaitNames returns when the first pass of names has ended, ctx ends or
// alertNameWait has passed, whichever comes first.
func (d *Datasource) awaitNames(ctx context.Context) {
	if d.names == nil {
		return
	}
	select {
	case <-d.names.Loaded():
	case <-ctx.Done():
	case <-d.clock.After(alertNameWait):
	}
}

// userError is a query or settings mistake: the user's to fix, not a plugin fault.
func userError(msg string) backend.DataResponse {
	return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
}

// topicFrame builds one topic's frame: its events in range, or its latest value.
func (d *Datasource) topicFrame(q Query, topic string, from, to time.Time) (*data.Frame, error) {
	if q.Format == formatLatest {
		return d.frames.Latest(topic, d.latestEvents(topic, to), q.Fields)
	}
	f, err := d.frames.Build(topic, d.hub.History(topic, from, to), q.Fields)
	breakAtGaps(f, topic, d.hub.Gaps(topic, from, to))
	return f, err
}

// latestEvents are the events Latest folds into the state at t: the last one before t
// and, for families whose bodies are partial, those in frames.LatestSpan before it
// (nil when the topic has none yet).
func (d *Datasource) latestEvents(topic string, t time.Time) []event.Event {
	last, ok := d.hub.LastBefore(topic, t.Add(time.Nanosecond)) // at t included, as History includes it
	if !ok {
		return nil
	}
	span := frames.LatestSpan(topic)
	if span == 0 {
		return []event.Event{last}
	}
	evs := d.hub.History(topic, last.Received.Add(-span), last.Received)
	if len(evs) == 0 || !evs[len(evs)-1].Received.Equal(last.Received) {
		evs = append(evs, last)
	}
	return evs
}

// historyNotices say where the plugin's history begins when the range starts before it:
// Genesys never replays, so a graph over the last hour right after a start is mostly
// empty because nothing was watched, not because nothing happened.
func (d *Datasource) historyNotices(from time.Time) []data.Notice {
	begins := d.started
	if kept := d.clock.Now().Add(-d.settings.History()); d.settings.History() > 0 && kept.After(begins) {
		begins = kept
	}
	if !from.Before(begins.Add(-time.Second)) {
		return nil
	}
	why := "when this data source started: Genesys Cloud does not replay earlier events"
	if !begins.Equal(d.started) {
		why = fmt.Sprintf("the plugin keeps %s of history (historyMinutes)", d.settings.History())
	}
	return []data.Notice{{Severity: data.NoticeSeverityInfo,
		Text: fmt.Sprintf("history begins at %s, %s", begins.UTC().Format(time.RFC3339), why)}}
}

// connectionNotices say why a panel may be empty or stale: the session is not
// connected (credentials refused, Genesys unreachable, reconnecting), in its words.
func (d *Datasource) connectionNotices(state, reason string) []data.Notice {
	if state == session.StateConnected {
		return nil
	}
	return []data.Notice{{Severity: data.NoticeSeverityError,
		Text: d.scrub(fmt.Sprintf("not connected to Genesys Cloud (%s): %s", state, reason))}}
}

// notices tell the user about gaps in the range, topics the service rejected and
// events left out for a malformed body since the data source started (the last one in
// the range).
func (d *Datasource) notices(topic string, from, to time.Time) []data.Notice {
	var out []data.Notice
	for _, g := range d.hub.Gaps(topic, from, to) {
		end := "now"
		if !g.End.IsZero() {
			end = g.End.UTC().Format(time.RFC3339)
		}
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: d.scrub(fmt.Sprintf("events may be missing between %s and %s: %s", g.Start.UTC().Format(time.RFC3339), end, g.Reason))})
	}
	if st, ok := d.hub.TopicStatus(topic); ok && strings.EqualFold(st.State, "rejected") {
		text := fmt.Sprintf("topic %s was rejected by Genesys Cloud", topic)
		if st.Reason != "" {
			text += ": " + st.Reason
		}
		if len(st.MissingPermissions) > 0 {
			text += " (missing permissions: " + strings.Join(st.MissingPermissions, ", ") + ")"
		}
		out = append(out, data.Notice{Severity: data.NoticeSeverityError, Text: text})
	}
	if r := d.hub.Rejections(topic); r.Count > 0 && !r.Last.Before(from) && (to.IsZero() || !r.Last.After(to)) {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: d.scrub(fmt.Sprintf(
			"%d event(s) of %s were left out because their body was malformed, the last at %s (%s)",
			r.Count, topic, r.Last.UTC().Format(time.RFC3339), r.Reason))})
	}
	return out
}
