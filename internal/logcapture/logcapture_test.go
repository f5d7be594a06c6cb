package logcapture

import (
	"strings"
	"testing"
)

func TestDerivedLoggersShareTheCapture(t *testing.T) {
	l := New()
	l.Info("first", "k", 1)
	l.With("datasource", "uid1").Warn("second")
	got := l.All()
	for _, want := range []string{"info first", "warn second [datasource uid1]"} {
		if !strings.Contains(got, want) {
			t.Errorf("capture %q lacks %q", got, want)
		}
	}
}
