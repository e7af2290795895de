# tests/bench/bench.mk — `make bench`: performance figures (tests/bench/README.md).
#
#   make bench                  build the release binary and the harness, run every figure
#   make bench BENCH_ARGS=--quick      fewer repetitions (a smoke run, about a minute)
#   make bench-tools            build only the harness, tfgen, lspdrive, deps and spill into $(OUT)/bench/
#
# Benchmarks print figures and never assert on time (style.md 4.8 item 9), so
# `make bench` fails only when something cannot run at all. The harness is
# always built and run with the release flags, whatever VARIANT says: the
# target re-enters make with VARIANT=release. The generated tree of modules
# lives in build/bench/tree (whatever OUT is) and is generated once, then
# reused while its stamp matches the generator's parameters.

BENCH_BIN := $(OUT)/bench
BENCH_DATA ?= build/bench
BENCH_ARGS ?=
BENCH_COMMON := $(OUT)/obj/tests/bench/gen.o $(OUT)/obj/tests/bench/stats.o $(OUT)/obj/tests/bench/lspc.o

.PHONY: bench bench-run bench-tools

bench:
	@$(MAKE) --no-print-directory VARIANT=release bench-run

bench-tools: $(BENCH_BIN)/bench $(BENCH_BIN)/tfgen $(BENCH_BIN)/lspdrive $(BENCH_BIN)/deps $(BENCH_BIN)/spill

bench-run: $(OUT)/hybridls bench-tools
	@mkdir -p $(BENCH_DATA)
	$(BENCH_BIN)/bench --server $(OUT)/hybridls --data $(BENCH_DATA) $(BENCH_ARGS)

$(BENCH_BIN)/bench: $(OUT)/obj/tests/bench/bench.o $(OUT)/obj/tests/bench/deps.o $(OUT)/obj/tests/bench/spill.o $(BENCH_COMMON) $(LIB_OBJ) $(GRAMMAR_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS_ALL)

$(BENCH_BIN)/tfgen: $(OUT)/obj/tests/bench/tfgen.o $(OUT)/obj/tests/bench/gen.o
	@mkdir -p $(dir $@)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS_ALL)

$(BENCH_BIN)/lspdrive: $(OUT)/obj/tests/bench/lspdrive.o $(BENCH_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS_ALL)

$(BENCH_BIN)/deps: $(OUT)/obj/tests/bench/deps_main.o $(OUT)/obj/tests/bench/deps.o $(OUT)/obj/tests/bench/stats.o \
                   $(LIB_OBJ) $(GRAMMAR_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS_ALL)

$(BENCH_BIN)/spill: $(OUT)/obj/tests/bench/spill_main.o $(OUT)/obj/tests/bench/spill.o $(OUT)/obj/tests/bench/deps.o \
                    $(OUT)/obj/tests/bench/stats.o $(LIB_OBJ) $(GRAMMAR_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS_ALL)
