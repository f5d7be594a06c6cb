package plugin

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// httpTimeout bounds every REST call the instance makes.
const httpTimeout = 30 * time.Second

// buildParts wires settings → token source → REST client → hub → session manager.
func buildParts(_ context.Context, uid string, s Settings, clock clockwork.Clock) (parts, error) {
	hc := &http.Client{Timeout: httpTimeout}
	ac := s.AuthConfig()
	ac.HTTPClient, ac.Clock = hc, clock
	src, err := auth.New(ac)
	if err != nil {
		return parts{}, fmt.Errorf("authentication settings: %w", err)
	}
	api, err := genesys.New(s.APIURL(), hc)
	if err != nil {
		return parts{}, fmt.Errorf("baseUrl: %w", err)
	}
	cat := &tokenCatalog{src: src, api: api}
	return wireLive(uid, s, clock, src, api, hc, cat)
}

// wireLive joins the hub and the session manager (the hub is the session's sink),
// starts the manager and registers its metrics.
func wireLive(uid string, s Settings, clock clockwork.Clock, src *auth.Source, api *genesys.Client, hc *http.Client, cat *tokenCatalog) (parts, error) {
	h := hub.New(hub.Config{Retention: s.History(), MaxBytes: s.MaxBytes(), Clock: clock})
	mgr, err := session.New(session.Config{
		Name: uid, Auth: src, API: api, HTTPClient: hc, Clock: clock, Sink: h,
		Logger:        log.DefaultLogger.With("datasource", uid),
		ChannelBudget: s.Budget,
		BackoffBase:   time.Duration(s.BackoffBase) * time.Second,
		BackoffCap:    time.Duration(s.BackoffCap) * time.Second,
	})
	if err != nil {
		return parts{}, fmt.Errorf("connection settings: %w", err)
	}
	unregister := registerMetrics(uid, mgr)
	mgr.Start()
	return parts{up: mgr, hub: hubStore{h}, frames: newFramer(), catalog: cat, stop: unregister}, nil
}

// tokenCatalog calls the REST lookups with a fresh token each time.
type tokenCatalog struct {
	src *auth.Source
	api *genesys.Client
}

func (c *tokenCatalog) token(ctx context.Context) (string, error) {
	t, err := c.src.Token(ctx)
	if err != nil {
		return "", err
	}
	return t.Value, nil
}

func (c *tokenCatalog) AvailableTopics(ctx context.Context) ([]genesys.AvailableTopic, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	return c.api.AvailableTopics(ctx, tok, "description", "requiresPermissions", "schema", "transports", "topicParameters")
}

func (c *tokenCatalog) Queues(ctx context.Context, name string, page, size int) (genesys.Page, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return genesys.Page{}, err
	}
	return c.api.Queues(ctx, tok, name, page, size)
}

func (c *tokenCatalog) Users(ctx context.Context, page, size int) (genesys.Page, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return genesys.Page{}, err
	}
	return c.api.Users(ctx, tok, page, size)
}
