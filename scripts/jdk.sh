# Sourced by ./mvnw, ./dev.sh and bin/meshpilot: export JAVA_HOME/PATH for a JDK >= 21, or exit with a
# clear message. JAVA_HOME wins when it is new enough; otherwise the newest JDK among the PATH's javac
# and the usual install places is used. MESHPILOT_JDK_DIRS (space-separated JDK homes, may be empty)
# replaces those install places, so a test can stand a machine with only an old JDK.
meshpilot_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

meshpilot_select_jdk() {
  local candidates=() best="" best_v=0 c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local places=(/usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*)
  # shellcheck disable=SC2206 # word splitting is the format of MESHPILOT_JDK_DIRS
  if [ -n "${MESHPILOT_JDK_DIRS+set}" ]; then places=(${MESHPILOT_JDK_DIRS}); fi
  for c in "${places[@]}"; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/javac" ] || continue
    v=$(meshpilot_java_major "$c" 2>/dev/null || true)
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ "$c" = "${JAVA_HOME:-}" ] && [ "$v" -ge 21 ]; then best=$c; best_v=$v; break; fi
    if [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
  done
  if [ -z "$best" ] || [ "$best_v" -lt 21 ]; then
    echo "meshpilot needs a JDK >= 21 to build and run; the newest JDK found is ${best_v} (${best:-none})." >&2
    echo "Install a JDK 21+ (e.g. Temurin) and set JAVA_HOME to it." >&2
    exit 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}
