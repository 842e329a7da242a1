# bosun: the bot and the worker, one image (`docker run IMAGE bot` / `worker`).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY handlers ./handlers
COPY jobs ./jobs
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS tools
ARG KUBECTL_VERSION=v1.31.4
ARG TARGETARCH=amd64
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && curl -fsSLo /tmp/kubectl "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl" \
 && curl -fsSLo /tmp/kubectl.sha256 "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl.sha256" \
 && echo "$(cat /tmp/kubectl.sha256)  /tmp/kubectl" | sha256sum -c - \
 && install -m 0755 /tmp/kubectl /usr/local/bin/kubectl

FROM ${NODE_IMAGE}
# etcdctl (etcd-client) for snapshots, an ssh client for node commands.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates etcd-client openssh-client tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=tools /usr/local/bin/kubectl /usr/local/bin/kubectl
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
ENV NODE_ENV=production
USER node
EXPOSE 3000 8081 8082
ENTRYPOINT ["tini", "--", "node", "dist/src/main/entry.js"]
CMD ["--help"]
