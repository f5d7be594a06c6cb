package genesys

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinels for the statuses callers act on; *APIError wraps them.
var (
	ErrUnauthorized = errors.New("unauthorized (401)")
	ErrForbidden    = errors.New("forbidden (403)")
	ErrNotFound     = errors.New("not found (404)")
)

// APIError is a Genesys REST error: the status, the decoded error body and, on 429/503,
// the Retry-After delay. It never contains the request's token.
type APIError struct {
	Op         string // what was attempted, e.g. "create channel"
	Status     int
	Code       string // error body "code"
	Message    string // error body "message"
	ContextID  string
	RetryAfter time.Duration // 0 when absent
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap exposes the sentinel of the status, if any.
func (e *APIError) Unwrap() error {
	switch e.Status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

// IsAuth reports whether err means the token (or the channel made with it) is no
// longer accepted.
func IsAuth(err error) bool { return errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) }

// RetryAfter returns the Retry-After delay carried by err, or 0.
func RetryAfter(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 64 << 10

func decodeError(op string, resp *http.Response, body []byte) *APIError {
	e := &APIError{Op: op, Status: resp.StatusCode}
	var wire struct {
		Message   string `json:"message"`
		Code      string `json:"code"`
		ContextID string `json:"contextId"`
	}
	if json.Unmarshal(body, &wire) == nil {
		e.Message, e.Code, e.ContextID = truncate(wire.Message, 300), truncate(wire.Code, 100), wire.ContextID
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	}
	return e
}

// parseRetryAfter reads delta-seconds (what Genesys sends) or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
