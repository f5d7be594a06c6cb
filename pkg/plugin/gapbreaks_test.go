package plugin

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
)

func TestBreakAtGapsOnlyBreaksValuesOverTime(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	one := 1.0
	mk := func(name string) *data.Frame {
		return data.NewFrame(name, data.NewField("time", nil, []time.Time{t0, t0.Add(10 * time.Minute)}),
			data.NewField("v", nil, []*float64{&one, &one}))
	}
	gaps := []event.Gap{
		{Start: t0.Add(-time.Minute)},     // before the first row: joins nothing
		{Start: t0.Add(4 * time.Minute)},  // between the rows
		{Start: t0.Add(20 * time.Minute)}, // after the last row
	}
	obs := mk("v2.analytics.queues.q1.observations")
	breakAtGaps(obs, obs.Name, gaps)
	if obs.Rows() != 3 {
		t.Fatalf("observations: %d rows, want one break", obs.Rows())
	}
	if _, ok := obs.Fields[1].ConcreteAt(1); ok {
		t.Error("the break is not null")
	}
	conv := mk("v2.routing.queues.q1.conversations")
	breakAtGaps(conv, conv.Name, gaps)
	if conv.Rows() != 2 {
		t.Errorf("an event table got %d rows: no empty row for a gap", conv.Rows())
	}
}
