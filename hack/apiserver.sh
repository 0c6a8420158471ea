#!/usr/bin/env bash
# Builds and runs a real, pinned Kubernetes API server (kube-apiserver + etcd)
# on loopback, for the e2e test that proves netid's output is accepted by one
# (e2e/apiserver_test.go, `NETID_APISERVER=1 go test ./e2e -run APIServer`).
#
#   hack/apiserver.sh build       # build kube-apiserver, kubectl and etcd once into
#                                 # the tools cache; prints that directory
#   hack/apiserver.sh start DIR   # start etcd + kube-apiserver with state in DIR;
#                                 # prints DIR/kubeconfig once /readyz is ok
#   hack/apiserver.sh stop DIR    # stop what `start DIR` started
#
# build: the binaries come from the Go module proxy, pinned by the module in
# hack/apiserver (kube-apiserver and kubectl from k8s.io/kubernetes) and
# hack/apiserver/etcd (etcd from go.etcd.io/etcd/server/v3). A first build on two
# cores takes about nine minutes, 850 MB of module cache and 3 GB of Go build
# cache (the binaries: 200 MB); later calls only check the versions the
# binaries report. Cache: ${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-
# $HOME/.cache}/netid-tools}/apiserver-<kubernetes version>/, as hack/tools.sh.
#
# start: everything listens on 127.0.0.1 only, on free ports picked in
# 20000-31999. DIR gets the certificates (a throwaway CA, the serving cert, the
# service-account signing key, made with openssl), a static token for the admin
# user (group system:masters), etcd's data, the logs (etcd.log,
# kube-apiserver.log), the PIDs and the kubeconfig. The API server runs with
# --authorization-mode=RBAC, the default admission plugins (PodSecurity among
# them) and --allow-privileged=true, so that a privileged pod is refused by
# PodSecurity and not by the API server's own flag. Both processes are stopped by
# `stop DIR`, and otherwise by a watchdog once NETID_APISERVER_OWNER_PID (if
# set) has exited or NETID_APISERVER_LIFETIME seconds (default 3600) have
# passed. Every wait is bounded.
set -euo pipefail

KUBERNETES_VERSION=v1.37.2 # k8s.io/kubernetes in hack/apiserver/go.mod
STAGING_VERSION=v0.37.2    # its staging modules, replaced in the same file
ETCD_VERSION=v3.6.16       # go.etcd.io/etcd/server/v3 in hack/apiserver/etcd/go.mod

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
repo_root="$(cd "$(dirname "$script")/.." && pwd)"
mod_dir="$repo_root/hack/apiserver"
tools_dir="${NETID_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netid-tools}"
case "$tools_dir" in /*) ;; *) tools_dir="$PWD/$tools_dir" ;; esac
bin_dir="$tools_dir/apiserver-$KUBERNETES_VERSION"

log() { printf 'apiserver.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- build

# want_version NAME: the line NAME's version output must contain.
want_version() {
  case "$1" in
    kube-apiserver) echo "Kubernetes $KUBERNETES_VERSION" ;;
    kubectl) echo "Client Version: $KUBERNETES_VERSION" ;;
    etcd) echo "etcd Version: ${ETCD_VERSION#v}" ;;
  esac
}

# version_of NAME: what the built binary says of its version.
version_of() {
  local bin="$bin_dir/$1"
  case "$1" in
    kube-apiserver) "$bin" --version ;;
    kubectl) "$bin" version --client ;;
    etcd) "$bin" --version ;;
  esac
}

version_ok() {
  local out
  [[ -x "$bin_dir/$1" ]] || return 1
  out="$(version_of "$1" 2>/dev/null)" || return 1
  grep -qxF "$(want_version "$1")" <<<"$out"
}

# check_replaces: every staging module k8s.io/kubernetes requires (at v0.0.0,
# replaced with ./staging/src/k8s.io/X in its go.mod) must be replaced with
# its $STAGING_VERSION release in hack/apiserver/go.mod.
check_replaces() {
  local gomod
  gomod="$(cd "$mod_dir" && GOFLAGS= GOWORK=off go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod" ]] || die "cannot find the go.mod of k8s.io/kubernetes@$KUBERNETES_VERSION"
  local staging missing=() m
  staging="$(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$gomod")"
  for m in $staging; do
    grep -qE "^[[:space:]]+${m//./\\.} v0\.0\.0\$" "$gomod" || continue # replaced but not required
    grep -qE "^[[:space:]]+${m//./\\.} => ${m//./\\.} ${STAGING_VERSION//./\\.}\$" "$mod_dir/go.mod" || missing+=("$m")
  done
  ((${#missing[@]} == 0)) || die "hack/apiserver/go.mod must replace these with their $STAGING_VERSION release: ${missing[*]}"
}

# build_one NAME MODULE_DIR PACKAGE LDFLAGS: go build into a scratch directory
# and rename, so an interrupted build never leaves a half-written binary.
build_one() {
  local name="$1" dir="$2" pkg="$3" ldflags="$4" tmp start size
  tmp="$(mktemp -d "$bin_dir/.build.XXXXXX")"
  start=$SECONDS
  log "building $name from $pkg (module $dir)"
  # GOFLAGS is cleared so a caller's flags cannot leak into this build;
  # -buildvcs=false because the module sits inside netid's own git work tree.
  if ! (cd "$dir" && GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0 \
    go build -trimpath -ldflags "$ldflags" -o "$tmp/$name" "$pkg" >&2); then
    rm -rf "$tmp"
    die "building $name ($pkg in $dir) failed"
  fi
  mv -f "$tmp/$name" "$bin_dir/$name"
  rm -rf "$tmp"
  size="$(du -h "$bin_dir/$name" | cut -f1)"
  log "built $name in $((SECONDS - start))s ($size)"
  version_ok "$name" || die "$bin_dir/$name reports '$(version_of "$name" 2>&1 | head -1)', want '$(want_version "$name")'"
}

cmd_build() {
  command -v go >/dev/null 2>&1 || die "go is needed to build kube-apiserver, kubectl and etcd"
  mkdir -p "$bin_dir"
  # One build at a time per cache directory.
  exec 9>"$bin_dir/.lock"
  flock -w 3600 9 || die "timed out waiting for another build in $bin_dir"

  local v ldflags="-s -w" name
  for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $v.gitVersion=$KUBERNETES_VERSION -X $v.gitTreeState=clean"
    ldflags+=" -X $v.gitMajor=$(cut -d. -f1 <<<"${KUBERNETES_VERSION#v}")"
    ldflags+=" -X $v.gitMinor=$(cut -d. -f2 <<<"${KUBERNETES_VERSION#v}")"
  done
  local checked=""
  for name in kube-apiserver kubectl etcd; do
    if version_ok "$name"; then
      continue
    fi
    case "$name" in
      etcd)
        build_one etcd "$mod_dir/etcd" go.etcd.io/etcd/server/v3 "-s -w"
        ;;
      *)
        [[ -n "$checked" ]] || { check_replaces; checked=1; }
        build_one "$name" "$mod_dir" "k8s.io/kubernetes/cmd/$name" "$ldflags"
        ;;
    esac
  done
  printf '%s\n' "$bin_dir"
}

# ---------------------------------------------------------------- start/stop

# alive PID: the process exists and is not a zombie.
alive() {
  local state
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# ours PID DIR: the process was started by `start DIR` (its command line
# names DIR), so a stale PID file never makes us signal someone else's process.
ours() {
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$2"* ]]
}

# free_port: a port in 20000-31999 (below Linux's ephemeral range) that
# nothing on 127.0.0.1 accepts connections on and that no earlier call chose.
picked_ports=" "
free_port() {
  local i p
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ "$picked_ports" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      picked_ports+="$p "
      echo "$p"
      return 0
    fi
  done
  die "found no free port on 127.0.0.1"
}

make_pki() {
  local pki="$1"
  mkdir -p "$pki"
  cat >"$pki/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = netid-e2e
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc
EOF
  (
    cd "$pki"
    umask 077
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
    openssl req -x509 -new -config openssl.cnf -extensions v3_ca -key ca.key \
      -subj "/CN=netid-e2e-ca" -days 2 -out ca.crt
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out apiserver.key
    openssl req -new -config openssl.cnf -key apiserver.key -subj "/CN=kube-apiserver" -out apiserver.csr
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
      -days 2 -extfile openssl.cnf -extensions v3_server -out apiserver.crt
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
    openssl pkey -in sa.key -pubout -out sa.pub
  ) >"$pki/openssl.log" 2>&1 || { cat "$pki/openssl.log" >&2; die "generating certificates with openssl failed"; }
}

# wait_for DESCRIPTION SECONDS PIDS... -- COMMAND...: run COMMAND every second
# until it succeeds; fail when the time is up or a process in PIDS exits.
wait_for() {
  local what="$1" limit="$2" pids=() pid
  shift 2
  while [[ "$1" != -- ]]; do pids+=("$1"); shift; done
  shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do
      alive "$pid" || return 2
    done
    ((SECONDS < end)) || return 1
    sleep 1
  done
}

fail_start() {
  local dir="$1"
  shift
  log "$*"
  local f
  for f in "$dir/etcd.log" "$dir/kube-apiserver.log"; do
    [[ -f "$f" ]] && { log "last lines of $f:"; tail -n 30 "$f" >&2; }
  done
  cmd_stop "$dir" || true
  exit 1
}

cmd_start() {
  local dir="${1:-}"
  [[ -n "$dir" ]] || die "usage: $0 start DIR"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ ! -f "$dir/etcd.pid" && ! -f "$dir/kube-apiserver.pid" ]] || die "$dir already holds a started server: run '$0 stop $dir' first"
  local b
  for b in etcd kube-apiserver kubectl; do
    version_ok "$b" || die "$bin_dir/$b is missing or not $(want_version "$b"): run '$0 build' first"
  done
  command -v openssl >/dev/null 2>&1 || die "openssl is needed to make the test certificates"

  make_pki "$dir/pki"
  local token
  token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s,netid-e2e-admin,netid-e2e-admin,"system:masters"\n' "$token" >"$dir/tokens.csv")

  local etcd_port peer_port api_port
  etcd_port="$(free_port)"
  peer_port="$(free_port)"
  api_port="$(free_port)"

  "$bin_dir/etcd" \
    --name netid-e2e \
    --data-dir "$dir/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "netid-e2e=http://127.0.0.1:$peer_port" \
    --initial-cluster-state new \
    --unsafe-no-fsync \
    --log-level warn \
    >"$dir/etcd.log" 2>&1 </dev/null &
  local etcd_pid=$!
  echo "$etcd_pid" >"$dir/etcd.pid"
  wait_for "etcd" 60 "$etcd_pid" -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$etcd_port" ||
    fail_start "$dir" "etcd did not start listening on 127.0.0.1:$etcd_port within 60s"

  "$bin_dir/kube-apiserver" \
    --bind-address 127.0.0.1 \
    --advertise-address 127.0.0.1 \
    --secure-port "$api_port" \
    --cert-dir "$dir/pki" \
    --tls-cert-file "$dir/pki/apiserver.crt" \
    --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --token-auth-file "$dir/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.pub" \
    --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --endpoint-reconciler-type none \
    --allow-privileged=true \
    --profiling=false \
    >"$dir/kube-apiserver.log" 2>&1 </dev/null &
  local api_pid=$!
  echo "$api_pid" >"$dir/kube-apiserver.pid"

  local kubeconfig="$dir/kubeconfig"
  (umask 077 && cat >"$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: netid-e2e
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority: $dir/pki/ca.crt
users:
  - name: netid-e2e-admin
    user:
      token: $token
contexts:
  - name: netid-e2e
    context:
      cluster: netid-e2e
      user: netid-e2e-admin
current-context: netid-e2e
EOF
  )

  # The watchdog stops both if the owner exits without calling stop, or
  # when the lifetime is up. Its output goes nowhere, so that whoever reads
  # this script's output (a test's pipe) sees it end now.
  "$script" watch "$dir" "${NETID_APISERVER_OWNER_PID:-}" "${NETID_APISERVER_LIFETIME:-3600}" \
    >/dev/null 2>&1 </dev/null &
  echo $! >"$dir/watchdog.pid"

  local rc=0
  wait_for "kube-apiserver" 180 "$etcd_pid" "$api_pid" -- \
    "$bin_dir/kubectl" --kubeconfig "$kubeconfig" --request-timeout 5s get --raw /readyz || rc=$?
  case "$rc" in
    0) ;;
    2) fail_start "$dir" "etcd or kube-apiserver exited before /readyz was ok" ;;
    *) fail_start "$dir" "kube-apiserver's /readyz was not ok within 180s: $("$bin_dir/kubectl" --kubeconfig "$kubeconfig" --request-timeout 5s get --raw '/readyz?verbose' 2>&1 | grep -v '\[+\]' | tail -n 20)" ;;
  esac
  log "kube-apiserver $KUBERNETES_VERSION ready at https://127.0.0.1:$api_port (etcd on 127.0.0.1:$etcd_port)"
  printf '%s\n' "$kubeconfig"
}

# cmd_watch DIR OWNER LIFETIME: the watchdog `start` runs in the background.
cmd_watch() {
  local dir="$1" owner="$2" lifetime="$3"
  local end=$((SECONDS + lifetime))
  while ((SECONDS < end)); do
    [[ -f "$dir/kube-apiserver.pid" ]] || exit 0
    if [[ -n "$owner" ]] && ! kill -0 "$owner" 2>/dev/null; then
      break
    fi
    sleep 2
  done
  NETID_APISERVER_FROM_WATCHDOG=1 cmd_stop "$dir"
}

# stop_pid NAME DIR: TERM, then KILL after 15s, the process in DIR/NAME.pid.
stop_pid() {
  local name="$1" dir="$2" pid i
  [[ -f "$dir/$name.pid" ]] || return 0
  pid="$(<"$dir/$name.pid")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && ours "$pid" "$dir"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      log "$name (pid $pid) still running 15s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$dir/$name.pid"
}

cmd_stop() {
  local dir="${1:-}"
  [[ -n "$dir" ]] || die "usage: $0 stop DIR"
  [[ -d "$dir" ]] || return 0
  dir="$(cd "$dir" && pwd)"
  stop_pid kube-apiserver "$dir"
  stop_pid etcd "$dir"
  if [[ -z "${NETID_APISERVER_FROM_WATCHDOG:-}" ]]; then
    stop_pid watchdog "$dir"
  else
    rm -f "$dir/watchdog.pid"
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  watch) cmd_watch "$2" "$3" "$4" ;;
  *) die "usage: $0 build | start DIR | stop DIR" ;;
esac
