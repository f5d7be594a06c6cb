package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

const pluginID = "cxlive-genesyscloud-datasource"

// binary is the plugin executable built once for the package's tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gpx-harness-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, fmt.Sprintf("gpx_genesyscloud_%s_%s", runtime.GOOS, runtime.GOARCH))
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	build := exec.Command("go", "build", "-o", binary, "./pkg")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build plugin:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// logBuffer collects everything the plugin writes (log lines, stdout, stderr).
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// pluginProc is one running plugin process and its gRPC clients.
type pluginProc struct {
	client      *goplugin.Client
	diagnostics pluginv2.DiagnosticsClient
	data        pluginv2.DataClient
	stream      pluginv2.StreamClient
	resources   pluginv2.ResourceClient
	logs        *logBuffer
}

// startPlugin launches the binary as Grafana does and dispenses the four services.
func startPlugin(t *testing.T) *pluginProc {
	t.Helper()
	logs := &logBuffer{}
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "GF_PLUGIN_LOG_LEVEL=debug")
	c := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: {
			"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
			"data":        &grpcplugin.DataGRPCPlugin{},
			"stream":      &grpcplugin.StreamGRPCPlugin{},
			"resource":    &grpcplugin.ResourceGRPCPlugin{},
		}},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "plugin", Output: logs, Level: hclog.Trace}),
		SyncStdout:       logs,
		SyncStderr:       logs,
		StartTimeout:     20 * time.Second,
	})
	t.Cleanup(c.Kill)
	rpc, err := c.Client()
	if err != nil {
		t.Fatalf("go-plugin handshake with %s: %v\n%s", binary, err, logs)
	}
	p := &pluginProc{client: c, logs: logs}
	dispense := func(name string) any {
		raw, err := rpc.Dispense(name)
		if err != nil {
			t.Fatalf("dispense %s: %v", name, err)
		}
		return raw
	}
	p.diagnostics = dispense("diagnostics").(pluginv2.DiagnosticsClient)
	p.data = dispense("data").(pluginv2.DataClient)
	p.stream = dispense("stream").(pluginv2.StreamClient)
	p.resources = dispense("resource").(pluginv2.ResourceClient)
	return p
}

// dsSettings are data source instance settings as Grafana sends them.
type dsSettings struct {
	uid     string
	updated time.Time
	json    map[string]any
	secure  map[string]string
}

func (s dsSettings) pluginContext() *pluginv2.PluginContext {
	raw, _ := json.Marshal(s.json)
	if s.json == nil {
		raw = []byte("{}")
	}
	return backend.ToProto().PluginContext(backend.PluginContext{
		OrgID:    1,
		PluginID: pluginID,
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID: 1, UID: s.uid, Name: "Genesys", Type: pluginID, JSONData: raw,
			DecryptedSecureJSONData: s.secure, Updated: s.updated,
		},
	})
}

func (p *pluginProc) checkHealth(t *testing.T, s dsSettings) *backend.CheckHealthResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	resp, err := p.diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: s.pluginContext()})
	if err != nil {
		t.Fatalf("CheckHealth over gRPC: %v\nplugin log:\n%s", err, p.logs)
	}
	return backend.FromProto().CheckHealthResponse(resp)
}
