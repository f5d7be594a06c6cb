package genesys

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// AvailableTopic is one entry of /api/v2/notifications/availabletopics.
type AvailableTopic struct {
	ID                  string          `json:"id"`
	Description         string          `json:"description,omitempty"`
	RequiresPermissions []string        `json:"requiresPermissions,omitempty"`
	Schema              json.RawMessage `json:"schema,omitempty"`
	Transports          []string        `json:"transports,omitempty"`
	TopicParameters     []string        `json:"topicParameters,omitempty"`
}

// Websocket reports whether the topic can be subscribed over the socket.
func (t AvailableTopic) Websocket() bool {
	for _, tr := range t.Transports {
		if strings.EqualFold(tr, "All") || strings.EqualFold(tr, "Websocket") {
			return true
		}
	}
	return len(t.Transports) == 0 // older responses omit transports
}

// AvailableTopics lists the topics; expand names extra fields such as "description",
// "schema", "requiresPermissions", "transports", "topicParameters".
func (c *Client) AvailableTopics(ctx context.Context, token string, expand ...string) ([]AvailableTopic, error) {
	p := "/api/v2/notifications/availabletopics"
	if len(expand) > 0 {
		p += "?expand=" + url.QueryEscape(strings.Join(expand, ","))
	}
	var out struct {
		Entities []AvailableTopic `json:"entities"`
	}
	err := c.do(ctx, "list available topics", http.MethodGet, p, token, nil, &out)
	return out.Entities, err
}

// Entity is a named thing (queue, user) whose id goes into a topic.
type Entity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Page is one page of entities.
type Page struct {
	Entities   []Entity `json:"entities"`
	PageNumber int      `json:"pageNumber"`
	PageSize   int      `json:"pageSize"`
	PageCount  int      `json:"pageCount"`
	Total      int      `json:"total"`
}

// Queues returns one page of routing queues, filtered by name when name is not "".
func (c *Client) Queues(ctx context.Context, token, name string, page, pageSize int) (Page, error) {
	q := pageQuery(page, pageSize)
	if name != "" {
		q.Set("name", name)
	}
	var out Page
	err := c.do(ctx, "list queues", http.MethodGet, "/api/v2/routing/queues?"+q.Encode(), token, nil, &out)
	return out, err
}

// Users returns one page of users.
func (c *Client) Users(ctx context.Context, token string, page, pageSize int) (Page, error) {
	var out Page
	err := c.do(ctx, "list users", http.MethodGet, "/api/v2/users?"+pageQuery(page, pageSize).Encode(), token, nil, &out)
	return out, err
}

func pageQuery(page, size int) url.Values {
	if page < 1 {
		page = 1
	}
	if size < 1 || size > 500 {
		size = 25
	}
	return url.Values{"pageNumber": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(size)}}
}
