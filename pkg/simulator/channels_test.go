package simulator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCreateListHeadChannel(t *testing.T) {
	s, fc := newSim(t, Config{ChannelLifetime: time.Hour})
	tok := getToken(t, s)
	r := call(t, s, "POST", "/api/v2/notifications/channels", tok, "")
	if r.status != 200 {
		t.Fatalf("create: %d", r.status)
	}
	m := r.json(t)
	sameKeys(t, "channel", m, "connectUri", "id", "expires")
	id := m["id"].(string)
	wantURI := "ws" + strings.TrimPrefix(s.URL(), "http") + "/channels/" + id
	if m["connectUri"] != wantURI {
		t.Errorf("connectUri %v, want %s", m["connectUri"], wantURI)
	}
	exp, err := time.Parse(time.RFC3339, m["expires"].(string))
	if err != nil || !exp.Equal(testStart.Add(time.Hour)) {
		t.Errorf("expires %v (%v)", m["expires"], err)
	}

	other := getToken(t, s)
	newChannel(t, s, other)
	for _, tc := range []struct {
		scope string
		want  int
	}{{"token", 1}, {"oauthclient", 2}, {"", 1}} {
		r := call(t, s, "GET", "/api/v2/notifications/channels?includechannels="+tc.scope, tok, "")
		var list struct{ Entities []map[string]any }
		if err := json.Unmarshal(r.body, &list); err != nil || r.status != 200 {
			t.Fatalf("list %s: %d %v", tc.scope, r.status, err)
		}
		if len(list.Entities) != tc.want {
			t.Errorf("list %q: %d channels, want %d", tc.scope, len(list.Entities), tc.want)
		}
		sameKeys(t, "listed channel", list.Entities[0], "connectUri", "id", "expires")
	}
	if r := call(t, s, "GET", "/api/v2/notifications/channels?includechannels=everyone", tok, ""); r.status != 400 {
		t.Errorf("bad scope: %d", r.status)
	}

	if r := call(t, s, "HEAD", "/api/v2/notifications/channels/"+id, tok, ""); r.status != 200 {
		t.Errorf("HEAD live: %d", r.status)
	}
	if r := call(t, s, "HEAD", "/api/v2/notifications/channels/"+id, other, ""); r.status != 404 {
		t.Errorf("HEAD by another token: %d, want 404 (channels belong to their token)", r.status)
	}
	if r := call(t, s, "HEAD", "/api/v2/notifications/channels/nope", tok, ""); r.status != 404 {
		t.Errorf("HEAD unknown: %d", r.status)
	}
	fc.Advance(time.Hour)
	if r := call(t, s, "HEAD", "/api/v2/notifications/channels/"+id, tok, ""); r.status != 404 {
		t.Errorf("HEAD expired: %d", r.status)
	}
	if s.Count("channel_head") != 4 || s.Count("channel_create") != 2 {
		t.Errorf("records: head %d create %d", s.Count("channel_head"), s.Count("channel_create"))
	}
}

func TestShareChannels(t *testing.T) {
	s, _ := newSim(t, Config{ShareChannels: true})
	a, b := getToken(t, s), getToken(t, s)
	c := newChannel(t, s, a)
	if r := call(t, s, "HEAD", "/api/v2/notifications/channels/"+c.ID, b, ""); r.status != 200 {
		t.Errorf("shared HEAD: %d", r.status)
	}
}

func TestChannelLimitEvictsLeastRecentlyUsed(t *testing.T) {
	s, fc := newSim(t, Config{})
	tok := getToken(t, s)
	var ids []string
	for i := 0; i < 20; i++ {
		ids = append(ids, newChannel(t, s, tok).ID)
		fc.Advance(time.Second)
	}
	// ids[0] is connected, so the first unconnected one goes first; ids[1] is then used again.
	mustDial(t, "ws"+strings.TrimPrefix(s.URL(), "http")+"/channels/"+ids[0])
	waitFor(t, "socket registered", func() bool { return s.Count("upgrade") == 1 })
	if r := subscribe(t, s, tok, ids[1], "v2.users.u1.presence"); r.status != 200 {
		t.Fatalf("subscribe: %d", r.status)
	}
	newChannel(t, s, tok) // 21st
	live := map[string]bool{}
	for _, c := range s.Channels() {
		live[c.ID] = true
	}
	if len(live) != 20 {
		t.Fatalf("%d channels, want 20", len(live))
	}
	if live[ids[2]] || !live[ids[0]] || !live[ids[1]] {
		t.Errorf("evicted the wrong channel: ids[0..2] alive = %v %v %v", live[ids[0]], live[ids[1]], live[ids[2]])
	}
	if s.Count("channel_evicted") != 1 {
		t.Errorf("evictions %d", s.Count("channel_evicted"))
	}
	if r := subscribe(t, s, tok, ids[2], "v2.users.u1.presence"); r.status != 404 {
		t.Errorf("evicted channel subscribe: %d", r.status)
	}
}

func TestChannelLimitEvictsConnectedWhenAllConnected(t *testing.T) {
	s, fc := newSim(t, Config{MaxChannels: 2})
	tok := getToken(t, s)
	a, b := newChannel(t, s, tok), newChannel(t, s, tok)
	fc.Advance(time.Second)
	ca := mustDial(t, a.ConnectURI)
	fc.Advance(time.Second)
	mustDial(t, b.ConnectURI)
	waitFor(t, "two sockets", func() bool { return s.Count("upgrade") == 2 })
	newChannel(t, s, tok)
	if err := readErr(t, ca); !isAbnormal(err) {
		t.Errorf("evicted socket: %v, want 1006", err)
	}
}
