# Sourced by the benchmarks: the helpers they share. Each script keeps its own set-up and cleanup.

say() { printf '%s\n' "$*" >&2; }

# the median of the numbers on stdin, one a line ("n/a" for none)
median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

now_ms() { date +%s%N | awk '{ printf "%.1f\n", $1 / 1000000 }'; }

# the wall time of a command in milliseconds, its output dropped
time_ms() { local t0 t1; t0=$(now_ms); "$@" >/dev/null 2>&1; t1=$(now_ms); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# waits up to 2 min for an engine on a unix socket to answer the docker CLI; its log is $WORK/NAME.log
wait_for_engine() { # SOCKET PID NAME
  local deadline=$((SECONDS + 120))
  until DOCKER_HOST=unix://$1 ${DOCKER:-docker} version >/dev/null 2>&1; do
    if ! kill -0 "$2" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      say "$3 did not answer; last lines of its log:"; tail -n 20 "$WORK/$3.log" >&2; return 1
    fi
    sleep 0.2
  done
}

# busybox_tar: $WORK/busybox.tar, a root of the host's busybox-static with its applets, passwd and group
busybox_tar() {
  local root=$WORK/rootfs bb applet
  bb=$(command -v busybox) || { say "busybox-static is not installed"; return 1; }
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
  cp "$bb" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -cf "$WORK/busybox.tar" .
}
