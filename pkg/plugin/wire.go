package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
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

// wireLive joins the hub, frames and session; see hubwire.go.
var wireLive = func(string, Settings, clockwork.Clock, *auth.Source, *genesys.Client, *http.Client, *tokenCatalog) (parts, error) {
	return parts{}, errors.New("the event hub is not built into this binary yet")
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
