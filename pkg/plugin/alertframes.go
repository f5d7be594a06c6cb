package plugin

import "github.com/grafana/grafana-plugin-sdk-go/data"

// alertFrames shapes an alert query's answer for Grafana's expression engine. A topic
// with no event in the range gives a frame without rows; the engine reads series only
// from frames that have a number field, and Grafana 9 to 11 fail the whole rule with
// "input data must be a wide series" on such a frame. So frames without rows are left
// out, and when none is left the answer is the single field-less frame that Grafana 9.2
// and later read as NoData (a 9.0 build of May 2022 still failed the rule on it, as on a
// row-less frame; the plugin supports 12.3 and later). The notices of the frames left out (gaps, rejected
// topics) move to the first frame answered, so a NoData state still says why.
func alertFrames(frames data.Frames, refID string) data.Frames {
	var kept data.Frames
	var notices []data.Notice
	for _, f := range frames {
		if f.Rows() > 0 {
			kept = append(kept, f)
			continue
		}
		if f.Meta != nil {
			notices = append(notices, f.Meta.Notices...)
		}
	}
	if len(kept) == 0 {
		kept = data.Frames{data.NewFrame("")}
		kept[0].RefID = refID
	}
	if len(notices) > 0 {
		if kept[0].Meta == nil {
			kept[0].Meta = &data.FrameMeta{}
		}
		kept[0].Meta.Notices = append(kept[0].Meta.Notices, notices...)
	}
	return kept
}
