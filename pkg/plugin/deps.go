package plugin

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/event"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/hub"
	"github.com/cxlive/genesyscloud-datasource/pkg/refill"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

// The Grafana side talks to the rest of the plugin only through these small
// interfaces, so its tests run with fakes and no network.

// upstream is the connection manager (*session.Manager).
type upstream interface {
	Acquire(topics ...string) (release func())
	Status() session.Status
	State() (state, reason string) // cheap: no topic list
	Check(ctx context.Context) error
	Close()
}

// store is the topic hub: history, last values, gaps, topic verdicts, live feeds.
type store interface {
	History(topic string, from, to time.Time) []event.Event
	LastBefore(topic string, t time.Time) (event.Event, bool)
	Gaps(topic string, from, to time.Time) []event.Gap
	TopicStatus(topic string) (event.TopicStatus, bool)
	Rejections(topic string) hub.Rejections
	Subscribe(topics []string, buffer int) feed
}

// feed is one live subscription to the hub.
type feed interface {
	C() <-chan event.Event
	Dropped() uint64
	Close()
}

// framer turns event bodies into frames (pkg/frames).
type framer interface {
	Build(topic string, events []event.Event, fields []string) (*data.Frame, error)
	Latest(topic string, evs []event.Event, fields []string) (*data.Frame, error)
	Streamer(topic string, fields []string) streamer
}

// streamer builds successive frames of one live topic with a stable schema.
type streamer interface {
	Frame(events []event.Event) (frame *data.Frame, schemaChanged bool)
}

// catalog is the REST lookups behind the resources (pkg/genesys with a token).
type catalog interface {
	AvailableTopics(ctx context.Context) ([]genesys.AvailableTopic, error)
	Queues(ctx context.Context, name string, page, pageSize int) (genesys.Page, error)
	Users(ctx context.Context, page, pageSize int) (genesys.Page, error)
}

// refiller is the current-state refill (*refill.Refiller).
type refiller interface {
	State(topic string) (refill.TopicState, bool)
	Status() refill.Status
	Await(ctx context.Context, topics []string)
}
