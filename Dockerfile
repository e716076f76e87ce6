# The explorer in one container:
#   docker build -t backprop-explorer .
#   docker run --rm -p 8000:8000 backprop-explorer        # then open http://localhost:8000
# Settings come from the environment: WORKERS (uvicorn worker processes), PORT.

# Stage 1: the front end's npm packages (D3, dagre, Swagger UI, esbuild), exactly as package-lock.json pins them.
FROM node:20-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# Stage 2: the wheel, as `pip wheel .` builds it anywhere: its build step (setup.py) finds node_modules
# in place, bundles the notebook widget with esbuild's own binary and puts the page, its templates and
# the browser files inside the package.
FROM python:3.12-slim AS wheel
WORKDIR /build
COPY --from=frontend /build/node_modules ./node_modules
COPY pyproject.toml setup.py MANIFEST.in README.md package.json package-lock.json ./
COPY scripts/build_assets.py ./scripts/
COPY engine ./engine
COPY app ./app
COPY templates ./templates
COPY static ./static
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

# Stage 3: the service.
FROM python:3.12-slim
LABEL org.opencontainers.image.title="backprop-explorer" \
      org.opencontainers.image.description="Watch reverse-mode automatic differentiation happen, step by step." \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /app

# Dependencies in their own layer, rebuilt only when pyproject.toml changes: the runtime dependencies,
# read from pyproject.toml so the list lives in one place.
COPY pyproject.toml /tmp/
RUN python -c "import tomllib; p = tomllib.load(open('/tmp/pyproject.toml', 'rb')); \
print('\n'.join(p['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt /tmp/pyproject.toml

# The wheel alone: the page, its scripts and the browser files are inside the installed package.
COPY --from=wheel /dist /tmp/dist
RUN pip install --no-cache-dir --no-deps /tmp/dist/*.whl \
 && rm -rf /tmp/dist \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin explorer

# Numeric, so orchestrators can verify the user is not root. The code stays owned by root: read-only to it.
USER 10001:10001
ENV PORT=8000 \
    WORKERS=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["backprop-explorer", "healthcheck"]
CMD ["backprop-explorer", "serve", "--host", "0.0.0.0"]
