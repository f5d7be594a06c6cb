package simulator

import (
	"net/http"
	"strconv"
	"strings"
)

// page is the paging envelope of Genesys list endpoints (QueueEntityListing,
// UserEntityListing): previousUri only from page 2, nextUri only before the last page.
type page struct {
	Entities    any    `json:"entities"`
	PageSize    int    `json:"pageSize"`
	PageNumber  int    `json:"pageNumber"`
	Total       int    `json:"total"`
	FirstURI    string `json:"firstUri"`
	SelfURI     string `json:"selfUri"`
	NextURI     string `json:"nextUri,omitempty"`
	PreviousURI string `json:"previousUri,omitempty"`
	LastURI     string `json:"lastUri"`
	PageCount   int    `json:"pageCount"`
}

// paging reads pageSize (1..500, default 25) and pageNumber (>= 1, default 1).
func paging(r *http.Request) (size, number int, msg string) {
	size, number = 25, 1
	q := r.URL.Query()
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, "pageSize must be a whole number from 1 to 500"
		}
		size = n
	}
	if v := q.Get("pageNumber"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, "pageNumber must be a whole number from 1"
		}
		number = n
	}
	return size, number, ""
}

// pageURI is the link to page n as the service writes it: the path, pageSize and
// pageNumber first, then the caller's other parameters as sent (filters, expand).
func pageURI(r *http.Request, size, n int) string {
	var b strings.Builder
	b.WriteString(r.URL.Path)
	b.WriteString("?pageSize=" + strconv.Itoa(size) + "&pageNumber=" + strconv.Itoa(n))
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if kv == "" || k == "pageSize" || k == "pageNumber" {
			continue
		}
		b.WriteString("&" + kv)
	}
	return b.String()
}

func writePage[T any](w http.ResponseWriter, r *http.Request, items []T, size, number int) {
	total := len(items)
	count := (total + size - 1) / size
	from := min((number-1)*size, total)
	to := min(from+size, total)
	p := page{Entities: items[from:to], PageSize: size, PageNumber: number, Total: total, PageCount: count,
		FirstURI: pageURI(r, size, 1), SelfURI: pageURI(r, size, number), LastURI: pageURI(r, size, max(count, 1))}
	if number < count {
		p.NextURI = pageURI(r, size, number+1)
	}
	if number > 1 {
		p.PreviousURI = pageURI(r, size, number-1)
	}
	writeJSON(w, 200, p)
}
