package plugin

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// topicsTTL is how long the topic catalogue is reused: it changes with Genesys
// releases, not between two editor clicks.
const topicsTTL = 10 * time.Minute

// TopicInfo is one /topics entry.
type TopicInfo struct {
	ID                  string   `json:"id"`
	Description         string   `json:"description"`
	Family              string   `json:"family"`
	Parameters          []string `json:"parameters"`
	RequiresPermissions []string `json:"requiresPermissions"`
	Fields              []string `json:"fields"`
}

type topicCache struct {
	fetched time.Time
	topics  []TopicInfo
}

func (d *Datasource) topicList(ctx context.Context) ([]TopicInfo, error) {
	d.topicsMu.Lock()
	defer d.topicsMu.Unlock()
	now := d.clock.Now()
	if d.topicsCache.topics != nil && now.Sub(d.topicsCache.fetched) < topicsTTL {
		return d.topicsCache.topics, nil
	}
	raw, err := d.catalog.AvailableTopics(ctx)
	if err != nil {
		return nil, err
	}
	d.topicsCache.topics, d.topicsCache.fetched = describeTopics(raw), now
	return d.topicsCache.topics, nil
}

// describeTopics keeps websocket-capable topics and describes them for the editor.
func describeTopics(raw []genesys.AvailableTopic) []TopicInfo {
	out := make([]TopicInfo, 0, len(raw))
	for _, t := range raw {
		if !t.Websocket() {
			continue
		}
		params := t.TopicParameters
		if len(params) == 0 && strings.Contains(t.ID, "{id}") {
			params = []string{"id"}
		}
		out = append(out, TopicInfo{ID: t.ID, Description: t.Description, Family: family(t.ID),
			Parameters: nonNil(params), RequiresPermissions: nonNil(t.RequiresPermissions), Fields: topicFields(t)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func family(id string) string {
	switch {
	case strings.Contains(id, ".analytics."):
		if strings.Contains(id, ".queues.") {
			return "queues"
		}
		return "analytics"
	case strings.Contains(id, ".queues."):
		return "queues"
	case strings.Contains(id, ".users."):
		return "users"
	case strings.Contains(id, "conversation"):
		return "conversations"
	}
	return "other"
}

// topicFields are the field names the editor offers for a topic: the columns its frames
// have. Families that pkg/frames reshapes (observations, conversations, presence,
// routing status) have their own columns, not the body's paths; the others are the
// flattened body, so the schema's paths are their columns.
func topicFields(t genesys.AvailableTopic) []string {
	if cols := frames.Columns(t.ID); cols != nil {
		return cols
	}
	return schemaFields(t.Schema)
}

const (
	maxSchemaDepth  = 8
	maxSchemaFields = 1000
)

// schemaFields lists the dotted paths of the leaf properties of a JSON schema.
func schemaFields(raw json.RawMessage) []string {
	fields := []string{}
	if len(raw) == 0 {
		return fields
	}
	var root schemaNode
	if json.Unmarshal(raw, &root) != nil {
		return fields
	}
	var walk func(n schemaNode, prefix string, depth int)
	walk = func(n schemaNode, prefix string, depth int) {
		if n.Items != nil && len(n.Properties) == 0 {
			n = *n.Items
		}
		if len(n.Properties) == 0 || depth >= maxSchemaDepth {
			if prefix != "" {
				fields = append(fields, prefix)
			}
			return
		}
		names := make([]string, 0, len(n.Properties))
		for k := range n.Properties {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if len(fields) >= maxSchemaFields {
				return
			}
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			walk(n.Properties[k], p, depth+1)
		}
	}
	walk(root, "", 0)
	return fields
}

type schemaNode struct {
	Properties map[string]schemaNode `json:"properties"`
	Items      *schemaNode           `json:"items"`
}
