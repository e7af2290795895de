# hybridls build.
#
#   make            build build/hybridls (release, -O2)
#   make deps       install what is missing: Debian packages and the pinned grammars
#   make demo       deps + build + run hybridls on examples/
#   make test       unit, fixture, CLI and LSP suites, release and ASan+UBSan builds
#   make bench      performance figures (prints, never asserts on time)
#   make fuzz       libFuzzer targets, each bounded in time
#
# VARIANT=asan builds everything under build/asan with AddressSanitizer and
# UndefinedBehaviorSanitizer; `make test` builds and runs both variants.

VARIANT ?= release
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := tree-sitter jansson libuv

PY_GRAMMAR_VERSION := 0.23.6
PY_GRAMMAR_SHA256 := aab5b860d93dbf84b37fed532f7dacc0468ede5387d0c74911d68f964287662a
TOML_GRAMMAR_VERSION := 0.7.0
TOML_GRAMMAR_SHA256 := b3a7834caf2e5266d09fc5df0b166a665412b9688b86ac02ab172c48bdab7e13

APT_PACKAGES := build-essential pkg-config libtree-sitter-dev libjansson-dev libuv1-dev \
                clang valgrind neovim python3 patch nodejs npm

GRAMMARS := build/grammars
PY_SRC := $(GRAMMARS)/python/package/src
TOML_SRC := $(GRAMMARS)/toml/package/src

ifeq ($(VARIANT),asan)
  OUT := build/asan
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DHL_DEBUG
  LDOPT := -fsanitize=address,undefined
else
  OUT := build
  OPT := -O2 -g -DNDEBUG
  LDOPT :=
endif

WARN := -Wall -Wextra -Wshadow -Wpedantic -Werror=incompatible-pointer-types -Wno-unused-parameter
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -I. -I$(OUT)/gen $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

PROTOCOL_SRC := $(sort $(wildcard protocol/*.c))
ANALYSIS_SRC := $(sort $(wildcard analysis/*.c analysis/rules/*.c))
SERVER_SRC := $(sort $(filter-out server/main.c,$(wildcard server/*.c)))
RULE_DOCS := $(sort $(wildcard analysis/docs/HY*.md))

LIB_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(PROTOCOL_SRC) $(ANALYSIS_SRC) $(SERVER_SRC)) \
           $(OUT)/obj/gen/rule_docs.o
GRAMMAR_OBJ := $(GRAMMARS)/python_parser.o $(GRAMMARS)/python_scanner.o \
               $(GRAMMARS)/toml_parser.o $(GRAMMARS)/toml_scanner.o

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(sort $(wildcard tests/unit/test_*.c)))
TOOLS := $(OUT)/tests/lsp_runner $(OUT)/tests/fixture_runner $(OUT)/tests/reldriver

.PHONY: all deps grammars demo test test-variant check-deps update clean
.DEFAULT_GOAL := all

all: $(OUT)/hybridls

$(OUT)/hybridls: $(OUT)/obj/server/main.o $(LIB_OBJ) $(GRAMMAR_OBJ)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS_ALL)

$(OUT)/obj/%.o: %.c | grammars
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# Rule documentation: analysis/docs/HYnnn.md become C strings, so the one text
# serves `hybridls explain`, hovers and the README.
$(OUT)/gen/rule_docs.c: $(RULE_DOCS) tests/tools/embed_docs.sh
	@mkdir -p $(dir $@)
	sh tests/tools/embed_docs.sh $(RULE_DOCS) > $@.tmp && mv $@.tmp $@

$(OUT)/obj/gen/rule_docs.o: $(OUT)/gen/rule_docs.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# --- grammars: npm tarballs, checked against pinned sha256, never committed ---
grammars: $(PY_SRC)/parser.c $(TOML_SRC)/parser.c

$(PY_SRC)/parser.c:
	@mkdir -p $(GRAMMARS)/python
	cd $(GRAMMARS) && npm pack --silent tree-sitter-python@$(PY_GRAMMAR_VERSION) >/dev/null
	echo "$(PY_GRAMMAR_SHA256)  $(GRAMMARS)/tree-sitter-python-$(PY_GRAMMAR_VERSION).tgz" | sha256sum -c --quiet
	tar xzf $(GRAMMARS)/tree-sitter-python-$(PY_GRAMMAR_VERSION).tgz -C $(GRAMMARS)/python package/src
	touch $@

$(TOML_SRC)/parser.c:
	@mkdir -p $(GRAMMARS)/toml
	cd $(GRAMMARS) && npm pack --silent @tree-sitter-grammars/tree-sitter-toml@$(TOML_GRAMMAR_VERSION) >/dev/null
	echo "$(TOML_GRAMMAR_SHA256)  $(GRAMMARS)/tree-sitter-grammars-tree-sitter-toml-$(TOML_GRAMMAR_VERSION).tgz" | sha256sum -c --quiet
	tar xzf $(GRAMMARS)/tree-sitter-grammars-tree-sitter-toml-$(TOML_GRAMMAR_VERSION).tgz -C $(GRAMMARS)/toml package/src
	touch $@

$(GRAMMARS)/python_%.o: $(PY_SRC)/parser.c
	$(CC) -O2 -w -std=c11 -I$(PY_SRC) -c -o $@ $(PY_SRC)/$*.c
$(GRAMMARS)/toml_%.o: $(TOML_SRC)/parser.c
	$(CC) -O2 -w -std=c11 -I$(TOML_SRC) -c -o $@ $(TOML_SRC)/$*.c

# --- set-up ---
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  case $$p in nodejs|npm) command -v $$p >/dev/null 2>&1 && continue;; esac; \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@$(MAKE) --no-print-directory grammars

demo: deps
	@$(MAKE) --no-print-directory all
	@echo "== hybridls check examples/ =="
	@build/hybridls check examples/; rc=$$?; [ $$rc -le 1 ] || exit $$rc

# --- tests ---
$(OUT)/tests/%: tests/unit/%.c $(LIB_OBJ) $(GRAMMAR_OBJ) tests/unit/test.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDOPT) -o $@ $< $(LIB_OBJ) $(GRAMMAR_OBJ) $(LDLIBS_ALL)

$(OUT)/tests/lsp_runner: tests/lsp/lsp_runner.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDOPT) -o $@ $< $(LDLIBS_ALL)

$(OUT)/tests/fixture_runner: tests/fixtures/fixture_runner.c $(LIB_OBJ) $(GRAMMAR_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDOPT) -o $@ $< $(LIB_OBJ) $(GRAMMAR_OBJ) $(LDLIBS_ALL)

test-variant: $(OUT)/hybridls $(UNIT_TESTS) $(TOOLS)
	@sh tests/run_suite.sh $(OUT) $(VARIANT)

test: check-deps
	@$(MAKE) --no-print-directory VARIANT=release test-variant
	@$(MAKE) --no-print-directory VARIANT=asan test-variant
	@sh tests/summary.sh build build/asan

# The dependency direction of design.md, enforced.
check-deps:
	@! grep -lE '#include *[<"](uv|jansson)\.h' analysis/*.[ch] analysis/rules/*.[ch] 2>/dev/null | grep . || { echo "analysis/ must not include uv.h or jansson.h"; exit 1; }
	@! grep -lE '#include *[<"](uv\.h|tree_sitter/)' protocol/*.[ch] 2>/dev/null | grep . || { echo "protocol/ must not include uv.h or tree-sitter"; exit 1; }
	@! grep -lE '#include *"server/' analysis/*.[ch] analysis/rules/*.[ch] protocol/*.[ch] 2>/dev/null | grep . || { echo "analysis/ and protocol/ must not include server/"; exit 1; }
	@! grep -lE '#include *"protocol/' analysis/*.[ch] analysis/rules/*.[ch] 2>/dev/null | grep . || { echo "analysis/ must not include protocol/"; exit 1; }
	@! grep -lE '#include *"analysis/' protocol/*.[ch] 2>/dev/null | grep . || { echo "protocol/ must not include analysis/"; exit 1; }

# One command regenerates every reviewed expectation from the real binary:
# fixture annotations, CLI golden outputs, the README's rule section.
# Review the result with `git diff` before committing.
update: all $(OUT)/tests/fixture_runner
	$(OUT)/tests/fixture_runner --update tests/fixtures
	sh tests/cli/run.sh --update $(OUT)/hybridls
	sh tests/tools/readme_rules.sh README.md > build/README.new && mv build/README.new README.md

clean:
	rm -rf build/obj build/asan build/hybridls build/tests build/gen

# Suites that bring their own targets (bench, fuzz, editor clients).
-include $(wildcard tests/*/*.mk editors/*.mk)

-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)
