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
