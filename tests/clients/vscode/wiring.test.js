'use strict';
// Unit tests of editors/vscode/lib/wiring.js: the exact settings the
// extension sends and how it finds the server executable.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const wiring = require('../../../editors/vscode/lib/wiring');
const { manifest, settingsGetter, settingsInspector, explicitGetter } = require('./manifest');

test('the manifest declares exactly the server settings and the extension settings', () => {
  const keys = Object.keys(manifest.contributes.configuration.properties).sort();
  assert.deepEqual(keys, [
    'hybridls.debounceMs',
    'hybridls.ignore',
    'hybridls.inlayHints.enable',
    'hybridls.keras',
    'hybridls.path',
    'hybridls.run',
    'hybridls.select',
    'hybridls.severity',
    'hybridls.trace.server',
  ]);
  const props = manifest.contributes.configuration.properties;
  assert.deepEqual(props['hybridls.run'].enum, ['onType', 'onSave']);
  assert.deepEqual(props['hybridls.severity'].additionalProperties.enum, ['error', 'warning', 'info', 'hint', 'off']);
  assert.deepEqual(props['hybridls.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(props['hybridls.debounceMs'].minimum, 0);
});

test('the manifest: activation, entry, commands, graphMode modifier, pinned client', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:python']);
  assert.equal(manifest.main, './extension.js');
  assert.equal(manifest.engines.vscode, '^1.82.0');
  assert.deepEqual(
    manifest.contributes.commands.map((c) => c.command),
    ['hybridls.restartServer', 'hybridls.showOutput', 'hybridls.showGraphReport'],
  );
  assert.deepEqual(manifest.contributes.semanticTokenModifiers, [
    {
      id: 'graphMode',
      description: 'Code that runs as a TensorFlow graph: a tf.function, or a function called from one (hybridls).',
    },
  ]);
  assert.deepEqual(manifest.dependencies, { 'vscode-languageclient': '9.0.1' });
  assert.deepEqual(manifest.devDependencies, { '@vscode/vsce': '3.9.2' });
});

test('nothing set by the user: no server settings sent, so pyproject.toml and the server defaults apply', () => {
  assert.deepEqual(wiring.initializationOptions(explicitGetter()), {});
  // The effective values (what `get` returns) would have been the defaults.
  assert.equal(settingsGetter()('keras'), true);
});

test('explicitValue: the most specific value the user set, never the default', () => {
  assert.equal(wiring.explicitValue(undefined), undefined);
  assert.equal(wiring.explicitValue({ defaultValue: 150 }), undefined);
  assert.equal(wiring.explicitValue({ defaultValue: 150, globalValue: 0 }), 0);
  assert.equal(wiring.explicitValue({ globalValue: 0, workspaceValue: 5 }), 5);
  assert.equal(wiring.explicitValue({ globalValue: 0, workspaceValue: 5, workspaceFolderValue: 7 }), 7);
  assert.equal(wiring.explicitValue({ workspaceValue: 5, workspaceLanguageValue: 6 }), 6);
  assert.deepEqual(settingsInspector({ 'hybridls.keras': false })('keras'), {
    key: 'hybridls.keras', defaultValue: true, globalValue: false,
  });
});

test('initializationOptions from user settings: server keys only, plain copies', () => {
  const severity = Object.freeze({ HY201: 'error', 'deprecated-tf-function-arg': 'off' });
  const get = explicitGetter({
    'hybridls.path': '/opt/hybridls/bin/hybridls',
    'hybridls.run': 'onSave',
    'hybridls.select': ['HY2', 'print-at-trace-time'],
    'hybridls.ignore': ['HY214'],
    'hybridls.severity': severity,
    'hybridls.debounceMs': 0,
    'hybridls.keras': false,
    'hybridls.inlayHints.enable': false,
    'hybridls.trace.server': 'verbose',
  });
  const options = wiring.initializationOptions(get);
  assert.deepEqual(options, {
    debounceMs: 0,
    run: 'onSave',
    select: ['HY2', 'print-at-trace-time'],
    ignore: ['HY214'],
    severity: { HY201: 'error', 'deprecated-tf-function-arg': 'off' },
    keras: false,
  });
  assert.notEqual(options.severity, severity);
  assert.equal(Object.isFrozen(options.severity), false);
  assert.equal(JSON.stringify(options), '{"debounceMs":0,"run":"onSave","select":["HY2","print-at-trace-time"],"ignore":["HY214"],"severity":{"HY201":"error","deprecated-tf-function-arg":"off"},"keras":false}');
});

test('undefined and null settings are left out; wrong types go to the server as they are', () => {
  const values = { debounceMs: '10', run: null, keras: 'yes' };
  assert.deepEqual(wiring.serverSettings((k) => values[k]), { debounceMs: '10', keras: 'yes' });
});

test('workspace/configuration answers and didChangeConfiguration params', () => {
  const get = explicitGetter({ 'hybridls.select': ['HY305'], 'hybridls.path': 'x' });
  const section = { select: ['HY305'] };
  assert.deepEqual(wiring.configurationItem('hybridls', get), { handled: true, value: section });
  assert.deepEqual(wiring.configurationItem('hybridls.select', get), { handled: true, value: ['HY305'] });
  assert.deepEqual(wiring.configurationItem('hybridls.path', get), { handled: false });
  assert.deepEqual(wiring.configurationItem('python', get), { handled: false });
  assert.deepEqual(wiring.configurationItem(undefined, get), { handled: false });
  const scopes = [];
  const answer = wiring.configurationResponse(
    [{ section: 'hybridls', scopeUri: 'file:///w/a.py' }, { section: 'python' }, { section: 'hybridls.keras' }],
    (scopeUri) => {
      scopes.push(scopeUri);
      return get;
    },
    [{ from: 'client' }, { analysis: true }, { from: 'client' }],
  );
  assert.deepEqual(answer, [section, { analysis: true }, null]);
  assert.deepEqual(scopes, ['file:///w/a.py', undefined, undefined]);
  assert.deepEqual(wiring.configurationResponse([{ section: 'python' }], () => get, undefined), [null]);
  assert.deepEqual(wiring.didChangeConfigurationParams(get), { settings: { hybridls: section } });
});

test('server executable: stdio, `hybridls serve`', () => {
  assert.deepEqual(wiring.serverExecutable('/usr/bin/hybridls'), {
    run: { command: '/usr/bin/hybridls', args: ['serve'] },
    debug: { command: '/usr/bin/hybridls', args: ['serve'] },
  });
  assert.deepEqual(wiring.graphReportArgs('/w/a.py'), ['inspect', '/w/a.py']);
  assert.deepEqual(wiring.DOCUMENT_SELECTOR, [
    { scheme: 'file', language: 'python' },
    { scheme: 'untitled', language: 'python' },
  ]);
});

function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridls-wiring-'));
  const mk = (rel, mode) => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, mode);
    return file;
  };
  return { dir, mk, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('path resolution on PATH: first executable wins, non-executables and directories are skipped', () => {
  const s = sandbox();
  try {
    s.mk('a/hybridls', 0o644);
    fs.mkdirSync(path.join(s.dir, 'b/hybridls'), { recursive: true });
    const c = s.mk('c/hybridls', 0o755);
    s.mk('d/hybridls', 0o755);
    const dirs = ['a', 'b', 'c', 'd'].map((d) => path.join(s.dir, d));
    const env = { PATH: ['', ...dirs].join(':') };
    assert.deepEqual(wiring.resolveServerPath('', { env, platform: 'linux', homedir: '/home/u' }), {
      command: c,
      source: 'PATH',
      tried: [path.join(dirs[0], 'hybridls'), path.join(dirs[1], 'hybridls'), c],
      configured: undefined,
    });
    assert.equal(wiring.resolveServerPath(undefined, { env, platform: 'linux' }).command, c);
    assert.equal(wiring.resolveServerPath('   ', { env, platform: 'linux' }).command, c);
  } finally {
    s.done();
  }
});

test('path resolution: nothing on PATH gives the exact message', () => {
  const s = sandbox();
  try {
    const env = { PATH: s.dir };
    const found = wiring.resolveServerPath('', { env, platform: 'linux', homedir: '/home/u' });
    assert.deepEqual(found, {
      command: null,
      source: 'PATH',
      tried: [path.join(s.dir, 'hybridls')],
      configured: undefined,
      reason: 'not-on-path',
      name: 'hybridls',
    });
    assert.equal(
      wiring.notFoundMessage(found),
      'Cannot start the hybridls language server: no executable named "hybridls" on PATH. ' +
        'Install hybridls (`make` in its repository builds build/hybridls) and put it on PATH, or set "hybridls.path" to the executable.',
    );
    assert.deepEqual(wiring.resolveServerPath('', { env: {}, platform: 'linux' }).tried, []);
  } finally {
    s.done();
  }
});

test('path resolution from hybridls.path: absolute, relative, ~, ${workspaceFolder}, bare name', () => {
  const s = sandbox();
  try {
    const abs = s.mk('opt/bin/hybridls', 0o755);
    const ws = path.join(s.dir, 'ws');
    const rel = s.mk('ws/build/hybridls', 0o755);
    const home = path.join(s.dir, 'home');
    const inHome = s.mk('home/.local/bin/hybridls', 0o755);
    const renamed = s.mk('bin/hybridls-dev', 0o755);
    const ctx = { env: { PATH: path.join(s.dir, 'bin') }, platform: 'linux', homedir: home, workspaceFolder: ws, cwd: '/' };
    assert.deepEqual(wiring.resolveServerPath(abs, ctx), { command: abs, source: 'setting', tried: [abs], configured: abs });
    assert.equal(wiring.resolveServerPath(s.dir + '/opt/./bin/../bin/hybridls', ctx).command, abs);
    assert.equal(wiring.resolveServerPath('build/hybridls', ctx).command, rel);
    assert.equal(wiring.resolveServerPath('./build/hybridls', ctx).command, rel);
    assert.equal(wiring.resolveServerPath('${workspaceFolder}/build/hybridls', ctx).command, rel);
    assert.equal(wiring.resolveServerPath('~/.local/bin/hybridls', ctx).command, inHome);
    assert.equal(wiring.resolveServerPath('${userHome}/.local/bin/hybridls', ctx).command, inHome);
    assert.deepEqual(wiring.resolveServerPath('hybridls-dev', ctx), {
      command: renamed,
      source: 'setting',
      tried: [renamed],
      configured: 'hybridls-dev',
    });
    assert.equal(
      wiring.resolveServerPath('build/hybridls', { ...ctx, workspaceFolder: undefined, cwd: ws }).command,
      rel,
    );
  } finally {
    s.done();
  }
});

test('path resolution from hybridls.path: failures and their exact messages', () => {
  const s = sandbox();
  try {
    const plainFile = s.mk('bin/hybridls', 0o644);
    const ctx = { env: { PATH: path.join(s.dir, 'bin') }, platform: 'linux', homedir: '/home/u', cwd: '/' };
    const notExec = wiring.resolveServerPath(plainFile, ctx);
    assert.deepEqual(notExec, {
      command: null,
      source: 'setting',
      tried: [plainFile],
      configured: plainFile,
      reason: 'not-executable',
    });
    assert.equal(
      wiring.notFoundMessage(notExec),
      `Cannot start the hybridls language server: "hybridls.path" is "${plainFile}", but ${plainFile} is not an executable file. ` +
        'Install hybridls (`make` in its repository builds build/hybridls) and put it on PATH, or set "hybridls.path" to the executable.',
    );
    const noFolder = wiring.resolveServerPath('${workspaceFolder}/build/hybridls', ctx);
    assert.deepEqual(noFolder, {
      command: null,
      source: 'setting',
      tried: [],
      configured: '${workspaceFolder}/build/hybridls',
      reason: 'no-workspace-folder',
    });
    assert.equal(
      wiring.notFoundMessage(noFolder),
      'Cannot start the hybridls language server: "hybridls.path" is "${workspaceFolder}/build/hybridls", which uses ${workspaceFolder}, but no folder is open. ' +
        'Install hybridls (`make` in its repository builds build/hybridls) and put it on PATH, or set "hybridls.path" to the executable.',
    );
    const bare = wiring.resolveServerPath('hybridls-nightly', ctx);
    assert.equal(bare.reason, 'not-on-path');
    assert.equal(
      wiring.notFoundMessage(bare),
      'Cannot start the hybridls language server: no executable named "hybridls-nightly" (from "hybridls.path") on PATH. ' +
        'Install hybridls (`make` in its repository builds build/hybridls) and put it on PATH, or set "hybridls.path" to the executable.',
    );
  } finally {
    s.done();
  }
});

test('path resolution on Windows: Path, PATHEXT, backslashes', () => {
  const exists = new Set(['C:\\tools\\hybridls.exe', 'D:\\hl\\hybridls.exe']);
  const ctx = {
    env: { Path: 'C:\\Windows;C:\\tools', PATHEXT: '.COM;.EXE' },
    platform: 'win32',
    homedir: 'C:\\Users\\u',
    workspaceFolder: 'D:\\hl',
    isExecutable: (f) => exists.has(f),
  };
  assert.deepEqual(wiring.resolveServerPath('', ctx), {
    command: 'C:\\tools\\hybridls.exe',
    source: 'PATH',
    tried: ['C:\\Windows\\hybridls', 'C:\\Windows\\hybridls.com', 'C:\\Windows\\hybridls.exe', 'C:\\tools\\hybridls', 'C:\\tools\\hybridls.com', 'C:\\tools\\hybridls.exe'],
    configured: undefined,
  });
  assert.equal(wiring.resolveServerPath('${workspaceFolder}\\hybridls.exe', ctx).command, 'D:\\hl\\hybridls.exe');
  assert.equal(wiring.resolveServerPath('hybridls.exe', ctx).command, 'C:\\tools\\hybridls.exe');
});

test('graph report text', () => {
  assert.equal(
    wiring.graphReportText('/w/a.py', { code: 0, stdout: '/w/a.py:1: f  graph (via decorator)\n', stderr: '' }, false),
    'hybridls graph-mode report: /w/a.py\n\n/w/a.py:1: f  graph (via decorator)\n',
  );
  assert.equal(
    wiring.graphReportText('/w/a.py', { code: 0, stdout: 'x\n', stderr: '' }, true),
    'hybridls graph-mode report: /w/a.py\nThe editor has unsaved changes; this report is of the file as saved.\n\nx\n',
  );
  assert.equal(
    wiring.graphReportText('/w/a.py', { code: 2, stdout: '', stderr: 'hybridls: /w/a.py: No such file or directory\n' }, false),
    'hybridls graph-mode report: /w/a.py\n\nhybridls inspect failed (exit 2):\nhybridls: /w/a.py: No such file or directory\n',
  );
});
