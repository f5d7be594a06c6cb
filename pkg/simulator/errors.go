package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is the body of every Genesys REST error (field for field).
type apiError struct {
	Message   string        `json:"message"`
	Code      string        `json:"code"`
	Status    int           `json:"status"`
	ContextID string        `json:"contextId"`
	Details   []errorDetail `json:"details"`
	Errors    []apiError    `json:"errors"`
}

type errorDetail struct {
	ErrorCode string `json:"errorCode,omitempty"`
	FieldName string `json:"fieldName,omitempty"`
	EntityID  string `json:"entityId,omitempty"`
}

// oauthError is the body of a failed /oauth/token request.
type oauthError struct {
	Error            string `json:"error"`
	Description      string `json:"description"`
	ErrorDescription string `json:"error_description"`
}

// Error codes the real service uses for the statuses the simulator returns.
var statusCodes = map[int]string{
	400: "bad.request",
	401: "bad.credentials",
	403: "missing.any.permissions",
	404: "not.found",
	405: "method.not.allowed",
	429: "too.many.requests",
	500: "internal.server.error",
	502: "bad.gateway",
	503: "service.unavailable",
	504: "gateway.timeout",
}

func (s *Server) writeError(w http.ResponseWriter, status int, code, msg string, details ...errorDetail) {
	if code == "" {
		code = statusCodes[status]
		if code == "" {
			code = fmt.Sprintf("http.%d", status)
		}
	}
	if details == nil {
		details = []errorDetail{}
	}
	ctx := w.Header().Get(correlationHeader) // the service reports the correlation id as contextId
	if ctx == "" {
		ctx = s.newUUID()
	}
	writeJSON(w, status, apiError{
		Message: msg, Code: code, Status: status,
		ContextID: ctx, Details: details, Errors: []apiError{},
	})
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, oauthError{Error: code, Description: desc, ErrorDescription: desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
