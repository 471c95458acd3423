# syntax=docker/dockerfile:1
# One image per service, built from the repository root:
#   docker build --build-arg SERVICE=conversation -t ghcr.io/omni/conversation:dev .
# SERVICE is one of: ingest-email, ingest-social, conversation, routing.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# Cut the monorepo down to the service and the workspaces it depends on:
# out/json holds only manifests and the pruned lockfile (the install layer
# stays cached until a dependency changes), out/full the sources.
FROM base AS prune
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "pass --build-arg SERVICE=<ingest-email|ingest-social|conversation|routing>" >&2; exit 1; }
COPY package-lock.json ./
# The same turbo the lockfile pins, so prune and build agree.
RUN npm install --global --ignore-scripts \
      "turbo@$(node -p "require('./package-lock.json').packages['node_modules/turbo'].version")"
COPY . .
RUN turbo prune "@omni/${SERVICE}" --docker

FROM base AS build
ARG SERVICE
COPY --from=prune /app/out/json/ ./
# Install scripts stay off (the root package.json's allowScripts says none is needed):
# buf and turbo ship their binaries as per-platform packages.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts
COPY --from=prune /app/out/full/ ./
# turbo prune copies workspaces only; the build also reads these root inputs.
COPY tsconfig.base.json ./
COPY proto/ ./proto/
# build depends on generate (buf + ts-proto from node_modules, no network).
RUN --mount=type=cache,target=/app/.turbo \
    npx --no turbo run build --filter="@omni/${SERVICE}..."
RUN npm prune --omit=dev --ignore-scripts \
 && find packages services -name '*.tsbuildinfo' -delete \
 && find packages services -maxdepth 2 \( -name .turbo -o -name test \) -type d -prune -exec rm -rf {} +

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# tini as PID 1 forwards SIGTERM to node and reaps zombies; the service itself
# drains on SIGTERM. Package managers are not needed at run time.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
           /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && groupadd --system --gid 10001 omni \
 && useradd --system --uid 10001 --gid omni --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin omni
LABEL org.opencontainers.image.title="omni-${SERVICE}" \
      org.opencontainers.image.description="omni ${SERVICE} service"
# HOME points at /tmp (an emptyDir in Kubernetes): nothing writes outside it.
ENV NODE_ENV=production \
    OMNI_SERVICE=${SERVICE} \
    HOME=/tmp
WORKDIR /app
# Files stay owned by root: the service user can read them, never change them.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ ./node_modules/
COPY --from=build /app/packages/ ./packages/
COPY --from=build /app/services/ ./services/
USER 10001:10001
# HTTP (health, metrics, REST, webhooks). conversation and routing also serve
# gRPC on 9090, ingest-email SMTP on 2525: see deploy/k8s.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# exec: node replaces the shell, so tini's child is node itself.
CMD ["/bin/sh", "-c", "exec node --require @omni/telemetry/register \"services/${OMNI_SERVICE}/dist/main.js\""]
