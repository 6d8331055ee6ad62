# strain's image for distributed runs: the same CLI as `npm install`, as coordinator or agent.
#   docker build -t REGISTRY/strain:TAG . && docker push REGISTRY/strain:TAG
#   strain k8s profiles/load.yaml --agents 4 --image REGISTRY/strain:TAG | kubectl apply -f -
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source where no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /strain
COPY package.json package-lock.json tsconfig.json ./
COPY bin bin
COPY src src
COPY monitor monitor
COPY test test
COPY bench bench
COPY profiles profiles
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /strain
COPY --from=build /strain/package.json ./
COPY --from=build /strain/bin bin
COPY --from=build /strain/dist dist
COPY --from=build /strain/node_modules node_modules
COPY --from=build /strain/profiles profiles
# Unprivileged: a load generator needs no root.
USER node
ENTRYPOINT ["node", "/strain/bin/strain.js"]
CMD ["--help"]
