# tests/lib.sh: what the shell tests share, sourced by them (POSIX sh).
#
#   refserver_start SERVER DIR ARGS...
#       starts SERVER --port 0 ARGS... in the background, its standard
#       output in DIR/out and its standard error in DIR/log; sets pid,
#       and port once the server has printed "listening on
#       http://127.0.0.1:PORT" (10 s at most; port is empty if not, and
#       the status is 1)
#   refserver_kill
#       kills the server of $pid at once, if it still runs, and waits
#   check NAME EXPECTED ACTUAL
#       one check: prints "ok - NAME" or "not ok - NAME: ..." and counts
#       it in passed or failed

refserver_start() {
  _server=$1
  _dir=$2
  shift 2
  "$_server" --port 0 "$@" >"$_dir/out" 2>"$_dir/log" &
  pid=$!
  _tries=0
  while [ ! -s "$_dir/out" ] && [ $_tries -lt 100 ] &&
        kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    _tries=$((_tries + 1))
  done
  port=$(sed -n '1s|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' \
    "$_dir/out")
  [ -n "$port" ]
}

refserver_kill() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  pid=
}

check() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
    echo "ok - $1"
  else
    failed=$((failed + 1))
    echo "not ok - $1: expected '$2', got '$3'"
  fi
}
