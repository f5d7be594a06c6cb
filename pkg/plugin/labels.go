package plugin

import "github.com/grafana/grafana-plugin-sdk-go/data"

// namer maps queue and user ids to display names (*names.Directory).
type namer interface {
	QueueName(id string) (string, bool)
	UserName(id string) (string, bool)
}

// nameLabels pairs every id label pkg/frames put on a field with a name label, so a
// legend or an alert reads "Support" rather than a queue id. A name not known yet
// falls back to the id: panels written against queueName/userName always show
// something, and the id stays in its own label for rules that match on it.
func nameLabels(f *data.Frame, n namer) {
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
	qid, hasQ := labels["queueId"]
	uid, hasU := labels["userId"]
	if !hasQ && !hasU {
		return nil
	}
	out := make(data.Labels, len(labels)+2)
	for k, v := range labels {
		out[k] = v
	}
	if hasQ {
		out["queueName"] = nameOr(n.QueueName, qid)
	}
	if hasU {
		out["userName"] = nameOr(n.UserName, uid)
	}
	return out
}

func nameOr(lookup func(string) (string, bool), id string) string {
	if name, ok := lookup(id); ok {
		return name
	}
	return id
}

// nameSource is the namer with its first-pass signal (*names.Directory).
type nameSource interface {
	namer
	Loaded() <-chan struct{}
}
