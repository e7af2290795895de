'use strict';
// editors/vscode/extension.js loaded with stand-ins for the `vscode` module
// and vscode-languageclient's LanguageClient (no extension host runs here):
// what it hands the language client, how its middleware answers, what it
// does on configuration changes, and its commands. The graph report runs the
// real `hybridls inspect` (HYBRIDLS_BIN).

const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('module');
const path = require('path');
const childProcess = require('child_process');
const wiring = require('../../../editors/vscode/lib/wiring');
const { settingsGetter, settingsInspector } = require('./manifest');
const { ROOT } = require('./lsp');

const BIN = process.env.HYBRIDLS_BIN;
const EXTENSION = path.join(ROOT, 'editors', 'vscode', 'extension.js');
const FIXTURE = path.join(ROOT, 'tests', 'clients', 'fixtures', 'train.py');

class Uri {
  constructor(scheme, p) {
    this.scheme = scheme;
    this.path = p;
    this.fsPath = p;
  }
  static parse(s) {
    const m = /^([a-z-]+):\/\/(.*)$/.exec(s);
    return new Uri(m[1], m[2]);
  }
  static from({ scheme, path: p }) {
    return new Uri(scheme, p);
  }
  toString() {
    return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}`;
  }
}

// A fresh fake VS Code and language client; `user` holds the user settings.
function fakeHost(user) {
  const host = {
    user,
    scopes: [],
    commands: new Map(),
    executed: [],
    errors: [],
    infos: [],
    errorChoice: undefined,
    shown: [],
    providers: new Map(),
    configListeners: [],
    clients: [],
    output: { lines: [], shows: [] },
    activeTextEditor: undefined,
  };
  class EventEmitter {
    constructor() {
      this.listeners = [];
      this.event = (l) => this.listeners.push(l);
    }
    fire(v) {
      for (const l of this.listeners) l(v);
    }
    dispose() {}
  }
  host.vscode = {
    Uri,
    EventEmitter,
    ViewColumn: { Beside: -2 },
    workspace: {
      workspaceFolders: [{ uri: Uri.parse(`file://${ROOT}`) }],
      getConfiguration: (section, scope) => {
        assert.equal(section, 'hybridls');
        host.scopes.push(scope === undefined ? undefined : scope.toString());
        const get = settingsGetter(host.user);
        const inspect = settingsInspector(host.user);
        return { get, inspect };
      },
      onDidChangeConfiguration: (l) => {
        host.configListeners.push(l);
        return { dispose() {} };
      },
      registerTextDocumentContentProvider: (scheme, provider) => {
        host.providers.set(scheme, provider);
        return { dispose() {} };
      },
      openTextDocument: async (uri) => ({ uri, text: host.providers.get(uri.scheme).provideTextDocumentContent(uri) }),
    },
    window: {
      createOutputChannel: (name) => {
        assert.equal(name, 'hybridls');
        return {
          appendLine: (l) => host.output.lines.push(l),
          show: (preserveFocus) => host.output.shows.push(preserveFocus),
          dispose() {},
        };
      },
      showErrorMessage: async (message, ...items) => {
        host.errors.push([message, ...items]);
        return host.errorChoice;
      },
      showInformationMessage: async (message) => {
        host.infos.push(message);
      },
      showTextDocument: async (doc, options) => {
        host.shown.push({ doc, options });
      },
      get activeTextEditor() {
        return host.activeTextEditor;
      },
    },
    commands: {
      registerCommand: (id, fn) => {
        host.commands.set(id, fn);
        return { dispose() {} };
      },
      executeCommand: async (...args) => {
        host.executed.push(args);
      },
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: 0, stopped: 0, disposed: 0, notifications: [] });
      this.running = false;
      host.clients.push(this);
    }
    async start() {
      this.started += 1;
      this.running = true;
    }
    isRunning() {
      return this.running;
    }
    needsStop() {
      return this.running;
    }
    async stop() {
      this.stopped += 1;
      this.running = false;
    }
    async dispose() {
      this.disposed += 1;
    }
    async sendNotification(type, params) {
      this.notifications.push([type.method, params]);
    }
  }
  host.languageclient = {
    LanguageClient,
    DidChangeConfigurationNotification: { type: { method: 'workspace/didChangeConfiguration' } },
  };
  return host;
}

// Loads a fresh copy of extension.js wired to `host`.
function loadExtension(host) {
  const original = Module._load;
  Module._load = function load(request, parent, isMain) {
    if (parent && parent.filename === EXTENSION) {
      if (request === 'vscode') return host.vscode;
      if (request === 'vscode-languageclient/node') return host.languageclient;
    }
    return original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[EXTENSION];
    return require(EXTENSION);
  } finally {
    Module._load = original;
  }
}

async function activated(user) {
  const host = fakeHost(user);
  const ext = loadExtension(host);
  const context = { subscriptions: [] };
  await ext.activate(context);
  return { host, ext, context };
}

const fireChange = async (host, affected) => {
  for (const l of host.configListeners) {
    await l({ affectsConfiguration: (s) => affected.some((a) => a === s || a.startsWith(s + '.')) });
  }
};

test('activate: starts `hybridls serve` with the exact client options', async () => {
  const { host, context } = await activated({ 'hybridls.path': BIN, 'hybridls.run': 'onSave', 'hybridls.ignore': ['HY214'] });
  assert.equal(host.clients.length, 1);
  const c = host.clients[0];
  assert.equal(c.id, 'hybridls');
  assert.equal(c.name, 'hybridls');
  assert.deepEqual(c.serverOptions, { run: { command: BIN, args: ['serve'] }, debug: { command: BIN, args: ['serve'] } });
  assert.deepEqual(c.clientOptions.documentSelector, [
    { scheme: 'file', language: 'python' },
    { scheme: 'untitled', language: 'python' },
  ]);
  // Only what the user set: the manifest's defaults must not override the
  // project's pyproject.toml.
  assert.deepEqual(c.clientOptions.initializationOptions, { run: 'onSave', ignore: ['HY214'] });
  assert.equal(c.started, 1);
  assert.deepEqual([...host.commands.keys()], ['hybridls.restartServer', 'hybridls.showOutput', 'hybridls.showGraphReport']);
  assert.equal(context.subscriptions.length, 7);
  assert.deepEqual(host.errors, []);
});

test('middleware: workspace/configuration answered from the hybridls section, others by the client', async () => {
  const { host } = await activated({ 'hybridls.path': BIN, 'hybridls.select': ['HY201'] });
  const mw = host.clients[0].clientOptions.middleware;
  let nextCalls = 0;
  const answer = await mw.workspace.configuration(
    { items: [{ section: 'hybridls', scopeUri: 'file:///w/a.py' }, { section: 'python' }] },
    {},
    async (params) => {
      nextCalls += 1;
      assert.equal(params.items.length, 2);
      return [{ fromClient: 1 }, { fromClient: 2 }];
    },
  );
  assert.equal(nextCalls, 1);
  assert.deepEqual(answer, [
    { select: ['HY201'] },
    { fromClient: 2 },
  ]);
  assert.ok(host.scopes.includes('file:///w/a.py'));
});

test('middleware: inlay hints follow hybridls.inlayHints.enable', async () => {
  const on = await activated({ 'hybridls.path': BIN });
  const doc = { uri: Uri.parse('file:///w/a.py') };
  const hints = [{ label: 'graph' }];
  assert.equal(await on.host.clients[0].clientOptions.middleware.provideInlayHints(doc, {}, {}, () => hints), hints);
  const off = await activated({ 'hybridls.path': BIN, 'hybridls.inlayHints.enable': false });
  let called = false;
  const result = await off.host.clients[0].clientOptions.middleware.provideInlayHints(doc, {}, {}, () => {
    called = true;
    return hints;
  });
  assert.deepEqual(result, []);
  assert.equal(called, false);
});

test('configuration changes: server settings are sent, hybridls.path restarts, other sections are ignored', async () => {
  const { host } = await activated({ 'hybridls.path': BIN });
  const first = host.clients[0];
  await fireChange(host, ['editor.fontSize']);
  assert.deepEqual(first.notifications, []);
  host.user['hybridls.select'] = ['HY305'];
  await fireChange(host, ['hybridls.select']);
  assert.deepEqual(first.notifications, [
    [
      'workspace/didChangeConfiguration',
      { settings: { hybridls: { select: ['HY305'] } } },
    ],
  ]);
  await fireChange(host, ['hybridls.path']);
  assert.equal(host.clients.length, 2);
  assert.deepEqual([first.stopped, first.disposed], [1, 1]);
  assert.equal(host.clients[1].started, 1);
  assert.deepEqual(host.clients[1].clientOptions.initializationOptions.select, ['HY305']);
});

test('commands: restart, show output, deactivate', async () => {
  const { host, ext } = await activated({ 'hybridls.path': BIN });
  await host.commands.get('hybridls.restartServer')();
  assert.equal(host.clients.length, 2);
  assert.deepEqual([host.clients[0].stopped, host.clients[0].disposed, host.clients[1].started], [1, 1, 1]);
  host.commands.get('hybridls.showOutput')();
  assert.deepEqual(host.output.shows, [true]);
  await ext.deactivate();
  assert.deepEqual([host.clients[1].stopped, host.clients[1].disposed], [1, 1]);
});

test('the server cannot be found: the exact error, Open Settings, no client', async () => {
  const host = fakeHost({ 'hybridls.path': '/nonexistent/bin/hybridls' });
  host.errorChoice = 'Open Settings';
  const ext = loadExtension(host);
  await ext.activate({ subscriptions: [] });
  const message =
    'Cannot start the hybridls language server: "hybridls.path" is "/nonexistent/bin/hybridls", but /nonexistent/bin/hybridls is not an executable file. ' +
    'Install hybridls (`make` in its repository builds build/hybridls) and put it on PATH, or set "hybridls.path" to the executable.';
  assert.deepEqual(host.errors, [[message, 'Open Settings']]);
  assert.deepEqual(host.executed, [['workbench.action.openSettings', 'hybridls.path']]);
  assert.deepEqual(host.output.lines, [message]);
  assert.equal(host.clients.length, 0);
});

test('show graph report: `hybridls inspect` of the current file in a virtual document beside it', async () => {
  const { host } = await activated({ 'hybridls.path': BIN });
  host.activeTextEditor = undefined;
  await host.commands.get('hybridls.showGraphReport')();
  assert.deepEqual(host.infos, ['hybridls: open a Python file to see its graph-mode report.']);
  host.activeTextEditor = { document: { languageId: 'python', uri: Uri.parse(`file://${FIXTURE}`), isDirty: true } };
  await host.commands.get('hybridls.showGraphReport')();
  assert.equal(host.shown.length, 1);
  const { doc, options } = host.shown[0];
  assert.deepEqual(options, { preview: true, viewColumn: -2 });
  assert.equal(doc.uri.toString(), `hybridls-report:${FIXTURE}.graph.txt`);
  const stdout = childProcess.execFileSync(BIN, ['inspect', FIXTURE], { encoding: 'utf8' });
  assert.equal(doc.text, wiring.graphReportText(FIXTURE, { code: 0, stdout, stderr: '' }, true));
  assert.ok(doc.text.startsWith(`hybridls graph-mode report: ${FIXTURE}\nThe editor has unsaved changes; this report is of the file as saved.\n\n${FIXTURE}:5: train_step  graph (via decorator)`), doc.text);
});
