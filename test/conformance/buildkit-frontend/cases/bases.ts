// Stand-ins for what BuildKit's base images have and the busybox base of the tests lacks.

/**
 * `adduser -D user` of busybox/alpine: Debian's busybox-static has no adduser applet, so the same
 * passwd/group entries (and home) are written directly.
 */
export const ADDUSER = "echo 'user:x:1000:1000::/home/user:/bin/sh' >> /etc/passwd && echo 'user:x:1000:' >> /etc/group && mkdir -p -m 0755 /home/user && chown 1000:1000 /home/user";
