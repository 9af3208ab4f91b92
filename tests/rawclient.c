/* tests/rawclient.c - a raw control-protocol client for tests/t_hostile.sh:
 * the misbehaving clients that nc cannot play.  Unix sockets only.
 *
 *   rawclient send SOCK MS        write stdin, keep the socket open, print
 *                                 what comes back; exit 0 if the daemon
 *                                 closed it, 3 if MS ms passed in silence
 *   rawclient noread SOCK N HOLD DRAIN
 *                                 write "status\n" N times without reading,
 *                                 hold HOLD ms, then read until EOF or DRAIN
 *                                 ms of silence; prints
 *                                 "written=W endlines=E dropped=0|1"
 *   rawclient many SOCK N LINE [MS]
 *                                 connect N clients first, then send LINE on
 *                                 each and read them all at once, for at
 *                                 most MS ms (10000); prints "complete=C of
 *                                 N" (a reply is complete at its end line);
 *                                 exit 0 if C = N
 *   rawclient churn SOCK N        connect and close N times; prints "ok=K"
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int dial(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* end-line counter: a line "." followed by digits only, fed byte by byte */
struct lines { int bol, state, ends; };   /* state: 0 none, 1 ".", 2 ".d+", 3 other */

static void feed(struct lines *l, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\n') {
			if (l->state == 2)
				l->ends++;
			l->state = 0;
			l->bol = 1;
			continue;
		}
		if (l->bol)
			l->state = c == '.' ? 1 : 3;
		else if ((l->state == 1 || l->state == 2) && c >= '0' && c <= '9')
			l->state = 2;
		else
			l->state = 3;
		l->bol = 0;
	}
}

/* read until EOF/error (returns 1) or ms of silence (returns 0) */
static int drain(int fd, int ms, int echo, struct lines *l)
{
	char buf[65536];

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;
		if (poll(&p, 1, ms) <= 0)
			return 0;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return 1;
		if (echo)
			fwrite(buf, 1, n, stdout);
		if (l)
			feed(l, buf, n);
	}
}

static int do_send(const char *sock, int ms)
{
	char buf[65536];
	size_t len = 0, off = 0;
	ssize_t n;
	int fd = dial(sock), closed;

	if (fd < 0) {
		perror("connect");
		return 2;
	}
	while ((n = read(0, buf + len, sizeof buf - len)) > 0 && len < sizeof buf)
		len += n;
	while (off < len && (n = write(fd, buf + off, len - off)) > 0)
		off += n;
	closed = drain(fd, ms, 1, NULL);
	fflush(stdout);
	return closed ? 0 : 3;
}

static int do_noread(const char *sock, int count, int hold, int dr)
{
	static const char req[] = "status\n";
	size_t len = (sizeof req - 1) * count, off = 0;
	char *buf = malloc(len);
	int fd = dial(sock), i, dropped = 0;
	long end;
	struct lines l = {1, 0, 0};

	if (fd < 0 || !buf) {
		perror("connect");
		return 2;
	}
	for (i = 0; i < count; i++)
		memcpy(buf + i * (sizeof req - 1), req, sizeof req - 1);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	end = now_ms() + hold;
	while (now_ms() < end) {             /* write what goes, never read */
		struct pollfd p = {fd, off < len ? POLLOUT : 0, 0};
		int left = (int)(end - now_ms());
		poll(&p, 1, left > 0 ? left : 0);
		if (off < len && (p.revents & POLLOUT)) {
			ssize_t n = write(fd, buf + off, len - off);
			if (n > 0)
				off += n;
			else if (n < 0 && errno != EAGAIN) {
				dropped = 1;
				break;
			}
		}
	}
	fcntl(fd, F_SETFL, 0);
	if (drain(fd, dr, 0, &l))
		dropped = 1;
	printf("written=%zu endlines=%d dropped=%d\n", off / (sizeof req - 1), l.ends, dropped);
	return 0;
}

static int do_many(const char *sock, int n, const char *line, int ms)
{
	int *fd = calloc(n, sizeof *fd), i, done = 0, open_ = 0;
	struct lines *l = calloc(n, sizeof *l);
	struct pollfd *p = calloc(n, sizeof *p);
	char req[4200], buf[65536];
	long end;

	snprintf(req, sizeof req, "%s\n", line);
	for (i = 0; i < n; i++) {
		fd[i] = dial(sock);
		l[i].bol = 1;
		if (fd[i] >= 0)
			open_++;
	}
	for (i = 0; i < n; i++)
		if (fd[i] >= 0 && write(fd[i], req, strlen(req)) < 0) {
			close(fd[i]);
			fd[i] = -1;
		}
	end = now_ms() + ms;
	while (done < n && now_ms() < end) {
		int k = 0;
		for (i = 0; i < n; i++) {
			p[i].fd = fd[i] >= 0 && l[i].ends == 0 ? fd[i] : -1;
			p[i].events = POLLIN;
			p[i].revents = 0;
			k += p[i].fd >= 0;
		}
		if (!k)
			break;
		if (poll(p, n, 1000) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			ssize_t r;
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(fd[i], buf, sizeof buf);
			if (r <= 0) {
				close(fd[i]);
				fd[i] = -1;
				continue;
			}
			feed(&l[i], buf, r);
			if (l[i].ends)
				done++;
		}
	}
	for (i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	printf("connected=%d complete=%d of %d\n", open_, done, n);
	return done == n ? 0 : 1;
}

static int do_churn(const char *sock, int n)
{
	int i, ok = 0;

	for (i = 0; i < n; i++) {
		int fd = dial(sock);
		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	printf("ok=%d\n", ok);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "noread"))
		return do_noread(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "many"))
		return do_many(argv[2], atoi(argv[3]), argv[4], argc == 6 ? atoi(argv[5]) : 10000);
	if (argc == 4 && !strcmp(argv[1], "churn"))
		return do_churn(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: rawclient send|noread|many|churn SOCK ...\n");
	return 2;
}
