#!/usr/bin/env bash
# Build the Docker image, run it, and check what a user would: the health check, the page and its assets,
# and POST /api/graph on the lecture example. The container is removed however this ends; any failure
# exits non-zero with a message saying what failed.
#
# Needs a Docker engine. On CI machines that reach no container registry and run no engine, this script
# (run as root) first calls ../shared/tools/docker-standin-base beside the checkout, which starts dockerd
# and builds local stand-ins for the Dockerfile's base images. The Dockerfile itself is never changed.
#
# Environment: IMAGE (default backprop-explorer), SMOKE_TIMEOUT seconds to wait for health (default 90).
set -euo pipefail

cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-backprop-explorer}
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-90}
STANDIN=${STANDIN:-../shared/tools/docker-standin-base}  # beside the checkout, unless given

fail() { echo "docker-smoke: FAIL: $*" >&2; exit 1; }
step() { echo "docker-smoke: $*"; }

base_images_missing() {
  local tag
  while read -r tag; do
    grep -qiE "^FROM .* AS $tag\$" Dockerfile && continue  # a build stage, not an image
    docker image inspect "$tag" >/dev/null 2>&1 || return 0
  done < <(awk 'toupper($1)=="FROM" {for (i = 2; i <= NF; i++) if ($i !~ /^--/) {print $i; break}}' Dockerfile)
  return 1
}

# 1. A Docker engine, with the base images where no registry is reachable.
if ! docker info >/dev/null 2>&1 || { [[ -x $STANDIN ]] && base_images_missing; }; then
  if [[ $(id -u) -ne 0 ]]; then
    docker info >/dev/null 2>&1 || fail "no Docker engine answers ('docker info'); start Docker, or run as root on CI"
  elif [[ -x $STANDIN ]]; then
    step "preparing Docker with $STANDIN --for Dockerfile (about a minute the first time)"
    "$STANDIN" --for Dockerfile || fail "$STANDIN could not prepare Docker"
  elif ! docker info >/dev/null 2>&1; then
    fail "no Docker engine answers, and $STANDIN (expected beside the checkout) is not there to start one"
  fi
fi
docker info >/dev/null 2>&1 || fail "no Docker engine answers ('docker info')"

# 2. Build.
step "building $IMAGE"
started=$SECONDS
docker build --tag "$IMAGE" . || fail "docker build failed"
step "built $IMAGE in $((SECONDS - started))s: $(docker image ls --format '{{.Size}}' "$IMAGE" | head -n 1)"

# 3. Run on a free host port (Docker picks it: no race), health checks every 2 seconds instead of 30.
container=bpx-smoke-$$
cleanup() {
  local status=$?
  if [[ $status -ne 0 ]] && docker container inspect "$container" >/dev/null 2>&1; then
    echo "docker-smoke: container logs:" >&2
    docker logs --tail 50 "$container" >&2 || true
  fi
  docker rm --force "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT
docker run --detach --name "$container" --publish 127.0.0.1::8000 --health-interval 2s "$IMAGE" >/dev/null \
  || fail "docker run failed"
address=$(docker port "$container" 8000/tcp | head -n 1)
[[ -n $address ]] || fail "the container publishes no port for 8000/tcp"
base="http://${address/0.0.0.0/127.0.0.1}"
step "running $container at $base"

user=$(docker inspect --format '{{.Config.User}}' "$container")
[[ -n $user && ${user%%:*} != 0 && ${user%%:*} != root ]] || fail "the container runs as root (USER '$user')"

# 4. Wait for Docker's own HEALTHCHECK to report healthy (it runs `backprop-explorer healthcheck` inside).
started=$SECONDS
while :; do
  running=$(docker inspect --format '{{.State.Running}}' "$container" || true)
  health=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$container" || true)
  [[ $running == true ]] || fail "the container stopped"
  [[ -n $health ]] || fail "the image has no HEALTHCHECK"
  [[ $health == healthy ]] && break
  ((SECONDS - started < SMOKE_TIMEOUT)) || fail "not healthy after ${SMOKE_TIMEOUT}s (health: $health)"
  sleep 1
done
step "healthy after $((SECONDS - started))s"

# 5. What a user sees, checked from the host with the standard library only.
python3 - "$base" <<'PYTHON' || fail "HTTP checks failed (see above)"
import json
import re
import sys
import urllib.error
import urllib.request

base = sys.argv[1]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the container is local
failures = []


def request(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def check(what, ok, detail=""):
    print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)


status, _, body = request("/healthz")
check("GET /healthz is {'status': 'ok'}", status == 200 and json.loads(body) == {"status": "ok"}, body[:200])

status, content_type, body = request("/")
page = body.decode("utf-8", "replace")
check("GET / is the HTML page", status == 200 and "text/html" in content_type and "<html" in page.lower(),
      f"{status} {content_type} {page[:200]!r}")
assets = sorted(set(re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"?#]+)', page)))
check("the page references its scripts and styles", bool(assets), "no /static or /vendor URL in the page")
for asset in assets:
    status, _, body = request(asset)
    check(f"GET {asset}", status == 200 and len(body) > 0, f"status {status}")
# The npm packages installed in the build stage, whether or not the page names them yet.
for vendor in ("/vendor/d3.min.js", "/vendor/dagre.min.js"):
    if vendor not in assets:
        status, _, body = request(vendor)
        check(f"GET {vendor}", status == 200 and len(body) > 1000, f"status {status}")

# /docs and Swagger UI's files: from the installed wheel, as the page's are.
status, _, body = request("/docs")
check("GET /docs is Swagger UI", status == 200 and b"swagger" in body.lower(), f"status {status}")
for asset in sorted(set(re.findall(r'(?:src|href)="(/vendor/swagger-ui/[^"?#]+)', body.decode("utf-8", "replace")))):
    status, _, content = request(asset)
    check(f"GET {asset}", status == 200 and len(content) > 1000, f"status {status}")

lecture = "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"
status, _, body = request("/api/graph", {"expression": lecture})
answer = json.loads(body) if status == 200 else {}
check("POST /api/graph (lecture example) answers 200", status == 200, body[:300])
check("  value is -8", answer.get("value") == -8.0, answer.get("value"))
expected = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
check(f"  gradients are {expected}", answer.get("gradients") == expected, answer.get("gradients"))

status, _, body = request("/api/graph", {"expression": "a = 2\nb = a **"})
detail = json.loads(body).get("detail", {}) if status == 422 else {}
check("a syntax error answers 422 parse_error", detail.get("code") == "parse_error", f"{status} {body[:200]}")

sys.exit(1 if failures else 0)
PYTHON

# 6. The command line inside the image.
table=$(docker exec "$container" backprop-explorer grad 'x = 3; y = x*x') || fail "backprop-explorer grad failed"
grep -qE '^x +3 +6$' <<<"$table" || fail "backprop-explorer grad printed an unexpected table: $table"
step "backprop-explorer grad works inside the image"

step "PASS ($IMAGE, $(docker image ls --format '{{.Size}}' "$IMAGE" | head -n 1))"
