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
	Fetched time.Time // when this source obtained it; zero for a static token (issue time unknown)
	// Issued is the lifetime the issuer gave it (a JWT's exp − iat, or expires_in);
	// zero when neither says, and Lifetime falls back to Expiry − Fetched.
	Issued time.Duration
}

func (t Token) String() string {
	return "auth.Token{redacted, expires " + t.Expiry.UTC().Format(time.RFC3339) + "}"
}
func (t Token) GoString() string { return t.String() }

// ValidFor reports whether the token is still valid for at least d after now.
func (t Token) ValidFor(now time.Time, d time.Duration) bool {
	return t.Value != "" && (t.Expiry.IsZero() || now.Add(d).Before(t.Expiry))
}

// Lifetime is how long the token lived when it was fetched (expiry minus fetch time);
// 0 when unknown (static tokens, tokens without expiry).
func (t Token) Lifetime() time.Duration {
	if t.Issued > 0 {
		return t.Issued // "15 s", not the 14.6 s left of a whole-second exp when it arrived
	}
	if t.Fetched.IsZero() || t.Expiry.IsZero() || !t.Expiry.After(t.Fetched) {
		return 0
	}
	return t.Expiry.Sub(t.Fetched)
}

// EffectiveMargin is the refresh margin that applies to t: the configured margin, but
// never more than half the token's own lifetime. Without this cap a margin at or above
// the lifetime makes every freshly fetched token "about to expire" at once, and the
// session would refuse each new token it was just handed.
func EffectiveMargin(t Token, margin time.Duration) time.Duration {
	if l := t.Lifetime(); l > 0 && margin > l/2 {
		return l / 2
	}
	return margin
}

// Fresh is the one freshness rule every handshake step uses: valid for at least the
// effective margin after now.
func (t Token) Fresh(now time.Time, margin time.Duration) bool {
	return t.ValidFor(now, EffectiveMargin(t, margin))
}

// jwtExpiry returns the exp claim of a JWT, parsed without verifying the signature
// (only the expiry is wanted); ok is false for opaque tokens.
func jwtExpiry(value string) (time.Time, bool) {
	exp, _, ok := jwtTimes(value)
	return exp, ok
}

// jwtTimes returns a JWT's exp and iat claims (iat zero when absent).
func jwtTimes(value string) (exp, iat time.Time, ok bool) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(value, claims); err != nil {
		return time.Time{}, time.Time{}, false
	}
	e, err := claims.GetExpirationTime()
	if err != nil || e == nil {
		return time.Time{}, time.Time{}, false
	}
	if i, err := claims.GetIssuedAt(); err == nil && i != nil {
		iat = i.Time
	}
	return e.Time, iat, true
}

// issuedLifetime is the lifetime the issuer gave a token: exp − iat for a JWT that has
// both, else expires_in (seconds), else 0.
func issuedLifetime(value string, expiresIn int64) time.Duration {
	if exp, iat, ok := jwtTimes(value); ok && !iat.IsZero() && exp.After(iat) {
		return exp.Sub(iat)
	}
	if expiresIn > 0 {
		return time.Duration(expiresIn) * time.Second
	}
	return 0
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
