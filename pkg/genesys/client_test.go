package genesys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const token = "tok-secret-123"

// fake serves one handler and records the last request.
func fake(t *testing.T, h http.HandlerFunc) (*Client, *http.Request) {
	t.Helper()
	var last http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("Authorization = %q", got)
		}
		last = *r
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, &last
}

func TestCreateChannel(t *testing.T) {
	c, last := fake(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"connectUri":"wss://streaming.example/channels/abc","id":"abc","expires":"2026-11-30T00:00:00.000Z"}`)
	})
	ch, err := c.CreateChannel(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if last.Method != "POST" || last.URL.Path != "/api/v2/notifications/channels" {
		t.Fatalf("request %s %s", last.Method, last.URL.Path)
	}
	if ch.ID != "abc" || ch.ConnectURI != "wss://streaming.example/channels/abc" || !ch.Expires.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("channel %+v", ch)
	}
}

func TestReplaceSubscriptionsIgnoreErrors(t *testing.T) {
	var body string
	c, last := fake(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		fmt.Fprint(w, `{"entities":[{"id":"a","state":"Permitted"},{"id":"b","state":"Rejected","rejectionReason":"Missing permissions","missingPermissions":["x:y:z"]}]}`)
	})
	subs, err := c.ReplaceSubscriptions(context.Background(), token, "ch 1", []string{"a", "b"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if last.Method != "PUT" || last.URL.EscapedPath() != "/api/v2/notifications/channels/ch%201/subscriptions" || last.URL.RawQuery != "ignoreErrors=true" {
		t.Fatalf("request %s %s?%s", last.Method, last.URL.EscapedPath(), last.URL.RawQuery)
	}
	if body != `[{"id":"a"},{"id":"b"}]` {
		t.Fatalf("body %s", body)
	}
	if len(subs) != 2 || subs[0].Rejected() || !subs[1].Rejected() || subs[1].MissingPermissions[0] != "x:y:z" {
		t.Fatalf("subs %+v", subs)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		status     int
		retryAfter string
		sentinel   error
		wantRetry  time.Duration
	}{
		{401, "", ErrUnauthorized, 0},
		{403, "", ErrForbidden, 0},
		{404, "", ErrNotFound, 0},
		{429, "7", nil, 7 * time.Second},
		{503, "30", nil, 30 * time.Second},
		{502, "30", nil, 0}, // Retry-After only read on 429/503
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			c, _ := fake(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				fmt.Fprintf(w, `{"message":"went wrong","code":"some.code","status":%d,"contextId":"ctx-1"}`, tc.status)
			})
			_, err := c.CreateChannel(context.Background(), token)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != tc.status || ae.Code != "some.code" || ae.ContextID != "ctx-1" {
				t.Fatalf("err = %#v", err)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("%v does not wrap %v", err, tc.sentinel)
			}
			if IsAuth(err) != (tc.status == 401 || tc.status == 403) {
				t.Errorf("IsAuth(%d) wrong", tc.status)
			}
			if RetryAfter(err) != tc.wantRetry {
				t.Errorf("RetryAfter = %s, want %s", RetryAfter(err), tc.wantRetry)
			}
			if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "create channel: HTTP") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

func TestHeadAndPaging(t *testing.T) {
	c, last := fake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "HEAD" {
			w.WriteHeader(404)
			return
		}
		fmt.Fprint(w, `{"entities":[{"id":"q1","name":"Sales"}],"pageNumber":2,"pageSize":10,"pageCount":3,"total":21}`)
	})
	if err := c.HeadChannel(context.Background(), token, "gone"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("HEAD err = %v", err)
	}
	p, err := c.Queues(context.Background(), token, "Sal es", 2, 10)
	if err != nil || p.Total != 21 || p.PageCount != 3 || p.Entities[0].Name != "Sales" {
		t.Fatalf("page %+v err %v", p, err)
	}
	if q := last.URL.Query(); q.Get("name") != "Sal es" || q.Get("pageNumber") != "2" || q.Get("pageSize") != "10" {
		t.Fatalf("query %s", last.URL.RawQuery)
	}
}

func TestAvailableTopicsExpand(t *testing.T) {
	c, last := fake(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"entities":[{"id":"v2.users.{id}.presence","transports":["All"],"topicParameters":["id"]},{"id":"v2.x","transports":["EventBridge"]}]}`)
	})
	ts, err := c.AvailableTopics(context.Background(), token, "description", "transports")
	if err != nil {
		t.Fatal(err)
	}
	if last.URL.Query().Get("expand") != "description,transports" {
		t.Fatalf("query %s", last.URL.RawQuery)
	}
	if !ts[0].Websocket() || ts[1].Websocket() {
		t.Fatalf("websocket flags wrong: %+v", ts)
	}
}

func TestNewRejectsRelativeURL(t *testing.T) {
	if _, err := New("api.mypurecloud.com", nil); err == nil {
		t.Fatal("want an error for a URL without scheme")
	}
	if APIBaseURL("mypurecloud.ie") != "https://api.mypurecloud.ie" {
		t.Fatal("APIBaseURL")
	}
}
