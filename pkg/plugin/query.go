package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Query is the JSON model of one query (docs/architecture.md; src/types.ts mirrors it).
type Query struct {
	RefID     string   `json:"refId,omitempty"`
	QueryType string   `json:"queryType,omitempty"`
	Topic     string   `json:"topic,omitempty"`
	IDs       []string `json:"ids,omitempty"`
	Fields    []string `json:"fields,omitempty"`
	Format    string   `json:"format,omitempty"`
}

const (
	formatEvents = "events"
	formatLatest = "latest"
	typeEvents   = "events"
	typeStatus   = "status"
	maxIDs       = 200
	maxFields    = 100
	maxTopicLen  = 250
)

var (
	topicPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.([A-Za-z0-9_-]+|\{id\}))+$`)
	idPattern    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)
	fieldPattern = regexp.MustCompile(`^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$`)
)

// ParseQuery decodes and validates one query's JSON; errors say what to fix.
func ParseQuery(raw []byte) (Query, error) {
	var q Query
	if err := json.Unmarshal(raw, &q); err != nil {
		return q, fmt.Errorf("the query is not valid JSON for this data source: %w", err)
	}
	return q, q.normalise()
}

// normalise applies defaults, trims, sorts and de-duplicates, then validates.
func (q *Query) normalise() error {
	q.QueryType = strings.TrimSpace(q.QueryType)
	if q.QueryType == "" {
		q.QueryType = typeEvents
	}
	switch q.QueryType {
	case typeStatus:
		q.Topic, q.IDs, q.Format = "", nil, formatLatest
		q.Fields = uniqueSorted(q.Fields)
		for _, f := range q.Fields {
			if !statusFieldNames[f] {
				return fmt.Errorf("field %q is not a status field: use connected, state, reconnects, openGaps, rejectedTopics or eventsReceived", f)
			}
		}
		return nil
	case typeEvents:
	default:
		return fmt.Errorf("queryType %q is unknown: use \"events\" or \"status\"", q.QueryType)
	}
	q.Format = strings.TrimSpace(q.Format)
	if q.Format == "" {
		q.Format = formatEvents
	}
	if q.Format != formatEvents && q.Format != formatLatest {
		return fmt.Errorf("format %q is unknown: use \"events\" or \"latest\"", q.Format)
	}
	q.Topic = strings.TrimSpace(q.Topic)
	if q.Topic == "" {
		return fmt.Errorf("topic is empty: choose a topic such as v2.analytics.queues.{id}.observations")
	}
	if len(q.Topic) > maxTopicLen || !topicPattern.MatchString(q.Topic) {
		return fmt.Errorf("topic %q has characters a Genesys topic cannot have: use dot-separated letters, digits, '-', '_' and {id}", q.Topic)
	}
	q.IDs = uniqueSorted(q.IDs)
	templated := strings.Contains(q.Topic, "{id}")
	switch {
	case templated && len(q.IDs) == 0:
		return fmt.Errorf("topic %s needs at least one id for {id}: pick queues/users in ids (or a variable)", q.Topic)
	case !templated && len(q.IDs) > 0:
		return fmt.Errorf("ids were given but topic %s has no {id} to put them in: remove ids or use a topic template", q.Topic)
	case len(q.IDs) > maxIDs:
		return fmt.Errorf("%d ids is too many for one query: use at most %d", len(q.IDs), maxIDs)
	}
	for _, id := range q.IDs {
		if !idPattern.MatchString(id) {
			return fmt.Errorf("id %q is not an entity id (letters, digits, '-' and '_' only); was a template variable left unexpanded?", id)
		}
	}
	q.Fields = uniqueSorted(q.Fields)
	if len(q.Fields) > maxFields {
		return fmt.Errorf("%d fields is too many: select at most %d", len(q.Fields), maxFields)
	}
	for _, f := range q.Fields {
		if !fieldPattern.MatchString(f) {
			return fmt.Errorf("field %q is not a dotted path such as oServiceLevel.ratio", f)
		}
	}
	return nil
}

func uniqueSorted(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// Topics are the concrete topic names the query reads, in a stable order.
func (q Query) Topics() []string {
	if q.QueryType == typeStatus {
		return nil
	}
	if len(q.IDs) == 0 {
		return []string{q.Topic}
	}
	out := make([]string, 0, len(q.IDs))
	for _, id := range q.IDs {
		out = append(out, strings.ReplaceAll(q.Topic, "{id}", id))
	}
	return out
}

// PerTopic splits the query into one query per concrete topic, in Topics() order. Each
// frame QueryData returns streams on its own channel, because Grafana's streaming frame
// takes one schema: topics sharing a channel would replace each other's schema on every
// packet. A query without ids is its own only part.
func (q Query) PerTopic() []Query {
	if len(q.IDs) <= 1 {
		return []Query{q}
	}
	out := make([]Query, 0, len(q.IDs))
	for _, id := range q.IDs {
		one := q
		one.IDs = []string{id}
		out = append(out, one)
	}
	return out
}

// Key is a short hash of the normalised query: the live channel's last path segment.
// It omits refId so panels asking the same thing share one stream.
func (q Query) Key() string {
	n := q
	n.RefID = ""
	b, _ := json.Marshal(n) // a struct of strings always encodes
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:10])
}

// Path is the live channel path for the query: q/<key>.
func (q Query) Path() string { return "q/" + q.Key() }

// keyFromPath returns the key of a path q/<key>, or an error for any other path.
func keyFromPath(path string) (string, error) {
	key, ok := strings.CutPrefix(path, "q/")
	if !ok || len(key) != 20 || strings.Trim(key, "0123456789abcdef") != "" {
		return "", fmt.Errorf("stream path %q is not a query stream of this data source (want q/<20 hex characters>)", path)
	}
	return key, nil
}
