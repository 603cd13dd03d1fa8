#!/usr/bin/env bash
# `make docker`: build the course's container image from a fresh clone of this repository's HEAD
# and run the preflight (`make doctor`) and one fast notebook inside it, without a network.
#
# What it needs and does, in order:
# - Debian's docker.io and debootstrap (installed with apt-get when missing and run as root);
# - a Docker daemon: the one running, or one it starts itself (root) and stops at the end;
# - the base image named by the Dockerfile's FROM line (debian:<release>-slim): when the daemon
#   does not have it, it is built locally with `debootstrap --variant=minbase <release>` and
#   `docker import` (root; no container registry is needed), with this machine's local CA
#   certificates (/usr/local/share/ca-certificates) added;
# - `docker build --network host` of a `git clone` of HEAD (uncommitted changes never reach the
#   image), passing this machine's pip index settings (http/https ones only) as build args.
# It prints the image's size and the build time, and leaves only the images behind: the base
# image and $IMAGE (the previous $IMAGE is removed when the build replaces it).
#
# `scripts/docker.sh release` prints the Debian release only (tests compare it with FROM).
# Settings (environment): IMAGE (default probmod-course), TORCH (gpu or cpu, as for `make env`),
# NOTEBOOK (default notebooks/01_distributions.ipynb), DOCKER_DATA_ROOT (data root for a daemon
# this script starts; default dockerd's own), DEBIAN_MIRROR (for debootstrap and apt in the image).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
IMAGE=${IMAGE:-probmod-course}
TORCH=${TORCH:-gpu}
NOTEBOOK=${NOTEBOOK:-notebooks/01_distributions.ipynb}
LOGS=$REPO/_build/docker
RELEASE=$(sed -nE 's/^FROM debian:([a-z]+)-slim[[:space:]]*$/\1/p' Dockerfile | head -n 1)
if [ -z "$RELEASE" ]; then
  echo "error: the Dockerfile's FROM line is not 'FROM debian:<release>-slim'" >&2
  exit 1
fi
BASE=debian:$RELEASE-slim
if [ "${1:-}" = release ]; then  # `scripts/docker.sh release`: the base image's Debian release
  echo "$RELEASE"
  exit 0
fi
say() { echo "make docker: $*"; }
is_root() { [ "$(id -u)" = 0 ]; }
need_root() {
  if ! is_root; then
    echo "error: $1 needs root (run \`sudo make docker\`, or do it once as root)" >&2
    exit 1
  fi
}

mkdir -p "$LOGS"
work=$(mktemp -d "${TMPDIR:-/tmp}/course-docker.XXXXXX")
dockerd_pid=""
containers=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  if [ -n "$dockerd_pid" ]; then
    say "stopping the Docker daemon it started (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Tools.
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  need_root "installing ${missing[*]}"
  say "installing Debian's ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi

# The daemon.
if docker info >/dev/null 2>&1; then
  say "using the Docker daemon already running"
else
  need_root "starting the Docker daemon"
  say "starting dockerd (log: $LOGS/dockerd.log)"
  dockerd ${DOCKER_DATA_ROOT:+--data-root "$DOCKER_DATA_ROOT"} >"$LOGS/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -n 20 "$LOGS/dockerd.log" >&2; exit 1; }
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "error: dockerd did not answer in 60 s" >&2; exit 1; }
fi

# Debian mirror: DEBIAN_MIRROR, else this machine's apt source for Debian, else deb.debian.org.
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
fi
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' \
    /etc/apt/sources.list 2>/dev/null || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

# The base image.
base_seconds=0
if docker image inspect "$BASE" >/dev/null 2>&1; then
  say "base image $BASE is present"
else
  need_root "building the base image $BASE with debootstrap"
  say "building the base image $BASE: debootstrap --variant=minbase $RELEASE from $mirror"
  t0=$(date +%s)
  debootstrap --variant=minbase "$RELEASE" "$work/rootfs" "$mirror" >"$LOGS/debootstrap.log" 2>&1 \
    || { tail -n 20 "$LOGS/debootstrap.log" >&2; exit 1; }
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  # This machine's locally added CA certificates (a TLS-inspecting proxy's, say) go into the
  # base image, so that pip in the build verifies the package index as it does here; the
  # Dockerfile's ca-certificates install adds them to the image's trust store.
  if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
    say "adding this machine's local CA certificates to $BASE"
    mkdir -p "$work/rootfs/usr/local/share/ca-certificates"
    cp -r /usr/local/share/ca-certificates/. "$work/rootfs/usr/local/share/ca-certificates/"
  fi
  tar -C "$work/rootfs" -c . | docker import --change 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$work/rootfs"
  base_seconds=$(($(date +%s) - t0))
  say "base image $BASE built in ${base_seconds} s"
fi

# A fresh clone of HEAD: what is committed is what gets built.
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  say "note: uncommitted changes are not in the image (it is built from HEAD)"
fi
head=$(git rev-parse HEAD)
git clone --quiet --no-checkout "$REPO" "$work/course"
git -C "$work/course" checkout --quiet --detach "$head"
say "building $IMAGE from a fresh clone of $(git rev-parse --short HEAD) (TORCH=$TORCH)"

# pip settings of this machine that a build can use: http(s) indexes without credentials.
web_urls() {
  local url out=()
  for url in $1; do
    case "$url" in
      *://*@*) echo "make docker: note: leaving out an index URL with credentials" >&2 ;;
      http://* | https://*) out+=("$url") ;;
    esac
  done
  echo "${out[*]}"
}
pip_get() { python3 -m pip config get "global.$1" 2>/dev/null || true; }
build_args=(--build-arg "TORCH=$TORCH")
index=$(web_urls "${PIP_INDEX_URL:-$(pip_get index-url)}")
extra=$(web_urls "${PIP_EXTRA_INDEX_URL:-$(pip_get extra-index-url)}")
trusted=${PIP_TRUSTED_HOST:-$(pip_get trusted-host)}
[ -n "$index" ] && build_args+=(--build-arg "PIP_INDEX_URL=$index")
[ -n "$extra" ] && build_args+=(--build-arg "PIP_EXTRA_INDEX_URL=$extra")
[ -n "$trusted" ] && build_args+=(--build-arg "PIP_TRUSTED_HOST=$trusted")

old_id=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
t0=$(date +%s)
DOCKER_BUILDKIT=0 docker build --network host --force-rm --tag "$IMAGE" "${build_args[@]}" \
  "$work/course" 2>&1 | tee "$LOGS/build.log"
build_seconds=$(($(date +%s) - t0))
new_id=$(docker image inspect --format '{{.Id}}' "$IMAGE")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
size=$(docker image inspect --format '{{.Size}}' "$IMAGE")

# Inside, with no network: the preflight, then one notebook in fast mode as CI runs it.
run() {
  local name=course-docker-$$-$1
  shift
  containers+=("$name")
  docker run --rm --name "$name" --network none "$@"
}
say "running the preflight inside the container (make doctor)"
run doctor "$IMAGE" make --no-print-directory doctor
say "PASSED: the preflight inside the container"
say "running $NOTEBOOK inside the container (COURSE_FAST=1, nbmake)"
run notebook -e COURSE_FAST=1 -e COURSE_QUIET=1 "$IMAGE" \
  python -m pytest --nbmake -p no:cacheprovider -q "$NOTEBOOK"
say "PASSED: $NOTEBOOK inside the container"

say "image $IMAGE: $(awk -v b="$size" 'BEGIN {printf "%.2f GB", b / 1e9}') ($size bytes)"
say "build time: ${build_seconds} s (base image: ${base_seconds} s; 0 means it was present)"
say "left behind: the images $BASE and $IMAGE (remove with \`docker rmi $IMAGE $BASE\`)"
