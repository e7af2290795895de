/* Rule explanations compiled from analysis/docs/HYnnn.md by
 * tests/tools/embed_docs.sh: one constant an_doc_<CODE> per rule of
 * rules.def. Markdown, starting with the rule's heading. */
#ifndef HYBRIDLS_ANALYSIS_RULE_DOCS_H
#define HYBRIDLS_ANALYSIS_RULE_DOCS_H

#define AN_RULE(code, ident, name, category, severity, summary) extern const char an_doc_##code[];
#include "analysis/rules.def"
#undef AN_RULE

#endif
