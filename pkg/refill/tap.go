package refill

import "github.com/cxlive/genesyscloud-datasource/pkg/event"

// Sink is what the connection manager delivers to (session.Sink).
type Sink interface {
	Event(event.Event)
	Gap(event.Gap)
	TopicStatus(event.TopicStatus)
	Rejected(event.Rejected)
}

// Tap passes everything on to Next and asks R for a refill when a topic's subscription
// is permitted or a gap on it closes. Events go straight through: the hot path pays
// one interface call.
type Tap struct {
	Next Sink
	R    *Refiller
	// Back, if set, is told when a subscription is permitted: the service answers again
	// (the name directory then retries a pass that failed during an outage at once).
	Back func()
}

func (t Tap) Event(e event.Event) { t.Next.Event(e) }

func (t Tap) Rejected(r event.Rejected) { t.Next.Rejected(r) }

func (t Tap) Gap(g event.Gap) {
	t.Next.Gap(g)
	if !g.Open() {
		t.R.GapClosed(g.Topic)
	}
}

func (t Tap) TopicStatus(s event.TopicStatus) {
	t.Next.TopicStatus(s)
	if s.State == event.StatePermitted {
		t.R.Subscribed(s.Topic)
		if t.Back != nil {
			t.Back()
		}
	} else {
		t.R.Unsubscribed(s.Topic) // pending (re-acquired) or rejected: wait for the verdict
	}
}
