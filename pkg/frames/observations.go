package frames

import (
	"encoding/json"
	"sort"
	"time"
)

type observationBody struct {
	Group struct {
		QueueID   string `json:"queueId"`
		MediaType string `json:"mediaType"`
	} `json:"group"`
	Data []struct {
		Interval string `json:"interval"`
		Metrics  []struct {
			Metric    string             `json:"metric"`
			Qualifier *string            `json:"qualifier"`
			Stats     map[string]float64 `json:"stats"`
		} `json:"metrics"`
	} `json:"data"`
}

// statOrder lists the stats in the order their fields appear; others follow by name.
var statOrder = map[string]int{"count": 1, "ratio": 2, "numerator": 3, "denominator": 4, "target": 5,
	"sum": 6, "min": 7, "max": 8, "current": 9}

// observations explode queue observation metrics into numeric fields:
//
//	o* metric with only a count   oWaiting, oUserPresences.<qualifier>
//	anything else                 oServiceLevel.ratio, tAbandon.sum, tHandle.<qualifier>.max
//
// The group's mediaType becomes a label. Observations carry no event timestamp (the
// interval is the aggregation window, not when the value changed): time is arrival.
func observations(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	if out, ok := observationsFast(body, cells); ok {
		return out, time.Time{}, nil
	}
	return observationsSlow(body, cells)
}

// observationsSlow decodes with encoding/json: bodies the fast scan leaves alone,
// and the exact errors for malformed ones.
func observationsSlow(body json.RawMessage, cells []cell) ([]cell, time.Time, error) {
	var b observationBody
	if err := unmarshal(body, &b); err != nil {
		return nil, time.Time{}, err
	}
	mt := b.Group.MediaType
	for _, d := range b.Data {
		for _, m := range d.Metrics {
			if m.Metric == "" {
				continue
			}
			name := m.Metric
			if m.Qualifier != nil && *m.Qualifier != "" {
				name += "." + *m.Qualifier
			}
			if v, ok := m.Stats["count"]; ok && len(m.Stats) == 1 && m.Metric[0] == 'o' {
				cells = append(cells, cell{name: name, mediaType: mt, v: numberValue(v)})
				continue
			}
			for _, stat := range statsInOrder(m.Stats) {
				cells = append(cells, cell{name: name + "." + stat, mediaType: mt, v: numberValue(m.Stats[stat])})
			}
		}
	}
	return cells, time.Time{}, nil
}

func statsInOrder(stats map[string]float64) []string {
	out := make([]string, 0, len(stats))
	for s := range stats {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := statOrder[out[i]], statOrder[out[j]]
		if a == 0 {
			a = 100
		}
		if b == 0 {
			b = 100
		}
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}
