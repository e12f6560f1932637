#!/usr/bin/env bash
# Builds the reference implementation meshpilot is compared with: istiod (pilot-discovery) and istioctl,
# from one pinned istio.io/istio module version, into a cache outside the repository
# (~/.cache/meshpilot/istio-<version>/, override the root with MESHPILOT_PEERS_DIR). Module and build
# caches are install-peers.sh's (peers dir go/). Idempotent: a second run only checks.
# Cold: about 6-8 minutes on 2 cores (both binaries in one go build); warm: seconds.
# Prints `istiod <path> <version>` and `istioctl <path> <version>`. Exits non-zero with a message on failure.
set -euo pipefail

PEER_SCRIPT=install-istio
# shellcheck source=install-peers.sh
. "$(dirname "${BASH_SOURCE[0]}")/install-peers.sh"

# Istio's tags carry no `v`, so the module proxy serves only pseudo-versions; this one is master of
# 2026-08-27, VERSION 1.31 (see shared reference real-cluster.md). Keep in step with the conformance harness.
ISTIO_MODULE_VERSION=${MESHPILOT_ISTIO_MODULE_VERSION:-v0.0.0-20260827124520-eed52ebb66ad}
# What the binaries report as their version (istiod puts it in ISTIO_VERSION checks and xDS metadata).
ISTIO_BUILD_VERSION=${MESHPILOT_ISTIO_BUILD_VERSION:-1.31-dev}
ISTIO_DIR="$PEERS_DIR/istio-$ISTIO_MODULE_VERSION"
ISTIOD_BIN="$ISTIO_DIR/pilot-discovery"
ISTIOCTL_BIN="$ISTIO_DIR/istioctl"

istio_version_of() { "$1" version --short 2>/dev/null | sed -n "s/^.*version: *//p" | head -n1 || true; }
istioctl_version_of() { "$1" version --remote=false --short 2>/dev/null | sed -n "s/^.*version: *//p" | head -n1 || true; }

install_istio() {
  if [ -x "$ISTIOD_BIN" ] && [ -x "$ISTIOCTL_BIN" ] \
     && [ "$(istio_version_of "$ISTIOD_BIN")" = "$ISTIO_BUILD_VERSION" ]; then
    return 0
  fi
  local go_bin; go_bin=$(find_go)
  local src="$ISTIO_DIR/src" out="$ISTIO_DIR/bin.new"
  rm -rf "$src" "$out"; mkdir -p "$src" "$out"
  # One build for both commands so their shared packages compile once.
  ( cd "$src" \
    && run_go "$go_bin" mod init meshpilot.local/istio-peer >/dev/null 2>&1 \
    && run_go "$go_bin" mod edit -require="istio.io/istio@$ISTIO_MODULE_VERSION" \
    && run_go "$go_bin" build -trimpath -pgo=off -tags vtprotobuf,disable_pgv \
         -ldflags "-X istio.io/istio/pkg/version.buildVersion=$ISTIO_BUILD_VERSION" \
         -o "$out/" istio.io/istio/pilot/cmd/pilot-discovery istio.io/istio/istioctl/cmd/istioctl ) >&2 \
    || fail "could not build pilot-discovery/istioctl from istio.io/istio@$ISTIO_MODULE_VERSION with $go_bin (wrapper module in $src)"
  mv -f "$out/pilot-discovery" "$ISTIOD_BIN"
  mv -f "$out/istioctl" "$ISTIOCTL_BIN"
  rm -rf "$src" "$out"
  local got; got=$(istio_version_of "$ISTIOD_BIN")
  [ "$got" = "$ISTIO_BUILD_VERSION" ] || fail "$ISTIOD_BIN version reports '${got:-nothing}', expected $ISTIO_BUILD_VERSION"
}

# The Istio CRDs of the same module version (read-only in the module cache), for the API server.
istio_crds() {
  local go_bin; go_bin=$(find_go)
  local dir
  dir=$(cd "$PEERS_DIR" && run_go "$go_bin" mod download -json "istio.io/istio@$ISTIO_MODULE_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') \
    || fail "could not find istio.io/istio@$ISTIO_MODULE_VERSION in the module cache"
  [ -f "$dir/manifests/charts/base/files/crd-all.gen.yaml" ] || fail "no crd-all.gen.yaml in $dir"
  echo "$dir/manifests/charts/base/files/crd-all.gen.yaml"
}

install_istio
echo "istiod   $ISTIOD_BIN $(istio_version_of "$ISTIOD_BIN")"
echo "istioctl $ISTIOCTL_BIN $(istioctl_version_of "$ISTIOCTL_BIN")"
echo "istio-crds $(istio_crds) $ISTIO_MODULE_VERSION"
