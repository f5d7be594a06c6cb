package plugin

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// statusFrame is the queryType "status" answer: one numeric row about the connection,
// for the "notification stream disconnected" alert and the health dashboard.
func statusFrame(st session.Status, now time.Time) *data.Frame {
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
	return data.NewFrame("status",
		data.NewField("time", nil, []time.Time{now}),
		data.NewField("connected", nil, []float64{connected}),
		data.NewField("state", nil, []string{st.State}),
		data.NewField("reconnects", nil, []float64{float64(st.Counters.Reconnects)}),
		data.NewField("openGaps", nil, []float64{float64(st.OpenGaps)}),
		data.NewField("rejectedTopics", nil, []float64{float64(rejected)}),
		data.NewField("eventsReceived", nil, []float64{float64(st.Counters.Events)}),
	)
}
