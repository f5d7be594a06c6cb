// Package genesys is a typed client for the Genesys Cloud REST endpoints the plugin
// uses. It holds no credentials: every call is given the access token to use, so the
// caller (pkg/session) decides when a token is fresh enough.
package genesys

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIBaseURL returns the REST base URL of a Genesys domain such as "mypurecloud.ie".
func APIBaseURL(region string) string { return "https://api." + region }

// Client calls the REST API at BaseURL.
type Client struct {
	base string
	http *http.Client
}

// maxBody bounds a successful response body (topic lists with schemas are the largest).
const maxBody = 32 << 20

// New returns a client for baseURL (serving /api/v2/...); httpClient nil means a
// client with a 30 s timeout.
func New(baseURL string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("API base URL %q is not an absolute http(s) URL", baseURL)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: httpClient}, nil
}

// BaseURL is the REST base URL.
func (c *Client) BaseURL() string { return c.base }

// do sends one request; in (if not nil) is sent as JSON, out (if not nil) decoded.
func (c *Client) do(ctx context.Context, op, method, path string, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err) // url.Error: method and URL, never headers
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return decodeError(op, resp, b)
	}
	if out == nil || method == http.MethodHead {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(out); err != nil {
		return fmt.Errorf("%s: decode response: %w", op, err)
	}
	return nil
}
