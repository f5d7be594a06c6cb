package plugin

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestLoadSettings(t *testing.T) {
	cases := []struct {
		name    string
		json    string
		secure  map[string]string
		wantErr string
	}{
		{"empty", `{}`, nil, "not configured"},
		{"null", ``, nil, "not configured"},
		{"bad json", `{"region":`, nil, "jsonData is not valid"},
		{"no client id", `{"region":"mypurecloud.ie"}`, map[string]string{"clientSecret": "s"}, "clientId is required for client credentials authentication"},
		{"no secret", `{"clientId":"c"}`, nil, "clientSecret is missing: enter it in the data source settings"},
		{"custom without base", `{"region":"custom","clientId":"c"}`, map[string]string{"clientSecret": "s"}, "baseUrl must be an absolute http(s) URL when region is custom"},
		{"custom relative base", `{"region":"custom","baseUrl":"/api","clientId":"c"}`, map[string]string{"clientSecret": "s"}, "baseUrl must be"},
		{"bad login", `{"region":"custom","baseUrl":"http://x","loginUrl":"ftp://x","clientId":"c"}`, map[string]string{"clientSecret": "s"}, "loginUrl"},
		{"bad region", `{"region":"my pure cloud","clientId":"c"}`, map[string]string{"clientSecret": "s"}, "region"},
		{"bad auth type", `{"authType":"password","clientId":"c"}`, nil, "authType"},
		{"static without token", `{"authType":"staticToken"}`, nil, "staticToken is missing"},
		{"budget too high", `{"clientId":"c","channelBudget":21}`, map[string]string{"clientSecret": "s"}, "channelBudget must be between 1 and 20"},
		{"negative history", `{"clientId":"c","historyMinutes":-1}`, map[string]string{"clientSecret": "s"}, "historyMinutes"},
		{"cap below base", `{"clientId":"c","backoffBaseSeconds":10,"backoffCapSeconds":5}`, map[string]string{"clientSecret": "s"}, "backoffCapSeconds must not be below"},
		{"ok defaults", `{"clientId":"c"}`, map[string]string{"clientSecret": "s"}, ""},
		{"ok custom", `{"region":"custom","baseUrl":"http://127.0.0.1:8080/","clientId":"c"}`, map[string]string{"clientSecret": "s"}, ""},
		{"ok static", `{"authType":"staticToken"}`, map[string]string{"staticToken": "tok"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: []byte(tc.json), DecryptedSecureJSONData: tc.secure})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
			}
			if tc.name == "empty" && !errors.Is(err, ErrNotConfigured) {
				t.Errorf("empty settings should be ErrNotConfigured")
			}
			_ = s
		})
	}
}

func TestSettingsDefaultsAndURLs(t *testing.T) {
	s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: []byte(`{"clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "s3cret-value"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Region != "mypurecloud.com" || s.Budget != 3 || s.HistoryMins != 60 || s.HistoryMB != 64 || s.KeepAliveMin != 15 ||
		s.RefreshSecs != 60 || s.BackoffBase != 1 || s.BackoffCap != 120 {
		t.Errorf("defaults not applied: %+v", s)
	}
	if s.APIURL() != "https://api.mypurecloud.com" || s.LoginBase() != "https://login.mypurecloud.com" {
		t.Errorf("urls %s %s", s.APIURL(), s.LoginBase())
	}
	for _, out := range []string{s.String(), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)} {
		if strings.Contains(out, "s3cret-value") {
			t.Errorf("settings printed the secret: %s", out)
		}
	}
	c, _ := LoadSettings(backend.DataSourceInstanceSettings{JSONData: []byte(`{"region":"custom","baseUrl":"http://h:1/","clientId":"c"}`),
		DecryptedSecureJSONData: map[string]string{"clientSecret": "s"}})
	if c.APIURL() != "http://h:1" || c.LoginBase() != "http://h:1" {
		t.Errorf("custom urls %s %s", c.APIURL(), c.LoginBase())
	}
}
