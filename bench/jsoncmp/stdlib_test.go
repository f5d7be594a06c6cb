package jsoncmp

import (
	"encoding/json"
)

// This file: encoding/json

func stdlibEnvelope(msg []byte) (topic, body, corr []byte, err error) {
	var env struct {
		TopicName string          `json:"topicName"`
		EventBody json.RawMessage `json:"eventBody"`
		Metadata  struct {
			CorrelationID string `json:"CorrelationId"`
		} `json:"metadata"`
	}
	err = json.Unmarshal(msg, &env)
	return []byte(env.TopicName), env.EventBody, []byte(env.Metadata.CorrelationID), err
}

func stdlibWalk(body []byte, t *tally) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	tallyAny(v, t)
	return nil
}

func tallyAny(v any, t *tally) {
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			tallyAny(x, t)
		}
	case []any:
		for _, x := range v {
			tallyAny(x, t)
		}
	case string:
		t.strBytes += len(v)
	case float64:
		t.sum += v
	case bool:
		if v {
			t.trues++
		}
	}
}
