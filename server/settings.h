/* server/settings — the server's user settings and how they are layered.
 *
 * Keys (all optional; unknown keys are ignored):
 *   debounceMs  integer >= 0    delay between the last change and analysis (150)
 *   run         "onType" | "onSave"   when push diagnostics are computed (onType)
 *   select      [code or name]  when non-empty, only these rules run
 *   ignore      [code or name]  these rules never run
 *   severity    {code or name: "error"|"warning"|"info"|"hint"|"off"}
 *   keras       bool            Keras call/train_step count as graph code (true)
 *   inlayHints  bool            textDocument/inlayHint marks graph-mode functions (false)
 *
 * Precedence, lowest first: the defaults (settings_init), then
 * `[tool.hybridls]` of the document's nearest pyproject.toml (select,
 * ignore, severity, keras; server/pyproject.h, applied by
 * pyproject_apply()), then the client's `initializationOptions`, then the
 * editor settings obtained through workspace/configuration or
 * workspace/didChangeConfiguration. Each layer is applied in that order; a
 * key present in a layer replaces the value of the layers below it as a
 * whole (a `select` list in the editor settings replaces the one from
 * initializationOptions, which replaces the one from pyproject.toml). A key
 * of the wrong type or with a bad value is reported (once) and leaves the
 * value of the lower layers in place. `exclude` exists only in
 * pyproject.toml. `hybridls check` layers the same way with the command
 * line on top: defaults, pyproject.toml, then --select/--ignore.
 *
 * Effective rule severities: a rule outside a non-empty `select`, or in
 * `ignore`, is off; otherwise `severity` overrides its default.
 *
 * Includes jansson and analysis/analysis.h. Plain values: no allocation.
 */
#ifndef HYBRIDLS_SERVER_SETTINGS_H
#define HYBRIDLS_SERVER_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analysis/analysis.h"

#define SETTINGS_DEFAULT_DEBOUNCE_MS 150u

typedef enum SettingsRun {
  SETTINGS_RUN_ON_TYPE = 0,
  SETTINGS_RUN_ON_SAVE = 1,
} SettingsRun;

typedef struct Settings {
  uint32_t debounce_ms;
  SettingsRun run;
  bool keras;
  bool inlay_hints;
  bool select[AN_RULE_COUNT]; /* meaningful when has_select */
  bool has_select;
  bool ignore[AN_RULE_COUNT];
  int severity[AN_RULE_COUNT]; /* an AnSeverity, or -1 for the rule's default */
} Settings;

/* Reports one invalid key: `key` ("debounceMs") and `reason` ("expected a
 * non-negative integer"), both borrowed for the call. */
typedef void (*SettingsErrorFn)(void *data, const char *key, const char *reason);

/* The defaults. */
void settings_init(Settings *s);

/* Applies the keys of `obj` (a JSON object, borrowed) over `s`. Calls
 * `on_error` (which may be NULL) once per invalid key. */
void settings_apply(Settings *s, json_t *obj, SettingsErrorFn on_error, void *data);

/* The analysis configuration the settings describe. */
void settings_to_config(const Settings *s, AnConfig *cfg);

/* True when both describe the same behaviour. */
bool settings_equal(const Settings *a, const Settings *b);

#endif
