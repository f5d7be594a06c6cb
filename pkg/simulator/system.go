package simulator

import (
	"strings"
)

// systemBody is the body of v2.system.* messages.
type systemBody struct {
	ChannelID       string `json:"channelId"`
	SystemTopicType string `json:"systemTopicType"`
	Reason          string `json:"reason"`
	Message         string `json:"message"`
}

// SendSocketClosing sends v2.system.socket_closing on the channel's socket, then closes that
// socket abnormally after SocketClosingGrace of Clock (unless it is gone by then).
func (s *Server) SendSocketClosing(channelID string) {
	sk := s.socketOf(channelID)
	if sk == nil {
		return
	}
	s.record(Record{Kind: "fault_socket_closing", Channel: channelID, Token: sk.token})
	sk.enqueue(s.Envelope("v2.system.socket_closing", systemBody{ChannelID: channelID, SystemTopicType: "socket_closing",
		Reason: "MAINTENANCE", Message: "This socket will close soon: open a new socket and close this one."}))
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
		return
	default:
	}
	sk.ch.closing = true
	s.timerSeq++
	id := s.timerSeq
	s.timers[id] = s.clock.AfterFunc(s.cfg.SocketClosingGrace, func() {
		s.mu.Lock()
		delete(s.timers, id)
		s.mu.Unlock()
		select {
		case <-s.closed:
			return
		default:
		}
		s.record(Record{Kind: "socket_closing_closed", Channel: channelID, Token: sk.token})
		sk.abort()
	})
}

// NoLongerSubscribed sends v2.system.no_longer_subscribed.<channelId> and drops the
// channel's subscriptions.
func (s *Server) NoLongerSubscribed(channelID string) {
	s.mu.Lock()
	ch := s.channels[channelID]
	var sk *socket
	if ch != nil {
		ch.topics = map[string]string{}
		sk = ch.sock
	}
	s.mu.Unlock()
	if ch == nil {
		return
	}
	s.record(Record{Kind: "fault_no_longer_subscribed", Channel: channelID})
	if sk != nil {
		sk.enqueue(s.Envelope("v2.system.no_longer_subscribed."+channelID, systemBody{ChannelID: channelID,
			SystemTopicType: "no_longer_subscribed", Reason: "SUBSCRIPTION_MOVED",
			Message: "Subscriptions on this channel were removed; create a new channel and subscribe again."}))
	}
}

// RevokeTokens revokes every token issued so far: 401 on REST and upgrades, and
// v2.system.token_revoked.<channelId> on the sockets of their channels, whose
// subscriptions are dropped.
func (s *Server) RevokeTokens() {
	type target struct {
		id string
		sk *socket
	}
	var targets []target
	s.mu.Lock()
	for _, t := range s.tokens {
		t.revoked = true
	}
	for _, ch := range s.channels {
		ch.topics = map[string]string{}
		if ch.sock != nil {
			targets = append(targets, target{ch.id, ch.sock})
		}
	}
	s.mu.Unlock()
	s.record(Record{Kind: "fault_tokens_revoked"})
	for _, tg := range targets {
		tg.sk.enqueue(s.Envelope("v2.system.token_revoked."+tg.id, systemBody{ChannelID: tg.id,
			SystemTopicType: "token_revoked", Reason: "TOKEN_REVOKED",
			Message: "The access token of this channel was revoked; get a new token and create a new channel."}))
	}
}

// SetStall stops (on) or resumes writing to the channel's socket; while stalled its bounded
// queue fills and further messages are dropped and counted.
func (s *Server) SetStall(channelID string, on bool) {
	if sk := s.socketOf(channelID); sk != nil {
		s.record(Record{Kind: "fault_stall", Channel: channelID, Detail: map[bool]string{true: "on", false: "off"}[on]})
		sk.setStall(on)
	}
}

// DropAllSockets closes every socket abnormally (1006) now, including those whose upgrade
// is under way: they are closed when they would register.
func (s *Server) DropAllSockets() {
	s.mu.Lock()
	s.dropEpoch++ // with the list taken under the same lock, no socket falls between the two
	socks := s.socketsLocked()
	s.mu.Unlock()
	s.record(Record{Kind: "fault_drop_all", Detail: itoa(int64(len(socks))) + " sockets"})
	for _, sk := range socks {
		sk.abort()
	}
}

// DropUpgrades makes the next n socket upgrades succeed and then close abnormally at once.
func (s *Server) DropUpgrades(n int) {
	s.dropUpgrades.Store(int64(n))
	s.record(Record{Kind: "fault_drop_upgrades", Detail: itoa(int64(n))})
}

// DropSocketsAfter closes each socket abnormally once it has been sent n messages (0 = off).
func (s *Server) DropSocketsAfter(n int) {
	s.dropAfter.Store(int64(n))
	s.record(Record{Kind: "fault_drop_after", Detail: itoa(int64(n))})
}

// SetHeartbeats turns the periodic heartbeat on or off.
func (s *Server) SetHeartbeats(on bool) {
	s.heartbeats.Store(on)
	s.record(Record{Kind: "fault_heartbeats", Detail: strings.ToLower(map[bool]string{true: "on", false: "off"}[on])})
}

// SetPongs turns answers to {"message":"ping"} on or off.
func (s *Server) SetPongs(on bool) {
	s.pongs.Store(on)
	s.record(Record{Kind: "fault_pongs", Detail: map[bool]string{true: "on", false: "off"}[on]})
}
