package frames

import (
	"strings"
	"testing"
)

var convCases = []string{
	conversationBody1, conversationBody2,
	`{}`, `{"participants":[]}`, `{"participants":[{}]}`, `{"participants":[{},{"purpose":""}]}`, `null`, `[]`, `1`, ``, `{`,
	`{"participants":[{"purpose":"agent","emails":[{"state":"A"}],"calls":[{"state":"B"},{"x":1},{"state":"Ü"}],"queueId":""},{"purpose":"agent","queueId":"q2","calls":[]}],"id":"c","address":"","externalTag":"t"}`,
	`{"participants":[{"purpose":"a","videos":[{"state":"X"}]},{"purpose":"b","chats":[{"state":"Y"}],"videos":[{}]}]}`,
	`{"participants":[{"purpose":"a","calls":null}]}`, `{"participants":[{"purpose":"a","calls":{}}]}`, `{"participants":[{"purpose":"a","calls":[null]}]}`,
	`{"participants":[{"purpose":"a","calls":[{"state":null}]}]}`, `{"participants":[{"purpose":"a","calls":[{"state":1}]}]}`,
	`{"participants":[{"purpose":"a","calls":[{"State":"x"}]}]}`, `{"participants":[{"purpose":"a","calls":[{"state":"x","state":"y"}]}]}`,
	`{"participants":[{"Purpose":"a"}]}`, `{"participants":[{"purpose":"a","purpose":"b"}]}`, `{"participants":[{"purpose":1}]}`,
	`{"participants":[{"purpose":"\u0061","queueId":"q\"1"}]}`, `{"participants":[{"purp\u006fse":"a"}]}`, `{"participants":[null]}`,
	`{"ID":"x"}`, `{"id":null}`, `{"id":1}`, `{"id":"a","id":"b"}`, `{"participants":null}`, `{"participants":[1]}`,
	`{"participants":[{"purpose":"a","calls":[{"state":"x"}]}]} x`, `{"participants":[{"purpose":"a","calls":[{"state":"x"},]}]}`,
}

func TestConversationFastMatchesUnmarshal(t *testing.T) {
	fast := 0
	for _, body := range convCases {
		if checkFastMatchesSlow(t, arrivalTimed(conversationFast), conversationSlow, []byte(body)) {
			fast++
		}
	}
	for _, body := range []string{conversationBody1, conversationBody2} {
		if !checkFastMatchesSlow(t, arrivalTimed(conversationFast), conversationSlow, []byte(body)) {
			t.Errorf("typical body not on the fast path: %s", body)
		}
	}
	if fast < 6 {
		t.Errorf("only %d bodies took the fast path", fast)
	}
}

func FuzzConversationFast(f *testing.F) {
	for _, seed := range convCases {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastMatchesSlow(t, arrivalTimed(conversationFast), conversationSlow, body)
	})
}

func TestAppendLowerMatchesStringsToLower(t *testing.T) {
	for _, s := range []string{"", "CONNECTED", "disconnected", "MiXeD_1", "ÉTAT", "İ", "\xff"} {
		if got := string(appendLower([]byte("x:"), []byte(s))); got != "x:"+strings.ToLower(s) {
			t.Errorf("appendLower(%q) = %q, want %q", s, got, "x:"+strings.ToLower(s))
		}
	}
}
