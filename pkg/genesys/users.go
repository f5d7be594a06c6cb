package genesys

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MaxUsersPerRequest bounds the ids of one bulk user lookup: the API documents no
// limit on id values, but answers in pages of at most 500, and a URL with a few
// hundred ids stays far below common URL length limits (≈ 40 bytes per id).
const MaxUsersPerRequest = 100

// PresenceDefinition names a presence: its organisation id and the system presence
// ("On Queue" over REST, "ON_QUEUE" in notifications).
type PresenceDefinition struct {
	ID             string `json:"id"`
	SystemPresence string `json:"systemPresence"`
}

// UserPresence is a user's presence (the SDKs' UserPresence).
type UserPresence struct {
	Source             string             `json:"source,omitempty"`
	PresenceDefinition PresenceDefinition `json:"presenceDefinition"`
	Primary            *bool              `json:"primary,omitempty"`
	Message            string             `json:"message,omitempty"`
	ModifiedDate       string             `json:"modifiedDate,omitempty"`
}

// RoutingStatus is a user's ACD routing status (the SDKs' RoutingStatus).
type RoutingStatus struct {
	UserID    string `json:"userId,omitempty"`
	Status    string `json:"status"`
	StartTime string `json:"startTime,omitempty"`
}

// UserState is a user with the expansions a refill asks for.
type UserState struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Presence      *UserPresence  `json:"presence,omitempty"`
	RoutingStatus *RoutingStatus `json:"routingStatus,omitempty"`
}

// UsersByID looks up the users ids (≤ MaxUsersPerRequest) with their presence and
// routing status (GET /api/v2/users?id=…&expand=presence,routingStatus). Unknown ids
// are left out of the answer.
func (c *Client) UsersByID(ctx context.Context, token string, ids []string) ([]UserState, error) {
	q := url.Values{"id": ids, "expand": {"presence,routingStatus"},
		"pageSize": {strconv.Itoa(max(len(ids), 1))}, "pageNumber": {"1"}}
	var out struct {
		Entities []json.RawMessage `json:"entities"`
	}
	if err := c.do(ctx, "look up users", http.MethodGet, "/api/v2/users?"+q.Encode(), token, nil, &out); err != nil {
		return nil, err
	}
	users := make([]UserState, 0, len(out.Entities))
	for _, raw := range out.Entities {
		var u UserState
		if err := json.Unmarshal(raw, &u); err != nil || u.ID == "" {
			continue // one odd entity must not cost the others their refill
		}
		users = append(users, u)
	}
	return users, nil
}

// NotificationPresence is the system presence as notifications spell it: REST says
// "On Queue", notifications "ON_QUEUE".
func NotificationPresence(system string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(system), " ", "_"))
}
