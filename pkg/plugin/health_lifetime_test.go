package plugin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jonboulle/clockwork"

	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// Tokens too short for the session: the health check names the lifetime and margin.
func TestCheckHealthShortTokens(t *testing.T) {
	d, up, _ := testDS(clockwork.NewFakeClock())
	defer d.Dispose()
	up.checkErr = &session.TokenLifetimeError{Lifetime: 15 * time.Second, Margin: time.Minute, Applied: 7500 * time.Millisecond, Interval: 5 * time.Minute}
	res, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	want := "Access tokens live too short: tokens from this OAuth client live 15 s; the margin is 60 s (7 s applied"
	if res.Status != backend.HealthStatusError || !strings.HasPrefix(res.Message, want) {
		t.Errorf("health %v %q, want it to start with %q", res.Status, res.Message, want)
	}
}
