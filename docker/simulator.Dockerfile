# The Genesys Cloud Notification API simulator (cmd/simulator) for the demo.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY pkg/ pkg/
COPY cmd/ cmd/
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-w -s" -o /out/simulator ./cmd/simulator

# Alpine rather than distroless: busybox wget serves the compose health check.
FROM alpine:3.22
RUN adduser -D -u 10001 simulator
COPY --from=build /out/simulator /usr/local/bin/simulator
USER simulator
EXPOSE 8080
ENTRYPOINT ["simulator"]
# Inside the container the simulator must listen on every interface so Grafana reaches it
# as http://simulator:8080; compose publishes it to the host's loopback only (/_sim has no auth).
CMD ["-addr", "0.0.0.0:8080"]
