package simulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/cxlive/genesyscloud-datasource/pkg/simulator/generator"
)

// observationQuery is the part of the query body the simulator reads.
type observationQuery struct {
	Filter *struct {
		Type       string      `json:"type"`
		Predicates []predicate `json:"predicates"`
		Clauses    []struct {
			Predicates []predicate `json:"predicates"`
		} `json:"clauses"`
	} `json:"filter"`
	Metrics []string `json:"metrics"`
}

type predicate struct {
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
}

func (s *Server) handleObservationsQuery(w http.ResponseWriter, r *http.Request) {
	t := s.authenticate(w, r)
	if t == nil {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var q observationQuery
	if err := json.Unmarshal(body, &q); err != nil || q.Filter == nil {
		s.writeError(w, 400, "bad.request", `the body needs a filter, e.g. {"filter":{"type":"or","predicates":[{"dimension":"queueId","value":"<id>"}]},"metrics":["oWaiting"]}`)
		return
	}
	preds := append([]predicate{}, q.Filter.Predicates...)
	for _, c := range q.Filter.Clauses {
		preds = append(preds, c.Predicates...)
	}
	var ids []string
	for _, p := range preds {
		if p.Dimension == "queueId" && p.Value != "" {
			ids = append(ids, p.Value)
		}
	}
	if len(ids) == 0 {
		s.writeError(w, 400, "bad.request", "the filter must name at least one queueId")
		return
	}
	results := s.model.Observations(ids, q.Metrics)
	s.record(Record{Kind: "observations_query", Token: t.hash, Status: 200, Detail: strconv.Itoa(len(ids)) + " queues"})
	writeJSON(w, 200, map[string]any{"results": results})
}

// Population is the simulated organisation's queues and agents (ids for topics).
func (s *Server) Population() generator.Population { return s.pop }
