# t_tomcat: the tutorial's tomcat.ini, with a /bin/sh stand-in for
# catalina.sh run: stdout and stderr into one file, JAVA_HOME and JAVA_BIN
# from environment=, autorestart=false, stopasgroup/killasgroup, and a
# grandchild that must be gone after stop
. tests/lib.sh

conf_base
mkdir -p "$T/tomcat/bin" "$T/tomcat/logs"
cat >"$T/tomcat/bin/catalina.sh" <<'EOF'
#!/bin/sh
echo "Using JAVA_HOME: $JAVA_HOME"
echo "Using JAVA_BIN: $JAVA_BIN"
echo "Server startup in [42] milliseconds" >&2
sleep 1000 &
echo $! >"$CATALINA_BASE/worker.pid"
wait
EOF
chmod +x "$T/tomcat/bin/catalina.sh"
conf <<'EOF'
[program:tomcat]
command=%(here)s/tomcat/bin/catalina.sh run
environment=JAVA_HOME="/usr/lib/jvm/java-17-openjdk-amd64",JAVA_BIN="/usr/lib/jvm/java-17-openjdk-amd64/bin/java",CATALINA_BASE="%(here)s/tomcat"
directory=%(here)s/tomcat
autostart=true
autorestart=false
startsecs=2
startretries=3
priority=1
stopasgroup=true
killasgroup=true
stopsignal=TERM
stdout_logfile=%(here)s/tomcat/logs/catalina.out
stderr_logfile=%(here)s/tomcat/logs/catalina.out
EOF
start_daemon || exit 1
LOGF=$T/tomcat/logs/catalina.out

expect_true "tomcat: STARTING first" wait_state tomcat 'STARTING|RUNNING'
expect_true "tomcat: RUNNING after startsecs" wait_state tomcat RUNNING
expect_match "tomcat: success after startsecs=2" \
	"${TS}INFO success: tomcat entered RUNNING state, process has stayed up for > than 2 seconds \(startsecs\)$" \
	"$(cat "$LOG")"
expect_file_contains "tomcat: JAVA_HOME visible" "$LOGF" \
	"^Using JAVA_HOME: /usr/lib/jvm/java-17-openjdk-amd64$"
expect_file_contains "tomcat: JAVA_BIN visible" "$LOGF" \
	"^Using JAVA_BIN: /usr/lib/jvm/java-17-openjdk-amd64/bin/java$"
expect_file_contains "tomcat: stderr in the same file" "$LOGF" "^Server startup in \[42\] milliseconds$"
wait_file "$T/tomcat/worker.pid" . 5
gc=$(cat "$T/tomcat/worker.pid")
expect_true "tomcat: grandchild running" alive "$gc"
pid=$(pidof_prog tomcat)

ctl stop tomcat
expect_eq "tomcat: stop output" "tomcat: stopped" "$OUT"
expect_eq "tomcat: stop exit 0" 0 "$RC"
expect_true "tomcat: shell gone" wait_dead "$pid"
expect_true "tomcat: grandchild gone after stop" wait_dead "$gc"
expect_match "tomcat: the group was signalled" \
	"${TS}DEBG killing tomcat \(pid $pid\) process group with signal SIGTERM$" "$(cat "$LOG")"
sleep 1.5
expect_true "tomcat: stays STOPPED" state_is tomcat STOPPED

# a crash is not restarted (autorestart=false)
ctl start tomcat
expect_eq "tomcat: start again" "tomcat: started" "$OUT"
wait_file "$T/tomcat/worker.pid" . 5
gc=$(cat "$T/tomcat/worker.pid")
track "$gc"
pid=$(pidof_prog tomcat)
kill -KILL "$pid"
expect_true "tomcat: crash gives EXITED" wait_state tomcat EXITED
expect_match "tomcat: crash logged" \
	"${TS}WARN exited: tomcat \(terminated by SIGKILL; not expected\)$" "$(cat "$LOG")"
sleep 1.5
expect_true "tomcat: not restarted after a crash" state_is tomcat EXITED
expect_eq "tomcat: two spawns in all" 2 "$(log_count "spawned: 'tomcat'")"
expect_eq "tomcat: both runs appended to one file" 2 \
	"$(grep -c '^Using JAVA_HOME' "$LOGF")"
