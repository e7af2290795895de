/* The rule metadata table, built from rules.def and the embedded docs. */
#include <string.h>
#include <strings.h>

#include "analysis/analysis.h"
#include "analysis/rule_docs.h"

static const AnRuleInfo rules__table[AN_RULE_COUNT] = {
#define AN_RULE(code, ident, name, category, severity, summary) \
  {#code, name, category, severity, summary, an_doc_##code},
#include "analysis/rules.def"
#undef AN_RULE
};

const AnRuleInfo *an_rule_info(AnRuleId id) {
  if ((int)id < 0 || id >= AN_RULE_COUNT) return NULL;
  return &rules__table[id];
}

int an_rule_lookup(const char *code_or_name) {
  if (!code_or_name) return -1;
  for (int i = 0; i < AN_RULE_COUNT; i++) {
    if (strcasecmp(rules__table[i].code, code_or_name) == 0 ||
        strcmp(rules__table[i].name, code_or_name) == 0)
      return i;
  }
  return -1;
}

static const char *const severity__names[] = {"off", "error", "warning", "info", "hint"};

const char *an_severity_name(AnSeverity sev) {
  if ((int)sev < 0 || sev > AN_SEV_HINT) return "off";
  return severity__names[sev];
}

int an_severity_parse(const char *name) {
  if (!name) return -1;
  for (int i = 0; i <= AN_SEV_HINT; i++)
    if (strcasecmp(name, severity__names[i]) == 0) return i;
  if (strcasecmp(name, "information") == 0) return AN_SEV_INFO;
  return -1;
}

void an_config_init(AnConfig *cfg) {
  for (int i = 0; i < AN_RULE_COUNT; i++) cfg->severity[i] = rules__table[i].default_severity;
  cfg->keras_graph_mode = true;
}

static const char *const kind__names[AN_KIND_COUNT] = {
    "unknown", "tensor", "variable", "dataset", "python_scalar", "python_str",
    "python_container", "numpy", "keras", "mixed",
};

const char *an_kind_name(AnKind kind) {
  if ((int)kind < 0 || kind >= AN_KIND_COUNT) return "unknown";
  return kind__names[kind];
}
