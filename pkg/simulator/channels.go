package simulator

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// channel is a notification channel; it belongs to the token that created it.
type channel struct {
	id       string
	clientID string
	owner    *token
	created  time.Time
	expires  time.Time
	lastUsed time.Time
	topics   map[string]string // lower-case topic -> topic as subscribed
	sock     *socket
	closing  bool // socket_closing sent, abnormal close pending
}

// ChannelInfo describes a channel for tests and /_sim/channels.
type ChannelInfo struct {
	ID             string    `json:"id"`
	Created        time.Time `json:"created"`
	Expires        time.Time `json:"expires"`
	Topics         []string  `json:"topics"`
	Connected      bool      `json:"connected"`
	Closing        bool      `json:"closing"` // socket_closing sent, close pending
	OwnerTokenHash string    `json:"ownerTokenHash"`
	Queued         int64     `json:"queued"`  // messages queued for the current socket
	Sent           int64     `json:"sent"`    // messages written to the current socket
	Dropped        int64     `json:"dropped"` // messages dropped because the socket's queue was full
}

type channelJSON struct {
	ConnectURI string `json:"connectUri"`
	ID         string `json:"id"`
	Expires    string `json:"expires"`
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func wsBase(r *http.Request) string {
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	return scheme + "://" + r.Host
}

func (s *Server) handleCreateChannel(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	now := s.clock.Now()
	ch := &channel{
		id: s.newUUID(), clientID: t.clientID, owner: t,
		created: now, expires: now.Add(s.cfg.ChannelLifetime), lastUsed: now,
		topics: map[string]string{},
	}
	s.mu.Lock()
	evicted := s.evictLocked(t.clientID, now)
	var evictedSock *socket
	if evicted != nil {
		evictedSock = evicted.sock
	}
	s.channels[ch.id] = ch
	s.mu.Unlock()
	if evicted != nil {
		s.record(Record{Kind: "channel_evicted", Channel: evicted.id, Token: evicted.owner.hash, Detail: "least recently used"})
		if evictedSock != nil {
			evictedSock.abort()
		}
	}
	s.record(Record{Kind: "channel_create", Channel: ch.id, Token: t.hash, Status: 200})
	writeJSON(w, 200, channelJSON{ConnectURI: wsBase(r) + "/channels/" + ch.id, ID: ch.id, Expires: isoTime(ch.expires)})
}

// evictLocked removes the least recently used channel of the client when it is at the limit,
// unconnected channels first, and returns it.
func (s *Server) evictLocked(clientID string, now time.Time) *channel {
	var mine []*channel
	for id, ch := range s.channels {
		if !now.Before(ch.expires) {
			delete(s.channels, id)
			continue
		}
		if ch.clientID == clientID {
			mine = append(mine, ch)
		}
	}
	if len(mine) < s.cfg.MaxChannels {
		return nil
	}
	sort.Slice(mine, func(i, j int) bool {
		ci, cj := mine[i].sock != nil, mine[j].sock != nil
		if ci != cj {
			return !ci
		}
		return mine[i].lastUsed.Before(mine[j].lastUsed)
	})
	victim := mine[0]
	delete(s.channels, victim.id)
	return victim
}

func (s *Server) handleListChannels(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	scope := strings.ToLower(r.URL.Query().Get("includechannels"))
	if scope == "" {
		scope = "token"
	}
	if scope != "token" && scope != "oauthclient" {
		s.writeError(w, 400, "invalid.value", "includechannels must be token or oauthclient")
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	out := []channelJSON{}
	for _, ch := range s.channels {
		if !now.Before(ch.expires) || ch.clientID != t.clientID || (scope == "token" && ch.owner != t) {
			continue
		}
		out = append(out, channelJSON{ConnectURI: wsBase(r) + "/channels/" + ch.id, ID: ch.id, Expires: isoTime(ch.expires)})
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	s.record(Record{Kind: "channel_list", Token: t.hash, Status: 200, Detail: scope})
	writeJSON(w, 200, map[string]any{"entities": out})
}

func (s *Server) handleHeadChannel(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	id := r.PathValue("id")
	status := 200
	if s.lookupChannel(id, t) == nil {
		status = 404
	}
	s.record(Record{Kind: "channel_head", Channel: id, Token: t.hash, Status: status})
	w.WriteHeader(status)
}

// lookupChannel returns the live channel id as seen by token t (nil when gone, expired or,
// unless ShareChannels, owned by another token).
func (s *Server) lookupChannel(id string, t *token) *channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[id]
	if ch == nil || !s.clock.Now().Before(ch.expires) {
		return nil
	}
	if t != nil && ch.owner != t && !(s.cfg.ShareChannels && ch.clientID == t.clientID) {
		return nil
	}
	return ch
}

// Channels describes every live channel, sorted by creation time.
func (s *Server) Channels() []ChannelInfo {
	now := s.clock.Now()
	s.mu.Lock()
	out := make([]ChannelInfo, 0, len(s.channels))
	for _, ch := range s.channels {
		if !now.Before(ch.expires) {
			continue
		}
		ci := ChannelInfo{ID: ch.id, Created: ch.created, Expires: ch.expires, Topics: ch.topicList(),
			Connected: ch.sock != nil, Closing: ch.closing, OwnerTokenHash: ch.owner.hash}
		if ch.sock != nil {
			ci.Queued, ci.Sent, ci.Dropped = ch.sock.queued.Load(), ch.sock.sent.Load(), ch.sock.dropped.Load()
		}
		out = append(out, ci)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Created.Equal(out[j].Created) {
			return out[i].ID < out[j].ID
		}
		return out[i].Created.Before(out[j].Created)
	})
	return out
}

func (ch *channel) topicList() []string {
	out := make([]string, 0, len(ch.topics))
	for _, t := range ch.topics {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// ExpireChannel makes the channel expire now; its socket, if any, is closed abnormally.
func (s *Server) ExpireChannel(channelID string) {
	s.mu.Lock()
	ch := s.channels[channelID]
	delete(s.channels, channelID)
	var sk *socket
	if ch != nil {
		sk = ch.sock
	}
	s.mu.Unlock()
	if ch == nil {
		return
	}
	s.record(Record{Kind: "channel_expired", Channel: channelID})
	if sk != nil {
		sk.abort()
	}
}

// sweepExpired forgets expired channels and closes their sockets.
func (s *Server) sweepExpired() {
	now := s.clock.Now()
	var gone []string
	var socks []*socket
	s.mu.Lock()
	for id, ch := range s.channels {
		if !now.Before(ch.expires) {
			delete(s.channels, id)
			gone = append(gone, id)
			if ch.sock != nil {
				socks = append(socks, ch.sock)
			}
		}
	}
	s.mu.Unlock()
	for _, id := range gone {
		s.record(Record{Kind: "channel_expired", Channel: id})
	}
	for _, sk := range socks {
		sk.abort()
	}
}
