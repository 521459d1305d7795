# netpolc - one non-recursive Makefile.
#
#   make              build ./netpolc
#   make check        every test: unit (cmocka), golden, e2e (when root + netns)
#   make asan-check   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind-check  unit and golden tests under valgrind
#   make fuzz         build the libFuzzer targets (clang) and run each briefly
#   make demo         install missing build dependencies, build, compile the examples
#   make install PREFIX=/usr/local DESTDIR=
#   make golden-update   rewrite golden expectations (review the diff!)

PKGS      := yaml-0.1 jansson
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

LIB_SRCS  := $(sort $(wildcard frontend/*.c ir/*.c backends/*.c cli/*.c))
GRAM_Y    := $(wildcard grammar/*.y)
GRAM_L    := $(wildcard grammar/*.l)
GRAM_C    := $(GRAM_Y:grammar/%.y=$(BUILD)/grammar/%.tab.c) $(GRAM_L:grammar/%.l=$(BUILD)/grammar/%.lex.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GRAM_C:%.c=%.o)
LIB       := $(BUILD)/libnetpolc.a

TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB_SRCS := $(wildcard tests/unit/lib/*.c)
TESTLIB_OBJS := $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)

all: netpolc

netpolc: $(BUILD)/netpolc
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

$(BUILD)/grammar/%.o: $(BUILD)/grammar/%.c
	$(CC) $(ALL_CFLAGS) $(GENFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(TESTLIB_OBJS) $(LIB) $(PKG_LIBS) $(TEST_LIBS) $(ALL_LDFLAGS)

unit-tests: $(TEST_BINS)

# the suite runs the binary of this build ($(BUILD)/netpolc): asan-check tests the
# sanitizer build without touching ./netpolc
check: $(BUILD)/netpolc unit-tests $(if $(filter build,$(BUILD)),all)
	@BUILD=$(BUILD) NETPOLC=$(abspath $(BUILD)/netpolc) sh tests/run-all.sh $(TEST_BINS)

asan-check:
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined CFLAGS="-O1 -g" check

valgrind-check: all unit-tests
	@BUILD=$(BUILD) NETPOLC=$(abspath $(BUILD)/netpolc) VALGRIND=1 sh tests/run-all.sh $(TEST_BINS)

golden-update: all
	sh tests/run-golden.sh -g

e2e: all
	sh tests/e2e/run.sh $(if $(SEEDS),--seeds $(SEEDS))

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SRCS:tests/fuzz/%.c=%)

demo:
	sh .ci/deps.sh --demo
	$(MAKE) all
	sh examples/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 netpolc $(DESTDIR)$(PREFIX)/bin/netpolc
	install -m 644 netpolc.1 $(DESTDIR)$(PREFIX)/share/man/man1/netpolc.1

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-fuzz netpolc

.PHONY: all check asan-check valgrind-check golden-update e2e fuzz demo install format format-check clean unit-tests
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
