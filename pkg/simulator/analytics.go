package simulator

import (
	"strconv"
	"strings"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// maxPredicates bounds the predicates (top level and in clauses together) of one analytics
// query. Genesys documents 100 per query for its analytics queries (e.g. "no more than 100
// userId predicates" for the user aggregate query); larger sets are split by the caller.
const maxPredicates = 100

// analyticsFilter is QueueObservationQueryFilter / ConversationAggregateQueryFilter of the
// platform SDKs: type and|or over predicates and clauses (one level of nesting).
type analyticsFilter struct {
	Type       string               `json:"type"`
	Predicates []analyticsPredicate `json:"predicates"`
	Clauses    []struct {
		Type       string               `json:"type"`
		Predicates []analyticsPredicate `json:"predicates"`
	} `json:"clauses"`
}

type analyticsPredicate struct {
	Type      string `json:"type"`
	Dimension string `json:"dimension"`
	Operator  string `json:"operator"`
	Value     string `json:"value"`
}

// analyticsMediaTypes are the values of the mediaType dimension.
var analyticsMediaTypes = []string{"voice", "chat", "email", "callback", "cobrowse", "video", "screenshare", "message"}

// selection reads a filter as the simulator understands it: queueId in (the queueId
// predicates) and mediaType in (the mediaType predicates), wherever they sit in the
// and/or tree. It returns the Selection, the number of distinct queue ids, or the message of
// a 400 for a filter the service would refuse.
func selection(f *analyticsFilter) (generator.Selection, int, string) {
	var sel generator.Selection
	if f == nil {
		return sel, 0, ""
	}
	boolType := func(where, t string) string {
		switch strings.ToLower(t) {
		case "and", "or":
			return ""
		}
		return where + " type must be and or or, not " + strconv.Quote(t)
	}
	if msg := boolType("filter", f.Type); msg != "" {
		return sel, 0, msg
	}
	preds := append([]analyticsPredicate{}, f.Predicates...)
	for _, c := range f.Clauses {
		if msg := boolType("clause", c.Type); msg != "" {
			return sel, 0, msg
		}
		preds = append(preds, c.Predicates...)
	}
	if len(preds) > maxPredicates {
		return sel, 0, "the filter has " + strconv.Itoa(len(preds)) + " predicates; a query may have at most " +
			strconv.Itoa(maxPredicates) + ": split the queues over several queries"
	}
	seen := map[string]bool{}
	for _, p := range preds {
		if p.Type != "" && p.Type != "dimension" {
			return sel, 0, "predicate type " + strconv.Quote(p.Type) + " is not supported; use dimension predicates"
		}
		if p.Operator != "" && p.Operator != "matches" {
			return sel, 0, "predicate operator " + strconv.Quote(p.Operator) + " is not supported; use matches"
		}
		if p.Value == "" {
			return sel, 0, "predicate on " + strconv.Quote(p.Dimension) + " has no value"
		}
		switch p.Dimension {
		case "queueId":
			if !seen[p.Value] {
				seen[p.Value] = true
				sel.QueueIDs = append(sel.QueueIDs, p.Value)
			}
		case "mediaType":
			if !inFilter(analyticsMediaTypes, p.Value) {
				return sel, 0, "mediaType " + strconv.Quote(p.Value) + " is not one of " + strings.Join(analyticsMediaTypes, ", ")
			}
			sel.MediaTypes = append(sel.MediaTypes, p.Value)
		default:
			return sel, 0, "dimension " + strconv.Quote(p.Dimension) + " is not supported here; filter on queueId and mediaType"
		}
	}
	return sel, len(sel.QueueIDs), ""
}

// badMetric returns the first of metrics not in allowed, or "".
func badMetric(metrics, allowed []string) string {
	for _, m := range metrics {
		if !inFilter(allowed, m) {
			if m == "" {
				return `""`
			}
			return m
		}
	}
	return ""
}
