/* supervise - a process supervisor that runs supervisord configs.
 *
 * One poll() loop, no threads, nothing but libc.  The file reads top down:
 *
 *   1. compat         what differs between glibc, musl, uClibc-ng, old kernels
 *   2. types          configuration model, processes, groups; the globals
 *   3. utilities      memory, strings, time, error buffers
 *   4. config         INI grammar, %-expansion, datatypes, sections (cfg_*)
 *   5. main log       levels, line format, rotation (log_*)
 *   6. child output   pipes into log files (out_*)
 *   7. processes      spawn, the state machine, stop (proc_*)
 *   8. groups         priorities, shutdown order, reload (grp_*)
 *   9. control        the text protocol of supervise.h (ctl_*)
 *  10. event loop     signals, deadlines, poll (loop_*)
 *  11. main           options, daemonizing, the state file, start-up
 *
 * Helpers never print or exit: they return -1 and fill an error buffer the
 * caller owns.  Time for timers is CLOCK_MONOTONIC in milliseconds; wall
 * time is only for what people read.
 */

/* ---- 1. compat -------------------------------------------------------- */

#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64    /* logs past 2 GiB on 32-bit ARM and MIPS */
#define _DEFAULT_SOURCE         /* initgroups, setgroups, strsep on glibc/musl */
#define _BSD_SOURCE             /* the same on old glibc and uClibc-ng */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <ctype.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "supervise.h"

/* glibc keeps freed heap pages; give them back when a burst of clients is
 * over, so the daemon's RSS returns to its baseline.  Others: nothing. */
#if defined(__GLIBC__) && !defined(__UCLIBC__)
#include <malloc.h>
#define heap_trim() malloc_trim(0)
#else
#define heap_trim() ((void)0)
#endif

/* Linux 2.6.35+ widens pipes; libcs show the names only to _GNU_SOURCE.
 * An older kernel says EINVAL, which costs nothing. */
#ifndef MSG_DONTWAIT            /* then a socket log may block */
#define MSG_DONTWAIT 0
#endif

#if defined(__linux__) && !defined(F_SETPIPE_SZ)
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif

/* What the kernel says of another process: enough to find what a killed
 * daemon left running and to tell it from a process that took its pid.
 * Linux reads /proc; elsewhere nothing is known, so leftovers are only
 * reported, never stopped (see leftover_classify). */
struct pinfo {
	char state;                 /* 'Z', 'X', 'x': dead, not reaped yet */
	long ppid, pgrp, sid;
	unsigned long long start;   /* clock ticks after boot: a new pid, a new start */
};

#define pinfo_dead(pi) ((pi)->state && strchr("ZXx", (pi)->state))

/* A decimal number at *p and the blanks after it; *p moves past them.
 * -1 if there is none.  (sscanf would add 8 KB to a static build.) */
static int scan_num(char **p, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(*p, &end, 10);
	if (end == *p || errno)
		return -1;
	*p = end + strspn(end, " ");
	return 0;
}

#ifdef __linux__
/* /proc/PID/stat; -1 with errno ENOENT when no such process is there. */
static int pinfo_read(long pid, struct pinfo *pi)
{
	char path[32], buf[1024], *p;
	long long f[23];            /* f[i]: field i, from 4 on */
	ssize_t n;
	int fd, i = 0;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* the name in parentheses may hold spaces and ')': field 3 (state)
	 * follows the last ')', then numbers; 22 is the start time */
	if ((p = strrchr(buf, ')')) && p[1] == ' ' && p[2]) {
		pi->state = p[2];
		for (p += 3, i = 4; i < 23 && scan_num(&p, &f[i]) == 0; i++)
			;
	}
	if (i < 23) {
		errno = ENOENT;         /* it went away while we read */
		return -1;
	}
	pi->ppid = (long)f[4];
	pi->pgrp = (long)f[5];
	pi->sid = (long)f[6];
	pi->start = (unsigned long long)f[22];
	return 0;
}

/* Does a process of group pgid in session sid still run?  A zombie does
 * not: where nobody reaps orphans (PID 1 in many containers), a killed
 * group stays in the process table. */
static int pgrp_running(long pgid, long sid)
{
	struct pinfo pi;
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (kill((pid_t)-pgid, 0) < 0 && errno == ESRCH)
		return 0;
	if (!(d = opendir("/proc")))
		return 1;
	while (!found && (de = readdir(d)))
		found = isdigit((unsigned char)de->d_name[0])
		        && pinfo_read(atol(de->d_name), &pi) == 0 && pi.pgrp == pgid
		        && pi.sid == sid && !pinfo_dead(&pi);
	closedir(d);
	return found;
}

/* The kernel's boot id: pids and start times count within one boot. */
static void boot_id(char *buf, size_t len)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, " \n")] = '\0';
	if (!*buf)
		snprintf(buf, len, "-");
}
#else
static int pinfo_read(long pid, struct pinfo *pi)
{
	(void)pid;
	(void)pi;
	errno = ENOSYS;
	return -1;
}

static int pgrp_running(long pgid, long sid)
{
	(void)sid;
	return kill((pid_t)-pgid, 0) == 0 || errno == EPERM;
}

static void boot_id(char *buf, size_t len)
{
	snprintf(buf, len, "-");
}
#endif

#define ERRLEN      1024        /* error buffers handed to helpers */
#define NSTREAMS    2           /* a process's stdout and stderr */
#define OUT_CHUNK   (128 * 1024)  /* one read of a child's output (spec 3.1) */
#define CAP_HOLD    32          /* > the longest capture token */

/* ---- 2. types --------------------------------------------------------- */

enum autorestart { AR_FALSE, AR_UNEXPECTED, AR_TRUE };
enum logkind { LOG_NONE, LOG_AUTO, LOG_PATH };
enum gkind { G_PROGRAM, G_GROUP, G_LISTENER };
enum level {                    /* supervisord's numbers */
	L_BLAT = 3, L_TRAC = 5, L_DEBG = 10, L_INFO = 20,
	L_WARN = 30, L_ERRO = 40, L_CRIT = 50
};

/* A list of strings that owns them. */
struct strv {
	char **v;
	int n, cap;
};

/* One output stream of a process, as configured. */
struct logconf {
	enum logkind kind;
	char *path;                 /* LOG_PATH: expanded, ~ resolved */
	long long maxbytes;         /* 0: never rotate */
	int backups;
	long long capture_maxbytes;
	int events_enabled;
	int syslog;                 /* *_syslog, or the deprecated logfile=syslog */
};

/* One process's settings after %-expansion: one per process_num. */
struct pconf {
	char *name;                 /* process name */
	char *program;              /* the [program:x] it came from */
	char *command;              /* unsplit: split at spawn (shlex rules) */
	char *directory;            /* NULL: inherit */
	char *user;                 /* NULL: no change */
	uid_t uid;
	gid_t gid;
	int umask;                  /* -1: inherit */
	struct strv env;            /* "K=V": [supervisord] environment, then the program's */
	char *serverurl;            /* NULL: AUTO (the daemon's own url) */
	int priority;
	int autostart;
	enum autorestart autorestart;
	int startsecs;
	int startretries;
	int stopsignal;
	int stopwaitsecs;
	int stopasgroup;
	int killasgroup;
	int redirect_stderr;
	unsigned char exitcodes[32];    /* bitmap of 0..255 */
	struct logconf log[NSTREAMS];   /* [0] stdout, [1] stderr */
};

/* A group: a [program:x] (its numprocs processes), a [group:g], or an
 * [eventlistener:x] pool.  procs are in start order. */
struct gconf {
	char *name;
	enum gkind kind;
	int priority;
	struct pconf *procs;
	int nprocs;
	unsigned long long events;  /* listener: subscribed event types, a bitmask */
	int buffer_size;            /* listener */
	uint64_t digest;            /* of its -T text: reread compares groups by it */
};

enum srvkind { SRV_UNIX, SRV_INET };

/* An [unix_http_server] or [inet_http_server] section. */
struct srvconf {
	enum srvkind kind;
	char *section;              /* e.g. "unix_http_server" */
	char *file;                 /* unix: absolute path */
	int chmod;                  /* unix: default 0700 */
	uid_t chown_uid;            /* unix: (uid_t)-1 = unchanged */
	gid_t chown_gid;            /* unix: (gid_t)-1 = unchanged */
	char *host;                 /* inet: "" = every interface */
	int port;                   /* inet */
	char *username;             /* NULL: no authentication */
	char *password;             /* plain, or "{SHA}" + hex sha1 */
};

/* Command-line options of supervise that override [supervisord] (spec 5.1).
 * A NULL string or a negative number means "not given". */
struct cmdline {
	const char *config;
	int nodaemon, silent, nocleanup, strip_ansi;
	const char *user, *umask, *directory, *logfile, *logfile_maxbytes,
	      *logfile_backups, *loglevel, *pidfile, *identifier, *childlogdir,
	      *minfds, *minprocs;
};

/* A parse message to log once the main log is open (spec 1.5, 3.3). */
struct note {
	enum level level;
	char *text;
};

/* The whole configuration. */
struct config {
	char *path;                 /* the config file as found or given */
	/* [supervisord] */
	char *logfile;              /* absolute; NULL with logsyslog */
	int logsyslog;
	long long logfile_maxbytes;
	int logfile_backups;
	enum level loglevel;
	char *pidfile;              /* absolute */
	int umask;
	int nodaemon;
	int silent;
	long minfds;
	long minprocs;
	int nocleanup;
	char *childlogdir;
	char *user;                 /* NULL: stay who we are */
	uid_t uid;
	gid_t gid;
	char *directory;            /* NULL: stay */
	int strip_ansi;
	struct strv environment;    /* "K=V" */
	char *identifier;
	char *control_fifo;         /* ours: commands written to this FIFO are run */
	/* servers, control */
	struct srvconf *servers;
	int nservers;
	int rpcinterface;           /* [rpcinterface:supervisor] present */
	/* groups, sorted by (priority, name) */
	struct gconf *groups;
	int ngroups;
	/* messages for the main log, in the order spec 3.3 wants them */
	struct note *notes;
	int nnotes;
};

/* A log file: the main log, or a child's log shared by path (stdout and
 * stderr in one file write through one logfile, so a rotation moves the file
 * once for every writer).  Pipes and ttys take what they can without
 * blocking the daemon; the rest waits in pend. */
struct logfile {
	struct logfile *next;       /* sv.logfiles: the child logs */
	int refs;
	char *path;                 /* NULL: nothing to write to */
	int fd;                     /* -1: closed */
	int nofollow;               /* AUTO logs: never opened through a link */
	int passthru;               /* a stream (log_is_stream): never rotated,
	                               cleared or read back */
	int sock;                   /* a socket: written with send(MSG_DONTWAIT) */
	dev_t dev;                  /* what it is open on: logs bound for one */
	ino_t ino;                  /* stream queue behind each other */
	long long size;
	long long maxbytes;         /* 0: never rotate; set by the writing stream */
	int backups;
	int failing;                /* errno of the write that failed; said once */
	int rotfailing;             /* errno of the rotation that failed; said once */
	long long lost;             /* bytes dropped since it began failing */
	char *pend;                 /* what a stream has not taken yet: */
	size_t pendoff, npend;      /* pend[pendoff .. pendoff + npend) */
	size_t pendmax;
	uint64_t pendseq;           /* when pend last began to fill: queue order */
};

/* The capture mode of one stream (spec 6.6): the text between the BEGIN
 * and END tokens is held, not logged. */
struct capture {
	int on;                     /* inside BEGIN ... END */
	char hold[CAP_HOLD];        /* a tail that may be the start of a token */
	size_t nhold;
	char *buf;                  /* captured bytes, at most capture_maxbytes */
	size_t n;
};

/* One output stream of a process. */
struct ostream {
	int pipe;                   /* read end; -1: closed */
	struct logfile *log;        /* NULL: no file (NONE, syslog only, redirected) */
	char *autolog;              /* AUTO log path, made with the group */
	struct capture *cap;        /* NULL: capture mode off */
	int wide;                   /* its pipe was widened (out_widen) */
};

struct procgroup;

struct proc {
	struct pconf *cf;
	struct procgroup *grp;
	enum sv_state state;
	pid_t pid;
	int64_t laststart;          /* monotonic ms of the last spawn; 0: never */
	time_t startwall, stopwall; /* wall clock, for status */
	int64_t due;                /* the current state's deadline; 0: none */
	int64_t lastwaitlog;        /* "waiting for X to stop", every 2 s while a client waits */
	int backoff;                /* failed starts in a row */
	int exitstatus;
	char *spawnerr;             /* why the last start failed; NULL: it did not */
	struct ostream out[NSTREAMS];   /* [0] stdout, [1] stderr */
	int stdin_fd;               /* write end of its stdin */
	char *username;             /* user='s name for initgroups, looked up with the
	                               group, not in the loop (user= may be a number) */
	long long pidstart;         /* the kernel's start time of pid (struct pinfo),
	                               for the state file; -1: unknown */
};

struct procgroup {
	struct gconf cf;
	struct proc *procs;         /* in start order */
	struct proc **byprio;       /* by priority: group and "all" commands, shutdown */
	int nprocs;
};

struct client;

enum mood { M_RUNNING, M_RESTARTING, M_SHUTDOWN };

/* ---- globals: the daemon's state, one instance reached from every section */

/* The daemon's state: one instance, reached from every section. */
static struct {
	const char *argv0;
	struct cmdline cl;
	struct config cf;           /* the running configuration */
	struct procgroup **groups;      /* running groups, in (priority, name) order */
	int ngroups;
	struct proc **procs;        /* every process, group by group in start order */
	int nprocs;
	unsigned procgen;           /* bumped when processes are freed */
	enum mood mood;
	struct config next;         /* a reload's config, checked before anything stops */
	struct config lastread;     /* the config as last read, once it differs from */
	int have_lastread;          /* the running groups' (a reread, a remove) */
	struct logfile log;         /* the main log */
	struct logfile echo;        /* nodaemon: its copy on stdout */
	struct logfile *logfiles;   /* the child logs, one per path */
	int sigpipe[2];
	int *listenfd;              /* one per server section; -1: not bound */
	int sparefd;                /* held for a client when every other fd is taken */
	int64_t accept_after;       /* accept() ran out: listeners rest until then */
	struct client *clients;
	pid_t pid;
	int wrote_pidfile;
	char bootid[40];            /* the kernel's boot id, for the state file; "-": unknown */
	int statedirty;             /* a child was spawned or reaped: write the state file */
	int statefail;              /* errno of the state file write that failed; said once */
	int64_t lastdielog;         /* "waiting for ... to die", every 3 s */
	int readyfd;                /* daemonizing: tells the parent we are up */
} sv = { .log = { .fd = -1 }, .echo = { .fd = -1 }, .sigpipe = { -1, -1 },
         .sparefd = -1, .readyfd = -1 };

static void ctl_notify(struct proc *p);
static void ctl_follow_push(struct proc *p, int stream, const char *s, size_t n);
static void proc_spawn(struct proc *p);

/* ---- 3. utilities ----------------------------------------------------- */

static void *xmalloc(size_t n);
static void *xrealloc(void *p, size_t n);

/* Out of memory is the one error nothing can recover from: say so, stop. */
static void oom(void)
{
	static const char msg[] = "supervise: out of memory\n";
	if (write(2, msg, sizeof msg - 1) < 0) { /* nothing left to try */ }
	abort();
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* printf into a fresh string. */
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Fill an error buffer; always returns -1 so helpers can `return errf(...)`. */
static int errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static void strv_push(struct strv *sv, char *s)
{
	if (sv->n + 1 >= sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 8;
		sv->v = xrealloc(sv->v, (size_t)sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;        /* usable as an argv or envp */
}

static void strv_free(struct strv *sv)
{
	int i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

/* Milliseconds on the monotonic clock: every timer uses this. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The earlier of two deadlines; 0 means "none". */
static int64_t min_due(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/* ---- 4. config -------------------------------------------------------- */

/* The order follows what happens to a value: the INI grammar reads lines
 * into sections (4a), %-expansion fills in names (4b), datatype parsers turn
 * text into numbers, signals, users... (4c), the section readers build
 * struct config (4d), and the entry points tie it together (4e).  Error
 * texts are supervisord's, character for character: scripts and people grep
 * for them.  Where we know the file and line of an option we add
 * "\nFILE:LINE: [SECTION] OPTION" after the message.
 *
 * Tables hold their names as arrays of char, or as words in one string
 * (see word_in), never as pointers: in a position-independent executable
 * each pointer costs a 24-byte relocation besides its own 8 bytes. */

/* ---- 4a. INI grammar (Python 3.11 RawConfigParser as supervisor sets it up) */

/* A growable string: the parser builds values and messages with it. */
struct sbuf {
	char *p;
	size_t n, cap;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_adds(struct sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof tmp) {
		char *big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_addn(b, big, (size_t)n);
		free(big);
	} else if (n > 0) {
		sb_addn(b, tmp, (size_t)n);
	}
}

/* The string so far, never NULL; the buffer keeps ownership. */
static char *sb_str(struct sbuf *b)
{
	if (!b->p)
		sb_addn(b, "", 0);
	return b->p;
}

/* Python's str.isspace() for the bytes a config file can hold. */
static int ini_space(int c)
{
	return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
}

static char *str_strip(char *s)
{
	size_t n;

	while (ini_space((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && ini_space((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* s in upper case (upper) or lower case, in place. */
static char *str_case(char *s, int upper)
{
	char *p;

	for (p = s; *p; p++)
		*p = (char)(upper ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
	return s;
}

/* Python repr() of a str, since supervisord quotes values with %r.  Bytes
 * of multi-byte UTF-8 characters are copied as they are (printable in
 * Python), except the BOM, which Python shows as \ufeff. */
static char *py_repr(const char *s)
{
	struct sbuf b = {0};
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	const unsigned char *p;

	sb_addn(&b, &q, 1);
	for (p = (const unsigned char *)s; *p; p++) {
		if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			sb_adds(&b, "\\ufeff");
			p += 2;
		} else if (*p == '\\' || *p == (unsigned char)q) {
			sb_addf(&b, "\\%c", *p);
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			sb_adds(&b, *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : "\\t");
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_addf(&b, "\\x%02x", *p);
		} else {
			sb_addn(&b, (const char *)p, 1);
		}
	}
	sb_addn(&b, &q, 1);
	return b.p;
}

struct iopt {
	char *key, *val;
	const char *file;           /* borrowed from ini.files */
	int line;
};

struct isect {
	char *name;
	const char *file;           /* the file that created the section */
	struct iopt *o;
	int n, cap;
};

struct ini {
	struct isect *s;
	int n, cap;
	struct isect def;           /* [DEFAULT]: seen by every section */
	struct strv files;          /* every file read, owns the names */
	struct strv cuts;           /* warnings: a comment cut an open quote */
};

static struct isect *ini_find(struct ini *ini, const char *name)
{
	int i;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->s[i].name, name) == 0)
			return &ini->s[i];
	return NULL;
}

/* The option as the section sees it: its own, else [DEFAULT]'s. */
static struct iopt *ini_opt(const struct ini *ini, const struct isect *s,
                            const char *key)
{
	int i;

	for (i = 0; s && i < s->n; i++)
		if (strcmp(s->o[i].key, key) == 0)
			return &s->o[i];
	for (i = 0; i < ini->def.n; i++)
		if (strcmp(ini->def.o[i].key, key) == 0)
			return &ini->def.o[i];
	return NULL;
}

/* Set key in s, replacing an earlier value (strict=False). Takes val. */
static struct iopt *ini_set(struct isect *s, const char *key, char *val,
                            const char *file, int line)
{
	struct iopt *o;
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->o[i].key, key) == 0)
			break;
	if (i == s->n) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 8;
			s->o = xrealloc(s->o, (size_t)s->cap * sizeof *s->o);
		}
		s->o[s->n].key = xstrdup(key);
		s->o[s->n].val = NULL;
		s->n++;
	}
	o = &s->o[i];
	free(o->val);
	o->val = val;
	o->file = file;
	o->line = line;
	return o;
}

static struct isect *ini_section(struct ini *ini, const char *name,
                                 const char *file)
{
	struct isect *s;

	if (strcmp(name, "DEFAULT") == 0)
		return &ini->def;
	if ((s = ini_find(ini, name)))
		return s;
	if (ini->n == ini->cap) {
		ini->cap = ini->cap ? 2 * ini->cap : 16;
		ini->s = xrealloc(ini->s, (size_t)ini->cap * sizeof *ini->s);
	}
	s = &ini->s[ini->n++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->file = file;
	return s;
}

static void ini_free(struct ini *ini)
{
	int i, j;

	for (i = -1; i < ini->n; i++) {
		struct isect *s = i < 0 ? &ini->def : &ini->s[i];
		for (j = 0; j < s->n; j++) {
			free(s->o[j].key);
			free(s->o[j].val);
		}
		free(s->o);
		free(s->name);
	}
	free(ini->s);
	strv_free(&ini->files);
	strv_free(&ini->cuts);
	memset(ini, 0, sizeof *ini);
}

/* Where an inline comment starts, or -1.  configparser looks for ';' and
 * '#' in rounds: each round finds the next of each, and the first round in
 * which one follows whitespace (or is at column 0) decides.  So a '#' after
 * a blank can win over a later "; " when an earlier ';' was glued to text. */
static long ini_comment(const char *line)
{
	long at[2] = {-1, -1}, best;
	const char pre[2] = {';', '#'};
	int k, alive = 2;

	while (alive) {
		best = -1;
		alive = 0;
		for (k = 0; k < 2; k++) {
			const char *p;
			if (at[k] == -2)
				continue;
			p = strchr(line + at[k] + 1, pre[k]);
			if (!p) {
				at[k] = -2;
				continue;
			}
			alive++;
			at[k] = p - line;
			if ((at[k] == 0 || ini_space((unsigned char)line[at[k] - 1]))
			    && (best < 0 || at[k] < best))
				best = at[k];
		}
		if (best >= 0)
			return best;
	}
	return -1;
}

/* Does text leave a ' or " quote open, reading it like a shell would? */
static int quote_open(const char *s, size_t n)
{
	char q = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (q && s[i] == q)
			q = 0;
		else if (!q && (s[i] == '\'' || s[i] == '"'))
			q = s[i];
		else if (!q && s[i] == '\\' && i + 1 < n)
			i++;
	}
	return q != 0;
}

/* An odd number of '"' in a comment: it probably closed a quote of the
 * value ('\'' is not counted: "don't" is common in comments). */
static int dquote_odd(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '"';
	return n % 2;
}

/* Turn \r\n and lone \r into \n, as Python's universal newlines do. */
static void ini_newlines(char *t)
{
	char *w = t;

	for (; *t; t++) {
		if (*t == '\r') {
			*w++ = '\n';
			if (t[1] == '\n')
				t++;
		} else {
			*w++ = *t;
		}
	}
	*w = '\0';
}

struct iparse {                 /* state while reading one file */
	struct ini *ini;
	const char *file;
	struct isect *cur;
	char *optname;              /* the option a continuation extends */
	size_t indent;
	struct sbuf bad;            /* "\n\t[line N]: 'text'" per bad line */
};

static struct iopt *ip_cur(struct iparse *ip)
{
	int i;

	for (i = 0; ip->cur && ip->optname && i < ip->cur->n; i++)
		if (strcmp(ip->cur->o[i].key, ip->optname) == 0)
			return &ip->cur->o[i];
	return NULL;
}

static void ip_bad(struct iparse *ip, int lineno, const char *raw)
{
	char *r = py_repr(raw);
	sb_addf(&ip->bad, "\n\t[line %2d]: %s", lineno, r);
	free(r);
}

static void ip_cut_note(struct iparse *ip, int lineno, const char *key)
{
	strv_push(&ip->ini->cuts, xasprintf("%s:%d: [%s] %s: an inline comment"
	          " (' ;' or ' #') cut the value inside quotes; supervisord"
	          " drops the rest of the line too", ip->file, lineno,
	          ip->cur->name, key));
}

/* One line that is not a continuation: a header or "key = value". */
static int ip_entry(struct iparse *ip, char *v, const char *raw, int lineno,
                    int cut, char **emsg)
{
	char *rb = v[0] == '[' ? strrchr(v, ']') : NULL;
	size_t k;
	char *key;

	if (rb && rb - v >= 2) {
		*rb = '\0';
		ip->cur = ini_section(ip->ini, v + 1, ip->file);
		free(ip->optname);
		ip->optname = NULL;
		return 0;
	}
	if (!ip->cur) {
		char *f = py_repr(ip->file), *r = py_repr(raw);
		*emsg = xasprintf("File contains no section headers.\nfile: %s, "
		                  "line: %d\n%s", f, lineno, r);
		free(f);
		free(r);
		return -1;
	}
	k = strcspn(v, "=:");
	key = xstrndup(v, k);
	str_strip(key);
	if (!v[k] || !*key) {
		ip_bad(ip, lineno, raw);
		free(key);
		return 0;
	}
	str_case(key, 0);
	v = str_strip(v + strcspn(v, "=:") + 1);
	ini_set(ip->cur, key, xstrdup(v), ip->file, lineno);
	if (cut)
		ip_cut_note(ip, lineno, key);
	free(ip->optname);
	ip->optname = key;
	return 0;
}

/* Append a continuation line (or an empty line: v == "") to the option. */
static void ip_append(struct iopt *o, const char *v)
{
	char *nv = xasprintf("%s\n%s", o->val, v);
	free(o->val);
	o->val = nv;
}

/* Read one line per configparser's rules; returns -1 only for the fatal
 * "no section headers" error. */
static int ip_line(struct iparse *ip, char *raw, size_t len, int lineno,
                   char **emsg)
{
	char *line = xstrndup(raw, len), *v;
	long c = ini_comment(line);
	size_t indent = 0;
	int full, cut = 0, rc = 0;
	struct iopt *o;

	while (ini_space((unsigned char)line[indent]))
		indent++;
	full = line[indent] == ';' || line[indent] == '#';
	if (full)
		c = 0;
	if (c > 0)
		cut = quote_open(line, (size_t)c) || dquote_odd(line + c);
	if (c >= 0)
		line[c] = '\0';
	v = str_strip(line);
	o = ip_cur(ip);
	if (!*v) {
		/* an empty line inside a value is kept, unless it held a comment */
		if (c < 0 && o)
			ip_append(o, "");
	} else if (o && indent > ip->indent) {
		ip_append(o, v);
		if (cut)
			ip_cut_note(ip, lineno, o->key);
	} else {
		char *rawl = xstrndup(raw, len);
		ip->indent = indent;
		rc = ip_entry(ip, v, rawl, lineno, cut, emsg);
		free(rawl);
	}
	free(line);
	return rc;
}

/* Drop the trailing empty lines of multi-line values (configparser
 * rstrips every value once the file is read). */
static void ini_rstrip(struct ini *ini)
{
	int i, j;

	for (i = -1; i < ini->n; i++) {
		struct isect *s = i < 0 ? &ini->def : &ini->s[i];
		for (j = 0; j < s->n; j++) {
			size_t n = strlen(s->o[j].val);
			while (n && ini_space((unsigned char)s->o[j].val[n - 1]))
				s->o[j].val[--n] = '\0';
		}
	}
}

/* Parse text (modified in place) read from file into ini.  On an error
 * returns -1 with *emsg malloc'd: the whole message supervisord prints. */
static int ini_parse(struct ini *ini, char *text, const char *file, char **emsg)
{
	struct iparse ip;
	char *p = text, *nl;
	int lineno = 0, rc = 0;

	memset(&ip, 0, sizeof ip);
	ip.ini = ini;
	ip.file = file;
	ini_newlines(text);
	while (*p && rc == 0) {
		nl = strchr(p, '\n');
		lineno++;
		/* the raw line keeps its "\n": error messages show it */
		rc = ip_line(&ip, p, nl ? (size_t)(nl - p + 1) : strlen(p), lineno, emsg);
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(ip.optname);
	ini_rstrip(ini);
	if (rc == 0 && ip.bad.n) {
		char *f = py_repr(file);
		*emsg = xasprintf("Source contains parsing errors: %s%s", f, ip.bad.p);
		free(f);
		rc = -1;
	}
	free(ip.bad.p);
	return rc;
}

/* Slurp a whole file.  Returns NULL with errno set. */
static char *file_read(const char *path)
{
	struct sbuf b = {0};
	char buf[4096];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return NULL;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sb_addn(&b, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		free(b.p);
		return NULL;
	}
	return sb_str(&b);
}

/* Read and parse path.  A UTF-8 BOM is not skipped: supervisord fails
 * with "File contains no section headers" and so do we (accepting it
 * would make a file work here that fails there). */
static int ini_read(struct ini *ini, const char *path, char **emsg)
{
	struct stat st;
	char *text;
	int rc;

	if (stat(path, &st) < 0) {
		*emsg = xasprintf("could not find config file %s", path);
		return -1;
	}
	if (!(text = file_read(path))) {
		*emsg = xasprintf("could not read config file %s", path);
		return -1;
	}
	strv_push(&ini->files, xstrdup(path));
	rc = ini_parse(ini, text, ini->files.v[ini->files.n - 1], emsg);
	free(text);
	return rc;
}

/* Replace every literal %(here)s by dir, in every section, [DEFAULT]
 * values included (configparser copies them into the section when it
 * sets them), as supervisord does after each file when [include] exists. */
static void ini_here(struct ini *ini, const char *dir)
{
	static const char tag[] = "%(here)s";
	int i, j;

	for (i = 0; i < ini->n; i++) {
		struct isect *s = &ini->s[i];
		for (j = 0; j < ini->def.n + s->n; j++) {
			struct iopt *o = j < ini->def.n ?
			                 ini_opt(ini, s, ini->def.o[j].key) : &s->o[j - ini->def.n];
			struct sbuf b = {0};
			const char *v, *hit;
			if (!o || !strstr(o->val, tag))
				continue;
			for (v = o->val; (hit = strstr(v, tag)); v = hit + sizeof tag - 1) {
				sb_addn(&b, v, (size_t)(hit - v));
				sb_adds(&b, dir);
			}
			sb_adds(&b, v);
			ini_set(s, o->key, b.p, o->file, o->line);
		}
	}
}

/* ---- 4b. %-expansion --------------------------------------------------- */

/* The names a value may use: "here", "program_name", "ENV_PATH"...  The
 * process numbers are Python ints, everything else is a str. */
struct xname {
	char *k, *v;
	int num;
};

struct names {
	struct xname *a;
	int n, cap;
};

static void names_set(struct names *nm, const char *k, const char *v, int num)
{
	int i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->a[i].k, k) == 0)
			break;
	if (i == nm->n) {
		if (nm->n == nm->cap) {
			nm->cap = nm->cap ? 2 * nm->cap : 64;
			nm->a = xrealloc(nm->a, (size_t)nm->cap * sizeof *nm->a);
		}
		nm->a[nm->n++].k = xstrdup(k);
	} else {
		free(nm->a[i].v);
	}
	nm->a[i].v = xstrdup(v);
	nm->a[i].num = num;
}

static void names_setnum(struct names *nm, const char *k, long n)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", n);
	names_set(nm, k, buf, 1);
}

/* Add ENV_K for every "K=V" in env. */
static void names_env(struct names *nm, char *const *env, int n)
{
	int i;

	for (i = 0; i < n && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		char *k;
		if (!eq)
			continue;
		k = xasprintf("ENV_%.*s", (int)(eq - env[i]), env[i]);
		names_set(nm, k, eq + 1, 0);
		free(k);
	}
}

static const struct xname *names_get(const struct names *nm, const char *k,
                                     size_t klen)
{
	int i;

	for (i = 0; i < nm->n; i++)
		if (strncmp(nm->a[i].k, k, klen) == 0 && !nm->a[i].k[klen])
			return &nm->a[i];
	return NULL;
}

static void names_free(struct names *nm)
{
	int i;

	for (i = 0; i < nm->n; i++) {
		free(nm->a[i].k);
		free(nm->a[i].v);
	}
	free(nm->a);
	memset(nm, 0, sizeof *nm);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a, b, c": the sorted names, for the "Available names" message. */
static char *names_list(const struct names *nm)
{
	const char **k = xmalloc((size_t)(nm->n + 1) * sizeof *k);
	struct sbuf b = {0};
	int i;

	for (i = 0; i < nm->n; i++)
		k[i] = nm->a[i].k;
	qsort(k, (size_t)nm->n, sizeof *k, cmp_str);
	for (i = 0; i < nm->n; i++)
		sb_addf(&b, "%s%s", i ? ", " : "", k[i]);
	free(k);
	return sb_str(&b);
}

/* Code-point index of byte i, for Python's "at index N". */
static long utf8_index(const char *s, size_t i)
{
	long n = 0;
	size_t j;

	for (j = 0; j < i; j++)
		n += ((unsigned char)s[j] & 0xc0) != 0x80;
	return n;
}

/* Format one value of the mapping by a conversion; spec = "%-05.2" without
 * the conversion char.  Returns -1 with Python's TypeError text in why. */
static int fmt_value(struct sbuf *out, const struct xname *x, const char *spec,
                     char conv, char *why, size_t wl)
{
	char f[48];
	long n = strtol(x->v, NULL, 10);    /* for the ints */

	if (conv == 's' || conv == 'r' || conv == 'a') {
		char *r = conv == 's' || x->num ? xstrdup(x->v) : py_repr(x->v);
		snprintf(f, sizeof f, "%ss", spec);
		sb_addf(out, f, r);
		free(r);
		return 0;
	}
	if (conv == 'c' && (x->num || strlen(x->v) == 1)) {
		snprintf(f, sizeof f, "%sc", spec);
		sb_addf(out, f, x->num ? (int)n : x->v[0]);
		return 0;
	}
	if (!x->num) {
		if (conv == 'c')
			return errf(why, wl, "%%c requires int or char");
		return errf(why, wl, "%%%c format: %s is required, not str", conv,
		            strchr("xXo", conv) ? "an integer" : "a real number");
	}
	if (strchr("eEfFgG", conv)) {
		snprintf(f, sizeof f, "%s%c", spec, conv);
		sb_addf(out, f, (double)n);
	} else {
		snprintf(f, sizeof f, "%sl%c", spec, conv == 'i' || conv == 'u' ? 'd' : conv);
		sb_addf(out, f, n);
	}
	return 0;
}

/* Python pads a value to any width it can allocate; a config that asks for
 * more than this is refused with Python's words for one that overflows. */
#define FMT_WIDTH_MAX 65535

/* One %-directive at s[*i] (just after the '%').  Python's order: the
 * (name) is looked up first, then flags, width, precision, conversion.
 * Returns 0, -1 with why filled (badly formatted), or -2 with *miss set
 * (unknown name). */
static int fmt_directive(struct sbuf *out, const char *s, size_t *i,
                         const struct names *nm, char **miss, char *why, size_t wl)
{
	const struct xname *x = NULL;
	char spec[40] = "%";
	size_t j = *i, sl = 1;
	long n = 0;                 /* the width or precision so far */
	int dot = 0;                /* n is the precision */

	if (s[j] == '(') {
		const char *e = strchr(s + j + 1, ')');
		if (!e)
			return errf(why, wl, "incomplete format key");
		if (!(x = names_get(nm, s + j + 1, (size_t)(e - s - j - 1)))) {
			*miss = xstrndup(s + j + 1, (size_t)(e - s - j - 1));
			return -2;
		}
		j = (size_t)(e - s) + 1;
	}
	for (; s[j] && strchr("-+ #0*.0123456789hlL", s[j]); j++) {
		if (s[j] == '*')
			return errf(why, wl, "* wants int");
		if (isdigit((unsigned char)s[j]) && (n = n * 10 + s[j] - '0') > FMT_WIDTH_MAX)
			return errf(why, wl, "%s too big", dot ? "precision" : "width");
		if (!isdigit((unsigned char)s[j]))
			n = 0;
		dot |= s[j] == '.';
		if (!strchr("hlL", s[j]) && sl < sizeof spec - 1)
			spec[sl++] = s[j];
	}
	spec[sl] = '\0';
	if (!s[j])
		return errf(why, wl, "incomplete format");
	*i = j + 1;
	if (s[j] == '%' && !x)
		return sb_addn(out, "%", 1), 0;
	if (!strchr("sradiuoxXeEfFgGc", s[j]) || s[j] == '%')
		return errf(why, wl, "unsupported format character '%c' (0x%x) at index %ld",
		            s[j], (unsigned char)s[j], utf8_index(s, j));
	if (!x)                     /* Python would format the whole dictionary */
		return errf(why, wl, "%%%c without a (name) is not supported", s[j]);
	return fmt_value(out, x, spec, s[j], why, wl);
}

/* Python's `s % names` as supervisord's expand() reports it: on error
 * returns -1 with *emsg = the whole message; what is "program:x.command". */
static int expand_format(const char *s, const struct names *nm, const char *what,
                         char **out, char **emsg)
{
	struct sbuf b = {0};
	char why[256];
	char *miss = NULL;
	size_t i = 0;
	int rc = 0;

	while (s[i] && rc == 0) {
		size_t n = strcspn(s + i, "%");
		sb_addn(&b, s + i, n);
		i += n;
		if (s[i] == '%') {
			i++;
			rc = fmt_directive(&b, s, &i, nm, &miss, why, sizeof why);
		}
	}
	if (rc < 0) {
		char *rs = py_repr(s), *rw = py_repr(what);
		if (rc == -2) {
			char *rk = py_repr(miss), *avail = names_list(nm);
			*emsg = xasprintf("Format string %s for %s contains names (%s) which "
			                  "cannot be expanded. Available names: %s", rs, rw, rk, avail);
			free(rk);
			free(avail);
		} else {
			*emsg = xasprintf("Format string %s for %s is badly formatted: %s",
			                  rs, rw, why);
		}
		free(rs);
		free(rw);
		free(miss);
		free(b.p);
		return -1;
	}
	*out = sb_str(&b);
	return 0;
}

/* ---- 4c. datatypes ----------------------------------------------------- */

/* Is w one of the words of list?  Each word ends with '\0' and the list
 * with an empty word, so a string literal "a\0b\0" is a list. */
static int word_in(const char *list, const char *w)
{
	for (; *list; list += strlen(list) + 1)
		if (strcmp(list, w) == 0)
			return 1;
	return 0;
}

/* errf with s shown as Python's repr() by fmt's one %s. */
static int errq(char *err, size_t errlen, const char *fmt, const char *s)
{
	char *r = py_repr(s);

	errf(err, errlen, fmt, r);
	free(r);
	return -1;
}

/* Python int(s): blanks around, a sign, digits with single '_' between. */
static int parse_llong(const char *s, long long *out, char *err, size_t errlen)
{
	char digits[64];
	const char *p = s, *e;
	size_t n = 0;
	int ok;

	while (ini_space((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && ini_space((unsigned char)e[-1]))
		e--;
	if (p < e && (*p == '+' || *p == '-'))
		digits[n++] = *p++;
	ok = p < e && isdigit((unsigned char)*p) && isdigit((unsigned char)e[-1]);
	for (; ok && p < e && n < sizeof digits - 1; p++) {
		if (*p == '_' && isdigit((unsigned char)p[1]))
			continue;
		ok = isdigit((unsigned char)*p);
		digits[n++] = *p;
	}
	digits[n] = '\0';
	errno = 0;
	if (ok && p == e) {
		*out = strtoll(digits, NULL, 10);
		if (errno == 0)
			return 0;
	}
	return errq(err, errlen, "invalid literal for int() with base 10: %s", s);
}

static int parse_int(const char *s, long *out, char *err, size_t errlen)
{
	long long v;

	if (parse_llong(s, &v, err, errlen) < 0)
		return -1;
	if (v < LONG_MIN || v > LONG_MAX)
		return errq(err, errlen, "invalid literal for int() with base 10: %s", s);
	*out = (long)v;
	return 0;
}

static int parse_bool(const char *s, int *out, char *err, size_t errlen)
{
	static const char words[][6] = {"false", "no", "off", "0", "true", "yes", "on", "1"};
	int i;

	for (i = 0; i < 8; i++) {
		if (strcasecmp(s, words[i]) == 0) {
			*out = i >= 4;
			return 0;
		}
	}
	return errq(err, errlen, "not a valid boolean value: %s", s);
}

/* "10", "10KB", "5 mb", "1GB": case-insensitive, 1024-based. */
static int parse_bytes(const char *s, long long *out, char *err, size_t errlen)
{
	static const char units[] = "kmg";
	char *low = str_case(xstrdup(s), 0);
	size_t n = strlen(low);
	long long mult = 1, v;
	int rc;

	if (n >= 2 && low[n - 1] == 'b' && low[n - 2] && strchr(units, low[n - 2])) {
		mult = 1LL << (10 * (strchr(units, low[n - 2]) - units + 1));
		low[n - 2] = '\0';
	}
	rc = parse_llong(low, &v, err, errlen);
	free(low);
	if (rc == 0 && (v > LLONG_MAX / mult || v < LLONG_MIN / mult))
		v = v < 0 ? LLONG_MIN / mult : LLONG_MAX / mult;   /* Python's ints have no end */
	*out = rc == 0 ? v * mult : 0;
	return rc;
}

/* Python int(s, 8): "022", "22", "0o22". */
static int parse_octal(const char *s, int *out, char *err, size_t errlen)
{
	const char *p = s;
	long long v = 0;            /* holds INT_MAX * 8 + 7, also where long is 32 bits */
	int neg = 0, any = 0;

	while (ini_space((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O') && p[2] != '_') {
		p += 2;
		if (*p == '_')
			p++;
	}
	for (; *p >= '0' && *p <= '7'; p++) {
		if (v <= INT_MAX)       /* past that it is refused anyway */
			v = v * 8 + (*p - '0');
		any = 1;
		if (p[1] == '_' && p[2] >= '0' && p[2] <= '7')
			p++;
	}
	while (ini_space((unsigned char)*p))
		p++;
	if (!any || *p || v > INT_MAX)
		return errf(err, errlen, "%s can not be converted to an octal type", s);
	*out = neg ? -(int)v : (int)v;
	return 0;
}

static const struct { char name[9], abbr[5]; unsigned char num; } levels[] = {
	{"critical", "CRIT", L_CRIT}, {"error", "ERRO", L_ERRO}, {"warn", "WARN", L_WARN},
	{"info", "INFO", L_INFO}, {"debug", "DEBG", L_DEBG}, {"trace", "TRAC", L_TRAC},
	{"blather", "BLAT", L_BLAT}
};

static int parse_loglevel(const char *s, enum level *out, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < 7; i++) {
		if (strcasecmp(s, levels[i].name) == 0) {
			*out = (enum level)levels[i].num;
			return 0;
		}
	}
	return errq(err, errlen, "bad logging level name %s", s);
}

static const char *level_name(enum level l)
{
	int i;

	for (i = 0; i < 7; i++)
		if (levels[i].num == l)
			return levels[i].abbr;
	return "INFO";
}

/* Canonical names first: sig_name() prints the first match.  The numbers
 * of the standard signals fit a signed char on every Linux port. */
static const struct { char name[7]; signed char sig; } sig_table[] = {
	{"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL},
	{"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS}, {"FPE", SIGFPE},
	{"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
	{"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
#ifdef SIGSTKFLT
	{"STKFLT", SIGSTKFLT},
#endif
	{"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
	{"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU},
	{"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
#ifdef SIGWINCH
	{"WINCH", SIGWINCH},
#endif
#ifdef SIGIO
	{"IO", SIGIO},
#endif
#ifdef SIGPWR
	{"PWR", SIGPWR},
#endif
	{"SYS", SIGSYS}, {"CLD", SIGCHLD}, {"IOT", SIGABRT},
#ifdef SIGPOLL
	{"POLL", SIGPOLL},
#endif
	{"RTMIN", -1}, {"RTMAX", -2}
};

/* SIGRTMIN is a function call in glibc, so the table holds -1/-2 for it. */
static int sig_value(int i)
{
	int v = sig_table[i].sig;
	return v == -1 ? SIGRTMIN : v == -2 ? SIGRTMAX : v;
}

static const char *sig_name(int sig)
{
	static char buf[32];
	int i;

	for (i = 0; i < (int)(sizeof sig_table / sizeof *sig_table); i++) {
		if (sig_value(i) == sig) {
			snprintf(buf, sizeof buf, "SIG%s", sig_table[i].name);
			return buf;
		}
	}
	snprintf(buf, sizeof buf, "signal %d", sig);
	return buf;
}

/* A number must be one Python's signal module knows (0 included: it is
 * SIG_DFL there); a name is stripped, upper-cased, SIG optional. */
static int parse_signal(const char *s, int *sig, char *err, size_t errlen)
{
	char name[32], *buf, *up;
	long n;
	int i;

	if (parse_int(s, &n, err, errlen) == 0) {
		if (n == 0 || strncmp(sig_name((int)n), "SIG", 3) == 0) {
			*sig = (int)n;
			return 0;
		}
		return errq(err, errlen, "value %s is not a valid signal number", s);
	}
	up = str_case(str_strip(buf = xstrdup(s)), 1);
	snprintf(name, sizeof name, "%s", strncmp(up, "SIG", 3) ? up : up + 3);
	free(buf);
	for (i = 0; i < (int)(sizeof sig_table / sizeof *sig_table); i++) {
		if (strcmp(name, sig_table[i].name) == 0) {
			*sig = sig_value(i);
			return 0;
		}
	}
	return errq(err, errlen, "value %s is not a valid signal name", s);
}

/* "0,2, 3": integers 0..255 into a bitmap; "" is the empty list. */
static int parse_exitcodes(const char *s, unsigned char map[32], char *err, size_t errlen)
{
	const char *p = s;
	char item[64];
	long v;

	memset(map, 0, 32);
	while (*s) {
		size_t n = strcspn(p, ",");
		snprintf(item, sizeof item, "%.*s", (int)(n < 63 ? n : 63), p);
		if (n > 63 || parse_int(item, &v, err, errlen) < 0 || v < 0 || v > 255)
			return errq(err, errlen, "not a valid list of exit codes: %s", s);
		map[v / 8] |= (unsigned char)(1 << (v % 8));
		if (!p[n])
			break;
		p += n + 1;
	}
	return 0;
}

static int parse_autorestart(const char *s, enum autorestart *out, char *err, size_t errlen)
{
	char *low;
	int b;

	if (strcasecmp(s, "unexpected") == 0) {
		*out = AR_UNEXPECTED;
		return 0;
	}
	if (parse_bool(s, &b, err, errlen) == 0) {
		*out = b ? AR_TRUE : AR_FALSE;
		return 0;
	}
	low = str_case(xstrdup(s), 0);
	errq(err, errlen, "invalid 'autorestart' value %s", low);
	free(low);
	return -1;
}

/* A user name, or a number that passwd knows; gid is the primary group. */
static int parse_user(const char *s, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	struct passwd *pw;
	char tmp[8];
	long n;

	if (parse_int(s, &n, tmp, sizeof tmp) == 0) {
		if (!(pw = getpwuid((uid_t)n)))
			return errf(err, errlen, "Invalid user id %s", s);
	} else if (!(pw = getpwnam(s))) {
		return errf(err, errlen, "Invalid user name %s", s);
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* "user" or "user:group" (names or numbers), for chown=. */
static int parse_owner(const char *s, uid_t *uid, gid_t *gid)
{
	char tmp[8], *colon = strchr(s, ':');
	struct group *gr;
	char *u = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	long n;
	int rc = parse_user(u, uid, gid, tmp, sizeof tmp);

	free(u);
	*gid = (gid_t)-1;
	if (rc < 0 || !colon)
		return rc;
	if (parse_int(colon + 1, &n, tmp, sizeof tmp) == 0)
		gr = getgrgid((gid_t)n);
	else
		gr = getgrnam(colon + 1);
	if (!gr)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

/* os.path.expanduser: "~" and "~user" at the start. */
static char *path_expanduser(const char *p)
{
	const char *home = NULL, *rest;
	struct passwd *pw;
	char *user;

	if (p[0] != '~')
		return xstrdup(p);
	rest = p + 1 + strcspn(p + 1, "/");
	if (rest == p + 1) {
		if (!(home = getenv("HOME")) && (pw = getpwuid(getuid())))
			home = pw->pw_dir;
	} else {
		user = xstrndup(p + 1, (size_t)(rest - p - 1));
		if ((pw = getpwnam(user)))
			home = pw->pw_dir;
		free(user);
	}
	if (!home)
		return xstrdup(p);
	if (strcmp(home, "/") == 0 && *rest)
		home = "";
	return xasprintf("%s%s", home, rest);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* existing_directory: ~ expanded, must be a directory. */
static int parse_dir(const char *s, char **out, char *err, size_t errlen)
{
	char *p = path_expanduser(s);

	if (!is_dir(p)) {
		free(p);
		return errf(err, errlen, "%s is not an existing directory", s);
	}
	*out = p;
	return 0;
}

/* existing_dirpath: ~ expanded; the directory part, if any, must exist. */
static int parse_dirpath(const char *s, char **out, char *err, size_t errlen)
{
	char *p = path_expanduser(s), *slash = strrchr(p, '/');
	int ok = 1;

	if (slash) {
		char *d = xstrndup(p, (size_t)(slash - p));
		size_t n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			d[--n] = '\0';
		ok = is_dir(*d ? d : "/");
		free(d);
	}
	if (!ok) {
		free(p);
		return errf(err, errlen, "The directory named as part of the path %s "
		            "does not exist", s);
	}
	*out = p;
	return 0;
}

/* os.path.normpath(os.path.abspath(os.path.expanduser(p))) */
static char *path_normalize(const char *in)
{
	char *p = path_expanduser(in), cwd[PATH_MAX], *tok, *save = NULL;
	char *full, *w;
	struct strv parts = {0};
	struct sbuf b = {0};
	int i;

	full = p[0] == '/' ? xstrdup(p) :
	       xasprintf("%s/%s", getcwd(cwd, sizeof cwd) ? cwd : "", p);
	for (tok = strtok_r(full, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (parts.n)
				free(parts.v[--parts.n]);
			continue;
		}
		strv_push(&parts, xstrdup(tok));
	}
	/* POSIX lets "//" mean something else, so normpath keeps exactly two */
	if (p[0] == '/' && p[1] == '/' && p[2] != '/')
		sb_adds(&b, "/");
	for (i = 0; i < parts.n; i++)
		sb_addf(&b, "/%s", parts.v[i]);
	if (!b.n || (b.n == 1 && b.p[0] == '/'))
		sb_adds(&b, "/");
	w = xstrdup(b.p);
	free(b.p);
	free(full);
	free(p);
	strv_free(&parts);
	return w;
}

/* process_or_group_name(): stripped; ' ', ':' and '/' are refused. */
static int parse_name(const char *s, char **out, char *err, size_t errlen)
{
	static const char bad[] = " :/";
	char *buf = xstrdup(s), *t = str_strip(buf);
	int i;

	for (i = 0; bad[i]; i++) {
		if (strchr(t, bad[i])) {
			char *r = py_repr(s), c[2] = {bad[i], 0}, *rc = py_repr(c);
			errf(err, errlen, "Invalid name: %s because of character: %s", r, rc);
			free(r);
			free(rc);
			free(buf);
			return -1;
		}
	}
	*out = xstrdup(t);
	free(buf);
	return 0;
}

/* inet_address(): "host:port", "*:port", ":port" or "port". */
static int parse_port(const char *s, char **host, int *port, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	const char *num = colon ? colon + 1 : s;
	long n;
	int bad;

	if (colon && !*num)
		return errf(err, errlen, "no port number specified in ''");
	bad = parse_int(num, &n, err, errlen) < 0;
	if (bad && colon)
		return -1;
	if (bad || ((n < 1 || n > 65535) && !colon))
		return errq(err, errlen, "not a valid port number: %s ", s);
	if (n < 1 || n > 65535)
		return errf(err, errlen, n < 1 ? "%ld is below lower bound (1)" :
		            "%ld is above upper bound (65535)", n);
	*host = str_case(colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(""), 0);
	if (strcmp(*host, "*") == 0)
		(*host)[0] = '\0';
	*port = (int)n;
	return 0;
}

/* Split a command like Python shlex.split (POSIX mode, no comments). */
static int shlex_split(const char *s, struct strv *argv, char *err, size_t errlen)
{
	struct sbuf w = {0};
	int inword = 0;
	char q = 0;

	for (;; s++) {
		if (q) {
			if (!*s)
				break;
			if (q == '"' && *s == '\\' && !s[1]) {
				free(w.p);
				strv_free(argv);
				return errf(err, errlen, "No escaped character");
			}
			if (*s == q) {
				q = 0;
			} else if (q == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
				sb_addn(&w, ++s, 1);
			} else {
				sb_addn(&w, s, 1);
			}
		} else if (!*s || strchr(" \t\r\n", *s)) {
			if (inword)
				strv_push(argv, xstrdup(sb_str(&w)));
			w.n = 0;
			if (w.p)
				w.p[0] = '\0';
			inword = 0;
			if (!*s)
				break;
		} else if (*s == '\\') {
			if (!s[1]) {
				free(w.p);
				strv_free(argv);
				return errf(err, errlen, "No escaped character");
			}
			sb_addn(&w, ++s, 1);
			inword = 1;
		} else if (*s == '"' || *s == '\'') {
			q = *s;
			inword = 1;
		} else {
			sb_addn(&w, s, 1);
			inword = 1;
		}
	}
	free(w.p);
	if (q) {
		strv_free(argv);
		return errf(err, errlen, "No closing quotation");
	}
	return 0;
}

/* environment= tokens: Python shlex in non-POSIX mode.  Word characters
 * are ASCII letters, digits and _/.+-():, quotes make one token with the
 * quotes kept, '#' drops the rest of the line (but a word goes on after
 * it: "a#x\nb" is the token "ab"), every other character, each non-ASCII
 * character included, is a token by itself.  *comment is set when '#'
 * dropped anything. */
static int env_tokens(const char *s, struct strv *tok, int *comment)
{
	struct sbuf w = {0};
	int inword = 0;

	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (c == '#') {
			*comment = 1;
			s += strcspn(s, "\n");
			if (*s)
				s++;
			continue;
		}
		if (inword && (isalnum(c) || strchr("_/.+-():'\"", c)) && c < 0x80) {
			sb_addn(&w, s++, 1);
			continue;
		}
		if (inword) {
			strv_push(tok, xstrdup(sb_str(&w)));
			inword = 0;
			w.n = 0;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			s++;
		} else if (c == '"' || c == '\'') {
			const char *e = strchr(s + 1, c);
			if (!e) {
				free(w.p);
				return -1;
			}
			strv_push(tok, xstrndup(s, (size_t)(e - s + 1)));
			s = e + 1;
		} else if (c < 0x80 && (isalnum(c) || strchr("_/.+-():", c))) {
			sb_addn(&w, s++, 1);
			inword = 1;
		} else {
			size_t n = 1;
			while (c >= 0xc0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n++;
			strv_push(tok, xstrndup(s, n));
			s += n;
		}
	}
	if (inword)
		strv_push(tok, xstrdup(sb_str(&w)));
	free(w.p);
	return 0;
}

/* Put "K=V" into env, replacing an earlier K in place (a Python dict). */
static void env_put(struct strv *env, const char *k, size_t klen, const char *v)
{
	char *kv = xasprintf("%.*s=%s", (int)klen, k, v);
	int i;

	for (i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], k, klen) == 0 && env->v[i][klen] == '=') {
			free(env->v[i]);
			env->v[i] = kv;
			return;
		}
	}
	strv_push(env, kv);
}

/* dict_of_key_value_pairs(): KEY = VALUE triples, each followed by one
 * token that is thrown away whatever it is.  Adds to env; *mangled is set
 * when supervisord silently loses text (see "differs on purpose" 6). */
static int parse_env(const char *s, struct strv *env, int *mangled, char **emsg)
{
	struct strv t = {0}, kv = {0};
	int i, comment = 0;

	if (env_tokens(s, &t, &comment) < 0) {
		strv_free(&t);
		*emsg = xstrdup("No closing quotation");
		return -1;
	}
	for (i = 0; i < t.n; i += 4) {
		char *v;
		size_t n;
		if (i + 2 >= t.n || strcmp(t.v[i + 1], "=") != 0) {
			strv_free(&t);
			strv_free(&kv);
			*emsg = xasprintf("Unexpected end of key/value pairs in value '%s'", s);
			return -1;
		}
		for (v = t.v[i + 2]; *v == '\'' || *v == '"'; v++)
			;
		for (n = strlen(v); n && (v[n - 1] == '\'' || v[n - 1] == '"'); n--)
			;
		v[n] = '\0';
		env_put(&kv, t.v[i], strlen(t.v[i]), v);
		if (i + 3 < t.n && strcmp(t.v[i + 3], ",") && strcmp(t.v[i + 3], ";"))
			*mangled = 1;
	}
	*mangled |= comment;
	for (i = 0; i < kv.n; i++)  /* all or nothing, like building a dict */
		env_put(env, kv.v[i], strcspn(kv.v[i], "="), strchr(kv.v[i], '=') + 1);
	strv_free(&kv);
	strv_free(&t);
	return 0;
}

/* Event types a listener can subscribe to: bit i of gconf.events is
 * the i-th word of ev_names.  Abstract names (PROCESS_STATE, TICK, EVENT...) are
 * prefixes that select every concrete type under them. */
#define EV_TYPES(X) \
	X(PROCESS_STATE_STOPPED) X(PROCESS_STATE_EXITED) X(PROCESS_STATE_STARTING) \
	X(PROCESS_STATE_STOPPING) X(PROCESS_STATE_BACKOFF) X(PROCESS_STATE_FATAL) \
	X(PROCESS_STATE_RUNNING) X(PROCESS_STATE_UNKNOWN) \
	X(PROCESS_COMMUNICATION_STDOUT) X(PROCESS_COMMUNICATION_STDERR) \
	X(PROCESS_LOG_STDOUT) X(PROCESS_LOG_STDERR) X(REMOTE_COMMUNICATION) \
	X(SUPERVISOR_STATE_CHANGE_RUNNING) X(SUPERVISOR_STATE_CHANGE_STOPPING) \
	X(TICK_5) X(TICK_60) X(TICK_3600) X(PROCESS_GROUP_ADDED) X(PROCESS_GROUP_REMOVED)
#define EV_ENUM(n) EV_##n,
#define EV_NAME(n) #n "\0"
enum evtype { EV_TYPES(EV_ENUM) EV_COUNT };
static const char ev_names[] = EV_TYPES(EV_NAME);
static const char ev_abstract[] = "EVENT\0PROCESS_STATE\0PROCESS_COMMUNICATION\0"
	"PROCESS_LOG\0SUPERVISOR_STATE_CHANGE\0TICK\0PROCESS_GROUP\0";

/* The bits for one event name (upper case), 0 if unknown. */
static unsigned long long ev_mask(const char *name)
{
	unsigned long long m = 0;
	size_t n = strlen(name);
	int i, abstract = word_in(ev_abstract, name);
	const char *e = ev_names;

	for (i = 0; i < EV_COUNT; i++, e += strlen(e) + 1)
		if (strcmp(e, name) == 0 || (abstract && (!strcmp(name, "EVENT") ||
		    (strncmp(e, name, n) == 0 && e[n] == '_'))))
			m |= 1ULL << i;
	return m;
}

/* ---- 4d. sections ------------------------------------------------------ */

struct ctx {                    /* one load of a config */
	struct config *cf;
	struct ini ini;
	struct strv *errors;
	char *here;                 /* absolute directory of the main file */
	char host[256];
	struct strv env;            /* ENV_*: our environ + [supervisord] environment */
};

static void cfg_note(struct config *cf, enum level l, char *text)
{
	cf->notes = xrealloc(cf->notes, (size_t)(cf->nnotes + 1) * sizeof *cf->notes);
	cf->notes[cf->nnotes].level = l;
	cf->notes[cf->nnotes++].text = text;
}

/* Push msg (taken) as an error; suffix names the program-type section
 * the way supervisord does; at says where the option was written. */
static void cx_err(struct ctx *cx, char *msg, const struct isect *suffix,
                   const struct iopt *at, const char *sect)
{
	struct sbuf b = {0};

	sb_adds(&b, msg);
	if (suffix) {
		char *rs = py_repr(suffix->name), *rf = py_repr(suffix->file);
		sb_addf(&b, " in section %s (file: %s)", rs, rf);
		free(rs);
		free(rf);
	}
	if (at)
		sb_addf(&b, "\n%s:%d: [%s] %s", at->file, at->line, sect, at->key);
	strv_push(cx->errors, sb_str(&b));
	free(msg);
}

/* The names every section sees: ENV_* and here. */
static void cx_names(struct ctx *cx, struct names *nm)
{
	names_env(nm, cx->env.v, cx->env.n);
	names_set(nm, "here", cx->here, 0);
}

/* Reading options of one section: the expansion names in effect and
 * whether errors get supervisord's " in section ..." suffix. */
struct sect {
	struct ctx *cx;
	struct isect *s;
	const char *name;           /* section name as written */
	struct names nm;
	int suffix;
	struct strv tmp;            /* expanded values, freed with the sect */
	int failed;
};

static void sect_fail(struct sect *sc, const char *key, char *msg)
{
	struct iopt *o = key ? ini_opt(&sc->cx->ini, sc->s, key) : NULL;
	cx_err(sc->cx, msg, sc->suffix ? sc->s : NULL, o, sc->name);
	sc->failed = 1;
}

/* The expanded value of key (or of def when unset; NULL stays NULL).
 * what names the value in format errors; NULL means "section.key". */
static int sect_get(struct sect *sc, const char *key, const char *def,
                    const char *what, const char **out)
{
	struct iopt *o = ini_opt(&sc->cx->ini, sc->s, key);
	char *w, *res, *emsg;
	int rc;

	*out = NULL;
	if (!o && !def)
		return 0;
	w = what ? xstrdup(what) : xasprintf("%s.%s", sc->name, key);
	rc = expand_format(o ? o->val : def, &sc->nm, w, &res, &emsg);
	free(w);
	if (rc < 0) {
		sect_fail(sc, key, emsg);
		return -1;
	}
	strv_push(&sc->tmp, res);
	*out = res;
	return 0;
}

enum otype { T_INT, T_LONG, T_BYTES, T_BOOL, T_OCTAL, T_LEVEL, T_SIGNAL,
             T_EXIT, T_AR, T_STR, T_DIR, T_DIRPATH };

/* Convert v by type into dst; -1 with the message in err. */
static int conv(enum otype t, const char *v, void *dst, char *err, size_t el)
{
	long l;
	int rc = 0;

	switch (t) {
	case T_INT:
		if ((rc = parse_int(v, &l, err, el)) == 0)
			*(int *)dst = (int)l;
		return rc;
	case T_LONG:   return parse_int(v, dst, err, el);
	case T_BYTES:  return parse_bytes(v, dst, err, el);
	case T_BOOL:   return parse_bool(v, dst, err, el);
	case T_OCTAL:  return parse_octal(v, dst, err, el);
	case T_LEVEL:  return parse_loglevel(v, dst, err, el);
	case T_SIGNAL: return parse_signal(v, dst, err, el);
	case T_EXIT:   return parse_exitcodes(v, dst, err, el);
	case T_AR:     return parse_autorestart(v, dst, err, el);
	case T_DIR:
	case T_DIRPATH: {
		char *p;
		if ((t == T_DIR ? parse_dir : parse_dirpath)(v, &p, err, el) < 0)
			return -1;
		free(*(char **)dst);
		*(char **)dst = p;
		return 0;
	}
	case T_STR:
		free(*(char **)dst);
		*(char **)dst = xstrdup(v);
		return 0;
	}
	return 0;
}

/* Read key as type into dst.  def NULL: unset leaves dst alone. */
static int sect_conv(struct sect *sc, const char *key, const char *def,
                     enum otype t, void *dst)
{
	char err[ERRLEN];
	const char *v;

	if (sect_get(sc, key, def, NULL, &v) < 0)
		return -1;
	if (v && conv(t, v, dst, err, sizeof err) < 0) {
		sect_fail(sc, key, xstrdup(err));
		return -1;
	}
	return 0;
}

struct optdef {
	char key[24];
	char def[16];               /* "": none, unset leaves the field alone */
	unsigned char type;         /* enum otype */
	unsigned short off;         /* of the field in the struct read into */
};

/* Read one row into base; def is the default to use (NULL: none). */
static int sect_row(struct sect *sc, const struct optdef *d, const char *def, void *base)
{
	return sect_conv(sc, d->key, def, (enum otype)d->type, (char *)base + d->off);
}

static const char *optdef_def(const struct optdef *d)
{
	return d->def[0] ? d->def : NULL;
}

/* Read a table of options into base; keeps going after an error. */
static int sect_table(struct sect *sc, const struct optdef *t, int n, void *base)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		if (sect_row(sc, &t[i], optdef_def(&t[i]), base) < 0)
			rc = -1;
	return rc;
}

static void sect_init(struct sect *sc, struct ctx *cx, struct isect *s)
{
	memset(sc, 0, sizeof *sc);
	sc->cx = cx;
	sc->s = s;
	sc->name = s->name;
	cx_names(cx, &sc->nm);
}

static void sect_done(struct sect *sc)
{
	names_free(&sc->nm);
	strv_free(&sc->tmp);
}

/* An INFO note for each key of s that is neither in the table t nor a
 * word of more, the options read by hand (a typo such as "direcory" is
 * otherwise silently ignored, as supervisord does). */
static void sect_unknown(struct sect *sc, const struct optdef *t, int n,
                         const char *more)
{
	int i, j;

	for (i = 0; i < sc->s->n; i++) {
		struct iopt *o = &sc->s->o[i];
		for (j = 0; j < n && strcmp(t[j].key, o->key); j++)
			;
		if (j == n && !word_in(more, o->key))
			cfg_note(sc->cx->cf, L_INFO, xasprintf("%s:%d: [%s] unknown option "
			         "'%s' ignored", o->file, o->line, sc->name, o->key));
	}
}

#define SV(f) offsetof(struct config, f)
static const struct optdef sv_opts[] = {
	{"minfds", "1024", T_LONG, SV(minfds)},
	{"minprocs", "200", T_LONG, SV(minprocs)},
	{"directory", "", T_DIR, SV(directory)},
	{"user", "", T_STR, SV(user)},
	{"umask", "022", T_OCTAL, SV(umask)},
	{"logfile", "supervisord.log", T_DIRPATH, SV(logfile)},
	{"logfile_maxbytes", "50MB", T_BYTES, SV(logfile_maxbytes)},
	{"logfile_backups", "10", T_INT, SV(logfile_backups)},
	{"loglevel", "info", T_LEVEL, SV(loglevel)},
	{"pidfile", "supervisord.pid", T_DIRPATH, SV(pidfile)},
	{"identifier", "supervisor", T_STR, SV(identifier)},
	{"nodaemon", "false", T_BOOL, SV(nodaemon)},
	{"silent", "false", T_BOOL, SV(silent)},
	{"childlogdir", "", T_DIR, SV(childlogdir)},
	{"nocleanup", "false", T_BOOL, SV(nocleanup)},
	{"strip_ansi", "false", T_BOOL, SV(strip_ansi)},
	{"control_fifo", "", T_DIRPATH, SV(control_fifo)},   /* ours: supervisord ignores it */
};
#define NSV ((int)(sizeof sv_opts / sizeof *sv_opts))

/* tempfile.gettempdir(): $TMPDIR, $TEMP, $TMP if usable, else /tmp. */
static char *tempdir(void)
{
	static const char vars[][7] = {"TMPDIR", "TEMP", "TMP"};
	int i;

	for (i = 0; i < 3; i++) {
		const char *d = getenv(vars[i]);
		if (d && *d && is_dir(d) && access(d, W_OK | X_OK) == 0)
			return path_normalize(d);
	}
	return xstrdup("/tmp");
}

/* Warn where supervisord silently mangles an environment= value (spec: differences on purpose, 6). */
static void env_warn(struct sect *sc)
{
	struct iopt *o = ini_opt(&sc->cx->ini, sc->s, "environment");

	cfg_note(sc->cx->cf, L_WARN, xasprintf("%s:%d: [%s] environment: supervisord "
	         "drops part of this value; quote values with characters other "
	         "than letters, digits and _/.+-():", o->file, o->line, sc->name));
}

/* [supervisord]: every option, then environment (expanded twice), whose
 * pairs become ENV_* names for everything read after it. */
static void cfg_supervisord(struct ctx *cx, struct isect *s)
{
	struct config *cf = cx->cf;
	struct sect sc;
	const char *v;
	char *v2, *emsg;
	int mangled = 0;

	sect_init(&sc, cx, s);
	cf->childlogdir = tempdir();
	sect_table(&sc, sv_opts, NSV, cf);
	if (sect_get(&sc, "environment", "", NULL, &v) == 0) {
		if (expand_format(v, &sc.nm, "environment", &v2, &emsg) < 0) {
			sect_fail(&sc, "environment", emsg);
		} else {
			if (parse_env(v2, &cf->environment, &mangled, &emsg) < 0)
				sect_fail(&sc, "environment", emsg);
			free(v2);
		}
	}
	if (mangled)
		env_warn(&sc);
	for (mangled = 0; mangled < cf->environment.n; mangled++)
		env_put(&cx->env, cf->environment.v[mangled],
		        strcspn(cf->environment.v[mangled], "="),
		        strchr(cf->environment.v[mangled], '=') + 1);
	sect_unknown(&sc, sv_opts, NSV, "environment\0");
	sect_done(&sc);
}

/* --- programs --- */

/* A program-type section while it is read: the settings every process
 * shares, and what the per-process loop needs. */
struct prog {
	struct pconf pc;            /* the shared settings; first, so prog_opts
	                             * offsets serve a struct pconf too (-T) */
	long numprocs, numprocs_start;
	const char *process_name;   /* unexpanded */
	const char *env;            /* unexpanded */
};

#define PO(f) offsetof(struct prog, f)
static const struct optdef prog_opts[] = {
	{"priority", "999", T_INT, PO(pc.priority)},
	{"autostart", "true", T_BOOL, PO(pc.autostart)},
	{"autorestart", "unexpected", T_AR, PO(pc.autorestart)},
	{"startsecs", "1", T_INT, PO(pc.startsecs)},
	{"startretries", "3", T_INT, PO(pc.startretries)},
	{"stopsignal", "TERM", T_SIGNAL, PO(pc.stopsignal)},
	{"stopwaitsecs", "10", T_INT, PO(pc.stopwaitsecs)},
	{"stopasgroup", "false", T_BOOL, PO(pc.stopasgroup)},
	{"killasgroup", "", T_BOOL, PO(pc.killasgroup)},
	{"exitcodes", "0", T_EXIT, PO(pc.exitcodes)},
	{"redirect_stderr", "false", T_BOOL, PO(pc.redirect_stderr)},
	{"numprocs", "1", T_LONG, PO(numprocs)},
	{"numprocs_start", "0", T_LONG, PO(numprocs_start)},
	{"stdout_capture_maxbytes", "0", T_BYTES, PO(pc.log[0].capture_maxbytes)},
	{"stdout_events_enabled", "false", T_BOOL, PO(pc.log[0].events_enabled)},
	{"stderr_capture_maxbytes", "0", T_BYTES, PO(pc.log[1].capture_maxbytes)},
	{"stderr_events_enabled", "false", T_BOOL, PO(pc.log[1].events_enabled)},
	{"serverurl", "", T_STR, PO(pc.serverurl)},
};
#define NPROG ((int)(sizeof prog_opts / sizeof *prog_opts))

/* The options of a program-type section that are not in prog_opts. */
static const char prog_more[] = "command\0process_name\0user\0stdout_logfile\0"
	"stdout_logfile_maxbytes\0stdout_logfile_backups\0stdout_syslog\0"
	"stderr_logfile\0stderr_logfile_maxbytes\0stderr_logfile_backups\0"
	"stderr_syslog\0environment\0directory\0umask\0events\0buffer_size\0"
	"result_handler\0";

static void pconf_free(struct pconf *p)
{
	int i;

	free(p->name);
	free(p->program);
	free(p->command);
	free(p->directory);
	free(p->user);
	free(p->serverurl);
	strv_free(&p->env);
	for (i = 0; i < NSTREAMS; i++)
		free(p->log[i].path);
}

/* The shared, once-per-section options, in supervisord's order. */
static int prog_shared(struct sect *sc, struct prog *pr)
{
	const char *v;
	char err[ERRLEN];
	int i;

	for (i = 0; i < NPROG; i++) {
		const char *def = optdef_def(&prog_opts[i]);
		if (strcmp(prog_opts[i].key, "killasgroup") == 0)
			def = pr->pc.stopasgroup ? "true" : "false";
		if (sect_row(sc, &prog_opts[i], def, pr) < 0)
			return -1;
	}
	if (pr->pc.serverurl && strcasecmp(str_strip(pr->pc.serverurl), "auto") == 0)
		pr->pc.serverurl[0] = '\0';
	if (pr->pc.serverurl && !pr->pc.serverurl[0]) {
		free(pr->pc.serverurl);
		pr->pc.serverurl = NULL;
	}
	if (sect_get(sc, "user", NULL, NULL, &v) < 0)
		return -1;
	if (v && parse_user(v, &pr->pc.uid, &pr->pc.gid, err, sizeof err) < 0)
		return sect_fail(sc, "user", xstrdup(err)), -1;
	pr->pc.user = v ? xstrdup(v) : NULL;
	pr->pc.umask = -1;
	if (sect_conv(sc, "umask", NULL, T_OCTAL, &pr->pc.umask) < 0)
		return -1;
	return 0;
}

/* The processes of one configuration: a typo such as numprocs=1000000000
 * would build configurations until memory ran out (README, difference 14). */
#define CFG_PROCS_MAX 10000

/* How many processes the groups read so far have. */
static long cfg_nprocs(const struct config *cf)
{
	long n = 0;
	int i;

	for (i = 0; i < cf->ngroups; i++)
		n += cf->groups[i].nprocs;
	return n;
}

/* process_name, the numprocs and stopasgroup checks. */
static int prog_checks(struct sect *sc, struct prog *pr)
{
	struct iopt *o = ini_opt(&sc->cx->ini, sc->s, "process_name");
	char err[ERRLEN], *name;

	pr->process_name = o ? o->val : "%(program_name)s";
	if (parse_name(pr->process_name, &name, err, sizeof err) < 0)
		return sect_fail(sc, "process_name", xstrdup(err)), -1;
	strv_push(&sc->tmp, name);
	pr->process_name = name;
	if (pr->numprocs > 1 && !strstr(name, "%(process_num)"))
		return sect_fail(sc, "process_name", xstrdup("%(process_num) must be "
		                 "present within process_name when numprocs > 1")), -1;
	if (pr->numprocs > CFG_PROCS_MAX - cfg_nprocs(sc->cx->cf))
		return sect_fail(sc, "numprocs", xasprintf("numprocs=%ld makes %ld processes "
		                 "in all; supervise runs at most %d", pr->numprocs, pr->numprocs
		                 + cfg_nprocs(sc->cx->cf), CFG_PROCS_MAX)), -1;
	if (pr->numprocs > 0 && pr->numprocs_start > LONG_MAX - pr->numprocs)
		return sect_fail(sc, "numprocs_start", xasprintf("numprocs_start=%ld leaves no "
		                 "room for %ld process numbers", pr->numprocs_start,
		                 pr->numprocs)), -1;
	if (pr->pc.stopasgroup && !pr->pc.killasgroup)
		return sect_fail(sc, "killasgroup", xstrdup("Cannot set "
		                 "stopasgroup=true and killasgroup=false")), -1;
	o = ini_opt(&sc->cx->ini, sc->s, "environment");
	pr->env = o ? o->val : "";
	return 0;
}

static void prog_warn(struct sect *sc, const char *msg)
{
	cfg_note(sc->cx->cf, L_WARN, xasprintf("For [%s], %s", sc->name, msg));
}

/* stdout_logfile (k = 0) or stderr_logfile (k = 1) and their options:
 * the file name is expanded twice, as supervisord does. */
static int proc_log(struct sect *sc, struct pconf *pc, int k, int *named)
{
	static const char *const sn[] = {"stdout", "stderr"};
	struct logconf *lc = &pc->log[k];
	char key[40], err[ERRLEN], *v2 = NULL, *emsg, *msg;
	const char *v;
	int deprecated = 0;

	snprintf(key, sizeof key, "%s_logfile", sn[k]);
	lc->kind = LOG_AUTO;
	if (sect_get(sc, key, NULL, NULL, &v) < 0)
		return -1;
	if (v) {
		if (expand_format(v, &sc->nm, key, &v2, &emsg) < 0)
			return sect_fail(sc, key, emsg), -1;
		strv_push(&sc->tmp, v2);
		if (!strcasecmp(v2, "none") || !strcasecmp(v2, "off") || !*v2)
			lc->kind = LOG_NONE;
		else if (!strcasecmp(v2, "syslog"))
			lc->kind = LOG_NONE, deprecated = 1;
		else if (strcasecmp(v2, "auto")) {
			if (parse_dirpath(v2, &lc->path, err, sizeof err) < 0)
				return sect_fail(sc, key, xstrdup(err)), -1;
			lc->kind = LOG_PATH;
		}
	}
	/* supervisord warns about a redirected stderr_logfile only when it is
	 * a path, the empty string included */
	*named = lc->kind == LOG_PATH || (v2 && !*v2);
	snprintf(key, sizeof key, "%s_logfile_backups", sn[k]);
	if (sect_conv(sc, key, "10", T_INT, &lc->backups) < 0)
		return -1;
	snprintf(key, sizeof key, "%s_logfile_maxbytes", sn[k]);
	if (sect_conv(sc, key, "50MB", T_BYTES, &lc->maxbytes) < 0)
		return -1;
	snprintf(key, sizeof key, "%s_syslog", sn[k]);
	if (sect_conv(sc, key, "false", T_BOOL, &lc->syslog) < 0)
		return -1;
	if (deprecated) {
		msg = xasprintf("%s_logfile=syslog but this is deprecated and will be "
		      "removed.  Use %s_syslog=true to enable syslog instead.", sn[k], sn[k]);
		prog_warn(sc, msg);
		free(msg);
		lc->syslog = 1;
	}
	if (lc->kind == LOG_AUTO && !lc->maxbytes) {
		msg = xasprintf("AUTO logging used for %s_logfile without rollover, set "
		      "maxbytes > 0 to avoid filling up filesystem unintentionally", sn[k]);
		prog_warn(sc, msg);
		free(msg);
	}
	return 0;
}


/* The per-process options for process_num num, into pc (a copy of the
 * shared settings). */
static int proc_read(struct sect *sc, struct prog *pr, struct pconf *pc, long num)
{
	const char *v;
	char *exp, *emsg;
	int mangled = 0, named[2], k;

	names_setnum(&sc->nm, "process_num", num);
	names_setnum(&sc->nm, "numprocs", pr->numprocs);
	if (expand_format(pr->env, &sc->nm, "environment", &exp, &emsg) < 0)
		return sect_fail(sc, "environment", emsg), -1;
	if (parse_env(exp, &pc->env, &mangled, &emsg) < 0) {
		free(exp);
		return sect_fail(sc, "environment", emsg), -1;
	}
	free(exp);
	if (mangled && num == pr->numprocs_start)
		env_warn(sc);
	names_env(&sc->nm, pc->env.v, pc->env.n);
	if (sect_get(sc, "directory", NULL, NULL, &v) < 0)
		return -1;
	pc->directory = v ? xstrdup(v) : NULL;
	for (k = 0; k < NSTREAMS; k++)
		if (proc_log(sc, pc, k, &named[k]) < 0)
			return -1;
	if (pc->redirect_stderr) {
		if (named[1])
			prog_warn(sc, "redirect_stderr=true but stderr_logfile has also been "
			          "set to a filename, the filename has been ignored");
		pc->log[1].kind = LOG_NONE;
		free(pc->log[1].path);
		pc->log[1].path = NULL;
	}
	if (sect_get(sc, "command", NULL, NULL, &v) < 0)
		return -1;
	if (!v)
		return sect_fail(sc, NULL, xasprintf("program section %s does not "
		                 "specify a command", sc->name)), -1;
	pc->command = xstrdup(v);
	if (expand_format(pr->process_name, &sc->nm, "process_name", &pc->name, &emsg) < 0)
		return sect_fail(sc, "process_name", emsg), -1;
	return 0;
}

/* Copy the shared settings: each process owns its strings. */
static void pconf_copy(struct pconf *d, const struct pconf *s)
{
	*d = *s;
	memset(&d->env, 0, sizeof d->env);
	d->user = s->user ? xstrdup(s->user) : NULL;
	d->serverurl = s->serverurl ? xstrdup(s->serverurl) : NULL;
	d->program = xstrdup(s->program);
}

static int pconf_cmp(const struct pconf *a, const struct pconf *b)
{
	return a->priority != b->priority ? (a->priority < b->priority ? -1 : 1)
	       : strcmp(a->name, b->name);
}

/* Append the processes of a program-type section s to *procs, sorted by
 * (priority, name).  group is the group they belong to. */
static int prog_read(struct ctx *cx, struct isect *s, const char *group,
                     struct gconf *g)
{
	struct sect sc;
	struct prog pr;
	char err[ERRLEN], *pname;
	long num;
	int i, first = g->nprocs, rc = -1;

	sect_init(&sc, cx, s);
	sc.suffix = 1;
	memset(&pr, 0, sizeof pr);
	if (parse_name(strchr(s->name, ':') + 1, &pname, err, sizeof err) < 0) {
		sect_fail(&sc, NULL, xstrdup(err));
		sect_done(&sc);
		return -1;
	}
	pr.pc.program = pname;
	names_set(&sc.nm, "program_name", pname, 0);
	names_set(&sc.nm, "host_node_name", cx->host, 0);
	names_set(&sc.nm, "group_name", group, 0);
	if (prog_shared(&sc, &pr) < 0 || prog_checks(&sc, &pr) < 0)
		goto out;
	if (pr.numprocs > 0)        /* at once: one more at a time copies n*n/2 */
		g->procs = xrealloc(g->procs, (size_t)(g->nprocs + pr.numprocs) * sizeof *g->procs);
	for (num = pr.numprocs_start; num < pr.numprocs_start + pr.numprocs; num++) {
		struct pconf pc;
		pconf_copy(&pc, &pr.pc);
		if (proc_read(&sc, &pr, &pc, num) < 0) {
			pconf_free(&pc);
			goto out;
		}
		for (i = g->nprocs; i > first && pconf_cmp(&g->procs[i - 1], &pc) > 0; i--)
			g->procs[i] = g->procs[i - 1];
		g->procs[i] = pc;
		g->nprocs++;
	}
	rc = 0;
out:
	if (rc == 0)
		sect_unknown(&sc, prog_opts, NPROG, prog_more);
	pconf_free(&pr.pc);
	sect_done(&sc);
	return rc;
}

static struct gconf *cfg_group_add(struct config *cf, const char *name,
                                   enum gkind kind, int prio)
{
	struct gconf *g;

	cf->groups = xrealloc(cf->groups, (size_t)(cf->ngroups + 1) * sizeof *cf->groups);
	g = &cf->groups[cf->ngroups++];
	memset(g, 0, sizeof *g);
	g->name = xstrdup(name);
	g->kind = kind;
	g->priority = prio;
	return g;
}

/* The group-level priority read: only here and ENV_* are known there. */
static int group_priority(struct ctx *cx, struct isect *s, const char *def, int *prio)
{
	struct sect sc;
	int rc;

	sect_init(&sc, cx, s);
	rc = sect_conv(&sc, "priority", def, T_INT, prio);
	sect_done(&sc);
	return rc;
}

/* In a [group:g], a later process with the same name replaces the
 * earlier one (supervisord keys processes by name). */
static void group_dedup(struct gconf *g)
{
	int i, j;

	for (i = 0; i < g->nprocs; i++) {
		for (j = i + 1; j < g->nprocs; j++) {
			if (strcmp(g->procs[i].name, g->procs[j].name) == 0) {
				pconf_free(&g->procs[i]);
				g->procs[i] = g->procs[j];
				memmove(&g->procs[j], &g->procs[j + 1],
				        (size_t)(g->nprocs - j - 1) * sizeof *g->procs);
				g->nprocs--;
				j--;
			}
		}
	}
}

/* Is this program named in some [group:]?  Those are not groups of their own. */
static int in_group(struct ctx *cx, const char *prog)
{
	int i;

	for (i = 0; i < cx->ini.n; i++) {
		struct iopt *o = ini_opt(&cx->ini, &cx->ini.s[i], "programs");
		char *list, *t, *save = NULL;
		int hit = 0;
		if (strncmp(cx->ini.s[i].name, "group:", 6) || !o)
			continue;
		list = xstrdup(o->val);
		for (t = strtok_r(list, ",", &save); t && !hit; t = strtok_r(NULL, ",", &save))
			hit = strcmp(str_strip(t), prog) == 0;
		free(list);
		if (hit)
			return 1;
	}
	return 0;
}

/* Python's s.split(','): empty items are kept.  Returns the next item,
 * stripped, or NULL at the end; *p walks a writable copy. */
static char *list_next(char **p)
{
	char *item = *p;

	if (!item)
		return NULL;
	*p = strchr(item, ',');
	if (*p)
		*(*p)++ = '\0';
	return str_strip(item);
}

static void cfg_fcgi(struct ctx *cx, struct isect *s)
{
	cx_err(cx, xasprintf("[%s] is not supported by supervise", s->name),
	       NULL, NULL, s->name);
}

/* [group:g]: its programs, in the order listed. */
static void cfg_hgroup(struct ctx *cx, struct isect *s)
{
	struct sect sc;
	const char *v, *shown = s->name;
	char err[ERRLEN], *gname, *list, *t, *walk, *ps = NULL;
	struct gconf *g;
	int prio = 999;

	if (parse_name(s->name + 6, &gname, err, sizeof err) < 0) {
		cx_err(cx, xstrdup(err), NULL, NULL, s->name);
		return;
	}
	sect_init(&sc, cx, s);
	if (sect_get(&sc, "programs", NULL, NULL, &v) < 0 ||
	    sect_conv(&sc, "priority", "999", T_INT, &prio) < 0) {
		sect_done(&sc);
		free(gname);
		return;
	}
	g = cfg_group_add(cx->cf, gname, G_GROUP, prio);
	walk = list = xstrdup(v ? v : "");
	while (*list && (t = list_next(&walk))) {
		struct isect *p, *f;
		free(ps);
		ps = xasprintf("program:%s", t);
		p = ini_find(&cx->ini, ps);
		free(ps);
		ps = xasprintf("fcgi-program:%s", t);
		f = ini_find(&cx->ini, ps);
		/* supervisord reuses its loop variable: after the first program,
		 * its messages name the last program section instead of [group:g] */
		if (!p && !f)
			cx_err(cx, xasprintf("[%s] names unknown program or fcgi-program %s",
			       shown, t), NULL, ini_opt(&cx->ini, s, "programs"), s->name);
		else if (p && f)
			cx_err(cx, xasprintf("[%s] name %s is ambiguous (exists as program "
			       "and fcgi-program)", shown, t), NULL, NULL, s->name);
		else if (f)
			cfg_fcgi(cx, f);
		else
			prog_read(cx, p, gname, g);
		g = &cx->cf->groups[cx->cf->ngroups - 1];
		if (p || f)
			shown = (p ? p : f)->name;
		else
			break;
	}
	group_dedup(g);
	free(ps);
	free(list);
	free(gname);
	sect_done(&sc);
}

/* [program:x] not named by any group: a group of its own. */
static void cfg_program(struct ctx *cx, struct isect *s)
{
	char err[ERRLEN], *name;
	int prio = 999;

	if (parse_name(s->name + 8, &name, err, sizeof err) < 0) {
		cx_err(cx, xstrdup(err), NULL, NULL, s->name);
		return;
	}
	if (!in_group(cx, name) && group_priority(cx, s, "999", &prio) == 0)
		prog_read(cx, s, name, cfg_group_add(cx->cf, name, G_PROGRAM, prio));
	free(name);
}

/* [eventlistener:x]: pool checks (no section suffix), then processes. */
static void cfg_listener(struct ctx *cx, struct isect *s)
{
	static const char dflt[] = "supervisor.dispatchers:default_handler";
	const char *pool = s->name + 14, *v;
	struct sect sc;
	char *list, *t, *walk;
	unsigned long long ev = 0;
	int prio = -1, bufsize = 10, redir = 0;
	struct gconf *g;

	sect_init(&sc, cx, s);
	if (sect_conv(&sc, "priority", "-1", T_INT, &prio) < 0 ||
	    sect_conv(&sc, "buffer_size", "10", T_INT, &bufsize) < 0)
		goto out;
	if (bufsize < 1) {
		sect_fail(&sc, "buffer_size", xasprintf("[%s] section sets invalid "
		          "buffer_size (%d)", s->name, bufsize));
		goto out;
	}
	if (sect_get(&sc, "result_handler", dflt, NULL, &v) < 0)
		goto out;
	if (strcmp(v, dflt)) {
		sect_fail(&sc, "result_handler", xasprintf("%s cannot be resolved "
		          "within [%s]", v, s->name));
		goto out;
	}
	if (sect_get(&sc, "events", "", NULL, &v) < 0)
		goto out;
	if (!*v)
		sect_fail(&sc, "events", xasprintf("[%s] section requires an \"events\" "
		          "line", s->name));
	walk = list = xstrdup(v);
	while (*v && !sc.failed && (t = list_next(&walk))) {
		str_case(t, 1);
		if (!ev_mask(t))
			sect_fail(&sc, "events", xasprintf("Unknown event type %s in [%s] "
			          "events", t, s->name));
		ev |= ev_mask(t);
	}
	free(list);
	if (sc.failed || sect_conv(&sc, "redirect_stderr", "false", T_BOOL, &redir) < 0)
		goto out;
	if (redir) {
		sect_fail(&sc, "redirect_stderr", xasprintf("[%s] section sets "
		          "redirect_stderr=true but this is not allowed because it will "
		          "interfere with the eventlistener protocol", s->name));
		goto out;
	}
	g = cfg_group_add(cx->cf, pool, G_LISTENER, prio);
	g->events = ev;
	g->buffer_size = bufsize;
	prog_read(cx, s, pool, g);
out:
	sect_done(&sc);
}

/* --- servers and the rpc interface --- */

static int srv_auth(struct sect *sc, struct srvconf *sv)
{
	const char *u, *p;

	if (sect_get(sc, "username", NULL, NULL, &u) < 0 ||
	    sect_get(sc, "password", NULL, NULL, &p) < 0)
		return -1;
	if (!u != !p)
		return sect_fail(sc, u ? "username" : "password", xasprintf("Section [%s] "
		       "contains incomplete authentication: If a username or a password "
		       "is specified, both the username and password must be specified",
		       sc->name)), -1;
	/* an empty username checks nothing in supervisord (and says so in the
	 * log): a password alone locks nobody out */
	sv->username = u && *u ? xstrdup(u) : NULL;
	sv->password = u && *u ? xstrdup(p) : NULL;
	return 0;
}

static int srv_inet(struct sect *sc, struct srvconf *sv)
{
	char err[ERRLEN];
	const char *v;

	if (srv_auth(sc, sv) < 0 || sect_get(sc, "port", NULL, NULL, &v) < 0)
		return -1;
	if (!v)
		return sect_fail(sc, NULL, xasprintf("section [%s] has no port value",
		                 sc->name)), -1;
	if (parse_port(v, &sv->host, &sv->port, err, sizeof err) < 0)
		return sect_fail(sc, "port", xstrdup(err)), -1;
	return 0;
}

static int srv_unix(struct sect *sc, struct srvconf *sv)
{
	const char *v;
	char tmp[ERRLEN], *f;

	if (sect_get(sc, "file", NULL, NULL, &v) < 0)
		return -1;
	if (!v)
		return sect_fail(sc, NULL, xasprintf("section [%s] has no file value",
		                 sc->name)), -1;
	sv->file = path_normalize(str_strip(f = xstrdup(v)));
	free(f);
	if (srv_auth(sc, sv) < 0 || sect_get(sc, "chown", NULL, NULL, &v) < 0)
		return -1;
	sv->chown_uid = (uid_t)-1;
	sv->chown_gid = (gid_t)-1;
	if (v && parse_owner(v, &sv->chown_uid, &sv->chown_gid) < 0)
		return sect_fail(sc, "chown", xasprintf("Invalid sockchown value %s", v)), -1;
	sv->chmod = 0700;
	if (sect_get(sc, "chmod", NULL, NULL, &v) < 0)
		return -1;
	if (v && parse_octal(v, &sv->chmod, tmp, sizeof tmp) < 0)
		return sect_fail(sc, "chmod", xasprintf("Invalid chmod value %s", v)), -1;
	return 0;
}

/* Every section whose name starts with inet_http_server, then every one
 * starting with unix_http_server (supervisord's order). */
static void cfg_servers(struct ctx *cx)
{
	static const char pre[][17] = {"inet_http_server", "unix_http_server"};
	struct config *cf = cx->cf;
	int k, i;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < cx->ini.n; i++) {
			struct isect *s = &cx->ini.s[i];
			struct srvconf sv;
			struct sect sc;
			int rc;
			if (strncmp(s->name, pre[k], 16))
				continue;
			memset(&sv, 0, sizeof sv);
			sv.kind = k ? SRV_UNIX : SRV_INET;
			sv.section = xstrdup(s->name);
			sect_init(&sc, cx, s);
			if (!k)
				names_free(&sc.nm), names_env(&sc.nm, cx->env.v, cx->env.n);
			rc = k ? srv_unix(&sc, &sv) : srv_inet(&sc, &sv);
			sect_done(&sc);
			cf->servers = xrealloc(cf->servers, (size_t)(cf->nservers + 1) * sizeof sv);
			cf->servers[cf->nservers++] = sv;
			if (rc < 0)
				return;
		}
	}
}

static int cfg_has_server(struct ctx *cx)
{
	int i;

	for (i = 0; i < cx->ini.n; i++)
		if (!strncmp(cx->ini.s[i].name, "inet_http_server", 16) ||
		    !strncmp(cx->ini.s[i].name, "unix_http_server", 16))
			return 1;
	return 0;
}

/* [rpcinterface:x]: the standard factory turns the control API on; any
 * other factory is ignored with a warning (we cannot import Python). */
static void cfg_rpc(struct ctx *cx)
{
	static const char key[] = "supervisor.rpcinterface_factory";
	static const char std[] = "supervisor.rpcinterface:make_main_rpcinterface";
	int i, j;

	for (i = 0; i < cx->ini.n; i++) {
		struct isect *s = &cx->ini.s[i];
		struct sect sc;
		const char *v;
		if (strncmp(s->name, "rpcinterface:", 13))
			continue;
		sect_init(&sc, cx, s);
		names_free(&sc.nm);
		names_env(&sc.nm, cx->env.v, cx->env.n);
		if (sect_get(&sc, key, NULL, NULL, &v) == 0 && !v)
			sect_fail(&sc, NULL, xasprintf("section [%s] does not specify a %s",
			          s->name, key));
		else if (v && strcmp(v, std))
			cfg_note(cx->cf, L_WARN, xasprintf("[%s] factory %s is not supported "
			         "by supervise; section ignored", s->name, v));
		else if (v)
			cx->cf->rpcinterface = 1;
		/* extra keys ([DEFAULT] ones too) reach the factory, which refuses
		 * them as soon as an HTTP server is built */
		for (j = 0; v && !strcmp(v, std) && cfg_has_server(cx) &&
		            j < s->n + cx->ini.def.n; j++) {
			const char *k = j < s->n ? s->o[j].key : cx->ini.def.o[j - s->n].key;
			if (strcmp(k, key)) {
				sect_fail(&sc, k, xasprintf("Could not make %s rpc interface",
				          s->name + 13));
				break;
			}
		}
		sect_done(&sc);
	}
}

/* --- putting it together --- */

static int gconf_cmp(const struct gconf *a, const struct gconf *b)
{
	return a->priority != b->priority ? (a->priority < b->priority ? -1 : 1)
	       : strcmp(a->name, b->name);
}

/* Stable insertion sort: supervisord's list.sort() is stable. */
static void cfg_sort(struct config *cf)
{
	int i, j;

	for (i = 1; i < cf->ngroups; i++) {
		struct gconf g = cf->groups[i];
		for (j = i; j > 0 && gconf_cmp(&cf->groups[j - 1], &g) > 0; j--)
			cf->groups[j] = cf->groups[j - 1];
		cf->groups[j] = g;
	}
}

/* [supervisord] environment first, the program's keys override it. */
static void cfg_merge_env(struct config *cf)
{
	int i, j, k;

	for (i = 0; i < cf->ngroups; i++) {
		for (j = 0; j < cf->groups[i].nprocs; j++) {
			struct pconf *p = &cf->groups[i].procs[j];
			struct strv env = {0};
			for (k = 0; k < cf->environment.n; k++)
				strv_push(&env, xstrdup(cf->environment.v[k]));
			for (k = 0; k < p->env.n; k++)
				env_put(&env, p->env.v[k], strcspn(p->env.v[k], "="),
				        strchr(p->env.v[k], '=') + 1);
			strv_free(&p->env);
			p->env = env;
		}
	}
}

/* Python's fnmatch on one name: '*', '?', "[seq]" and "[!seq]" with
 * ranges, no escapes; a '[' that no ']' closes is itself. */
static int name_match(const char *p, const char *s)
{
	const char *end;
	int neg, hit;

	for (; *p; p++, s++) {
		if (*p == '*') {
			for (; !name_match(p + 1, s); s++)
				if (!*s)
					return 0;
			return 1;
		}
		if (!*s)
			return 0;
		if (*p == '?')
			continue;
		end = p + 1 + (p[1] == '!');
		if (*p != '[' || !(end = strchr(end + (*end == ']'), ']'))) {
			if (*p != *s)
				return 0;
			continue;
		}
		neg = *++p == '!';
		for (p += neg, hit = 0; p < end; p++) {
			if (p + 2 < end && p[1] == '-') {
				hit |= (unsigned char)*p <= (unsigned char)*s &&
				       (unsigned char)*s <= (unsigned char)p[2];
				p += 2;
			} else {
				hit |= *p == *s;
			}
		}
		if (hit == neg)
			return 0;
		p = end;
	}
	return !*s;
}

/* Python's glob.glob: PATH is what is matched so far, REST the pattern
 * still to match.  A component with '*', '?' or '[' is matched against
 * the names in its directory (a leading dot only by a dot), any other is
 * taken as it is; the paths that exist are pushed on OUT. */
static void path_glob(const char *path, const char *rest, struct strv *out)
{
	size_t len = strcspn(rest, "/"), slashes;
	char *comp, *next;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (!*rest) {
		if (lstat(path, &st) == 0)
			strv_push(out, xstrdup(path));
		return;
	}
	slashes = strspn(rest + len, "/");
	comp = xstrndup(rest, len);
	if (!comp[strcspn(comp, "*?[")]) {
		next = xasprintf("%s%.*s", path, (int)(len + slashes), rest);
		path_glob(next, rest + len + slashes, out);
		free(next);
	} else if ((d = opendir(*path ? path : "."))) {
		while ((e = readdir(d)))
			if ((e->d_name[0] != '.' || comp[0] == '.') &&
			    strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    name_match(comp, e->d_name)) {
				next = xasprintf("%s%s%.*s", path, e->d_name, (int)slashes,
				                 rest + len);
				path_glob(next, rest + len + slashes, out);
				free(next);
			}
		closedir(d);
	}
	free(comp);
}

/* [include]: patterns relative to the main file's directory, matches of
 * each sorted, one level only. */
static int cfg_include(struct ctx *cx, char **emsg)
{
	struct isect *s = ini_find(&cx->ini, "include");
	struct sect sc;
	const char *v;
	char *files, *pat, *save = NULL;
	int rc = 0;
	int i;

	if (!s)
		return 0;
	ini_here(&cx->ini, cx->here);
	s = ini_find(&cx->ini, "include");
	if (!ini_opt(&cx->ini, s, "files")) {
		*emsg = xstrdup(".ini file has [include] section, but no files setting");
		return -1;
	}
	sect_init(&sc, cx, s);
	names_set(&sc.nm, "host_node_name", cx->host, 0);
	if (sect_get(&sc, "files", NULL, "include.files", &v) < 0) {
		sect_done(&sc);
		*emsg = cx->errors->v[--cx->errors->n];
		cx->errors->v[cx->errors->n] = NULL;
		return -1;
	}
	files = xstrdup(v);
	sect_done(&sc);
	for (pat = strtok_r(files, " \t\n\r\f\v", &save); pat && rc == 0;
	     pat = strtok_r(NULL, " \t\n\r\f\v", &save)) {
		char *full = pat[0] == '/' ? xstrdup(pat) : xasprintf("%s/%s", cx->here, pat);
		struct strv gl = {0};
		path_glob("", full, &gl);
		if (gl.n == 0)
			cfg_note(cx->cf, L_WARN, xasprintf("No file matches via include \"%s\"", full));
		else
			qsort(gl.v, (size_t)gl.n, sizeof *gl.v, cmp_str);
		for (i = 0; rc == 0 && i < gl.n; i++) {
			char *text, *dir;
			cfg_note(cx->cf, L_INFO, xasprintf("Included extra file \"%s\" "
			         "during parsing", gl.v[i]));
			if (!(text = file_read(gl.v[i])))
				continue;       /* configparser skips what it cannot open */
			strv_push(&cx->ini.files, xstrdup(gl.v[i]));
			rc = ini_parse(&cx->ini, text, cx->ini.files.v[cx->ini.files.n - 1], emsg);
			free(text);
			dir = path_normalize(gl.v[i]);
			*strrchr(dir, '/') = '\0';
			ini_here(&cx->ini, *dir ? dir : "/");
			free(dir);
		}
		strv_free(&gl);
		free(full);
	}
	free(files);
	return rc;
}

/* The command line beats the file (spec 5.1). */
static void cfg_cmdline(struct ctx *cx, const struct cmdline *cl)
{
	static const struct { unsigned char cl; char opt[11]; unsigned char i; } map[] = {
		{offsetof(struct cmdline, umask), "-m", 4},
		{offsetof(struct cmdline, directory), "-d", 2},
		{offsetof(struct cmdline, logfile), "-l", 5},
		{offsetof(struct cmdline, logfile_maxbytes), "-y", 6},
		{offsetof(struct cmdline, logfile_backups), "-z", 7},
		{offsetof(struct cmdline, loglevel), "-e", 8},
		{offsetof(struct cmdline, pidfile), "-j", 9},
		{offsetof(struct cmdline, identifier), "-i", 10},
		{offsetof(struct cmdline, childlogdir), "-q", 13},
		{offsetof(struct cmdline, minfds), "-a", 0},
		{offsetof(struct cmdline, minprocs), "--minprocs", 1},
		{offsetof(struct cmdline, user), "-u", 3},
	};
	struct config *cf = cx->cf;
	char err[ERRLEN];
	int i;

	for (i = 0; i < (int)(sizeof map / sizeof *map); i++) {
		const char *v = *(const char *const *)((const char *)cl + map[i].cl);
		const struct optdef *d = &sv_opts[map[i].i];
		if (v && conv(d->type, v, (char *)cf + d->off, err, sizeof err) < 0) {
			char *r = py_repr(v);
			strv_push(cx->errors, xasprintf("invalid value for %s %s: %s",
			          map[i].opt, r, err));
			free(r);
		}
	}
	if (cl->nodaemon > 0) cf->nodaemon = 1;
	if (cl->silent > 0) cf->silent = 1;
	if (cl->nocleanup > 0) cf->nocleanup = 1;
	if (cl->strip_ansi > 0) cf->strip_ansi = 1;
}

/* What realize() does after the file: the daemon's user, absolute
 * logfile and pidfile ("syslog" is not a path). */
static void cfg_finish(struct ctx *cx)
{
	struct config *cf = cx->cf;
	char err[ERRLEN], *p;

	if (cf->user && parse_user(cf->user, &cf->uid, &cf->gid, err, sizeof err) < 0)
		strv_push(cx->errors, xstrdup(err));
	if (cf->logfile && strcmp(cf->logfile, "syslog") == 0) {
		free(cf->logfile);
		cf->logfile = NULL;
		cf->logsyslog = 1;
	} else if (cf->logfile) {
		p = path_normalize(cf->logfile);
		free(cf->logfile);
		cf->logfile = p;
	}
	if (cf->pidfile) {
		p = path_normalize(cf->pidfile);
		free(cf->pidfile);
		cf->pidfile = p;
	}
}

/* Notes in the order the main log wants them: CRIT, WARN, INFO, each in
 * the order found (a stable sort by level). */
static void cfg_sort_notes(struct config *cf)
{
	int i, j;

	for (i = 1; i < cf->nnotes; i++) {
		struct note n = cf->notes[i];
		for (j = i; j > 0 && cf->notes[j - 1].level < n.level; j--)
			cf->notes[j] = cf->notes[j - 1];
		cf->notes[j] = n;
	}
}

/* Every group-like section, in supervisord's order: [group:], [program:],
 * [eventlistener:], [fcgi-program:]. */
static void cfg_groups(struct ctx *cx)
{
	static const char pre[][15] = {"group:", "program:", "eventlistener:", "fcgi-program:"};
	static void (*const fn[])(struct ctx *, struct isect *) = {
		cfg_hgroup, cfg_program, cfg_listener, cfg_fcgi
	};
	int k, i;

	for (k = 0; k < 4; k++)
		for (i = 0; i < cx->ini.n; i++)
			if (strncmp(cx->ini.s[i].name, pre[k], strlen(pre[k])) == 0)
				fn[k](cx, &cx->ini.s[i]);
}

/* ---- dump (supervise -T, and reread's comparison) --- */

/* "key = value\n" for a field of type t at p, as -T shows it. */
static void dump_field(struct sbuf *b, const char *key, enum otype t, const void *p)
{
	static const char ar[][11] = {"false", "unexpected", "true"};
	const char *s = "";
	int i, first = 1;

	sb_addf(b, "%s = ", key);
	switch (t) {
	case T_INT:
	case T_BOOL:   sb_addf(b, "%d", *(const int *)p); break;
	case T_LONG:   sb_addf(b, "%ld", *(const long *)p); break;
	case T_BYTES:  sb_addf(b, "%lld", *(const long long *)p); break;
	case T_OCTAL:  sb_addf(b, "%03o", *(const int *)p); break;
	case T_LEVEL:  s = level_name(*(const enum level *)p); break;
	case T_SIGNAL: s = sig_name(*(const int *)p); break;
	case T_AR:     s = ar[*(const enum autorestart *)p]; break;
	case T_EXIT:
		for (i = 0; i < 256; i++)
			if (((const unsigned char *)p)[i / 8] & (1 << (i % 8)))
				sb_addf(b, "%s%d", first ? "" : ",", i), first = 0;
		break;
	case T_STR:
	case T_DIR:
	case T_DIRPATH:
		if (*(char *const *)p)
			s = *(char *const *)p;
		break;
	}
	sb_adds(b, s);
	sb_adds(b, "\n");
}

/* Fields of a table in the order -T shows them. */
static void dump_table(struct sbuf *b, const struct optdef *t,
                       const unsigned char *order, int n, const void *base)
{
	int i;

	for (i = 0; i < n; i++)
		dump_field(b, t[order[i]].key, (enum otype)t[order[i]].type,
		           (const char *)base + t[order[i]].off);
}

static void dump_env(struct sbuf *b, const struct strv *env)
{
	int i;

	sb_adds(b, "environment = ");
	for (i = 0; i < env->n; i++)
		sb_addf(b, "%s%s", i ? "," : "", env->v[i]);
	sb_adds(b, "\n");
}

static void dump_log(struct sbuf *b, const struct logconf *lc, const char *sn)
{
	sb_addf(b, "%s_logfile = %s\n", sn, lc->kind == LOG_AUTO ? "AUTO" :
	        lc->kind == LOG_NONE ? "NONE" : lc->path);
	sb_addf(b, "%s_logfile_maxbytes = %lld\n%s_logfile_backups = %d\n"
	        "%s_capture_maxbytes = %lld\n%s_events_enabled = %d\n%s_syslog = %d\n",
	        sn, lc->maxbytes, sn, lc->backups, sn, lc->capture_maxbytes,
	        sn, lc->events_enabled, sn, lc->syslog);
}

static void dump_proc(struct sbuf *b, const char *group, const struct pconf *p)
{
	/* priority ... killasgroup, redirect_stderr, exitcodes */
	static const unsigned char order[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 9};

	sb_addf(b, "[process:%s:%s]\n", group, p->name);
	dump_field(b, "program", T_STR, &p->program);
	dump_field(b, "command", T_STR, &p->command);
	dump_field(b, "directory", T_STR, &p->directory);
	dump_field(b, "user", T_STR, &p->user);
	sb_addf(b, p->umask < 0 ? "umask = \n" : "umask = %03o\n", p->umask);
	dump_env(b, &p->env);
	sb_addf(b, "serverurl = %s\n", p->serverurl ? p->serverurl : "AUTO");
	dump_table(b, prog_opts, order, (int)sizeof order, p);
	dump_log(b, &p->log[0], "stdout");
	dump_log(b, &p->log[1], "stderr");
}

/* The group's effective settings as text (its part of -T). */
static void gconf_text(const struct gconf *g, struct sbuf *b_)
{
	static const char kind[][14] = {"program", "group", "eventlistener"};
	struct sbuf b = *b_;
	const char *e = ev_names;
	int i, first = 1;

	sb_addf(&b, "[%s:%s]\npriority = %d\n", kind[g->kind], g->name, g->priority);
	if (g->kind == G_LISTENER) {
		sb_addf(&b, "buffer_size = %d\nevents = ", g->buffer_size);
		for (i = 0; i < EV_COUNT; i++, e += strlen(e) + 1)
			if (g->events & (1ULL << i))
				sb_addf(&b, "%s%s", first ? "" : ",", e), first = 0;
		sb_adds(&b, "\n");
	}
	for (i = 0; i < g->nprocs; i++)
		dump_proc(&b, g->name, &g->procs[i]);
	*b_ = b;
}

/* gconf.digest: FNV-1a of the group's text.  Keeping 8 bytes instead of the
 * text keeps a thousand-process group small. */
static void gconf_digest(struct gconf *g)
{
	struct sbuf b = {0};
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	gconf_text(g, &b);
	for (i = 0; i < b.n; i++)
		h = (h ^ (unsigned char)b.p[i]) * 1099511628211ULL;
	g->digest = h;
	free(b.p);
}

static void cfg_dump(const struct config *cf, FILE *out)
{
	/* logfile ... pidfile, umask, nodaemon, silent, minfds, minprocs,
	 * nocleanup, childlogdir, user, directory, strip_ansi, identifier */
	static const unsigned char order[] = {6, 7, 8, 9, 4, 11, 12, 0, 1, 14, 13, 3, 2, 15, 10, 16};
	struct sbuf b = {0};
	int i;

	sb_adds(&b, "[supervisord]\n");
	if (cf->logsyslog)
		sb_adds(&b, "logfile = syslog\n");
	else
		dump_field(&b, "logfile", T_DIRPATH, &cf->logfile);
	dump_table(&b, sv_opts, order, (int)sizeof order, cf);
	dump_env(&b, &cf->environment);
	sb_addf(&b, "rpcinterface = %d\n", cf->rpcinterface);
	for (i = 0; i < cf->nservers; i++) {
		const struct srvconf *s = &cf->servers[i];
		sb_addf(&b, "[%s]\n", s->section);
		if (s->kind == SRV_UNIX)
			sb_addf(&b, "file = %s\nchmod = %04o\nchown = %ld:%ld\n", s->file,
			        s->chmod, (long)(int)s->chown_uid, (long)(int)s->chown_gid);
		else
			sb_addf(&b, "port = %s:%d\n", *s->host ? s->host : "*", s->port);
		dump_field(&b, "username", T_STR, &s->username);
		/* -T's output gets pasted into bug reports */
		sb_addf(&b, "password = %s\n", s->password ? "(not shown)" : "");
	}
	for (i = 0; i < cf->ngroups; i++)
		gconf_text(&cf->groups[i], &b);
	fputs(sb_str(&b), out);
	free(b.p);
}

/* ---- 4e. entry points -------------------------------------------------- */

/* Free what a group owns (the runtime keeps groups past a reload). */
static void gconf_free(struct gconf *g)
{
	int i;

	for (i = 0; i < g->nprocs; i++)
		pconf_free(&g->procs[i]);
	free(g->procs);
	free(g->name);
	memset(g, 0, sizeof *g);
}

static void cfg_free(struct config *cf)
{
	int i;

	free(cf->path);
	free(cf->logfile);
	free(cf->pidfile);
	free(cf->childlogdir);
	free(cf->control_fifo);
	free(cf->user);
	free(cf->directory);
	free(cf->identifier);
	strv_free(&cf->environment);
	for (i = 0; i < cf->nservers; i++) {
		free(cf->servers[i].section);
		free(cf->servers[i].file);
		free(cf->servers[i].host);
		free(cf->servers[i].username);
		free(cf->servers[i].password);
	}
	free(cf->servers);
	for (i = 0; i < cf->ngroups; i++)
		gconf_free(&cf->groups[i]);
	free(cf->groups);
	for (i = 0; i < cf->nnotes; i++)
		free(cf->notes[i].text);
	free(cf->notes);
	memset(cf, 0, sizeof *cf);
}

extern char **environ;

/* The directory of path, absolute (supervisord's "here"). */
static char *path_dir(const char *path)
{
	char *p = path_normalize(path), *slash = strrchr(p, '/');

	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	return p;
}

static int cfg_load(struct config *cf, const struct cmdline *cl, struct strv *errors)
{
	struct ctx cx;
	struct isect *s;
	char *emsg = NULL;
	int i, n0 = errors->n;

	memset(cf, 0, sizeof *cf);
	memset(&cx, 0, sizeof cx);
	cx.cf = cf;
	cx.errors = errors;
	cf->path = xstrdup(cl->config);
	cx.here = path_dir(cl->config);
	if (gethostname(cx.host, sizeof cx.host - 1) < 0)
		memcpy(cx.host, "localhost", sizeof "localhost");
	for (i = 0; environ[i]; i++)
		strv_push(&cx.env, xstrdup(environ[i]));
	if (ini_read(&cx.ini, cl->config, &emsg) < 0 || cfg_include(&cx, &emsg) < 0) {
		strv_push(errors, emsg);
		goto out;
	}
	for (i = 0; i < cx.ini.cuts.n; i++)
		cfg_note(cf, L_WARN, xstrdup(cx.ini.cuts.v[i]));
	if (!(s = ini_find(&cx.ini, "supervisord"))) {
		strv_push(errors, xstrdup(".ini file does not include supervisord section"));
		goto out;
	}
	cfg_supervisord(&cx, s);
	cfg_rpc(&cx);
	cfg_groups(&cx);
	cfg_sort(cf);
	cfg_merge_env(cf);
	cfg_servers(&cx);
	cfg_cmdline(&cx, cl);
	cfg_finish(&cx);
	for (i = 0; i < cf->ngroups; i++)
		gconf_digest(&cf->groups[i]);
out:
	cfg_sort_notes(cf);
	ini_free(&cx.ini);
	strv_free(&cx.env);
	free(cx.here);
	return errors->n > n0 ? -1 : 0;
}

/* The default paths of spec 1.1, ours first.  here is the parent of the
 * directory holding argv0 (found in $PATH when argv0 has no slash). */
static void cfg_paths(const char *argv0, struct strv *out)
{
	static const char rel[] = "supervisord.conf\0etc/supervisord.conf\0"
		"/etc/supervisord.conf\0/etc/supervisor/supervisord.conf\0";
	char *prog = NULL, *here, *slash;
	const char *r;
	const char *path = getenv("PATH");
	int i;

	if (!strchr(argv0, '/') && path) {
		char *dirs = xstrdup(path), *d, *save = NULL;
		for (d = strtok_r(dirs, ":", &save); d && !prog; d = strtok_r(NULL, ":", &save)) {
			char *c = xasprintf("%s/%s", d, argv0);
			if (access(c, X_OK) == 0)
				prog = c;
			else
				free(c);
		}
		free(dirs);
	}
	here = prog ? prog : xstrdup(argv0);
	for (i = 0; i < 2; i++)     /* os.path.dirname twice */
		if ((slash = strrchr(here, '/')))
			*(slash == here ? slash + 1 : slash) = '\0';
		else
			here[0] = '\0';
	strv_push(out, xstrdup("/etc/supervise.conf"));
	strv_push(out, *here ? xasprintf("%s/etc/supervisord.conf", here) :
	          xstrdup("etc/supervisord.conf"));
	strv_push(out, *here ? xasprintf("%s/supervisord.conf", here) :
	          xstrdup("supervisord.conf"));
	for (r = rel; *r; r += strlen(r) + 1)
		strv_push(out, xstrdup(r));
	free(here);
}

char *cfg_search(const char *argv0)
{
	struct strv p = {0};
	char *found = NULL;
	int i;

	cfg_paths(argv0, &p);
	for (i = 0; i < p.n && !found; i++)
		if (access(p.v[i], F_OK) == 0)
			found = xstrdup(p.v[i]);
	strv_free(&p);
	return found;
}

/* One [supervisorctl] value into *out (NULL when unset, no default). */
static int ctl_get(struct sect *sc, const char *key, const char *def, char **out)
{
	const char *v;

	if (sect_get(sc, key, def, NULL, &v) < 0)
		return -1;
	*out = v ? xstrdup(v) : NULL;
	return 0;
}

int cfg_read_ctl(const char *path, struct ctlconf *cc, char *err, size_t errlen)
{
	struct config cf;
	struct strv errors = {0};
	struct ctx cx;
	struct sect sc, sh;         /* sh also knows "here" */
	struct isect *s;
	char *emsg = NULL, *u;
	int rc = -1, i;

	memset(cc, 0, sizeof *cc);
	memset(&cx, 0, sizeof cx);
	memset(&cf, 0, sizeof cf);
	cx.cf = &cf;
	cx.errors = &errors;
	cx.here = path_dir(path);
	for (i = 0; environ[i]; i++)
		strv_push(&cx.env, xstrdup(environ[i]));
	if (ini_read(&cx.ini, path, &emsg) < 0) {
		errf(err, errlen, "%s", emsg);
		goto out;
	}
	if (!(s = ini_find(&cx.ini, "supervisorctl"))) {
		errf(err, errlen, ".ini file does not include supervisorctl section");
		goto out;
	}
	sect_init(&sh, &cx, s);
	memset(&sc, 0, sizeof sc);
	sc.cx = &cx;
	sc.s = s;
	sc.name = s->name;
	names_env(&sc.nm, cx.env.v, cx.env.n);
	if (ctl_get(&sh, "serverurl", "http://localhost:9001", &cc->serverurl) == 0 &&
	    ctl_get(&sc, "prompt", "supervisor", &cc->prompt) == 0 &&
	    ctl_get(&sc, "username", NULL, &cc->username) == 0 &&
	    ctl_get(&sc, "password", NULL, &cc->password) == 0 &&
	    ctl_get(&sh, "history_file", NULL, &cc->history_file) == 0)
		rc = 0;
	sect_done(&sc);
	sect_done(&sh);
	if (rc < 0) {               /* nothing read is kept */
		errf(err, errlen, "%s", errors.v[0]);
		free(cc->serverurl);
		free(cc->prompt);
		free(cc->username);
		free(cc->password);
		memset(cc, 0, sizeof *cc);
		goto out;
	}
	if (strncmp(cc->serverurl, "unix://", 7) == 0) {
		u = path_normalize(cc->serverurl + 7);
		free(cc->serverurl);
		cc->serverurl = xasprintf("unix://%s", u);
		free(u);
	}
	if (cc->history_file && *cc->history_file) {
		u = path_normalize(cc->history_file);
		free(cc->history_file);
		cc->history_file = u;
	} else {
		free(cc->history_file);
		cc->history_file = NULL;
	}
out:
	free(emsg);
	strv_free(&errors);
	cfg_free(&cf);
	ini_free(&cx.ini);
	strv_free(&cx.env);
	free(cx.here);
	return rc;
}

static const char cfg_sample[] =
"; supervise config: supervisord 4.2.5 syntax. Values shown are the defaults.\n"
"; ';' or '#' after a blank starts a comment. Write a literal % as %%.\n\n"
"[unix_http_server]\n"
"file=/run/supervise.sock   ; the control socket (required in this section)\n"
";chmod=0700                ; socket file mode\n"
";chown=nobody:nogroup      ; socket owner user[:group]\n"
";username=user             ; both username and password, or neither\n"
";password=123              ; plain text or {SHA}hex-sha1\n\n"
";[inet_http_server]        ; TCP control port (off by default)\n"
";port=127.0.0.1:9001       ; host:port, *:port or port\n\n"
"[supervisord]\n"
";logfile=supervisord.log   ; main log; relative to the start directory; 'syslog'\n"
";logfile_maxbytes=50MB     ; rotate at this size; 0 = never\n"
";logfile_backups=10        ; rotated copies kept\n"
";loglevel=info             ; critical, error, warn, info, debug, trace, blather\n"
";pidfile=supervisord.pid\n"
";nodaemon=false            ; true: stay in the foreground\n"
";silent=false              ; true: no log copy on stdout in the foreground\n"
";minfds=1024               ; fds needed to start\n"
";minprocs=200              ; processes needed to start\n"
";umask=022                 ; applied when daemonizing\n"
";user=root                 ; setuid to this user at start-up\n"
";directory=/tmp            ; chdir here when daemonizing\n"
";childlogdir=/tmp          ; where AUTO child logs go ($TMPDIR)\n"
";nocleanup=false           ; keep old AUTO child logs\n"
";strip_ansi=false          ; strip ANSI escapes from child output\n"
";identifier=supervisor\n"
";environment=KEY=\"value\"   ; added to every child's environment\n"
";control_fifo=/run/supervise.ctl ; supervise only: run lines written to it\n\n"
"[rpcinterface:supervisor]\n"
"supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
"[supervisorctl]\n"
"serverurl=unix:///run/supervise.sock\n\n"
";[program:theprogramname]\n"
";command=/bin/cat          ; required; split like a shell, no shell features\n"
";process_name=%(program_name)s ; must contain %(process_num) when numprocs > 1\n"
";numprocs=1\n"
";numprocs_start=0\n"
";directory=/tmp            ; chdir before exec\n"
";umask=022                 ; default: inherited\n"
";priority=999              ; lower starts first, stops last\n"
";autostart=true\n"
";startsecs=1               ; seconds up before RUNNING\n"
";startretries=3            ; failed starts before FATAL\n"
";autorestart=unexpected    ; false, unexpected or true\n"
";exitcodes=0               ; expected exit codes\n"
";stopsignal=TERM           ; TERM, HUP, INT, QUIT, KILL, USR1, USR2...\n"
";stopwaitsecs=10           ; wait before SIGKILL\n"
";stopasgroup=false         ; signal the whole process group\n"
";killasgroup=false         ; SIGKILL the whole process group\n"
";user=chrism               ; setuid to this user\n"
";redirect_stderr=false     ; stderr into the stdout log\n"
";stdout_logfile=AUTO       ; a path, AUTO or NONE\n"
";stdout_logfile_maxbytes=50MB\n"
";stdout_logfile_backups=10\n"
";stdout_capture_maxbytes=0\n"
";stdout_events_enabled=false\n"
";stdout_syslog=false\n"
";stderr_logfile=AUTO       ; stderr_* options as stdout_*\n"
";environment=A=\"1\",B=\"2\"   ; quote every value\n"
";serverurl=AUTO            ; SUPERVISOR_SERVER_URL for the child\n\n"
";[eventlistener:theeventlistenername] ; program options, plus:\n"
";events=PROCESS_STATE      ; required\n"
";buffer_size=10\n\n"
";[group:thegroupname]\n"
";programs=progname1,progname2\n"
";priority=999\n\n"
";[include]\n"
";files=relative/directory/*.ini\n";

/* ---- 5. main log ------------------------------------------------------ */

/* Names of errno values as supervisord prints them ("ENOENT").  Names in
 * tables are char arrays, not pointers: in a position-independent binary
 * every pointer costs a relocation (as in section 4). */
static const char *errno_name(int e)
{
	static const struct { int e; char name[14]; } t[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
		{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ETXTBSY, "ETXTBSY" },
		{ ENOSPC, "ENOSPC" }, { EROFS, "EROFS" }, { ELOOP, "ELOOP" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { EADDRINUSE, "EADDRINUSE" },
	};
	static char other[16];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].e == e)
			return t[i].name;
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

static void log_msg(enum level lv, const char *fmt, ...);

/* Linux's fs.protected_symlinks, on every system: a symlink in a sticky
 * world-writable directory (/tmp) is followed only when it belongs to us or
 * to the directory's owner.  Anyone else's may have been planted there to
 * turn our write into one on /etc/shadow; a link that passes cannot be
 * swapped by others, as the sticky bit keeps them from removing it.  Each
 * component of path as written is checked, up to the last: 1 with why in
 * err (which may be NULL) for the first link refused, else 0. */
static int path_planted(const char *path, char *err, size_t errlen)
{
	char *p = xstrdup(path), *end = p, *dir;
	struct stat ln, st;
	int bad = 0;

	while (!bad && *p && end) {
		if ((end = strchr(end + 1, '/')))
			*end = '\0';
		if (lstat(p, &ln) == 0 && S_ISLNK(ln.st_mode)) {
			dir = path_dir(p);
			bad = stat(dir, &st) == 0 && (st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH)
			      && ln.st_uid != geteuid() && ln.st_uid != st.st_uid;
			if (bad)
				errf(err, errlen, "%s is a symlink that uid %ld made in the sticky "
				     "world-writable directory %s: not followed, it may point anywhere; "
				     "remove it, or make it as uid %ld (this daemon) or as the "
				     "directory's owner (uid %ld)", p, (long)ln.st_uid, dir,
				     (long)geteuid(), (long)st.st_uid);
			free(dir);
		}
		if (end)
			*end = '/';
	}
	free(p);
	return bad;
}

/* open(2) for every file the daemon creates, appends to or reads back:
 * never through a planted link (path_planted), while /dev/stdout and a
 * link root made to /data keep working.  -1 with errno, ELOOP for a link
 * refused (path_error says why).  The last part is opened O_NOFOLLOW first,
 * so a link planted there after the check is caught too; a directory on the
 * way that did not exist at the check and appears as a link in the instant
 * before the open is not (only the kernel's own check closes that). */
static int path_open(const char *path, int flags, mode_t mode)
{
	int fd;

	if (path_planted(path, NULL, 0))
		return errno = ELOOP, -1;
	fd = open(path, flags | O_NOFOLLOW, mode);
	if (fd >= 0 || errno != ELOOP || (flags & O_NOFOLLOW))
		return fd;
	/* the last part is a link now, maybe one planted since the check */
	if (path_planted(path, NULL, 0))
		return errno = ELOOP, -1;
	return open(path, flags, mode);
}

/* path_planted for the directory of file: where bind(2) and mkfifo(3)
 * create it. */
static int dir_planted(const char *file, char *err, size_t errlen)
{
	char *dir = path_dir(file);
	int bad = path_planted(dir, err, errlen);

	free(dir);
	return bad;
}

/* What to tell the user about errno e of path_open(path). */
static const char *path_error(const char *path, int e)
{
	static char why[2 * PATH_MAX + 256];

	return e == ELOOP && path_planted(path, why, sizeof why) ? why : strerror(e);
}

/* Is path one of the daemon's own descriptors by another name (/dev/stdout,
 * /dev/fd/N, /proc/self/fd/N)?  Its number, or -1. */
static int fd_alias(const char *path)
{
	char own[40];
	const char *pre[3], *s;
	int i;

	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	snprintf(own, sizeof own, "/proc/%ld/fd/", (long)getpid());
	pre[0] = "/dev/fd/";
	pre[1] = "/proc/self/fd/";
	pre[2] = own;
	for (i = 0; i < 3; i++)
		if (strncmp(path, pre[i], strlen(pre[i])) == 0) {
			s = path + strlen(pre[i]);
			return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 6 ? atoi(s) : -1;
		}
	return -1;
}

/* A stream, not a file: a pipe, tty, socket or device, or some process's
 * descriptor by name even when it leads to a file (supervise -n > out).
 * Streams are never rotated, cleared or read back; regular files anywhere
 * else (/dev/shm too) are files. */
static int log_is_stream(const char *path, const struct stat *st)
{
	return fd_alias(path) >= 0 || (strncmp(path, "/proc/", 6) == 0 && strstr(path, "/fd/"))
	       || (st && !S_ISREG(st->st_mode));
}

/* Open (append) lf->path unless it is open.  A failure is remembered, not
 * fatal: the next write tries again.  O_NONBLOCK: a FIFO without a reader
 * fails at once instead of stalling the daemon, and a stream that is full
 * leaves the rest in pend.  A socket cannot be opened by name (systemd's
 * journal on stdout): our own descriptor is used, written with
 * MSG_DONTWAIT. */
static int logfile_open(struct logfile *lf)
{
	struct stat st;
	int n;

	if (lf->fd >= 0 || !lf->path)
		return lf->fd;
	lf->fd = path_open(lf->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY
	                   | O_NONBLOCK | (lf->nofollow ? O_NOFOLLOW : 0), lf->nofollow ? 0600 : 0666);
	if (lf->fd < 0 && (errno == ENXIO || errno == ENOENT) && (n = fd_alias(lf->path)) >= 0)
		lf->fd = fcntl(n, F_DUPFD_CLOEXEC, 3);
	if (lf->fd < 0)
		return -1;
	if (fstat(lf->fd, &st) == 0) {
		lf->passthru = log_is_stream(lf->path, &st);
		lf->sock = S_ISSOCK(st.st_mode);
		lf->size = S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
		lf->dev = st.st_dev;
		lf->ino = st.st_ino;
	}
	return lf->fd;
}

static void logfile_close(struct logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
}

/* Reopen: after a rotation by someone else (logrotate, SIGUSR2), at a spawn.
 * What a stream has not taken yet keeps its descriptor. */
static void logfile_reopen(struct logfile *lf)
{
	if (lf->npend)
		return;
	logfile_close(lf);
	logfile_open(lf);
}

/* Rename F.(N-1) to F.N ... F to F.1 and start F afresh; with no backups,
 * truncate F in place (spec 3.2).  A stream never rotates.  -1 with errno
 * when it cannot. */
static int logfile_rotate(struct logfile *lf)
{
	char from[PATH_MAX], to[PATH_MAX];
	int i, rc = 0, e;

	if (lf->passthru) {
		errno = ESPIPE;
		return -1;
	}
	/* the oldest goes first: a rename onto an existing file makes ext4
	 * write the renamed one to disk inside rename() (auto_da_alloc) */
	snprintf(to, sizeof to, "%s.%d", lf->path, lf->backups);
	if (lf->backups > 0)
		unlink(to);
	for (i = lf->backups - 1; i >= 0 && rc == 0; i--) {
		snprintf(from, sizeof from, i ? "%s.%d" : "%s", lf->path, i);
		snprintf(to, sizeof to, "%s.%d", lf->path, i + 1);
		if (rename(from, to) < 0 && errno != ENOENT)  /* F gone: start it anew */
			rc = -1;
	}
	if (rc == 0) {              /* a fresh F, also where someone moved the old one */
		logfile_close(lf);
		if (logfile_open(lf) < 0 || (lf->backups <= 0 && ftruncate(lf->fd, 0) < 0))
			rc = -1;
		else
			lf->size = 0;
	}
	e = errno;
	if (rc < 0 && !lf->rotfailing) {
		lf->rotfailing = e;
		log_msg(L_ERRO, "cannot rotate %s: %s; it grows until that works",
		        lf->path, path_error(lf->path, e));
	} else if (rc == 0)
		lf->rotfailing = 0;
	errno = e;
	return rc;
}

/* A write that failed: the bytes are lost and counted.  -1, errno kept. */
static int logfile_fail(struct logfile *lf, size_t n)
{
	lf->lost += (long long)n;
	return -1;
}

/* Say once that a log fails, and once that it works again with what was
 * lost meanwhile.  The main log can only complain on stderr. */
static int logfile_said(struct logfile *lf, int rc)
{
	if (rc < 0 && !lf->failing) {
		lf->failing = errno ? errno : EIO;
		if (lf == &sv.log)
			fprintf(stderr, "supervise: cannot write %s: %s\n", lf->path,
			        path_error(lf->path, lf->failing));
		else
			log_msg(L_ERRO, "cannot write %s: %s; output is lost until it works "
			        "again", lf->path, path_error(lf->path, lf->failing));
	} else if (rc == 0 && lf->failing) {
		lf->failing = 0;
		log_msg(L_WARN, "%s works again; %lld bytes of output were lost",
		        lf->path, lf->lost);
		lf->lost = 0;
	}
	return rc;
}

/* Keep what a stream did not take, in order, up to pendmax.  A piece that
 * does not fit is dropped whole, so a main-log line is never cut: -1
 * (ENOBUFS). */
static int logfile_hold(struct logfile *lf, const char *buf, size_t n)
{
	static uint64_t clock;

	if (!lf->npend)
		lf->pendseq = ++clock;
	if (n > lf->pendmax - lf->npend) {
		errno = ENOBUFS;
		return logfile_fail(lf, n);
	}
	if (lf->pendoff) {
		memmove(lf->pend, lf->pend + lf->pendoff, lf->npend);
		lf->pendoff = 0;
	}
	lf->pend = xrealloc(lf->pend, lf->npend + n);
	memcpy(lf->pend + lf->npend, buf, n);
	lf->npend += n;
	return 0;
}

/* Does o hold output for the same stream as lf, queued before seq? */
static int logfile_ahead(const struct logfile *lf, const struct logfile *o, uint64_t seq)
{
	return o != lf && o->npend && o->fd >= 0 && o->passthru && o->dev == lf->dev
	       && o->ino == lf->ino && o->pendseq < seq;
}

/* Must lf wait, because another log of the daemon (a child's /dev/stdout,
 * the main log's copy on stdout) holds output for the same stream from
 * before seq?  Chunks then never interleave, as with blocking writes. */
static int logfile_queued(const struct logfile *lf, uint64_t seq)
{
	const struct logfile *o;

	if (!lf->passthru)
		return 0;
	for (o = sv.logfiles; o; o = o->next)
		if (logfile_ahead(lf, o, seq))
			return 1;
	return logfile_ahead(lf, &sv.log, seq) || logfile_ahead(lf, &sv.echo, seq);
}

/* write() what the target takes now: the count written.  *err: the errno
 * that stopped it, 0 when all went or a stream is full. */
static size_t logfile_put(struct logfile *lf, const char *buf, size_t n, int *err)
{
	size_t done = 0;
	ssize_t w;

	*err = 0;
	while (done < n) {
		w = lf->sock ? send(lf->fd, buf + done, n - done, MSG_DONTWAIT)
		             : write(lf->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*err = errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno;
			break;
		}
		done += (size_t)w;
	}
	return done;
}

/* Write buf, then rotate if the file reached maxbytes.  It never blocks the
 * loop on a stream: what the target does not take waits in pend, in order.
 * A full disk loses what did not fit, and that is said once. */
static int logfile_write(struct logfile *lf, const char *buf, size_t n)
{
	size_t w;
	int err;

	if (logfile_open(lf) < 0)
		return logfile_said(lf, logfile_fail(lf, n));
	if (lf->npend || logfile_queued(lf, UINT64_MAX))
		return logfile_said(lf, logfile_hold(lf, buf, n));
	w = logfile_put(lf, buf, n, &err);
	if (err) {
		errno = err;
		return logfile_said(lf, logfile_fail(lf, n - w));
	}
	if (w < n)
		return logfile_said(lf, logfile_hold(lf, buf + w, n - w));
	if (!lf->passthru) {    /* the true end: logrotate's copytruncate, other writers */
		off_t end = lseek(lf->fd, 0, SEEK_CUR);
		lf->size = end >= 0 ? (long long)end : lf->size + (long long)w;
		if (lf->maxbytes > 0 && lf->size >= lf->maxbytes)
			logfile_rotate(lf);
	}
	return logfile_said(lf, 0);
}

/* The target can take more: hand it what waits, unless an older queue for
 * the same stream goes first.  An error loses it all. */
static void logfile_flush(struct logfile *lf)
{
	int err = EBADF;
	size_t w = 0;

	if (logfile_queued(lf, lf->pendseq))
		return;
	if (lf->fd >= 0)
		w = logfile_put(lf, lf->pend + lf->pendoff, lf->npend, &err);
	if (err) {
		errno = err;
		logfile_said(lf, logfile_fail(lf, lf->npend - w));
		w = lf->npend;
	}
	lf->pendoff += w;
	lf->npend -= w;
	if (!lf->npend) {
		free(lf->pend);
		lf->pend = NULL;
		lf->pendoff = 0;
	}
}

/* Drop what still waits (the log goes away); said once, with the count. */
static void logfile_drop(struct logfile *lf)
{
	if (lf->npend) {
		errno = ENOBUFS;
		logfile_said(lf, logfile_fail(lf, lf->npend));
	}
	free(lf->pend);
	lf->pend = NULL;
	lf->npend = lf->pendoff = 0;
}

/* The child log at path, shared with every stream that names the same file.
 * Whether it is a stream is known before it is ever opened, so `rotate` and
 * `clear` of a program that never ran leave /dev/stdout alone. */
static struct logfile *logfile_get(const char *path, const struct logconf *lc, int nofollow)
{
	struct logfile *lf;
	struct stat st;

	for (lf = sv.logfiles; lf && strcmp(lf->path, path); lf = lf->next)
		;
	if (!lf) {
		lf = xcalloc(1, sizeof *lf);
		lf->path = xstrdup(path);
		lf->fd = -1;
		lf->passthru = log_is_stream(path, stat(path, &st) == 0 ? &st : NULL);
		/* a stream's reader is waited for, so this holds at most what one
		 * turn reads and an exited child leaves in its pipe */
		lf->pendmax = 8u << 20;
		lf->next = sv.logfiles;
		sv.logfiles = lf;
		lf->maxbytes = lc->maxbytes;
		lf->backups = lc->backups;
	}
	lf->refs++;
	lf->nofollow = nofollow;
	return lf;
}

static void logfile_release(struct logfile *lf)
{
	struct logfile **pp;

	if (!lf || --lf->refs > 0)
		return;
	if (lf->npend)
		logfile_flush(lf);  /* one last try; what a stream still refuses is lost */
	logfile_drop(lf);
	for (pp = &sv.logfiles; *pp != lf; pp = &(*pp)->next)
		;
	*pp = lf->next;
	logfile_close(lf);
	free(lf->path);
	free(lf);
}

/* syslog gets each line of a message on its own, each with the prefix and
 * the format's end: supervisord's SyslogHandler; priority info, as Python's
 * syslog() sends it. */
static void log_syslog(const char *prefix, size_t plen, const char *msg, size_t n,
                       const char *end)
{
	const char *nl;

	while (n && msg[n - 1] == '\n')
		n--;
	for (;;) {
		nl = memchr(msg, '\n', n);
		syslog(LOG_INFO, "%.*s%.*s%s", (int)plen, prefix,
		       (int)(nl ? nl - msg : (ptrdiff_t)n), msg, end);
		if (!nl)
			break;
		n -= (size_t)(nl + 1 - msg);
		msg = nl + 1;
	}
}

/* Put one line in the main log: "YYYY-MM-DD HH:MM:SS,mmm LEVL msg" (spec
 * 3.3); also in syslog, on stdout (nodaemon) and to its followers. */
static void log_line(enum level lv, const char *msg, size_t n)
{
	char stack[4096], *line = stack;
	struct timeval tv;
	struct tm tm;
	size_t plen, len;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	plen = strftime(stack, 64, "%Y-%m-%d %H:%M:%S", &tm);
	plen += (size_t)snprintf(stack + plen, 64 - plen, ",%03d %s ",
	                         (int)(tv.tv_usec / 1000), level_name(lv));
	len = plen + n + 1;
	if (len > sizeof stack)
		line = memcpy(xmalloc(len), stack, plen);
	memcpy(line + plen, msg, n);
	line[len - 1] = '\n';
	if (sv.cf.logsyslog)
		log_syslog(line, plen, msg, n, "\n");
	else if (sv.log.path)
		logfile_write(&sv.log, line, len);
	if (sv.echo.path)
		logfile_write(&sv.echo, line, len);
	ctl_follow_push(NULL, 0, line, len);
	if (line != stack)
		free(line);
}

static void log_msg(enum level lv, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	int n;

	if (lv < sv.cf.loglevel)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_line(lv, msg, n < 0 ? 0 : n < (int)sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* The main log, its copy on stdout and syslog's socket go with the config
 * they came from (a config without syslog holds no /dev/log).  What still
 * waits is dropped and said before any closes, so that saying it opens
 * none of them again. */
static void log_close(void)
{
	logfile_drop(&sv.echo);
	logfile_drop(&sv.log);
	logfile_close(&sv.log);
	logfile_close(&sv.echo);
	closelog();
	sv.log.path = sv.echo.path = NULL;      /* they belong to the config */
}

/* The main log, its copy on stdout under nodaemon, syslog's ident.  The copy
 * opens stdout anew, so O_NONBLOCK never touches the terminal or pipe we were
 * started with (without /proc it shares fd 1 and may block). */
static void log_open(void)
{
	static char stdout_path[] = "/dev/stdout";
	const char *slash = strrchr(sv.argv0, '/');

	memset(&sv.log, 0, sizeof sv.log);
	memset(&sv.echo, 0, sizeof sv.echo);
	sv.log.fd = sv.echo.fd = -1;
	sv.log.pendmax = sv.echo.pendmax = 64 * 1024;
	openlog(slash ? slash + 1 : sv.argv0, 0, LOG_USER);
	if (sv.cf.nodaemon && !sv.cf.silent) {
		sv.echo.path = stdout_path;
		logfile_open(&sv.echo);
	}
	if (sv.cf.logsyslog)
		return;
	sv.log.path = sv.cf.logfile;
	sv.log.maxbytes = sv.cf.logfile_maxbytes;
	sv.log.backups = sv.cf.logfile_backups;
	logfile_open(&sv.log);
}

/* Parse messages go out grouped by level, CRIT first (spec 3.3). */
static void log_notes(const struct config *cf)
{
	static const enum level order[] = { L_CRIT, L_ERRO, L_WARN, L_INFO, L_DEBG };
	size_t k;
	int i;

	for (k = 0; k < sizeof order / sizeof order[0]; k++)
		for (i = 0; i < cf->nnotes; i++)
			if (cf->notes[i].level == order[k])
				log_msg(order[k], "%s", cf->notes[i].text);
}

/* ---- 6. child output -------------------------------------------------- */

static const char stream_name[NSTREAMS][7] = { "stdout", "stderr" };

/* Make an empty AUTO log <childlogdir>/<name>-<stream>---<identifier>-XXXXXXXX.log,
 * mode 0600, never through a link (O_EXCL, and path_open for childlogdir). */
static char *out_autolog_create(const char *name, int stream)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	char rnd[9];
	char *path;
	int tries, i, fd;

	for (tries = 0; tries < 100; tries++) {
		for (i = 0; i < 8; i++)
			rnd[i] = chars[(unsigned)rand() % (sizeof chars - 1)];
		rnd[8] = '\0';
		path = xasprintf("%s/%s-%s---%s-%s.log", sv.cf.childlogdir, name,
		                 stream_name[stream], sv.cf.identifier, rnd);
		fd = path_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			close(fd);
			return path;
		}
		if (errno != EEXIST) {
			log_msg(L_ERRO, "cannot create log file in %s: %s",
			        sv.cf.childlogdir, path_error(path, errno));
			free(path);
			return NULL;
		}
		free(path);
	}
	return NULL;
}

/* Does name look like one of our AUTO logs or its backups?  supervisord's
 * pattern ".+?---<identifier>-\S+\.log\.{0,1}\d{0,4}" anchored at the start. */
static int out_is_autolog(const char *name)
{
	char *mark = xasprintf("---%s-", sv.cf.identifier);
	const char *m = strstr(name, mark), *s;
	int ok = 0;

	if (m && m > name) {
		for (s = m + strlen(mark); *s && !isspace((unsigned char)*s); s++)
			if (s > m + strlen(mark) && strncmp(s, ".log", 4) == 0) {
				ok = 1;
				break;
			}
	}
	free(mark);
	return ok;
}

/* Delete old AUTO logs at start and reload unless nocleanup (spec 3.1). */
static void out_cleanup_autologs(void)
{
	DIR *d;
	struct dirent *e;
	char *path;

	/* through a planted link this would delete in someone else's directory */
	if (sv.cf.nocleanup || path_planted(sv.cf.childlogdir, NULL, 0)
	    || !(d = opendir(sv.cf.childlogdir)))
		return;
	while ((e = readdir(d)))
		if (out_is_autolog(e->d_name)) {
			path = xasprintf("%s/%s", sv.cf.childlogdir, e->d_name);
			unlink(path);
			free(path);
		}
	closedir(d);
}

/* The file a stream of p is logged to, or NULL (NONE, syslog only, or the
 * stderr of redirect_stderr). */
static const char *out_path(const struct proc *p, int i)
{
	const struct logconf *lc = &p->cf->log[i];

	return lc->kind == LOG_PATH ? lc->path : lc->kind == LOG_AUTO ? p->out[i].autolog : NULL;
}

/* With the group: the AUTO files, the log files shared by path, capture. */
static void out_attach(struct proc *p)
{
	int i;

	for (i = 0; i < NSTREAMS; i++) {
		const struct logconf *lc = &p->cf->log[i];
		struct ostream *o = &p->out[i];

		o->pipe = -1;
		if (lc->kind == LOG_AUTO)
			o->autolog = out_autolog_create(p->cf->name, i);
		if (out_path(p, i))
			o->log = logfile_get(out_path(p, i), lc, lc->kind == LOG_AUTO);
		if (lc->capture_maxbytes > 0)
			o->cap = xcalloc(1, sizeof *o->cap);
	}
}

static void out_detach(struct proc *p)
{
	int i;

	for (i = 0; i < NSTREAMS; i++) {
		struct ostream *o = &p->out[i];

		if (o->pipe >= 0)
			close(o->pipe);
		logfile_release(o->log);
		free(o->autolog);
		if (o->cap)
			free(o->cap->buf);
		free(o->cap);
	}
}

/* A new spawn: log files are opened afresh (append), so one that was moved
 * away meanwhile starts anew; capture starts outside a capture. */
static void out_open(struct proc *p)
{
	int i;

	for (i = 0; i < NSTREAMS; i++) {
		struct logfile *lf = p->out[i].log;

		if (lf && !(i == 1 && lf == p->out[0].log)) {
			logfile_reopen(lf);
			if (lf->fd < 0)
				logfile_said(lf, -1);
		}
		if (p->out[i].cap) {
			free(p->out[i].cap->buf);
			memset(p->out[i].cap, 0, sizeof *p->out[i].cap);
		}
	}
}

/* supervisord's stripEscapes, in place (spec 3.1): from ESC [ up to and
 * including the next of H f A B C D R s u J K h l p m.  An escape that the
 * chunk does not finish drops the rest of the chunk, as there. */
static size_t out_strip_ansi(char *buf, size_t n)
{
	size_t i, j;
	int show = 1;

	for (i = j = 0; i < n; i++) {
		if (!show) {
			show = buf[i] && strchr("HfABCDRsuJKhlpm", buf[i]) != NULL;
		} else if (buf[i] == '\033' && i + 1 < n && buf[i + 1] == '[') {
			show = 0;
			i++;
		} else {
			buf[j++] = buf[i];
		}
	}
	return j;
}

/* Is buf well-formed UTF-8, as Python's strict decoder sees it (no
 * overlong forms, no surrogates, nothing past U+10FFFF)? */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned lo, hi;

	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
		if (c < 0xc2 || c > 0xf4 || i + len > n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* Python's repr() of bytes: b'...' with \t \n \r \\ \' and \xNN escapes. */
static void py_bytes_repr(struct sbuf *b, const unsigned char *s, size_t n)
{
	char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
	size_t i;

	sb_addf(b, "b%c", q);
	for (i = 0; i < n; i++) {
		const char *esc = s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n"
		                : s[i] == '\r' ? "\\r" : s[i] == '\\' ? "\\\\" : NULL;
		if (esc)
			sb_adds(b, esc);
		else if (s[i] == (unsigned char)q)
			sb_addf(b, "\\%c", q);
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			sb_addf(b, "\\x%02x", s[i]);
		else
			sb_addn(b, (const char *)s + i, 1);
	}
	sb_addn(b, &q, 1);
}

/* With loglevel debug every chunk is copied to the main log (spec 3.1). */
static void out_debug(const struct proc *p, int i, const char *buf, size_t n)
{
	struct sbuf b = { 0 };

	sb_addf(&b, "'%s' %s output:\n", p->cf->name, stream_name[i]);
	if (utf8_valid((const unsigned char *)buf, n))
		sb_addn(&b, buf, n);
	else {
		sb_adds(&b, "Undecodable: ");
		py_bytes_repr(&b, (const unsigned char *)buf, n);
	}
	log_line(L_DEBG, b.p, b.n);
	free(b.p);
}

/* *_syslog: each line of the chunk as "NAME line", as supervisord sends it. */
static void out_syslog(const struct proc *p, const char *buf, size_t n)
{
	char *prefix = xasprintf("%s ", p->cf->name);

	log_syslog(prefix, strlen(prefix), buf, n, "");
	free(prefix);
}

/* Hand one chunk of a child's output to everything that wants it. */
static void out_log(struct proc *p, int i, char *buf, size_t n)
{
	struct logfile *lf = p->out[i].log;

	ctl_follow_push(p, i, buf, n);
	if (lf) {       /* one file for both streams: each rotates it by its own limits */
		lf->maxbytes = p->cf->log[i].maxbytes;
		lf->backups = p->cf->log[i].backups;
		logfile_write(lf, buf, n);
	}
	if (p->cf->log[i].syslog)
		out_syslog(p, buf, n);
	if (sv.cf.loglevel <= L_DEBG)
		out_debug(p, i, buf, n);
}

static const char cap_token[2][25] = { "<!--XSUPERVISOR:BEGIN-->", "<!--XSUPERVISOR:END-->" };

/* Where tok (m bytes) first occurs in buf, or NULL. */
static char *mem_find(char *buf, size_t n, const char *tok, size_t m)
{
	char *s = buf, *end = buf + n;

	while ((size_t)(end - s) >= m && (s = memchr(s, tok[0], (size_t)(end - s) - m + 1))) {
		if (memcmp(s, tok, m) == 0)
			return s;
		s++;
	}
	return NULL;
}

/* Keep the newest capture_maxbytes of what was captured. */
static void cap_add(struct capture *c, long long max, const char *s, size_t n)
{
	size_t cap = (unsigned long long)max > SIZE_MAX ? SIZE_MAX : (size_t)max, drop;

	if (n >= cap) {
		s += n - cap;
		n = cap;
	}
	drop = c->n + n > cap ? c->n + n - cap : 0;
	if (drop) {
		memmove(c->buf, c->buf + drop, c->n - drop);
		c->n -= drop;
	}
	c->buf = xrealloc(c->buf, c->n + n);
	memcpy(c->buf + c->n, s, n);
	c->n += n;
}

/* Capture mode (spec 6.6): what comes between the BEGIN and END tokens is
 * captured instead of logged; the tokens are never logged.  A tail that may
 * begin a token waits for the next chunk, or is let go at the end of the
 * stream (supervisord loses it there).  buf has room for c->nhold bytes in
 * front of it. */
static void out_capture(struct proc *p, int i, char *buf, size_t n, int eof)
{
	struct capture *c = p->out[i].cap;
	const char *tok;
	size_t m, keep;
	char *at;

	buf -= c->nhold;
	memcpy(buf, c->hold, c->nhold);
	n += c->nhold;
	c->nhold = 0;
	for (;;) {
		tok = cap_token[c->on];
		m = strlen(tok);
		keep = 0;
		if ((at = mem_find(buf, n, tok, m)))
			keep = n - (size_t)(at - buf) - m;
		else if (!eof)  /* hold the longest tail that is a start of tok */
			for (keep = n < m ? n : m - 1; keep > 0; keep--)
				if (memcmp(buf + n - keep, tok, keep) == 0)
					break;
		m = at ? (size_t)(at - buf) : n - keep;
		if (c->on && m && sv.cf.loglevel <= L_DEBG)
			out_debug(p, i, buf, m);
		if (c->on && m)
			cap_add(c, p->cf->log[i].capture_maxbytes, buf, m);
		else if (m)
			out_log(p, i, buf, m);
		if (!at) {
			memcpy(c->hold, buf + n - keep, keep);
			c->nhold = keep;
			return;
		}
		if (c->on)
			log_msg(L_DEBG, "'%s' %s emitted a comm event", p->cf->name, stream_name[i]);
		c->on = !c->on;
		c->n = 0;
		buf = at + strlen(tok);
		n = keep;
	}
}

/* A stream that fills its pipe gets a wider one: half the loop's turns at
 * full speed.  Only busy ones: an idle pipe costs the kernel less. */
static void out_widen(struct ostream *o)
{
#ifdef F_SETPIPE_SZ
	if (!o->wide && fcntl(o->pipe, F_GETPIPE_SZ) < (1 << 20))
		fcntl(o->pipe, F_SETPIPE_SZ, 1 << 20);
	o->wide = 1;
#else
	(void)o;
#endif
}

/* Close a stream's pipe; a capture tail held back is let go (end of file). */
static void out_close(struct proc *p, int i)
{
	static char none[CAP_HOLD];
	struct ostream *o = &p->out[i];

	close(o->pipe);
	o->pipe = -1;
	if (o->cap)
		out_capture(p, i, none + sizeof none, 0, 1);
}

/* Read what one pipe has: the byte count, 0 if there is nothing now, -1 at
 * end of file (the pipe is then closed). */
static ssize_t out_read(struct proc *p, int i)
{
	static char buf[CAP_HOLD + OUT_CHUNK];
	char *data = buf + CAP_HOLD;        /* room for a capture's held tail */
	struct ostream *o = &p->out[i];
	ssize_t n = read(o->pipe, data, OUT_CHUNK);
	size_t len;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		out_close(p, i);
		return -1;
	}
	if (n >= 48 * 1024)         /* nearly all a default pipe holds */
		out_widen(o);
	len = sv.cf.strip_ansi ? out_strip_ansi(data, (size_t)n) : (size_t)n;
	if (o->cap)
		out_capture(p, i, data, len, 0);
	else if (len)
		out_log(p, i, data, len);
	return n;
}

/* May the loop read p's stream i?  Not while its log holds what a stream
 * has not taken: the child then waits, as it would writing to a pipe. */
static int out_wants_read(const struct proc *p, int i)
{
	return p->out[i].pipe >= 0 && !(p->out[i].log && p->out[i].log->npend);
}

/* The child is gone: take what it left in the pipes, then close them.  Stop
 * at "nothing more now": a grandchild may hold a pipe open forever.  While
 * the log is a stream still holding output, the pipe stays open and the
 * loop finishes it (watch_read), unless force: a new spawn, the end. */
static void out_drain(struct proc *p, int force)
{
	int i, k;

	for (i = 0; i < NSTREAMS; i++) {
		for (k = 0; k < 16 && (force ? p->out[i].pipe >= 0 : out_wants_read(p, i))
		            && out_read(p, i) > 0; k++)
			;
		if (p->out[i].pipe >= 0 && (force || out_wants_read(p, i)))
			out_close(p, i);
	}
	if (p->stdin_fd >= 0)
		close(p->stdin_fd);
	p->stdin_fd = -1;
}

/* ---- 7. processes ----------------------------------------------------- */

enum cmdcheck { CMD_OK, CMD_NOFILE, CMD_NOTEXEC };

static const char *state_name(enum sv_state st)
{
	switch (st) {
#define SV_STATE_NAME(name, code) case ST_##name: return #name;
	SV_STATES(SV_STATE_NAME)
#undef SV_STATE_NAME
	}
	return "UNKNOWN";
}

static int is_running_state(enum sv_state st)
{
	return st == ST_RUNNING || st == ST_STARTING || st == ST_BACKOFF;
}

static int is_stopped_state(enum sv_state st)
{
	return st == ST_STOPPED || st == ST_EXITED || st == ST_FATAL || st == ST_UNKNOWN;
}

/* "group:name", or "name" when the group has the process's name. */
static const char *proc_namespec(const struct proc *p)
{
	static char buf[512];

	if (strcmp(p->grp->cf.name, p->cf->name) == 0)
		return p->cf->name;
	snprintf(buf, sizeof buf, "%s:%s", p->grp->cf.name, p->cf->name);
	return buf;
}

static int exit_expected(const struct proc *p, int es)
{
	return es >= 0 && es < 256 && (p->cf->exitcodes[es / 8] >> (es % 8) & 1);
}

/* Would this EXITED process be restarted (spec 2.4)? */
static int proc_wants_restart(const struct proc *p)
{
	return p->cf->autorestart == AR_TRUE
	    || (p->cf->autorestart == AR_UNEXPECTED && !exit_expected(p, p->exitstatus));
}

/* The deadline a state starts with; the switch in proc_due acts on it. */
static int64_t proc_deadline(const struct proc *p, int64_t now)
{
	switch (p->state) {
	case ST_STARTING:
		return p->laststart + (int64_t)(p->cf->startsecs > 0 ? p->cf->startsecs : 0) * 1000;
	case ST_BACKOFF:
		return p->backoff > p->cf->startretries ? now : now + (int64_t)p->backoff * 1000;
	case ST_STOPPING:
		return now + (int64_t)(p->cf->stopwaitsecs > 0 ? p->cf->stopwaitsecs : 0) * 1000;
	case ST_EXITED:
		/* never more than one spawn a second (spec "differs on purpose" 1) */
		if (!proc_wants_restart(p))
			return 0;
		return p->laststart + 1000 > now ? p->laststart + 1000 : now;
	case ST_STOPPED:
		return p->cf->autostart && !p->laststart ? now : 0;
	case ST_RUNNING:
	case ST_FATAL:
	case ST_UNKNOWN:
		break;
	}
	return 0;
}

/* Every change of state goes through here: it logs the line (if any), sets
 * the new state's deadline and tells waiting clients. */
static void proc_change(struct proc *p, enum sv_state st, enum level lv,
                        const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		log_msg(lv, "%s", msg);
	}
	if (st == ST_BACKOFF)
		p->backoff++;
	else if (st == ST_RUNNING || st == ST_EXITED || st == ST_FATAL)
		p->backoff = 0;         /* a start that worked, or giving up, counts anew */
	p->state = st;
	p->due = proc_deadline(p, now_ms());
	ctl_notify(p);
}

/* Remember why the last start failed (msg is taken over; NULL clears). */
static void proc_spawnerr(struct proc *p, char *msg)
{
	free(p->spawnerr);
	p->spawnerr = msg;
}

/* "exit status 1", "terminated by SIGKILL (core dumped)"; *es gets the status
 * supervisord records (-1 for a signal). */
static const char *exit_describe(int status, int *es)
{
	static char buf[96];

	if (WIFEXITED(status)) {
		*es = WEXITSTATUS(status);
		snprintf(buf, sizeof buf, "exit status %d", *es);
	} else if (WIFSIGNALED(status)) {
		*es = -1;
		snprintf(buf, sizeof buf, "terminated by %s%s", sig_name(WTERMSIG(status)),
#ifdef WCOREDUMP
		         WCOREDUMP(status) ? " (core dumped)" :
#endif
		         "");
	} else {
		*es = -1;
		snprintf(buf, sizeof buf, "unknown termination cause 0x%04x", status);
	}
	return buf;
}

/* STARTING has lasted startsecs: the start worked. */
static void proc_running(struct proc *p)
{
	proc_change(p, ST_RUNNING, L_INFO, "success: %s entered RUNNING state, process has "
	            "stayed up for > than %d seconds (startsecs)", p->cf->name, p->cf->startsecs);
}

/* Did p's child exit within startsecs (a failed start)?  when is the stamp
 * of the first SIGCHLD since the last reap: it may be older than this
 * child, which was spawned in the meantime and exited after that. */
static int exit_too_quick(const struct proc *p, int64_t when)
{
	int64_t ran = when > p->laststart ? when - p->laststart : 0;

	return p->state == ST_STARTING && ran < (int64_t)p->cf->startsecs * 1000;
}

/* The child p was reaped with wait status `status`; it had exited by
 * monotonic ms `when` (spec 2.2). */
static void proc_exited(struct proc *p, int status, int64_t when)
{
	int es, quick = exit_too_quick(p, when);
	const char *how = exit_describe(status, &es);
	const char *name = p->cf->name;

	out_drain(p, 0);
	p->pid = 0;
	sv.statedirty = 1;
	p->stopwall = time(NULL);   /* status shows when it was last reaped */
	if (p->state == ST_STOPPING) {
		p->exitstatus = es;
		proc_change(p, ST_STOPPED, exit_expected(p, es) ? L_INFO : L_WARN,
		            "stopped: %s (%s)", name, how);
	} else if (quick) {
		proc_spawnerr(p, xstrdup("Exited too quickly (process log may have details)"));
		proc_change(p, ST_BACKOFF, L_WARN, "exited: %s (%s; not expected)", name, how);
	} else {
		p->exitstatus = es;
		if (p->state == ST_STARTING)
			proc_running(p);
		if (exit_expected(p, es)) {
			proc_change(p, ST_EXITED, L_INFO, "exited: %s (%s; expected)", name, how);
		} else {
			proc_spawnerr(p, xasprintf("Bad exit code %d", es));
			proc_change(p, ST_EXITED, L_WARN, "exited: %s (%s; not expected)", name, how);
		}
	}
}

/* The value of K in a "K=V" list, or NULL. */
static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);

	for (; env && *env; env++)
		if (strncmp(*env, key, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* Set K=V in sv, replacing an earlier K. */
static void env_set(struct strv *sv_, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	int i;

	for (i = 0; i < sv_->n; i++)
		if (strncmp(sv_->v[i], kv, klen) == 0 && sv_->v[i][klen] == '=') {
			free(sv_->v[i]);
			sv_->v[i] = xstrdup(kv);
			return;
		}
	strv_push(sv_, xstrdup(kv));
}

/* Split the command and find the program (spec 2.6 steps 1-3).  On success
 * argv and *path are filled (the caller frees them). */
static enum cmdcheck proc_command(const struct proc *p, struct strv *argv, char **path,
                                  char *err, size_t errlen)
{
	char why[128], *dirs, *dir, *save = NULL;
	const char *pathvar;
	struct stat st;

	*path = NULL;
	if (shlex_split(p->cf->command, argv, why, sizeof why) < 0) {
		errf(err, errlen, "can't parse command '%s': %s", p->cf->command, why);
		return CMD_NOTEXEC;
	}
	if (argv->n == 0) {
		errf(err, errlen, "command is empty");
		return CMD_NOTEXEC;
	}
	if (strchr(argv->v[0], '/')) {
		*path = xstrdup(argv->v[0]);
	} else {
		pathvar = env_get(p->cf->env.v, "PATH");
		if (!pathvar)
			pathvar = getenv("PATH");
		dirs = xstrdup(pathvar ? pathvar : "/bin:/usr/bin:/usr/local/bin");
		for (dir = strtok_r(dirs, ":", &save); dir && !*path; dir = strtok_r(NULL, ":", &save)) {
			char *cand = xasprintf("%s/%s", dir, argv->v[0]);
			if (stat(cand, &st) == 0)
				*path = cand;
			else
				free(cand);
		}
		free(dirs);
	}
	if (!*path || stat(*path, &st) < 0) {
		errf(err, errlen, "can't find command '%s'", argv->v[0]);
		return CMD_NOFILE;
	}
	if (S_ISDIR(st.st_mode))
		errf(err, errlen, "command at '%s' is a directory", *path);
	else if (!(st.st_mode & 0111))
		errf(err, errlen, "command at '%s' is not executable", *path);
	else if (access(*path, X_OK) < 0)
		errf(err, errlen, "no permission to run command '%s'", argv->v[0]);
	else
		return CMD_OK;
	return CMD_NOTEXEC;
}

/* The URL by which a client reaches server s, as a serverurl. */
static char *srv_url(const struct srvconf *s)
{
	if (s->kind == SRV_UNIX)
		return xasprintf("unix://%s", s->file);
	return xasprintf("http://%s:%d", *s->host ? s->host : "localhost", s->port);
}

/* SUPERVISOR_SERVER_URL for children: the program's serverurl, else the
 * first unix server, else the first inet server (spec 2.6 step 4). */
static char *proc_server_url(const struct proc *p)
{
	int i;

	if (p->cf->serverurl)
		return xstrdup(p->cf->serverurl);
	for (i = 0; i < sv.cf.nservers; i++)
		if (sv.cf.servers[i].kind == SRV_UNIX)
			return srv_url(&sv.cf.servers[i]);
	for (i = 0; i < sv.cf.nservers; i++)
		if (sv.cf.servers[i].kind == SRV_INET)
			return srv_url(&sv.cf.servers[i]);
	return NULL;
}

/* The child's environment: ours, the SUPERVISOR_* variables, then the
 * configured pairs, which may override all of them. */
static void proc_environment(const struct proc *p, struct strv *env)
{
	extern char **environ;
	char **e, *url = proc_server_url(p), *kv;
	int i;

	for (e = environ; *e; e++)
		env_set(env, *e);
	env_set(env, "SUPERVISOR_ENABLED=1");
	if (url) {
		kv = xasprintf("SUPERVISOR_SERVER_URL=%s", url);
		env_set(env, kv);
		free(kv);
		free(url);
	}
	kv = xasprintf("SUPERVISOR_PROCESS_NAME=%s", p->cf->name);
	env_set(env, kv);
	free(kv);
	kv = xasprintf("SUPERVISOR_GROUP_NAME=%s", p->grp->cf.name);
	env_set(env, kv);
	free(kv);
	for (i = 0; i < p->cf->env.n; i++)
		env_set(env, p->cf->env.v[i]);
}

/* What a child needs, made in the parent before fork: after fork only
 * async-signal-safe work is left. */
struct spawn {
	int fds[3];                 /* its stdin, stdout, stderr */
	const char *path;           /* the program found in PATH */
	char **argv, **envp;
	const char *user;           /* the user's name for initgroups; NULL: stay */
};

/* Report a failure inside the child the way supervisord does, then exit
 * 127 (spec 2.6, child step 6).  msg ends without a newline. */
static void child_fail(const char *msg)
{
	char buf[PATH_MAX + 256];
	int n = snprintf(buf, sizeof buf, "supervisor: %s\nsupervisor: child process was not "
	                 "spawned\n", msg);

	if (write(2, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1)) < 0) {
		/* the pipe is all we had */
	}
	_exit(127);
}

/* Drop to p's user: groups, gid, uid, in that order.  NULL, or why not. */
static const char *child_setuid(const struct proc *p, const char *user)
{
	if (p->cf->uid == getuid())
		return NULL;
	if (getuid() != 0)
		return "Can't drop privilege as nonroot user";
	if (initgroups(user, p->cf->gid) < 0)
		return "Could not set groups of effective user";
	if (setgid(p->cf->gid) < 0)
		return "Could not set group id of effective user";
	if (setuid(p->cf->uid) < 0)
		return "Could not set user id of effective user";
	return NULL;
}

/* In the forked child: own process group, default signal dispositions (but
 * SIGPIPE and SIGXFSZ ignored), fds 0-2 only, privileges dropped, directory,
 * umask, exec.  Signals stay blocked until the dispositions are reset, so
 * none reaches the daemon's handler in here. */
static void proc_child(const struct proc *p, const struct spawn *sp)
{
	char msg[PATH_MAX + 128];
	const char *why;
	sigset_t none;
	int sig, fd;

	setpgid(0, 0);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* Python's dispositions leak into supervisord's children; scripts
	 * written for it rely on them (spec 5.2) */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* every other fd is close-on-exec (see fds_cloexec): exec drops them */
	for (fd = 0; fd < 3; fd++)
		if (dup2(sp->fds[fd], fd) < 0)
			_exit(127);
	if (sp->user && (why = child_setuid(p, sp->user))) {
		snprintf(msg, sizeof msg, "couldn't setuid to %ld: %s", (long)p->cf->uid, why);
		child_fail(msg);
	}
	if (p->cf->directory && chdir(p->cf->directory) < 0) {
		snprintf(msg, sizeof msg, "couldn't chdir to %s: %s", p->cf->directory,
		         errno_name(errno));
		child_fail(msg);
	}
	if (p->cf->umask >= 0)
		umask((mode_t)p->cf->umask);
	execve(sp->path, sp->argv, sp->envp);
	snprintf(msg, sizeof msg, "couldn't exec %s: %s", sp->argv[0], errno_name(errno));
	child_fail(msg);
}

/* A spawn that failed in the parent: STARTING, then BACKOFF with the reason. */
static void proc_spawn_failed(struct proc *p, const char *why)
{
	proc_spawnerr(p, xstrdup(why));
	proc_change(p, ST_STARTING, L_INFO, NULL);
	proc_change(p, ST_BACKOFF, L_INFO, "spawnerr: %s", why);
}

static int cloexec_pipe(int fd[2])
{
	if (pipe(fd) < 0)
		return -1;
	fcntl(fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(fd[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Make the three pipes: child ends in kid[0..2], ours in p.  Returns 0, or
 * -1 with the spawnerr text in err. */
static int proc_pipes(struct proc *p, int kid[3], char *err, size_t errlen)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int e;

	if (cloexec_pipe(in) < 0 || cloexec_pipe(out) < 0
	    || (!p->cf->redirect_stderr && cloexec_pipe(errp) < 0)) {
		e = errno;
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		if (e == EMFILE || e == ENFILE)
			return errf(err, errlen, "too many open files to spawn '%s'", p->cf->name);
		return errf(err, errlen, "unknown error making dispatchers for '%s': %s",
		            p->cf->name, errno_name(e));
	}
	kid[0] = in[0];
	kid[1] = out[1];
	kid[2] = p->cf->redirect_stderr ? out[1] : errp[1];
	p->stdin_fd = in[1];
	p->out[0].pipe = out[0];
	p->out[1].pipe = errp[0];
	p->out[0].wide = p->out[1].wide = 0;
	fcntl(p->out[0].pipe, F_SETFL, O_NONBLOCK);
	if (p->out[1].pipe >= 0)
		fcntl(p->out[1].pipe, F_SETFL, O_NONBLOCK);
	fcntl(p->stdin_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

static void close_kid_ends(int kid[3])
{
	close(kid[0]);
	close(kid[1]);
	if (kid[2] != kid[1])
		close(kid[2]);
}

/* The kernel's start time of pid, or -1 where it cannot be known.  Read
 * after fork: the child is ours until we reap it, so it is this child's. */
static long long pid_start(pid_t pid)
{
	struct pinfo pi;

	return pinfo_read(pid, &pi) == 0 ? (long long)pi.start : -1;
}

/* fork with every signal blocked, so the child never runs our handler;
 * the parent's mask comes back as it was. */
static pid_t fork_quietly(void)
{
	sigset_t all, old;
	pid_t pid;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* Start p (spec 2.6).  Every outcome is a state change: STARTING with a
 * child, or BACKOFF with a spawnerr. */
static void proc_spawn(struct proc *p)
{
	struct strv argv = { 0 }, env = { 0 };
	struct spawn sp;
	char *path = NULL, err[512];
	pid_t pid;

	if (p->pid) {               /* still stopping: never two children */
		log_msg(L_WARN, "process '%s' already running", p->cf->name);
		return;
	}
	p->laststart = now_ms();
	p->startwall = time(NULL);
	out_drain(p, 1);            /* what the last child left, before new pipes */
	if (proc_command(p, &argv, &path, err, sizeof err) != CMD_OK
	    || proc_pipes(p, sp.fds, err, sizeof err) < 0) {
		proc_spawn_failed(p, err);
		goto out;
	}
	out_open(p);
	proc_environment(p, &env);
	sp.path = path;
	sp.argv = argv.v;
	sp.envp = env.v;
	sp.user = p->username;
	if ((pid = fork_quietly()) == 0)
		proc_child(p, &sp);
	close_kid_ends(sp.fds);
	if (pid < 0) {
		int e = errno;
		out_drain(p, 1);
		if (e == EAGAIN)
			snprintf(err, sizeof err, "Too many processes in process table to spawn '%s'",
			         p->cf->name);
		else
			snprintf(err, sizeof err, "unknown error during fork for '%s': %s",
			         p->cf->name, errno_name(e));
		proc_spawn_failed(p, err);
		goto out;
	}
	/* the child makes its own group too; whichever runs first, the group
	 * is there for a stop that comes right behind the start (stopasgroup
	 * signals -pid, which fails with ESRCH until then) */
	setpgid(pid, pid);
	p->pid = pid;
	p->pidstart = pid_start(pid);
	sv.statedirty = 1;
	proc_spawnerr(p, NULL);
	proc_change(p, ST_STARTING, L_INFO, "spawned: '%s' with pid %ld", p->cf->name, (long)pid);
out:
	strv_free(&argv);
	strv_free(&env);
	free(path);
}

/* Signal p (or its process group) and move it to STOPPING (spec 2.5). */
static void proc_kill(struct proc *p, int sig)
{
	int group = p->state == ST_STOPPING ? p->cf->killasgroup : p->cf->stopasgroup;

	log_msg(L_DEBG, "killing %s (pid %ld) %swith signal %s", p->cf->name, (long)p->pid,
	        group ? "process group " : "", sig_name(sig));
	proc_change(p, ST_STOPPING, L_DEBG, NULL);
	if (kill(group ? -p->pid : p->pid, sig) == 0)
		return;
	if (errno == ESRCH)         /* it is gone already: the reap will tell */
		log_msg(L_DEBG, "unable to signal %s (pid %ld), it probably just exited on its "
		        "own: [Errno %d] %s", p->cf->name, (long)p->pid, ESRCH, strerror(ESRCH));
	else
		proc_change(p, ST_UNKNOWN, L_CRIT, "unknown problem killing %s (%ld):%s",
		            p->cf->name, (long)p->pid, strerror(errno));
}

/* Ask p to stop.  Returns NULL, or why it could not. */
static const char *proc_stop(struct proc *p)
{
	static char why[256];

	if (p->state == ST_BACKOFF) {
		proc_change(p, ST_STOPPED, L_DEBG, "Attempted to kill %s, which is in BACKOFF state.",
		            p->cf->name);
		return NULL;
	}
	if (!p->pid) {
		snprintf(why, sizeof why, "attempted to kill %s with sig %s but it wasn't running",
		         p->cf->name, sig_name(p->cf->stopsignal));
		return why;
	}
	proc_kill(p, p->cf->stopsignal);
	return NULL;
}

/* p's deadline has come: act by state.  This switch is the timed half of the
 * state machine; proc_exited is the other half. */
static void proc_due(struct proc *p)
{
	p->due = 0;
	switch (p->state) {
	case ST_STOPPED:
	case ST_EXITED:
	case ST_BACKOFF:
		if (p->state == ST_BACKOFF && p->backoff > p->cf->startretries) {
			proc_change(p, ST_FATAL, L_INFO, "gave up: %s entered FATAL state, "
			            "too many start retries too quickly", p->cf->name);
		} else if (sv.mood == M_RUNNING)
			proc_spawn(p);
		break;
	case ST_STARTING:
		proc_running(p);
		break;
	case ST_STOPPING:
		log_msg(L_WARN, "killing '%s' (%ld) with SIGKILL", p->cf->name, (long)p->pid);
		proc_kill(p, SIGKILL);
		if (p->cf->stopwaitsecs <= 0)   /* repeat, but not in a tight loop */
			p->due = now_ms() + 1000;
		break;
	case ST_RUNNING:
	case ST_FATAL:
	case ST_UNKNOWN:
		break;
	}
}

/* ---- 8. groups -------------------------------------------------------- */

/* Priority order; the start order (the array order) breaks ties, as
 * supervisord's stable sort does. */
static int proc_cmp_priority(const void *a, const void *b)
{
	const struct proc *p = *(struct proc *const *)a, *q = *(struct proc *const *)b;

	if (p->cf->priority != q->cf->priority)
		return p->cf->priority < q->cf->priority ? -1 : 1;
	return p < q ? -1 : p > q;
}

/* Take over a group's configuration (the caller's copy is zeroed) and set up
 * its processes: STOPPED, never started, AUTO logs created (spec 3.1). */
static struct procgroup *grp_create(struct gconf *gc)
{
	struct procgroup *g = xcalloc(1, sizeof *g);
	int i;

	g->cf = *gc;
	memset(gc, 0, sizeof *gc);
	g->nprocs = g->cf.nprocs;
	g->procs = xcalloc((size_t)g->nprocs, sizeof *g->procs);
	for (i = 0; i < g->nprocs; i++) {
		struct proc *p = &g->procs[i];

		p->cf = &g->cf.procs[i];
		p->grp = g;
		p->stdin_fd = -1;
		out_attach(p);
		if (p->cf->user) {
			struct passwd *pw = getpwuid(p->cf->uid);
			p->username = xstrdup(pw ? pw->pw_name : p->cf->user);
		}
		p->state = ST_STOPPED;
		p->due = proc_deadline(p, now_ms());
	}
	g->byprio = xcalloc((size_t)g->nprocs, sizeof *g->byprio);
	for (i = 0; i < g->nprocs; i++)
		g->byprio[i] = &g->procs[i];
	qsort(g->byprio, (size_t)g->nprocs, sizeof *g->byprio, proc_cmp_priority);
	return g;
}

static void grp_free(struct procgroup *g)
{
	int i;

	for (i = 0; i < g->nprocs; i++) {
		free(g->procs[i].spawnerr);
		free(g->procs[i].username);
		out_detach(&g->procs[i]);
	}
	sv.procgen++;
	free(g->procs);
	free(g->byprio);
	gconf_free(&g->cf);
	free(g);
}

/* Create every group of sv.cf, in its (priority, name) order. */
static void grp_index(void);

static void grp_create_all(void)
{
	int i;

	sv.groups = xcalloc((size_t)sv.cf.ngroups, sizeof *sv.groups);
	for (i = 0; i < sv.cf.ngroups; i++)
		sv.groups[i] = grp_create(&sv.cf.groups[i]);
	sv.ngroups = sv.cf.ngroups;
	grp_index();
}

static void grp_free_all(void)
{
	int i;

	for (i = 0; i < sv.ngroups; i++)
		grp_free(sv.groups[i]);
	free(sv.groups);
	free(sv.procs);
	sv.groups = NULL;
	sv.procs = NULL;
	sv.ngroups = sv.nprocs = 0;
}

static struct procgroup *grp_find(const char *name)
{
	int i;

	for (i = 0; i < sv.ngroups; i++)
		if (strcmp(sv.groups[i]->cf.name, name) == 0)
			return sv.groups[i];
	return NULL;
}

static struct proc *grp_find_proc(const struct procgroup *g, const char *name)
{
	int i;

	for (i = 0; g && i < g->nprocs; i++)
		if (strcmp(g->procs[i].cf->name, name) == 0)
			return &g->procs[i];
	return NULL;
}

static char *xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* A deep copy of a group's configuration: the last read config keeps its
 * own copy for avail and add. */
static void gconf_copy(struct gconf *to, const struct gconf *from)
{
	int i, k;

	*to = *from;
	to->name = xstrdup(from->name);
	to->procs = xcalloc((size_t)from->nprocs, sizeof *to->procs);
	for (i = 0; i < from->nprocs; i++) {
		struct pconf *d = &to->procs[i];
		const struct pconf *o = &from->procs[i];

		*d = *o;
		d->name = xstrdup_or_null(o->name);
		d->program = xstrdup_or_null(o->program);
		d->command = xstrdup_or_null(o->command);
		d->directory = xstrdup_or_null(o->directory);
		d->user = xstrdup_or_null(o->user);
		d->serverurl = xstrdup_or_null(o->serverurl);
		memset(&d->env, 0, sizeof d->env);
		for (k = 0; k < o->env.n; k++)
			strv_push(&d->env, xstrdup(o->env.v[k]));
		for (k = 0; k < NSTREAMS; k++)
			d->log[k].path = xstrdup_or_null(o->log[k].path);
	}
}

/* Rebuild the flat list of processes after groups came or went. */
static void grp_index(void)
{
	int i, k;

	free(sv.procs);
	for (sv.nprocs = 0, i = 0; i < sv.ngroups; i++)
		sv.nprocs += sv.groups[i]->nprocs;
	sv.procs = xcalloc((size_t)sv.nprocs, sizeof *sv.procs);
	for (sv.nprocs = 0, i = 0; i < sv.ngroups; i++)
		for (k = 0; k < sv.groups[i]->nprocs; k++)
			sv.procs[sv.nprocs++] = &sv.groups[i]->procs[k];
}

/* Add a running group from a configuration (copied), in (priority, name)
 * order; its autostart processes start at once. */
static void grp_add(const struct gconf *gc)
{
	struct gconf copy;
	struct procgroup *g;
	int i;

	gconf_copy(&copy, gc);
	g = grp_create(&copy);
	sv.groups = xrealloc(sv.groups, (size_t)(sv.ngroups + 1) * sizeof *sv.groups);
	for (i = sv.ngroups; i > 0 && (sv.groups[i - 1]->cf.priority > g->cf.priority
	     || (sv.groups[i - 1]->cf.priority == g->cf.priority
	         && strcmp(sv.groups[i - 1]->cf.name, g->cf.name) > 0)); i--)
		sv.groups[i] = sv.groups[i - 1];
	sv.groups[i] = g;
	sv.ngroups++;
	grp_index();
}

static void ctl_forget_group(const struct procgroup *g);

/* Remove a stopped group. */
static void grp_remove(struct procgroup *g)
{
	int i;

	ctl_forget_group(g);
	for (i = 0; i < sv.ngroups && sv.groups[i] != g; i++)
		;
	memmove(sv.groups + i, sv.groups + i + 1, (size_t)(sv.ngroups - i - 1) * sizeof *sv.groups);
	sv.ngroups--;
	grp_free(g);
	grp_index();
}

/* The groups as last read: the running groups' own configurations until a
 * reread or a remove makes them differ, so no copy is kept before that. */
static int grp_nconfigured(void)
{
	return sv.have_lastread ? sv.lastread.ngroups : sv.ngroups;
}

static const struct gconf *grp_configured_at(int i)
{
	return sv.have_lastread ? &sv.lastread.groups[i] : &sv.groups[i]->cf;
}

/* Before the running groups change on their own (remove), keep what was
 * read: add must still find a removed group. */
static void grp_keep_configured(void)
{
	int i;

	if (sv.have_lastread)
		return;
	cfg_free(&sv.lastread);
	memset(&sv.lastread, 0, sizeof sv.lastread);
	sv.lastread.groups = xcalloc((size_t)sv.ngroups, sizeof *sv.lastread.groups);
	for (i = 0; i < sv.ngroups; i++)
		gconf_copy(&sv.lastread.groups[i], &sv.groups[i]->cf);
	sv.lastread.ngroups = sv.ngroups;
	sv.have_lastread = 1;
}

/* The group of this name in the last read configuration, or NULL. */
static const struct gconf *grp_configured(const char *name)
{
	int i;

	for (i = 0; i < grp_nconfigured(); i++)
		if (strcmp(grp_configured_at(i)->name, name) == 0)
			return grp_configured_at(i);
	return NULL;
}

/* Load the config files as the command line says into cf, which is left
 * empty on failure.  -1 with the first error. */
static int cfg_reload(struct config *cf, char *err, size_t errlen)
{
	struct strv errors = { 0 };
	int r;

	memset(cf, 0, sizeof *cf);
	if ((r = cfg_load(cf, &sv.cl, &errors)) < 0) {
		snprintf(err, errlen, "%s", errors.n ? errors.v[0] : "configuration error");
		cfg_free(cf);
		memset(cf, 0, sizeof *cf);
	}
	strv_free(&errors);
	return r;
}

/* Read the config files again into sv.lastread (what avail, add and update
 * use); the running groups stay as they are.  -1 with the error. */
static int grp_reread(char *err, size_t errlen)
{
	struct config cf;

	if (cfg_reload(&cf, err, errlen) < 0)
		return -1;
	cfg_free(&sv.lastread);
	sv.lastread = cf;
	sv.have_lastread = 1;
	return 0;
}

/* What changed between the last read configuration and the running groups
 * (supervisord's diff_to_active): added and changed in config order,
 * removed in running order. */
static void grp_changes(struct strv *added, struct strv *changed, struct strv *removed)
{
	const struct procgroup *g;
	int i;

	for (i = 0; i < grp_nconfigured(); i++) {
		const struct gconf *gc = grp_configured_at(i);
		if (!(g = grp_find(gc->name)))
			strv_push(added, xstrdup(gc->name));
		else if (g->cf.digest != gc->digest)
			strv_push(changed, xstrdup(gc->name));
	}
	for (i = 0; i < sv.ngroups; i++)
		if (!grp_configured(sv.groups[i]->cf.name))
			strv_push(removed, xstrdup(sv.groups[i]->cf.name));
}

static int grp_unstopped(const struct procgroup *g)
{
	int k;

	for (k = 0; k < g->nprocs; k++)
		if (!is_stopped_state(g->procs[k].state))
			return 1;
	return 0;
}

/* Shutdown and reload stop one group at a time, highest priority first, and
 * move on only when it has fully stopped; inside the group, highest priority
 * first (spec 2.8).  Returns 1 while anything is left unstopped. */
static int grp_shutdown_step(void)
{
	char names[1024];
	size_t len = 0;
	int i, left = 0;

	for (i = sv.ngroups - 1; i >= 0 && !grp_unstopped(sv.groups[i]); i--)
		;
	if (i >= 0) {
		struct procgroup *g = sv.groups[i];
		for (i = g->nprocs - 1; i >= 0; i--) {
			struct proc *p = g->byprio[i];
			if (p->state == ST_BACKOFF)
				proc_change(p, ST_FATAL, L_INFO, NULL);
			else if (p->state == ST_RUNNING || p->state == ST_STARTING)
				proc_stop(p);
		}
	}
	names[0] = '\0';
	for (i = 0; i < sv.nprocs; i++)
		if (!is_stopped_state(sv.procs[i]->state)) {
			left++;
			if (len < sizeof names - 1)
				len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
				                        len ? ", " : "", sv.procs[i]->cf->name);
		}
	if (left && now_ms() - sv.lastdielog >= 3000) {
		sv.lastdielog = now_ms();
		log_msg(L_INFO, "waiting for %s to die", names);
	}
	return left > 0;
}

/* ---- 9. control ------------------------------------------------------- */

#define CLIENT_OUT_MAX  (4 << 20)   /* a client further behind than this is dropped */

/* Faults, as supervisorctl words them, and the exit status each sets. */
enum fault { F_BAD_NAME, F_NO_FILE, F_NOT_EXEC, F_ALREADY, F_SPAWN, F_ABNORMAL,
             F_NOT_RUNNING };
static const struct { char text[24]; int status; } fault_info[] = {
	[F_BAD_NAME] = { "no such process", SV_EXIT_ERROR },
	[F_NO_FILE] = { "no such file", SV_EXIT_ERROR },
	[F_NOT_EXEC] = { "file is not executable", SV_EXIT_ERROR },
	[F_ALREADY] = { "already started", SV_EXIT_ERROR },
	[F_SPAWN] = { "spawn error", SV_EXIT_NOTRUNNING },
	[F_ABNORMAL] = { "abnormal termination", SV_EXIT_NOTRUNNING },
	[F_NOT_RUNNING] = { "not running", SV_EXIT_NOTRUNNING },
};

enum phase { PH_NONE, PH_STOP, PH_START, PH_FOLLOW, PH_UPDATE, PH_FG };

struct client {
	struct client *next;
	int fd;                     /* -1: the control FIFO's pseudo-client */
	int srv;                    /* the server it came in by; -1: the FIFO */
	int authed;
	enum { OPEN, DRAIN, DROP } closing; /* DRAIN: finish the request, send, close */
	char in[SV_REQ_MAX];
	size_t inlen;
	char *out;
	size_t outlen, outcap;
	/* the request being served */
	struct strv args;           /* words after the command */
	int argi;                   /* next word, for commands done name by name */
	enum phase phase;           /* stop or start; restart does both */
	int restart;
	int status;                 /* exit status so far: the last error wins */
	struct proc **waiting;      /* processes whose outcome is not known yet */
	int nwaiting;
	/* tail -f, maintail -f, fg (phase PH_FOLLOW or PH_FG): what it follows */
	const struct proc *follow;  /* NULL: the main log */
	int follow_stream;          /* -1: both (fg) */
	int bol;                    /* raw text so far ends a line: dot-stuff the next */
	int settle;                 /* a process it waits for changed state */
	int sig;                    /* signal: the signal asked for; -1: a bad name */
	/* update: its steps ("r:G", "c:G", "a:G"), argi the current one */
	struct strv steps;
	int stopped, fails;         /* the current step's group was stopped; failures */
};


/* Is the client streaming a log (tail -f, maintail -f, fg)? */
static int is_following(const struct client *c)
{
	return c->phase == PH_FOLLOW || c->phase == PH_FG;
}

/* Queue bytes for the client; the loop writes them when it can. */
static void ctl_put(struct client *c, const char *s, size_t n)
{
	if (!n || c->closing == DROP || c->srv < 0)   /* the FIFO's answers go to the log */
		return;
	if (c->outlen + n > CLIENT_OUT_MAX) {
		c->closing = DROP;      /* too far behind: drop it, never wait for it */
		return;
	}
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		c->out = xrealloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
}

/* One reply line, dot-stuffed (supervise.h); marker SV_ERR sends it to
 * the client's stderr, 0 to its stdout. */
static void ctl_vline(struct client *c, char marker, const char *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);

	if (n >= (int)sizeof buf)
		n = (int)sizeof buf - 1;
	if (c->srv < 0) {
		log_msg(L_INFO, "control_fifo: %s", buf);
		return;
	}
	if (marker)
		ctl_put(c, &marker, 1);
	else if (buf[0] == SV_END || buf[0] == SV_ERR)
		ctl_put(c, ".", 1);     /* text, not a marker */
	ctl_put(c, buf, (size_t)n);
	ctl_put(c, "\n", 1);
}

static void ctl_line(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vline(c, 0, fmt, ap);
	va_end(ap);
}

static void ctl_errline(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vline(c, SV_ERR, fmt, ap);
	va_end(ap);
}

/* End the reply with its exit status and get ready for the next request. */
static void ctl_end(struct client *c)
{
	char buf[16];
	int n = snprintf(buf, sizeof buf, "%c%d\n", SV_END, c->status);

	ctl_put(c, buf, (size_t)n);
	strv_free(&c->args);
	strv_free(&c->steps);
	c->argi = 0;
	c->phase = PH_NONE;
	c->restart = 0;
	c->status = 0;
	c->nwaiting = 0;
}

static void ctl_fault(struct client *c, const char *name, enum fault f, int ignore)
{
	ctl_line(c, "%s: ERROR (%s)", name, fault_info[f].text);
	if (!ignore)
		c->status = fault_info[f].status;
}

/* What a word names (supervisorctl's split_namespec): "g:*" or "g:" a group,
 * "g:p" a process of g, "p" the process p of group p. */
enum target { T_PROC, T_GROUP, T_NO_GROUP, T_NO_PROC };

static enum target ctl_resolve(const char *word, struct procgroup **g, struct proc **p)
{
	const char *colon = strchr(word, ':');
	char *gname = colon ? xstrndup(word, (size_t)(colon - word)) : xstrdup(word);
	const char *pname = colon ? colon + 1 : word;

	*g = grp_find(gname);
	free(gname);
	*p = NULL;
	if (colon && (!*pname || strcmp(pname, "*") == 0))
		return *g ? T_GROUP : T_NO_GROUP;
	*p = grp_find_proc(*g, pname);
	return *p ? T_PROC : T_NO_PROC;
}

static int has_word(const struct strv *args, const char *w)
{
	int i;

	for (i = 0; i < args->n; i++)
		if (strcmp(args->v[i], w) == 0)
			return 1;
	return 0;
}

/* ---- status ---- */

/* Python timedelta text: "0:00:05", "1 day, 0:00:00", "2 days, 3:04:05". */
static void fmt_uptime(char *buf, size_t len, long secs)
{
	long d = secs / 86400;

	if (secs < 0)
		secs = d = 0;
	secs %= 86400;
	if (d)
		snprintf(buf, len, "%ld day%s, %ld:%02ld:%02ld", d, d == 1 ? "" : "s",
		         secs / 3600, secs / 60 % 60, secs % 60);
	else
		snprintf(buf, len, "%ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
}

/* The description column of status (spec 4.3). */
static const char *proc_describe(const struct proc *p)
{
	static char buf[320];
	char up[64];
	struct tm tm;

	switch (p->state) {
	case ST_RUNNING:
		fmt_uptime(up, sizeof up, (long)(time(NULL) - p->startwall));
		snprintf(buf, sizeof buf, "pid %ld, uptime %s", (long)p->pid, up);
		return buf;
	case ST_BACKOFF:
	case ST_FATAL:
		if (p->spawnerr)
			return p->spawnerr;
		snprintf(buf, sizeof buf, "unknown error (try \"tail %s\")", p->cf->name);
		return buf;
	case ST_STOPPED:
	case ST_EXITED:
		if (!p->laststart)
			return "Not started";
		localtime_r(&p->stopwall, &tm);
		strftime(buf, sizeof buf, "%b %d %I:%M %p", &tm);
		return buf;
	case ST_STARTING:
	case ST_STOPPING:
	case ST_UNKNOWN:
		break;
	}
	return "";
}

static int proc_cmp_lexical(const void *a, const void *b)
{
	const struct proc *p = *(struct proc *const *)a, *q = *(struct proc *const *)b;
	int c = strcmp(p->grp->cf.name, q->grp->cf.name);

	return c ? c : strcmp(p->cf->name, q->cf->name);
}

/* Every process, sorted by group name then process name.  Caller frees. */
static struct proc **all_procs_lexical(int *n)
{
	struct proc **v = xcalloc((size_t)sv.nprocs, sizeof *v);

	memcpy(v, sv.procs, (size_t)sv.nprocs * sizeof *v);
	qsort(v, (size_t)sv.nprocs, sizeof *v, proc_cmp_lexical);
	*n = sv.nprocs;
	return v;
}

static void ctl_status(struct client *c)
{
	int n, i, k, shown = 0, width = 30;
	struct proc **all = all_procs_lexical(&n), **show;
	struct procgroup *g;
	struct proc *p;

	if (c->args.n == 0 || has_word(&c->args, "all")) {
		show = all;
		shown = n;
	} else {
		show = xcalloc((size_t)n * (size_t)c->args.n + 1, sizeof *show);
		for (i = 0; i < c->args.n; i++) {
			enum target t = ctl_resolve(c->args.v[i], &g, &p);
			int before = shown;

			for (k = 0; k < n; k++)
				if ((t == T_GROUP && all[k]->grp == g) || (t == T_PROC && all[k] == p))
					show[shown++] = all[k];
			if (shown == before) {
				if (t == T_GROUP || t == T_NO_GROUP)
					ctl_line(c, "%.*s: ERROR (no such group)",
					         (int)strcspn(c->args.v[i], ":"), c->args.v[i]);
				else
					ctl_line(c, "%s: ERROR (no such process)", c->args.v[i]);
				c->status = SV_EXIT_UNKNOWN;
			}
		}
	}
	for (i = 0; i < shown; i++)
		if ((int)strlen(proc_namespec(show[i])) > width)
			width = (int)strlen(proc_namespec(show[i]));
	for (i = 0; i < shown; i++) {
		ctl_line(c, "%-*s%-10s%s", width + 3, proc_namespec(show[i]),
		         state_name(show[i]->state), proc_describe(show[i]));
		if (is_stopped_state(show[i]->state))
			c->status = SV_EXIT_STOPPED;
	}
	if (show != all)
		free(show);
	free(all);
	ctl_end(c);
}

/* ---- start, stop, restart ---- */

static void ctl_wait_on(struct client *c, struct proc *p)
{
	c->waiting = xrealloc(c->waiting, (size_t)(c->nwaiting + 1) * sizeof *c->waiting);
	c->waiting[c->nwaiting++] = p;
}

/* Has p's start finished for a waiting client?  Prints the outcome. */
static int ctl_start_done(struct client *c, struct proc *p)
{
	if (p->spawnerr && p->state != ST_RUNNING)
		ctl_fault(c, proc_namespec(p), F_SPAWN, 0);
	else if (p->state == ST_RUNNING)
		ctl_line(c, "%s: started", proc_namespec(p));
	else if (p->state != ST_STARTING)
		ctl_fault(c, proc_namespec(p), F_ABNORMAL, 0);
	else
		return 0;
	return 1;
}

static int ctl_stop_done(struct client *c, struct proc *p)
{
	if (!is_stopped_state(p->state))
		return 0;
	ctl_line(c, "%s: stopped", proc_namespec(p));
	return 1;
}

/* Start one process for a client, checking in supervisord's order
 * (startProcess): the command, running already, unknown state, a child still
 * stopping.  Report what is known now, or wait for it. */
static void ctl_start_proc(struct client *c, struct proc *p)
{
	struct strv argv = { 0 };
	char *path, err[512];
	enum cmdcheck chk = proc_command(p, &argv, &path, err, sizeof err);

	strv_free(&argv);
	free(path);
	if (chk != CMD_OK) {
		ctl_fault(c, proc_namespec(p), chk == CMD_NOFILE ? F_NO_FILE : F_NOT_EXEC, 0);
		return;
	}
	if (is_running_state(p->state)) {
		ctl_fault(c, proc_namespec(p), F_ALREADY, 1);
		return;
	}
	if (p->state == ST_UNKNOWN) {
		ctl_line(c, "error: %s is in an unknown process state", proc_namespec(p));
		c->status = SV_EXIT_ERROR;
		return;
	}
	if (p->pid) {               /* STOPPING: its child is still there */
		log_msg(L_WARN, "process '%s' already running", p->cf->name);
		ctl_fault(c, proc_namespec(p), F_ABNORMAL, 0);
		return;
	}
	proc_spawn(p);
	if (p->state == ST_STARTING && p->due <= now_ms())
		proc_due(p);            /* startsecs=0 is RUNNING at once */
	if (!ctl_start_done(c, p))
		ctl_wait_on(c, p);
}

static void ctl_stop_proc(struct client *c, struct proc *p)
{
	const char *why;

	if (!is_running_state(p->state)) {
		ctl_fault(c, proc_namespec(p), F_NOT_RUNNING, 1);
		return;
	}
	if ((why = proc_stop(p))) {
		ctl_line(c, "FAILED: %s", why);
		c->status = SV_EXIT_ERROR;
		return;
	}
	p->lastwaitlog = now_ms() - 2000 + 50;  /* first "waiting" line after 50 ms */
	if (!ctl_stop_done(c, p))
		ctl_wait_on(c, p);
}

/* A group or "all": act on every process that the action applies to, in
 * priority order, all at once; no line for those it does not apply to. */
static void ctl_act_group(struct client *c, struct procgroup *only)
{
	int i, k;

	for (i = 0; i < sv.ngroups; i++) {
		if (only && sv.groups[i] != only)
			continue;
		for (k = 0; k < sv.groups[i]->nprocs; k++) {
			struct proc *p = sv.groups[i]->byprio[k];
			if (c->phase == PH_START && !is_running_state(p->state))
				ctl_start_proc(c, p);
			else if (c->phase == PH_STOP && is_running_state(p->state))
				ctl_stop_proc(c, p);
		}
	}
}

/* Act on the next name of the request. */
static void ctl_act_word(struct client *c, const char *word)
{
	struct procgroup *g;
	struct proc *p;

	switch (ctl_resolve(word, &g, &p)) {
	case T_PROC:
		if (c->phase == PH_START)
			ctl_start_proc(c, p);
		else
			ctl_stop_proc(c, p);
		break;
	case T_GROUP:
		ctl_act_group(c, g);
		break;
	case T_NO_GROUP:
		ctl_line(c, "%.*s: ERROR (no such group)", (int)strcspn(word, ":"), word);
		c->status = c->phase == PH_START ? SV_EXIT_ARGS : SV_EXIT_ERROR;
		break;
	case T_NO_PROC:
		ctl_fault(c, word, F_BAD_NAME, 0);
		break;
	}
}

/* Go on with a start/stop/restart until it must wait or is done.  Names are
 * done one after another, as supervisorctl does; "all" is one action. */
static void ctl_continue(struct client *c)
{
	while (c->nwaiting == 0) {
		if (c->phase == PH_START && sv.mood != M_RUNNING) {
			ctl_line(c, "error: SHUTDOWN_STATE: supervise is shutting down");
			c->status = SV_EXIT_ERROR;
			ctl_end(c);
			return;
		}
		if (c->argi == 0 && has_word(&c->args, "all")) {
			c->argi = c->args.n;
			ctl_act_group(c, NULL);
		} else if (c->argi < c->args.n) {
			ctl_act_word(c, c->args.v[c->argi++]);
		} else if (c->restart && c->phase == PH_STOP) {
			c->phase = PH_START;
			c->argi = 0;
		} else {
			ctl_end(c);
			return;
		}
	}
}

static void ctl_update_continue(struct client *c);
static void ctl_fg_input(struct client *c);

/* A process changed state: its waiting clients settle their accounts in
 * the loop, in the order they asked, so processes finishing together are
 * reported in that order. */
static void ctl_notify(struct proc *p)
{
	struct client *c;
	int i;

	for (c = sv.clients; c; c = c->next) {
		for (i = 0; i < c->nwaiting; i++)
			if (c->waiting[i] == p)
				c->settle = 1;
		if (c->phase == PH_FG && c->follow == p)
			c->settle = 1;
	}
}

/* Is what c waits for from p over?  Start and stop say how it ended. */
static int ctl_wait_done(struct client *c, struct proc *p)
{
	return c->phase == PH_START ? ctl_start_done(c, p)
	       : c->phase == PH_STOP ? ctl_stop_done(c, p) : is_stopped_state(p->state);
}

/* Report, in order, the waited-for processes that are done; go on with the
 * request when none is left. */
static void ctl_settle(struct client *c)
{
	int i, k;

	c->settle = 0;
	if (c->phase == PH_FG) {
		if (c->follow->state != ST_RUNNING) {
			ctl_line(c, "Process got killed");
			ctl_line(c, "Exiting foreground");
			c->follow = NULL;
			ctl_end(c);
			/* what the client typed meanwhile was meant for the process,
			 * and more may be on its way: none of it is a request, and
			 * the connection ends with the reply */
			c->inlen = 0;
			c->closing = DRAIN;
		}
		return;
	}
	for (i = k = 0; i < c->nwaiting; i++)
		if (!ctl_wait_done(c, c->waiting[i]))
			c->waiting[k++] = c->waiting[i];
	if (!(c->nwaiting = k))
		c->phase == PH_UPDATE ? ctl_update_continue(c) : ctl_continue(c);
}

/* A stop a client waits for says so in the main log every 2 s (spec 2.5).
 * Returns when the next line is due (0: none). */
static int64_t ctl_wait_report(int64_t now)
{
	struct client *c;
	int64_t next = 0;
	int i;

	for (c = sv.clients; c; c = c->next)
		for (i = 0; c->phase == PH_STOP && i < c->nwaiting; i++) {
			struct proc *p = c->waiting[i];
			if (now - p->lastwaitlog >= 2000) {
				p->lastwaitlog = now;
				log_msg(L_INFO, "waiting for %s to stop", p->cf->name);
			}
			next = min_due(next, p->lastwaitlog + 2000);
		}
	return next;
}

static void ctl_start_stop(struct client *c, enum phase ph, int restart, const char *cmd)
{
	if (c->args.n == 0) {
		ctl_line(c, "Error: %s requires a process name", cmd);
		c->status = ph == PH_START && !restart ? SV_EXIT_ARGS : SV_EXIT_ERROR;
		ctl_end(c);
		return;
	}
	c->phase = ph;
	c->restart = restart;
	ctl_continue(c);
}

static void ctl_start(struct client *c) { ctl_start_stop(c, PH_START, 0, "start"); }
static void ctl_stop(struct client *c) { ctl_start_stop(c, PH_STOP, 0, "stop"); }
static void ctl_restart(struct client *c) { ctl_start_stop(c, PH_STOP, 1, "restart"); }

/* ---- reload, shutdown, version, pid ---- */

static int ctl_no_args(struct client *c, const char *cmd)
{
	if (c->args.n == 0)
		return 1;
	ctl_line(c, "Error: %s accepts no arguments", cmd);
	c->status = SV_EXIT_ERROR;
	ctl_end(c);
	return 0;
}

static int daemon_reload_begin(char *err, size_t errlen);

static void ctl_reload(struct client *c)
{
	char err[ERRLEN];

	if (!ctl_no_args(c, "reload"))
		return;
	if (sv.mood != M_RUNNING) {
		ctl_line(c, "ERROR: already shutting down");
		c->status = SV_EXIT_ERROR;
	} else if (daemon_reload_begin(err, sizeof err) < 0) {
		ctl_line(c, "ERROR: CANT_REREAD: %s", err);
		c->status = SV_EXIT_ERROR;
	} else
		ctl_line(c, "Restarted supervisord");
	ctl_end(c);
}

static void ctl_shutdown(struct client *c)
{
	if (!ctl_no_args(c, "shutdown"))
		return;
	if (sv.mood != M_RUNNING)
		ctl_line(c, "ERROR: already shutting down");
	else {
		sv.mood = M_SHUTDOWN;
		ctl_line(c, "Shut down");
	}
	ctl_end(c);
}

static void ctl_version(struct client *c)
{
	if (!ctl_no_args(c, "version"))
		return;
	ctl_line(c, "%s", SV_VERSION);
	ctl_end(c);
}

static void ctl_pid(struct client *c)
{
	struct procgroup *g;
	struct proc *p;
	int i, n;

	if (c->args.n == 0)
		ctl_line(c, "%ld", (long)sv.pid);
	else if (has_word(&c->args, "all")) {
		struct proc **all = all_procs_lexical(&n);
		for (i = 0; i < n; i++)
			ctl_line(c, "%ld", (long)all[i]->pid);
		free(all);
	} else
		for (i = 0; i < c->args.n; i++) {
			if (ctl_resolve(c->args.v[i], &g, &p) != T_PROC) {
				ctl_line(c, "No such process %s", c->args.v[i]);
				c->status = SV_EXIT_ERROR;
				continue;
			}
			ctl_line(c, "%ld", (long)p->pid);
			if (!p->pid)
				c->status = SV_EXIT_NOTRUNNING;
		}
	ctl_end(c);
}

/* ---- signal, clear ---- */

/* supervisorctl's per-process result when a word names one process, a
 * group or "all": each applies fn to the matching processes. */
typedef void (*proc_fn)(struct client *c, struct proc *p, int whole);

/* Apply fn to what each word of names names; errors as signal and clear
 * print them.  whole: the process came in through a group or "all". */
static void ctl_each(struct client *c, char **names, int n, proc_fn fn)
{
	struct procgroup *g;
	struct proc *p;
	int i, k, j;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], "all") == 0) {
			for (k = 0; k < sv.ngroups; k++)
				for (j = 0; j < sv.groups[k]->nprocs; j++)
					fn(c, sv.groups[k]->byprio[j], 1);
			return;
		}
	for (i = 0; i < n; i++)
		switch (ctl_resolve(names[i], &g, &p)) {
		case T_PROC:
			fn(c, p, 0);
			break;
		case T_GROUP:
			for (k = 0; k < g->nprocs; k++)
				fn(c, g->byprio[k], 1);
			break;
		case T_NO_GROUP:
			ctl_line(c, "%.*s: ERROR (no such group)", (int)strcspn(names[i], ":"),
			         names[i]);
			c->status = SV_EXIT_ERROR;
			break;
		case T_NO_PROC:
			ctl_fault(c, names[i], F_BAD_NAME, 0);
			break;
		}
}

static int is_signallable(enum sv_state st)
{
	return st == ST_RUNNING || st == ST_STARTING || st == ST_STOPPING;
}

/* signal one process: only itself, never its group (spec 4.3). */
static void ctl_signal_proc(struct client *c, struct proc *p, int whole)
{
	if (whole && !is_signallable(p->state))
		return;                 /* groups and "all" skip those */
	if (c->sig < 0) {
		ctl_line(c, "%s: ERROR (bad signal name)", proc_namespec(p));
		c->status = SV_EXIT_ERROR;
	} else if (!is_signallable(p->state))
		ctl_fault(c, proc_namespec(p), F_NOT_RUNNING, 0);
	else if (kill(p->pid, c->sig) < 0 && errno != ESRCH) {
		ctl_line(c, "FAILED: %s: %s", proc_namespec(p), strerror(errno));
		c->status = SV_EXIT_ERROR;
	} else
		ctl_line(c, "%s: signalled", proc_namespec(p));
}

static void ctl_signal(struct client *c)
{
	char err[ERRLEN];

	if (c->args.n < 2) {
		ctl_line(c, "Error: signal requires a signal name and a process name");
		c->status = SV_EXIT_ERROR;
	} else {
		if (parse_signal(c->args.v[0], &c->sig, err, sizeof err) < 0)
			c->sig = -1;
		ctl_each(c, c->args.v + 1, c->args.n - 1, ctl_signal_proc);
	}
	ctl_end(c);
}

/* The distinct log files of p (stdout and stderr may share one): n of them. */
static int proc_logfiles(const struct proc *p, struct logfile *lf[NSTREAMS])
{
	int n = 0;

	if (p->out[0].log)
		lf[n++] = p->out[0].log;
	if (p->out[1].log && p->out[1].log != p->out[0].log)
		lf[n++] = p->out[1].log;
	return n;
}

/* clear: empty the logs of a running process by deleting and reopening
 * them; a stopped one answers "cleared" and keeps its logs (spec 3.4).  A
 * pass-through target such as /dev/stdout is never deleted. */
static void ctl_clear_proc(struct client *c, struct proc *p, int whole)
{
	struct logfile *lf[NSTREAMS];
	int i, n = proc_logfiles(p, lf);

	(void)whole;
	for (i = 0; p->pid && i < n; i++)
		if (!lf[i]->passthru) {
			logfile_close(lf[i]);
			unlink(lf[i]->path);
			logfile_open(lf[i]);
		}
	ctl_line(c, "%s: cleared", proc_namespec(p));
}

static void ctl_clear(struct client *c)
{
	struct procgroup *g;
	struct proc *p;
	int i;

	if (c->args.n == 0) {
		ctl_line(c, "Error: clear requires a process name");
		c->status = SV_EXIT_ERROR;
	}
	for (i = 0; i < c->args.n; i++)     /* a group is not a process here (quirk) */
		if (ctl_resolve(c->args.v[i], &g, &p) == T_GROUP) {
			ctl_line(c, "%.*s:None: ERROR (no such process)",
			         (int)strcspn(c->args.v[i], ":"), c->args.v[i]);
			c->status = SV_EXIT_ERROR;
		} else
			ctl_each(c, c->args.v + i, 1, ctl_clear_proc);
	ctl_end(c);
}

/* rotate (ours, Supervisor/supervisor#273): rotate p's log files now, as
 * maxbytes would.  An empty file stays, so it never pushes out a backup;
 * a process with nothing to rotate is an error only when named. */
static void ctl_rotate_proc(struct client *c, struct proc *p, int whole)
{
	struct logfile *lf[NSTREAMS];
	struct stat st;
	int i, n = proc_logfiles(p, lf), done = 0, failed = 0;

	for (i = 0; i < n; i++) {
		if (lf[i]->passthru || (stat(lf[i]->path, &st) == 0 ? st.st_size == 0 : lf[i]->fd < 0))
			continue;       /* a file moved away (logrotate) is started anew */
		if (logfile_rotate(lf[i]) < 0) {
			ctl_line(c, "%s: ERROR (cannot rotate %s: %s)", proc_namespec(p),
			         lf[i]->path, path_error(lf[i]->path, errno));
			failed = 1;
		} else
			done = 1;
	}
	if (failed)
		c->status = SV_EXIT_ERROR;
	else if (done)
		ctl_line(c, "%s: rotated", proc_namespec(p));
	else if (!whole) {
		ctl_line(c, "%s: ERROR (no log file to rotate)", proc_namespec(p));
		c->status = SV_EXIT_ERROR;
	}
}

static void ctl_rotate(struct client *c)
{
	if (c->args.n == 0) {
		ctl_line(c, "Error: rotate requires a process name");
		c->status = SV_EXIT_ERROR;
	}
	ctl_each(c, c->args.v, c->args.n, ctl_rotate_proc);
	ctl_end(c);
}

/* ---- tail, maintail ---- */

/* A log's raw bytes as reply text: dot-stuffed at every line start, across
 * calls (c->bol), so streams can be sent chunk by chunk. */
static void ctl_text(struct client *c, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (c->bol && (s[i] == SV_END || s[i] == SV_ERR)) {
			ctl_put(c, s + from, i - from);
			ctl_put(c, ".", 1);
			from = i;
		}
		c->bol = s[i] == '\n';
	}
	ctl_put(c, s + from, n - from);
}

/* Send a log file from offset on, as supervisord's readLog does: a negative
 * offset is "the last -offset bytes", 0 the whole file.  -1 if it cannot be
 * opened, -2 if it is no regular file. */
static int ctl_send_file(struct client *c, const char *path, long offset)
{
	char buf[16384];
	struct stat st;
	ssize_t n;
	int fd = path ? path_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0) : -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	if (!S_ISREG(st.st_mode)) {
		struct stat null;       /* /dev/null reads as empty, as in supervisord */
		int empty = S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0
		            && st.st_rdev == null.st_rdev;
		close(fd);      /* /dev/stdout: reading it would take the output or hang */
		return empty ? 0 : -2;
	}
	if (offset < 0 && (off_t)-offset < st.st_size)
		lseek(fd, st.st_size + offset, SEEK_SET);
	else if (offset > 0)
		lseek(fd, offset, SEEK_SET);
	while ((n = read(fd, buf, sizeof buf)) > 0 && c->closing != DROP)
		ctl_text(c, buf, (size_t)n);
	close(fd);
	return 0;
}

/* tail -f, maintail -f and fg stream to their client until it leaves.  The
 * control FIFO has nobody to stream to, and would run no command after:
 * refuse them there.  Returns 1 (and ends the reply) when refused. */
static int ctl_no_stream(struct client *c, const char *cmd)
{
	if (c->srv >= 0)
		return 0;
	ctl_line(c, "ERROR: %s streams to a client: use supervisectl, not the control FIFO", cmd);
	c->status = SV_EXIT_ERROR;
	ctl_end(c);
	return 1;
}

/* Start following: the banner, the last 1024 bytes, then every chunk the
 * daemon writes (ctl_follow_push).  Nothing polls the file. */
static void ctl_follow(struct client *c, const struct proc *p, int stream, const char *path)
{
	ctl_line(c, "==> Press Ctrl-C to exit <==");
	ctl_send_file(c, path, -1024);
	c->follow = p;
	c->follow_stream = stream;
	c->phase = PH_FOLLOW;
}

/* Did the log shrink under us (truncated by someone else) since we last
 * wrote?  Asked only when someone follows it: one fstat, no polling. */
static int follow_truncated(struct logfile *lf)
{
	struct stat st;

	if (!lf || lf->fd < 0 || fstat(lf->fd, &st) < 0 || st.st_size >= lf->size)
		return 0;
	lf->size = st.st_size;
	return 1;
}

/* Does c want the chunk (p, stream), or the main-log line (p NULL)?  tail -f
 * follows a file, which other streams may write too; fg its process. */
static int follows(const struct client *c, const struct proc *p, int stream)
{
	const struct logfile *lf;

	if (!is_following(c) || !c->follow != !p)
		return 0;
	if (!p || c->follow_stream < 0)
		return c->follow == p;
	if (c->follow == p && c->follow_stream == stream)
		return 1;
	lf = c->follow->out[c->follow_stream].log;
	return lf && lf == p->out[stream].log;
}

/* A child's chunk (p) or a main-log line (p NULL) for the followers. */
static void ctl_follow_push(struct proc *p, int stream, const char *s, size_t n)
{
	struct client *c;
	int truncated = -1;

	for (c = sv.clients; c; c = c->next)
		if (follows(c, p, stream)) {
			if (truncated < 0)
				truncated = follow_truncated(p ? p->out[stream].log : &sv.log);
			if (truncated)
				ctl_text(c, c->bol ? "==> File truncated <==\n"
				                   : "\n==> File truncated <==\n", c->bol ? 23 : 24);
			ctl_text(c, s, n);
		}
}

/* The byte count of a "-N" modifier, as supervisorctl reads it. */
static int tail_bytes(const char *mod, long *bytes)
{
	char err[ERRLEN];

	return parse_int(mod + 1, bytes, err, sizeof err);
}

/* tail -f of a log that does not exist: supervisorctl prints its banner,
 * then the server's 404 for PATH under the URL it came by, on stderr, and
 * exits 0.  The control FIFO's pseudo-client names the first server. */
static void ctl_follow_missing(struct client *c, const char *path)
{
	int i = c->srv >= 0 ? c->srv : 0;
	char *url = i < sv.cf.nservers ? srv_url(&sv.cf.servers[i]) : xstrdup("");

	ctl_line(c, "==> Press Ctrl-C to exit <==");
	ctl_errline(c, "%s/%s Cannot read, status code 404", url, path);
	free(url);
	ctl_end(c);
}

static void ctl_tail(struct client *c)
{
	const char *mod = NULL, *name, *chan = "stdout";
	char **a = c->args.v;
	int n = c->args.n, stream;
	long bytes = 1600;
	struct procgroup *g;
	struct proc *p;

	if (n < 1 || n > 3) {
		ctl_line(c, n < 1 ? "Error: too few arguments" : "Error: too many arguments");
		goto bad;
	}
	if (a[0][0] == '-') {
		mod = *a++;
		n--;
	}
	if (n == 0) {
		ctl_line(c, "Error: tail requires process name");
		goto bad;
	}
	name = a[0];
	if (n > 1) {
		chan = str_case(a[n - 1], 0);
		if (strcmp(chan, "stdout") && strcmp(chan, "stderr")) {
			ctl_line(c, "Error: bad channel '%s'", chan);
			goto bad;
		}
	}
	if (mod && strcmp(mod, "-f") && tail_bytes(mod, &bytes) < 0) {
		ctl_line(c, "Error: bad argument %s", mod);
		goto bad;
	}
	stream = strcmp(chan, "stderr") == 0;
	if (ctl_resolve(name, &g, &p) != T_PROC)
		p = NULL;
	if (mod && strcmp(mod, "-f") == 0) {
		if (ctl_no_stream(c, "tail -f"))
			return;
		/* supervisorctl prints its banner, then the server's 404 on stderr */
		if (!p || !out_path(p, stream) || access(out_path(p, stream), F_OK) < 0) {
			char *url = xasprintf("logtail/%s/%s", name, chan);
			ctl_follow_missing(c, url);
			free(url);
		} else
			ctl_follow(c, p, stream, out_path(p, stream));
		return;
	}
	if (!p) {
		ctl_line(c, "%s: ERROR (no such process name)", name);
		goto bad;
	}
	switch (ctl_send_file(c, out_path(p, stream), -bytes)) {
	case -1:
		ctl_line(c, "%s: ERROR (no log file)", name);
		goto bad;
	case -2:
		ctl_line(c, "%s: ERROR (unknown error reading log)", name);
		goto bad;
	}
	ctl_text(c, "\n", 1);       /* supervisorctl prints the bytes and a newline */
	ctl_end(c);
	return;
bad:
	c->status = SV_EXIT_ERROR;
	ctl_end(c);
}

static void ctl_maintail(struct client *c)
{
	const char *arg = c->args.n ? c->args.v[0] : NULL;
	long bytes = 1600;

	if (c->args.n > 1) {
		ctl_line(c, "Error: too many arguments");
		goto bad;
	}
	if (arg && strcmp(arg, "-f") && (arg[0] != '-' || tail_bytes(arg, &bytes) < 0)) {
		ctl_line(c, "Error: bad argument %s", arg);
		goto bad;
	}
	if (arg && strcmp(arg, "-f") == 0) {
		if (ctl_no_stream(c, "maintail -f"))
			return;
		if (sv.log.path && access(sv.log.path, F_OK) == 0)
			ctl_follow(c, NULL, 0, sv.log.path);
		else
			ctl_follow_missing(c, "mainlogtail");
		return;
	}
	switch (ctl_send_file(c, sv.log.path, -bytes)) {
	case 0:
		ctl_text(c, "\n", 1);
		ctl_end(c);
		return;
	case -2:
		ctl_line(c, "supervisord: ERROR (unknown error reading log)");
		goto bad;
	}
	ctl_line(c, "supervisord: ERROR (no log file)");
bad:
	c->status = SV_EXIT_ERROR;
	ctl_end(c);
}

/* ---- avail, reread, add, remove, update ---- */

/* A group is going away (update, remove): the stream of a follower of one
 * of its processes ends, and a client waiting on one (stopped by now) is
 * told the outcome while the process is still there to ask, then goes on
 * without it: another client's update must not leave it a dangling
 * pointer. */
static void ctl_forget_group(const struct procgroup *g)
{
	struct client *c;
	int i, k;

	for (c = sv.clients; c; c = c->next) {
		if (is_following(c) && c->follow && c->follow->grp == g) {
			c->phase = PH_NONE;
			c->follow = NULL;
			c->closing = DROP;
		}
		for (i = k = 0; i < c->nwaiting; i++)
			if (c->waiting[i]->grp != g)
				c->waiting[k++] = c->waiting[i];
			else
				ctl_wait_done(c, c->waiting[i]);
		if (k < c->nwaiting) {
			c->nwaiting = k;
			c->settle = 1;
		}
	}
}

/* avail lists processes of the last read config with their group. */
struct avail {
	const struct gconf *g;
	const struct pconf *p;
};

static int ctl_cmp_avail(const void *a, const void *b)
{
	const struct avail *x = a, *y = b;
	int c = strcmp(x->p->name, y->p->name);

	return c ? c : x->p < y->p ? -1 : x->p > y->p;   /* stable, as Python's sort */
}

static void ctl_avail(struct client *c)
{
	struct avail *v;
	char ns[512], prio[48];
	int i, k, n = 0;

	if (!ctl_no_args(c, "avail"))
		return;
	for (i = 0; i < grp_nconfigured(); i++)
		n += grp_configured_at(i)->nprocs;
	v = xcalloc((size_t)n, sizeof *v);
	for (n = 0, i = 0; i < grp_nconfigured(); i++)
		for (k = 0; k < grp_configured_at(i)->nprocs; k++, n++) {
			v[n].g = grp_configured_at(i);
			v[n].p = &grp_configured_at(i)->procs[k];
		}
	qsort(v, (size_t)n, sizeof *v, ctl_cmp_avail);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].g->name, v[i].p->name) == 0)
			snprintf(ns, sizeof ns, "%s", v[i].p->name);
		else
			snprintf(ns, sizeof ns, "%s:%s", v[i].g->name, v[i].p->name);
		snprintf(prio, sizeof prio, "%d:%d", v[i].g->priority, v[i].p->priority);
		ctl_line(c, "%-32s %-9s %-9s %s", ns, grp_find(v[i].g->name) ? "in use" : "avail",
		         v[i].p->autostart ? "auto" : "manual", prio);
	}
	free(v);
	ctl_end(c);
}

static void ctl_reread(struct client *c)
{
	struct strv lines = { 0 }, added = { 0 }, changed = { 0 }, removed = { 0 };
	char err[ERRLEN];
	int i;

	if (!ctl_no_args(c, "reread"))
		return;
	if (grp_reread(err, sizeof err) < 0) {
		ctl_line(c, "ERROR: CANT_REREAD: %s", err);
		c->status = SV_EXIT_ERROR;
		ctl_end(c);
		return;
	}
	grp_changes(&added, &changed, &removed);
	for (i = 0; i < added.n; i++)
		strv_push(&lines, xasprintf("%s: available", added.v[i]));
	for (i = 0; i < changed.n; i++)
		strv_push(&lines, xasprintf("%s: changed", changed.v[i]));
	for (i = 0; i < removed.n; i++)
		strv_push(&lines, xasprintf("%s: disappeared", removed.v[i]));
	if (lines.n)        /* qsort of NULL is undefined, even for nothing */
		qsort(lines.v, (size_t)lines.n, sizeof *lines.v, cmp_str);
	for (i = 0; i < lines.n; i++)
		ctl_line(c, "%s", lines.v[i]);
	if (!lines.n)
		ctl_line(c, "No config updates to processes");
	strv_free(&lines);
	strv_free(&added);
	strv_free(&changed);
	strv_free(&removed);
	ctl_end(c);
}

static void ctl_add(struct client *c)
{
	const struct gconf *gc;
	int i;

	for (i = 0; i < c->args.n; i++) {
		if (!(gc = grp_configured(c->args.v[i]))) {
			ctl_line(c, "ERROR: no such process/group: %s", c->args.v[i]);
			c->status = SV_EXIT_ERROR;
		} else if (grp_find(gc->name))
			ctl_line(c, "ERROR: process group already active");
		else {
			grp_add(gc);
			ctl_line(c, "%s: added process group", gc->name);
		}
	}
	ctl_end(c);
}

static void ctl_remove(struct client *c)
{
	struct procgroup *g;
	int i;

	for (i = 0; i < c->args.n; i++) {
		if (!(g = grp_find(c->args.v[i]))) {
			ctl_line(c, "ERROR: no such process/group: %s", c->args.v[i]);
			c->status = SV_EXIT_ERROR;
		} else if (grp_unstopped(g)) {
			ctl_line(c, "ERROR: process/group still running: %s", c->args.v[i]);
			c->status = SV_EXIT_ERROR;
		} else {
			grp_keep_configured();
			grp_remove(g);
			ctl_line(c, "%s: removed process group", c->args.v[i]);
		}
	}
	ctl_end(c);
}

/* Stop every process of g that is not stopped; wait for them.  Returns
 * how many stops failed. */
static int ctl_stop_group(struct client *c, struct procgroup *g)
{
	int k, fails = 0;

	for (k = 0; k < g->nprocs; k++) {
		struct proc *p = g->byprio[k];
		if (is_running_state(p->state) && proc_stop(p))
			fails++;
		if (!is_stopped_state(p->state))
			ctl_wait_on(c, p);
	}
	return fails;
}

/* One step of an update: "r:G" remove, "c:G" replace, "a:G" add (spec 4.3,
 * in supervisorctl's order).  Stopping a group waits; the step is taken
 * again when the stops are done (c->stopped).  Other clients go on
 * meanwhile: a process of G started again is stopped again (removing a
 * running process would leave it unsupervised), and a G another client
 * added is left alone. */
static void ctl_update_step(struct client *c, const char *step)
{
	const char *name = step + 2;
	struct procgroup *g = grp_find(name);

	if (step[0] != 'a' && g && (!c->stopped || grp_unstopped(g))) {
		c->fails += ctl_stop_group(c, g);
		c->stopped = 1;
		if (c->nwaiting)
			return;
	}
	if (step[0] != 'a')
		ctl_line(c, "%s: stopped", name);
	if (step[0] == 'a' && g) {
		ctl_line(c, "%s: ERROR (process group already active)", name);
	} else if (step[0] == 'r' && c->fails) {
		ctl_line(c, "%s: has problems; not removing", name);
		c->status = SV_EXIT_ERROR;
	} else if (step[0] == 'r') {
		if (g)
			grp_remove(g);
		ctl_line(c, "%s: removed process group", name);
	} else {
		if (g)
			grp_remove(g);
		if (grp_configured(name))
			grp_add(grp_configured(name));
		ctl_line(c, "%s: %s process group", name, step[0] == 'c' ? "updated" : "added");
	}
	c->stopped = 0;
	c->fails = 0;
	c->argi++;
}

static void ctl_update_continue(struct client *c)
{
	while (!c->nwaiting && c->argi < c->steps.n)
		ctl_update_step(c, c->steps.v[c->argi]);
	if (!c->nwaiting)
		ctl_end(c);
}

/* Is name among the groups the update was asked for (none: all)? */
static int update_wanted(const struct strv *only, const char *name)
{
	return only->n == 0 || has_word(only, name);
}

static void ctl_update(struct client *c)
{
	struct strv added = { 0 }, changed = { 0 }, removed = { 0 }, *only = &c->args;
	char err[ERRLEN];
	int i;

	if (grp_reread(err, sizeof err) < 0) {
		ctl_line(c, "error: CANT_REREAD: %s", err);
		c->status = SV_EXIT_ERROR;
		ctl_end(c);
		return;
	}
	if (has_word(only, "all"))
		strv_free(only);
	grp_changes(&added, &changed, &removed);
	for (i = 0; i < only->n; i++)
		if (!grp_find(only->v[i]) && !has_word(&added, only->v[i])) {
			ctl_line(c, "ERROR: no such group: %s", only->v[i]);
			c->status = SV_EXIT_ERROR;
		}
	for (i = 0; i < removed.n; i++)
		if (update_wanted(only, removed.v[i]))
			strv_push(&c->steps, xasprintf("r:%s", removed.v[i]));
	for (i = 0; i < changed.n; i++)
		if (update_wanted(only, changed.v[i]))
			strv_push(&c->steps, xasprintf("c:%s", changed.v[i]));
	for (i = 0; i < added.n; i++)
		if (update_wanted(only, added.v[i]))
			strv_push(&c->steps, xasprintf("a:%s", added.v[i]));
	strv_free(&added);
	strv_free(&changed);
	strv_free(&removed);
	c->phase = PH_UPDATE;
	c->argi = 0;
	ctl_update_continue(c);
}

/* ---- fg ---- */

/* fg NAME: the process's output as it comes, and what the client sends
 * goes to its stdin, until it stops running or the client leaves. */
static void ctl_fg(struct client *c)
{
	struct procgroup *g;
	struct proc *p = NULL;

	if (ctl_no_stream(c, "fg"))
		return;
	if (c->args.n == 0)
		ctl_line(c, "ERROR: no process name supplied");
	else if (c->args.n > 1)
		ctl_line(c, "ERROR: too many process names supplied");
	else if (ctl_resolve(c->args.v[0], &g, &p) != T_PROC)
		ctl_line(c, "ERROR: bad process name supplied");
	else if (p->state != ST_RUNNING)
		ctl_line(c, "ERROR: process not running");
	else {
		ctl_follow(c, p, 0, out_path(p, 0));
		ctl_send_file(c, out_path(p, 1), -1024);
		c->follow_stream = -1;
		c->phase = PH_FG;
		return;
	}
	c->status = SV_EXIT_ERROR;
	ctl_end(c);
}

/* Hand what an fg client typed to the process; what its stdin cannot take
 * now stays buffered (the client is not read meanwhile). */
static void ctl_fg_input(struct client *c)
{
	ssize_t w;

	if (!c->inlen || !c->follow || c->follow->stdin_fd < 0)
		return;
	w = write(c->follow->stdin_fd, c->in, c->inlen);
	if (w > 0) {
		memmove(c->in, c->in + w, c->inlen - (size_t)w);
		c->inlen -= (size_t)w;
	}
}

/* ---- requests ---- */

/* SHA-1 of s as 40 lowercase hex digits: what a "{SHA}" password holds
 * (spec 7.2).  Small and slow is fine: it runs once per login. */
static void sha1_hex(const char *s, char hex[41])
{
	uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	uint64_t bits = (uint64_t)strlen(s) * 8;
	size_t len = strlen(s), total = (len + 9 + 63) / 64 * 64, off, i;
	unsigned char *m = xcalloc(total, 1);

	memcpy(m, s, len);
	m[len] = 0x80;
	for (i = 0; i < 8; i++)
		m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (off = 0; off < total; off += 64) {
		uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f, k, t;

		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)m[off + 4 * i] << 24 | (uint32_t)m[off + 4 * i + 1] << 16
			     | (uint32_t)m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3];
		for (; i < 80; i++) {
			t = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
			w[i] = t << 1 | t >> 31;
		}
		for (i = 0; i < 80; i++) {
			if (i < 20)
				f = (b & c) | (~b & d), k = 0x5A827999;
			else if (i < 40)
				f = b ^ c ^ d, k = 0x6ED9EBA1;
			else if (i < 60)
				f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
			else
				f = b ^ c ^ d, k = 0xCA62C1D6;
			t = (a << 5 | a >> 27) + f + e + k + w[i];
			e = d, d = c, c = b << 30 | b >> 2, b = a, a = t;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
	}
	free(m);
	for (i = 0; i < 5; i++)
		snprintf(hex + 8 * i, 9, "%08x", (unsigned)h[i]);
}

/* Compare without leaking where the first difference is. */
static int secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = (unsigned char)(la != lb);

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}

/* Does password match the configured one, plain or "{SHA}" + hex sha1? */
static int password_ok(const char *conf, const char *given)
{
	char hex[41];

	if (strncmp(conf, "{SHA}", 5) != 0)
		return secret_equal(given, conf);
	sha1_hex(given, hex);
	return secret_equal(hex, conf + 5);
}

/* If line is an "auth" request, what follows the word; else NULL. */
static char *req_auth(char *line)
{
	line += strspn(line, " \t\r");
	return strncmp(line, "auth", 4) == 0 && (!line[4] || strchr(" \t\r", line[4]))
	       ? line + 4 : NULL;
}

/* auth USER PASSWORD, checked against the server the client came in by.
 * The password is the rest of the line after one blank, as the client
 * sends it: it may hold spaces or be empty, as with supervisord's HTTP
 * Basic auth.  A failed login undoes an earlier one. */
static void ctl_auth(struct client *c, char *rest)
{
	const struct srvconf *s = c->srv >= 0 ? &sv.cf.servers[c->srv] : NULL;
	size_t n = strlen(rest);
	char *user, *pass;

	if (n && rest[n - 1] == '\r')       /* nc -C ends lines with CR LF */
		rest[n - 1] = '\0';
	user = rest + strspn(rest, " \t");
	pass = user + strcspn(user, " \t");
	if (*pass)
		*pass++ = '\0';
	if (s && s->username)       /* both checked: the time tells no right username */
		c->authed = secret_equal(user, s->username) & password_ok(s->password, pass);
	if (!c->authed) {
		ctl_line(c, "Server requires authentication");
		c->status = SV_EXIT_ERROR;
	}
	ctl_end(c);
}

/* The commands, in the order of enum command.  No function pointers: in a
 * position-independent binary each costs a relocation; a switch costs none. */
enum command { C_STATUS, C_START, C_STOP, C_RESTART, C_RELOAD, C_SHUTDOWN, C_VERSION,
               C_PID, C_SIGNAL, C_CLEAR, C_TAIL, C_MAINTAIL, C_AVAIL, C_REREAD, C_ADD,
               C_REMOVE, C_UPDATE, C_FG, C_ROTATE, NCOMMANDS };

/* What a command answers while the daemon shuts down: supervisorctl words
 * it per command.  D_RUN: it runs anyway. */
enum down { D_STATE, D_RUN, D_SUPERVISOR, D_SHUTTING, D_ALREADY };
static const char down_text[][52] = {
	"error: SHUTDOWN_STATE: supervise is shutting down", "",
	"ERROR: supervisor shutting down", "ERROR: shutting down", "ERROR: already shutting down",
};

static const struct {
	char name[9];
	unsigned char down;
} commands[NCOMMANDS] = {
	{ "status", D_STATE }, { "start", D_STATE }, { "stop", D_STATE },
	{ "restart", D_STATE }, { "reload", D_RUN }, { "shutdown", D_RUN },
	{ "version", D_STATE }, { "pid", D_STATE }, { "signal", D_STATE },
	{ "clear", D_STATE }, { "tail", D_STATE }, { "maintail", D_STATE },
	{ "avail", D_SUPERVISOR }, { "reread", D_SUPERVISOR }, { "add", D_SHUTTING },
	{ "remove", D_STATE }, { "update", D_ALREADY }, { "fg", D_STATE },
	{ "rotate", D_STATE },
};

static void ctl_run(struct client *c, enum command cmd)
{
	switch (cmd) {
	case C_STATUS: ctl_status(c); break;
	case C_START: ctl_start(c); break;
	case C_STOP: ctl_stop(c); break;
	case C_RESTART: ctl_restart(c); break;
	case C_RELOAD: ctl_reload(c); break;
	case C_SHUTDOWN: ctl_shutdown(c); break;
	case C_VERSION: ctl_version(c); break;
	case C_PID: ctl_pid(c); break;
	case C_SIGNAL: ctl_signal(c); break;
	case C_CLEAR: ctl_clear(c); break;
	case C_TAIL: ctl_tail(c); break;
	case C_MAINTAIL: ctl_maintail(c); break;
	case C_AVAIL: ctl_avail(c); break;
	case C_REREAD: ctl_reread(c); break;
	case C_ADD: ctl_add(c); break;
	case C_REMOVE: ctl_remove(c); break;
	case C_UPDATE: ctl_update(c); break;
	case C_FG: ctl_fg(c); break;
	case C_ROTATE: ctl_rotate(c); break;
	case NCOMMANDS: break;
	}
}

/* Serve one request line. */
static void ctl_request(struct client *c, char *line)
{
	char *word, *save = NULL, *cmd;
	size_t i;

	if ((word = req_auth(line))) {
		ctl_auth(c, word);
		return;
	}
	cmd = strtok_r(line, " \t\r", &save);
	if (!cmd) {
		ctl_end(c);
		return;
	}
	while ((word = strtok_r(NULL, " \t\r", &save)))
		strv_push(&c->args, xstrdup(word));
	if (!c->authed) {
		ctl_line(c, "Server requires authentication");
		c->status = SV_EXIT_ERROR;
		ctl_end(c);
		return;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(cmd, commands[i].name) == 0) {
			if (sv.mood != M_RUNNING && commands[i].down != D_RUN) {
				ctl_line(c, "%s", down_text[commands[i].down]);
				c->status = SV_EXIT_ERROR;
				ctl_end(c);
			} else
				ctl_run(c, (enum command)i);
			return;
		}
	ctl_line(c, "*** Unknown syntax: %s", cmd);
	c->status = SV_EXIT_ERROR;
	ctl_end(c);
}

/* Take complete lines from the input buffer, one request at a time: the next
 * waits until the current one has ended. */
static void ctl_take_requests(struct client *c)
{
	char *nl;

	if (c->phase == PH_FG) {
		ctl_fg_input(c);
		return;
	}
	while (c->closing != DROP && c->phase == PH_NONE && c->nwaiting == 0
	       && (nl = memchr(c->in, '\n', c->inlen))) {
		size_t len = (size_t)(nl - c->in) + 1, k;

		for (k = 0; k + 1 < len; k++)   /* a NUL must not cut the line short */
			if (!c->in[k])
				c->in[k] = '?';
		*nl = '\0';
		if (c->srv < 0)     /* a password written there stays out of the log */
			log_msg(L_INFO, "control_fifo: %s", req_auth(c->in) ? "auth ..." : c->in);
		ctl_request(c, c->in);
		memmove(c->in, c->in + len, c->inlen - len);
		c->inlen -= len;
	}
	if (c->inlen == sizeof c->in && !memchr(c->in, '\n', c->inlen)) {
		ctl_line(c, "Error: request longer than %d bytes", SV_REQ_MAX);
		c->status = SV_EXIT_ARGS;
		ctl_end(c);
		c->inlen = 0;
		c->closing = c->srv < 0 ? OPEN : DRAIN;    /* the FIFO stays open */
	}
}

/* A new client of server srv (an index into sv.cf.servers). */
static struct client *ctl_new(int fd, int srv)
{
	struct client *c = xcalloc(1, sizeof *c);

	c->fd = fd;
	c->srv = srv;
	c->bol = 1;
	c->authed = srv < 0 || !sv.cf.servers[srv].username;
	c->next = sv.clients;
	sv.clients = c;
	return c;
}

/* One fd is kept in reserve: when every other one is taken, a client still
 * gets it, so `status` shows what goes wrong.  Taken back when a client
 * leaves. */
static void ctl_spare_keep(void)
{
	if (sv.sparefd < 0)
		sv.sparefd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* accept() ran out of fds or memory: the client it could not take stays in
 * the backlog and would wake poll at once, turn after turn, so the
 * listeners rest for a second and the clients wait.  Said once. */
static void ctl_accept_rest(int e)
{
	if (!sv.accept_after)
		log_msg(L_WARN, "cannot accept clients: %s; they wait and are retried every "
		        "second%s", strerror(e), e == EMFILE || e == ENFILE ? " (raise minfds "
		        "in [supervisord], or the system's limit of open files)" : "");
	sv.accept_after = now_ms() + 1000;
}

static void ctl_accept(int lfd, int srv)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && sv.sparefd >= 0) {
		close(sv.sparefd);      /* the reserve serves this one */
		sv.sparefd = -1;
		fd = accept(lfd, NULL, NULL);
	}
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			ctl_accept_rest(errno);
		return;                 /* EAGAIN, or a connection that failed: gone */
	}
	if (sv.accept_after) {
		log_msg(L_INFO, "clients are accepted again");
		sv.accept_after = 0;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ctl_new(fd, srv);
}

/* Write what the client can take now; never block on it. */
static void ctl_flush(struct client *c)
{
	ssize_t w;

	while (c->outlen > 0 && c->closing != DROP) {
		w = write(c->fd, c->out, c->outlen);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->closing = DROP;
			return;
		}
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
}

/* Read requests.  At end of file (the client half-closed its side) the
 * requests already read are still served and answered, then it is closed. */
static void ctl_read(struct client *c)
{
	ssize_t n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);

	if (n > 0)
		c->inlen += (size_t)n;
	else if (c->srv < 0)
		;                       /* the FIFO stays, whatever its writers do */
	else if (n == 0)
		c->closing = is_following(c) ? DROP : DRAIN;  /* a stream ends when its reader goes */
	else if (errno != EAGAIN && errno != EINTR)
		c->closing = DROP;
	ctl_take_requests(c);
}

static void ctl_free(struct client *c)
{
	close(c->fd);
	ctl_spare_keep();
	strv_free(&c->args);
	strv_free(&c->steps);       /* an update it hung up on */
	free(c->waiting);
	free(c->out);
	free(c);
}

/* Say what can still be said to every client, then close them all. */
static void ctl_drop_all(void)
{
	struct client *c;

	while ((c = sv.clients)) {
		sv.clients = c->next;
		ctl_flush(c);
		ctl_free(c);
	}
}

/* Serve requests that waited behind a finished one, write what is queued,
 * drop the clients that are done with. */
static void ctl_service(void)
{
	struct client **cp = &sv.clients, *c;

	int again, rounds;

	/* settling one client may start or stop what another waits for */
	for (again = 1, rounds = 0; again && rounds < 64; rounds++)
		for (again = 0, c = sv.clients; c; c = c->next)
			if (c->settle) {
				ctl_settle(c);
				again = 1;
			}
	while ((c = *cp)) {
		ctl_take_requests(c);
		ctl_flush(c);
		if (c->closing == DRAIN && is_following(c))
			c->closing = DROP;  /* a stream it asked for before its end came */
		if (c->closing == DROP || (c->closing == DRAIN && c->outlen == 0
		                           && c->phase == PH_NONE && !c->nwaiting)) {
			*cp = c->next;
			ctl_free(c);
			if (!sv.clients || (!sv.clients->next && sv.clients->srv < 0))
				heap_trim();    /* the last client left */
		} else
			cp = &c->next;
	}
}

/* ---- 10. event loop --------------------------------------------------- */

/* Set by SIGCHLD: the loop calls waitpid() only when a child has exited,
 * not at every turn (a flooding child makes thousands of turns a second).
 * child_exited_at is when the first of them was signalled: a long turn of
 * the loop never makes an exit within startsecs look like a late one. */
static volatile sig_atomic_t child_exited = 1;
static volatile int64_t child_exited_at;

/* Signal handlers only write the signal's number to the self-pipe; the loop
 * does the rest. */
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (sig == SIGCHLD && !child_exited) {
		child_exited_at = now_ms();     /* clock_gettime is async-signal-safe */
		child_exited = 1;
	}
	if (write(sv.sigpipe[1], &b, 1) < 0) { /* pipe full: one is pending anyway */ }
	errno = saved;
}

static void loop_signals_install(void)
{
	/* every signal supervisord leaves at its default would kill us and
	 * orphan the children: catch them all (spec "differs on purpose" 2) */
	static const int caught[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2, SIGCHLD,
	                              SIGUSR1, SIGALRM, SIGVTALRM, SIGPROF, SIGTTIN, SIGTTOU,
#ifdef SIGPWR
	                              SIGPWR,
#endif
#ifdef SIGIO
	                              SIGIO,
#endif
#ifdef SIGSTKFLT
	                              SIGSTKFLT,
#endif
	                            };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaction(caught[i], &sa, NULL);
#ifdef SIGRTMIN
	for (i = (size_t)SIGRTMIN; i <= (size_t)SIGRTMAX; i++)
		sigaction((int)i, &sa, NULL);
#endif
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

static void daemon_reopen_logs(void);

static void loop_signal(int sig)
{
	char err[ERRLEN];

	switch (sig) {
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		log_msg(L_WARN, "received %s indicating exit request", sig_name(sig));
		sv.mood = M_SHUTDOWN;
		break;
	case SIGHUP:
		if (sv.mood == M_SHUTDOWN) {
			log_msg(L_WARN, "ignored SIGHUP indicating restart request (shutdown in progress)");
			break;
		}
		log_msg(L_WARN, "received SIGHUP indicating restart request");
		if (sv.mood == M_RUNNING && daemon_reload_begin(err, sizeof err) < 0)
			log_msg(L_ERRO, "not reloading: the configuration has errors, the old one "
			        "stays in force: %s", err);
		break;
	case SIGUSR2:
		log_msg(L_INFO, "received SIGUSR2 indicating log reopen request");
		daemon_reopen_logs();
		break;
	case SIGCHLD:
		log_msg(L_DEBG, "received SIGCHLD indicating a child quit");
		break;
	default:
		log_msg(L_INFO, "received %s; ignored", sig_name(sig));
		break;
	}
}

static struct proc *proc_by_pid(pid_t pid)
{
	int i;

	for (i = 0; i < sv.nprocs; i++)
		if (sv.procs[i]->pid == pid)
			return sv.procs[i];
	return NULL;
}

/* Reap every child that has exited, before any deadline is looked at, so an
 * exit within startsecs is always a failed start (spec 2.7). */
static void loop_reap(void)
{
	struct proc *p;
	sigset_t chld, old;
	int64_t when;
	pid_t pid;
	int status, es;

	if (!child_exited)
		return;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);    /* the stamp is 64 bits: read it whole */
	when = child_exited_at ? child_exited_at : now_ms();
	child_exited = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((p = proc_by_pid(pid)))
			proc_exited(p, status, when);
		else
			log_msg(L_INFO, "reaped unknown pid %ld (%s)", (long)pid,
			        exit_describe(status, &es));
	}
}

/* Act on every deadline that has come. */
static void loop_deadlines(void)
{
	int64_t now = now_ms();
	int i;

	for (i = 0; i < sv.nprocs; i++)
		if (sv.procs[i]->due && sv.procs[i]->due <= now)
			proc_due(sv.procs[i]);
}

/* The next deadline of any process (0: none).  A spawn that waits for the
 * shutdown to end is no deadline. */
static int64_t loop_next_due(void)
{
	int64_t next = 0;
	int i;

	for (i = 0; i < sv.nprocs; i++) {
		const struct proc *p = sv.procs[i];
		if (p->due && (sv.mood == M_RUNNING || p->state == ST_STARTING
		               || p->state == ST_STOPPING))
			next = min_due(next, p->due);
	}
	return next;
}


/* The fds to watch: the self-pipe, the listening sockets, the clients, the
 * children's pipes, logs that hold output; `proc` and `stream` say which
 * process pipe each slot is, or stream says what else: -1 the self-pipe, -2
 * a client, -3-i listener i, W_LOG a log. */
#define W_LOG NSTREAMS

struct watch {
	struct pollfd *fds;
	struct proc **proc;
	int *stream;
	int n, cap;
	unsigned procgen;           /* sv.procgen when proc[] was taken */
};

static void watch_add(struct watch *w, int fd, short events, struct proc *p, int stream)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->fds = xrealloc(w->fds, (size_t)w->cap * sizeof *w->fds);
		w->proc = xrealloc(w->proc, (size_t)w->cap * sizeof *w->proc);
		w->stream = xrealloc(w->stream, (size_t)w->cap * sizeof *w->stream);
	}
	w->fds[w->n].fd = fd;
	w->fds[w->n].events = events;
	w->fds[w->n].revents = 0;
	w->proc[w->n] = p;
	w->stream[w->n] = stream;
	w->n++;
}

static void watch_free(struct watch *w)
{
	free(w->fds);
	free(w->proc);
	free(w->stream);
}

/* A log that holds what its pipe or tty has not taken yet waits to write. */
static void watch_log(struct watch *w, const struct logfile *lf)
{
	if (lf->npend && lf->fd >= 0 && !logfile_queued(lf, lf->pendseq))
		watch_add(w, lf->fd, POLLOUT, NULL, W_LOG);
}

static void watch_build(struct watch *w)
{
	struct logfile *lf;
	struct client *c;
	int i, s, rest = sv.accept_after > now_ms();   /* see ctl_accept_rest */

	w->n = 0;
	w->procgen = sv.procgen;
	watch_add(w, sv.sigpipe[0], POLLIN, NULL, -1);
	for (i = 0; !rest && sv.listenfd && i < sv.cf.nservers; i++)
		if (sv.listenfd[i] >= 0)
			watch_add(w, sv.listenfd[i], POLLIN, NULL, -3 - i);
	for (c = sv.clients; c; c = c->next)   /* no POLLIN after EOF (it would spin) */
		watch_add(w, c->fd, (short)((c->closing || c->inlen == sizeof c->in ? 0 : POLLIN)
		                            | (c->outlen ? POLLOUT : 0)), NULL, -2);
	for (i = 0; i < sv.nprocs; i++)
		for (s = 0; s < NSTREAMS; s++)
			if (out_wants_read(sv.procs[i], s))
				watch_add(w, sv.procs[i]->out[s].pipe, POLLIN, sv.procs[i], s);
	for (lf = sv.logfiles; lf; lf = lf->next)
		watch_log(w, lf);
	watch_log(w, &sv.log);
	watch_log(w, &sv.echo);
}

/* The log whose descriptor is fd; looked up, not remembered, because a
 * command handled in the same round may have released it. */
static struct logfile *watch_logfile(int fd)
{
	struct logfile *lf;

	if (sv.log.fd == fd)
		return &sv.log;
	if (sv.echo.fd == fd)
		return &sv.echo;
	for (lf = sv.logfiles; lf && lf->fd != fd; lf = lf->next)
		;
	return lf;
}

/* A pipe that keeps filling the buffer is read a few times in a row: fewer
 * turns of the loop for a flood, and a bounded wait for everyone else. */
static void watch_read(struct proc *p, int s)
{
	ssize_t n;
	int k = 0;

	do
		n = out_read(p, s);
	while (n == OUT_CHUNK && ++k < 8 && out_wants_read(p, s));
	if (n == 0 && !p->pid)      /* an exited child's, finished late: nothing more now */
		out_close(p, s);
}

static void watch_handle(struct watch *w)
{
	unsigned char sigs[64];
	struct logfile *lf;
	struct client *c;
	ssize_t n, j;
	int i;

	for (i = 0; i < w->n; i++) {
		if (!w->fds[i].revents)
			continue;
		if (i == 0) {
			n = read(sv.sigpipe[0], sigs, sizeof sigs);
			for (j = 0; j < n; j++)
				loop_signal(sigs[j]);
		} else if (w->stream[i] <= -3) {
			ctl_accept(w->fds[i].fd, -3 - w->stream[i]);
		} else if (w->stream[i] == -2) {
			for (c = sv.clients; c && c->fd != w->fds[i].fd; c = c->next)
				;
			if (c && (w->fds[i].revents & POLLIN))
				ctl_read(c);    /* requests sent before a hang-up still count */
			if (c && (w->fds[i].revents & (POLLHUP | POLLERR)))
				c->closing = DROP;      /* nobody left to answer */
		} else if (w->stream[i] == W_LOG) {
			if ((lf = watch_logfile(w->fds[i].fd)) && lf->npend)
				logfile_flush(lf);
		} else if (w->procgen != sv.procgen) {
			/* a signal or a command of this round freed processes;
			 * the pipes left are polled again from the new list */
		} else if (w->proc[i]->out[w->stream[i]].pipe == w->fds[i].fd
		           && out_wants_read(w->proc[i], w->stream[i])) {
			watch_read(w->proc[i], w->stream[i]);
		}
	}
}

/* The end, or a reload: take what the children left in their pipes and give
 * every stream what waits for it, for at most ms milliseconds (a reader that
 * never reads is not waited for longer; what is left is said lost). */
static void loop_flush_output(int ms)
{
	struct watch w = { 0 };
	struct logfile *lf;
	int64_t end = now_ms() + ms, now;
	int i;

	for (i = 0; i < sv.nprocs; i++)
		out_drain(sv.procs[i], 1);
	for (;;) {
		w.n = 0;
		for (lf = sv.logfiles; lf; lf = lf->next)
			watch_log(&w, lf);
		watch_log(&w, &sv.log);
		watch_log(&w, &sv.echo);
		now = now_ms();
		if (!w.n || now >= end || poll(w.fds, (nfds_t)w.n, (int)(end - now)) <= 0)
			break;
		for (i = 0; i < w.n; i++)
			if (w.fds[i].revents && (lf = watch_logfile(w.fds[i].fd)))
				logfile_flush(lf);
	}
	watch_free(&w);
}

static void daemon_reload_finish(void);
static void daemon_exit(void);
static void state_save(void);

/* Milliseconds until next, for poll: -1 (forever) with no deadline. */
static int poll_timeout(int64_t next, int64_t now)
{
	if (!next)
		return -1;
	if (next <= now)
		return 0;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

/* One turn of the loop: reap, act on deadlines, move a shutdown or reload
 * along, serve the clients, wait.  With nothing due the wait has no
 * timeout, so an idle daemon never wakes; most >= 0 bounds it (the fuzzer
 * turns the loop itself).  Returns 0 once a shutdown has stopped everything. */
static int loop_turn(struct watch *w, int most)
{
	int64_t next, now;
	int ms;

	loop_reap();
	loop_deadlines();
	if (sv.mood != M_RUNNING && !grp_shutdown_step()) {
		if (sv.mood == M_SHUTDOWN)
			return 0;
		daemon_reload_finish();
		return 1;
	}
	ctl_service();
	now = now_ms();
	next = min_due(loop_next_due(), ctl_wait_report(now));
	if (sv.mood != M_RUNNING)
		next = min_due(next, sv.lastdielog + 3000);
	if (sv.accept_after > now)
		next = min_due(next, sv.accept_after);
	if (sv.statedirty)
		state_save();
	ms = poll_timeout(next, now);
	if (most >= 0 && (ms < 0 || ms > most))
		ms = most;
	watch_build(w);
	if (poll(w->fds, (nfds_t)w->n, ms) > 0)
		watch_handle(w);
	return 1;
}

static void loop_run(void)
{
	struct watch w = { 0 };

	while (loop_turn(&w, -1))
		;
	watch_free(&w);
	daemon_exit();
}

/* ---- 11. main --------------------------------------------------------- */

/* A listening socket is close-on-exec and never blocks the loop. */
static int srv_ready(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* A server that could not be opened, in supervisord's words for errno e. */
static int srv_failed(int fd, int e, char *err, size_t errlen)
{
	if (fd >= 0)
		close(fd);
	if (e == EADDRINUSE)
		return errf(err, errlen, "Another program is already listening on a port that "
		            "one of our HTTP servers is configured to use.  Shut this program "
		            "down first before starting supervisord.");
	return errf(err, errlen, "Cannot open an HTTP server: socket.error reported errno.%s (%d)",
	            errno_name(e), e);
}

/* bind(2) at path with the socket's mode from its first moment: umask
 * does what chmod(2) after bind would, without the window in which it
 * follows a link planted at the new name (chmod's setuid/sticky bits mean
 * nothing on a socket). */
static int srv_bind_unix(int fd, const struct sockaddr_un *a, int chmod_bits)
{
	mode_t old = umask(~(mode_t)chmod_bits & 0777);
	int rc = bind(fd, (const struct sockaddr *)a, sizeof *a), e = errno;

	umask(old);
	errno = e;
	return rc;
}

/* Bind one [unix_http_server] socket: at <file>.<pid>, with its mode and
 * owner, then link it into place, so nobody ever connects to a half-made
 * socket.  Nothing here follows a link at either name (a link planted at
 * <file> is unlinked as a stale socket is); bind follows those on the way
 * to its directory, so these are checked. */
static int srv_open_unix(const struct srvconf *s, char *err, size_t errlen)
{
	struct sockaddr_un a;
	char tmp[sizeof a.sun_path + 32], why[ERRLEN];
	struct stat st;
	int fd, e;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (strlen(s->file) + 24 >= sizeof a.sun_path)
		return errf(err, errlen, "Cannot open an HTTP server: socket path %s is too long",
		            s->file);
	if (dir_planted(s->file, why, sizeof why))
		return errf(err, errlen, "Cannot open an HTTP server: %s", why);
	if (lstat(s->file, &st) == 0) {
		snprintf(a.sun_path, sizeof a.sun_path, "%s", s->file);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
			close(fd);
			return errf(err, errlen, "Another program is already listening on a port that "
			            "one of our HTTP servers is configured to use.  Shut this program "
			            "down first before starting supervisord.");
		}
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "Unlinking stale socket %s\n", s->file);
		unlink(s->file);
	}
	snprintf(tmp, sizeof tmp, "%s.%ld", s->file, (long)getpid());
	memcpy(a.sun_path, tmp, strlen(tmp) + 1);  /* fits: checked above */
	unlink(tmp);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || srv_bind_unix(fd, &a, s->chmod) < 0
	    || ((s->chown_uid != (uid_t)-1 || s->chown_gid != (gid_t)-1)
	        && lchown(tmp, s->chown_uid, s->chown_gid) < 0)
	    || linkat(AT_FDCWD, tmp, AT_FDCWD, s->file, 0) < 0 || listen(fd, 1024) < 0) {
		e = errno;
		unlink(tmp);
		return srv_failed(fd, e, err, errlen);
	}
	unlink(tmp);
	return srv_ready(fd);
}

/* Listen on an [inet_http_server] port: the same protocol as the socket. */
static int srv_open_inet(const struct srvconf *s, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char port[16];
	int fd, one = 1, e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(port, sizeof port, "%d", s->port);
	if (getaddrinfo(*s->host ? s->host : NULL, port, &hints, &res) != 0 || !res)
		return errf(err, errlen, "Cannot open an HTTP server: cannot resolve %s", s->host);
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	e = fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1024) < 0
	    ? errno : 0;
	freeaddrinfo(res);
	return e ? srv_failed(fd, e, err, errlen) : srv_ready(fd);
}

/* Open every server, unix sockets and inet ports. */
static int srv_open_all(char *err, size_t errlen)
{
	int i;

	sv.listenfd = xmalloc((size_t)sv.cf.nservers * sizeof *sv.listenfd);
	for (i = 0; i < sv.cf.nservers; i++)
		sv.listenfd[i] = -1;
	for (i = 0; i < sv.cf.nservers; i++)
		if ((sv.listenfd[i] = sv.cf.servers[i].kind == SRV_UNIX
		     ? srv_open_unix(&sv.cf.servers[i], err, errlen)
		     : srv_open_inet(&sv.cf.servers[i], err, errlen)) < 0)
			return -1;
	return 0;
}

/* The control FIFO ([supervisord] control_fifo, ours): commands written to
 * it run like a client's, their answers go to the main log.  Opened
 * read-write so it never reads end of file when a writer leaves. */
static int srv_open_fifo(char *err, size_t errlen)
{
	const char *path = sv.cf.control_fifo;
	char why[ERRLEN];
	struct stat st;
	int fd;

	if (!path)
		return 0;
	if (dir_planted(path, why, sizeof why))     /* mkfifo would follow it */
		return errf(err, errlen, "cannot make control_fifo %s: %s", path, why);
	if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode))
		unlink(path);           /* left by a daemon that was killed */
	if (mkfifo(path, 0600) < 0
	    || (fd = path_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW, 0)) < 0)
		return errf(err, errlen, "cannot make control_fifo %s: %s", path,
		            path_error(path, errno));
	/* a writer of someone else's FIFO, swapped in since mkfifo, would be let in */
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return errf(err, errlen, "cannot make control_fifo %s: another user's file "
		            "took its place; keep it in a directory only we may write", path);
	}
	ctl_new(fd, -1)->authed = 1;    /* its file mode is its lock */
	return 0;
}

/* Close the servers and remove the sockets we made. */
static void srv_close_all(void)
{
	int i;

	for (i = 0; sv.listenfd && i < sv.cf.nservers; i++)
		if (sv.listenfd[i] >= 0) {
			close(sv.listenfd[i]);
			if (sv.cf.servers[i].kind == SRV_UNIX)
				unlink(sv.cf.servers[i].file);
		}
	if (sv.cf.control_fifo)
		unlink(sv.cf.control_fifo);
	free(sv.listenfd);
	sv.listenfd = NULL;
}

static void srv_log_started(void)
{
	int i;

	if (sv.cf.rpcinterface)
		log_msg(L_INFO, "RPC interface 'supervisor' initialized");
	for (i = 0; i < sv.cf.nservers; i++)
		if (!sv.cf.servers[i].username)
			log_msg(L_CRIT, "Server '%s' running without any HTTP authentication checking",
			        sv.cf.servers[i].section);
}

static void pidfile_write(void)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	int fd = path_open(sv.cf.pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), e;

	sv.wrote_pidfile = fd >= 0 && write(fd, buf, (size_t)n) == n;
	if (fd >= 0 && close(fd) != 0)
		sv.wrote_pidfile = 0;
	if (sv.wrote_pidfile)
		return;
	e = errno;
	log_msg(L_CRIT, "could not write pidfile %s", sv.cf.pidfile);  /* supervisord's */
	if (e == ELOOP)
		log_msg(L_CRIT, "%s", path_error(sv.cf.pidfile, e));
}

static void pidfile_remove(void)
{
	if (sv.wrote_pidfile)
		unlink(sv.cf.pidfile);
	sv.wrote_pidfile = 0;
}

/* ---- the state file: what a killed daemon left running ---- */

/* A daemon killed with SIGKILL cannot stop its children.  The next one on
 * the same pidfile finds them in <pidfile>.state and stops them before it
 * starts anything, so that no program runs twice.  The pidfile names the
 * instance (two daemons on one box need two pidfiles), exists with and
 * without nodaemon, and lies where the daemon writes after dropping
 * privileges.  The file:
 *
 *     supervise-state 1 DAEMON-PID SESSION-ID BOOT-ID
 *     PID START-TIME NAME              one line per live child
 *
 * PID is also the child's process group; START-TIME is the kernel's (a pid
 * that another process took has another one), "-" where it is unknown.
 * The file is replaced (a temp file, renamed) in the loop turn after a child
 * is spawned or reaped, never on a timer, and removed when none is left. */
#define STATE_MAGIC "supervise-state 1"
#define LEFTOVER_GRACE 5000     /* ms after SIGKILL before a leftover is given up */

static char *state_path(void)
{
	return xasprintf("%s.state", sv.cf.pidfile);
}

/* Write n bytes of text to path through path.tmp and a rename, so that a
 * daemon killed halfway leaves the old file, never half a new one.
 * Returns 0 or an errno. */
static int file_replace(const char *path, const char *text, size_t n)
{
	char *tmp = xasprintf("%s.tmp", path);
	ssize_t w;
	int fd, e = 0;

	unlink(tmp);                /* left by a daemon killed while writing */
	fd = path_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		e = errno;
	else if ((w = write(fd, text, n)) != (ssize_t)n)
		e = w < 0 ? errno : ENOSPC;
	if (fd >= 0 && close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e && fd >= 0)
		unlink(tmp);
	free(tmp);
	return e;
}

/* A failed write is said once, and once more when it works again; the
 * children and the daemon go on either way. */
static void state_said(const char *path, int e)
{
	if (e && !sv.statefail)
		log_msg(L_WARN, "cannot write %s: %s; if supervise is killed, the next one will "
		        "not find the programs it leaves running", path, path_error(path, e));
	else if (!e && sv.statefail)
		log_msg(L_INFO, "%s works again", path);
	sv.statefail = e;
}

/* Write the live children to the state file, or remove it when none is
 * (a file that is not there needs no removing, on a read-only disk too). */
static void state_save(void)
{
	struct sbuf b = { 0 };
	struct stat st;
	char *path = state_path();
	int i, n = 0, e = 0;

	sv.statedirty = 0;
	sb_addf(&b, STATE_MAGIC " %ld %ld %s\n", (long)sv.pid, (long)getsid(0), sv.bootid);
	for (i = 0; i < sv.nprocs; i++) {
		const struct proc *p = sv.procs[i];
		if (!p->pid)
			continue;
		sb_addf(&b, "%ld ", (long)p->pid);
		if (p->pidstart < 0)
			sb_adds(&b, "- ");
		else
			sb_addf(&b, "%lld ", p->pidstart);
		sb_addf(&b, "%s\n", proc_namespec(p));
		n++;
	}
	if (n)
		e = file_replace(path, b.p, b.n);
	else if (lstat(path, &st) == 0 && unlink(path) < 0)
		e = errno;
	state_said(path, e);
	free(b.p);
	free(path);
}

/* The state file a previous daemon left, or NULL: none, or not one to
 * trust (said why).  Only a regular file of our own user is read: anyone
 * else who could write it could make us kill any process. */
static char *state_read(const char *path)
{
	struct sbuf b = { 0 };
	char buf[4096];
	struct stat st;
	ssize_t n = 0;
	int fd = path_open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);

	if (fd < 0) {
		if (errno != ENOENT)
			log_msg(L_WARN, "cannot read %s: %s; what a killed supervise left running "
			        "is not looked for", path, path_error(path, errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
		log_msg(L_WARN, "ignoring %s: not a regular file of uid %ld", path, (long)geteuid());
	else
		while ((n = read(fd, buf, sizeof buf)) > 0)
			sb_addn(&b, buf, (size_t)n);
	close(fd);
	if (n < 0)
		log_msg(L_WARN, "cannot read %s: %s", path, strerror(errno));
	if (n < 0 || !b.p) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* The first line of a state file: the daemon that wrote it. */
struct statehdr {
	long pid, sid;              /* the daemon and its session: its children's */
	char boot[40];
	int sure;                   /* the same boot, known: pids and start times compare */
};

/* "supervise-state 1 PID SID BOOT" into h; -1 if the line is not that. */
static int state_header_parse(char *line, struct statehdr *h)
{
	const size_t n = sizeof STATE_MAGIC;     /* with the blank after it */
	long long pid, sid;

	if (!line || strncmp(line, STATE_MAGIC " ", n) != 0)
		return -1;
	line += n;
	if (scan_num(&line, &pid) < 0 || scan_num(&line, &sid) < 0 || !*line
	    || strlen(line) >= sizeof h->boot || strchr(line, ' '))
		return -1;
	h->pid = (long)pid;
	h->sid = (long)sid;
	strcpy(h->boot, line);
	return 0;
}

/* Read the header line.  -1 (said why) for a file to ignore: not ours, or
 * from an earlier boot, whose pids are other processes now. */
static int state_header(char *line, const char *path, struct statehdr *h)
{
	if (state_header_parse(line, h) < 0) {
		log_msg(L_WARN, "ignoring %s: not a state file of supervise", path);
		return -1;
	}
	if (strcmp(h->boot, "-") != 0 && strcmp(sv.bootid, "-") != 0
	    && strcmp(h->boot, sv.bootid) != 0) {
		log_msg(L_DEBG, "ignoring %s: written before the last boot", path);
		return -1;
	}
	h->sure = strcmp(h->boot, "-") != 0 && strcmp(h->boot, sv.bootid) == 0;
	return 0;
}

/* A process group that a previous daemon left running, while it is stopped. */
struct leftover {
	long pid;                   /* the group, and its leader's pid */
	long long start;            /* the leader's start time; -1: unknown */
	const char *name;
	long sid;                   /* the previous daemon's session: the group's */
	int64_t due;                /* SIGKILL at this time; after it, giving up */
	int killed;
};

enum lo_kind { LO_GONE, LO_STOP, LO_REUSED, LO_DAEMON, LO_UNSURE };

/* What became of a group the state file names.  Ours to stop only when we
 * are sure: its leader has the start time written down (not a process that
 * took the pid) and is no child of the daemon that wrote the file (that one
 * still runs), or the leader is gone and the group lives on in the daemon's
 * session (a group id is not reused while the group exists).  Without a
 * boot id, start time or /proc, a group that seems alive is only reported. */
static enum lo_kind leftover_classify(const struct leftover *l, const struct statehdr *h)
{
	struct pinfo pi;

	if (pinfo_read(l->pid, &pi) == 0) {
		if (pinfo_dead(&pi) && !pgrp_running(l->pid, l->sid))
			return LO_GONE;
		if (!h->sure || l->start < 0)
			return LO_UNSURE;
		if ((long long)pi.start != l->start)
			return LO_REUSED;
		return pi.ppid == h->pid ? LO_DAEMON : LO_STOP;
	}
	if (errno == ENOENT && h->sure)
		return pgrp_running(l->pid, l->sid) ? LO_STOP : LO_GONE;
	return kill((pid_t)l->pid, 0) == 0 || errno == EPERM || pgrp_running(l->pid, l->sid)
	       ? LO_UNSURE : LO_GONE;
}

/* The leader is still the process the state file names. */
static int leftover_leader(const struct leftover *l)
{
	struct pinfo pi;

	return pinfo_read(l->pid, &pi) == 0 && !pinfo_dead(&pi)
	       && (long long)pi.start == l->start;
}

static int leftover_running(const struct leftover *l)
{
	return leftover_leader(l) || pgrp_running(l->pid, l->sid);
}

/* Signal the whole group; the leader alone if it left its group.  0, or
 * -1 with errno (gone already is no error). */
static int leftover_signal(const struct leftover *l, int sig)
{
	int r = kill((pid_t)-l->pid, sig);

	if (r < 0 && errno == ESRCH && leftover_leader(l))
		r = kill((pid_t)l->pid, sig);
	return r < 0 && errno != ESRCH ? -1 : 0;
}

/* Send a leftover its program's stopsignal (SIGTERM for a program no longer
 * configured) and set its SIGKILL deadline.  0, or -1 if it cannot be
 * signalled (said). */
static int leftover_begin(struct leftover *l)
{
	struct procgroup *g;
	struct proc *p;
	int sig = SIGTERM, secs = 10;

	if (ctl_resolve(l->name, &g, &p) == T_PROC) {  /* else supervisord's defaults */
		sig = p->cf->stopsignal;
		secs = p->cf->stopwaitsecs > 0 ? p->cf->stopwaitsecs : 0;
	}
	log_msg(L_WARN, "stopping leftover '%s' (pid %ld) of a previous supervise that did not "
	        "exit cleanly: %s to its process group", l->name, l->pid, sig_name(sig));
	l->due = now_ms() + (int64_t)secs * 1000;
	if (leftover_signal(l, sig) == 0)
		return 0;
	log_msg(L_ERRO, "cannot stop leftover '%s' (pid %ld): %s", l->name, l->pid,
	        strerror(errno));
	return -1;
}

/* One look at a leftover being stopped: 1 once it is gone or given up. */
static int leftover_check(struct leftover *l, int64_t now)
{
	if (!leftover_running(l)) {
		log_msg(L_INFO, "stopped leftover '%s' (pid %ld)", l->name, l->pid);
		return 1;
	}
	if (now < l->due)
		return 0;
	if (l->killed) {
		log_msg(L_ERRO, "leftover '%s' (pid %ld) is still there %d s after SIGKILL; "
		        "supervise goes on without it", l->name, l->pid, LEFTOVER_GRACE / 1000);
		return 1;
	}
	log_msg(L_WARN, "killing leftover '%s' (pid %ld) with SIGKILL", l->name, l->pid);
	l->killed = 1;
	l->due = now + LEFTOVER_GRACE;
	leftover_signal(l, SIGKILL);
	return 0;
}

/* Wait until every leftover is gone or given up.  They are not our
 * children, so no SIGCHLD says when: look every 50 ms.  This runs once, at
 * start-up, before the loop serves anyone. */
static void leftover_wait(struct leftover *l, int n)
{
	int i, left = n;

	while (left > 0) {
		int64_t now = now_ms();
		for (i = 0; i < n; i++)
			if (l[i].pid && leftover_check(&l[i], now)) {
				l[i].pid = 0;
				left--;
			}
		if (left)
			poll(NULL, 0, 50);
	}
}

/* One line of the state file: a group to stop (1, in *l), or one to leave
 * alone (0, said why when it may matter). */
static int leftover_take(char *line, const struct statehdr *h, struct leftover *l)
{
	long long pid;

	/* pid 0, 1 and what wraps around in a pid_t would signal the wrong group */
	if (scan_num(&line, &pid) < 0 || pid < 2 || pid > INT_MAX)
		return 0;
	if (strncmp(line, "- ", 2) == 0) {
		l->start = -1;
		line += 2;
	} else if (scan_num(&line, &l->start) < 0) {
		return 0;
	}
	if (!*line)
		return 0;
	l->pid = (long)pid;
	l->name = line;
	l->sid = h->sid;
	l->killed = 0;
	switch (leftover_classify(l, h)) {
	case LO_STOP:
		return leftover_begin(l) == 0;
	case LO_DAEMON:
		log_msg(L_WARN, "leaving '%s' (pid %ld) alone: it belongs to supervise pid %ld, "
		        "which still runs with pidfile %s; give each supervise its own pidfile",
		        l->name, l->pid, h->pid, sv.cf.pidfile);
		break;
	case LO_UNSURE:
		log_msg(L_WARN, "leaving '%s' (pid %ld) alone: a previous supervise may have left "
		        "it running, but this system cannot tell it from a process that took its "
		        "pid; stop it by hand if it is", l->name, l->pid);
		break;
	case LO_REUSED:
		log_msg(L_DEBG, "pid %ld of leftover '%s' is another process now", l->pid, l->name);
		break;
	case LO_GONE:
		break;
	}
	return 0;
}

/* Before anything starts: stop what a killed daemon of this pidfile left
 * running, and log that we did.  The first turn of the loop then writes
 * the file anew. */
static void leftover_stop_all(void)
{
	char *path = state_path(), *text = state_read(path), *line, *save = NULL;
	struct leftover *l = NULL;
	struct statehdr h;
	int n = 0, cap = 0;

	sv.statedirty = 1;
	if (text && state_header(strtok_r(text, "\n", &save), path, &h) == 0) {
		while ((line = strtok_r(NULL, "\n", &save))) {
			if (n == cap)
				l = xrealloc(l, (size_t)(cap = cap ? 2 * cap : 8) * sizeof *l);
			n += leftover_take(line, &h, &l[n]);
		}
		leftover_wait(l, n);
	}
	free(l);
	free(text);
	free(path);
}

static void note_push(struct config *cf, enum level lv, char *text)
{
	cf->notes = xrealloc(cf->notes, (size_t)(cf->nnotes + 1) * sizeof *cf->notes);
	cf->notes[cf->nnotes].level = lv;
	cf->notes[cf->nnotes++].text = text;
}

/* The notes supervisord logs about its user at every start and reload. */
static void daemon_user_notes(struct config *cf)
{
	if (cf->user)
		note_push(cf, L_INFO, xasprintf("Set uid to user %ld succeeded", (long)cf->uid));
	else if (getuid() == 0)
		note_push(cf, L_CRIT, xstrdup("Supervisor is running as root.  Privileges were "
		          "not dropped because no user is specified in the config file.  If you "
		          "intend to run as root, you can set user=root in the config file to "
		          "avoid this message."));
}

/* user= in [supervisord]: groups, gid, uid, in that order (spec 5.3 step 2). */
static int daemon_drop_privileges(char *err, size_t errlen)
{
	struct passwd *pw;

	if (!sv.cf.user || sv.cf.uid == getuid())
		return 0;
	if (getuid() != 0)
		return errf(err, errlen, "Can't drop privilege as nonroot user");
	pw = getpwuid(sv.cf.uid);
	if (initgroups(pw ? pw->pw_name : sv.cf.user, sv.cf.gid) < 0)
		return errf(err, errlen, "Could not set groups of effective user");
	if (setgid(sv.cf.gid) < 0)
		return errf(err, errlen, "Could not set group id of effective user");
	if (setuid(sv.cf.uid) < 0)
		return errf(err, errlen, "Could not set user id of effective user");
	return 0;
}

/* Raise one rlimit's soft (and if need be hard) limit to want (spec 5.3). */
static int daemon_raise_limit(int res, long want, const char *what, const char *msg,
                              char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(res, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || (long)rl.rlim_cur >= want)
		return 0;
	rl.rlim_cur = (rlim_t)want;
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < want)
		rl.rlim_max = (rlim_t)want;
	if (setrlimit(res, &rl) < 0)
		return errf(err, errlen, msg, want, want);
	note_push(&sv.cf, L_INFO, xasprintf("Increased %s limit to %ld", what, want));
	return 0;
}

static int daemon_raise_limits(char *err, size_t errlen)
{
	if (daemon_raise_limit(RLIMIT_NOFILE, sv.cf.minfds, "RLIMIT_NOFILE",
	    "The minimum number of file descriptors required to run this process is %ld as per "
	    "the \"minfds\" command-line argument or config file setting. The current environment "
	    "will only allow you to open %ld file descriptors.  Either raise the number of usable "
	    "file descriptors in your environment (see README.rst) or lower the minfds setting in "
	    "the config file to allow the process to start.", err, errlen) < 0)
		return -1;
#ifdef RLIMIT_NPROC
	return daemon_raise_limit(RLIMIT_NPROC, sv.cf.minprocs, "RLIMIT_NPROC",
	    "The minimum number of available processes required to run this program is %ld as "
	    "per the \"minprocs\" command-line argument or config file setting. The current "
	    "environment will only allow you to open %ld processes.  Either raise the number of "
	    "usable processes in your environment (see README.rst) or lower the minprocs setting "
	    "in the config file to allow the process to start.", err, errlen);
#else
	return 0;
#endif
}

/* A new start: the running groups are the config as last read. */
static void daemon_forget_lastread(void)
{
	cfg_free(&sv.lastread);
	memset(&sv.lastread, 0, sizeof sv.lastread);
	sv.have_lastread = 0;
}

/* Log, groups and servers for the configuration in sv.cf: what start-up
 * and reload share. */
static int daemon_realize(char *err, size_t errlen)
{
	daemon_user_notes(&sv.cf);
	log_open();
	log_notes(&sv.cf);
	out_cleanup_autologs();
	daemon_forget_lastread();
	grp_create_all();
	if (srv_open_all(err, errlen) < 0 || srv_open_fifo(err, errlen) < 0)
		return -1;
	srv_log_started();
	return 0;
}

static void daemon_release(void)
{
	srv_close_all();
	pidfile_remove();
	state_save();               /* removes it, unless a child could not be stopped */
	grp_free_all();
	log_close();
}

/* Check the new configuration before anything stops: a broken one is
 * reported and the old one keeps running (spec "differs on purpose" 3). */
static int daemon_reload_begin(char *err, size_t errlen)
{
	if (cfg_reload(&sv.next, err, errlen) < 0)
		return -1;
	sv.mood = M_RESTARTING;
	return 0;
}

/* Everything has stopped: start over with the new configuration in the
 * same process (spec 5.4). */
static void daemon_reload_finish(void)
{
	char err[ERRLEN];

	ctl_drop_all();             /* they came in through the old servers */
	loop_flush_output(2000);
	daemon_release();
	cfg_free(&sv.cf);
	sv.cf = sv.next;
	memset(&sv.next, 0, sizeof sv.next);
	if (daemon_realize(err, sizeof err) < 0)
		log_msg(L_CRIT, "%s; supervise goes on without a control socket: fix the "
		        "configuration and send SIGHUP", err);
	pidfile_write();
	log_msg(L_INFO, "supervisord started with pid %ld", (long)sv.pid);
	sv.mood = M_RUNNING;
}

/* SIGUSR2, after logrotate moved the files: every open log starts anew at
 * its path (supervisord reopens those of running processes only). */
static void daemon_reopen_logs(void)
{
	struct logfile *lf;

	log_msg(L_INFO, "supervisord logreopen");
	logfile_reopen(&sv.log);
	for (lf = sv.logfiles; lf; lf = lf->next)
		if (lf->fd >= 0)
			logfile_reopen(lf);
}

/* Everything stopped: say goodbye to the clients and give back what the
 * configuration holds (exit does this; so does the fuzzer between inputs). */
static void daemon_stop(void)
{
	ctl_drop_all();
	loop_flush_output(2000);
	daemon_release();
	cfg_free(&sv.lastread);
	cfg_free(&sv.cf);
}

static void daemon_exit(void)
{
	daemon_stop();
	close(sv.sigpipe[0]);
	close(sv.sigpipe[1]);
	close(sv.sparefd);
	exit(0);
}

/* Fork into the background.  The parent returns to the shell only when the
 * daemon is up (socket bound, pidfile written): it waits for a byte on a
 * pipe, so `supervise && supervisectl status` just works. */
static void daemon_detach(void)
{
	int ready[2], fd;
	char b;
	pid_t pid;

	if (cloexec_pipe(ready) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "Error: cannot daemonize: %s\n", strerror(errno));
		exit(2);
	}
	if (pid > 0) {
		close(ready[1]);
		exit(read(ready[0], &b, 1) == 1 ? 0 : 2);
	}
	close(ready[0]);
	sv.readyfd = ready[1];
	log_msg(L_INFO, "daemonizing the supervisord process");
	if (sv.cf.directory && chdir(sv.cf.directory) < 0)
		log_msg(L_CRIT, "can't chdir into '%s': [Errno %d] %s: '%s'", sv.cf.directory,
		        errno, strerror(errno), sv.cf.directory);
	else if (sv.cf.directory)
		log_msg(L_INFO, "set current directory: '%s'", sv.cf.directory);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setsid();
	umask((mode_t)sv.cf.umask);
}

static void daemon_ready(void)
{
	if (sv.readyfd >= 0) {
		if (write(sv.readyfd, "", 1) < 0) { /* the parent is gone: fine */ }
		close(sv.readyfd);
		sv.readyfd = -1;
	}
}

/* Hold fds 0-2 before opening anything: started with them closed, the
 * daemon would put its signal pipe there and /dev/null over it later. */
static void fds_std_hold(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd < 3)
		;
	if (fd > 2)
		close(fd);
}

/* Children must get fds 0-2 only.  Ours are close-on-exec from birth; mark
 * the ones we inherited (below minfds, as supervisord closes) the same way
 * once, instead of closing thousands of fds in every child. */
static void fds_cloexec(void)
{
	long fd, top = sv.cf.minfds > 1024 ? sv.cf.minfds : 1024;

	for (fd = 3; fd < top; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

/* ---- command line ---- */

static const char usage_text[] =
"supervise -- run a set of applications as daemons.\n"
"\n"
"Usage: %s [options]\n"
"\n"
"Options:\n"
"-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
"-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)\n"
"-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)\n"
"-h/--help -- print this usage message and exit\n"
"-v/--version -- print supervisord version number and exit\n"
"-u/--user USER -- run supervisord as this user (or numeric uid)\n"
"-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)\n"
"-d/--directory DIRECTORY -- directory to chdir to when daemonized\n"
"-l/--logfile FILENAME -- use FILENAME as logfile path\n"
"-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile\n"
"-z/--logfile_backups NUM -- number of backups to keep when max bytes reached\n"
"-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)\n"
"-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME\n"
"-i/--identifier STR -- identifier used for this instance of supervisord\n"
"-q/--childlogdir DIRECTORY -- the log directory for child process logs\n"
"-k/--nocleanup --  prevent the process from performing cleanup (removal of\n"
"                   old automatic child log files) at startup.\n"
"-a/--minfds NUM -- the minimum number of file descriptors for start success\n"
"--strip_ansi -- strip ansi escape codes from process output\n"
"--minprocs NUM  -- the minimum number of processes available for start success\n"
"--profile_options OPTIONS -- accepted for compatibility; supervise has no profiler\n"
"-t/--check -- check the configuration and every file it includes, then exit\n"
"-T/--print-config -- print the effective configuration and exit\n"
"--sample-config -- print an annotated sample configuration and exit\n";

enum act { ACT_RUN, ACT_CHECK, ACT_DUMP };

/* What an option sets: a flag, or a string checked by a datatype parser. */
enum optkind { OPT_FLAG, OPT_HELP, OPT_VERSION, OPT_CHECK, OPT_DUMP, OPT_SAMPLE,
               OPT_STR, OPT_INT, OPT_BYTES, OPT_OCTAL, OPT_LEVEL, OPT_DIR, OPT_PATH,
               OPT_IGNORED };     /* >= OPT_STR take a value */

static const struct option_def {
	char short_;
	char long_[17];
	enum optkind kind;
	size_t off;                 /* where in struct cmdline */
} options[] = {
#define CL(f) offsetof(struct cmdline, f)
	{ 'c', "configuration", OPT_STR, CL(config) },
	{ 'n', "nodaemon", OPT_FLAG, CL(nodaemon) },
	{ 's', "silent", OPT_FLAG, CL(silent) },
	{ 'h', "help", OPT_HELP, 0 },
	{ 'v', "version", OPT_VERSION, 0 },
	{ 'u', "user", OPT_STR, CL(user) },   /* checked with the config, as supervisord does */
	{ 'm', "umask", OPT_OCTAL, CL(umask) },
	{ 'd', "directory", OPT_DIR, CL(directory) },
	{ 'l', "logfile", OPT_PATH, CL(logfile) },
	{ 'y', "logfile_maxbytes", OPT_BYTES, CL(logfile_maxbytes) },
	{ 'z', "logfile_backups", OPT_INT, CL(logfile_backups) },
	{ 'e', "loglevel", OPT_LEVEL, CL(loglevel) },
	{ 'j', "pidfile", OPT_PATH, CL(pidfile) },
	{ 'i', "identifier", OPT_STR, CL(identifier) },
	{ 'q', "childlogdir", OPT_DIR, CL(childlogdir) },
	{ 'k', "nocleanup", OPT_FLAG, CL(nocleanup) },
	{ 'a', "minfds", OPT_INT, CL(minfds) },
	{ 0, "strip_ansi", OPT_FLAG, CL(strip_ansi) },
	{ 0, "minprocs", OPT_INT, CL(minprocs) },
	{ 0, "profile_options", OPT_IGNORED, 0 },
	{ 't', "check", OPT_CHECK, 0 },
	{ 'T', "print-config", OPT_DUMP, 0 },
	{ 0, "sample-config", OPT_SAMPLE, 0 },
#undef CL
};

static void usage_error(const char *fmt, const char *arg)
{
	fputs("Error: ", stderr);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nFor help, use %s -h\n", sv.argv0);
	exit(2);
}

/* Check an option's value with the datatype's parser, as supervisord does
 * when it meets the option (spec 5.1: "invalid value for -m '8': ..."). */
static void opt_check(const struct option_def *o, const char *name, const char *v)
{
	char err[ERRLEN], *path = NULL;
	long l;
	long long ll;
	int i, bad = 0;
	enum level lv;

	switch (o->kind) {
	case OPT_INT: bad = parse_int(v, &l, err, sizeof err); break;
	case OPT_BYTES: bad = parse_bytes(v, &ll, err, sizeof err); break;
	case OPT_OCTAL: bad = parse_octal(v, &i, err, sizeof err); break;
	case OPT_LEVEL: bad = parse_loglevel(v, &lv, err, sizeof err); break;
	case OPT_DIR: bad = parse_dir(v, &path, err, sizeof err); break;
	case OPT_PATH: bad = parse_dirpath(v, &path, err, sizeof err); break;
	default: break;
	}
	free(path);
	if (bad) {
		fprintf(stderr, "Error: invalid value for %s '%s': %s\nFor help, use %s -h\n",
		        name, v, err, sv.argv0);
		exit(2);
	}
}

/* A long option by its name or, as Python's getopt allows, a unique prefix.
 * Our own options match only in full, so that no abbreviation supervisord
 * accepts becomes ambiguous. */
static const struct option_def *opt_long(const char *name, size_t n)
{
	const struct option_def *found = NULL;
	size_t i;

	for (i = 0; i < sizeof options / sizeof options[0]; i++) {
		if (strncmp(options[i].long_, name, n) != 0)
			continue;
		if (!options[i].long_[n])
			return &options[i];
		if (options[i].kind >= OPT_CHECK && options[i].kind <= OPT_SAMPLE)
			continue;
		if (found)
			usage_error("option --%s not a unique prefix", xstrndup(name, n));
		found = &options[i];
	}
	if (!found)
		usage_error("option --%s not recognized", xstrndup(name, n));
	return found;
}

static const struct option_def *opt_short(char c)
{
	char name[3] = { '-', c, 0 };
	size_t i;

	for (i = 0; i < sizeof options / sizeof options[0]; i++)
		if (options[i].short_ == c)
			return &options[i];
	usage_error("option %s not recognized", name);
	return NULL;
}

/* Apply one option; name is how it is named in messages ("-c", "--user"). */
static void opt_apply(const struct option_def *o, const char *name, const char *val,
                      enum act *act)
{
	static unsigned char seen[sizeof options / sizeof options[0]];

	if (seen[o - options]++)
		usage_error("conflicting command line option '%s'", name);
	if (o->kind >= OPT_STR) {
		opt_check(o, name, val);
		if (o->kind != OPT_IGNORED)
			*(const char **)((char *)&sv.cl + o->off) = val;
		return;
	}
	switch (o->kind) {
	case OPT_FLAG: *(int *)((char *)&sv.cl + o->off) = 1; break;
	case OPT_HELP: printf(usage_text, sv.argv0); exit(0);
	case OPT_VERSION: printf("%s\n", SV_VERSION); exit(0);
	case OPT_SAMPLE: fputs(cfg_sample, stdout); exit(0);
	case OPT_CHECK: *act = ACT_CHECK; break;
	case OPT_DUMP: *act = ACT_DUMP; break;
	default: break;
	}
}

/* Parse argv into sv.cl the way Python's getopt does (spec 5.1): short
 * options may be clustered, long ones abbreviated, and the first word that
 * is not an option ends the options. */
static enum act opts_parse(int argc, char **argv)
{
	enum act act = ACT_RUN;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *arg = argv[i], *p;
		const struct option_def *o;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[1] == '-') {
			size_t n = strcspn(arg + 2, "=");
			const char *val = arg[2 + n] == '=' ? arg + 3 + n : NULL;
			char name[32];

			snprintf(name, sizeof name, "--%s", (o = opt_long(arg + 2, n))->long_);

			if (o->kind < OPT_STR && val)
				usage_error("option %s must not have an argument", name);
			if (o->kind >= OPT_STR && !val && (val = argv[++i]) == NULL)
				usage_error("option %s requires argument", name);
			opt_apply(o, name, val, &act);
			continue;
		}
		for (p = arg + 1; *p; p++) {
			char name[3] = { '-', *p, 0 };

			if ((o = opt_short(*p))->kind < OPT_STR) {
				opt_apply(o, name, NULL, &act);
				continue;
			}
			if (!p[1] && !argv[i + 1])
				usage_error("option %s requires argument", name);
			opt_apply(o, name, p[1] ? p + 1 : argv[++i], &act);
			break;
		}
	}
	if (i < argc) {
		size_t len = 0;
		char list[1024];

		for (list[0] = '\0'; i < argc && len < sizeof list; i++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'",
			                        len ? ", " : "", argv[i]);
		usage_error("positional arguments are not supported: [%s]", list);
	}
	return act;
}

/* Find the file and load it; with -t report everything and exit. */
static void main_load(enum act act)
{
	struct strv errors = { 0 };
	char *path = NULL;
	int i;

	if (!sv.cl.config) {
		if (!(path = cfg_search(sv.argv0)))
			usage_error("No config file found at default paths (%s); use the -c option "
			            "to specify a config file at a different path", "/etc/supervise.conf, "
			            "../etc/supervisord.conf, ../supervisord.conf, supervisord.conf, "
			            "etc/supervisord.conf, /etc/supervisord.conf, "
			            "/etc/supervisor/supervisord.conf");
		sv.cl.config = path;
	} else if (sv.cl.config[0] != '/' && (path = realpath(sv.cl.config, NULL)))
		sv.cl.config = path;    /* reload reads the same file after a chdir (#602) */
	if (cfg_load(&sv.cf, &sv.cl, &errors) < 0) {
		for (i = 0; i < (act == ACT_CHECK ? errors.n : 1); i++)
			fprintf(stderr, "Error: %s\n", errors.v[i]);
		if (act != ACT_CHECK)
			fprintf(stderr, "For help, use %s -h\n", sv.argv0);
		exit(2);
	}
	strv_free(&errors);
	if (act == ACT_CHECK) {
		for (i = 0; i < sv.cf.nnotes; i++)
			if (sv.cf.notes[i].level >= L_WARN)
				fprintf(stderr, "%s: %s\n", level_name(sv.cf.notes[i].level),
				        sv.cf.notes[i].text);
		printf("configuration OK\n");
		exit(0);
	}
	if (act == ACT_DUMP) {
		cfg_dump(&sv.cf, stdout);
		exit(0);
	}
}

#ifndef SUPERVISE_NO_MAIN
int main(int argc, char **argv)
{
	char err[ERRLEN];
	enum act act;

	sv.argv0 = argv[0];
	fds_std_hold();
	act = opts_parse(argc, argv);
	main_load(act);
	if (daemon_drop_privileges(err, sizeof err) < 0 || daemon_raise_limits(err, sizeof err) < 0)
		usage_error("%s", err);
	srand((unsigned)(time(NULL) ^ getpid()));
	fds_cloexec();
	if (cloexec_pipe(sv.sigpipe) < 0)
		usage_error("cannot make the signal pipe: %s", strerror(errno));
	fcntl(sv.sigpipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sv.sigpipe[1], F_SETFL, O_NONBLOCK);
	ctl_spare_keep();
	loop_signals_install();
	if (daemon_realize(err, sizeof err) < 0)
		usage_error("%s", err);
	if (!sv.cf.nodaemon)
		daemon_detach();
	sv.pid = getpid();
	pidfile_write();
	log_msg(L_INFO, "supervisord started with pid %ld", (long)sv.pid);
	boot_id(sv.bootid, sizeof sv.bootid);
	leftover_stop_all();
	daemon_ready();
	loop_run();
	return 0;
}
#endif
