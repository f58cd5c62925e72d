# syntax=docker/dockerfile:1
# Kordon's two images from one file, one target each (docker-compose.yml builds both):
#   docker build --target api -t kordon-api .
#   docker build --target web -t kordon-web .
# Both run compiled JavaScript (no TypeScript compiler at run time), as user 10001, and work
# with a read-only root filesystem: they write only to /tmp (mount a tmpfs or an emptyDir) and,
# for the web app, Next's cache folder (/app/apps/web/.next/cache, a tmpfs as well).
# Prisma's client is Rust-free (engineType "client" + pg adapter): no engine download happens.

# ---- deps: every dependency, dev tools included, for the build -------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.cjs scripts/build.cjs ./scripts/
# postinstall generates the Prisma client; its build step waits for the sources (next stage).
RUN npm ci --no-audit --no-fund

# ---- build: the API and CLI to dist/, the web app as Next's standalone server -----------------
FROM deps AS build
COPY . .
RUN node scripts/build.cjs \
 && KORDON_NEXT_OUTPUT=standalone npx next build apps/web

# ---- prod-deps: production dependencies only, with the generated Prisma client ----------------
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=deps /app/node_modules/.prisma ./node_modules/.prisma

# ---- api: the compiled API ---------------------------------------------------------------------
FROM node:20-bookworm-slim AS api
WORKDIR /app
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3001 \
    KORDON_DATA_DIR=/tmp/kordon
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Read at run time: migrations applied at start, the demo fleet (KORDON_DEMO), the CLI's version.
COPY prisma/migrations ./prisma/migrations
COPY demo ./demo
USER 10001:10001
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||3001)+'/api/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/api/src/main.js"]

# ---- web: Next's standalone server (it traces and copies only the files it needs) -------------
FROM node:20-bookworm-slim AS web
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    KORDON_API_URL=http://api:3001
COPY --from=build /app/apps/web/.next/standalone ./
COPY --from=build /app/apps/web/.next/static ./apps/web/.next/static
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/sign-in').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/web/server.js"]
