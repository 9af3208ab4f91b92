/* tests/flood.c - a fast writer of numbered lines, and their checker, for
 * the log tests and bench/throughput.sh.
 *
 *   flood LINES [WIDTH] [FD]   write lines 1 .. LINES to FD (default 1),
 *                              each exactly WIDTH bytes (default 100; 13 to
 *                              4096) with its newline:
 *                              "00000000001 xxx...x\n"; exit 0, 1 if a
 *                              write fails, 2 on a bad argument
 *   flood -c FILE...           read the FILEs as one stream (oldest backup
 *                              first: out.log.2 out.log.1 out.log) and check
 *                              that the lines are well formed, of one width
 *                              and numbered consecutively; print
 *                              "first N last M count K" and exit 0, or print
 *                              the first problem and exit 1
 *
 * The writer fills 64 KiB of whole lines and hands them to write() at once,
 * so it costs a reader far more than it costs itself.  The checker accepts
 * one partial line at the very start (the tail of a line whose head was
 * rotated away) and nothing else; a line split between two files is joined,
 * as the files are one stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIGITS 11               /* "00000000001": the number, zero-padded */
#define MINWIDTH (DIGITS + 2)   /* the number, a space and the newline */
#define CHUNK (64 * 1024)
#define MAXWIDTH 4096
#define MAXLINES 99999999999LL  /* what DIGITS can number */

static void die(const char *msg)
{
	fprintf(stderr, "flood: %s\n", msg);
	exit(2);
}

/* A whole number from an argument, or -1. */
static long long number(const char *s)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	return errno || end == s || *end || n < 0 ? -1 : n;
}

/* Write all n bytes, through short writes and EINTR. */
static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Put the number n in the DIGITS bytes at p, zero-padded. */
static void put_number(char *p, long long n)
{
	int i;

	for (i = DIGITS - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
}

/* The writer: the buffer is laid out once as whole lines of filler; each
 * round only rewrites the numbers in it. */
static int flood(long long lines, size_t width, int fd)
{
	size_t per = CHUNK / width, i, k;
	char *buf = malloc(per * width);
	long long n = 1;

	if (!buf)
		die("out of memory");
	memset(buf, 'x', per * width);
	for (i = 0; i < per; i++) {
		buf[i * width + DIGITS] = ' ';
		buf[i * width + width - 1] = '\n';
	}
	while (n <= lines) {
		for (k = 0; k < per && n <= lines; k++, n++)
			put_number(buf + k * width, n);
		if (write_all(fd, buf, k * width) < 0) {
			perror("flood: write");
			return 1;
		}
	}
	free(buf);
	return 0;
}

/* The checker's state: the line being gathered and what came before. */
struct check {
	char line[MAXWIDTH + 1];
	size_t len;                 /* bytes gathered; MAXWIDTH + 1: too long */
	const char *file;           /* where the line being gathered began */
	long long off;
	long long seen;             /* lines gathered, a leading tail too */
	long long first, last, count;   /* of the whole lines */
	size_t width;               /* of the first whole line */
};

/* The number of a well-formed line of len bytes (newline included), or -1. */
static long long parse(const char *s, size_t len)
{
	long long n = 0;
	size_t i;

	if (len < MINWIDTH || s[DIGITS] != ' ' || s[len - 1] != '\n')
		return -1;
	for (i = 0; i < DIGITS; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	for (i = DIGITS + 1; i < len - 1; i++)
		if (s[i] != 'x')
			return -1;
	return n;
}

/* Say what is wrong with the line gathered, where it starts, and its head. */
static int problem(struct check *c, const char *what)
{
	size_t shown = c->len < 60 ? c->len : 60;

	if (shown > 0 && c->line[shown - 1] == '\n')
		shown--;
	printf("%s at %s byte %lld (after line %lld): %.*s\n", what, c->file, c->off,
	       c->last, (int)shown, c->line);
	return -1;
}

/* Whether s is the tail of a line whose head went with an older file: the
 * last few digits of the number and its space, or only filler. */
static int is_tail(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i >= DIGITS || (i > 0 && (i == len || s[i] != ' ')))
		return 0;
	if (i < len && s[i] == ' ')
		i++;
	while (i < len && s[i] == 'x')
		i++;
	return i == len - 1 && s[i] == '\n';
}

/* Judge one gathered line.  Only the stream's first line may be a tail. */
static int check_line(struct check *c)
{
	long long n = c->len <= MAXWIDTH ? parse(c->line, c->len) : -1;

	if (c->seen++ == 0 && n < 0 && c->len <= MAXWIDTH && is_tail(c->line, c->len))
		return 0;
	if (n < 0)
		return problem(c, "malformed line");
	if (c->count > 0 && c->len != c->width)
		return problem(c, "line of another width");
	if (c->count > 0 && n == c->last)
		return problem(c, "duplicate line");
	if (c->count > 0 && n != c->last + 1)
		return problem(c, n < c->last ? "line out of order" : "gap");
	if (c->count++ == 0)
		c->first = n;
	c->width = c->len;
	c->last = n;
	return 0;
}

/* Feed one file's bytes through the line gatherer. */
static int check_file(struct check *c, const char *path)
{
	static char buf[CHUNK];
	long long pos = 0;
	ssize_t n;
	size_t i, take, room;
	char *nl;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			printf("cannot read %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
		for (i = 0; i < (size_t)n; i += take) {
			if (c->len == 0) {
				c->file = path;
				c->off = pos + (long long)i;
			}
			nl = memchr(buf + i, '\n', (size_t)n - i);
			take = nl ? (size_t)(nl - (buf + i)) + 1 : (size_t)n - i;
			room = sizeof c->line - c->len;
			memcpy(c->line + c->len, buf + i, take < room ? take : room);
			c->len += take < room ? take : room;
			if (nl && check_line(c) < 0) {
				close(fd);
				return -1;
			}
			if (nl)
				c->len = 0;
		}
		pos += n;
	}
	close(fd);
	return 0;
}

static int check(char **files)
{
	static struct check c;

	for (; *files; files++)
		if (check_file(&c, *files) < 0)
			return 1;
	if (c.len > 0) {
		problem(&c, "unterminated last line");
		return 1;
	}
	if (c.count == 0) {
		printf("no whole line\n");
		return 1;
	}
	printf("first %lld last %lld count %lld\n", c.first, c.last, c.count);
	return 0;
}

int main(int argc, char **argv)
{
	long long lines, width = 100, fd = 1;

	if (argc >= 3 && strcmp(argv[1], "-c") == 0)
		return check(argv + 2);
	if (argc < 2 || argc > 4)
		die("usage: flood LINES [WIDTH] [FD] | flood -c FILE...");
	lines = number(argv[1]);
	if (argc > 2)
		width = number(argv[2]);
	if (argc > 3)
		fd = number(argv[3]);
	if (lines < 0 || lines > MAXLINES || width < MINWIDTH || width > MAXWIDTH
	    || fd < 0 || fd > 1024)
		die("LINES must be 0 to 99999999999, WIDTH 13 to 4096, FD a descriptor");
	return flood(lines, (size_t)width, (int)fd);
}
