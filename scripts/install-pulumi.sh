#!/usr/bin/env bash
# Builds the pinned Pulumi CLI and our Python language host from tools/ (Go module
# proxy only: no binary can be downloaded here) into a cache outside the clone, then
# links pulumi, pulumi-language-python, pulumi-language-python-exec and
# pulumi-resource-pulumi-python into .venv/bin. Idempotent: with the cache warm it only
# re-links, in well under a second. The cache key is a hash of everything that goes
# into the build, so a change to the pins or the host rebuilds into a fresh folder.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

command -v go >/dev/null 2>&1 || { echo "install-pulumi: Go is required to build the Pulumi CLI" >&2; exit 1; }
[ -d .venv/bin ] || { echo "install-pulumi: run scripts/bootstrap.sh first (.venv is missing)" >&2; exit 1; }

version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" {print $2; exit}' tools/go.mod)
[ -n "$version" ] || { echo "install-pulumi: tools/go.mod does not pin github.com/pulumi/pulumi/pkg/v3" >&2; exit 1; }

key=$(cat tools/go.mod tools/go.sum tools/pulumi-language-python/*.go scripts/install-pulumi.sh | sha256sum | cut -c1-12)
cache_root=${CONTEXTSMS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-contextsms}
dest="$cache_root/pulumi-$version-$key"

export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

if [ ! -x "$dest/bin/pulumi" ]; then
    echo "install-pulumi: building Pulumi CLI $version into $dest (first run takes several minutes)" >&2
    mkdir -p "$cache_root"
    tmp=$(mktemp -d "$cache_root/.build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/bin"
    (
        cd tools
        go build -trimpath -o "$tmp/bin/pulumi" \
            -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
            github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
        go build -trimpath -o "$tmp/bin/pulumi-language-python" \
            -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
            ./pulumi-language-python
        sdk=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
        install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$tmp/bin/"
        install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$tmp/bin/"
    )
    rm -rf "$dest"
    mv "$tmp" "$dest"
    trap - EXIT
fi

for tool in pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python; do
    ln -sfn "$dest/bin/$tool" "$root/.venv/bin/$tool"
done
"$root/.venv/bin/pulumi" version >/dev/null
