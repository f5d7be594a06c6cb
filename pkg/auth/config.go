// Package auth is the token source of a data source: OAuth2 client credentials
// (rotated before expiry) or a static bearer token. Callers ask for a token before
// every handshake; a token within the refresh margin of its expiry is never handed
// out, so a reconnect never replays a stale token (the seed thread's loop).
package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// Mode selects how tokens are obtained.
type Mode string

const (
	ModeClientCredentials Mode = "clientCredentials"
	ModeStaticToken       Mode = "staticToken"
)

// DefaultMargin is how long before expiry a token is refreshed.
const DefaultMargin = 60 * time.Second

// Config configures a Source.
type Config struct {
	Mode         Mode   // default ModeClientCredentials
	ClientID     string // client credentials
	ClientSecret string // client credentials; never logged or returned
	Region       string // Genesys domain such as "mypurecloud.ie"; login host is https://login.<region>
	LoginURL     string // explicit base URL serving /oauth/token (wins over Region)
	StaticToken  string // static bearer token; never logged or returned
	Margin       time.Duration
	HTTPClient   *http.Client // default: 30 s timeout
	Clock        clockwork.Clock
}

// LoginBaseURL returns the base URL serving /oauth/token for a Genesys domain.
func LoginBaseURL(region string) string { return "https://login." + region }

func (c *Config) validate() error {
	if c.Mode == "" {
		c.Mode = ModeClientCredentials
	}
	if c.Margin <= 0 {
		c.Margin = DefaultMargin
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	switch c.Mode {
	case ModeStaticToken:
		if strings.TrimSpace(c.StaticToken) == "" {
			return errors.New("static token mode needs a token: enter it in the data source settings")
		}
	case ModeClientCredentials:
		if c.ClientID == "" || c.ClientSecret == "" {
			return errors.New("client credentials mode needs a client id and a client secret: enter both in the data source settings")
		}
		if c.LoginURL == "" {
			if c.Region == "" {
				return errors.New("client credentials mode needs a region or a login URL")
			}
			c.LoginURL = LoginBaseURL(c.Region)
		}
		u, err := url.Parse(c.LoginURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("login URL %q is not an absolute http(s) URL", c.LoginURL)
		}
		c.LoginURL = strings.TrimRight(c.LoginURL, "/")
	default:
		return fmt.Errorf("unknown auth mode %q: use %q or %q", c.Mode, ModeClientCredentials, ModeStaticToken)
	}
	return nil
}
