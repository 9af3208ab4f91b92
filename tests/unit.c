/* unit.c - checks of supervise's config layer against supervisord 4.2.5.
 * Expected texts were taken from running the real supervisord.
 * Prints "PASS name" or "FAIL name: ..." per check; exits 1 on a failure. */
#define SUPERVISE_NO_MAIN
#include "../supervise.c"

static int nfail;
static char tmpd[64];
static char *fake_env[] = {"PATH=/usr/bin:/bin", "HOME=/root", NULL};

static void check(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	const char *c;

	printf("%s ", ok ? "PASS" : "FAIL");
	for (c = name; *c; c++)     /* one line per check, whatever the name */
		fputs(*c == '\n' ? "\\n" : *c == '\r' ? "\\r" : (char[2]){*c, 0}, stdout);
	if (ok) {
		printf("\n");
		return;
	}
	nfail++;
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void eq(const char *name, const char *got, const char *want)
{
	int ok = got && want ? strcmp(got, want) == 0 : got == want;
	check(name, ok, "got [%s] want [%s]", got ? got : "(null)", want ? want : "(null)");
}

static void eqi(const char *name, long got, long want)
{
	check(name, got == want, "got %ld want %ld", got, want);
}

/* got is want, possibly followed by "\n" + a location line */
static void eqe(const char *name, const char *got, const char *want)
{
	size_t n = want ? strlen(want) : 0;
	int ok = got && want && strncmp(got, want, n) == 0 && (!got[n] || got[n] == '\n');
	check(name, ok, "got [%s] want [%s]", got ? got : "(null)", want ? want : "(null)");
}

static char *wfile(const char *name, const char *text)
{
	static char path[8][256];
	static int k;
	char *p = path[k++ % 8];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmpd, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

/* Load text as tmpd/t.conf; errors collected in *errs. */
static int load(const char *text, struct config *cf, struct strv *errs)
{
	struct cmdline cl;

	memset(&cl, 0, sizeof cl);
	cl.config = wfile("t.conf", text);
	memset(errs, 0, sizeof *errs);
	return cfg_load(cf, &cl, errs);
}

/* The first error of loading text, or "" (static buffer). */
static const char *err1(const char *text)
{
	static char buf[4096];
	struct config cf;
	struct strv e;

	load(text, &cf, &e);
	snprintf(buf, sizeof buf, "%s", e.n ? e.v[0] : "");
	strv_free(&e);
	cfg_free(&cf);
	return buf;
}

/* The value of [sect] key after parsing text with the INI grammar. */
static const char *ini_val(const char *text, const char *sect, const char *key)
{
	static char buf[1024];
	struct ini ini;
	char *t = xstrdup(text), *emsg = NULL;
	struct iopt *o = NULL;

	memset(&ini, 0, sizeof ini);
	if (ini_parse(&ini, t, "x.conf", &emsg) == 0 && ini_find(&ini, sect))
		o = ini_opt(&ini, ini_find(&ini, sect), key);
	snprintf(buf, sizeof buf, "%s", o ? o->val : emsg ? emsg : "(unset)");
	free(emsg);
	free(t);
	ini_free(&ini);
	return buf;
}

static const char *note_text(const struct config *cf, const char *needle)
{
	int i;

	for (i = 0; i < cf->nnotes; i++)
		if (strstr(cf->notes[i].text, needle))
			return cf->notes[i].text;
	return NULL;
}

/* ---- INI grammar ---- */

static void test_ini(void)
{
	struct ini ini;
	char *emsg = NULL, *t;

	eq("ini comment after blank", ini_val("[s]\na=/x ; c\n", "s", "a"), "/x");
	eq("ini ; glued is data", ini_val("[s]\na=/x;y\n", "s", "a"), "/x;y");
	eq("ini tab before ;", ini_val("[s]\nuser=root\t\t ;\n", "s", "user"), "root");
	eq("ini # glued is data", ini_val("[s]\na=printf x#y #drop\n", "s", "a"), "printf x#y");
	eq("ini quotes do not protect", ini_val("[s]\na=bash -c 'a ; b'\n", "s", "a"), "bash -c 'a");
	eq("ini comment rounds quirk", ini_val("[s]\na=x;y ;z #w\n", "s", "a"), "x;y ;z");
	eq("ini full-line comments", ini_val("[s]\n;a=1\n# b\na=2\n", "s", "a"), "2");
	eq("ini continuation + blank kept", ini_val("[s]\nb=1\n\n  c\n\n  ; cm\n  d\n\n\n", "s", "b"),
	   "1\n\nc\n\nd");
	eq("ini colon delimiter", ini_val("[s]\nc : v=1\n", "s", "c"), "v=1");
	eq("ini key lower-cased", ini_val("[s]\nSTARTSECS: 5\n", "s", "startsecs"), "5");
	eq("ini unclosed header is an option", ini_val("[s]\n[program:broken\n", "s", "[program"), "broken");
	eq("ini duplicate sections merge", ini_val("[s]\na=1\nb=1\n[t]\n[s]\na=2\n", "s", "b"), "1");
	eq("ini later key wins", ini_val("[s]\na=1\nb=1\n[t]\n[s]\na=2\n", "s", "a"), "2");
	eq("ini DEFAULT inherited", ini_val("[DEFAULT]\nx=9\n[s]\n", "s", "x"), "9");
	eq("ini CRLF", ini_val("[s]\r\na = 1 \r\n  2\r\n", "s", "a"), "1\n2");
	eq("ini header greedy", ini_val("[s]x]\na=1\n", "s]x", "a"), "1");
	eq("ini indented option swallowed", ini_val("[s]\na=true\n  b=1\n", "s", "a"), "true\nb=1");
	eq("ini parse errors",
	   ini_val("[supervisord]\nfoo=1\ngarbage line\n  x\nbad\n", "supervisord", "foo"),
	   "Source contains parsing errors: 'x.conf'\n\t[line  3]: 'garbage line\\n'\n\t[line  5]: 'bad\\n'");
	eq("ini no section headers", ini_val("foo=bar\n[supervisord]\n", "s", "a"),
	   "File contains no section headers.\nfile: 'x.conf', line: 1\n'foo=bar\\n'");
	eq("ini BOM is fatal like supervisord", ini_val("\xef\xbb\xbf[supervisord]\n", "s", "a"),
	   "File contains no section headers.\nfile: 'x.conf', line: 1\n'\\ufeff[supervisord]\\n'");
	memset(&ini, 0, sizeof ini);
	t = xstrdup("[s]\ncommand=bash -c 'a ; b'\nok=\"x\" ; don't\n");
	ini_parse(&ini, t, "x.conf", &emsg);
	eqi("ini quote cut noted once", ini.cuts.n, 1);
	check("ini quote cut names line", ini.cuts.n && strstr(ini.cuts.v[0], "x.conf:2: [s] command"),
	      "%s", ini.cuts.n ? ini.cuts.v[0] : "");
	ini_free(&ini);
	free(t);
}

/* ---- datatypes ---- */

static void test_types(void)
{
	char err[ERRLEN];
	long l = 0;
	long long ll = 0;
	int i = 0, b = 0;
	enum level lv;
	uid_t u;
	gid_t g;
	char *host = NULL;
	unsigned char map[32] = { 0 };
	enum autorestart ar;

	check("bool True", parse_bool("True", &b, err, sizeof err) == 0 && b == 1, "");
	check("bool off", parse_bool("off", &b, err, sizeof err) == 0 && b == 0, "");
	parse_bool("maybe", &b, err, sizeof err);
	eq("bool error", err, "not a valid boolean value: 'maybe'");
	check("int underscores", parse_int(" 1_000 ", &l, err, sizeof err) == 0 && l == 1000, "%ld", l);
	check("int negative", parse_int("-5", &l, err, sizeof err) == 0 && l == -5, "%ld", l);
	parse_int("abc", &l, err, sizeof err);
	eq("int error", err, "invalid literal for int() with base 10: 'abc'");
	check("int 1.5 refused", parse_int("1.5", &l, err, sizeof err) < 0, "");
	check("int empty refused", parse_int("", &l, err, sizeof err) < 0, "");
	check("int double underscore refused", parse_int("1__0", &l, err, sizeof err) < 0, "");
	check("bytes 10 MB", parse_bytes("10 MB", &ll, err, sizeof err) == 0 && ll == 10485760, "%lld", ll);
	check("bytes 1gb", parse_bytes("1gb", &ll, err, sizeof err) == 0 && ll == 1073741824LL, "%lld", ll);
	check("bytes plain", parse_bytes("-5", &ll, err, sizeof err) == 0 && ll == -5, "%lld", ll);
	check("bytes past 2**31 (32-bit boxes too)",
	      parse_bytes("3000000000", &ll, err, sizeof err) == 0 && ll == 3000000000LL, "%lld", ll);
	check("bytes past 2**63: the largest", parse_bytes("99999999999999999GB", &ll, err,
	      sizeof err) == 0 && ll > 0 && ll > 9000000000000000000LL, "%lld", ll);
	parse_bytes("1K", &ll, err, sizeof err);
	eq("bytes 1K error", err, "invalid literal for int() with base 10: '1k'");
	parse_bytes("1.5MB", &ll, err, sizeof err);
	eq("bytes 1.5MB error", err, "invalid literal for int() with base 10: '1.5'");
	check("octal 022", parse_octal("022", &i, err, sizeof err) == 0 && i == 022, "%o", i);
	check("octal 0o22", parse_octal("0o22", &i, err, sizeof err) == 0 && i == 022, "%o", i);
	check("octal 777", parse_octal("777", &i, err, sizeof err) == 0 && i == 0777, "%o", i);
	check("octal past int", parse_octal("04677777777777777777777777777", &i, err, sizeof err) == -1,
	      "%o", i);
	parse_octal("8", &i, err, sizeof err);
	eq("octal error", err, "8 can not be converted to an octal type");
	check("octal 0x1 refused", parse_octal("0x1", &i, err, sizeof err) < 0, "");
	check("level DEBUG", parse_loglevel("DEBUG", &lv, err, sizeof err) == 0 && lv == L_DEBG, "");
	parse_loglevel("warning", &lv, err, sizeof err);
	eq("level warning refused", err, "bad logging level name 'warning'");
	eq("level name", level_name(L_WARN), "WARN");
	check("signal term", parse_signal("term", &i, err, sizeof err) == 0 && i == SIGTERM, "");
	check("signal ' HUP '", parse_signal(" HUP ", &i, err, sizeof err) == 0 && i == SIGHUP, "");
	check("signal sigkill", parse_signal("sigkill", &i, err, sizeof err) == 0 && i == SIGKILL, "");
	check("signal CLD", parse_signal("CLD", &i, err, sizeof err) == 0 && i == SIGCHLD, "");
	check("signal IOT", parse_signal("IOT", &i, err, sizeof err) == 0 && i == SIGABRT, "");
	check("signal RTMIN", parse_signal("RTMIN", &i, err, sizeof err) == 0 && i == SIGRTMIN, "");
	check("signal 6", parse_signal("6", &i, err, sizeof err) == 0 && i == SIGABRT, "");
	check("signal 0", parse_signal("0", &i, err, sizeof err) == 0 && i == 0, "");
	parse_signal("99", &i, err, sizeof err);
	eq("signal 99 error", err, "value '99' is not a valid signal number");
	parse_signal("FOO", &i, err, sizeof err);
	eq("signal FOO error", err, "value 'FOO' is not a valid signal name");
	check("signal SIGRTMIN+1 refused", parse_signal("SIGRTMIN+1", &i, err, sizeof err) < 0, "");
	eq("sig_name 15", sig_name(15), "SIGTERM");
	eq("sig_name 17", sig_name(SIGCHLD), "SIGCHLD");
	eq("sig_name 99", sig_name(99), "signal 99");
	check("exitcodes '0, 2'", parse_exitcodes("0, 2", map, err, sizeof err) == 0 &&
	      map[0] == 5, "%d", map[0]);
	check("exitcodes empty", parse_exitcodes("", map, err, sizeof err) == 0 && map[0] == 0, "");
	parse_exitcodes("0,256", map, err, sizeof err);
	eq("exitcodes error", err, "not a valid list of exit codes: '0,256'");
	check("exitcodes trailing comma refused", parse_exitcodes("0,", map, err, sizeof err) < 0, "");
	check("autorestart UNEXPECTED", parse_autorestart("UNEXPECTED", &ar, err, sizeof err) == 0 &&
	      ar == AR_UNEXPECTED, "");
	check("autorestart yes", parse_autorestart("yes", &ar, err, sizeof err) == 0 && ar == AR_TRUE, "");
	parse_autorestart("Sometimes", &ar, err, sizeof err);
	eq("autorestart error", err, "invalid 'autorestart' value 'sometimes'");
	check("user root", parse_user("root", &u, &g, err, sizeof err) == 0 && u == 0 && g == 0, "");
	check("user 0", parse_user("0", &u, &g, err, sizeof err) == 0 && u == 0, "");
	parse_user("nosuch", &u, &g, err, sizeof err);
	eq("user name error", err, "Invalid user name nosuch");
	parse_user("12345", &u, &g, err, sizeof err);
	eq("user id error", err, "Invalid user id 12345");
	check("port *:9001", parse_port("*:9001", &host, &i, err, sizeof err) == 0 && !*host && i == 9001, "");
	free(host);
	check("port Host:1", parse_port("LocalHost:1", &host, &i, err, sizeof err) == 0 &&
	      !strcmp(host, "localhost"), "");
	free(host);
	check("port bare", parse_port("9001", &host, &i, err, sizeof err) == 0 && !*host, "");
	free(host);
	parse_port("abc", &host, &i, err, sizeof err);
	eq("port abc error", err, "not a valid port number: 'abc' ");
	parse_port("70000", &host, &i, err, sizeof err);
	eq("port 70000 bare error", err, "not a valid port number: '70000' ");
	parse_port("h:70000", &host, &i, err, sizeof err);
	eq("port h:70000 error", err, "70000 is above upper bound (65535)");
	parse_port("h:0", &host, &i, err, sizeof err);
	eq("port h:0 error", err, "0 is below lower bound (1)");
	parse_port("h:", &host, &i, err, sizeof err);
	eq("port h: error", err, "no port number specified in ''");
	parse_name("a b", &host, err, sizeof err);
	eq("name error", err, "Invalid name: 'a b' because of character: ' '");
	parse_name("a:b/c", &host, err, sizeof err);
	eq("name error order", err, "Invalid name: 'a:b/c' because of character: ':'");
	check("name stripped", parse_name(" z ", &host, err, sizeof err) == 0 && !strcmp(host, "z"), "");
	free(host);
	check("dir missing", parse_dir("/nonexistent", &host, err, sizeof err) < 0, "");
	eq("dir error", err, "/nonexistent is not an existing directory");
	parse_dirpath("/nonexistent/x.log", &host, err, sizeof err);
	eq("dirpath error", err, "The directory named as part of the path /nonexistent/x.log does not exist");
	check("dirpath bare name", parse_dirpath("x.log", &host, err, sizeof err) == 0, "");
	free(host);
	host = NULL;
	check("dirpath ~", parse_dirpath("~/x.log", &host, err, sizeof err) == 0 &&
	      !strcmp(host, "/root/x.log"), "%s", host);
	free(host);
	host = path_normalize("/a//b/./c/../d/");
	eq("normalize", host, "/a/b/d");
	free(host);
}

/* ---- environment= tokenizer: every row of real-world 4.3 ---- */

static const char *envs(const char *v, int *mangled)
{
	static char buf[512];
	struct strv env = {0};
	char *emsg = NULL;
	int i;

	*mangled = 0;
	buf[0] = '\0';
	if (parse_env(v, &env, mangled, &emsg) < 0) {
		snprintf(buf, sizeof buf, "ERR %s", emsg);
		free(emsg);
	}
	for (i = 0; i < env.n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "|" : "", env.v[i]);
	strv_free(&env);
	return buf;
}

static void test_env(void)
{
	static const struct { const char *in, *out; int mangled; } t[] = {
		{"A=\"x,y\",B='z'", "A=x,y|B=z", 0},
		{"A=1, B=2", "A=1|B=2", 0},
		{"A = 1 , B = 2", "A=1|B=2", 0},
		{"A=1;B=2", "A=1|B=2", 0},
		{"A=1,B=2,", "A=1|B=2", 0},
		{"\nA=\"1\",\nB=\"2\"", "A=1|B=2", 0},
		{"A=1,A=2", "A=2", 0},
		{"URL=\"postgres://u:p@h/db\"", "URL=postgres://u:p@h/db", 0},
		{"A=\"\"", "A=", 0},
		{"DISPLAY=:99", "DISPLAY=:99", 0},
		{"A=*", "A=*", 0},
		{"PYTHONPATH=/a:/b", "PYTHONPATH=/a:/b", 0},
		{"LANG=en_US.UTF-8", "LANG=en_US.UTF-8", 0},
		{"A-B=1,A.B=1", "A-B=1|A.B=1", 0},
		{"A=1 B=2", "ERR Unexpected end of key/value pairs in value 'A=1 B=2'", 0},
		{"A=", "ERR Unexpected end of key/value pairs in value 'A='", 0},
		{"A=1,B", "ERR Unexpected end of key/value pairs in value 'A=1,B'", 0},
		{"A=1,,B=2", "ERR Unexpected end of key/value pairs in value 'A=1,,B=2'", 0},
		{",A=1", "ERR Unexpected end of key/value pairs in value ',A=1'", 0},
		{"A=k=v", "ERR Unexpected end of key/value pairs in value 'A=k=v'", 0},
		{"URL=postgres://u:p@h/db", "ERR Unexpected end of key/value pairs in value 'URL=postgres://u:p@h/db'", 0},
		{"A=1\\,2", "ERR Unexpected end of key/value pairs in value 'A=1\\,2'", 0},
		{"A={\"k\":1}", "ERR Unexpected end of key/value pairs in value 'A={\"k\":1}'", 0},
		{"A=a@b", "ERR Unexpected end of key/value pairs in value 'A=a@b'", 0},
		{"A=$HOME", "A=$", 1},
		{"A=hello world", "A=hello", 1},
		{"A=~/x", "A=~", 1},
		{"A=a#b,B=2", "A=a", 1},
		{"A=x\"y z\"", "A=x\"y", 1},
		{"A=\"x\"y", "A=x", 1},
		{"A=\"a\\\"b\"", "A=a\\", 1},
		{"A=\"x", "ERR No closing quotation", 0},
		{"A='a b'", "A=a b", 0},
		{"", "", 0},
		{"A=\xc3\xa9t\xc3\xa9,B=1", "ERR Unexpected end of key/value pairs in value 'A=\xc3\xa9t\xc3\xa9,B=1'", 0},
	};
	char name[128];
	int i, m;

	for (i = 0; i < (int)(sizeof t / sizeof *t); i++) {
		snprintf(name, sizeof name, "env %s", t[i].in);
		eq(name, envs(t[i].in, &m), t[i].out);
		if (strncmp(t[i].out, "ERR", 3)) {
			snprintf(name, sizeof name, "env warns %s", t[i].in);
			eqi(name, m, t[i].mangled);
		}
	}
}

/* ---- shlex_split ---- */

static const char *split(const char *s)
{
	static char buf[512];
	struct strv v = {0};
	char err[64];
	int i;

	buf[0] = '\0';
	if (shlex_split(s, &v, err, sizeof err) < 0)
		snprintf(buf, sizeof buf, "ERR %s", err);
	for (i = 0; i < v.n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s<%s>", i ? " " : "", v.v[i]);
	strv_free(&v);
	return buf;
}

static void test_shlex(void)
{
	eq("shlex plain", split("/bin/echo a  b"), "</bin/echo> <a> <b>");
	eq("shlex quotes", split("sh -c \"echo 'x y'\""), "<sh> <-c> <echo 'x y'>");
	eq("shlex glued quotes", split("Xvfb \"1024\"x\"768\"x24"), "<Xvfb> <1024x768x24>");
	eq("shlex empty arg", split("a \"\" b"), "<a> <> <b>");
	eq("shlex backslash", split("back\\ slash"), "<back slash>");
	eq("shlex single keeps backslash", split("'a\\b'"), "<a\\b>");
	eq("shlex double escapes", split("\"a\\\"b\\\\c\\d\""), "<a\"b\\c\\d>");
	eq("shlex newline", split("a\n  b"), "<a> <b>");
	eq("shlex no comments", split("a #b"), "<a> <#b>");
	eq("shlex selenium", split("bash -c \"if [ ${X} = \"true\" ]; then x; fi\""),
	   "<bash> <-c> <if [ ${X} = true ]; then x; fi>");
	eq("shlex unclosed", split("/bin/sh -c \"echo a"), "ERR No closing quotation");
	eq("shlex trailing backslash", split("a\\"), "ERR No escaped character");
	eq("shlex empty", split("  "), "");
}

/* ---- %-expansion ---- */

static const char *xp(const char *s)
{
	static char buf[1024];
	struct names nm = {0};
	char *out = NULL, *emsg = NULL;

	names_set(&nm, "program_name", "web", 0);
	names_set(&nm, "ENV_X", "1", 0);
	names_setnum(&nm, "process_num", 3);
	if (expand_format(s, &nm, "program:web.command", &out, &emsg) < 0)
		snprintf(buf, sizeof buf, "ERR %s", emsg);
	else
		snprintf(buf, sizeof buf, "%s", out);
	free(out);
	free(emsg);
	names_free(&nm);
	return buf;
}

static void test_expand(void)
{
	eq("expand %%", xp("100%%"), "100%");
	eq("expand name", xp("%(program_name)s-%(ENV_X)s"), "web-1");
	eq("expand 02d", xp("w_%(process_num)02d"), "w_03");
	eq("expand d", xp("%(process_num)d"), "3");
	eq("expand width", xp("[%(program_name)5s]"), "[  web]");
	eq("expand left", xp("[%(program_name)-5s]"), "[web  ]");
	eq("expand r", xp("%(program_name)r"), "'web'");
	eq("expand Y", xp("date +%Y"), "ERR Format string 'date +%Y' for 'program:web.command' is "
	   "badly formatted: unsupported format character 'Y' (0x59) at index 7");
	eq("expand incomplete", xp("echo 100%"), "ERR Format string 'echo 100%' for "
	   "'program:web.command' is badly formatted: incomplete format");
	eq("expand incomplete key", xp("%(x"), "ERR Format string '%(x' for "
	   "'program:web.command' is badly formatted: incomplete format key");
	eq("expand d on str", xp("%(program_name)d"), "ERR Format string '%(program_name)d' for "
	   "'program:web.command' is badly formatted: %d format: a real number is required, not str");
	eq("expand unknown", xp("/bin/echo %(foo)s"), "ERR Format string '/bin/echo %(foo)s' for "
	   "'program:web.command' contains names ('foo') which cannot be expanded. Available "
	   "names: ENV_X, process_num, program_name");
	check("expand bare %s refused", strncmp(xp("+%s"), "ERR Format string '+%s' for "
	      "'program:web.command' is badly formatted: ", 60) == 0, "%s", xp("+%s"));
}

/* ---- sections ---- */

static void test_errors(void)
{
	char want[1024], conf[256];

	snprintf(want, sizeof want, "Format string '/bin/echo %%(foo)s' for 'program:x.command' "
	         "contains names ('foo') which cannot be expanded. Available names: ENV_HOME, "
	         "ENV_PATH, group_name, here, host_node_name, numprocs, process_num, program_name "
	         "in section 'program:x' (file: '%s/t.conf')", tmpd);
	eqe("err unknown name", err1("[supervisord]\n[program:x]\ncommand=/bin/echo %(foo)s\n"), want);
	snprintf(want, sizeof want, "Format string 'date +%%Y' for 'program:x.command' is badly "
	         "formatted: unsupported format character 'Y' (0x59) at index 7 in section "
	         "'program:x' (file: '%s/t.conf')", tmpd);
	eqe("err badly formatted", err1("[supervisord]\n[program:x]\ncommand=date +%Y\n"), want);
	eqe("err width too big", err1("[supervisord]\nidentifier=%(here)99999999999999999999s\n"),
	    "Format string '%(here)99999999999999999999s' for 'supervisord.identifier' is badly "
	    "formatted: width too big");
	/* ours: past 65535 (supervisord pads to gigabytes, found by fuzz/config) */
	eqe("err width 65536 too big", err1("[supervisord]\nidentifier=%(here)65536s\n"),
	    "Format string '%(here)65536s' for 'supervisord.identifier' is badly "
	    "formatted: width too big");
	eqe("err precision too big", err1("[supervisord]\nidentifier=%(here).65536s\n"),
	    "Format string '%(here).65536s' for 'supervisord.identifier' is badly "
	    "formatted: precision too big");
	eqe("width 65535 is fine", err1("[supervisord]\nidentifier=%(here)65535s\n"), "");
	snprintf(want, sizeof want, "No closing quotation in section 'program:x' (file: '%s/t.conf')", tmpd);
	eqe("err env quote", err1("[supervisord]\n[program:x]\ncommand=/bin/true\nenvironment=A=\"x\n"), want);
	snprintf(want, sizeof want, "%%(process_num) must be present within process_name when "
	         "numprocs > 1 in section 'program:x' (file: '%s/t.conf')", tmpd);
	eqe("err numprocs", err1("[supervisord]\n[program:x]\ncommand=/bin/true\nnumprocs=2\n"), want);
	/* ours: found by the config fuzzer, which ran out of time and memory */
	snprintf(want, sizeof want, "numprocs=1000000000 makes 1000000001 processes in all; "
	         "supervise runs at most 10000 in section 'program:x' (file: '%s/t.conf')", tmpd);
	eqe("err numprocs too many", err1("[supervisord]\n[program:w]\ncommand=/bin/true\n"
	    "[program:x]\ncommand=/bin/true\nnumprocs=1000000000\nprocess_name=%(process_num)d\n"), want);
	snprintf(conf, sizeof conf, "[supervisord]\n[program:x]\ncommand=/bin/true\nnumprocs=2\n"
	         "numprocs_start=%ld\nprocess_name=%%(process_num)d\n", LONG_MAX);
	snprintf(want, sizeof want, "numprocs_start=%ld leaves no room for 2 process numbers "
	         "in section 'program:x' (file: '%s/t.conf')", LONG_MAX, tmpd);
	eqe("err numprocs_start overflows", err1(conf), want);
	eqe("err group quirk", err1("[supervisord]\n[program:a]\ncommand=/bin/true\n[group:g]\n"
	    "programs=a,nope\n"), "[program:a] names unknown program or fcgi-program nope");
	eqe("err group unknown first", err1("[supervisord]\n[group:g]\nprograms=nope\n"),
	    "[group:g] names unknown program or fcgi-program nope");
	eqe("err port", err1("[supervisord]\n[inet_http_server]\nport=70000\n"),
	    "not a valid port number: '70000' ");
	eqe("err no port", err1("[supervisord]\n[inet_http_server]\n"),
	    "section [inet_http_server] has no port value");
	eqe("err no file", err1("[supervisord]\n[unix_http_server]\n"),
	    "section [unix_http_server] has no file value");
	eqe("err auth", err1("[supervisord]\n[unix_http_server]\nfile=/tmp/s.sock\nusername=u\n"),
	    "Section [unix_http_server] contains incomplete authentication: If a username or a "
	    "password is specified, both the username and password must be specified");
	eqe("err chmod", err1("[supervisord]\n[unix_http_server]\nfile=/tmp/s.sock\nchmod=9\n"),
	    "Invalid chmod value 9");
	eqe("err chown", err1("[supervisord]\n[unix_http_server]\nfile=/tmp/s.sock\nchown=nosuch\n"),
	    "Invalid sockchown value nosuch");
	eqe("err header name", err1("[supervisord]\n[program:a b]\ncommand=/bin/true\n"),
	    "Invalid name: 'a b' because of character: ' '");
	snprintf(want, sizeof want, "Invalid name: 'x y' because of character: ' ' in section "
	         "'program:a' (file: '%s/t.conf')", tmpd);
	eqe("err process_name", err1("[supervisord]\n[program:a]\ncommand=/bin/true\nprocess_name=x y\n"), want);
	snprintf(want, sizeof want, "Format string '/tmp/a%%b.log' for 'stdout_logfile' is badly "
	         "formatted: unsupported format character 'b' (0x62) at index 7 in section "
	         "'program:a' (file: '%s/t.conf')", tmpd);
	eqe("err logfile twice", err1("[supervisord]\n[program:a]\ncommand=/bin/true\n"
	    "stdout_logfile=/tmp/a%%b.log\n"), want);
	eqe("err event", err1("[supervisord]\n[eventlistener:e]\ncommand=/bin/true\nevents=FOO\n"),
	    "Unknown event type FOO in [eventlistener:e] events");
	eqe("err events missing", err1("[supervisord]\n[eventlistener:e]\ncommand=/bin/true\n"),
	    "[eventlistener:e] section requires an \"events\" line");
	eqe("err buffer_size", err1("[supervisord]\n[eventlistener:e]\ncommand=c\nevents=TICK\n"
	    "buffer_size=0\n"), "[eventlistener:e] section sets invalid buffer_size (0)");
	eqe("err listener redirect", err1("[supervisord]\n[eventlistener:e]\ncommand=c\nevents=TICK\n"
	    "redirect_stderr=true\n"), "[eventlistener:e] section sets redirect_stderr=true but this "
	    "is not allowed because it will interfere with the eventlistener protocol");
	eqe("err result_handler", err1("[supervisord]\n[eventlistener:e]\ncommand=c\nevents=TICK\n"
	    "result_handler=supervisor_stdout:event_handler\n"),
	    "supervisor_stdout:event_handler cannot be resolved within [eventlistener:e]");
	snprintf(want, sizeof want, "value '99' is not a valid signal number in section "
	         "'program:a' (file: '%s/t.conf')", tmpd);
	eqe("err signal", err1("[supervisord]\n[program:a]\ncommand=/bin/true\nstopsignal=99\n"), want);
	snprintf(want, sizeof want, "program section program:a does not specify a command in "
	         "section 'program:a' (file: '%s/t.conf')", tmpd);
	eqe("err no command", err1("[supervisord]\n[program:a]\n"), want);
	snprintf(want, sizeof want, "Cannot set stopasgroup=true and killasgroup=false in section "
	         "'program:a' (file: '%s/t.conf')", tmpd);
	eqe("err stopasgroup", err1("[supervisord]\n[program:a]\ncommand=c\nstopasgroup=true\n"
	    "killasgroup=false\n"), want);
	snprintf(want, sizeof want, "Invalid user name nosuch in section 'program:a' (file: '%s/t.conf')", tmpd);
	eqe("err program user", err1("[supervisord]\n[program:a]\ncommand=c\nuser=nosuch\n"), want);
	eqe("err daemon user", err1("[supervisord]\nuser=nosuch\n"), "Invalid user name nosuch");
	eqe("err no supervisord", err1("[program:a]\ncommand=c\n"),
	    ".ini file does not include supervisord section");
	eqe("err loglevel", err1("[supervisord]\nloglevel=loud\n"), "bad logging level name 'loud'");
	eqe("err childlogdir", err1("[supervisord]\nchildlogdir=/nonexistent\n"),
	    "/nonexistent is not an existing directory");
	eqe("err fcgi", err1("[supervisord]\n[fcgi-program:f]\ncommand=c\nsocket=unix:///tmp/f\n"),
	    "[fcgi-program:f] is not supported by supervise");
	eqe("err rpc factory", err1("[supervisord]\n[rpcinterface:foo]\nx=1\n"),
	    "section [rpcinterface:foo] does not specify a supervisor.rpcinterface_factory");
	eqe("err rpc DEFAULT key", err1("[DEFAULT]\nstartsecs=0\n[supervisord]\n[unix_http_server]\n"
	    "file=/tmp/x.sock\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n"), "Could not make supervisor rpc interface");
	snprintf(want, sizeof want, "not a valid boolean value: '' in section 'program:a' "
	         "(file: '%s/t.conf')", tmpd);
	eqe("err autostart empty", err1("[supervisord]\n[program:a]\ncommand=c\nautostart=\n"), want);
	snprintf(want, sizeof want, "%s/t.conf:4: [program:a] startsecs", tmpd);
	check("err location line", strstr(err1("[supervisord]\n[program:a]\ncommand=c\nstartsecs=ten\n"),
	      want) != NULL, "%s", err1("[supervisord]\n[program:a]\ncommand=c\nstartsecs=ten\n"));
}

static void test_all_errors(void)
{
	struct config cf;
	struct strv e;

	check("errors: load fails", load("[supervisord]\nloglevel=loud\numask=9\n[program:a]\n"
	      "command=c\nstartsecs=x\n[program:b]\ncommand=c\nautostart=maybe\n", &cf, &e) < 0, "");
	eqi("errors: all listed", e.n, 4);
	strv_free(&e);
	cfg_free(&cf);
}

static const char *pname(const struct config *cf, int g, int p)
{
	return g < cf->ngroups && p < cf->groups[g].nprocs ? cf->groups[g].procs[p].name : "(none)";
}

static void test_programs(void)
{
	struct config cf;
	struct strv e;
	int rc;

	rc = load("[supervisord]\n[program:multi]\ncommand=/bin/sleep %(process_num)d\n"
	          "process_name=%(program_name)s_%(process_num)02d\nnumprocs=3\nnumprocs_start=1\n"
	          "[program:z]\ncommand=c\npriority=1\n[program:a]\ncommand=c\npriority=1\n"
	          "[eventlistener:l]\ncommand=c\nevents=PROCESS_STATE, tick_60\n", &cf, &e);
	eqi("prog load ok", rc, 0);
	eqi("prog groups", cf.ngroups, 4);
	eq("prog order listener first", cf.ngroups > 0 ? cf.groups[0].name : "", "l");
	eq("prog order a before z", cf.ngroups > 1 ? cf.groups[1].name : "", "a");
	eq("prog order multi last", cf.ngroups > 3 ? cf.groups[3].name : "", "multi");
	eq("prog numprocs name 1", pname(&cf, 3, 0), "multi_01");
	eq("prog numprocs name 3", pname(&cf, 3, 2), "multi_03");
	eq("prog numprocs command", cf.ngroups > 3 ? cf.groups[3].procs[2].command : "", "/bin/sleep 3");
	eqi("prog listener priority", cf.groups[0].priority, -1);
	check("prog listener events", cf.groups[0].events == (ev_mask("PROCESS_STATE") |
	      (1ULL << EV_TICK_60)), "%llx", cf.groups[0].events);
	eqi("prog listener buffer", cf.groups[0].buffer_size, 10);
	eqi("prog defaults startsecs", cf.groups[1].procs[0].startsecs, 1);
	eqi("prog defaults startretries", cf.groups[1].procs[0].startretries, 3);
	eqi("prog defaults stopsignal", cf.groups[1].procs[0].stopsignal, SIGTERM);
	eqi("prog defaults autorestart", cf.groups[1].procs[0].autorestart, AR_UNEXPECTED);
	eqi("prog defaults exitcodes", cf.groups[1].procs[0].exitcodes[0], 1);
	eqi("prog defaults umask", cf.groups[1].procs[0].umask, -1);
	eqi("prog defaults log AUTO", cf.groups[1].procs[0].log[0].kind, LOG_AUTO);
	eqi("prog defaults maxbytes", (long)cf.groups[1].procs[0].log[0].maxbytes, 52428800);
	{
		struct sbuf txt = {0};
		gconf_text(&cf.groups[1], &txt);
		check("prog dump AUTO", strstr(sb_str(&txt), "stdout_logfile = AUTO\n") != NULL,
		      "%s", sb_str(&txt));
		free(txt.p);
	}
	strv_free(&e);
	cfg_free(&cf);

	rc = load("[supervisord]\n[program:s10]\ncommand=c\nprocess_name=shard-%(process_num)d\n"
	          "numprocs=11\n", &cf, &e);
	eq("prog names sort as strings", pname(&cf, 0, 2), "shard-10");
	strv_free(&e);
	cfg_free(&cf);

	rc = load("[supervisord]\n[group:grp]\nprograms=b, a\npriority=5\n[program:a]\ncommand=c\n"
	          "[program:b]\ncommand=c\nprocess_name=%(group_name)s_b\n[program:c]\ncommand=c\n"
	          "[program:d]\ncommand=c\nprocess_name=x\n[program:e]\ncommand=e\nprocess_name=x\n"
	          "[group:dup]\nprograms=d,e\n", &cf, &e);
	eqi("group load ok", rc, 0);
	eqi("group count", cf.ngroups, 3);
	eq("group first by priority", cf.groups[0].name, "grp");
	eq("group programs order", pname(&cf, 0, 0), "grp_b");
	eq("group programs order 2", pname(&cf, 0, 1), "a");
	eq("group own group lost", cf.groups[1].name, "c");
	eqi("group dup keeps one", cf.groups[2].nprocs, 1);
	eq("group dup keeps later", cf.groups[2].nprocs ? cf.groups[2].procs[0].command : "", "e");
	strv_free(&e);
	cfg_free(&cf);

	rc = load("[supervisord]\nenvironment=A=\"sv\",B=\"sv\"\n[program:a]\ncommand=%(ENV_A)s\n"
	          "environment=B=\"p\",C=\"%(ENV_B)s\"\ndirectory=%(ENV_C)s\nstopasgroup=true\n"
	          "stdout_logfile_maxbytes=0\nstdout_logfile=auto\nredirect_stderr=true\n"
	          "stderr_logfile=/tmp/e.log\ndirecory=/x\n[program:b]\ncommand=c\n"
	          "stdout_logfile=syslog\numask=022\n", &cf, &e);
	eqi("env load ok", rc, 0);
	eq("env supervisord in ENV_", cf.groups[0].procs[0].command, "sv");
	eq("env merged 0", cf.groups[0].procs[0].env.v[0], "A=sv");
	eq("env merged 1 program wins", cf.groups[0].procs[0].env.v[1], "B=p");
	eq("env merged 2", cf.groups[0].procs[0].env.v[2], "C=sv");
	eq("env own ENV_ in directory", cf.groups[0].procs[0].directory, "sv");
	eqi("killasgroup follows stopasgroup", cf.groups[0].procs[0].killasgroup, 1);
	eqi("redirect drops stderr log", cf.groups[0].procs[0].log[1].kind, LOG_NONE);
	check("note AUTO without rollover", note_text(&cf, "For [program:a], AUTO logging used for "
	      "stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem "
	      "unintentionally") != NULL, "");
	check("note redirect", note_text(&cf, "For [program:a], redirect_stderr=true but "
	      "stderr_logfile has also been set to a filename, the filename has been ignored") != NULL, "");
	check("note syslog deprecated", note_text(&cf, "For [program:b], stdout_logfile=syslog but "
	      "this is deprecated and will be removed.  Use stdout_syslog=true to enable syslog "
	      "instead.") != NULL, "");
	eqi("syslog deprecated sets syslog", cf.groups[1].procs[0].log[0].syslog, 1);
	eqi("umask read", cf.groups[1].procs[0].umask, 022);
	check("note unknown key", note_text(&cf, "t.conf:12: [program:a] unknown option 'direcory'") != NULL,
	      "%s", cf.nnotes ? cf.notes[cf.nnotes - 1].text : "");
	check("notes WARN before INFO", cf.nnotes > 1 && cf.notes[0].level == L_WARN &&
	      cf.notes[cf.nnotes - 1].level == L_INFO, "");
	strv_free(&e);
	cfg_free(&cf);

	rc = load("[supervisord]\n[program:a]\ncommand=c\nenvironment=A=hello world\n", &cf, &e);
	check("note env mangled", note_text(&cf, "[program:a] environment: supervisord drops") != NULL, "");
	strv_free(&e);
	cfg_free(&cf);
	rc = load("[supervisord]\n[program:a]\ncommand=bash -c 'a ; b'\n", &cf, &e);
	check("note quote cut", note_text(&cf, "t.conf:3: [program:a] command: an inline comment") != NULL, "");
	eq("quote cut value kept", cf.ngroups ? cf.groups[0].procs[0].command : "", "bash -c 'a");
	strv_free(&e);
	cfg_free(&cf);
	(void)rc;
}

static void test_include(void)
{
	struct config cf;
	struct strv e;
	char d[128], want[512];
	int rc;

	snprintf(d, sizeof d, "%s/conf.d", tmpd);
	mkdir(d, 0755);
	wfile("conf.d/b.conf", "[program:b]\ncommand=%(here)s/b\n");
	wfile("conf.d/a.conf", "[program:a]\ncommand=/a\n[include]\nfiles=nothing\n");
	rc = load("[supervisord]\nlogfile=%(here)s/main.log\n[include]\nfiles = conf.d/*.conf\n"
	          "  none/*.ini\n", &cf, &e);
	eqi("include load ok", rc, 0);
	eqi("include groups", cf.ngroups, 2);
	snprintf(want, sizeof want, "%s/b", d);
	eq("include here is the included dir", cf.ngroups > 1 ? cf.groups[1].procs[0].command : "", want);
	snprintf(want, sizeof want, "%s/main.log", tmpd);
	eq("include here in main file", cf.logfile, want);
	snprintf(want, sizeof want, "Included extra file \"%s/conf.d/a.conf\" during parsing", tmpd);
	eq("include INFO note sorted", cf.nnotes > 1 ? cf.notes[1].text : "", want);
	snprintf(want, sizeof want, "No file matches via include \"%s/none/*.ini\"", tmpd);
	eq("include WARN note first", cf.nnotes ? cf.notes[0].text : "", want);
	eqi("include WARN level", cf.nnotes ? cf.notes[0].level : 0, L_WARN);
	strv_free(&e);
	cfg_free(&cf);

	eqe("include no files", err1("[supervisord]\n[include]\n"),
	    ".ini file has [include] section, but no files setting");
	wfile("conf.d/c.conf", "garbage\n");
	snprintf(want, sizeof want, "File contains no section headers.\nfile: '%s/conf.d/c.conf', "
	         "line: 1\n'garbage\\n'", tmpd);
	eq("include parse error", err1("[supervisord]\n[include]\nfiles=conf.d/*.conf\n"), want);
	snprintf(want, sizeof want, "%s/conf.d/c.conf", tmpd);
	unlink(want);
	wfile("conf.d/s.conf", "[supervisord]\n");
	eqe("include supervisord from include", err1("[include]\nfiles=conf.d/s.conf\n"), "");
}

/* [include]'s glob is Python's glob.glob: the expected lists come from it. */
static void test_glob(void)
{
	static const struct { const char *pat, *want; } t[] = {
		{"g/*.conf", "g/a.conf g/b.conf"},
		{"g/.*", "g/.h.conf"},
		{"g/[ab].conf", "g/a.conf g/b.conf"},
		{"g/[!a]*", "g/b.conf g/d1 g/d2 g/x[1].ini"},
		{"g/x[1].ini", ""},             /* [1] is a class */
		{"g/x[[]1].ini", "g/x[1].ini"},
		{"g/d?/*.ini", "g/d1/p.ini g/d2/q.ini"},
		{"g/*/p.ini", "g/d1/p.ini"},
		{"g//d1/p.ini", "g//d1/p.ini"},
		{"g/none", ""},
		{"g/a.conf/*", ""},
	};
	static const char *files[] = {"g/a.conf", "g/b.conf", "g/.h.conf", "g/x[1].ini",
	                              "g/d1/p.ini", "g/d2/q.ini"};
	char path[256], got[512];
	struct strv out;
	size_t i;
	int k;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpd, i ? i == 1 ? "g/d1" : "g/d2" : "g");
		mkdir(path, 0755);
	}
	for (i = 0; i < sizeof files / sizeof *files; i++)
		wfile(files[i], "");
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		memset(&out, 0, sizeof out);
		snprintf(path, sizeof path, "%s/%s", tmpd, t[i].pat);
		path_glob("", path, &out);
		if (out.n)
			qsort(out.v, (size_t)out.n, sizeof *out.v, cmp_str);
		for (got[0] = '\0', k = 0; k < out.n; k++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", k ? " " : "",
			         out.v[k] + strlen(tmpd) + 1);
		eq(t[i].pat, got, t[i].want);
		strv_free(&out);
	}
}

static void test_cmdline(void)
{
	struct config cf;
	struct strv e;
	struct cmdline cl;
	char want[256], cwd[200];

	memset(&cl, 0, sizeof cl);
	cl.config = wfile("t.conf", "[supervisord]\nloglevel=debug\nlogfile=rel.log\nminfds=10\n"
	                  "nodaemon=false\n");
	cl.loglevel = "warn";
	cl.minfds = "2048";
	cl.nodaemon = 1;
	cl.logfile = "other.log";
	memset(&e, 0, sizeof e);
	eqi("cmdline load", cfg_load(&cf, &cl, &e), 0);
	eqi("cmdline loglevel wins", cf.loglevel, L_WARN);
	eqi("cmdline minfds wins", cf.minfds, 2048);
	eqi("cmdline nodaemon", cf.nodaemon, 1);
	snprintf(want, sizeof want, "%s/other.log", getcwd(cwd, sizeof cwd));
	eq("cmdline logfile absolute", cf.logfile, want);
	strv_free(&e);
	cfg_free(&cf);
	cl.loglevel = "loud";
	memset(&e, 0, sizeof e);
	cfg_load(&cf, &cl, &e);
	eq("cmdline bad value", e.n ? e.v[0] : "", "invalid value for -e 'loud': bad logging level name 'loud'");
	strv_free(&e);
	cfg_free(&cf);
}

static void test_realistic(void)
{
	struct config cf;
	struct strv e;
	const struct pconf *p;
	int rc;

	rc = load(
	"; Debian-like daemon config with tomcat and nginx programs\n"
	"[unix_http_server]\n"
	"file=/tmp/supervise-unit.sock   ; (the path to the socket file)\n"
	"chmod=0770                       ; sockef file mode (default 0700)\n"
	"\n"
	"[inet_http_server]         ; inet (TCP) server disabled by default\n"
	"port=*:9001\n"
	"username = supervisor\n"
	"password = {SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d\n"
	"\n"
	"[supervisord]\n"
	"logfile=/tmp/supervisord.log ; (main log file;default $CWD/supervisord.log)\n"
	"logfile_maxbytes=50MB\n"
	"pidfile=/tmp/supervisord.pid\n"
	"nodaemon = True\n"
	"loglevel = DEBUG\n"
	"user=root\t\t ;\n"
	"environment=PATH=\"/opt/bin:%(ENV_PATH)s\",LANG=en_US.UTF-8\n"
	"\n"
	"[rpcinterface:supervisor]\n"
	"supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
	"\n"
	"[supervisorctl]\n"
	"serverurl=unix:///tmp/supervise-unit.sock\n"
	"\n"
	"[program:tomcat]\n"
	"command=/opt/tomcat/bin/catalina.sh run\n"
	"directory=/opt/tomcat\n"
	"user=root\n"
	"autostart=true\n"
	"autorestart=true\n"
	"startsecs=10\n"
	"stopsignal=INT\n"
	"stopwaitsecs = 60\n"
	"stdout_logfile=/dev/stdout\n"
	"stdout_logfile_maxbytes=0\n"
	"stderr_logfile=/dev/stderr\n"
	"stderr_logfile_maxbytes=0\n"
	"environment=JAVA_OPTS=\"-Xmx512m -Dfile.encoding=UTF-8\",CATALINA_HOME='/opt/tomcat'\n"
	"\n"
	"[program:nginx]\n"
	"command=/usr/sbin/nginx -g \"daemon off;\"\n"
	"priority=900\n"
	"exitcodes=0,2\n"
	"redirect_stderr=true\n"
	"stdout_logfile=/tmp/nginx.log\n"
	"\n"
	"[program:uwsgi]\n"
	"command=uwsgi\n"
	"  --master\n"
	"  --env=LANG=\"en_US.utf8\"\n"
	"  --processes 4\n"
	"\n"
	"[eventlistener:crashmail]\n"
	"command=/usr/local/bin/crashmail -a -m root@localhost\n"
	"events=PROCESS_STATE_STOPPED, PROCESS_STATE_EXITED, PROCESS_STATE_FATAL\n", &cf, &e);
	eqi("real load ok", rc, 0);
	if (rc) {
		printf("# %s\n", e.n ? e.v[0] : "");
		strv_free(&e);
		cfg_free(&cf);
		return;
	}
	eqi("real servers", cf.nservers, 2);
	eqi("real inet first", cf.servers[0].kind, SRV_INET);
	eq("real inet host", cf.servers[0].host, "");
	eqi("real inet port", cf.servers[0].port, 9001);
	eq("real sha password kept", cf.servers[0].password, "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d");
	eq("real unix file", cf.servers[1].file, "/tmp/supervise-unit.sock");
	eqi("real chmod", cf.servers[1].chmod, 0770);
	eqi("real rpcinterface", cf.rpcinterface, 1);
	eq("real user tab comment", cf.user, "root");
	eqi("real nodaemon True", cf.nodaemon, 1);
	eqi("real loglevel DEBUG", cf.loglevel, L_DEBG);
	eq("real env PATH", cf.environment.v[0], "PATH=/opt/bin:/usr/bin:/bin");
	eq("real groups order", cf.groups[0].name, "crashmail");
	eq("real groups order 2", cf.groups[1].name, "nginx");
	p = &cf.groups[1].procs[0];
	eq("real nginx command", p->command, "/usr/sbin/nginx -g \"daemon off;\"");
	eqi("real nginx exitcodes", p->exitcodes[0], 5);
	eqi("real nginx stderr none", p->log[1].kind, LOG_NONE);
	eq("real nginx log", p->log[0].path, "/tmp/nginx.log");
	p = &cf.groups[2].procs[0];
	eq("real tomcat", p->name, "tomcat");
	eqi("real tomcat autorestart", p->autorestart, AR_TRUE);
	eqi("real tomcat stopsignal", p->stopsignal, SIGINT);
	eqi("real tomcat stopwaitsecs", p->stopwaitsecs, 60);
	eq("real tomcat env 2", p->env.v[2], "JAVA_OPTS=-Xmx512m -Dfile.encoding=UTF-8");
	eq("real tomcat env 3", p->env.v[3], "CATALINA_HOME=/opt/tomcat");
	eqi("real tomcat maxbytes 0", (long)p->log[0].maxbytes, 0);
	p = &cf.groups[3].procs[0];
	eq("real uwsgi multi-line", p->command, "uwsgi\n--master\n--env=LANG=\"en_US.utf8\"\n--processes 4");
	eqi("real config has no notes", cf.nnotes, 0);
	strv_free(&e);
	cfg_free(&cf);
}

static void test_ctl(void)
{
	struct ctlconf cc;
	char err[ERRLEN], want[512], *path;

	path = wfile("ctl.conf", "[supervisorctl]\nserverurl=unix://rel.sock\nprompt=p\n"
	             "history_file=~/.h\nusername=%(ENV_HOME)s\n[include]\nfiles=nothing\n");
	eqi("ctl read", cfg_read_ctl(path, &cc, err, sizeof err), 0);
	snprintf(want, sizeof want, "unix://%s/rel.sock", getcwd(want + 256, 256));
	eq("ctl unix url absolute", cc.serverurl, want);
	eq("ctl prompt", cc.prompt, "p");
	eq("ctl history ~", cc.history_file, "/root/.h");
	eq("ctl ENV", cc.username, "/root");
	eq("ctl password unset", cc.password, NULL);
	free(cc.serverurl); free(cc.prompt); free(cc.history_file); free(cc.username); free(cc.password);
	path = wfile("ctl.conf", "[supervisord]\n");
	cfg_read_ctl(path, &cc, err, sizeof err);
	eq("ctl no section", err, ".ini file does not include supervisorctl section");
	cfg_read_ctl("/nonexistent.conf", &cc, err, sizeof err);
	eq("ctl missing", err, "could not find config file /nonexistent.conf");
	path = wfile("ctl.conf", "[supervisorctl]\n");
	cfg_read_ctl(path, &cc, err, sizeof err);
	eq("ctl default url", cc.serverurl, "http://localhost:9001");
	eq("ctl default prompt", cc.prompt, "supervisor");
	free(cc.serverurl); free(cc.prompt);
}

static void test_misc(void)
{
	struct config cf;
	struct strv e;
	struct cmdline cl;
	char *s;
	FILE *f;
	size_t n;
	char *buf;

	s = cfg_search("/nonexistent/bin/supervise");
	check("search returns an existing file or NULL", !s || access(s, F_OK) == 0, "%s", s);
	free(s);
	memset(&cl, 0, sizeof cl);
	cl.config = "/nonexistent.conf";
	memset(&e, 0, sizeof e);
	cfg_load(&cf, &cl, &e);
	eq("load missing file", e.n ? e.v[0] : "", "could not find config file /nonexistent.conf");
	strv_free(&e);
	cfg_free(&cf);
	load("[supervisord]\n[program:a]\ncommand=c\n", &cf, &e);
	f = open_memstream(&buf, &n);
	cfg_dump(&cf, f);
	fclose(f);
	check("dump has supervisord", strstr(buf, "[supervisord]\n") && strstr(buf, "loglevel = INFO\n"), "");
	check("dump has program", strstr(buf, "[program:a]\npriority = 999\n[process:a:a]\n") != NULL, "%s", buf);
	free(buf);
	strv_free(&e);
	cfg_free(&cf);
	check("sample size", sizeof cfg_sample > 1500 && sizeof cfg_sample < 4096, "%d", (int)sizeof cfg_sample);
}

/* Child output helpers: Python's UTF-8 check and bytes repr (the debug copy,
 * as supervisord 4.2.5 printed them), ANSI stripping, capture buffers. */
static void test_output(void)
{
	static const struct { const char *in; size_t n; int ok; } u[] = {
		{ "plain\n", 6, 1 }, { "\303\251t\303\251", 6, 1 }, { "\377abc", 4, 0 },
		{ "\300\200", 2, 0 },           /* overlong NUL */
		{ "\355\240\200", 3, 0 },       /* a surrogate */
		{ "\364\220\200\200", 4, 0 },   /* past U+10FFFF */
		{ "\360\237\230\200", 4, 1 },   /* U+1F600 */
		{ "\303", 1, 0 },               /* cut in two */
	};
	static const struct { const char *in; const char *want; } r[] = {
		{ "\377abc\n", "b'\\xffabc\\n'" },
		{ "\377\t'q'\n", "b\"\\xff\\t'q'\\n\"" },
		{ "\377\t'q\" \\ \r\177", "b'\\xff\\t\\'q\" \\\\ \\r\\x7f'" },
	};
	struct capture c = { 0 };
	struct sbuf b;
	char ansi[] = "\033[31mred\033[0m and \033[1;2Hmore\033[";
	char nul[] = "a\033[1\0;31mb", cut[] = "a\033[1;3";
	char hay[] = "ab<!--XSUPERVISOR:END-->cd";
	size_t i;

	for (i = 0; i < sizeof u / sizeof u[0]; i++)
		eqi(u[i].in, utf8_valid((const unsigned char *)u[i].in, u[i].n), u[i].ok);
	for (i = 0; i < sizeof r / sizeof r[0]; i++) {
		memset(&b, 0, sizeof b);
		py_bytes_repr(&b, (const unsigned char *)r[i].in, strlen(r[i].in));
		eq(r[i].want, b.p, r[i].want);
		free(b.p);
	}
	/* the expected texts are supervisord's stripEscapes() of the same bytes */
	ansi[out_strip_ansi(ansi, strlen(ansi))] = '\0';
	eq("strip_ansi", ansi, "red and more");
	nul[out_strip_ansi(nul, sizeof nul - 1)] = '\0';
	eq("strip_ansi: a NUL ends no escape", nul, "ab");
	eqi("strip_ansi: an unfinished escape drops the rest", out_strip_ansi(cut, strlen(cut)), 1);
	eqi("mem_find END", mem_find(hay, strlen(hay), cap_token[1], strlen(cap_token[1])) - hay, 2);
	check("mem_find no BEGIN", !mem_find(hay, strlen(hay), cap_token[0], strlen(cap_token[0])), "");
	cap_add(&c, 10, "0123456", 7);
	cap_add(&c, 10, "789ab", 5);
	eqi("capture keeps the newest bytes: size", (long)c.n, 10);
	check("capture keeps the newest bytes", memcmp(c.buf, "23456789ab", 10) == 0, "%.10s", c.buf);
	cap_add(&c, 10, "ABCDEFGHIJKL", 12);
	check("capture: a piece longer than the bound", c.n == 10 && memcmp(c.buf, "CDEFGHIJKL", 10) == 0,
	      "%.*s", (int)c.n, c.buf);
	free(c.buf);
}

/* A failed start is an exit within startsecs, timed by the stamp of the
 * first SIGCHLD since the last reap, which may be older than the child. */
static void test_quick_exit(void)
{
	struct pconf pc = { .name = "x" };
	struct proc p = { .cf = &pc, .state = ST_STARTING, .laststart = 10000 };

	pc.startsecs = 1;
	eqi("exit 500 ms after the spawn, startsecs=1: too quick", exit_too_quick(&p, 10500), 1);
	eqi("exit 1000 ms after the spawn, startsecs=1: not", exit_too_quick(&p, 11000), 0);
	eqi("stamp before the spawn, startsecs=1: too quick", exit_too_quick(&p, 9000), 1);
	pc.startsecs = 0;
	eqi("exit at the spawn, startsecs=0: not too quick", exit_too_quick(&p, 10000), 0);
	eqi("stamp before the spawn, startsecs=0: not too quick (an older child's "
	    "SIGCHLD)", exit_too_quick(&p, 9000), 0);
	p.state = ST_RUNNING;
	pc.startsecs = 1;
	eqi("RUNNING: never too quick", exit_too_quick(&p, 10500), 0);
}

int main(void)
{
	extern char **environ;

	environ = fake_env;
	snprintf(tmpd, sizeof tmpd, "/tmp/svunitXXXXXX");
	if (!mkdtemp(tmpd))
		return 2;
	test_ini();
	test_types();
	test_env();
	test_shlex();
	test_expand();
	test_errors();
	test_all_errors();
	test_programs();
	test_include();
	test_glob();
	test_cmdline();
	test_realistic();
	test_ctl();
	test_misc();
	test_output();
	test_quick_exit();
	printf("# %d failed\n", nfail);
	return nfail ? 1 : 0;
}
