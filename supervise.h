/* supervise.h - what the daemon (supervise.c) and the client (ctl.c) share:
 * the control protocol, the process states and the limits.
 *
 * Control protocol.  A client connects to the [unix_http_server] socket and
 * sends one request per line: the command and its arguments separated by
 * single spaces, exactly as a user types them after `supervisorctl`
 * ("status", "start web db", "stop grp:*").  A request line longer than
 * SV_REQ_MAX bytes is answered with an error and the connection is closed.
 *
 * The reply is the text supervisorctl would print, line by line.  A line
 * that supervisorctl prints on stderr starts with SV_ERR.  A reply line that
 * starts with SV_END or SV_ERR as text is sent with one more SV_END in front
 * of it (dot-stuffing, as in SMTP), and the reply ends with the line
 * SV_END <exit status>, e.g. ".0" or ".3": the exit status supervisorctl
 * would have exited with.  So `printf 'status\n' | nc -U /run/supervise.sock`
 * shows what `supervisorctl status` shows, followed by ".0".  A client may
 * send the next request after the end line.  tail -f and maintail -f send
 * the log as it grows and end only with an error.
 *
 * When the server has a username and password, the first request must be
 * "auth <user> <password>"; nothing else is accepted before it.  The
 * password is the rest of the line after one space (it may hold spaces or
 * be empty); a failed auth undoes an earlier one.
 */
#ifndef SUPERVISE_H
#define SUPERVISE_H

/* `version` prints this: scripts compare it with supervisord's */
#define SV_VERSION      "4.2.5"
#define SV_REQ_MAX      4096    /* longest request line, newline included */
#define SV_END          '.'     /* starts the end line of a reply */
#define SV_ERR          '!'     /* starts a reply line meant for stderr */

/* Exit statuses, as supervisorctl's (LSB init-script style) */
enum sv_exit {
	SV_EXIT_OK = 0,
	SV_EXIT_ERROR = 1,
	SV_EXIT_ARGS = 2,
	SV_EXIT_STOPPED = 3,    /* status: a shown process is not running */
	SV_EXIT_UNKNOWN = 4,    /* status: unknown name; refused connection */
	SV_EXIT_NOTRUNNING = 7  /* spawn error, not running, socket missing */
};

/* Process states: supervisord's names and numbers, so both print the same */
#define SV_STATES(X) \
	X(STOPPED, 0) X(STARTING, 10) X(RUNNING, 20) X(BACKOFF, 30) \
	X(STOPPING, 40) X(EXITED, 100) X(FATAL, 200) X(UNKNOWN, 1000)

#define SV_STATE_ENUM(name, code) ST_##name = code,
enum sv_state { SV_STATES(SV_STATE_ENUM) };
#undef SV_STATE_ENUM

/* The client links supervise.c built with -DSUPERVISE_NO_MAIN for these, so
 * it reads config files with exactly the daemon's INI grammar. */
struct ctlconf {                /* the [supervisorctl] section, expanded */
	char *serverurl;        /* default "http://localhost:9001" */
	char *username;         /* NULL if unset */
	char *password;         /* NULL if unset */
	char *prompt;           /* default "supervisor" */
	char *history_file;     /* NULL if unset; ~ expanded */
};

/* Find the config file as spec 1.1 says, /etc/supervise.conf first.  Returns
 * a malloc'd path, or NULL when none of the default paths exists. */
char *cfg_search(const char *argv0);

/* Read [supervisorctl] from the file at path.  Returns 0, or -1 with the
 * message supervisorctl prints after "Error: " in err. */
int cfg_read_ctl(const char *path, struct ctlconf *cc, char *err, size_t errlen);

#endif
