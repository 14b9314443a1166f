# syntax=docker/dockerfile:1
# Sesame: a small image on Node 22 LTS (Debian bookworm-slim), running as the unprivileged
# `node` user. Every stage uses the same base image, so better-sqlite3's native addon is
# compiled against exactly the Node and glibc it runs with.

# 1. Build: TypeScript → dist/, browser bundle → public/build/ (needs the dev dependencies).
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts are skipped (`prepare` would build before the sources are here), then the two
# packages that need theirs are rebuilt.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY public ./public
RUN npm run build

# 2. Production dependencies only, better-sqlite3 compiled here (the compilers stay behind).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 \
  && npm cache clean --force

# 3. Runtime.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY package.json ./
COPY bin ./bin
COPY views ./views
# The embedded store's directory (unused with MONGODB_URI); owned by the runtime user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1: it receives SIGTERM from `docker stop` and drains (main.ts).
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=8", "dist/src/main.js"]
