package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// queryStore keeps the stream queries of one data source in a file, so a plugin process
// that Grafana restarted (it crashed, or was killed) can still serve the channels the
// browsers and the other Grafana replica's viewers are subscribed to. Grafana re-runs
// RunStream on the new process with only the channel path, q/<key>; without the file the
// path means nothing until someone re-runs the query, and a wall screen would stay
// frozen without a word. The file holds topics, ids, fields and formats: no secret.
type queryStore struct {
	mu   sync.Mutex // one writer at a time; the file is replaced atomically
	path string
}

// storedQuery is one line of the file.
type storedQuery struct {
	Query Query `json:"query"`
	OrgID int64 `json:"orgId"`
}

// newQueryStore names the file of data source uid under the system's temporary
// directory (shared by the plugin processes of one host, never by two hosts).
func newQueryStore(uid string) *queryStore {
	sum := sha256.Sum256([]byte(uid))
	dir := filepath.Join(os.TempDir(), "cxlive-genesyscloud-streams")
	return &queryStore{path: filepath.Join(dir, hex.EncodeToString(sum[:12])+".json")}
}

// load reads the stored queries, each parsed and validated again (status queries never
// stream: left out); a missing file is no error.
func (s *queryStore) load() ([]storedQuery, error) {
	b, err := os.ReadFile(s.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var raw []struct {
		Query json.RawMessage `json:"query"`
		OrgID int64           `json:"orgId"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("stream query file %s is not valid JSON: %w", s.path, err)
	}
	out := make([]storedQuery, 0, len(raw))
	for _, r := range raw {
		q, err := ParseQuery(r.Query)
		if err != nil || q.QueryType == typeStatus {
			continue // written by another version, or edited: leave it out
		}
		out = append(out, storedQuery{Query: q, OrgID: r.OrgID})
	}
	return out, nil
}

// save replaces the file with qs (most recently used first).
func (s *queryStore) save(qs []storedQuery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(qs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".streams-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path)
}
