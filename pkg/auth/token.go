package auth

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token is an access token with the expiry this package computed on its own clock.
// String and GoString hide the value, so printing a Token never leaks it.
type Token struct {
	Value   string
	Expiry  time.Time // zero = unknown (a static opaque token)
	Fetched time.Time // when this source obtained it
}

func (t Token) String() string {
	return "auth.Token{redacted, expires " + t.Expiry.UTC().Format(time.RFC3339) + "}"
}
func (t Token) GoString() string { return t.String() }

// ValidFor reports whether the token is still valid for at least d after now.
func (t Token) ValidFor(now time.Time, d time.Duration) bool {
	return t.Value != "" && (t.Expiry.IsZero() || now.Add(d).Before(t.Expiry))
}

// jwtExpiry returns the exp claim of a JWT, parsed without verifying the signature
// (only the expiry is wanted); ok is false for opaque tokens.
func jwtExpiry(value string) (time.Time, bool) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(value, claims); err != nil {
		return time.Time{}, false
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return time.Time{}, false
	}
	return exp.Time, true
}

// expiryOf combines expires_in (seconds after fetched; 0 = unknown) with the JWT exp
// claim, which wins when present.
func expiryOf(value string, fetched time.Time, expiresIn int64) time.Time {
	if exp, ok := jwtExpiry(value); ok {
		return exp
	}
	if expiresIn > 0 {
		return fetched.Add(time.Duration(expiresIn) * time.Second)
	}
	return time.Time{}
}
