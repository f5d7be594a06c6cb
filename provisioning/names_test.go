package provisioning

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cxlive/genesyscloud-datasource/pkg/frames"
	"github.com/cxlive/genesyscloud-datasource/pkg/plugin"
)

var (
	fieldLabelRef = regexp.MustCompile(`\$\{__field\.labels\.([A-Za-z0-9_]+)\}`)
	alertLabelRef = regexp.MustCompile(`\$labels\.([A-Za-z0-9_]+)`)
)

// bodyLabels are labels pkg/frames takes from bodies rather than topics, by family.
var bodyLabels = map[frames.Family][]string{frames.QueueObservations: {"mediaType"}}

// topicLabels are the labels the plugin puts on the value fields of topic (a template:
// {id} stands for any id): the id label from the topic, its name label, body labels.
func topicLabels(topic string) map[string]bool {
	fam, labels := frames.Detect(strings.ReplaceAll(topic, "{id}", "some-id"))
	out := map[string]bool{}
	for k := range labels {
		out[k] = true
		if name, ok := plugin.NameLabel(k); ok {
			out[name] = true
		}
	}
	for _, k := range bodyLabels[fam] {
		out[k] = true
	}
	return out
}

// checkLabelRef: a provisioned legend or annotation reads a label the plugin sets,
// and the name label rather than the id it names.
func checkLabelRef(label string, set map[string]bool) string {
	if name, ok := plugin.NameLabel(label); ok {
		return "reads the id label " + label + "; use " + name + " so people see names"
	}
	if !set[label] {
		return "reads label " + label + ", which the plugin does not set on this topic"
	}
	return ""
}

// displayNames collects the display names of a panel's field config (defaults and
// overrides).
func displayNames(p map[string]any) []string {
	fc, _ := p["fieldConfig"].(map[string]any)
	var out []string
	if d, ok := fc["defaults"].(map[string]any); ok {
		if s, ok := d["displayName"].(string); ok {
			out = append(out, s)
		}
	}
	overrides, _ := fc["overrides"].([]any)
	for _, o := range overrides {
		om, _ := o.(map[string]any)
		props, _ := om["properties"].([]any)
		for _, pr := range props {
			pm, _ := pr.(map[string]any)
			if s, ok := pm["value"].(string); ok && pm["id"] == "displayName" {
				out = append(out, s)
			}
		}
	}
	return out
}

func rawPanels(ps []any) []map[string]any {
	var out []map[string]any
	for _, p := range ps {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		out = append(out, pm)
		sub, _ := pm["panels"].([]any)
		out = append(out, rawPanels(sub)...)
	}
	return out
}

// TestLegendsUseNames: every provisioned legend that reads a label reads a label the
// plugin sets on the panel's topics, and reads queueName/userName, not the ids.
func TestLegendsUseNames(t *testing.T) {
	named := 0
	for _, fn := range files(t, filepath.Join(provDir, "dashboards"), ".json") {
		var d struct {
			Panels []any `json:"panels"`
		}
		readJSON(t, fn, &d)
		for _, p := range rawPanels(d.Panels) {
			title, _ := p["title"].(string)
			targets, _ := p["targets"].([]any)
			for _, dn := range displayNames(p) {
				for _, m := range fieldLabelRef.FindAllStringSubmatch(dn, -1) {
					for _, raw := range targets {
						tm, _ := raw.(map[string]any)
						topic, _ := tm["topic"].(string)
						if msg := checkLabelRef(m[1], topicLabels(topic)); msg != "" {
							t.Errorf("%s: panel %q displayName %q %s (topic %s)", filepath.Base(fn), title, dn, msg, topic)
						}
					}
					named++
				}
			}
		}
	}
	if named == 0 {
		t.Error("no provisioned legend reads a label: the wallboard would show field names only")
	}
}

// TestAlertAnnotationsUseNames: the rules' annotations name queues and users by name.
func TestAlertAnnotationsUseNames(t *testing.T) {
	for _, r := range readRules(t) {
		labels := map[string]bool{}
		for _, d := range r.Data {
			if topic, ok := d.Model["topic"].(string); ok {
				for k := range topicLabels(topic) {
					labels[k] = true
				}
			}
		}
		for key, text := range r.Annotations {
			for _, m := range alertLabelRef.FindAllStringSubmatch(text, -1) {
				if msg := checkLabelRef(m[1], labels); msg != "" {
					t.Errorf("rule %s annotation %s %s", r.UID, key, msg)
				}
			}
		}
	}
}
