# libFuzzer targets (tests/fuzz/README.md).
#
#   make fuzz                  build, then run each target for FUZZ_SECONDS (default 60)
#   make fuzz FUZZ_SECONDS=600 longer runs
#   make fuzz-build            build the targets only
#   make fuzz-replay           run every seed and regression input once through each target
#
# The targets are built with clang, -fsanitize=fuzzer,address,undefined and
# assertions on, into $(FUZZ_OUT). A run fails (and `make fuzz` with it) on a
# crash, a sanitizer report, an abort of a target's own check, a leak, an
# input slower than FUZZ_TIMEOUT seconds or more than FUZZ_RSS_MB of memory.
# New inputs go to $(FUZZ_OUT)/corpus/TARGET, crashes to
# $(FUZZ_OUT)/crashes/; a crash found here is minimised and copied to
# tests/fuzz/regress/TARGET/, where `make test` replays it
# (tests/unit/test_regress_fuzz.c).

FUZZ_CC ?= clang
FUZZ_OUT ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 20
FUZZ_RSS_MB ?= 2048
FUZZ_TARGETS := protocol server analysis edits
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
              -DHL_DEBUG -I. -I$(FUZZ_OUT)/gen $(PKG_CFLAGS)

FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(PROTOCOL_SRC) $(ANALYSIS_SRC) $(SERVER_SRC)) \
                $(FUZZ_OUT)/obj/gen/rule_docs.o
# The Python scanner is instrumented (it is hand-written C with state); the
# table-driven parser.c and the TOML grammar are linked as built for release.
FUZZ_GRAMMAR_OBJ := $(GRAMMARS)/python_parser.o $(FUZZ_OUT)/obj/grammars/python_scanner.o \
                    $(GRAMMARS)/toml_parser.o $(GRAMMARS)/toml_scanner.o
FUZZ_BINS := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-replay
# Objects reached through the pattern chain are kept between runs.
.SECONDARY: $(FUZZ_LIB_OBJ) $(patsubst %,$(FUZZ_OUT)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS)) \
            $(FUZZ_OUT)/obj/grammars/python_scanner.o $(FUZZ_OUT)/gen/rule_docs.c

fuzz-build: $(FUZZ_BINS)

$(FUZZ_OUT)/obj/%.o: %.c | grammars
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_OUT)/gen/rule_docs.c: $(RULE_DOCS) tests/tools/embed_docs.sh
	@mkdir -p $(dir $@)
	sh tests/tools/embed_docs.sh $(RULE_DOCS) > $@.tmp && mv $@.tmp $@

$(FUZZ_OUT)/obj/gen/rule_docs.o: $(FUZZ_OUT)/gen/rule_docs.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_OUT)/obj/grammars/python_scanner.o: $(PY_SRC)/parser.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -w -std=c11 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -I$(PY_SRC) -c -o $@ $(PY_SRC)/scanner.c

$(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ) $(FUZZ_GRAMMAR_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

# Seeds: ours (tests/fuzz/corpus/TARGET), plus, for analysis, every Python
# file of the rule fixtures, the quiet corpus and the examples.
fuzz_seed_dirs = tests/fuzz/corpus/$(1) $(wildcard tests/fuzz/regress/$(1)) \
                 $(if $(filter analysis,$(1)),$(FUZZ_OUT)/seeds/analysis)

$(FUZZ_OUT)/seeds/analysis: $(wildcard tests/fixtures/*/*.py tests/fixtures/*/*/*.py tests/corpus/*/*.py examples/*.py)
	@rm -rf $@ && mkdir -p $@
	@for f in $^; do cp "$$f" "$@/$$(echo "$$f" | tr / _)"; done

fuzz: $(FUZZ_BINS) $(FUZZ_OUT)/seeds/analysis
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_OUT)/corpus/$$t $(FUZZ_OUT)/crashes; \
	  case $$t in edits) max=4096;; *) max=65536;; esac; \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  dict=""; [ -f tests/fuzz/$$t.dict ] && dict="-dict=tests/fuzz/$$t.dict"; \
	  seeds="tests/fuzz/corpus/$$t"; [ -d tests/fuzz/regress/$$t ] && seeds="$$seeds tests/fuzz/regress/$$t"; \
	  [ $$t = analysis ] && seeds="$$seeds $(FUZZ_OUT)/seeds/analysis"; \
	  $(FUZZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
	    -max_len=$$max -print_final_stats=1 $$dict -artifact_prefix=$(FUZZ_OUT)/crashes/$$t- \
	    $(FUZZ_OUT)/corpus/$$t $$seeds > $(FUZZ_OUT)/$$t.log 2>&1; rc=$$?; \
	  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE' $(FUZZ_OUT)/$$t.log | sed 's/^/   /'; \
	  if [ $$rc -ne 0 ]; then fail=$$((fail + 1)); echo "   FAIL fuzz_$$t (exit $$rc), see $(FUZZ_OUT)/$$t.log:"; \
	    grep -E 'ERROR|SUMMARY|fuzz_[a-z]+:' $(FUZZ_OUT)/$$t.log | head -n 10 | sed 's/^/   /'; \
	  else echo "   ok   fuzz_$$t"; fi; \
	done; \
	echo "fuzz: $$(( $(words $(FUZZ_TARGETS)) - fail )) passed, $$fail failed"; [ $$fail -eq 0 ]

# Every seed and regression input once (no mutation): quick, and what CI can
# run on each commit besides `make test`.
fuzz-replay: $(FUZZ_BINS) $(FUZZ_OUT)/seeds/analysis
	@for t in $(FUZZ_TARGETS); do \
	  seeds="tests/fuzz/corpus/$$t"; [ -d tests/fuzz/regress/$$t ] && seeds="$$seeds tests/fuzz/regress/$$t"; \
	  [ $$t = analysis ] && seeds="$$seeds $(FUZZ_OUT)/seeds/analysis"; \
	  $(FUZZ_OUT)/fuzz_$$t -runs=0 -timeout=$(FUZZ_TIMEOUT) $$seeds > $(FUZZ_OUT)/$$t.replay.log 2>&1 \
	    || { echo "FAIL fuzz_$$t replay, see $(FUZZ_OUT)/$$t.replay.log"; exit 1; }; \
	  echo "ok   fuzz_$$t replay"; done

# The replay unit test includes the targets' sources.
$(OUT)/tests/test_regress_fuzz: $(wildcard tests/fuzz/*.c)

-include $(shell find $(FUZZ_OUT)/obj -name '*.d' 2>/dev/null)
