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

// statRank orders the stats as their fields appear; others (100) follow by name. A
// switch, not a map: the fast scan ranks every stat of every body, and the map's
// string hashing was ≈ 8 % of reading an observation.
func statRank(name string) int {
	switch name {
	case "count":
		return 1
	case "ratio":
		return 2
	case "numerator":
		return 3
	case "denominator":
		return 4
	case "target":
		return 5
	case "sum":
		return 6
	case "min":
		return 7
	case "max":
		return 8
	case "current":
		return 9
	}
	return 100
}

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
		a, b := statRank(out[i]), statRank(out[j])
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}
