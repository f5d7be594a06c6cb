package plugin

import (
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
)

// breakAtGaps puts one row of nulls at the start of each gap inside the frame's rows,
// so a time series or state timeline visibly breaks there instead of drawing a line
// straight across the time the plugin could not see (Grafana connects points across
// missing data unless a null marks the break). Only for families read as values over
// time; an event table gets no empty row.
func breakAtGaps(f *data.Frame, topic string, gaps []event.Gap) {
	if !valuesOverTime(topic) {
		return
	}
	if f == nil || len(f.Fields) < 2 || f.Rows() == 0 || f.Fields[0].Type() != data.FieldTypeTime {
		return
	}
	for _, fl := range f.Fields[1:] {
		if !fl.Type().Nullable() {
			return // a row of zeros would draw a drop to 0, not a break
		}
	}
	times := f.Fields[0]
	for _, g := range gaps {
		at := g.Start
		n := f.Rows()
		// only between the first and the last row: a break outside them joins nothing
		first, _ := times.ConcreteAt(0)
		last, _ := times.ConcreteAt(n - 1)
		if !at.After(first.(time.Time)) || !at.Before(last.(time.Time)) {
			continue
		}
		i := sort.Search(n, func(i int) bool { v, _ := times.ConcreteAt(i); return !v.(time.Time).Before(at) })
		times.Insert(i, at)
		for _, fl := range f.Fields[1:] {
			fl.Insert(i, data.NewFieldFromFieldType(fl.Type(), 1).At(0)) // nil for nullable fields
		}
	}
}

// valuesOverTime: the topic's frames are values over time (observations, presence,
// routing status, activity), which a gap should visibly break; event tables are not.
func valuesOverTime(topic string) bool {
	switch fam, _ := frames.Detect(topic); fam {
	case frames.QueueObservations, frames.UserPresence, frames.UserRoutingStatus, frames.UserActivity:
		return true
	}
	return false
}
