package frames

import (
	"time"

	"github.com/cxlive/genesyscloud-datasource/pkg/jsonscan"
)

// presenceFast and routingStatusFast read user presence and routing status bodies in
// one pass. Like the other fast scans they decline (ok false, cells as they were) on
// anything json.Unmarshal might read differently: nulls, type mismatches, case-variant
// or repeated keys, escaped keys, invalid JSON; the slow path then decides.

var (
	presenceKeys   = []string{"source", "presenceDefinition", "primary", "message", "modifiedDate"}
	definitionKeys = []string{"id", "systemPresence"}
	routingKeys    = []string{"id", "routingStatus"}
	routingInKeys  = []string{"status", "startTime"}
)

func presenceFast(body []byte, cells []cell) (_ []cell, at time.Time, ok bool) {
	w := jsonscan.NewWalker(body)
	var source, id, system, message, modified []byte
	var hasSource, hasDef, hasID, hasSystem, hasPrimary, hasMessage, primary bool
	ok = w.Fields(presenceKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "source":
			source, ok = w.Text()
			hasSource = true
		case "presenceDefinition":
			hasDef = true
			ok = w.Fields(definitionKeys, func(key []byte) bool {
				var ok bool
				switch string(key) {
				case "id":
					id, ok = w.Text()
					hasID = true
				case "systemPresence":
					system, ok = w.Text()
					hasSystem = true
				default:
					ok = w.Skip()
				}
				return ok
			})
		case "primary":
			primary, ok = w.Bool()
			hasPrimary = true
		case "message":
			message, ok = w.Text()
			hasMessage = true
		case "modifiedDate":
			modified, ok = w.Text()
		default:
			ok = w.Skip()
		}
		return ok
	})
	if !ok || !w.AtEnd() {
		return cells, time.Time{}, false
	}
	str := func(name string, has bool, s []byte) {
		if has {
			cells = append(cells, cell{name: name, v: stringValue(bodyString(s))})
		}
	}
	if hasDef {
		str("systemPresence", hasSystem, system)
		str("presenceId", hasID, id)
	}
	str("message", hasMessage, message)
	if hasPrimary {
		cells = append(cells, cell{name: "primary", v: value{kind: kindBool, b: primary}})
	}
	str("source", hasSource, source)
	date := bodyString(modified)
	cells = append(cells, cell{name: "modifiedDate", v: stringValue(date)})
	return cells, parseTime(date), true
}

func routingStatusFast(body []byte, cells []cell) (_ []cell, at time.Time, ok bool) {
	w := jsonscan.NewWalker(body)
	var status, start []byte
	var hasRouting, hasStatus bool
	ok = w.Fields(routingKeys, func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "id":
			_, ok = w.Text()
		case "routingStatus":
			hasRouting = true
			ok = w.Fields(routingInKeys, func(key []byte) bool {
				var ok bool
				switch string(key) {
				case "status":
					status, ok = w.Text()
					hasStatus = true
				case "startTime":
					start, ok = w.Text()
				default:
					ok = w.Skip()
				}
				return ok
			})
		default:
			ok = w.Skip()
		}
		return ok
	})
	if !ok || !w.AtEnd() {
		return cells, time.Time{}, false
	}
	if !hasRouting {
		return cells, time.Time{}, true
	}
	if hasStatus {
		cells = append(cells, cell{name: "status", v: stringValue(bodyString(status))})
	}
	if len(start) == 0 {
		return cells, time.Time{}, true
	}
	startTime := bodyString(start)
	cells = append(cells, cell{name: "startTime", v: stringValue(startTime)})
	return cells, parseTime(startTime), true
}
