package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Source hands out tokens valid for at least the effective margin (the configured
// margin, at most half the token's lifetime). Safe for concurrent use:
// one fetch runs at a time and concurrent callers wait for it (single flight).
type Source struct {
	cfg Config
	cc  *clientcredentials.Config // nil in static mode

	sem chan struct{} // one fetch at a time; a channel so waiting honours ctx

	mu      sync.Mutex
	current Token
	static  Token
	invalid bool // static token rejected by the service

	fetches, failures atomic.Int64
}

// New validates cfg and builds a Source; it performs no I/O.
func New(cfg Config) (*Source, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, sem: make(chan struct{}, 1)}
	switch cfg.Mode {
	case ModeClientCredentials:
		s.cc = &clientcredentials.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			TokenURL:  cfg.LoginURL + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		}
	case ModeStaticToken:
		s.static = Token{Value: cfg.StaticToken}
		if exp, ok := jwtExpiry(cfg.StaticToken); ok {
			s.static.Expiry = exp
		}
	}
	return s, nil
}

// Mode reports the source's mode.
func (s *Source) Mode() Mode { return s.cfg.Mode }

// Margin is the configured refresh margin; a token's own is EffectiveMargin.
func (s *Source) Margin() time.Duration { return s.cfg.Margin }

// Stats counts token fetches (successful) and failed fetch attempts.
func (s *Source) Stats() (fetches, failures int64) { return s.fetches.Load(), s.failures.Load() }

// Token returns a token valid for at least the margin, fetching a new one first when
// the cached one is missing, invalidated or about to expire.
func (s *Source) Token(ctx context.Context) (Token, error) {
	if s.cfg.Mode == ModeStaticToken {
		return s.staticToken()
	}
	if t, ok := s.cached(); ok {
		return t, nil
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return Token{}, fmt.Errorf("wait for token refresh: %w", ctx.Err())
	}
	defer func() { <-s.sem }()
	if t, ok := s.cached(); ok { // another caller refreshed while we waited
		return t, nil
	}
	t, err := s.fetch(ctx)
	if err != nil {
		s.failures.Add(1)
		return Token{}, err
	}
	s.fetches.Add(1)
	s.mu.Lock()
	s.current = t
	s.mu.Unlock()
	return t, nil
}

func (s *Source) cached() (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current.Fresh(s.cfg.Clock.Now(), s.cfg.Margin) {
		return s.current, true
	}
	return Token{}, false
}

func (s *Source) staticToken() (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.invalid {
		return Token{}, staticRejected()
	}
	if !s.static.Expiry.IsZero() && !s.cfg.Clock.Now().Before(s.static.Expiry) {
		return Token{}, staticExpired(s.static.Expiry)
	}
	return s.static, nil
}

// Invalidate tells the source the service rejected value (401/403): the next Token
// call fetches a new one. Invalidating an older token is a no-op.
func (s *Source) Invalidate(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.cfg.Mode == ModeStaticToken && value == s.static.Value:
		s.invalid = true
	case value != "" && value == s.current.Value:
		s.current = Token{}
	}
}

// fetch asks /oauth/token for a new token and computes its expiry on our clock.
func (s *Source) fetch(ctx context.Context) (Token, error) {
	fetched := s.cfg.Clock.Now()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.cfg.HTTPClient)
	ot, err := s.cc.Token(ctx)
	if err != nil {
		return Token{}, classify(err)
	}
	in := expiresIn(ot)
	return Token{Value: ot.AccessToken, Fetched: fetched, Expiry: expiryOf(ot.AccessToken, fetched, in),
		Issued: issuedLifetime(ot.AccessToken, in)}, nil
}

// expiresIn reads the wire "expires_in" (seconds). oauth2 turns it into an Expiry on
// the real clock, so the raw value is preferred; the Expiry is the last resort.
func expiresIn(ot *oauth2.Token) int64 {
	switch v := ot.Extra("expires_in").(type) {
	case float64:
		return int64(v)
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	if ot.ExpiresIn > 0 {
		return ot.ExpiresIn
	}
	if !ot.Expiry.IsZero() {
		return int64(time.Until(ot.Expiry).Round(time.Second) / time.Second)
	}
	return 0
}

// classify turns an oauth2 error into ErrAuth for rejected credentials, or a plain
// error for transient faults. The secret is in a header, never in these texts.
func classify(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("fetch OAuth token: %w", err)
	}
	status := re.Response.StatusCode
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		return &AuthError{Status: status, Code: re.ErrorCode, Description: "the OAuth client id or secret was rejected"}
	}
	e := &LoginError{Status: status}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if n, err := strconv.ParseInt(strings.TrimSpace(re.Response.Header.Get("Retry-After")), 10, 64); err == nil && n > 0 {
			e.RetryAfter = time.Duration(n) * time.Second
		}
	}
	return e
}

// LoginError is a transient failure of the login service (5xx, 429): retry later,
// no later than RetryAfter when the service said so.
type LoginError struct {
	Status     int
	RetryAfter time.Duration
}

func (e *LoginError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("fetch OAuth token: HTTP %d from the login service (retry after %s)", e.Status, e.RetryAfter)
	}
	return fmt.Sprintf("fetch OAuth token: HTTP %d from the login service", e.Status)
}

// RetryAfter returns the delay a LoginError in err asks for, or 0.
func RetryAfter(err error) time.Duration {
	var le *LoginError
	if errors.As(err, &le) {
		return le.RetryAfter
	}
	return 0
}
