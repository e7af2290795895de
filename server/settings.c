/* server/settings — parsing and layering of user settings (see settings.h).
 *
 * Each key has a parser that reads the JSON value into a scratch copy of the
 * settings and returns NULL, or the reason the value is invalid. Only a key
 * that parsed completely is copied over, so a bad `select` list leaves the
 * previous list untouched rather than half replaced.
 */
#include <stdio.h>
#include <string.h>

#include "server/settings.h"

typedef struct SettingsKey {
  const char *name;
  /* Parses `value` into `s`; returns NULL or a reason written to `buf`. */
  const char *(*parse)(Settings *s, json_t *value, char *buf, size_t size);
  /* Copies the key's value from `from` to `to`. */
  void (*copy)(Settings *to, const Settings *from);
} SettingsKey;

static const char *settings__parse_debounce(Settings *s, json_t *value, char *buf, size_t size) {
  (void)buf, (void)size;
  if (!json_is_integer(value) || json_integer_value(value) < 0 ||
      json_integer_value(value) > (json_int_t)INT32_MAX)
    return "expected a non-negative integer";
  s->debounce_ms = (uint32_t)json_integer_value(value);
  return NULL;
}

static void settings__copy_debounce(Settings *to, const Settings *from) {
  to->debounce_ms = from->debounce_ms;
}

static const char *settings__parse_run(Settings *s, json_t *value, char *buf, size_t size) {
  (void)buf, (void)size;
  const char *v = json_string_value(value);
  if (v && strcmp(v, "onType") == 0) s->run = SETTINGS_RUN_ON_TYPE;
  else if (v && strcmp(v, "onSave") == 0) s->run = SETTINGS_RUN_ON_SAVE;
  else return "expected \"onType\" or \"onSave\"";
  return NULL;
}

static void settings__copy_run(Settings *to, const Settings *from) { to->run = from->run; }

static const char *settings__parse_keras(Settings *s, json_t *value, char *buf, size_t size) {
  (void)buf, (void)size;
  if (!json_is_boolean(value)) return "expected a boolean";
  s->keras = json_is_true(value);
  return NULL;
}

static void settings__copy_keras(Settings *to, const Settings *from) { to->keras = from->keras; }

static const char *settings__parse_inlay_hints(Settings *s, json_t *value, char *buf, size_t size) {
  (void)buf, (void)size;
  if (!json_is_boolean(value)) return "expected a boolean";
  s->inlay_hints = json_is_true(value);
  return NULL;
}

static void settings__copy_inlay_hints(Settings *to, const Settings *from) { to->inlay_hints = from->inlay_hints; }

/* Reads an array of rule codes or names into `set`. */
static const char *settings__parse_rule_list(bool set[AN_RULE_COUNT], size_t *count, json_t *value,
                                             char *buf, size_t size) {
  if (!json_is_array(value)) return "expected an array of rule codes or names";
  memset(set, 0, sizeof(bool) * AN_RULE_COUNT);
  *count = 0;
  size_t i;
  json_t *item;
  json_array_foreach(value, i, item) {
    const char *name = json_string_value(item);
    if (!name) return "expected an array of rule codes or names";
    int rule = an_rule_lookup(name);
    if (rule < 0) {
      snprintf(buf, size, "unknown rule '%s'", name);
      return buf;
    }
    set[rule] = true;
    (*count)++;
  }
  return NULL;
}

static const char *settings__parse_select(Settings *s, json_t *value, char *buf, size_t size) {
  size_t count;
  const char *reason = settings__parse_rule_list(s->select, &count, value, buf, size);
  if (!reason) s->has_select = count > 0;
  return reason;
}

static void settings__copy_select(Settings *to, const Settings *from) {
  memcpy(to->select, from->select, sizeof to->select);
  to->has_select = from->has_select;
}

static const char *settings__parse_ignore(Settings *s, json_t *value, char *buf, size_t size) {
  size_t count;
  return settings__parse_rule_list(s->ignore, &count, value, buf, size);
}

static void settings__copy_ignore(Settings *to, const Settings *from) {
  memcpy(to->ignore, from->ignore, sizeof to->ignore);
}

static const char *settings__parse_severity(Settings *s, json_t *value, char *buf, size_t size) {
  if (!json_is_object(value)) return "expected an object mapping rules to severities";
  for (int i = 0; i < AN_RULE_COUNT; i++) s->severity[i] = -1;
  const char *key;
  json_t *item;
  json_object_foreach(value, key, item) {
    int rule = an_rule_lookup(key);
    if (rule < 0) {
      snprintf(buf, size, "unknown rule '%s'", key);
      return buf;
    }
    int sev = json_is_string(item) ? an_severity_parse(json_string_value(item)) : -1;
    if (sev < 0) {
      snprintf(buf, size, "%s: expected \"error\", \"warning\", \"info\", \"hint\" or \"off\"", key);
      return buf;
    }
    s->severity[rule] = sev;
  }
  return NULL;
}

static void settings__copy_severity(Settings *to, const Settings *from) {
  memcpy(to->severity, from->severity, sizeof to->severity);
}

static const SettingsKey settings__keys[] = {
    {"debounceMs", settings__parse_debounce, settings__copy_debounce},
    {"ignore", settings__parse_ignore, settings__copy_ignore},
    {"inlayHints", settings__parse_inlay_hints, settings__copy_inlay_hints},
    {"keras", settings__parse_keras, settings__copy_keras},
    {"run", settings__parse_run, settings__copy_run},
    {"select", settings__parse_select, settings__copy_select},
    {"severity", settings__parse_severity, settings__copy_severity},
};

void settings_init(Settings *s) {
  memset(s, 0, sizeof *s);
  s->debounce_ms = SETTINGS_DEFAULT_DEBOUNCE_MS;
  s->run = SETTINGS_RUN_ON_TYPE;
  s->keras = true;
  for (int i = 0; i < AN_RULE_COUNT; i++) s->severity[i] = -1;
}

void settings_apply(Settings *s, json_t *obj, SettingsErrorFn on_error, void *data) {
  if (!json_is_object(obj)) return;
  for (size_t k = 0; k < sizeof settings__keys / sizeof settings__keys[0]; k++) {
    const SettingsKey *key = &settings__keys[k];
    json_t *value = json_object_get(obj, key->name);
    if (!value) continue;
    Settings scratch = *s;
    char buf[256];
    const char *reason = key->parse(&scratch, value, buf, sizeof buf);
    if (reason) {
      if (on_error) on_error(data, key->name, reason);
      continue;
    }
    key->copy(s, &scratch);
  }
}

void settings_to_config(const Settings *s, AnConfig *cfg) {
  an_config_init(cfg);
  cfg->keras_graph_mode = s->keras;
  for (int i = 0; i < AN_RULE_COUNT; i++) {
    if ((s->has_select && !s->select[i]) || s->ignore[i]) cfg->severity[i] = AN_SEV_OFF;
    else if (s->severity[i] >= 0) cfg->severity[i] = (AnSeverity)s->severity[i];
  }
}

bool settings_equal(const Settings *a, const Settings *b) {
  if (a->debounce_ms != b->debounce_ms || a->run != b->run || a->inlay_hints != b->inlay_hints) return false;
  AnConfig ca, cb;
  settings_to_config(a, &ca);
  settings_to_config(b, &cb);
  return ca.keras_graph_mode == cb.keras_graph_mode &&
         memcmp(ca.severity, cb.severity, sizeof ca.severity) == 0;
}
