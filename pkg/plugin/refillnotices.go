package plugin

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// alertRefillWait bounds how long an alert query waits for the first refill of its
// topics: a rule evaluated right after a start (or right after its topics were first
// subscribed) must see the current value, not "no data". Grafana's evaluation
// timeout is 30 s by default.
const alertRefillWait = 10 * time.Second

// awaitRefill returns when the refillable topics have had their first refill, ctx
// ends or alertRefillWait has passed on the instance's clock.
func (d *Datasource) awaitRefill(ctx context.Context, topics []string) {
	if d.refill == nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // ends with this call (cancel)
		select {
		case <-d.clock.After(alertRefillWait):
			cancel()
		case <-ctx.Done():
		}
	}()
	d.refill.Await(ctx, topics)
}

// refillNotices say where the topic's current value came from when it is not a
// notification: "refilled over REST at T" while the last value is a refill, and
// "not refilled: cause" while the last refill failed and no notification came since.
func (d *Datasource) refillNotices(topic string, to time.Time) []data.Notice {
	if d.refill == nil {
		return nil
	}
	var out []data.Notice
	if to.IsZero() || to.After(d.clock.Now()) {
		to = d.clock.Now()
	}
	last, hasLast := d.hub.LastBefore(topic, to.Add(time.Nanosecond))
	if hasLast && last.Refilled {
		out = append(out, data.Notice{Severity: data.NoticeSeverityInfo,
			Text: fmt.Sprintf("current value read from Genesys Cloud over REST at %s (refill: no notification since)", last.Received.UTC().Format(time.RFC3339))})
	}
	st, ok := d.refill.State(topic)
	if ok && st.Error != "" && !(hasLast && !last.Refilled && last.Received.After(st.ErrorAt)) {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: d.scrub(fmt.Sprintf("current value not refilled (%s): %s; retried with backoff", st.ErrorAt.UTC().Format(time.RFC3339), st.Error))})
	}
	return out
}
