package provisioning

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// githubAnchor is the id GitHub gives a Markdown heading.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ' || r == '-':
			b.WriteRune('-')
		case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestUserGuideAnchors: the guide's own links, the provisioning files' pointers into it and
// the README's all land on a heading that exists.
func TestUserGuideAnchors(t *testing.T) {
	guide := filepath.Join(repoRoot, "docs", "user-guide.md")
	text, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(text), "\n") {
		if h, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok && strings.HasPrefix(line, "#") {
			anchors[githubAnchor(h)] = true
		}
	}
	check := func(source string, re *regexp.Regexp) {
		b, err := os.ReadFile(source)
		if err != nil {
			if os.IsNotExist(err) {
				return // README is written by someone else and may not exist yet
			}
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !anchors[m[1]] {
				t.Errorf("%s links to user-guide.md#%s, which is no heading of the guide", source, m[1])
			}
		}
	}
	check(guide, regexp.MustCompile(`\]\(#([a-z0-9_-]+)\)`))
	external := regexp.MustCompile(`user-guide\.md#([a-z0-9_-]+)`)
	check(filepath.Join(repoRoot, "README.md"), external)
	_ = filepath.WalkDir(provDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".go") {
			check(path, external)
		}
		return err
	})
}

// TestUserGuideListsEveryMetric: the metrics table follows pkg/session's collector.
func TestUserGuideListsEveryMetric(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, "pkg", "session", "metrics.go"))
	if err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile(filepath.Join(repoRoot, "docs", "user-guide.md"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`"([a-z_]+_total)":\s+"`).FindAllStringSubmatch(string(src), -1) {
		names = append(names, "genesys_notifications_"+m[1])
	}
	for _, m := range regexp.MustCompile(`"(genesys_notifications_[a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		if !strings.HasSuffix(m[1], "_") {
			names = append(names, m[1])
		}
	}
	if len(names) < 5 {
		t.Fatalf("found only %v in pkg/session/metrics.go: has the collector moved?", names)
	}
	for _, n := range names {
		if !strings.Contains(string(guide), "`"+n+"`") {
			t.Errorf("docs/user-guide.md does not list the metric %s", n)
		}
	}
}
