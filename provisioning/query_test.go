package provisioning

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// pluginQuery is one query of this plugin as docs/architecture.md ("Query model") defines
// it: what a panel target or an alert rule's model holds.
type pluginQuery struct {
	RefID      string   `json:"refId" yaml:"refId"`
	QueryType  string   `json:"queryType" yaml:"queryType"`
	Topic      string   `json:"topic" yaml:"topic"`
	IDs        []string `json:"ids" yaml:"ids"`
	Fields     []string `json:"fields" yaml:"fields"`
	Format     string   `json:"format" yaml:"format"`
	Datasource *dsRef   `json:"datasource" yaml:"datasource"`
}

type dsRef struct {
	Type string `json:"type" yaml:"type"`
	UID  string `json:"uid" yaml:"uid"`
}

// statusFields are the fields of the queryType "status" frame (docs/architecture.md).
var statusFields = []string{"connected", "state", "reconnects", "openGaps", "rejectedTopics", "eventsReceived"}

var (
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// a dashboard template variable standing for one or more ids: $queue or ${queue}
	variableRE = regexp.MustCompile(`^\$(\{([A-Za-z0-9_]+)(:[a-z]+)?\}|([A-Za-z0-9_]+))$`)
)

// variableName returns the variable an id refers to, or "" when the id is a literal.
func variableName(id string) string {
	m := variableRE.FindStringSubmatch(id)
	switch {
	case m == nil:
		return ""
	case m[2] != "":
		return m[2]
	default:
		return m[4]
	}
}

// queryRules is what a query is checked against: the topics the simulator offers over the
// socket, the fields its events have, and (for alert rules) which literal ids exist.
type queryRules struct {
	topics     map[string]topicInfo // by template, e.g. v2.users.{id}.presence
	fields     map[string][]string  // by template: field paths seen in sample events
	variables  map[string]bool      // dashboard variables usable in ids; nil in alert rules
	literalIDs map[string]bool      // ids that exist (simulator's population); nil = any uuid
}

// validate returns what is wrong with q, or nil. It follows docs/architecture.md.
func (r queryRules) validate(q pluginQuery) error {
	switch q.QueryType {
	case "status":
		if q.Topic != "" || len(q.IDs) > 0 || q.Format != "" {
			return fmt.Errorf("queryType status takes no topic, ids or format")
		}
		for _, f := range q.Fields {
			if !slices.Contains(statusFields, f) {
				return fmt.Errorf("status has no field %q (it has %v)", f, statusFields)
			}
		}
		return nil
	case "", "events":
	default:
		return fmt.Errorf("queryType %q: want \"\", \"events\" or \"status\"", q.QueryType)
	}
	if q.Format != "" && q.Format != "events" && q.Format != "latest" {
		return fmt.Errorf("format %q: want \"events\" or \"latest\"", q.Format)
	}
	if q.Topic == "" {
		return fmt.Errorf("no topic")
	}
	template := q.Topic
	if strings.Contains(q.Topic, "{") {
		if _, ok := r.topics[q.Topic]; !ok {
			return fmt.Errorf("topic template %q is not one the service offers over the socket", q.Topic)
		}
		if strings.Count(q.Topic, "{") != 1 || !strings.Contains(q.Topic, "{id}") {
			return fmt.Errorf("topic %q: only {id} templates can be filled from ids", q.Topic)
		}
		if len(q.IDs) == 0 {
			return fmt.Errorf("topic %q has {id} but the query has no ids", q.Topic)
		}
		for _, id := range q.IDs {
			if err := r.checkID(id); err != nil {
				return fmt.Errorf("topic %q: %w", q.Topic, err)
			}
		}
	} else {
		if len(q.IDs) > 0 {
			return fmt.Errorf("concrete topic %q takes no ids", q.Topic)
		}
		template = r.templateOf(q.Topic)
		if template == "" {
			return fmt.Errorf("topic %q matches no topic the service offers over the socket", q.Topic)
		}
	}
	for _, f := range q.Fields {
		if !r.hasField(template, f) {
			return fmt.Errorf("topic %q: its frames have no field %q (they have: %v)", template, f, r.fields[template])
		}
	}
	return nil
}

// hasField: a field selects a frame field of that name or the fields under it (a.b → a.b.c).
func (r queryRules) hasField(template, f string) bool {
	for _, name := range r.fields[template] {
		if name == f || strings.HasPrefix(name, f+".") {
			return true
		}
	}
	return false
}

func (r queryRules) checkID(id string) error {
	if name := variableName(id); name != "" {
		if r.variables == nil {
			return fmt.Errorf("id %q is a dashboard variable, which alert rules cannot use", id)
		}
		if !r.variables[name] {
			return fmt.Errorf("id %q: the dashboard has no variable %q", id, name)
		}
		return nil
	}
	if !uuidRE.MatchString(id) {
		return fmt.Errorf("id %q is neither an entity uuid nor a $variable", id)
	}
	if r.literalIDs != nil && !r.literalIDs[id] {
		return fmt.Errorf("id %q does not exist in the simulated organisation", id)
	}
	return nil
}

// templateOf finds the template a concrete topic instantiates ("" if none).
func (r queryRules) templateOf(topic string) string {
	for tmpl := range r.topics {
		pre, post, ok := strings.Cut(tmpl, "{id}")
		if ok && strings.HasPrefix(topic, pre) && strings.HasSuffix(topic, post) &&
			len(topic) > len(pre)+len(post) && !strings.Contains(topic[len(pre):len(topic)-len(post)], ".") {
			return tmpl
		}
		if tmpl == topic {
			return tmpl
		}
	}
	return ""
}

// queryKeys are the keys a query may hold: the query model's, and what Grafana adds.
var queryKeys = []string{"refId", "queryType", "topic", "ids", "fields", "format", "datasource",
	"hide", "key", "intervalMs", "maxDataPoints"}

// rawQuery decodes a query read from JSON or YAML into a pluginQuery, refusing keys the
// plugin does not know (a typo such as "field" would otherwise be silently ignored).
func rawQuery(v any) (pluginQuery, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return pluginQuery{}, fmt.Errorf("a query must be an object, not %T", v)
	}
	for k := range m {
		if !slices.Contains(queryKeys, k) {
			return pluginQuery{}, fmt.Errorf("unknown query key %q (known: %v)", k, queryKeys)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return pluginQuery{}, err
	}
	var q pluginQuery
	if err := json.Unmarshal(b, &q); err != nil {
		return pluginQuery{}, fmt.Errorf("not a query of this plugin: %w", err)
	}
	return q, nil
}
