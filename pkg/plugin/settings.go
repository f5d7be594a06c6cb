package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// ErrNotConfigured marks a data source whose settings were never filled in.
var ErrNotConfigured = errors.New("the data source is not configured: choose a region and enter an OAuth client id and secret (or a static token) in the data source settings")

// Settings are the validated data source settings (jsonData + secureJsonData).
// Secrets live only in ClientSecret/StaticToken and are never printed: String redacts.
type Settings struct {
	Region       string `json:"region"`
	BaseURL      string `json:"baseUrl"`
	LoginURL     string `json:"loginUrl"`
	AuthType     string `json:"authType"`
	ClientID     string `json:"clientId"`
	RefreshSecs  int    `json:"tokenRefreshMarginSeconds"`
	BackoffBase  int    `json:"backoffBaseSeconds"`
	BackoffCap   int    `json:"backoffCapSeconds"`
	Budget       int    `json:"channelBudget"`
	HistoryMins  int    `json:"historyMinutes"`
	HistoryMB    int    `json:"historyMaxMB"`
	KeepAliveMin int    `json:"alertKeepAliveMinutes"`

	ClientSecret string `json:"-"`
	StaticToken  string `json:"-"`
}

// String never shows a secret (settings end up in error messages and logs).
func (s Settings) String() string {
	return fmt.Sprintf("Settings{region=%s api=%s auth=%s clientId=%s}", s.Region, s.APIURL(), s.AuthType, s.ClientID)
}

// GoString redacts too (%#v).
func (s Settings) GoString() string { return s.String() }

var regionPattern = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+$`)

// LoadSettings parses and validates the instance settings. An empty configuration gives
// ErrNotConfigured; other errors name the field to fix.
func LoadSettings(in backend.DataSourceInstanceSettings) (Settings, error) {
	var s Settings
	if len(in.JSONData) > 0 && string(in.JSONData) != "null" {
		if err := json.Unmarshal(in.JSONData, &s); err != nil {
			return s, fmt.Errorf("jsonData is not valid JSON settings: %w", err)
		}
	}
	s.ClientSecret = in.DecryptedSecureJSONData["clientSecret"]
	s.StaticToken = in.DecryptedSecureJSONData["staticToken"]
	if s.ClientID == "" && s.ClientSecret == "" && s.StaticToken == "" && s.BaseURL == "" && s.AuthType == "" {
		s.applyDefaults()
		return s, ErrNotConfigured
	}
	s.applyDefaults()
	return s, s.validate()
}

func (s *Settings) applyDefaults() {
	s.Region = strings.TrimSpace(strings.ToLower(s.Region))
	if s.Region == "" {
		s.Region = "mypurecloud.com"
	}
	if s.AuthType == "" {
		s.AuthType = string(auth.ModeClientCredentials)
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.RefreshSecs, 60)
	def(&s.BackoffBase, 1)
	def(&s.BackoffCap, 120)
	def(&s.Budget, 3)
	def(&s.HistoryMins, 60)
	def(&s.HistoryMB, 64)
	def(&s.KeepAliveMin, 15)
	s.BaseURL = strings.TrimRight(strings.TrimSpace(s.BaseURL), "/")
	s.LoginURL = strings.TrimRight(strings.TrimSpace(s.LoginURL), "/")
}

func (s *Settings) validate() error {
	if s.Region == "custom" {
		if !absoluteHTTP(s.BaseURL) {
			return errors.New("baseUrl must be an absolute http(s) URL when region is custom")
		}
		if s.LoginURL != "" && !absoluteHTTP(s.LoginURL) {
			return errors.New("loginUrl must be an absolute http(s) URL (or empty to use baseUrl)")
		}
	} else if !regionPattern.MatchString(s.Region) {
		return fmt.Errorf("region %q is not a Genesys Cloud domain such as mypurecloud.ie (or \"custom\" with a baseUrl)", s.Region)
	}
	switch auth.Mode(s.AuthType) {
	case auth.ModeClientCredentials:
		if strings.TrimSpace(s.ClientID) == "" {
			return errors.New("clientId is required for client credentials authentication")
		}
		if s.ClientSecret == "" {
			return errors.New("clientSecret is missing: enter it in the data source settings")
		}
	case auth.ModeStaticToken:
		if strings.TrimSpace(s.StaticToken) == "" {
			return errors.New("staticToken is missing: enter it in the data source settings")
		}
	default:
		return fmt.Errorf("authType %q is unknown: use clientCredentials or staticToken", s.AuthType)
	}
	checks := []struct {
		name      string
		v, lo, hi int
	}{
		{"tokenRefreshMarginSeconds", s.RefreshSecs, 1, 3600},
		{"backoffBaseSeconds", s.BackoffBase, 1, 3600},
		{"backoffCapSeconds", s.BackoffCap, 1, 86400},
		{"channelBudget", s.Budget, 1, 20},
		{"historyMinutes", s.HistoryMins, 1, 7 * 24 * 60},
		{"historyMaxMB", s.HistoryMB, 1, 4096},
		{"alertKeepAliveMinutes", s.KeepAliveMin, 1, 24 * 60},
	}
	for _, c := range checks {
		if c.v < c.lo || c.v > c.hi {
			return fmt.Errorf("%s must be between %d and %d (got %d)", c.name, c.lo, c.hi, c.v)
		}
	}
	if s.BackoffCap < s.BackoffBase {
		return errors.New("backoffCapSeconds must not be below backoffBaseSeconds")
	}
	return nil
}

func absoluteHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// APIURL is the REST base URL.
func (s Settings) APIURL() string {
	if s.Region == "custom" {
		return s.BaseURL
	}
	return genesys.APIBaseURL(s.Region)
}

// LoginBase is the base URL serving /oauth/token.
func (s Settings) LoginBase() string {
	if s.Region != "custom" {
		return auth.LoginBaseURL(s.Region)
	}
	if s.LoginURL != "" {
		return s.LoginURL
	}
	return s.BaseURL
}

// Where names the upstream for health messages (no secrets in URLs we build).
func (s Settings) Where() string {
	if s.Region == "custom" {
		return "base URL " + s.BaseURL
	}
	return "region " + s.Region
}

// AuthConfig is the pkg/auth configuration for these settings.
func (s Settings) AuthConfig() auth.Config {
	return auth.Config{
		Mode: auth.Mode(s.AuthType), ClientID: s.ClientID, ClientSecret: s.ClientSecret,
		LoginURL: s.LoginBase(), StaticToken: s.StaticToken, Margin: time.Duration(s.RefreshSecs) * time.Second,
	}
}

// History is how long the hub keeps events; MaxBytes its memory bound.
func (s Settings) History() time.Duration   { return time.Duration(s.HistoryMins) * time.Minute }
func (s Settings) MaxBytes() int64          { return int64(s.HistoryMB) << 20 }
func (s Settings) KeepAlive() time.Duration { return time.Duration(s.KeepAliveMin) * time.Minute }
