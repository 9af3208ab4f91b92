# supervise - a process supervisor that runs supervisord configs
# See LICENSE file for copyright and license details.
#
#   make                          build supervise and supervisectl
#   make check                    build, then run the tests (tests/run.sh)
#   make static                   the same, linked statically with musl-gcc
#   make CROSS_COMPILE=arm-linux-gnueabihf-     a cross build (any prefix);
#   make check CROSS_COMPILE=...  runs the tests through qemu-user
#   make check SANITIZE=1         built and run with ASan and UBSan
#   make check VALGRIND=1         the daemon runs under valgrind memcheck
#   make size                     stripped sizes of every build (bench/size.sh)
#   make fuzz                     build the libFuzzer targets of fuzz/ with clang
#                                 and run each FUZZTIME seconds (fuzz/run.sh)
#   make install / uninstall      PREFIX (/usr/local), DESTDIR
#
# Nothing built here runs on the build host during the build.

PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
INITDIR = $(PREFIX)/share/supervise
CROSS_COMPILE =
# SANITIZE builds with clang: gcc's UBSan beside its ASan writes reports to
# stderr, not into the files UBSAN_OPTIONS names (run.sh reads those)
CC = $(if $(SANITIZE),clang,$(CROSS_COMPILE)gcc)
STRIP = $(CROSS_COMPILE)strip
# CI builds with WERROR=-Werror; a user's older or newer compiler may warn
# where ours does not (gcc 4.4 of CentOS 6 about {0}), which is no reason
# to stop a build
WERROR =
CFLAGS = -std=c99 -Os -Wall -Wextra -pedantic $(WERROR) \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
LDFLAGS = -Wl,--gc-sections
# clock_gettime lives in librt before glibc 2.17 (CentOS 6); a stub since
LDLIBS = -lrt

# the client links only the shared config code of supervise.c
LIBFLAGS = -DSUPERVISE_NO_MAIN -Wno-unused-function
SRC = supervise.c supervise.h

# SANITIZE=1: AddressSanitizer (with LeakSanitizer) and UBSan, any report
# fatal; VALGRIND=1: line numbers in valgrind's reports.  tests/run.sh turns
# every report into a FAIL line.
SANITIZE =
VALGRIND =
SANFLAGS = $(if $(SANITIZE),-fsanitize=address -fsanitize=undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -g,$(if $(VALGRIND),-g))
BUILD = $(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) $(LDLIBS)

# fuzz/: the targets, built with clang's libFuzzer and sanitizers for
# `make fuzz`, and with $(CC) as replays of their inputs for `make check`
FUZZ = config request split
FUZZCC = clang
FUZZFLAGS = -std=c99 -g -O1 -Wall -Wextra $(WERROR) -Wno-unused-function \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZTIME = 60
FUZZ_BIN = fuzz/config-fuzz fuzz/request-fuzz fuzz/split-fuzz
FUZZ_REPLAY = fuzz/config-replay fuzz/request-replay fuzz/split-replay

# qemu-user for a cross build's tests: qemu-ARCH-static -L /usr/TRIPLET
TRIPLET = $(CROSS_COMPILE:-=)
QEMU_ARCH = $(shell echo $(TRIPLET) | sed 's/-.*//; s/^arm.*/arm/; s/^i.86$$/i386/')
QEMU = $(if $(CROSS_COMPILE),qemu-$(QEMU_ARCH)-static -L /usr/$(TRIPLET))

all: supervise supervisectl

supervise: $(SRC) build-flags
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ supervise.c $(LDLIBS)

supervise-lib.o: $(SRC) build-flags
	$(CC) $(CFLAGS) $(SANFLAGS) $(LIBFLAGS) -c -o $@ supervise.c

supervisectl: ctl.c supervise.h supervise-lib.o build-flags
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ ctl.c supervise-lib.o $(LDLIBS)

tests/unit: tests/unit.c $(SRC) build-flags
	$(CC) $(CFLAGS) $(SANFLAGS) -Wno-unused-function $(LDFLAGS) -o $@ tests/unit.c $(LDLIBS)

# The command line that built the binaries: rewritten when it changes, so
# another CC, CROSS_COMPILE or SANITIZE builds everything anew
build-flags: FORCE
	@printf '%s\n' '$(BUILD)' | cmp -s - $@ || printf '%s\n' '$(BUILD)' >$@

fuzz/%-fuzz: fuzz/%.c fuzz/fuzz.h $(SRC)
	$(FUZZCC) $(FUZZFLAGS) -o $@ fuzz/$*.c

fuzz/%-replay: fuzz/%.c fuzz/fuzz.h fuzz/replay.c $(SRC) build-flags
	$(CC) $(CFLAGS) $(SANFLAGS) -Wno-unused-function $(LDFLAGS) -o $@ fuzz/$*.c fuzz/replay.c $(LDLIBS)

check: all tests/unit $(FUZZ_REPLAY)
	QEMU="$(QEMU)" SANITIZE="$(SANITIZE)" VALGRIND="$(VALGRIND)" sh tests/run.sh

fuzz: $(FUZZ_BIN)
	sh fuzz/run.sh $(FUZZTIME) $(FUZZ)

static:
	$(MAKE) clean
	$(MAKE) CC=musl-gcc LDFLAGS="$(LDFLAGS) -static" all

clean:
	rm -f supervise supervisectl supervise-lib.o tests/unit build-flags $(FUZZ_BIN) $(FUZZ_REPLAY)

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 \
		$(DESTDIR)$(MANPREFIX)/man8 $(DESTDIR)$(INITDIR)
	cp -f supervise $(DESTDIR)$(PREFIX)/sbin/supervise
	cp -f supervisectl $(DESTDIR)$(PREFIX)/bin/supervisectl
	chmod 755 $(DESTDIR)$(PREFIX)/sbin/supervise $(DESTDIR)$(PREFIX)/bin/supervisectl
	cp -f man/supervisectl.1 $(DESTDIR)$(MANPREFIX)/man1/
	cp -f man/supervise.conf.5 $(DESTDIR)$(MANPREFIX)/man5/
	cp -f man/supervise.8 $(DESTDIR)$(MANPREFIX)/man8/
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/supervisectl.1 \
		$(DESTDIR)$(MANPREFIX)/man5/supervise.conf.5 $(DESTDIR)$(MANPREFIX)/man8/supervise.8
	cp -f init.d/supervise init.d/supervise.service init.d/supervise.default \
		examples/supervise.conf $(DESTDIR)$(INITDIR)/
	chmod 755 $(DESTDIR)$(INITDIR)/supervise

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/supervise $(DESTDIR)$(PREFIX)/bin/supervisectl \
		$(DESTDIR)$(MANPREFIX)/man1/supervisectl.1 \
		$(DESTDIR)$(MANPREFIX)/man5/supervise.conf.5 \
		$(DESTDIR)$(MANPREFIX)/man8/supervise.8 \
		$(DESTDIR)$(INITDIR)/supervise $(DESTDIR)$(INITDIR)/supervise.service \
		$(DESTDIR)$(INITDIR)/supervise.default $(DESTDIR)$(INITDIR)/supervise.conf
	-rmdir $(DESTDIR)$(INITDIR)

size:
	sh bench/size.sh

.PHONY: all check fuzz static clean install uninstall size FORCE
