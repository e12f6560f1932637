#!/usr/bin/env bash
# meshpilot developer entry point.
#   ./dev.sh run   [server flags]  build meshpilot.jar and run the server (default: the example mesh in examples/)
#   ./dev.sh test  [mvn args]      install the real peers the tests need (istioctl too) and run every test (what CI runs)
#   ./dev.sh build                 build control-plane/target/meshpilot.jar only
#   ./dev.sh bench                 run the registry benchmark (prints time to ready and retained heap)
#   ./dev.sh loadtest [flags]      N simulated sidecars against meshpilot on a generated mesh (--help for flags)
#   ./dev.sh conformance [flags]   real istiod beside meshpilot on one real API server: diff of what they serve
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

. "$ROOT/scripts/jdk.sh"

build() { ./mvnw -q -B -DskipTests package; }

cmd=${1:-}
shift || true
case "$cmd" in
  run)
    meshpilot_select_jdk
    build
    if [ $# -eq 0 ]; then set -- --config-dir "$ROOT/examples"; fi
    exec java -jar control-plane/target/meshpilot.jar server "$@"
    ;;
  build)
    meshpilot_select_jdk
    build
    ;;
  test)
    meshpilot_select_jdk
    # real peers for the e2e tests (Envoy, iptables, iproute2, etcd, kube-apiserver, kubectl), cached outside the repo
    peers=$(bash "$ROOT/scripts/install-peers.sh")
    echo "$peers"
    MESHPILOT_ENVOY=$(echo "$peers" | awk '$1 == "envoy" { print $2 }')
    MESHPILOT_ETCD=$(echo "$peers" | awk '$1 == "etcd" { print $2 }')
    MESHPILOT_KUBE_APISERVER=$(echo "$peers" | awk '$1 == "kube-apiserver" { print $2 }')
    MESHPILOT_KUBECTL=$(echo "$peers" | awk '$1 == "kubectl" { print $2 }')
    export MESHPILOT_ENVOY MESHPILOT_ETCD MESHPILOT_KUBE_APISERVER MESHPILOT_KUBECTL
    # istioctl (built with istiod from the pinned istio.io/istio module) for the istioctl e2e test
    if [ -f "$ROOT/scripts/install-istio.sh" ]; then
      istio=$(bash "$ROOT/scripts/install-istio.sh")
      echo "$istio"
      MESHPILOT_ISTIOCTL=$(echo "$istio" | awk '$1 == "istioctl" { print $2 }')
      export MESHPILOT_ISTIOCTL
    fi
    ./mvnw -B verify "$@"
    ;;
  bench)
    meshpilot_select_jdk
    cp_file=$(mktemp)
    ./mvnw -q -B -pl registry test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
    java -Xmx2g -cp "registry/target/test-classes:registry/target/classes:$(cat "$cp_file")" \
      io.meshpilot.registry.bench.RegistryLoadBenchmark "$@"
    ;;
  loadtest)
    meshpilot_select_jdk
    build
    # the load client's own JVM (not the server's: MESHPILOT_JAVA_OPTS or --server-jvm-opts)
    # shellcheck disable=SC2086
    exec java ${LOADTEST_JAVA_OPTS:--Xmx3g} -jar loadtest/target/meshpilot-loadtest.jar "$@"
    ;;
  conformance)
    meshpilot_select_jdk
    # real peers: etcd, kube-apiserver, kubectl (install-peers.sh) and istiod (install-istio.sh, long when cold)
    peers=$(bash "$ROOT/scripts/install-peers.sh")
    istio=$(bash "$ROOT/scripts/install-istio.sh")
    echo "$peers"; echo "$istio"
    MESHPILOT_ETCD=$(echo "$peers" | awk '$1 == "etcd" { print $2 }')
    MESHPILOT_KUBE_APISERVER=$(echo "$peers" | awk '$1 == "kube-apiserver" { print $2 }')
    export MESHPILOT_ETCD MESHPILOT_KUBE_APISERVER
    ./mvnw -q -B -DskipTests package org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
    exec java -cp "conformance/target/classes:$(cat conformance/target/classpath.txt)" \
      io.meshpilot.conformance.ConformanceCommand \
      --istiod "$(echo "$istio" | awk '$1 == "istiod" { print $2 }')" \
      --crds "$(echo "$istio" | awk '$1 == "istio-crds" { print $2 }')" \
      --kubectl "$(echo "$peers" | awk '$1 == "kubectl" { print $2 }')" "$@"
    ;;
  *)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
