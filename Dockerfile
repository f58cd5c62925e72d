# One image for both processes (api and web); docker-compose.yml picks the command.
# Prisma's client is Rust-free (engineType "client" + pg adapter), so no engine download happens.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.cjs ./scripts/prisma-generate.cjs
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx next build apps/web

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build /app /app
USER node
EXPOSE 3000 3001
CMD ["node", "-r", "@swc-node/register", "apps/api/src/main.ts"]
