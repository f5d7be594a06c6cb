#!/bin/sh
# Builds the plugin into ./dist: the frontend with webpack (npm run build), the backend
# for linux/amd64 and linux/arm64 (the architectures a Grafana container runs on).
# Used by the plugin-build service of docker-compose.yaml; runs as well on any machine
# with Node.js 20+ and Go 1.26+ (./docker/build-plugin.sh from the repository root).
set -eu

# In the container the checkout is mounted read-only at $PLUGIN_SRC: copy it here first,
# leaving out what the build makes (dist/, node_modules/ are volumes) and .git.
if [ -n "${PLUGIN_SRC:-}" ] && [ "$PLUGIN_SRC" != "$(pwd)" ]; then
  echo "== copying $PLUGIN_SRC to $(pwd)"
  tar -C "$PLUGIN_SRC" --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - . | tar -xf -
fi

echo "== frontend: npm ci && npm run build"
npm ci --no-audit --no-fund --loglevel=error
npm run build

exe=$(node -p 'require("./src/plugin.json").executable')
for arch in amd64 arm64; do
  echo "== backend: ${exe}_linux_${arch}"
  GOOS=linux GOARCH=$arch CGO_ENABLED=0 go build -trimpath -ldflags "-w -s" \
    -o "dist/${exe}_linux_${arch}" ./pkg
done

# Grafana refuses a plugin directory without plugin.json, and a backend plugin without
# its executable: fail here, loudly, rather than in Grafana's log.
for f in dist/plugin.json dist/module.js "dist/${exe}_linux_amd64" "dist/${exe}_linux_arm64"; do
  [ -s "$f" ] || { echo "build-plugin: $f is missing after the build" >&2; exit 1; }
done
echo "== dist/ is ready:"
ls -l dist
