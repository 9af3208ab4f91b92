/* config.c - fuzz target: the config parser end to end.  The input is a
 * config file; it is loaded the way the daemon loads it (cfg_load: the INI
 * grammar, [include], %-expansion, every datatype and section, the error
 * paths), printed as -T prints it, and read the way supervisectl reads its
 * [supervisorctl] section (cfg_read_ctl).  Everything is freed again, so
 * LeakSanitizer sees any leak of the parser.
 *
 * Loading a config has no side effects but reading files, and [include]
 * may read any file: /dev/zero or a FIFO would hang the fuzzer, a glob of
 * /proc would crawl.  So the file sits in a temp dir with a few files to
 * include, and an input whose [include] patterns could leave that dir is
 * skipped (see include_confined). */
#include "fuzz.h"

static FILE *devnull;

static const char inc_a[] =
	"[program:inc]\n"
	"command=/bin/cat %(here)s\n"
	"environment=FROM_INC=\"%(ENV_HOME)s\"\n";
static const char inc_b[] =
	"[group:incg]\n"
	"programs=inc\n"
	"[supervisord]\n"
	"identifier=included\n";

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	(void)argc;
	(void)argv;
	fz_setup("config");
	FZ_ASSERT(mkdir(fz_path("conf.d"), 0700) == 0 && mkdir(fz_path("log"), 0700) == 0,
	          "cannot make dirs in %s", fz_dir);
	fz_puts("conf.d/a.conf", inc_a);
	fz_puts("conf.d/b.ini", inc_b);
	devnull = fopen("/dev/null", "w");
	FZ_ASSERT(devnull, "cannot open /dev/null");
	return 0;
}

/* Does every pattern of files= stay inside the temp dir?  Relative ones do
 * unless they climb with "..", absolute ones only when they start with
 * %(here)s/.  The only other '%' allowed is %(host_node_name)s. */
static int patterns_confined(const char *v)
{
	const char *p;

	if (strstr(v, ".."))
		return 0;
	for (p = v; *p; p++) {
		if (*p == '%') {
			if (!strncmp(p, "%(here)s", 8) && (p[8] == '/' || !p[8] || ini_space(p[8]))
			    && (p == v || ini_space(p[-1])))
				p += 7;
			else if (!strncmp(p, "%(host_node_name)s", 18))
				p += 17;
			else
				return 0;
		} else if ((*p == '/' || *p == '~') && (p == v || ini_space(p[-1]))) {
			return 0;
		}
	}
	return 1;
}

/* Parse text with the daemon's INI grammar and look at [include] files=
 * ([DEFAULT] may hold it too). */
static int include_confined(const char *text)
{
	struct ini ini;
	struct isect *s;
	struct iopt *o;
	char *t = xstrdup(text), *emsg = NULL;
	int ok;

	memset(&ini, 0, sizeof ini);
	ini_parse(&ini, t, "fuzz.conf", &emsg);
	s = ini_find(&ini, "include");
	o = s ? ini_opt(&ini, s, "files") : NULL;
	ok = !o || patterns_confined(o->val);
	free(emsg);
	free(t);
	ini_free(&ini);
	return ok;
}

static void load(const char *path)
{
	struct cmdline cl;
	struct config cf;
	struct strv errors = { 0 };
	int i, rc;

	memset(&cl, 0, sizeof cl);
	cl.config = path;
	rc = cfg_load(&cf, &cl, &errors);
	FZ_ASSERT((rc < 0) == (errors.n > 0), "cfg_load returned %d with %d errors", rc, errors.n);
	for (i = 0; i < errors.n; i++)
		FZ_ASSERT(errors.v[i] && errors.v[i][0], "an empty error message");
	if (rc == 0)
		cfg_dump(&cf, devnull);
	cfg_free(&cf);
	strv_free(&errors);
}

static void load_ctl(const char *path)
{
	struct ctlconf cc;
	char err[ERRLEN];

	if (cfg_read_ctl(path, &cc, err, sizeof err) < 0) {
		FZ_ASSERT(err[0], "cfg_read_ctl failed without a message");
		return;
	}
	FZ_ASSERT(cc.serverurl && cc.prompt, "cfg_read_ctl left a default unset");
	free(cc.serverurl);
	free(cc.username);
	free(cc.password);
	free(cc.prompt);
	free(cc.history_file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_string(data, size);
	const char *path = fz_path("supervise.conf");

	if (include_confined(text)) {
		fz_write("supervise.conf", data, size);
		load(path);
		load_ctl(path);
	}
	free(text);
	return 0;
}
