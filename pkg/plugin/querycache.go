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

// queryCache is a bounded LRU of key -> query.
type queryCache struct {
	mu    sync.Mutex
	max   int
	order *list.List
	byKey map[string]*list.Element
}

func newQueryCache(max int) *queryCache {
	return &queryCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *queryCache) put(q Query, orgID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := q.Key()
	if el, ok := c.byKey[key]; ok {
		el.Value = queryEntry{key, q, orgID}
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(queryEntry{key, q, orgID})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(queryEntry).key)
	}
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
