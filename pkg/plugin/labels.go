package plugin

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
)

// namer maps queue and user ids to display names (*names.Directory).
type namer interface {
	QueueName(id string) (string, bool)
	UserName(id string) (string, bool)
}

// nameSource is the namer with its first-pass signal (*names.Directory).
type nameSource interface {
	namer
	Loaded() <-chan struct{}
	Entities(kind, query string) ([]genesys.Entity, time.Time)
}

// nameLabel is an id label pkg/frames sets and the name label added beside it.
type nameLabel struct {
	id, name string
	lookup   func(namer, string) (string, bool)
}

var nameLabels = []nameLabel{
	{"queueId", "queueName", namer.QueueName},
	{"userId", "userName", namer.UserName},
}

// NameLabel is the label that carries the name of the entity whose id is in idLabel
// (queueId → queueName, userId → userName); ok is false for ids that get no name.
// Provisioning tests use it to check that dashboards read labels the plugin sets.
func NameLabel(idLabel string) (name string, ok bool) {
	for _, l := range nameLabels {
		if l.id == idLabel {
			return l.name, true
		}
	}
	return "", false
}

// addNames pairs every id label pkg/frames put on a field with a name label, so a
// legend or an alert reads "Support" rather than a queue id. A name not known yet
// falls back to the id: panels written against queueName/userName always show
// something, and the id stays in its own label for rules that match on it.
func addNames(f *data.Frame, n namer) {
	if f == nil || n == nil {
		return
	}
	for _, fl := range f.Fields {
		if named := withNames(fl.Labels, n); named != nil {
			fl.Labels = named
		}
	}
}

// withNames returns a copy of labels with the name labels added, or nil when labels
// has no id to name. It copies because pkg/frames shares one label map between the
// fields of a topic, and between the packets of a stream.
func withNames(labels data.Labels, n namer) data.Labels {
	var out data.Labels
	for _, l := range nameLabels {
		id, ok := labels[l.id]
		if !ok {
			continue
		}
		if out == nil {
			out = make(data.Labels, len(labels)+1)
			for k, v := range labels {
				out[k] = v
			}
		}
		name, known := l.lookup(n, id)
		if !known {
			name = id
		}
		out[l.name] = name
	}
	return out
}
