package plugin

import (
	"container/list"
	"sync"
)

// queryEntry is a query QueryData saw, remembered so SubscribeStream can find it by
// key when the frontend subscribes with the channel only (no address data).
type queryEntry struct {
	key   string
	query Query
	orgID int64
}

// queryCache is a bounded LRU of key -> query, written through to a store (when it has
// one) whenever a query it did not know arrives, so a restarted process starts from it.
type queryCache struct {
	mu    sync.Mutex
	max   int
	order *list.List
	byKey map[string]*list.Element
	store *queryStore
}

func newQueryCache(max int, store *queryStore) *queryCache {
	return &queryCache{max: max, order: list.New(), byKey: map[string]*list.Element{}, store: store}
}

// seed adds stored queries, most recently used first, without writing them back.
func (c *queryCache) seed(qs []storedQuery) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(qs) - 1; i >= 0; i-- {
		c.putLocked(qs[i].Query, qs[i].OrgID)
	}
}

// put remembers q; it reports an error only when a new query could not be stored (the
// cache has it either way).
func (c *queryCache) put(q Query, orgID int64) error {
	c.mu.Lock()
	added := c.putLocked(q, orgID)
	var snapshot []storedQuery
	if added && c.store != nil {
		snapshot = make([]storedQuery, 0, c.order.Len())
		for el := c.order.Front(); el != nil; el = el.Next() {
			e := el.Value.(queryEntry)
			snapshot = append(snapshot, storedQuery{Query: e.query, OrgID: e.orgID})
		}
	}
	c.mu.Unlock()
	if snapshot == nil {
		return nil
	}
	return c.store.save(snapshot)
}

func (c *queryCache) putLocked(q Query, orgID int64) (added bool) {
	key := q.Key()
	if el, ok := c.byKey[key]; ok {
		el.Value = queryEntry{key, q, orgID}
		c.order.MoveToFront(el)
		return false
	}
	c.byKey[key] = c.order.PushFront(queryEntry{key, q, orgID})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(queryEntry).key)
	}
	return true
}

func (c *queryCache) get(key string) (queryEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return queryEntry{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(queryEntry), true
}

// rememberStream keeps q for its channel path; a query that could not be stored for the
// next plugin process is logged (the cache has it either way).
func (d *Datasource) rememberStream(q Query, orgID int64) {
	if err := d.queries.put(q, orgID); err != nil {
		d.log.Warn("Stream query not stored: after a plugin restart its panels resume only once re-queried", "error", err.Error())
	}
}
