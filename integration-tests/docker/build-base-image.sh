#!/usr/bin/env bash
# Builds a small Java runtime image without any registry: a jlink JRE (the modules the given
# jars need, found by jdeps, plus what Hazelcast and the launcher options want), the host
# libraries it links, and a static busybox (sh, wget for health checks), imported with
# `docker import`. Skips the work when an image with the same inputs exists already.
#
#   build-base-image.sh IMAGE WORKDIR JAR...
#
# Needs: a JDK 17 with jmods (Debian: openjdk-17-jdk-headless), busybox-static, docker.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 IMAGE WORKDIR JAR..." >&2; exit 2; }
image="$1"; work="$2"; shift 2

die() { echo "build-base-image: $*" >&2; exit 1; }

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}"
jlink="$java_home/bin/jlink"
jdeps="$java_home/bin/jdeps"
[ -x "$jlink" ] || die "no jlink in $java_home: install a JDK 17 (Debian: openjdk-17-jdk-headless)"
[ -d "$java_home/jmods" ] || die "no jmods in $java_home: jlink needs them (Debian: openjdk-17-jdk-headless)"
busybox="$(command -v busybox || true)"
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "a static busybox is needed for sh and wget in the image (Debian: busybox-static)"

for jar in "$@"; do
    [ -f "$jar" ] || die "missing jar $jar (build it first: mvn -B package)"
done

# The image is rebuilt when the JDK, this script or the set of libraries in the jars changes
# (jdeps itself takes long on these jars, so it runs only when building).
libraries="$(for jar in "$@"; do "$java_home/bin/jar" tf "$jar" | grep '^META-INF/maven/.*/pom.properties$'; done | sort -u)"
key="$( { "$java_home/bin/java" -version 2>&1; echo "$libraries"; "$busybox" | head -1; cat "$0"; } | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{index .Config.Labels "dev.chat.base-key"}}' "$image" 2>/dev/null || true)" = "$key" ]; then
    echo "build-base-image: $image is up to date ($key)" >&2
    exit 0
fi

# Hazelcast wants java.se (the launcher adds it) and jdk.management; Netty wants jdk.unsupported;
# TLS wants jdk.crypto.ec (ECDSA keys and ECDHE in the JDK; a provider jdeps cannot see).
found="$("$jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$@" 2>/dev/null || true)"
modules="$(printf '%s\n' java.se jdk.unsupported jdk.management jdk.net jdk.crypto.ec ${found//,/ } | sort -u | paste -sd, -)"

root="$work/rootfs"
rm -rf "$work"
mkdir -p "$root"/{bin,etc,tmp,opt}
chmod 1777 "$root/tmp"

"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --generate-cds-archive --output "$root/opt/java" >&2

# Native libraries inside the jars for this machine (SQLite's JDBC driver, Netty's transports)
# link host libraries the JRE itself does not (libpthread.so.0 for SQLite): ldd them too.
natives="$work/natives"
mkdir -p "$natives"
arch="$(uname -m)"
for jar in "$@"; do
    entries="$("$java_home/bin/jar" tf "$jar" | grep -E "\.so$" | grep -E "(Linux/$arch/|linux.?$arch|_$arch\.so$)" | grep -v -i musl || true)"
    abs="$(readlink -f "$jar")"
    [ -z "$entries" ] || (cd "$natives" && "$java_home/bin/jar" xf "$abs" $entries)
done

# The libraries the runtime links, at the paths the loader looks for them (resolved, not links).
find "$root/opt/java" "$natives" -name '*.so' -print0 \
    | xargs -0 ldd 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' \
    | sort -u \
    | while read -r lib; do cp -L --parents "$lib" "$root/"; done

cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

old_id="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
tar -C "$root" -c . | docker import \
    --change "ENV PATH=/opt/java/bin:/bin" \
    --change "ENV JAVA_HOME=/opt/java" \
    --change "LABEL dev.chat.base-key=$key" \
    --change "LABEL dev.chat.modules=$modules" \
    - "$image" >/dev/null
rm -rf "$work"
# the previous build, now untagged, is not kept
[ -z "$old_id" ] || docker rmi "$old_id" >/dev/null 2>&1 || true
echo "build-base-image: built $image ($(docker image inspect -f '{{.Size}}' "$image") bytes, modules $modules)" >&2
