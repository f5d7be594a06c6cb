package auth

import (
	"errors"
	"fmt"
	"time"
)

// ErrAuth marks a credential the service rejected (or a static token that cannot be
// used): retrying soon will not help, the settings must change.
var ErrAuth = errors.New("authentication failed")

// AuthError is an OAuth rejection: the HTTP status and the upstream error code. It
// never carries the secret or a token.
type AuthError struct {
	Status      int    // HTTP status of /oauth/token, 0 for local verdicts
	Code        string // OAuth "error", e.g. "invalid_client"
	Description string // what to fix, in words
}

func (e *AuthError) Error() string {
	switch {
	case e.Status != 0 && e.Code != "":
		return fmt.Sprintf("authentication failed: %s (HTTP %d %s)", e.Description, e.Status, e.Code)
	case e.Status != 0:
		return fmt.Sprintf("authentication failed: %s (HTTP %d)", e.Description, e.Status)
	}
	return "authentication failed: " + e.Description
}

// Unwrap makes errors.Is(err, ErrAuth) hold.
func (e *AuthError) Unwrap() error { return ErrAuth }

func staticExpired(at time.Time) error {
	return &AuthError{Description: fmt.Sprintf("static token expired at %s; enter a new token in the data source settings",
		at.UTC().Format(time.RFC3339))}
}

func staticRejected() error {
	return &AuthError{Description: "the service rejected the static token; enter a new token in the data source settings"}
}
