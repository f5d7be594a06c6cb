package plugin

import (
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// statusFieldNames are the fields a status query may select.
var statusFieldNames = map[string]bool{"connected": true, "state": true, "reason": true, "reconnects": true,
	"openGaps": true, "rejectedTopics": true, "eventsReceived": true}

// statusFrame is the queryType "status" answer, reduced to fields when given (an
// alert on "connected" must not see the other numbers as extra series).
func statusFrame(st session.Status, now time.Time, fields []string) *data.Frame {
	connected := 0.0
	if st.Connected() {
		connected = 1
	}
	rejected := 0
	for _, t := range st.Topics {
		if t.State == "rejected" {
			rejected++
		}
	}
	all := []*data.Field{
		data.NewField("connected", nil, []float64{connected}),
		data.NewField("state", nil, []string{st.State}),
		data.NewField("reason", nil, []string{st.Reason}),
		data.NewField("reconnects", nil, []float64{float64(st.Counters.Reconnects)}),
		data.NewField("openGaps", nil, []float64{float64(st.OpenGaps)}),
		data.NewField("rejectedTopics", nil, []float64{float64(rejected)}),
		data.NewField("eventsReceived", nil, []float64{float64(st.Counters.Events)}),
	}
	frame := data.NewFrame("status", data.NewField("time", nil, []time.Time{now}))
	for _, f := range all {
		if len(fields) == 0 || slices.Contains(fields, f.Name) {
			frame.Fields = append(frame.Fields, f)
		}
	}
	return frame
}
