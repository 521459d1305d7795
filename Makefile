# netpolc - one non-recursive Makefile.
#
#   make              build ./netpolc
#   make check        every test: unit (cmocka), golden, nft checks, e2e; needs root
#                     (installs missing test dependencies first, .ci/deps.sh);
#                     make check NO_E2E=1 leaves the e2e bench out explicitly
#   make asan-check   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind-check  unit and golden tests under valgrind
#   make fuzz         build the libFuzzer targets (clang) and run each briefly
#   make demo         install missing build dependencies, build, compile the examples
#   make install PREFIX=/usr/local DESTDIR=   (also the man page and bash completion)
#   make golden-update   rewrite golden expectations (review the diff!)
#   make bench-cliffs    time growth on huge rules, peers and policies (slow; not in check)

PKGS      := yaml-0.1 jansson libbpf
CC        ?= cc
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wold-style-definition -Wwrite-strings -Wvla -Wformat=2 -Wpointer-arith \
             -Wundef -Wno-format-nonliteral -fno-common
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP -I. -I$(BUILD) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
GENFLAGS  := -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes \
             -Wno-unused-parameter -Wno-redundant-decls -Wno-shadow

ifdef SANITIZE
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRCS  := $(sort $(wildcard lib/*.c frontend/*.c ir/*.c backends/*.c cli/*.c))
GRAM_Y    := $(wildcard grammar/*.y)
GRAM_L    := $(wildcard grammar/*.l)
GRAM_C    := $(GRAM_Y:grammar/%.y=$(BUILD)/grammar/%.tab.c) $(GRAM_L:grammar/%.l=$(BUILD)/grammar/%.lex.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GRAM_C:%.c=%.o)
LIB       := $(BUILD)/libnetpolc.a

TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB_SRCS := $(wildcard tests/unit/lib/*.c)
TESTLIB_OBJS := $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)

all: netpolc netpolc.bpf.o

netpolc: $(BUILD)/netpolc
	cp $< $@.tmp && mv -f $@.tmp $@

# the reference BPF datapath; `netpolc bpf attach` finds it next to the binary
BPF_CLANG ?= clang
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -I. -I/usr/include/$(shell $(CC) -print-multiarch 2>/dev/null)

$(BUILD)/netpolc.bpf.o: bpf/netpolc.bpf.c bpf/layout.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

netpolc.bpf.o: $(BUILD)/netpolc.bpf.o
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/netpolc: $(BUILD)/netpolc.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(ALL_LDFLAGS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/grammar/%.tab.c $(BUILD)/grammar/%.tab.h: grammar/%.y
	@mkdir -p $(dir $@)
	bison -Wall -Werror --defines=$(BUILD)/grammar/$*.tab.h -o $(BUILD)/grammar/$*.tab.c $<

$(BUILD)/grammar/%.lex.c $(BUILD)/grammar/%.lex.h: grammar/%.l
	@mkdir -p $(dir $@)
	flex --header-file=$(BUILD)/grammar/$*.lex.h -o $(BUILD)/grammar/$*.lex.c $<

# the generated headers exist before anything that may include them is compiled
# (after the first build the .d files name the exact dependencies)
GRAM_H    := $(GRAM_Y:grammar/%.y=$(BUILD)/grammar/%.tab.h) $(GRAM_L:grammar/%.l=$(BUILD)/grammar/%.lex.h)
$(LIB_OBJS) $(BUILD)/netpolc.o: | $(GRAM_H)
$(BUILD)/grammar/%.lex.o: $(BUILD)/grammar/%.tab.h

$(BUILD)/grammar/%.o: $(BUILD)/grammar/%.c
	$(CC) $(ALL_CFLAGS) $(GENFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(TESTLIB_OBJS) $(LIB) $(PKG_LIBS) $(TEST_LIBS) $(ALL_LDFLAGS)

unit-tests: $(TEST_BINS)

# check installs what is missing first when run as root (like demo), then builds
# in a second make, which finds the libraries pkg-config did not know before.
# The suite runs the binary of this build ($(BUILD)/netpolc): asan-check tests
# the sanitizer build without touching ./netpolc.  Without root run-all.sh
# fails unless NO_E2E=1.
check:
	@if [ "$$(id -u)" = 0 ]; then sh .ci/deps.sh; fi
	@$(MAKE) --no-print-directory check-run

check-run: $(BUILD)/netpolc $(BUILD)/netpolc.bpf.o unit-tests $(if $(filter build,$(BUILD)),all)
	@BUILD=$(BUILD) NETPOLC=$(abspath $(BUILD)/netpolc) NO_E2E='$(NO_E2E)' \
		sh tests/run-all.sh $(TEST_BINS)

asan-check:
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined CFLAGS="-O1 -g" check

valgrind-check: all unit-tests
	@BUILD=$(BUILD) NETPOLC=$(abspath $(BUILD)/netpolc) VALGRIND=1 sh tests/run-all.sh $(TEST_BINS)

golden-update: all
	sh tests/run-golden.sh -g

bench-cliffs: all
	bench/cliffs/run.sh $(CLIFFS_SIZES)

e2e: all
	sh tests/e2e/run.sh --sample 1000000 --seeds $(or $(SEEDS),200)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SRCS:tests/fuzz/%.c=%)

demo:
	sh .ci/deps.sh --demo
	$(MAKE) all
	sh examples/demo.sh

# install-data: what needs no build (the man page, bash completion)
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
install: all install-data
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 netpolc $(DESTDIR)$(PREFIX)/bin/netpolc
	install -d $(DESTDIR)$(PREFIX)/lib/netpolc
	install -m 644 netpolc.bpf.o $(DESTDIR)$(PREFIX)/lib/netpolc/netpolc.bpf.o

install-data:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 netpolc.1 $(DESTDIR)$(PREFIX)/share/man/man1/netpolc.1
	install -m 644 completion/netpolc.bash $(DESTDIR)$(BASHCOMPDIR)/netpolc

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^grammar/')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h' | grep -v '^grammar/')

clean:
	rm -rf $(BUILD) build-asan build-fuzz netpolc netpolc.bpf.o

.PHONY: all check check-run asan-check valgrind-check golden-update bench-cliffs e2e fuzz demo install install-data format format-check clean unit-tests
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
