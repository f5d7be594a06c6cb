package plugin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// healthTimeout bounds one health check (token + channel + socket ping).
const healthTimeout = 20 * time.Second

// CheckHealth probes the whole path: token, channel, socket. The message says which
// step failed and what to change; it never contains a token or the secret.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if err := d.ready(); err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.scrub(err.Error())}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := d.up.Check(ctx); err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.scrub(explainHealth(err, d.settings))}, nil
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: healthyMessage(d.settings.Where(), d.up.Status())}, nil
}

// healthyMessage says in plain words what the check proved and what streams now.
func healthyMessage(where string, st session.Status) string {
	msg := fmt.Sprintf("Connected to Genesys Cloud (%s): signed in, opened a notification channel and got an answer over its WebSocket.", where)
	if st.EvictionWarning != "" { // the connection works, but channels keep being taken
		msg += " Warning: " + st.EvictionWarning + "."
	}
	if n := len(st.Topics); n > 0 {
		return msg + fmt.Sprintf(" Streaming %d topic(s) for panels and alert rules.", n)
	}
	return msg + " No panel or alert rule uses this data source yet: its topics are subscribed when one does."
}

// explainHealth turns a probe error into advice.
func explainHealth(err error, s Settings) string {
	switch {
	case errors.Is(err, session.ErrEvicted):
		return "Genesys Cloud removed a channel of this data source because another holder of the OAuth client created more than 20: " + err.Error()
	case errors.Is(err, session.ErrTokenLifetime):
		return "Access tokens live too short: " + err.Error()
	case errors.Is(err, auth.ErrAuth):
		if s.AuthType == string(auth.ModeStaticToken) {
			return "Authentication failed: " + err.Error()
		}
		return "Authentication failed (check clientId and clientSecret, and that the OAuth client uses the client credentials grant): " + err.Error()
	case errors.Is(err, genesys.ErrUnauthorized):
		return "The token was refused by the API at " + s.APIURL() + " (does the OAuth client belong to this region?): " + err.Error()
	case errors.Is(err, genesys.ErrForbidden):
		return "Missing permission: the OAuth client's role needs the notifications permissions (notification:channel:*) : " + err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Timed out after %s reaching Genesys Cloud (%s): %s", healthTimeout, s.Where(), err)
	}
	return fmt.Sprintf("Cannot reach Genesys Cloud (%s): %s", s.Where(), err)
}

// scrub removes any secret the instance knows from a message, as a last line of defence.
func (d *Datasource) scrub(msg string) string {
	for _, secret := range []string{d.settings.ClientSecret, d.settings.StaticToken} {
		if len(secret) >= 4 {
			msg = strings.ReplaceAll(msg, secret, "[redacted]")
		}
	}
	return msg
}
