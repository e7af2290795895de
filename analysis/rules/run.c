/* Runs every rule of rules.def that the configuration enables. */
#include "analysis/rules/rules.h"

static const struct {
  AnRuleId id;
  void (*check)(AnModel *m);
} run__table[] = {
#define AN_RULE(code, ident, name, category, severity, summary) {AN_RULE_##ident, an_check_##code},
#include "analysis/rules.def"
#undef AN_RULE
};

void an_rules_run(AnModel *m) {
  for (size_t i = 0; i < sizeof run__table / sizeof run__table[0]; i++) {
    if (!an_rule_enabled(m, run__table[i].id)) continue;
    run__table[i].check(m);
    if (m->arena.failed) return;
  }
}
