# The reliability suite (tests/reliability/README.md).
#
#   make reliability      release build, then tests/reliability/run.sh (about 3 minutes)
#   make reliability RELIABILITY_SKIP="deep valgrind"   leave parts out

.PHONY: reliability

$(OUT)/tests/reldriver: tests/reliability/reldriver.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDOPT) -o $@ $< $(LDLIBS_ALL)

reliability: $(OUT)/hybridls $(OUT)/tests/lsp_runner $(OUT)/tests/reldriver
	@RELIABILITY_SKIP="$(RELIABILITY_SKIP)" sh tests/reliability/run.sh $(OUT)
