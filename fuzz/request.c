/* request.c - fuzz target: the control protocol, as clients drive it.
 *
 * The input is what clients send: one session, or several, each started by
 * a line "@N" (N a digit, then optionally '&' and '!'): N & 3 picks the way
 * in (0: the socket without authentication, 1: the socket with a plain
 * password, 2: the one with a {SHA} password, 3: the control FIFO), N & 4
 * changes the included file on disk first, so that reread, avail, update
 * and reload find a group gone, one changed and one new.  A session
 * connects to the real socket (or opens the FIFO), sends its bytes,
 * half-closes the connection as `printf ... | nc -U` does, and reads the
 * replies until the daemon closes it; with '!' it hangs up as soon as all
 * is sent, as a client killed by ^C.  The next session starts when this one
 * is over, or at once with '&': then they run side by side, and the child
 * exits that happen meanwhile reach the daemon only once all of them are
 * sent (sessions_hold), so two clients can wait on one process.  Between,
 * the harness turns the daemon's own loop (loop_turn): accept, ctl_read,
 * ctl_take_requests, ctl_request, the commands, spawns, reaping, reload.
 *
 * State.  Every input starts from the same daemon: the config is loaded and
 * realized afresh (cfg_load, daemon_realize: logs, groups, sockets, FIFO)
 * and the input ends the way the daemon ends, by a shutdown through the
 * loop (every process stopped and reaped), then daemon_stop, which frees
 * everything.  So what one input did (shutdown, reload, remove, a stopped
 * process) never leaks into the next, a crash replays from its file alone,
 * and LeakSanitizer checks the daemon's teardown too.  A "shutdown" in the
 * input ends the sessions early, as it ends the daemon.
 *
 * Processes.  Spawning is real and harmless: /bin/cat (dies on end of file
 * of its stdin, so even a crashed fuzzer leaves none behind), /bin/true and
 * /bin/false; most other programs name a missing command or a file that is
 * not executable, which fail before fork (forks are what makes this target
 * slow).  Nothing starts by itself (autostart is false, but for a missing
 * command), startsecs is 0 and the stop signal KILL, so a start or stop a
 * client waits for is over within a few turns.  After each input no child
 * may be left.
 *
 * Checks besides the sanitizers: a session ends within FZ_SESSION_MS (a
 * request that never ends is a hang), reply lines are framed as
 * supervise.h says, and without the right credentials a client of the
 * password-protected sockets gets nothing but "Server requires
 * authentication".
 *
 * FUZZ_SHOW=1 in the environment prints each session's reply:
 *   FUZZ_SHOW=1 fuzz/request-replay INPUT */
#include "fuzz.h"
#include <sys/ioctl.h>

#define FZ_SESSION_MS 10000     /* a session that takes longer hangs */
#define FZ_TURN_MS 10           /* the longest wait of one turn of the loop */

static const char conf[] =
	"[unix_http_server]\n"
	"file=%(here)s/open.sock\n"
	"[unix_http_server:plain]\n"
	"file=%(here)s/plain.sock\n"
	"username=user\n"
	"password=secret\n"
	"[unix_http_server:sha]\n"
	"file=%(here)s/sha.sock\n"
	"username=user\n"
	"password={SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4\n"
	"[supervisord]\n"
	"logfile=%(here)s/log/supervise.log\n"
	"logfile_maxbytes=64KB\n"
	"logfile_backups=1\n"
	"pidfile=%(here)s/supervise.pid\n"
	"childlogdir=%(here)s/log\n"
	"loglevel=blather\n"
	"identifier=fuzz\n"
	"control_fifo=%(here)s/supervise.ctl\n"
	"strip_ansi=true\n"
	"[DEFAULT]\n"
	"autostart=false\n"
	"autorestart=false\n"
	"startsecs=0\n"
	"stopsignal=KILL\n"
	"[program:cat]\n"
	"command=/bin/cat\n"
	"stdout_logfile=%(here)s/log/cat.log\n"
	"stdout_logfile_maxbytes=1KB\n"
	"stdout_logfile_backups=2\n"
	"[program:true]\n"
	"command=/bin/true\n"
	"stdout_logfile=NONE\n"
	"stderr_logfile=NONE\n"
	"[program:false]\n"
	"command=/bin/false\n"
	"startsecs=1\n"
	"startretries=1\n"
	"redirect_stderr=true\n"
	"[program:missing]\n"
	"command=%(here)s/missing\n"
	"autostart=true\n"
	"[program:multi]\n"
	"command=/bin/cat\n"
	"numprocs=2\n"
	"process_name=%(program_name)s_%(process_num)d\n"
	"stdout_capture_maxbytes=1KB\n"
	"stdout_logfile=%(here)s/log/multi.log\n"
	"stderr_logfile=%(here)s/log/multi.log\n"
	"stopasgroup=true\n"
	"[program:a]\n"
	"command=/bin/cat\n"
	"priority=5\n"
	"stdout_logfile=NONE\n"
	"[program:b]\n"
	"command=%(here)s/missing\n"
	"stdout_logfile=NONE\n"
	"[group:grp]\n"
	"programs=a,b\n"
	"[eventlistener:ev]\n"
	"command=%(here)s/notexec\n"
	"events=PROCESS_STATE\n"
	"stdout_logfile=NONE\n"
	"[include]\n"
	"files=conf.d/*.conf\n";

/* The included file as loaded, and as reread finds it after "@4". */
static const char extra_loaded[] =
	"[program:gone]\n"
	"command=/bin/cat\n"
	"stdout_logfile=NONE\n"
	"[program:changing]\n"
	"command=/bin/cat\n"
	"stdout_logfile=NONE\n";
static const char extra_changed[] =
	"[program:changing]\n"
	"command=/bin/cat -u\n"
	"stdout_logfile=NONE\n"
	"[program:new]\n"
	"command=%(here)s/missing\n"
	"stdout_logfile=NONE\n";

static const char *const socks[] = { "open.sock", "plain.sock", "sha.sock" };
static int show;                /* FUZZ_SHOW */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sigaction sa;

	(void)argc;
	(void)argv;
	show = getenv("FUZZ_SHOW") != NULL;
	fz_setup("request");
	FZ_ASSERT(mkdir(fz_path("conf.d"), 0700) == 0 && mkdir(fz_path("log"), 0700) == 0,
	          "cannot make dirs in %s", fz_dir);
	fz_puts("supervise.conf", conf);
	fz_puts("notexec", "#!/bin/sh\n");       /* mode 0600 */
	sv.argv0 = "supervise";
	sv.cl.config = xstrdup(fz_path("supervise.conf"));
	sv.pid = getpid();
	FZ_ASSERT(cloexec_pipe(sv.sigpipe) == 0, "no signal pipe");
	fcntl(sv.sigpipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sv.sigpipe[1], F_SETFL, O_NONBLOCK);
	/* SIGCHLD only: libFuzzer owns SIGALRM, SIGINT and the others the daemon
	 * catches (loop_signals_install) */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	return 0;
}

/* The daemon as it is after start-up, from the files as they are. */
static void daemon_begin(void)
{
	struct strv errors = { 0 };
	char err[ERRLEN];

	fz_rm(fz_path("log"), 0);
	fz_puts("conf.d/extra.conf", extra_loaded);
	FZ_ASSERT(cfg_load(&sv.cf, &sv.cl, &errors) == 0, "the harness config: %s", errors.v[0]);
	strv_free(&errors);
	FZ_ASSERT(daemon_realize(err, sizeof err) == 0, "daemon_realize: %s", err);
	pidfile_write();
	sv.mood = M_RUNNING;
}

/* Shut down through the loop, as SIGTERM does, and free everything. */
static void daemon_end(struct watch *w)
{
	int64_t end = now_ms() + FZ_SESSION_MS;
	int status;

	if (sv.mood == M_RUNNING)
		sv.mood = M_SHUTDOWN;
	while (loop_turn(w, FZ_TURN_MS))
		FZ_ASSERT(now_ms() < end, "the shutdown did not end in %d ms", FZ_SESSION_MS);
	daemon_stop();
	FZ_ASSERT(waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD,
	          "a process was left behind");
}

struct session {
	int way;                    /* 0-2: socks[way]; 3: the FIFO */
	int change;                 /* put extra_changed on disk first */
	int background;             /* '&': the next session starts at once */
	int hangup;                 /* '!': hang up once all is sent, read nothing */
	int chained;                /* runs beside others: child exits wait */
	const uint8_t *sent;        /* all it sends, for the checks */
	size_t nsent;
	const uint8_t *p;           /* what is left to send */
	size_t n;
	int fd;
	struct sbuf reply;
	int eof;                    /* all sent: half-closed */
	int closed;                 /* the daemon closed the connection */
	int turns;                  /* turns of the loop since all was sent */
	int64_t end;                /* it hangs if not over by then */
};

static void session_open(struct session *s)
{
	struct sockaddr_un a;

	if (s->way == 3) {
		s->fd = open(fz_path("supervise.ctl"), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		FZ_ASSERT(s->fd >= 0, "cannot open the FIFO: %s", strerror(errno));
		return;
	}
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", fz_path(socks[s->way]));
	s->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	FZ_ASSERT(s->fd >= 0 && connect(s->fd, (struct sockaddr *)&a, sizeof a) == 0,
	          "cannot connect to %s: %s", a.sun_path, strerror(errno));
	fcntl(s->fd, F_SETFD, FD_CLOEXEC);
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
}

/* Send what the daemon takes now; half-close once all is sent. */
static void session_send(struct session *s)
{
	ssize_t w = 0;

	if (s->n && (w = write(s->fd, s->p, s->n)) < 0) {
		FZ_ASSERT(errno == EAGAIN || errno == EPIPE || errno == ECONNRESET,
		          "cannot send: %s", strerror(errno));
		if (errno == EAGAIN)
			return;
		w = (ssize_t)s->n;      /* the daemon hung up: the rest is not sent */
	}
	s->p += w;
	s->n -= (size_t)w;
	if (!s->n && s->way != 3 && !s->eof) {
		shutdown(s->fd, SHUT_WR);
		s->eof = 1;
	}
}

static void session_receive(struct session *s)
{
	char buf[65536];
	ssize_t r;

	while (s->way != 3 && !s->closed) {
		r = read(s->fd, buf, sizeof buf);
		if (r > 0)
			sb_addn(&s->reply, buf, (size_t)r);
		else if (r == 0 || errno == ECONNRESET)
			s->closed = 1;
		else
			break;
	}
}

/* Is the FIFO session over: all read and the request answered, or the FIFO
 * gone (a reload makes a new one and drops the pseudo-client)? */
static int fifo_done(const struct session *s)
{
	const struct client *c;
	struct stat mine, now;
	int unread = 0;

	if (fstat(s->fd, &mine) < 0 || stat(fz_path("supervise.ctl"), &now) < 0
	    || mine.st_ino != now.st_ino)
		return 1;
	for (c = sv.clients; c && c->srv >= 0; c = c->next)
		;
	ioctl(s->fd, FIONREAD, &unread);
	return !c || (!s->n && !unread && c->phase == PH_NONE && !c->nwaiting);
}

/* Reply lines are framed as supervise.h says: a line that starts with the
 * end marker is an end line ".<status>" or dot-stuffed text. */
static void check_framing(const struct session *s)
{
	const char *line = s->reply.p, *nl;

	for (; line && (nl = strchr(line, '\n')); line = nl + 1) {
		if (line[0] != SV_END)
			continue;
		if (line[1] == SV_END || line[1] == SV_ERR)
			continue;
		FZ_ASSERT(isdigit((unsigned char)line[1]) && (size_t)(nl - line) ==
		          1 + strspn(line + 1, "0123456789"), "a bad end line: %.*s",
		          (int)(nl - line), line);
	}
}

/* Without "user" and "secret" in what it sent, a client of a socket with a
 * password is told nothing but to authenticate. */
static void check_auth(const struct session *s, const uint8_t *sent, size_t n)
{
	static const char *const allowed[] = { "Server requires authentication",
		"Error: request longer than 4096 bytes" };
	const char *line = s->reply.p, *nl;
	char *text;
	size_t i;
	int ok;

	if (s->way == 0 || s->way == 3)
		return;
	text = xstrndup((const char *)sent, n);
	for (i = 0; i < n; i++)     /* the daemon reads a NUL as '?' */
		if (!text[i])
			text[i] = '?';
	ok = !strstr(text, "user") || !strstr(text, "secret");
	free(text);
	for (; ok && line && (nl = strchr(line, '\n')); line = nl + 1) {
		size_t len = (size_t)(nl - line);
		int known = line[0] == SV_END;
		for (i = 0; i < 2 && !known; i++)
			known = len == strlen(allowed[i]) && !strncmp(line, allowed[i], len);
		FZ_ASSERT(known, "unauthenticated client got: %.*s", (int)len, line);
	}
}

/* Is the session over: closed by the daemon (a socket), answered (the
 * FIFO), and not in the middle of a reload it asked for? */
static int session_over(const struct session *s)
{
	return (s->way == 3 ? fifo_done(s) : s->closed) && sv.mood != M_RESTARTING;
}

static void session_start(struct session *s)
{
	if (s->change)
		fz_puts("conf.d/extra.conf", extra_changed);
	s->end = now_ms() + FZ_SESSION_MS;
	session_open(s);
}

static void session_end(struct session *s)
{
	session_receive(s);
	if (show)
		printf("---- session @%d%s%s: %s\n", s->way, s->background ? "&" : "",
		       s->hangup ? "!" : "", s->reply.p ? s->reply.p : "(no reply)");
	if (!s->hangup) {
		check_framing(s);
		check_auth(s, s->sent, s->nsent);
	}
	close(s->fd);
	free(s->reply.p);
	s->fd = -1;
}

/* One turn of every running session: send, read, hang up, end.  Returns
 * how many still run. */
static int sessions_step(struct session *s, int n)
{
	int i, running = 0;

	for (i = 0; i < n; i++) {
		if (s[i].fd < 0)
			continue;
		session_send(&s[i]);
		if (s[i].hangup && !s[i].n) {
			close(s[i].fd);     /* the daemon sees the bytes, then the hang-up */
			s[i].fd = -1;
			continue;
		}
		session_receive(&s[i]);
		s[i].turns += !s[i].n;
		if (session_over(&s[i])) {
			session_end(&s[i]);
			continue;
		}
		FZ_ASSERT(now_ms() < s[i].end, "session %d @%d not over after %d ms", i,
		          s[i].way, FZ_SESSION_MS);
		running++;
	}
	return running;
}

/* Sessions that run beside each other learn of child exits only once all
 * of them are sent and read: a process that dies while requests of two
 * clients wait on it (the interleaving a slow child gives).  Held by
 * blocking SIGCHLD, which the daemon's handler would have caught. */
static void sessions_hold(const struct session *s, int n, int started)
{
	sigset_t chld;
	int i, hold = started < n && started && s[started - 1].background;

	for (i = 0; i < started && !hold; i++)
		hold = s[i].fd >= 0 && s[i].chained && (s[i].n || s[i].turns < 2);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &chld, NULL);
}

/* Wait until something the daemon watches, or a session's connection, is
 * ready, at most FZ_TURN_MS. */
static void sessions_wait(struct watch *w, const struct session *s, int n)
{
	int i;

	watch_build(w);
	for (i = 0; i < n; i++)
		if (s[i].fd >= 0)
			watch_add(w, s[i].fd, s[i].way == 3 ? 0 : POLLIN, NULL, -2);
	poll(w->fds, (nfds_t)w->n, FZ_TURN_MS);
}

/* A session line at p: '@', a digit N (N & 3 the way in, N & 4 the changed
 * include), then '&' and '!' in any order, then a newline.  Returns its
 * length and fills s, or 0. */
static size_t session_mark(const uint8_t *p, size_t n, struct session *s)
{
	size_t k = 2;

	if (n < 3 || p[0] != '@' || p[1] < '0' || p[1] > '7')
		return 0;
	memset(s, 0, sizeof *s);
	s->way = (p[1] - '0') & 3;
	s->change = (p[1] - '0') & 4;
	for (; k < n && k < 4 && (p[k] == '&' || p[k] == '!'); k++)
		*(p[k] == '&' ? &s->background : &s->hangup) = 1;
	return k < n && p[k] == '\n' ? k + 1 : 0;
}

/* Cut the input into its sessions (the first may have no session line). */
static struct session *sessions_parse(const uint8_t *data, size_t size, int *n)
{
	struct session *s = NULL, mark;
	size_t i = 0, k;

	*n = 0;
	while (*n == 0 || i < size) {
		s = xrealloc(s, (size_t)(*n + 1) * sizeof *s);
		if ((k = session_mark(data + i, size - i, &mark)))
			i += k;
		else
			memset(&mark, 0, sizeof mark);
		mark.fd = -1;
		mark.chained = mark.background || (*n && s[*n - 1].background);
		mark.sent = mark.p = data + i;
		for (; i < size; i++)
			if ((i == (size_t)(mark.p - data) || data[i - 1] == '\n')
			    && session_mark(data + i, size - i, &s[*n]))
				break;
		mark.nsent = mark.n = (size_t)(data + i - mark.p);
		s[(*n)++] = mark;
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct watch w = { 0 };
	struct session *s;
	int n, started = 0, running = 0, i;

	s = sessions_parse(data, size, &n);
	daemon_begin();
	while (started < n || running) {
		/* the next starts when none runs, or beside one sent to the background */
		if (started < n && (!running || s[started - 1].background)) {
			session_start(&s[started++]);
			running++;
		}
		sessions_hold(s, n, started);
		if (!loop_turn(&w, 0))
			break;          /* shut down: the sessions end after daemon_end */
		if ((running = sessions_step(s, started)) && !(started < n && s[started - 1].background))
			sessions_wait(&w, s, started);
	}
	sessions_hold(s, 0, 0);
	daemon_end(&w);
	for (i = 0; i < started; i++)
		if (s[i].fd >= 0)
			session_end(&s[i]);
	watch_free(&w);
	free(s);
	return 0;
}
