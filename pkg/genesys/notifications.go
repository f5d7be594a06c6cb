package genesys

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Channel is a notification channel.
type Channel struct {
	ID         string    `json:"id"`
	ConnectURI string    `json:"connectUri"`
	Expires    time.Time `json:"expires"`
}

// CreateChannel creates a channel owned by token.
func (c *Client) CreateChannel(ctx context.Context, token string) (Channel, error) {
	var ch Channel
	err := c.do(ctx, "create channel", http.MethodPost, "/api/v2/notifications/channels", token, nil, &ch)
	return ch, err
}

// ListChannels lists channels; scope is "token" or "oauthclient" ("" = token).
func (c *Client) ListChannels(ctx context.Context, token, scope string) ([]Channel, error) {
	q := ""
	if scope != "" {
		q = "?includechannels=" + url.QueryEscape(scope)
	}
	var out struct {
		Entities []Channel `json:"entities"`
	}
	err := c.do(ctx, "list channels", http.MethodGet, "/api/v2/notifications/channels"+q, token, nil, &out)
	return out.Entities, err
}

// HeadChannel returns nil when the channel is alive, an error wrapping ErrNotFound when gone.
func (c *Client) HeadChannel(ctx context.Context, token, id string) error {
	return c.do(ctx, "check channel", http.MethodHead, channelPath(id), token, nil, nil)
}

// Subscription is one topic's state in a subscriptions response.
type Subscription struct {
	ID                 string   `json:"id"`
	State              string   `json:"state"` // "Permitted" | "Rejected"
	RejectionReason    string   `json:"rejectionReason,omitempty"`
	MissingPermissions []string `json:"missingPermissions,omitempty"`
}

// Rejected reports whether the service refused the topic.
func (s Subscription) Rejected() bool { return strings.EqualFold(s.State, "Rejected") }

type topicRef struct {
	ID string `json:"id"`
}

type subscriptionList struct {
	Entities []Subscription `json:"entities"`
}

func refs(topics []string) []topicRef {
	out := make([]topicRef, len(topics))
	for i, t := range topics {
		out[i] = topicRef{ID: t}
	}
	return out
}

func channelPath(id string) string {
	return "/api/v2/notifications/channels/" + url.PathEscape(id)
}

func subsPath(id string, ignoreErrors bool) string {
	p := channelPath(id) + "/subscriptions"
	if ignoreErrors {
		p += "?ignoreErrors=true"
	}
	return p
}

// Subscriptions lists the channel's topics.
func (c *Client) Subscriptions(ctx context.Context, token, channelID string) ([]Subscription, error) {
	var out subscriptionList
	err := c.do(ctx, "list subscriptions", http.MethodGet, subsPath(channelID, false), token, nil, &out)
	return out.Entities, err
}

// AddSubscriptions adds topics (POST); with ignoreErrors each topic reports its own state.
func (c *Client) AddSubscriptions(ctx context.Context, token, channelID string, topics []string, ignoreErrors bool) ([]Subscription, error) {
	var out subscriptionList
	err := c.do(ctx, "add subscriptions", http.MethodPost, subsPath(channelID, ignoreErrors), token, refs(topics), &out)
	return out.Entities, err
}

// ReplaceSubscriptions replaces the whole topic list (PUT); it also extends the channel's life.
func (c *Client) ReplaceSubscriptions(ctx context.Context, token, channelID string, topics []string, ignoreErrors bool) ([]Subscription, error) {
	var out subscriptionList
	err := c.do(ctx, "replace subscriptions", http.MethodPut, subsPath(channelID, ignoreErrors), token, refs(topics), &out)
	return out.Entities, err
}

// DeleteSubscriptions removes every topic of the channel.
func (c *Client) DeleteSubscriptions(ctx context.Context, token, channelID string) error {
	return c.do(ctx, "delete subscriptions", http.MethodDelete, subsPath(channelID, false), token, nil, nil)
}
