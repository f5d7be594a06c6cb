// Command gpx_genesyscloud is the backend of the Genesys Cloud Notifications data
// source: Grafana starts it and talks to it over gRPC (go-plugin).
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/cxlive/genesyscloud-datasource/pkg/plugin"
)

// pluginID must match plugin.json.
const pluginID = "cxlive-genesyscloud-datasource"

func main() {
	if err := datasource.Manage(pluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("Plugin stopped", "error", err.Error())
		os.Exit(1)
	}
}
