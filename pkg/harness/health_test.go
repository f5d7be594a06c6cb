package harness

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestCheckHealthNotConfigured(t *testing.T) {
	p := startPlugin(t)
	res := p.checkHealth(t, dsSettings{uid: "empty", updated: time.Unix(1, 0)})
	if res.Status != backend.HealthStatusError {
		t.Fatalf("status %v, want error for empty settings (message %q)", res.Status, res.Message)
	}
	if !strings.Contains(res.Message, "not configured") {
		t.Errorf("message %q does not say the data source is not configured", res.Message)
	}
}

func TestCheckHealthNamesTheBadField(t *testing.T) {
	p := startPlugin(t)
	res := p.checkHealth(t, dsSettings{uid: "nosecret", updated: time.Unix(1, 0),
		json: map[string]any{"region": "custom", "baseUrl": "http://127.0.0.1:1", "clientId": "abc"}})
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "clientSecret") {
		t.Fatalf("got %v %q, want an error naming clientSecret", res.Status, res.Message)
	}
}
