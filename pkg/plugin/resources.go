package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/refill"
	"github.com/cxlive/genesyscloud-datasource/pkg/session"
)

const resourceTimeout = 30 * time.Second

// CallResource serves the query editor's lookups (see resourceHandler).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return httpadapter.New(d.res).CallResource(ctx, req, sender)
}

func (d *Datasource) resourceHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/topics", d.guard(d.handleTopics))
	mux.HandleFunc("/queues", d.guard(d.handleEntities("queues")))
	mux.HandleFunc("/users", d.guard(d.handleEntities("users")))
	mux.HandleFunc("/status", d.guard(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, d.status())
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown resource %q: use /topics, /queues, /users or /status", r.URL.Path))
	})
	return mux
}

// guard answers GET only and only once the settings are usable.
func (d *Datasource) guard(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeError(w, http.StatusMethodNotAllowed, "use GET")
			return
		}
		if err := d.ready(); err != nil {
			writeError(w, http.StatusBadRequest, d.scrub(err.Error()))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), resourceTimeout)
		defer cancel()
		next(w, r.WithContext(ctx))
	}
}

func (d *Datasource) handleTopics(w http.ResponseWriter, r *http.Request) {
	topics, err := d.topicList(r.Context())
	if err != nil {
		d.upstreamError(w, "list topics", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"topics": topics})
}

func (d *Datasource) handleEntities(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		page, err := intParam(v.Get("page"), 1, 1, 10000, "page")
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		size, err := intParam(v.Get("pageSize"), 25, 1, 100, "pageSize")
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		query := strings.TrimSpace(v.Get("query"))
		if len(query) > 100 {
			writeError(w, http.StatusBadRequest, "query is longer than 100 characters")
			return
		}
		var p genesys.Page
		if kind == "queues" {
			p, err = d.catalog.Queues(r.Context(), query, page, size)
		} else {
			p, err = d.catalog.Users(r.Context(), page, size)
		}
		if err != nil {
			if d.heldEntities(w, kind, query, page, size, err) {
				return
			}
			d.upstreamError(w, "list "+kind, err)
			return
		}
		items := make([]map[string]string, 0, len(p.Entities))
		for _, e := range p.Entities {
			// The users API has no name filter: filter the page here.
			if kind == "users" && query != "" && !strings.Contains(strings.ToLower(e.Name), strings.ToLower(query)) {
				continue
			}
			items = append(items, map[string]string{"id": e.ID, "name": e.Name})
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "page": page, "pageCount": p.PageCount, "total": p.Total})
	}
}

// heldEntities answers a picker or variable from the names the plugin holds when
// Genesys cannot be reached: a dashboard opened during an outage keeps its queue and
// agent variables (and so its panels), and says how old the list is. False when no
// list was ever read.
func (d *Datasource) heldEntities(w http.ResponseWriter, kind, query string, page, size int, cause error) bool {
	if d.names == nil {
		return false
	}
	all, at := d.names.Entities(kind, query)
	if at.IsZero() {
		return false
	}
	from := min((page-1)*size, len(all))
	to := min(from+size, len(all))
	items := make([]map[string]string, 0, to-from)
	for _, e := range all[from:to] {
		items = append(items, map[string]string{"id": e.ID, "name": e.Name})
	}
	d.log.Warn("answering from held names: Genesys Cloud could not be reached", "kind", kind, "asOf", at, "error", d.scrub(cause.Error()))
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "page": page, "pageCount": (len(all) + size - 1) / size,
		"total": len(all), "stale": true, "asOf": at.UTC().Format(time.RFC3339),
		"warning": d.scrub(fmt.Sprintf("Genesys Cloud could not be reached (%s); these %s are as of %s", cause, kind, at.UTC().Format(time.RFC3339)))})
	return true
}

func (d *Datasource) upstreamError(w http.ResponseWriter, op string, err error) {
	status := http.StatusBadGateway
	switch {
	case errors.Is(err, auth.ErrAuth), errors.Is(err, genesys.ErrUnauthorized):
		status = http.StatusUnauthorized
	case errors.Is(err, genesys.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, context.DeadlineExceeded):
		status = http.StatusGatewayTimeout
	}
	writeError(w, status, d.scrub(fmt.Sprintf("%s: %s", op, err)))
}

func intParam(raw string, def, lo, hi int, name string) (int, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d (got %q)", name, lo, hi, raw)
	}
	return n, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// statusBody is the /status resource: the connection manager's status and, beside
// it, the current-state refill's.
type statusBody struct {
	session.Status
	Refill *refill.Status `json:"refill,omitempty"`
}

func (d *Datasource) status() statusBody {
	out := statusBody{Status: d.up.Status()}
	if d.refill != nil {
		st := d.refill.Status()
		for i := range st.Failing {
			st.Failing[i].Error = d.scrub(st.Failing[i].Error)
		}
		out.Refill = &st
	}
	return out
}
