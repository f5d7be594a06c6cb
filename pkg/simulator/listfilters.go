package simulator

import (
	"sort"
	"strings"
)

// listParam reads a multi-valued parameter sent either repeated (id=a&id=b) or
// comma-separated (id=a,b), or both; empty values are dropped.
func listParam(q map[string][]string, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// inFilter reports whether v passes a list filter (an empty filter passes everything).
func inFilter(filter []string, v string) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if f == v {
			return true
		}
	}
	return false
}

// sortDescending parses a sortOrder value (case-insensitive; the short asc/desc forms are
// accepted for both spellings); "" means ascending.
func sortDescending(v, ascName, descName string) (desc, ok bool) {
	switch strings.ToLower(v) {
	case "", "asc", "ascending", ascName:
		return false, true
	case "desc", "descending", descName:
		return true, true
	}
	return false, false
}

// sortByName orders listing items by name (case-insensitive), then id, as the service does.
func sortByName(items []map[string]any, desc bool) []map[string]any {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := strings.ToLower(items[i]["name"].(string)), strings.ToLower(items[j]["name"].(string))
		if a == b {
			a, b = items[i]["id"].(string), items[j]["id"].(string)
		}
		if desc {
			return a > b
		}
		return a < b
	})
	return items
}

// nameMatches is Genesys' name filter: case-insensitive, '*' as wildcard (treated as substring).
func nameMatches(filter, name string) bool {
	f := strings.ToLower(strings.Trim(filter, "*"))
	return f == "" || strings.Contains(strings.ToLower(name), f)
}
