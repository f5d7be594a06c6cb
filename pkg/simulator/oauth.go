package simulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// jwtKey signs simulator JWTs; it is not a secret (clients only read exp, unverified).
var jwtKey = []byte("genesys-notification-simulator")

const maxTokens = 10000 // bound on remembered tokens; the oldest dead ones are forgotten first

type token struct {
	value    string
	hash     string // short, safe to log
	clientID string
	issued   time.Time
	expires  time.Time
	revoked  bool
}

// valid reports whether the token may be used at now; call with Server.mu held.
func (t *token) valid(now time.Time) bool { return !t.revoked && now.Before(t.expires) }

// TokenHash is the short, non-reversible name of an access token used in Record.Token,
// ChannelInfo.OwnerTokenHash and logs; tests compare it with their own token's.
func TokenHash(token string) string { return tokenHash(token) }

func tokenHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:4])
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") == "" {
		s.record(Record{Kind: "token_denied", Status: 400, Detail: "missing grant_type"})
		writeOAuthError(w, 400, "invalid_request", "grant_type is required (form body grant_type=client_credentials)")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		s.record(Record{Kind: "token_denied", Status: 400, Detail: "unsupported grant_type"})
		writeOAuthError(w, 400, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	// RFC 6749 §2.3.1: credentials in the Basic header or, alternatively, in the form body as
	// client_id/client_secret (golang.org/x/oauth2's auto-detection falls back to the body).
	// Both given and disagreeing is a malformed request.
	_, formID := r.PostForm["client_id"]
	_, formSecret := r.PostForm["client_secret"]
	if ok && (formID && r.PostForm.Get("client_id") != unescaped(id) ||
		formSecret && r.PostForm.Get("client_secret") != unescaped(secret)) {
		s.record(Record{Kind: "token_denied", Status: 400, Detail: "header and body credentials disagree"})
		writeOAuthError(w, 400, "invalid_request", "client credentials in the Authorization header and the body disagree")
		return
	}
	if !ok && formID {
		id, secret, ok = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), true
	}
	s.mu.Lock()
	wantID, wantSecret := s.clientID, s.secret
	s.mu.Unlock()
	if !ok || !credentialMatches(id, wantID) || !credentialMatches(secret, wantSecret) {
		s.record(Record{Kind: "token_denied", Status: 401, Detail: "bad client credentials"})
		// RFC 6749 §5.2: a failed client authentication is invalid_client, 401 when the client
		// authenticated with the Authorization header; login.<domain> answers
		// {"error":"invalid_client","description":"authentication failed"} (unauthorized_client
		// is its answer to a client not allowed the grant type).
		writeOAuthError(w, 401, "invalid_client", "authentication failed")
		return
	}
	tok := s.issueToken(id)
	s.record(Record{Kind: "token", Token: tok.hash, Status: 200})
	writeJSON(w, 200, map[string]any{
		"access_token": tok.value,
		"token_type":   "bearer",
		"expires_in":   int64(s.cfg.TokenLifetime / time.Second),
	})
}

// credentialMatches compares a Basic-auth credential as sent or URL-decoded (RFC 6749 §2.3.1
// has clients form-encode them; golang.org/x/oauth2 does).
func credentialMatches(got, want string) bool {
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return true
	}
	dec, err := url.QueryUnescape(got)
	return err == nil && subtle.ConstantTimeCompare([]byte(dec), []byte(want)) == 1
}

// unescaped is a Basic-auth credential URL-decoded (as clients encode it), or as sent when
// it does not decode.
func unescaped(v string) string {
	if dec, err := url.QueryUnescape(v); err == nil {
		return dec
	}
	return v
}

func (s *Server) issueToken(clientID string) *token {
	now := s.clock.Now()
	t := &token{clientID: clientID, issued: now, expires: now.Add(s.cfg.TokenLifetime)}
	if s.cfg.JWTTokens {
		t.value = signJWT(map[string]any{
			"iss": "genesys-simulator", "sub": clientID, "client_id": clientID,
			"iat": now.Unix(), "exp": t.expires.Unix(), "jti": s.newUUID(),
		})
	} else {
		b := make([]byte, 48)
		_, _ = rand.Read(b)
		t.value = base64.RawURLEncoding.EncodeToString(b)
	}
	t.hash = tokenHash(t.value)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) >= maxTokens {
		s.pruneTokensLocked(now)
	}
	s.tokens[t.value] = t
	return t
}

// pruneTokensLocked forgets dead tokens that own no channel (then, if still full, all dead ones).
func (s *Server) pruneTokensLocked(now time.Time) {
	owners := map[*token]bool{}
	for _, ch := range s.channels {
		owners[ch.owner] = true
	}
	for v, t := range s.tokens {
		if !t.valid(now) && !owners[t] {
			delete(s.tokens, v)
		}
	}
}

func signJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(claims)
	msg := head + "." + enc.EncodeToString(body)
	mac := hmac.New(sha256.New, jwtKey)
	mac.Write([]byte(msg))
	return msg + "." + enc.EncodeToString(mac.Sum(nil))
}

// authenticate finds the bearer token of r; on failure it writes the 401 and returns nil.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *token {
	h := r.Header.Get("Authorization")
	v, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		v, ok = strings.CutPrefix(h, "bearer ")
	}
	if !ok || v == "" {
		s.record(Record{Kind: "unauthorized", Status: 401, Detail: r.Method + " " + r.URL.Path + ": no bearer token"})
		s.writeError(w, 401, "authentication.required", "No authentication bearer token specified in authorization header.")
		return nil
	}
	now := s.clock.Now()
	s.mu.Lock()
	t := s.tokens[v]
	why := ""
	switch {
	case t == nil:
		why = "unknown token"
	case t.revoked:
		why = "revoked token"
	case !now.Before(t.expires):
		why = "expired token"
	}
	s.mu.Unlock()
	if why != "" {
		s.record(Record{Kind: "unauthorized", Token: tokenHash(v), Status: 401, Detail: r.Method + " " + r.URL.Path + ": " + why})
		s.writeError(w, 401, "", "Invalid login credentials.")
		return nil
	}
	return t
}

// handleTokenMe answers GET /api/v2/tokens/me for a valid token.
func (s *Server) handleTokenMe(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	s.mu.Lock()
	expiresIn := int64(t.expires.Sub(s.clock.Now()) / time.Second)
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{
		"organization":     map[string]any{"id": "00000000-0000-4000-8000-000000000001", "name": "Simulated Org"},
		"homeOrganization": map[string]any{"id": "00000000-0000-4000-8000-000000000001", "name": "Simulated Org"},
		"authorizedScope":  []string{"notifications", "analytics:readonly", "routing:readonly", "users:readonly"},
		"OAuthClient":      map[string]any{"id": t.clientID, "name": "Simulator client"},
		"expiresIn":        expiresIn,
	})
}

// ExpireTokens makes every token issued so far expired: 401 on REST and on socket upgrade.
func (s *Server) ExpireTokens() {
	now := s.clock.Now()
	s.mu.Lock()
	n := 0
	for _, t := range s.tokens {
		if t.expires.After(now) {
			t.expires = now
			n++
		}
	}
	s.mu.Unlock()
	s.record(Record{Kind: "fault_tokens_expired", Detail: fmt.Sprintf("%d tokens", n)})
}

// SetCredentials changes the accepted client id and secret ("fix the secret" at runtime).
func (s *Server) SetCredentials(id, secret string) {
	s.mu.Lock()
	s.clientID, s.secret = id, secret
	s.mu.Unlock()
	s.record(Record{Kind: "credentials_changed"})
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) newUUID() string { return newUUID() }
