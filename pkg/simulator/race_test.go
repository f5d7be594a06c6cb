package simulator

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestConcurrentFaultsAndClients runs clients, faults and the generator at once so that the
// race detector sees every shared path.
func TestConcurrentFaultsAndClients(t *testing.T) {
	s, fc := newSim(t, Config{MaxChannels: 3, HeartbeatInterval: time.Second, SocketQueue: 16})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.StartGenerator(ctx, GeneratorConfig{Rate: 50, Tick: 100 * time.Millisecond})
	q := s.Population().Queues[0].ID
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				r := tokenReq(t, s, "sim-client", "sim-secret", "grant_type=client_credentials")
				if r.status != 200 {
					continue
				}
				tok := r.json(t)["access_token"].(string)
				c := call(t, s, "POST", "/api/v2/notifications/channels", tok, "")
				if c.status != 200 {
					continue
				}
				id := c.json(t)["id"].(string)
				subscribe(t, s, tok, id, "v2.analytics.queues."+q+".observations", "v2.users.u1.presence")
				ws, _, err := dial(t, c.json(t)["connectUri"].(string))
				if err != nil {
					continue
				}
				_ = ws.WriteMessage(1, []byte(`{"message":"ping"}`))
				_ = ws.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
				for {
					if _, _, err := ws.ReadMessage(); err != nil {
						break
					}
				}
				call(t, s, "HEAD", "/api/v2/notifications/channels/"+id, tok, "")
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 30; i++ {
			fc.Advance(300 * time.Millisecond)
			s.Publish("v2.users.u1.presence", map[string]any{"i": i})
			for _, c := range s.Channels() {
				switch i % 6 {
				case 0:
					s.SetStall(c.ID, i%12 == 0)
				case 1:
					s.NoLongerSubscribed(c.ID)
				case 2:
					s.SendSocketClosing(c.ID)
				case 3:
					s.SendRaw(c.ID, []byte("{"))
				}
			}
			if i%10 == 9 {
				s.ExpireTokens()
				s.DropAllSockets()
			}
			_ = s.Records()
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	s.RevokeTokens()
}
