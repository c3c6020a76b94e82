# syntax=docker/dockerfile:1
# tsbuild in a container: it builds images as an ordinary user (rootless) inside an unprivileged
# container or Kubernetes pod. How to run it, and what the container needs: docs/container.md.
#   tsbuild build -t tsbuild .        (or docker build -t tsbuild .)
# NODE_IMAGE: any Debian-based image with Node >= 20 and npm (gcc is installed when missing).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN command -v cc >/dev/null || { apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev; }
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json action.yml ./
COPY bin bin
COPY scripts scripts
COPY native native
COPY src src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# uidmap: newuidmap/newgidmap for the subordinate ids below; slirp4netns: RUN steps' private
# network when the container has /dev/net/tun (else loopback only, with a warning).
# newuidmap/newgidmap get file capabilities instead of setuid root (as BuildKit's rootless image
# does): a setuid-root newuidmap opens uid_map as uid 0, and the kernel then wants CAP_SYS_ADMIN,
# which an unprivileged container does not have; with file capabilities it stays the user.
RUN apt-get update \
 && apt-get install -y --no-install-recommends uidmap slirp4netns ca-certificates libcap2-bin \
 && chmod u-s /usr/bin/newuidmap /usr/bin/newgidmap \
 && setcap cap_setuid=ep /usr/bin/newuidmap \
 && setcap cap_setgid=ep /usr/bin/newgidmap \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/package.json /opt/tsbuild/package.json
COPY --from=build /src/bin /opt/tsbuild/bin
COPY --from=build /src/dist /opt/tsbuild/dist
COPY --from=build /src/native/build /opt/tsbuild/native/build
COPY --from=build /src/node_modules /opt/tsbuild/node_modules
# The build user: uid 1100 (uid 1000 is often taken, e.g. node's images), with 65536 subordinate
# ids for the owners in the images it builds.
RUN ln -s /opt/tsbuild/bin/tsbuild /usr/local/bin/tsbuild \
 && useradd --create-home --uid 1100 --shell /bin/sh tsbuild \
 && echo tsbuild:100000:65536 > /etc/subuid \
 && echo tsbuild:100000:65536 > /etc/subgid \
 && mkdir -p /home/tsbuild/.local/share/tsbuild \
 && chown -R tsbuild:tsbuild /home/tsbuild/.local
USER tsbuild
WORKDIR /home/tsbuild
# The store: overlay snapshots need a filesystem that is not itself overlay, so a volume
# (docker) or an emptyDir (Kubernetes) goes here.
VOLUME /home/tsbuild/.local/share/tsbuild
ENTRYPOINT ["tsbuild"]
CMD ["--help"]
