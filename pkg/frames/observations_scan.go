package frames

import (
	"bytes"
	"sync"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// obsScan reads a queue observation body in one pass over its bytes. It handles
// the shape Genesys sends; on anything unusual (escaped or case-variant keys,
// duplicates, nulls, type mismatches, invalid JSON) it reports !ok and the caller
// decodes with encoding/json instead, so results and errors stay exactly those of
// json.Unmarshal.
type obsScan struct {
	jsonscan.Walker
	cells     []cell
	mediaType string
	stats     []stat
	name      []byte
}

type stat struct {
	name []byte
	rank int
	v    float64
}

// observationsFast appends the cells of body to cells; ok is false when the body
// must be decoded the slow way (cells then holds nothing new).
func observationsFast(body []byte, cells []cell) (_ []cell, ok bool) {
	sc := obsScratch.Get().(*obsBuffers)
	defer obsScratch.Put(sc)
	o := obsScan{Walker: jsonscan.NewWalker(body), cells: cells, stats: sc.stats[:0], name: sc.name[:0]}
	defer func() {
		clear(o.stats[:cap(o.stats)]) // stats hold slices of body: do not keep it alive
		sc.stats, sc.name = o.stats[:0], o.name[:0]
	}()
	first := len(cells)
	if !o.top() || !o.AtEnd() {
		return cells[:first], false
	}
	for i := first; i < len(o.cells); i++ {
		o.cells[i].mediaType = o.mediaType
	}
	return o.cells, true
}

// obsBuffers is the per-body scratch of obsScan (a metric's stats, a field name),
// pooled: growing them for every body was ≈ 12 % of building an observation frame.
type obsBuffers struct {
	stats []stat
	name  []byte
}

var obsScratch = sync.Pool{New: func() any { return new(obsBuffers) }}

var (
	topKeys    = []string{"group", "data"}
	groupKeys  = []string{"queueId", "mediaType"}
	dataKeys   = []string{"interval", "metrics"}
	metricKeys = []string{"metric", "qualifier", "stats"}
)

func (o *obsScan) top() bool {
	return o.Fields(topKeys, func(key []byte) bool {
		switch string(key) {
		case "group":
			return o.Fields(groupKeys, func(key []byte) bool {
				switch string(key) {
				case "queueId":
					_, ok := o.Text()
					return ok
				case "mediaType":
					mt, ok := o.Text()
					o.mediaType = bodyString(mt) // a label of every cell: no copy per body
					return ok
				}
				return o.Skip()
			})
		case "data":
			return o.Elements(func() bool {
				return o.Fields(dataKeys, func(key []byte) bool {
					switch string(key) {
					case "interval":
						_, ok := o.Text()
						return ok
					case "metrics":
						return o.Elements(o.metric)
					}
					return o.Skip()
				})
			})
		}
		return o.Skip()
	})
}

// metric reads one {metric, qualifier, stats} object and appends its cells.
func (o *obsScan) metric() bool {
	var metric, qualifier []byte
	o.stats = o.stats[:0]
	ok := o.Fields(metricKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "metric":
			metric, ok = o.Text()
			return ok
		case "qualifier":
			qualifier, ok = o.Text()
			return ok
		case "stats":
			return o.Fields(nil, o.stat)
		}
		return o.Skip()
	})
	if !ok {
		return false
	}
	if len(metric) == 0 {
		return true
	}
	o.name = append(o.name[:0], metric...)
	if len(qualifier) > 0 {
		o.name = append(append(o.name, '.'), qualifier...)
	}
	if len(o.stats) == 1 && string(o.stats[0].name) == "count" && metric[0] == 'o' {
		o.cells = append(o.cells, cell{name: fieldNames.get(o.name), v: numberValue(o.stats[0].v)})
		return true
	}
	base := len(o.name)
	for _, s := range o.stats {
		o.name = append(append(o.name[:base], '.'), s.name...)
		o.cells = append(o.cells, cell{name: fieldNames.get(o.name), v: numberValue(s.v)})
	}
	return true
}

// stat reads one member of stats: a number, kept in statRank order.
func (o *obsScan) stat(key []byte) bool {
	for _, s := range o.stats {
		if bytes.Equal(s.name, key) {
			return false // duplicate: json.Unmarshal's last-wins map, decoded the slow way
		}
	}
	v, ok := o.Float()
	if !ok {
		return false
	}
	rank := statRank(string(key)) // no allocation: the conversion only feeds the switch
	s := stat{name: key, rank: rank, v: v}
	i := len(o.stats)
	o.stats = append(o.stats, s)
	for ; i > 0 && statLess(s, o.stats[i-1]); i-- {
		o.stats[i] = o.stats[i-1]
	}
	o.stats[i] = s
	return true
}

func statLess(a, b stat) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return bytes.Compare(a.name, b.name) < 0
}
