package plugin

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// resolveStream finds the query behind a stream path: from the address data when the
// frontend sent it (validated again, and it must hash to the path's key), otherwise
// from the queries QueryData registered. orgOK reports the org check.
func (d *Datasource) resolveStream(pctx backend.PluginContext, path string, raw json.RawMessage) (Query, backend.SubscribeStreamStatus, error) {
	if err := d.ready(); err != nil {
		return Query{}, backend.SubscribeStreamStatusNotFound, err
	}
	key, err := keyFromPath(path)
	if err != nil {
		return Query{}, backend.SubscribeStreamStatusNotFound, err
	}
	if pctx.DataSourceInstanceSettings == nil || pctx.DataSourceInstanceSettings.UID != d.uid {
		return Query{}, backend.SubscribeStreamStatusPermissionDenied, fmt.Errorf("stream belongs to another data source")
	}
	if len(raw) > 0 && string(raw) != "null" && string(raw) != "{}" {
		q, err := ParseQuery(raw)
		if err != nil {
			return Query{}, backend.SubscribeStreamStatusNotFound, err
		}
		if q.Key() != key {
			return Query{}, backend.SubscribeStreamStatusPermissionDenied, fmt.Errorf("stream data does not match the channel path")
		}
		d.rememberStream(q, pctx.OrgID)
		return q, backend.SubscribeStreamStatusOK, nil
	}
	e, ok := d.queries.get(key)
	if !ok {
		return Query{}, backend.SubscribeStreamStatusNotFound, fmt.Errorf("no query is known for stream %s: run the query again", path)
	}
	if e.orgID != 0 && pctx.OrgID != 0 && e.orgID != pctx.OrgID {
		return Query{}, backend.SubscribeStreamStatusPermissionDenied, fmt.Errorf("stream belongs to another organisation")
	}
	return e.query, backend.SubscribeStreamStatusOK, nil
}

// SubscribeStream authorises a subscription and hands the latest state as initial data,
// so a panel opened late shows values at once.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	q, status, err := d.resolveStream(req.PluginContext, req.Path, req.Data)
	if err != nil {
		d.log.Debug("Stream subscription refused", "path", req.Path, "reason", err.Error())
		return &backend.SubscribeStreamResponse{Status: status}, nil
	}
	resp := &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}
	now := d.clock.Now()
	for _, topic := range q.Topics() {
		evs := d.latestEvents(topic, now)
		if len(evs) == 0 {
			continue
		}
		f, err := d.frames.Latest(topic, evs, q.Fields)
		if err != nil || f == nil {
			continue
		}
		if initial, err := backend.NewInitialFrame(f, data.IncludeAll); err == nil {
			resp.InitialData = initial
		}
		break
	}
	return resp, nil
}

// RunStream streams the query's topics until Grafana cancels ctx (no subscribers left).
// Upstream faults are the manager's business: the stream keeps running across
// reconnects and returns nil when ctx ends.
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	q, _, err := d.resolveStream(req.PluginContext, req.Path, req.Data)
	if err != nil {
		return fmt.Errorf("run stream %s: %w", req.Path, err)
	}
	return d.runStream(ctx, q, sender)
}

// PublishStream is denied: the streams are read-only.
func (d *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}
