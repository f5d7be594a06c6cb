package simulator

import (
	"net/http"
	"strings"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.handleToken)
	mux.HandleFunc("GET /api/v2/tokens/me", s.handleTokenMe)
	mux.HandleFunc("POST /api/v2/notifications/channels", s.handleCreateChannel)
	mux.HandleFunc("GET /api/v2/notifications/channels", s.handleListChannels)
	mux.HandleFunc("HEAD /api/v2/notifications/channels/{id}", s.handleHeadChannel)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		mux.HandleFunc(m+" /api/v2/notifications/channels/{id}/subscriptions", s.handleSubscriptions)
	}
	mux.HandleFunc("GET /api/v2/notifications/availabletopics", s.handleAvailableTopics)
	mux.HandleFunc("GET /api/v2/routing/queues", s.handleQueues)
	mux.HandleFunc("GET /api/v2/routing/queues/{id}", s.handleQueue)
	mux.HandleFunc("GET /api/v2/routing/queues/{id}/members", s.handleQueueMembers)
	mux.HandleFunc("GET /api/v2/routing/queues/{id}/users", s.handleQueueMembers)
	mux.HandleFunc("GET /api/v2/users", s.handleUsers)
	mux.HandleFunc("GET /api/v2/users/me", s.handleUserMe)
	mux.HandleFunc("GET /api/v2/users/{id}", s.handleUser)
	mux.HandleFunc("GET /api/v2/users/{id}/presences/{source}", s.handleUserPresence)
	mux.HandleFunc("GET /api/v2/users/{id}/routingstatus", s.handleUserRoutingStatus)
	mux.HandleFunc("POST /api/v2/analytics/queues/observations/query", s.handleObservationsQuery)
	mux.HandleFunc("POST /api/v2/analytics/conversations/aggregates/query", s.handleConversationAggregates)
	mux.HandleFunc("GET /channels/{id}", s.handleUpgrade)
	s.controlRoutes(mux)
	s.alertRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.writeError(w, 405, "method.not.allowed", "HTTP "+r.Method+" is not supported for "+r.URL.Path+"; use "+strings.Join(allow, " or "))
			return
		}
		s.writeError(w, 404, "", "No resource for "+r.Method+" "+r.URL.Path)
	})
	return s.withCorrelationID(s.withRateLimit(s.withFaults(mux)))
}

// allowedMethods lists the methods the mux serves r's path with (empty when the path is
// unknown): the catch-all "/" hides ServeMux's own 405, so the fallback asks again per method.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}
