package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/names"
	"github.com/cxlive/genesyscloud-datasource/pkg/refill"
	"github.com/cxlive/genesyscloud-datasource/pkg/restbudget"
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
	budget := restbudget.New(restbudget.Config{Clock: clock})
	logger := log.DefaultLogger.With("datasource", uid)
	ref, err := refill.New(refill.Config{Fetch: &refillFetcher{src: src, api: api, budget: budget}, Store: h,
		Clock: clock, Logger: logger})
	if err != nil {
		return parts{}, fmt.Errorf("refill: %w", err)
	}
	dir, err := names.New(names.Config{List: budgetedLister{next: cat, budget: budget}, Clock: clock, Log: logger})
	if err != nil {
		return parts{}, fmt.Errorf("name directory: %w", err)
	}
	mgr, err := session.New(session.Config{
		Name: uid, Auth: src, API: api, HTTPClient: hc, Clock: clock, Sink: refill.Tap{Next: h, R: ref, Back: dir.ServiceBack},
		Logger:        log.DefaultLogger.With("datasource", uid),
		ChannelBudget: s.Budget,
		ClientID:      s.ClientID, // names the OAuth client in the eviction warning
		BackoffBase:   time.Duration(s.BackoffBase) * time.Second,
		BackoffCap:    time.Duration(s.BackoffCap) * time.Second,
	})
	if err != nil {
		return parts{}, fmt.Errorf("connection settings: %w", err)
	}
	unregister := registerMetrics(uid, mgr)
	ref.Start()
	mgr.Start()
	dir.Start()
	stop := func() {
		ref.Close()
		dir.Close()
		unregister()
	}
	return parts{up: mgr, hub: hubStore{h}, frames: newFramer(dir), catalog: cat, names: dir, refill: ref, stop: stop}, nil
}

// tokenCatalog calls the REST lookups with a token that passed the expiry check.
type tokenCatalog struct {
	src *auth.Source
	api *genesys.Client
}

// NameLister is the lister behind a data source's name directory: the REST lookups
// with a token that passed the expiry check. Exported for the ingestion benchmark
// (bench/), which loads a directory the plugin's way.
func NameLister(src *auth.Source, api *genesys.Client) names.Lister {
	return &tokenCatalog{src: src, api: api}
}

// withToken runs fn with a valid token. A 401 means the token died before its expiry
// (revoked, or the service dropped its sessions): the token is invalidated and fn runs
// once more with a fresh one, rather than failing every lookup until it would expire.
func withToken[T any](ctx context.Context, src *auth.Source, fn func(tok string) (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		t, err := src.Token(ctx)
		if err != nil {
			var zero T
			return zero, err
		}
		v, err := fn(t.Value)
		if attempt == 0 && errors.Is(err, genesys.ErrUnauthorized) {
			src.Invalidate(t.Value)
			continue
		}
		return v, err
	}
}

func (c *tokenCatalog) AvailableTopics(ctx context.Context) ([]genesys.AvailableTopic, error) {
	return withToken(ctx, c.src, func(tok string) ([]genesys.AvailableTopic, error) {
		return c.api.AvailableTopics(ctx, tok, "description", "requiresPermissions", "schema", "transports", "topicParameters")
	})
}

func (c *tokenCatalog) Queues(ctx context.Context, name string, page, size int) (genesys.Page, error) {
	return withToken(ctx, c.src, func(tok string) (genesys.Page, error) {
		return c.api.Queues(ctx, tok, name, page, size)
	})
}

func (c *tokenCatalog) Users(ctx context.Context, page, size int) (genesys.Page, error) {
	return withToken(ctx, c.src, func(tok string) (genesys.Page, error) {
		return c.api.Users(ctx, tok, page, size)
	})
}
