'use strict';
// How the extension talks to the server, kept free of the `vscode` module so
// that Node can test it: which settings the server receives (as
// initializationOptions, as the answer to workspace/configuration and in
// workspace/didChangeConfiguration), where the executable is, and the text of
// the messages the user sees.

const nodePath = require('path');
const fs = require('fs');

// The server's own settings (README "Server settings"). The other keys of the
// `hybridls` section (path, inlayHints.enable, trace.server) belong to the
// extension and are never sent.
const SERVER_SETTING_KEYS = Object.freeze(['debounceMs', 'run', 'select', 'ignore', 'severity', 'keras']);

const SECTION = 'hybridls';
const SERVER_NAME = 'hybridls';

const DOCUMENT_SELECTOR = Object.freeze([
  Object.freeze({ scheme: 'file', language: 'python' }),
  Object.freeze({ scheme: 'untitled', language: 'python' }),
]);

// A plain JSON copy: VS Code hands out frozen proxies for object settings.
function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

// The value a user explicitly set, from `WorkspaceConfiguration.inspect(key)`:
// the most specific of folder, workspace and user (global) values, language-
// specific ones first; undefined when only the manifest's default exists.
// The server must not receive the defaults: editor settings rank above the
// project's pyproject.toml, so a default `select: []` would override it.
function explicitValue(info) {
  if (!info) return undefined;
  const order = [
    'workspaceFolderLanguageValue', 'workspaceFolderValue',
    'workspaceLanguageValue', 'workspaceValue',
    'globalLanguageValue', 'globalValue',
  ];
  for (const key of order) if (info[key] !== undefined) return info[key];
  return undefined;
}

// The server settings from a getter of the `hybridls` section that returns
// the values the user set (`explicitValue`). Keys whose value is undefined or
// null are left out, so the server keeps its own layers (pyproject.toml,
// defaults); values are passed as they are, and the server reports a value of
// the wrong type.
function serverSettings(get) {
  const out = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = get(key);
    if (value === undefined || value === null) continue;
    out[key] = plain(value);
  }
  return out;
}

function initializationOptions(get) {
  return serverSettings(get);
}

function didChangeConfigurationParams(get) {
  return { settings: { [SECTION]: serverSettings(get) } };
}

// One item of a workspace/configuration request. Returns {handled: true,
// value} for the sections the extension answers (`hybridls` and
// `hybridls.<server key>`), {handled: false} for the others, which the
// language client's default handler answers.
function configurationItem(section, get) {
  if (section === SECTION) return { handled: true, value: serverSettings(get) };
  if (typeof section === 'string' && section.startsWith(SECTION + '.')) {
    const key = section.slice(SECTION.length + 1);
    if (SERVER_SETTING_KEYS.includes(key)) {
      const value = get(key);
      return { handled: true, value: value === undefined ? null : plain(value) };
    }
  }
  return { handled: false };
}

// The answer to workspace/configuration: `getFor(scopeUri)` gives the getter
// of the `hybridls` section for a scope, `fallback` the client's default
// answer (an array, one value per item) for the items not handled here.
function configurationResponse(items, getFor, fallback) {
  return items.map((item, i) => {
    const answer = configurationItem(item.section, getFor(item.scopeUri));
    if (answer.handled) return answer.value;
    return Array.isArray(fallback) && i < fallback.length ? fallback[i] : null;
  });
}

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Expands `~`, `${userHome}` and `${workspaceFolder}` the way VS Code users
// write paths in settings. Returns null when `${workspaceFolder}` is used
// without a workspace folder.
function expandPath(value, ctx) {
  let out = value;
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = ctx.homedir + out.slice(1);
  out = out.split('${userHome}').join(ctx.homedir);
  if (out.includes('${workspaceFolder}')) {
    if (!ctx.workspaceFolder) return null;
    out = out.split('${workspaceFolder}').join(ctx.workspaceFolder);
  }
  return out;
}

// Finds the server executable.
//   configured  the value of hybridls.path ('' or undefined: look on PATH)
//   ctx         {env, platform, homedir, workspaceFolder, cwd, isExecutable}
// A configured value containing a path separator names a file (relative
// paths are taken from the workspace folder, else from ctx.cwd); a bare name
// is looked up on PATH, as `hybridls` is when nothing is configured. On
// Windows each PATHEXT extension is tried too.
// Returns {command, source, tried} with command null when nothing was found;
// source is 'setting' or 'PATH', tried the candidates looked at, in order.
function resolveServerPath(configured, ctx) {
  const platform = ctx.platform || process.platform;
  const p = platform === 'win32' ? nodePath.win32 : nodePath.posix;
  const isExecutable = ctx.isExecutable || isExecutableFile;
  const env = ctx.env || {};
  const raw = typeof configured === 'string' ? configured.trim() : '';
  const tried = [];

  let name = SERVER_NAME;
  let source = 'PATH';
  if (raw !== '') {
    source = 'setting';
    const expanded = expandPath(raw, ctx);
    if (expanded === null) {
      return { command: null, source, tried, configured: raw, reason: 'no-workspace-folder' };
    }
    const hasSeparator = expanded.includes('/') || (platform === 'win32' && expanded.includes('\\'));
    if (hasSeparator) {
      const file = p.isAbsolute(expanded) ? p.normalize(expanded) : p.resolve(ctx.workspaceFolder || ctx.cwd, expanded);
      tried.push(file);
      if (isExecutable(file)) return { command: file, source, tried, configured: raw };
      return { command: null, source, tried, configured: raw, reason: 'not-executable' };
    }
    name = expanded;
  }

  const pathValue = platform === 'win32' ? env.Path || env.PATH || '' : env.PATH || '';
  const dirs = pathValue.split(p.delimiter).filter((d) => d !== '');
  const suffixes = [''];
  if (platform === 'win32' && p.extname(name) === '') {
    for (const ext of (env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';')) {
      if (ext !== '') suffixes.push(ext.toLowerCase());
    }
  }
  for (const dir of dirs) {
    for (const suffix of suffixes) {
      const file = p.join(dir, name + suffix);
      tried.push(file);
      if (isExecutable(file)) return { command: file, source, tried, configured: raw || undefined };
    }
  }
  return { command: null, source, tried, configured: raw || undefined, reason: 'not-on-path', name };
}

// The message shown when resolveServerPath found nothing.
function notFoundMessage(result) {
  const advice = 'Install hybridls (`make` in its repository builds build/hybridls) and put it on PATH, or set "hybridls.path" to the executable.';
  if (result.reason === 'no-workspace-folder') {
    return `Cannot start the hybridls language server: "hybridls.path" is "${result.configured}", which uses \${workspaceFolder}, but no folder is open. ${advice}`;
  }
  if (result.reason === 'not-executable') {
    return `Cannot start the hybridls language server: "hybridls.path" is "${result.configured}", but ${result.tried[0]} is not an executable file. ${advice}`;
  }
  const origin = result.configured ? ` (from "hybridls.path")` : '';
  return `Cannot start the hybridls language server: no executable named "${result.name}"${origin} on PATH. ${advice}`;
}

// How the language client starts the server: LSP over stdio.
function serverExecutable(command) {
  const run = { command, args: ['serve'] };
  return { run, debug: run };
}

// `hybridls inspect FILE`: the graph-mode report of one file.
function graphReportArgs(file) {
  return ['inspect', file];
}

// The text of the graph-mode report document.
//   file    the file's path
//   result  {code, stdout, stderr} of `hybridls inspect FILE`
//   dirty   the editor has unsaved changes (inspect reads the file on disk)
function graphReportText(file, result, dirty) {
  const lines = [`hybridls graph-mode report: ${file}`];
  if (dirty) lines.push('The editor has unsaved changes; this report is of the file as saved.');
  lines.push('');
  if (result.code !== 0) {
    lines.push(`hybridls inspect failed (exit ${result.code}):`);
    lines.push(result.stderr.trimEnd());
  } else {
    lines.push(result.stdout.trimEnd());
  }
  return lines.join('\n') + '\n';
}

module.exports = {
  explicitValue,
  SERVER_SETTING_KEYS,
  SECTION,
  DOCUMENT_SELECTOR,
  serverSettings,
  initializationOptions,
  didChangeConfigurationParams,
  configurationItem,
  configurationResponse,
  expandPath,
  isExecutableFile,
  resolveServerPath,
  notFoundMessage,
  serverExecutable,
  graphReportArgs,
  graphReportText,
};
