# watermelon as a container: every simulated service of the chain in one process.
#
#   docker build -t watermelon .
#   docker run --rm -p 127.0.0.1:4566:4566 -p 127.0.0.1:8070-8075:8070-8075 -p 127.0.0.1:8079:8079 watermelon
#
# The whole chain with LocalStack as the AWS backend: docker compose up (docker-compose.yml).

# --- build: the TypeScript sources compiled to dist/ -------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The `prepare` script builds from sources that are not copied yet: build explicitly below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY simulator ./simulator
COPY mocks ./mocks
COPY flows ./flows
RUN npm run build

# --- runtime: production dependencies, the bin, dist/ and the bundled scenarios ----------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No TypeScript here, so `prepare` must not run; dist/ comes from the build stage. esbuild (it
# bundles the logzio-shipper zip at start-up) finds its binary in its platform package without
# its install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /app/dist ./dist
# The loader looks for the bundled scenarios in flows/scenarios beside dist/.
COPY flows/scenarios/*.yaml flows/scenarios/scenario.schema.json ./flows/scenarios/

# The local CA and the locator file go to the user's state directory (~/.local/state/watermelon).
USER node

# AWS (CloudWatch Logs + Lambda), Logz.io listener http/https, Logz.io API, PagerDuty Events,
# PagerDuty REST, the scenario's app, the HTTPS proxy: simulator/host/catalogue.ts DEFAULT_PORTS.
EXPOSE 4566 8070 8071 8072 8073 8074 8075 8079

# The Logz.io listener is bound whichever AWS backend runs (with LocalStack, 4566 is not ours).
# Slim images have no curl: node's own fetch asks the admin endpoint.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8070/_watermelon/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "bin/watermelon.js"]
# A wildcard bind, so published ports reach the services from outside the container.
CMD ["up", "--host", "0.0.0.0"]
