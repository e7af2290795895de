/* server/cli_explain — `hybridls explain RULE` prints a rule's Markdown
 * documentation (the same text hovers and the README use); `--list` prints
 * the rule table, one aligned line a rule. */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "server/cli.h"

static const char explain__usage[] = "usage: hybridls explain RULE | --list\n";

static const char explain__help[] =
    "\n"
    "RULE is a code (HY201, any case) or a name (print-at-trace-time); its\n"
    "documentation is printed as Markdown. --list prints every rule:\n"
    "code, name, default severity and summary.\n";

static void explain__list(void) {
  int name_w = 0, sev_w = 0;
  for (int i = 0; i < AN_RULE_COUNT; i++) {
    const AnRuleInfo *r = an_rule_info((AnRuleId)i);
    int n = (int)strlen(r->name), s = (int)strlen(an_severity_name(r->default_severity));
    if (n > name_w) name_w = n;
    if (s > sev_w) sev_w = s;
  }
  for (int i = 0; i < AN_RULE_COUNT; i++) {
    const AnRuleInfo *r = an_rule_info((AnRuleId)i);
    printf("%s  %-*s  %-*s  %s\n", r->code, name_w, r->name, sev_w, an_severity_name(r->default_severity),
           r->summary);
  }
}

int cli_explain_main(int argc, char **argv) {
  if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    fputs(explain__usage, stdout);
    fputs(explain__help, stdout);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    explain__list();
    return fflush(stdout) == 0 ? 0 : 2;
  }
  if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0')) {
    if (argc < 2)
      fputs("hybridls: explain needs a RULE\n", stderr);
    else if (argc > 2)
      fputs("hybridls: explain takes one RULE\n", stderr);
    else
      fprintf(stderr, "hybridls: unknown option '%s'\n", argv[1]);
    fputs(explain__usage, stderr);
    return 2;
  }
  int id = an_rule_lookup(argv[1]);
  if (id < 0) {
    fprintf(stderr, "hybridls: unknown rule '%s'\n", argv[1]);
    return 2;
  }
  const char *doc = an_rule_info((AnRuleId)id)->doc;
  size_t n = strlen(doc);
  fputs(doc, stdout);
  if (n == 0 || doc[n - 1] != '\n') fputc('\n', stdout);
  return fflush(stdout) == 0 ? 0 : 2;
}
