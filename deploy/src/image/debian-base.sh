#!/bin/sh
# Builds a base image for Jib without a Docker daemon or a registry: a Debian bookworm minbase root file
# system with openjdk-17-jre-headless (debootstrap, Debian packages only), written as a `docker save`-format
# tarball that Jib reads with from.image=tar://<file>.
#
#   sudo deploy/src/image/debian-base.sh /tmp/bb-base            # → /tmp/bb-base/debian-jre17.tar
#   mvn -B -pl deploy -am package -Pimage -Dimage.base=tar:///tmp/bb-base/debian-jre17.tar
#
# Needs root (debootstrap, chroot) and the debootstrap package. Where a registry is reachable, the default
# base image (eclipse-temurin:17-jre) is simpler and patched upstream; this is for air-gapped builders.
set -eu

out_dir=${1:?usage: debian-base.sh <work-dir> [mirror]}
mirror=${2:-http://deb.debian.org/debian}
rootfs="$out_dir/rootfs"
tarball="$out_dir/debian-jre17.tar"
mkdir -p "$out_dir"

if [ ! -x "$rootfs/usr/bin/java" ]; then
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" "$mirror"
fi

# Slim down: documentation, manuals, caches; nothing the JVM reads at run time.
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
# Non-root user of the image (Jib sets the numeric id; a passwd entry gives it a name and a home).
grep -q '^nonroot:' "$rootfs/etc/passwd" || echo 'nonroot:x:65532:65532:nonroot:/tmp:/usr/sbin/nologin' >> "$rootfs/etc/passwd"
grep -q '^nonroot:' "$rootfs/etc/group" || echo 'nonroot:x:65532:' >> "$rootfs/etc/group"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar --numeric-owner --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -C "$rootfs" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir "$work/$diff_id"
mv "$work/layer.tar" "$work/$diff_id/layer.tar"
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"debootstrap bookworm minbase + openjdk-17-jre-headless (deploy/src/image/debian-base.sh)"}]}
JSON
config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["local/debian-jre17:bookworm"],"Layers":["%s/layer.tar"]}]\n' \
    "$config_id" "$diff_id" > "$work/manifest.json"
tar -C "$work" -cf "$tarball" manifest.json "$config_id.json" "$diff_id"
echo "$tarball ($(du -h "$tarball" | cut -f1))"
