// Package logcapture is a log.Logger for tests that keeps every line, so a test can
// prove that no secret or token was ever logged.
package logcapture

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// Logger records every line, including those of loggers derived with With.
type Logger struct {
	mu    *sync.Mutex
	lines *[]string
	with  []any
	now   func() time.Time // stamps each line when set (a simulated clock)
}

var _ log.Logger = (*Logger)(nil)

// New returns an empty capture.
func New() *Logger { return &Logger{mu: &sync.Mutex{}, lines: &[]string{}} }

// NewStamped returns an empty capture that prefixes each line with now(), so a test on
// a fake clock can line the log up with the simulator's records.
func NewStamped(now func() time.Time) *Logger {
	l := New()
	l.now = now
	return l
}

func (l *Logger) add(level, msg string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := fmt.Sprint(level, " ", msg, " ", l.with, args)
	if l.now != nil {
		line = l.now().Format("15:04:05.000 ") + line
	}
	*l.lines = append(*l.lines, line)
}

func (l *Logger) Debug(msg string, args ...any) { l.add("debug", msg, args...) }
func (l *Logger) Info(msg string, args ...any)  { l.add("info", msg, args...) }
func (l *Logger) Warn(msg string, args ...any)  { l.add("warn", msg, args...) }
func (l *Logger) Error(msg string, args ...any) { l.add("error", msg, args...) }

// With returns a logger that writes into the same capture with extra key-values.
func (l *Logger) With(args ...any) log.Logger {
	return &Logger{mu: l.mu, lines: l.lines, with: append(append([]any{}, l.with...), args...), now: l.now}
}

func (l *Logger) Level() log.Level                         { return log.Debug }
func (l *Logger) FromContext(_ context.Context) log.Logger { return l }

// All is every captured line, newline-separated.
func (l *Logger) All() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(*l.lines, "\n")
}
