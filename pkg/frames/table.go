package frames

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// fallbackSuffix names the string field that keeps values whose type differs from
// the type their field got from its first value.
const fallbackSuffix = " (text)"

// MaxFields bounds the value fields of one topic's schema: bodies keyed by ids (maps
// as objects) would otherwise grow a live schema for ever. Values of further paths
// are left out and counted in a notice.
const MaxFields = 500

// cell is one value of one row before it is placed in a column.
type cell struct {
	name      string
	mediaType string // observation groups: becomes a mediaType label
	v         value
}

// colKey identifies a column: observations of several media types share names.
type colKey struct{ name, mediaType string }

// column is one field of the schema. Its type is fixed by its first value.
type column struct {
	name   string
	labels data.Labels
	kind   kind
}

// schema is the ordered set of columns of one topic: it only grows, so successive
// stream packets keep the field order and types the client already has.
type schema struct {
	topic     string
	labels    data.Labels // from the topic: queueId / userId / conversationId
	cols      []column
	index     map[colKey]int
	selected  map[string]bool // nil: every field
	matched   map[string]bool // selections that matched a field
	conflicts map[string]int  // field name -> values moved to its fallback
	overflow  int             // values left out because the schema was full
	byPos     []posColumn     // the column each cell position of the last row went to
}

// posColumn remembers where the cell at one position of a row went. Events of a topic
// repeat the same paths in the same order (with interned names, so comparing is
// cheap), which makes this a hit for nearly every cell and saves the index lookup.
type posColumn struct {
	name, mediaType string
	col             int
}

func newSchema(topic string, labels data.Labels, fields []string) *schema {
	s := &schema{topic: topic, labels: labels, index: map[colKey]int{}, conflicts: map[string]int{}}
	if len(fields) > 0 {
		s.selected, s.matched = map[string]bool{}, map[string]bool{}
		for _, f := range fields {
			if f = strings.TrimSpace(f); f != "" {
				s.selected[f] = true
			}
		}
	}
	return s
}

// wanted reports whether a field is kept by the selection: its exact path or a
// selected parent path (selecting `tAbandon` keeps `tAbandon.sum`).
func (s *schema) wanted(name string) bool {
	if s.selected == nil {
		return true
	}
	for p := name; ; {
		if s.selected[p] {
			s.matched[p] = true
			return true
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// columnFor returns the index of the column for c, creating it if needed, and
// whether it was created.
func (s *schema) columnFor(name, mediaType string, k kind) (int, bool) {
	key := colKey{name, mediaType}
	if i, ok := s.index[key]; ok {
		return i, false
	}
	labels := s.labels
	if mediaType != "" {
		labels = data.Labels{"mediaType": mediaType}
		for k, v := range s.labels {
			labels[k] = v
		}
	}
	s.cols = append(s.cols, column{name: name, labels: labels, kind: k})
	s.index[key] = len(s.cols) - 1
	return len(s.cols) - 1, true
}

// table holds the rows of one frame being built against a schema.
type table struct {
	s       *schema
	times   []time.Time
	vals    [][]value // per column, len == len(times) after each row; zero kind = null
	changed bool      // the schema grew while building
	rows    int       // expected row count: capacity of each new column
}

// maxReusedCells bounds what a Streamer's table keeps between frames (cells of 40
// bytes: ≈ 1.3 MiB): a burst into a wide schema is not held for the stream's life.
const maxReusedCells = 32 << 10

// reuse empties t for a frame of about rows events against s, keeping the capacity of
// its time and column slices.
func (t *table) reuse(s *schema, rows int) {
	t.s, t.rows, t.changed = s, rows, false
	t.times = t.times[:0]
	for i := range t.vals {
		t.vals[i] = t.vals[i][:0]
	}
}

// release drops what the last frame's cells referenced (frame copies the values it
// renders), and the slices themselves when they grew past maxReusedCells.
func (t *table) release() {
	cells := cap(t.times)
	for i := range t.vals {
		clear(t.vals[i])
		cells += cap(t.vals[i])
	}
	if cells > maxReusedCells {
		t.times, t.vals = nil, nil
	}
}

// addRow places the cells of one event in the columns. With a field selection, an
// event that carries none of the selected fields adds no row: observations come as o*
// and t*/n* bodies in turn, and a row of nulls for every other one would break the
// lines of a panel that shows only oWaiting.
func (t *table) addRow(at time.Time, cells []cell) {
	row := len(t.times)
	if t.s.selected == nil {
		t.appendTime(at)
	}
	for j, c := range cells {
		name := c.name
		if name == "" {
			name = "value" // a body that is a bare scalar
		}
		if !t.s.wanted(name) {
			continue
		}
		if len(t.times) == row {
			t.appendTime(at) // the first selected value: the event gets its row
		}
		i := t.placeAt(j, name, c.mediaType, c.v.kind)
		if i >= 0 && t.s.cols[i].kind != c.v.kind {
			t.s.conflicts[name]++
			i = t.place(name+fallbackSuffix, c.mediaType, kindString)
			c.v = stringValue(c.v.text())
		}
		if i < 0 {
			t.s.overflow++
			continue
		}
		if t.vals[i] == nil {
			t.vals[i] = make([]value, 0, max(t.rows, row+1))
		}
		t.vals[i] = padTo(t.vals[i], row)
		if len(t.vals[i]) == row+1 {
			t.vals[i][row] = c.v // the same path twice in one body: the last wins
		} else {
			t.vals[i] = append(t.vals[i], c.v)
		}
	}
}

func (t *table) appendTime(at time.Time) {
	if t.times == nil {
		t.times = make([]time.Time, 0, max(t.rows, 1))
	}
	t.times = append(t.times, at)
}

// keepLastValues folds the rows into one: the last row's time and each column's last
// non-null value (Latest over partial bodies).
func (t *table) keepLastValues() {
	n := len(t.times)
	if n <= 1 {
		return
	}
	t.times = t.times[n-1:]
	for i, vals := range t.vals {
		last := value{}
		for j := len(vals) - 1; j >= 0; j-- {
			if vals[j].kind != 0 {
				last = vals[j]
				break
			}
		}
		t.vals[i] = []value{last}
	}
}

// placeAt is place for the cell at position pos of its row, trying first the column
// the cell at that position of the previous row went to.
func (t *table) placeAt(pos int, name, mediaType string, k kind) int {
	if pos < len(t.s.byPos) {
		if p := t.s.byPos[pos]; p.name == name && p.mediaType == mediaType {
			t.growVals()
			return p.col
		}
	}
	i := t.place(name, mediaType, k)
	if i >= 0 && pos < 2*MaxFields { // bounded: rows of thousands of cells are not remembered
		for len(t.s.byPos) <= pos {
			t.s.byPos = append(t.s.byPos, posColumn{col: -1})
		}
		t.s.byPos[pos] = posColumn{name: name, mediaType: mediaType, col: i}
	}
	return i
}

// place returns the column index for a value, or -1 when the schema is full.
func (t *table) place(name, mediaType string, k kind) int {
	if _, ok := t.s.index[colKey{name, mediaType}]; !ok && len(t.s.cols) >= MaxFields {
		return -1
	}
	i, created := t.s.columnFor(name, mediaType, k)
	t.changed = t.changed || created
	t.growVals()
	return i
}

// growVals gives every schema column a slot in vals.
func (t *table) growVals() {
	for len(t.vals) < len(t.s.cols) {
		t.vals = append(t.vals, nil)
	}
}

func padTo(v []value, n int) []value {
	for len(v) < n {
		v = append(v, value{})
	}
	return v
}

// frame renders the table: a time field, then every schema column as a nullable
// field of its type. The SDK copies each vector it is given (data.NewField), so one
// scratch slice of pointers serves every column of a type, and the values they point
// to are one array per type for the whole frame: 2 allocations per column fewer.
func (t *table) frame(notices bool) *data.Frame {
	n := len(t.times)
	fields := make([]*data.Field, 0, len(t.s.cols)+1)
	fields = append(fields, data.NewField("time", nil, t.times))
	var kinds [kindBool + 1]int
	for _, col := range t.s.cols {
		kinds[col.kind]++
	}
	r := frameValues{nums: make([]float64, 0, n*kinds[kindNumber]), strs: make([]string, 0, n*kinds[kindString]),
		bools: make([]bool, 0, n*kinds[kindBool])}
	for i, col := range t.s.cols {
		var vals []value
		if i < len(t.vals) {
			vals = t.vals[i]
		}
		fields = append(fields, r.field(col, padTo(vals, n)))
	}
	f := data.NewFrame(t.s.topic, fields...)
	if notices {
		if ns := t.notices(); len(ns) > 0 {
			f.Meta = &data.FrameMeta{Notices: ns}
		}
	}
	return f
}

// frameValues holds the values of one frame's fields (which point into them) and the
// pointer scratch the SDK copies into each field.
type frameValues struct {
	nums  []float64
	strs  []string
	bools []bool
	pn    []*float64
	ps    []*string
	pb    []*bool
}

// field renders one column. The values are copied: a Streamer's table reuses vals.
func (r *frameValues) field(col column, vals []value) *data.Field {
	switch col.kind {
	case kindNumber:
		r.pn = nils(r.pn, len(vals))
		for i := range vals {
			if vals[i].kind == kindNumber {
				r.nums = append(r.nums, vals[i].num)
				r.pn[i] = &r.nums[len(r.nums)-1]
			}
		}
		return data.NewField(col.name, col.labels, r.pn)
	case kindBool:
		r.pb = nils(r.pb, len(vals))
		for i := range vals {
			if vals[i].kind == kindBool {
				r.bools = append(r.bools, vals[i].b)
				r.pb[i] = &r.bools[len(r.bools)-1]
			}
		}
		return data.NewField(col.name, col.labels, r.pb)
	}
	r.ps = nils(r.ps, len(vals))
	for i := range vals {
		if vals[i].kind == kindString {
			r.strs = append(r.strs, vals[i].str)
			r.ps[i] = &r.strs[len(r.strs)-1]
		}
	}
	return data.NewField(col.name, col.labels, r.ps)
}

// nils is p with n nil pointers, reusing its array.
func nils[T any](p []*T, n int) []*T {
	p = slices.Grow(p[:0], n)[:n]
	clear(p)
	return p
}

// notices say what the frame could not show as asked: type conflicts and selected
// fields that no event had.
func (t *table) notices() []data.Notice {
	var out []data.Notice
	told := map[string]bool{}
	for _, col := range t.s.cols {
		if n := t.s.conflicts[col.name]; n > 0 && !told[col.name] {
			told[col.name] = true
			out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
				"%d value(s) of field %q did not have its type %s; they are kept as text in field %q",
				n, col.name, col.kind, col.name+fallbackSuffix)})
		}
	}
	if t.s.overflow > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
			"%d value(s) were left out: events of %s have more than %d distinct fields (select fields to keep)",
			t.s.overflow, t.s.topic, MaxFields)})
	}
	if t.s.selected != nil && len(t.times) > 0 {
		for _, f := range sortedKeys(t.s.selected) {
			if !t.s.matched[f] {
				out = append(out, data.Notice{Severity: data.NoticeSeverityInfo,
					Text: fmt.Sprintf("field %q is not in the events of %s", f, t.s.topic)})
			}
		}
	}
	return out
}
