/* supervisectl - the client of supervise, a drop-in for supervisorctl.
 *
 * The daemon formats every reply and computes every exit status (see the
 * protocol in supervise.h), so this side is small.  It parses the command
 * line as Python's getopt does, reads [supervisorctl], makes the argument
 * checks that supervisorctl makes before it talks to the server, and copies
 * replies to stdout.  The file reads top down:
 *
 *   1. includes, limits, types
 *   2. texts         usage, the help texts and the command table
 *   3. utilities     Python's whitespace, repr(), int() and urlparse rules
 *   4. options       getopt, conflicts, the config file
 *   5. connection    unix:// and http:// sockets, auth, refusals
 *   6. replies       dot-stuffed lines, streams, Ctrl-C, stdin
 *   7. checks        each command's local argument checks
 *   8. commands      one command line, as cmd.Cmd.onecmd() runs it
 *   9. main          one-shot and the interactive shell
 *
 * Everything a command prints goes to stdout, as supervisorctl's output()
 * does; only option and config errors go to stderr.
 */

/* ---- 1. includes, limits, types --------------------------------------- */

#define _POSIX_C_SOURCE 200809L

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "supervise.h"

#define MAXWORDS   (SV_REQ_MAX / 2 + 1)
#define DIGIT(c)   ((unsigned)(c) - '0' < 10)
#define ALPHA(c)   (((unsigned)(c) | 0x20) - 'a' < 26)

/* What a check or a local command returns besides an exit status. */
enum { GO = -1, TAIL_F = -2, FG = -3, QUIT = 256 };

/* How a command reports an unreachable server: supervisorctl's upcheck()
 * (C_UP, C_STATUS), a raw Python error (C_RAW), or shutdown's own words. */
enum { C_LOCAL, C_UP, C_STATUS, C_RAW, C_DOWN };
#define F_EARLY 1       /* check arguments before connecting */

/* A buffered reader over one file descriptor: the server or stdin. */
struct rd {
	int fd;
	size_t off, len;
	char buf[4096];
};

struct line;
typedef int cmdfn(struct line *l);

struct cmd {
	const char *name;
	unsigned char conn;     /* C_*: C_LOCAL runs fn instead of the server */
	unsigned char flags;
	cmdfn *fn;              /* the local check (or the local command) */
	const char *ask;        /* the question asked in interactive mode */
	const char *help;       /* `help <name>`, NULL for none */
};

/* One command line, split the way cmd.Cmd.parseline() and str.split() do. */
struct line {
	const struct cmd *c;
	char *rest;             /* everything after the command name, stripped */
	int ac;
	char *av[MAXWORDS];
	char words[SV_REQ_MAX + 8];
};

static cmdfn chk_some, chk_start, chk_name, chk_noargs, chk_signal, chk_tail;
static cmdfn chk_maintail, chk_fg, do_help, do_quit, do_open;
static int run_line(char *s);

/* ---- 2. texts ---------------------------------------------------------- */

static const char usage_text[] =
	"supervisectl -- control applications run by supervise from the cmd line.\n"
	"\n"
	"Usage: %s [options] [action [arguments]]\n"
	"\n"
	"Options:\n"
	"-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
	"-h/--help -- print usage message and exit\n"
	"-i/--interactive -- start an interactive shell after executing commands\n"
	"-s/--serverurl URL -- URL on which supervisord server is listening\n"
	"     (default \"http://localhost:9001\").\n"
	"-u/--username USERNAME -- username to use for authentication with server\n"
	"-p/--password PASSWORD -- password to use for authentication with server\n"
	"-r/--history-file -- keep a readline history (if readline is available)\n"
	"\n"
	"action [arguments] -- see below\n"
	"\n"
	"Actions are commands like \"tail\" or \"stop\".  If -i is specified or no action is\n"
	"specified on the command line, a \"shell\" interpreting actions typed\n"
	"interactively is started.  Use the action \"help\" to find out about available\n"
	"actions.\n\n";

/* cmd.Cmd's columnized topic list, trailing spaces and all */
static const char help_list[] =
	"\n"
	"default commands (type help <topic>):\n"
	"=====================================\n"
	"add    exit      open  reload  restart   signal  stop    version\n"
	"avail  fg        pid   remove  rotate    start   tail  \n"
	"clear  maintail  quit  reread  shutdown  status  update\n"
	"\n";

/* Every command, sorted by name.  EOF is what cmd.Cmd makes of end of input;
 * like supervisorctl, it is a command without help. */
static const struct cmd cmds[] = {
	{ "EOF", C_LOCAL, 0, do_quit, NULL, NULL },
	{ "add", C_RAW, F_EARLY, chk_some, NULL,
	  "add <name> [...]\tActivates any updates in config for process/group\n" },
	{ "avail", C_RAW, F_EARLY, chk_noargs, NULL,
	  "avail\t\t\tDisplay all configured processes\n" },
	{ "clear", C_UP, 0, chk_name, NULL,
	  "clear <name>\t\tClear a process' log files.\n"
	  "clear <name> <name>\tClear multiple process' log files\n"
	  "clear all\t\tClear all process' log files\n" },
	{ "exit", C_LOCAL, 0, do_quit, NULL,
	  "exit\tExit the supervisor shell.\n" },
	{ "fg", C_UP, 0, chk_fg, NULL,
	  "fg <process>\tConnect to a process in foreground mode\n"
	  "\t\tCtrl-C to exit\n" },
	{ "help", C_LOCAL, 0, do_help, NULL,
	  "help\t\tPrint a list of available actions\n"
	  "help <action>\tPrint help for <action>\n" },
	{ "maintail", C_UP, 0, chk_maintail, NULL,
	  "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n"
	  "maintail -100\tlast 100 *bytes* of supervisord main log file\n"
	  "maintail\tlast 1600 *bytes* of supervisor main log file\n\n" },
	{ "open", C_LOCAL, 0, do_open, NULL,
	  "open <url>\tConnect to a remote supervisord process.\n"
	  "\t\t(for UNIX domain socket, use unix:///socket/path)\n" },
	{ "pid", C_UP, 0, NULL, NULL,
	  "pid\t\t\tGet the PID of supervisord.\n"
	  "pid <name>\t\tGet the PID of a single child process by name.\n"
	  "pid all\t\t\tGet the PID of every child process, one per line.\n" },
	{ "quit", C_LOCAL, 0, do_quit, NULL,
	  "quit\tExit the supervisor shell.\n" },
	{ "reload", C_RAW, F_EARLY, chk_noargs,
	  "Really restart the remote supervisord process y/N? ",
	  "reload \t\tRestart the remote supervisord.\n" },
	{ "remove", C_RAW, F_EARLY, chk_some, NULL,
	  "remove <name> [...]\tRemoves process/group from active config\n" },
	{ "reread", C_RAW, F_EARLY, chk_noargs, NULL,
	  "reread \t\t\tReload the daemon's configuration files without add/remove\n" },
	{ "restart", C_UP, 0, chk_name, NULL,
	  "restart <name>\t\tRestart a process\n"
	  "restart <gname>:*\tRestart all processes in a group\n"
	  "restart <name> <name>\tRestart multiple processes or groups\n"
	  "restart all\t\tRestart all processes\n"
	  "Note: restart does not reread config files. For that, see reread and update.\n" },
	{ "rotate", C_UP, 0, chk_name, NULL,
	  "rotate <name>\t\tRotate a process' log files now\n"
	  "rotate <gname>:*\tRotate the log files of all processes in a group\n"
	  "rotate <name> <name>\tRotate the log files of multiple processes\n"
	  "rotate all\t\tRotate all process' log files\n" },
	{ "shutdown", C_DOWN, F_EARLY, chk_noargs,
	  "Really shut the remote supervisord process down y/N? ",
	  "shutdown \tShut the remote supervisord down.\n" },
	{ "signal", C_UP, 0, chk_signal, NULL,
	  "signal <signal name> <name>\t\tSignal a process\n"
	  "signal <signal name> <gname>:*\t\tSignal all processes in a group\n"
	  "signal <signal name> <name> <name>\tSignal multiple processes or groups\n"
	  "signal <signal name> all\t\tSignal all processes\n" },
	{ "start", C_UP, 0, chk_start, NULL,
	  "start <name>\t\tStart a process\n"
	  "start <gname>:*\t\tStart all processes in a group\n"
	  "start <name> <name>\tStart multiple processes or groups\n"
	  "start all\t\tStart all processes\n" },
	{ "status", C_STATUS, 0, NULL, NULL,
	  "status <name>\t\tGet status for a single process\n"
	  "status <gname>:*\tGet status for all processes in a group\n"
	  "status <name> <name>\tGet status for multiple named processes\n"
	  "status\t\t\tGet all process status info\n" },
	{ "stop", C_UP, 0, chk_name, NULL,
	  "stop <name>\t\tStop a process\n"
	  "stop <gname>:*\t\tStop all processes in a group\n"
	  "stop <name> <name>\tStop multiple processes or groups\n"
	  "stop all\t\tStop all processes\n" },
	{ "tail", C_UP, 0, chk_tail, NULL,
	  "tail [-f] <name> [stdout|stderr] (default stdout)\n"
	  "Ex:\n"
	  "tail -f <name>\t\tContinuous tail of named process stdout\n"
	  "\t\t\tCtrl-C to exit.\n"
	  "tail -100 <name>\tlast 100 *bytes* of process stdout\n"
	  "tail <name> stderr\tlast 1600 *bytes* of process stderr\n" },
	{ "update", C_RAW, F_EARLY, NULL, NULL,
	  "update\t\t\tReload config and add/remove as necessary, and will restart affected programs\n"
	  "update all\t\tReload config and add/remove as necessary, and will restart affected programs\n"
	  "update <gname> [...]\tUpdate specific groups\n" },
	{ "version", C_UP, F_EARLY, chk_noargs, NULL,
	  "version\t\t\tShow the version of the remote supervisord process\n" },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

/* What an unreachable server looks like, per C_* kind (spec 4.2):
 * prefix, suffix, and the exit status for refused and for a missing socket. */
static const struct refusal {
	const char *pre, *post;
	unsigned char refused, nofile;
} refusals[] = {
	[C_UP] = { "", "", SV_EXIT_UNKNOWN, SV_EXIT_NOTRUNNING },
	[C_STATUS] = { "", "", SV_EXIT_UNKNOWN, SV_EXIT_UNKNOWN },
	[C_RAW] = { "error: ", "", SV_EXIT_ERROR, SV_EXIT_ERROR },
	[C_DOWN] = { "ERROR: ", " (already shut down?)", SV_EXIT_ERROR, SV_EXIT_ERROR },
};

/* The options, indexed like the values main() collects. */
enum { O_CONF, O_HELP, O_QHELP, O_INTER, O_URL, O_USER, O_PASS, O_HIST, NOPTS };
static const char shorts[] = "ch?isupr";
static const char *const longs[NOPTS] = {
	"configuration", "help", NULL, "interactive",
	"serverurl", "username", "password", "history_file"
};
#define HASARG(o) (0xF1 >> (o) & 1)     /* c, s, u, p, r */

static const char *g_argv0;
static const char *g_url, *g_user, *g_pass, *g_prompt;
static int g_interactive;       /* -i or no action: reload/shutdown ask */
static int g_shell;             /* in the read-eval loop */
static volatile sig_atomic_t g_intr;
static struct rd srv, in;      /* main() sets srv.fd = -1: not connected */

/* ---- 3. utilities ----------------------------------------------------- */

/* The characters Python's str.split() and str.strip() take for space. */
static int pyspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static char *strip(char *s)
{
	char *e;

	while (pyspace((unsigned char)*s))
		s++;
	for (e = s + strlen(s); e > s && pyspace((unsigned char)e[-1]); e--)
		;
	*e = 0;
	return s;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fputs("error: out of memory\n", stderr);
		exit(SV_EXIT_ERROR);
	}
	return p;
}

/* Python's repr() of a str, which messages quote names with: single quotes
 * unless the text holds one and no double quote.  Returns a malloc'd copy. */
static char *pyrepr(const char *s)
{
	static const char esc[] = "\t\n\r";
	char *r = xmalloc(4 * strlen(s) + 3), *p = r;
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';

	*p++ = q;
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '\\' || c == (unsigned char)q)
			p += sprintf(p, "\\%c", c);
		else if (c < ' ' || c == 0x7f)
			p += strchr(esc, c) ? sprintf(p, "\\%c",
			    "tnr"[strchr(esc, c) - esc]) : sprintf(p, "\\x%02x", c);
		else
			*p++ = c;
	}
	*p++ = q;
	*p = 0;
	return r;
}

/* Whether Python's int() takes s: a sign, digits, single underscores
 * between digits. */
static int pyint(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!DIGIT(*s))
		return 0;
	for (; *s; s++)
		if (!DIGIT(*s) && !(*s == '_' && DIGIT(s[1])))
			return 0;
	return 1;
}

/* The length of url's scheme as urlparse() finds it, 0 if it has none. */
static size_t url_scheme(const char *u)
{
	size_t i, n = strcspn(u, ":");

	if (!u[n] || !ALPHA(*u))
		return 0;
	for (i = 0; i < n; i++)
		if (!ALPHA(u[i]) && !DIGIT(u[i]) && !strchr("+-.", u[i]))
			return 0;
	return n;
}

/* supervisor's datatypes.url(): a scheme and a netloc or a path. */
static int url_ok(const char *u)
{
	size_t n = url_scheme(u);

	if (!n)
		return 0;
	u += n + 1;
	if (u[0] == '/' && u[1] == '/') {
		u += 2;
		if ((n = strcspn(u, "/?#")) > 0)
			return 1;
	}
	return strcspn(u, "?#") > 0;
}

/* ---- 4. options --------------------------------------------------------- */

/* Print an option or config error as supervisor's usage() does, exit 2. */
static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nFor help, use %s -h\n", g_argv0);
	exit(SV_EXIT_ARGS);
}

/* Take one option as Options.realize() does, in command line order: its
 * handler first (help exits, -s is checked), then the conflict check. */
static void opt_apply(int o, const char *name, char *val, char **set)
{
	if (o == O_HELP || o == O_QHELP) {
		printf(usage_text, g_argv0);
		exit(SV_EXIT_OK);
	}
	if (o == O_URL && !url_ok(val))
		die_usage("invalid value for %s %s: value %s is not a URL",
		    name, pyrepr(val), pyrepr(val));
	if (set[o])
		die_usage("conflicting command line option '%s'", name);
	set[o] = val ? val : "1";
}

/* One --long[=value] option at argv[i], matched like getopt.long_has_args():
 * an exact name, else a unique prefix.  Returns the index of its last word. */
static int opt_long(char **argv, int i, char **set)
{
	char *opt = argv[i] + 2, *val = strchr(opt, '='), name[32];
	size_t n = val ? (size_t)(val - opt) : strlen(opt);
	int o, found = -1, count = 0;

	for (o = 0; o < NOPTS; o++) {
		if (!longs[o] || strncmp(longs[o], opt, n))
			continue;
		if (!longs[o][n]) {
			found = o, count = 1;
			break;
		}
		found = o, count++;
	}
	if (!count)
		die_usage("option --%.*s not recognized", (int)n, opt);
	if (count > 1)
		die_usage("option --%.*s not a unique prefix", (int)n, opt);
	if (val && !HASARG(found))
		die_usage("option --%s must not have an argument", longs[found]);
	if (val)
		val++;
	else if (HASARG(found) && !(val = argv[++i]))
		die_usage("option --%s requires argument", longs[found]);
	snprintf(name, sizeof name, "--%s", longs[found]);
	if (set)
		opt_apply(found, name, val, set);
	return i;
}

/* A cluster of short options at argv[i], like getopt.do_shorts(). */
static int opt_shorts(char **argv, int i, char **set)
{
	char *p, *val, name[3] = "-";
	int o;

	for (p = argv[i] + 1; *p; p++) {
		if (!strchr(shorts, *p))
			die_usage("option -%c not recognized", *p);
		o = strchr(shorts, *p) - shorts;
		name[1] = *p;
		val = NULL;
		if (HASARG(o) && !*(val = p + 1) && !(val = argv[++i]))
			die_usage("option -%c requires argument", *p);
		if (set)
			opt_apply(o, name, val, set);
		if (val)
			break;
	}
	return i;
}

/* Python's getopt.getopt(): options end at the first word that is not one
 * (or after "--").  Called twice, because getopt raises its errors before
 * any option takes effect: with set NULL it only checks, then it applies.
 * Returns the index of the action. */
static int opt_scan(char **argv, char **set)
{
	int i;

	for (i = 1; argv[i] && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		i = argv[i][1] == '-' ? opt_long(argv, i, set)
		    : opt_shorts(argv, i, set);
	}
	return i;
}

/* Settle url, credentials and prompt: command line, then the file given or
 * found, then the defaults.  -c '' reads no file, as in supervisorctl. */
static void cfg_load(char **set)
{
	struct ctlconf cc = { NULL, NULL, NULL, NULL, NULL };
	char err[1024], *path = set[O_CONF] ? set[O_CONF] : cfg_search(g_argv0);

	if (path && *path && cfg_read_ctl(path, &cc, err, sizeof err) < 0)
		die_usage("%s", err);
	if (path != set[O_CONF])
		free(path);
	g_url = set[O_URL] ? set[O_URL] : cc.serverurl ? cc.serverurl
	    : "http://localhost:9001";
	g_user = set[O_USER] ? set[O_USER] : cc.username;
	g_pass = set[O_PASS] ? set[O_PASS] : cc.password;
	g_prompt = cc.prompt ? cc.prompt : "supervisor";
	/* what the command line overrides is not kept, nor history_file (no
	 * readline here) */
	if (g_url != cc.serverurl)
		free(cc.serverurl);
	if (g_user != cc.username)
		free(cc.username);
	if (g_pass != cc.password)
		free(cc.password);
	free(cc.history_file);
}

/* ---- 5. connection ---------------------------------------------------- */

static void conn_drop(void)
{
	if (srv.fd >= 0)
		close(srv.fd);
	srv.fd = -1;
	srv.off = srv.len = 0;
}

/* Connect to the first address of a list that answers, as Python's
 * socket.create_connection() does.  Returns 0, or the last errno. */
static int conn_try(struct addrinfo *ai)
{
	int err = ECONNREFUSED;

	for (; ai; ai = ai->ai_next) {
		srv.fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (srv.fd >= 0 && connect(srv.fd, ai->ai_addr, ai->ai_addrlen) == 0)
			return 0;
		err = errno;
		conn_drop();
	}
	return err;
}

/* http://[user@]host[:port][/...], host and port split as urlparse does:
 * an empty host is the loopback address, the port defaults to 80. */
static int conn_tcp(const char *hp, char *err, size_t len)
{
	char host[256], *h = host, *e = NULL, *port;
	struct addrinfo hints, *ai;
	size_t n = strcspn(hp, "/?#");
	int rc;

	if (n >= sizeof host)
		return ENAMETOOLONG;
	memcpy(host, hp, n);
	host[n] = 0;
	if (strrchr(host, '@'))
		h = strrchr(host, '@') + 1;
	if (*h == '[' && (e = strchr(++h, ']')) != NULL)
		*e++ = 0;               /* [v6 address] */
	if ((port = strchr(e ? e : h, ':')) != NULL)
		*port++ = 0;
	if (!port || !*port)
		port = "80";
	if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5
	    || atol(port) > 65535) {
		snprintf(err, len, "bad port in serverurl %s", g_url);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(*h ? h : NULL, port, &hints, &ai)) != 0) {
		snprintf(err, len, "cannot connect to %s: %s", g_url,
		    gai_strerror(rc));
		return -1;
	}
	rc = conn_try(ai);
	freeaddrinfo(ai);
	return rc;
}

static int conn_unix(const char *path)
{
	struct sockaddr_un sa;
	struct addrinfo ai;

	if (strlen(path) >= sizeof sa.sun_path)
		return ENAMETOOLONG;
	memset(&sa, 0, sizeof sa);
	memset(&ai, 0, sizeof ai);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	ai.ai_family = AF_UNIX;
	ai.ai_addr = (struct sockaddr *)&sa;
	ai.ai_addrlen = sizeof sa;
	return conn_try(&ai);
}

/* Open the connection to g_url.  Returns 0; ECONNREFUSED or ENOENT, which
 * callers word per command; or -1 with the message in err. */
static int conn_open(char *err, size_t len)
{
	int rc;

	if (!strncmp(g_url, "unix://", 7))
		rc = conn_unix(g_url + 7);
	else if (!strncmp(g_url, "http://", 7))
		rc = conn_tcp(g_url + 7, err, len);
	else {
		snprintf(err, len, "Unknown protocol for serverurl %s", g_url);
		return -1;
	}
	if (rc > 0 && rc != ECONNREFUSED && rc != ENOENT) {
		snprintf(err, len, "cannot connect to %s: %s", g_url, strerror(rc));
		return -1;
	}
	return rc;
}

/* Say why the server is unreachable in the words of command c; returns the
 * exit status.  Failures other than refused/missing are Python exceptions
 * in supervisorctl, so they print "error: ..." and give 1 for every command. */
static int conn_refused(const struct cmd *c, int why, const char *err)
{
	const struct refusal *r = &refusals[c->conn];

	if (why < 0) {
		printf("error: %s\n", err);
		return SV_EXIT_ERROR;
	}
	printf("%s%s %s%s\n", r->pre, g_url,
	    why == ENOENT ? "no such file" : "refused connection", r->post);
	return why == ENOENT ? r->nofile : r->refused;
}

/* Write all of buf to the server.  Returns 0 or -1. */
static int conn_write(const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(srv.fd, buf, n)) < 0) {
			if (errno == EINTR && !g_intr)
				continue;
			return -1;
		}
		buf += w, n -= (size_t)w;
	}
	return 0;
}

/* ---- 6. replies --------------------------------------------------------- */

/* Ctrl-C outside a stream: supervisorctl's shell prints an empty line and
 * exits 0; a one-shot command dies of the signal, as Python does. */
static void interrupted(void)
{
	if (g_shell) {
		putchar('\n');
		exit(SV_EXIT_OK);
	}
	fflush(stdout);
	signal(SIGINT, SIG_DFL);
	raise(SIGINT);
	exit(SV_EXIT_ERROR);
}

static void on_sigint(int sig)
{
	(void)sig;
	g_intr = 1;
}

/* Refill r, which the caller has used up.  Returns the byte count, 0 at end
 * of file, -1 on error or Ctrl-C.  stdout is flushed first, so what was
 * printed shows before we wait. */
static ssize_t rd_fill(struct rd *r)
{
	ssize_t n;

	fflush(stdout);
	do
		n = g_intr ? -1 : read(r->fd, r->buf, sizeof r->buf);
	while (n < 0 && errno == EINTR && !g_intr);
	r->off = 0;
	r->len = n > 0 ? (size_t)n : 0;
	return n;
}

/* Read one line of stdin without its newline into buf, truncating it to
 * size - 1 bytes.  Returns its length, or -1 at end of input. */
static int in_line(char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got = 1;
	char c;

	for (;;) {
		if (in.off == in.len && (got = rd_fill(&in)) <= 0)
			break;
		if ((c = in.buf[in.off++]) == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	if (got < 0 && g_intr)
		interrupted();
	buf[n] = 0;
	return got <= 0 && n == 0 ? -1 : (int)n;
}

/* A reply in transit: where we are in its current line, its status, and
 * where the line goes (stdout, or stderr for a line marked SV_ERR). */
enum { BOL, DOT, TEXT, END };
struct reply {
	int state, status;
	FILE *out;
	int lines;              /* lines done: the first is kept in g_first */
};

static char g_first[40];        /* the start of the last reply's first line */

/* Copy the buffered part of a reply to stdout (or stderr), dropping the
 * stuffed dots.  Returns the exit status once the end line is complete,
 * else -1. */
static int reply_feed(struct reply *rp)
{
	while (srv.off < srv.len) {
		char *p = srv.buf + srv.off, *nl;
		size_t n;

		switch (rp->state) {
		case BOL:       /* a dot here is stuffing or the end line */
			rp->out = *p == SV_ERR ? (fflush(stdout), stderr) : stdout;
			rp->state = *p == SV_END ? DOT : TEXT;
			if (*p == SV_END || *p == SV_ERR)
				srv.off++;
			break;
		case DOT:
			rp->state = *p == SV_END || *p == SV_ERR ? TEXT : END;
			break;
		case TEXT:
			nl = memchr(p, '\n', srv.len - srv.off);
			n = nl ? (size_t)(nl + 1 - p) : srv.len - srv.off;
			fwrite(p, 1, n, rp->out);
			if (!rp->lines && strlen(g_first) + n < sizeof g_first)
				strncat(g_first, p, n);
			rp->lines += nl != NULL;
			srv.off += n;
			rp->state = nl ? BOL : TEXT;
			break;
		case END:
			srv.off++;
			if (*p == '\n')
				return rp->status & 255;
			if (DIGIT(*p) && rp->status < 1000)
				rp->status = rp->status * 10 + *p - '0';
		}
	}
	return -1;
}

/* fg: hand what the user types to the server until the server has more to
 * say.  Returns 1 when the server is readable, 0 at end of input, -1 on
 * Ctrl-C or a write error. */
static int fg_pump(void)
{
	struct pollfd pf[2] = { { -1, POLLIN, 0 }, { 0, POLLIN, 0 } };

	pf[0].fd = srv.fd;
	for (;;) {
		if (in.off < in.len) {
			if (conn_write(in.buf + in.off, in.len - in.off) < 0)
				return -1;
			in.off = in.len;
		}
		fflush(stdout);
		if (g_intr || poll(pf, 2, -1) < 0)
			return g_intr ? -1 : 1;
		if (pf[0].revents)
			return 1;
		if (pf[1].revents && rd_fill(&in) <= 0)
			return g_intr ? -1 : 0;
	}
}

/* The connection broke before the end line (midline: in a reply line). */
static int conn_lost(int midline)
{
	if (midline)
		putchar('\n');
	printf("error: connection to %s lost\n", g_url);
	conn_drop();
	return SV_EXIT_ERROR;
}

/* Copy the reply to the request just sent and return its exit status.  A
 * stream (tail -f, maintail -f, fg) also ends at Ctrl-C, with status 0 and
 * supervisorctl's words: an empty line, or "Exiting foreground" for fg,
 * which also ends at end of input.  The server may still be streaming, so
 * the connection is then dropped. */
static int reply(int mode)
{
	struct reply rp = { BOL, 0, NULL, 0 };
	int st, more = 1, answered = 0;

	while ((st = reply_feed(&rp)) < 0) {
		/* fg: hand over input only once the server answered (the banner,
		 * or an error that ends the reply) */
		if (mode == FG && answered)
			more = fg_pump();
		if (more > 0 && rd_fill(&srv) > 0) {
			answered = 1;
			continue;
		}
		if (!more || (g_intr && mode != GO)) {
			g_intr = 0;
			puts(mode == FG ? "Exiting foreground" : "");
			conn_drop();
			return SV_EXIT_OK;
		}
		if (g_intr)
			interrupted();
		return conn_lost(rp.state != BOL);
	}
	return st;
}

/* Send one request line and copy its reply. */
static int request(const char *req, int mode)
{
	g_first[0] = '\0';
	if (conn_write(req, strlen(req)) < 0 || conn_write("\n", 1) < 0) {
		if (g_intr)
			interrupted();
		return conn_lost(0);
	}
	return reply(mode);
}

/* Make sure we hold a working connection for command c, authenticated if
 * we have both a username and a password.  An idle connection that became
 * readable was closed by the server (say after reload): reconnect.  Returns
 * GO, or the exit status after printing why not. */
static int conn_up(const struct cmd *c)
{
	struct pollfd pf = { -1, POLLIN, 0 };
	char err[512], req[SV_REQ_MAX];
	int why, st;

	pf.fd = srv.fd;
	if (srv.fd >= 0 && poll(&pf, 1, 0) != 0)
		conn_drop();
	if (srv.fd >= 0)
		return GO;
	if ((why = conn_open(err, sizeof err)) != 0) {
		if (g_intr)
			interrupted();
		return conn_refused(c, why, err);
	}
	if (!g_user || !g_pass)
		return GO;
	snprintf(req, sizeof req, "auth %s %s", g_user, g_pass);
	if ((st = request(req, GO)) == SV_EXIT_OK)
		return GO;
	conn_drop();
	return st;
}

/* ---- 7. checks ---------------------------------------------------------- */
/* Each returns GO (or TAIL_F, FG for a stream), or prints supervisorctl's
 * complaint and returns the exit status. */

static int with_help(const struct cmd *c, int st)
{
	fputs(c->help, stdout);
	return st;
}

/* add and remove without names do nothing, not even connect */
static int chk_some(struct line *l)
{
	return l->ac ? GO : SV_EXIT_OK;
}

static int need_name(struct line *l, int st)
{
	if (l->ac)
		return GO;
	printf("Error: %s requires a process name\n", l->c->name);
	return with_help(l->c, st);
}

/* start's complaint is an invalid-arguments 2; stop, restart, clear say 1 */
static int chk_start(struct line *l)
{
	return need_name(l, SV_EXIT_ARGS);
}

static int chk_name(struct line *l)
{
	return need_name(l, SV_EXIT_ERROR);
}

static int chk_noargs(struct line *l)
{
	if (!l->ac)
		return GO;
	printf("Error: %s accepts no arguments\n", l->c->name);
	return with_help(l->c, SV_EXIT_ERROR);
}

static int chk_signal(struct line *l)
{
	if (l->ac >= 2)
		return GO;
	puts("Error: signal requires a signal name and a process name");
	return with_help(l->c, SV_EXIT_ERROR);
}

/* A -N or -f modifier, as tail and maintail read it: GO, TAIL_F, or 1 after
 * the complaint. */
static int modifier(const char *m)
{
	if (!strcmp(m, "-f"))
		return TAIL_F;
	if (*m == '-' && pyint(m + 1))
		return GO;
	printf("Error: bad argument %s\n", m);
	return SV_EXIT_ERROR;
}

/* tail [-f|-N] name [channel]: with two or more words after the modifier
 * the first is the name and the last the channel, checked first. */
static int chk_tail(struct line *l)
{
	char **av = l->av, *ch;
	int ac = l->ac, mod = ac && *av[0] == '-';

	if (ac < 1 || ac > 3) {
		puts(ac < 1 ? "Error: too few arguments" : "Error: too many arguments");
		return with_help(l->c, SV_EXIT_ERROR);
	}
	if (ac - mod == 0) {
		puts("Error: tail requires process name");
		return SV_EXIT_ERROR;
	}
	if (ac - mod > 1) {
		for (ch = av[ac - 1]; *ch; ch++)
			*ch = ALPHA(*ch) ? (*ch | 0x20) : *ch;
		ch = av[ac - 1];
		if (strcmp(ch, "stdout") && strcmp(ch, "stderr")) {
			char *r = pyrepr(ch);
			printf("Error: bad channel %s\n", r);
			free(r);
			return SV_EXIT_ERROR;
		}
	}
	return mod ? modifier(av[0]) : GO;
}

static int chk_maintail(struct line *l)
{
	if (l->ac > 1) {
		puts("Error: too many arguments");
		return with_help(l->c, SV_EXIT_ERROR);
	}
	return l->ac ? modifier(l->av[0]) : GO;
}

static int chk_fg(struct line *l)
{
	if (l->ac == 1)
		return FG;
	if (l->ac > 1) {
		puts("ERROR: too many process names supplied");
		return SV_EXIT_ERROR;
	}
	puts("ERROR: no process name supplied");
	return with_help(l->c, SV_EXIT_ERROR);
}

/* ---- 8. commands -------------------------------------------------------- */

/* The command named by the n bytes at s, or NULL. */
static const struct cmd *cmd_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strncmp(cmds[i].name, s, n) && !cmds[i].name[n])
			return &cmds[i];
	return NULL;
}

static int do_help(struct line *l)
{
	const struct cmd *c = cmd_find(l->rest, strlen(l->rest));

	if (!*l->rest)
		fputs(help_list, stdout);
	else if (c && c->help)
		fputs(c->help, stdout);
	else
		printf("*** No help on %s\n", l->rest);
	return SV_EXIT_OK;
}

static int do_quit(struct line *l)
{
	(void)l;
	putchar('\n');
	return QUIT;
}

/* open URL: switch servers and show the status there.  Like supervisorctl
 * it keeps the exit status, unless status failed outright (1). */
static int do_open(struct line *l)
{
	size_t n = url_scheme(l->rest);
	char status[] = "status";

	if (n != 4 || (strncasecmp(l->rest, "unix", 4)
	    && strncasecmp(l->rest, "http", 4))) {
		puts("ERROR: url must be http:// or unix://");
		return SV_EXIT_ERROR;
	}
	g_url = strcpy(xmalloc(strlen(l->rest) + 1), l->rest);
	conn_drop();
	return run_line(status) == SV_EXIT_ERROR ? SV_EXIT_ERROR : SV_EXIT_OK;
}

/* Split a copy of l->rest into words as str.split() does. */
static void split(struct line *l)
{
	char *p = strcpy(l->words, l->rest);

	for (l->ac = 0;;) {
		while (pyspace((unsigned char)*p))
			p++;
		if (!*p)
			return;
		l->av[l->ac++] = p;
		while (*p && !pyspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = 0;
	}
}

/* Send a server command: checks, question, connection, request, reply. */
/* The shell's answer to "Server requires authentication", as
 * supervisorctl's: ask for a username and (unechoed) a password, print an
 * empty line.  0 at end of input. */
static int ask_credentials(void)
{
	static char user[256], pass[256];
	struct termios t, quiet;
	int tty = isatty(0) && tcgetattr(0, &t) == 0, n;

	fputs("Username:", stdout);
	fflush(stdout);
	if (in_line(user, sizeof user) < 0)
		return 0;
	fputs("Password:", stdout);
	fflush(stdout);
	if (tty) {
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &quiet);
	}
	n = in_line(pass, sizeof pass);
	if (tty)
		tcsetattr(0, TCSANOW, &t);
	if (n < 0)
		return 0;
	putchar('\n');
	g_user = user;
	g_pass = pass;
	conn_drop();                /* the next connection logs in with them */
	return 1;
}

static int run_remote_once(struct line *l);

/* Run a command on the server; in the shell, a refused login asks for
 * credentials and tries again. */
static int run_remote(struct line *l)
{
	int st;

	while ((st = run_remote_once(l)) == SV_EXIT_ERROR && g_interactive
	       && !strcmp(g_first, "Server requires authentication\n") && ask_credentials())
		;
	return st;
}

static int run_remote_once(struct line *l)
{
	const struct cmd *c = l->c;
	char req[SV_REQ_MAX + 8], *p = req;
	int go = GO, st, i;

	if ((c->flags & F_EARLY) && c->fn && (go = c->fn(l)) >= 0)
		return go;
	if (c->ask && g_interactive) {
		fputs(c->ask, stdout);
		if (in_line(req, sizeof req) < 0) {
			puts("error: EOF when reading a line");
			return SV_EXIT_ERROR;
		}
		if ((*req | 0x20) != 'y')
			return SV_EXIT_OK;
	}
	if ((st = conn_up(c)) >= 0)
		return st;
	if (!(c->flags & F_EARLY) && c->fn && (go = c->fn(l)) >= 0)
		return go;
	p += sprintf(p, "%s", c->name);
	for (i = 0; i < l->ac; i++)
		p += sprintf(p, " %s", l->av[i]);
	return request(req, go);
}

/* Run one command line as supervisorctl's onecmd() does: stripped, "?" is
 * help, the name is the leading [A-Za-z0-9_] run, the rest its arguments.
 * Returns the exit status, or QUIT. */
static int run_line(char *s)
{
	struct line l;
	char help[SV_REQ_MAX + 8];
	size_t n;

	s = strip(s);
	if (!*s)
		return SV_EXIT_OK;
	if (strlen(s) >= SV_REQ_MAX) {
		puts("error: command line too long");
		return SV_EXIT_ERROR;
	}
	if (*s == '?') {
		snprintf(help, sizeof help, "help %s", s + 1);
		s = help;
	}
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_");
	if (!n || !(l.c = cmd_find(s, n))) {
		printf("*** Unknown syntax: %s\n", s);
		return SV_EXIT_ERROR;
	}
	l.rest = strip(s + n);
	split(&l);
	return l.c->conn == C_LOCAL ? l.c->fn(&l) : run_remote(&l);
}

/* ---- 9. main ------------------------------------------------------------ */

/* The interactive shell: status first, then a prompt before every line,
 * even when stdin is not a terminal.  It always exits 0. */
static void shell(void)
{
	char line[SV_REQ_MAX + 1] = "status";

	g_shell = 1;
	run_line(line);
	for (;;) {
		printf("%s> ", g_prompt);
		if (in_line(line, sizeof line) < 0) {
			putchar('\n');
			break;
		}
		if (run_line(line) == QUIT)
			break;
	}
	exit(SV_EXIT_OK);
}

int main(int argc, char **argv)
{
	char *set[NOPTS] = { NULL }, line[SV_REQ_MAX + 1] = "";
	struct sigaction sa;
	size_t n = 0;
	int i, st;

	g_argv0 = argv[0];
	srv.fd = -1;
	opt_scan(argv, NULL);
	i = opt_scan(argv, set);
	cfg_load(set);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;      /* no SA_RESTART: reads return EINTR */
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	g_interactive = set[O_INTER] || i == argc;
	if (i == argc)
		shell();
	for (; i < argc && n < sizeof line; i++)  /* too long: run_line says so */
		n += snprintf(line + n, sizeof line - n, "%s%s", n ? " " : "", argv[i]);
	st = run_line(line);
	return st == QUIT ? SV_EXIT_OK : st;
}
