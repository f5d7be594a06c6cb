package simulator

import "net/http"

// correlationHeader names the id Genesys puts on every response, echoing the request's when
// it sent one; error bodies carry the same value as contextId.
const correlationHeader = "inin-correlation-id"

// maxCorrelationLen bounds an echoed id; a longer or non-printable one is replaced.
const maxCorrelationLen = 128

// withCorrelationID sets inin-correlation-id on every response before anything is written.
func (s *Server) withCorrelationID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(correlationHeader)
		if !printableID(id) {
			id = s.newUUID()
		}
		w.Header().Set(correlationHeader, id)
		next.ServeHTTP(w, r)
	})
}

func printableID(id string) bool {
	if id == "" || len(id) > maxCorrelationLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}
