/* fuzz.h - what the fuzz targets share.  Each target is one file that
 * includes this: the daemon's own code (supervise.c without main, as
 * tests/unit.c builds it), so the fuzzers reach the real functions, plus a
 * private temp dir for the files a target needs.
 *
 * Built two ways (Makefile): with clang -fsanitize=fuzzer,address,undefined
 * (libFuzzer brings main), and with the normal $(CC) and replay.c's main,
 * which `make check` uses to replay the corpus and the regression inputs. */
#define SUPERVISE_NO_MAIN
#include "../supervise.c"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed check of a target: say which and stop, so libFuzzer keeps the
 * input as a crash. */
#define FZ_ASSERT(cond, ...) do { if (!(cond)) { fprintf(stderr, "fuzz: " \
	__VA_ARGS__); fputc('\n', stderr); abort(); } } while (0)

static char fz_dir[PATH_MAX];

/* dir/name in a buffer of its own (up to 8 in use at once). */
static const char *fz_path(const char *name)
{
	static char buf[8][PATH_MAX + 64];
	static int k;
	char *p = buf[k++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", fz_dir, name);
	return p;
}

static void fz_write(const char *name, const void *data, size_t n)
{
	int fd = open(fz_path(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FZ_ASSERT(fd >= 0 && write(fd, data, n) == (ssize_t)n && close(fd) == 0,
	          "cannot write %s: %s", fz_path(name), strerror(errno));
}

static void fz_puts(const char *name, const char *text)
{
	fz_write(name, text, strlen(text));
}

/* Remove what is in dir (and dir itself when self), depth first. */
static void fz_rm(const char *dir, int self)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;

	while (d && (e = readdir(d))) {
		char *p;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			fz_rm(p, 1);
		else
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	if (self)
		rmdir(dir);
}

static void fz_cleanup(void)
{
	if (fz_dir[0])
		fz_rm(fz_dir, 1);
}

/* Make the target's temp dir, removed again at a normal exit (a crash
 * leaves it for the post-mortem; it is small), and give the process a
 * small environment of its own: ENV_* names and "~" are then the same on
 * every machine, and "~" stays in the temp dir. */
static void fz_setup(const char *target)
{
	static char home[PATH_MAX + 8];
	static char *env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", home, NULL };
	const char *tmp = getenv("TMPDIR");

	snprintf(fz_dir, sizeof fz_dir, "%s/svfuzz-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp",
	         target);
	FZ_ASSERT(mkdtemp(fz_dir), "cannot make a temp dir %s: %s", fz_dir, strerror(errno));
	atexit(fz_cleanup);
	snprintf(home, sizeof home, "HOME=%s", fz_dir);
	environ = env;
}

/* The input as a C string (the functions under test take those). */
static char *fz_string(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}
