# Builds the plugin (frontend + backend) into /src/dist inside the demo.
# docker compose runs it as the one-shot "plugin-build" service with the repository
# bind-mounted read-only at /src; the script copies it to /build and builds there, so it
# always builds the working tree you are looking at without writing into it.
ARG GO_VERSION=1.26
ARG NODE_VERSION=22

FROM golang:${GO_VERSION}-bookworm AS go

FROM node:${NODE_VERSION}-bookworm
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:/go/bin:$PATH \
    GOPATH=/go \
    GOFLAGS=-buildvcs=false \
    CGO_ENABLED=0
# The copied checkout belongs to another user; let git (used by some build steps for
# version information) read it anyway.
RUN git config --system --add safe.directory '*'
COPY docker/build-plugin.sh /usr/local/bin/build-plugin
ENV PLUGIN_SRC=/src
WORKDIR /build
CMD ["build-plugin"]
