/* replay.c - run a fuzz target without libFuzzer: every file named on the
 * command line, and every file in a directory named, goes through
 * LLVMFuzzerTestOneInput once, in name order.  `make check` builds one per
 * target with the normal compiler (cross and musl builds too), so the
 * corpus seeds and the regression inputs in fuzz/ are replayed everywhere.
 *
 * Prints "replayed N inputs" and exits 0; a failed check of the target
 * aborts, and the name of the input being replayed is on stderr before. */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64    /* readdir of a big filesystem on 32-bit ARM, MIPS */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replayed;

static void replay_file(const char *path)
{
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0, got;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 4096))) {
			fprintf(stderr, "replay: out of memory\n");
			exit(1);
		}
		n += got = fread(buf + n, 1, cap - n, f);
	} while (got);
	fclose(f);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	replayed++;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!(names = realloc(names, (n + 1) * sizeof *names))
		    || !(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			fprintf(stderr, "replay: out of memory\n");
			exit(1);
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	for (i = 0; i < n; i++) {
		replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("replayed %d inputs\n", replayed);
	return 0;
}
