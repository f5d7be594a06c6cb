package provisioning

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator"
)

type contactFile struct {
	ContactPoints []struct {
		OrgID     int    `yaml:"orgId"`
		Name      string `yaml:"name"`
		Receivers []struct {
			UID      string            `yaml:"uid"`
			Type     string            `yaml:"type"`
			Settings map[string]string `yaml:"settings"`
		} `yaml:"receivers"`
	} `yaml:"contactPoints"`
	Policies []struct {
		OrgID    int      `yaml:"orgId"`
		Receiver string   `yaml:"receiver"`
		GroupBy  []string `yaml:"group_by"`
	} `yaml:"policies"`
}

// TestDemoAlertsGoSomewhere: the demo provisions a contact point and the policy that
// routes every alert to it, a webhook to the simulator's /_sim/alerts, which the compose
// file's simulator service serves (without them firing alerts went nowhere).
func TestDemoAlertsGoSomewhere(t *testing.T) {
	var f contactFile
	readYAML(t, filepath.Join(provDir, "alerting", "contact-points.yaml"), &f)
	if len(f.ContactPoints) != 1 || len(f.Policies) != 1 {
		t.Fatalf("want one contact point and one policy, got %d and %d", len(f.ContactPoints), len(f.Policies))
	}
	cp, pol := f.ContactPoints[0], f.Policies[0]
	if pol.Receiver != cp.Name || pol.OrgID != 1 || cp.OrgID != 1 {
		t.Errorf("the policy routes to %q, the contact point is %q", pol.Receiver, cp.Name)
	}
	if !contains(pol.GroupBy, "alertname") {
		t.Errorf("group_by %v: group by rule at least", pol.GroupBy)
	}
	if len(cp.Receivers) != 1 || cp.Receivers[0].Type != "webhook" {
		t.Fatalf("receivers %+v", cp.Receivers)
	}
	u, err := url.Parse(cp.Receivers[0].Settings["url"])
	if err != nil || u.Hostname() != "simulator" || u.Path != "/_sim/alerts" {
		t.Fatalf("webhook url %q: want the compose simulator's /_sim/alerts", cp.Receivers[0].Settings["url"])
	}
	if _, ok := readCompose(t).Services[u.Hostname()]; !ok {
		t.Errorf("no compose service %q", u.Hostname())
	}
	sim := simulator.NewTestServer(t, simulator.Config{})
	resp, err := http.Post(sim.URL()+u.Path, "application/json", strings.NewReader(`{"status":"firing","alerts":[]}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the simulator does not take the webhook: %v %v", err, resp)
	}
	_ = resp.Body.Close()
}
