# supervise - a process supervisor that runs supervisord configs
# See LICENSE file for copyright and license details.

PREFIX = /usr/local
CROSS_COMPILE =
CC = $(CROSS_COMPILE)cc
STRIP = $(CROSS_COMPILE)strip
CFLAGS = -std=c99 -Os -Wall -Wextra -Werror -pedantic \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
LDFLAGS = -Wl,--gc-sections

# the client links only the shared config code of supervise.c
LIBFLAGS = -DSUPERVISE_NO_MAIN -Wno-unused-function
SRC = supervise.c supervise.h

all: supervise supervisectl

supervise: $(SRC)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ supervise.c

supervise-lib.o: $(SRC)
	$(CC) $(CFLAGS) $(LIBFLAGS) -c -o $@ supervise.c

supervisectl: ctl.c supervise.h supervise-lib.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ ctl.c supervise-lib.o

tests/unit: tests/unit.c $(SRC)
	$(CC) $(CFLAGS) -Wno-unused-function $(LDFLAGS) -o $@ tests/unit.c

check: all tests/unit
	sh tests/run.sh

clean:
	rm -f supervise supervisectl supervise-lib.o tests/unit

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin
	cp -f supervise $(DESTDIR)$(PREFIX)/sbin/supervise
	cp -f supervisectl $(DESTDIR)$(PREFIX)/bin/supervisectl
	chmod 755 $(DESTDIR)$(PREFIX)/sbin/supervise $(DESTDIR)$(PREFIX)/bin/supervisectl

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/supervise $(DESTDIR)$(PREFIX)/bin/supervisectl

size: all
	$(STRIP) -o supervise.stripped supervise
	$(STRIP) -o supervisectl.stripped supervisectl
	wc -c supervise.stripped supervisectl.stripped
	rm -f supervise.stripped supervisectl.stripped

.PHONY: all check clean install uninstall size
