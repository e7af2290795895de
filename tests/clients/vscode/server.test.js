'use strict';
// The VS Code extension's conversation with the real server, played with
// Microsoft's LSP client library: the initializationOptions, configuration
// answers and configuration changes are built by the extension's own
// lib/wiring.js from the settings VS Code would hand it.
//
// HYBRIDLS_BIN names the server binary (tests/clients/run.sh sets it).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const childProcess = require('child_process');
const wiring = require('../../../editors/vscode/lib/wiring');
const { explicitGetter } = require('./manifest');
const { Session, ROOT } = require('./lsp');
const { range, hy305, hy201, hy306, HY306_FIX } = require('./expected');

const BIN = process.env.HYBRIDLS_BIN;
const FIXTURE = path.join(ROOT, 'tests', 'clients', 'fixtures', 'train.py');
const TEXT = fs.readFileSync(FIXTURE, 'utf8');
// Virtual documents: the server never reads them from disk.
const uriOf = (name) => 'file://' + path.join(ROOT, 'tests', 'clients', 'virtual', name);

// Applies LSP text edits (positions in UTF-16 code units, which is what
// JavaScript string indices are) to `text`.
function applyEdits(text, edits) {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p) => lineStarts[p.line] + p.character;
  const sorted = edits
    .map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

// The configuration answer of the extension's middleware for `get`.
const answerWith = (getRef) => (params) => wiring.configurationResponse(params.items, () => getRef.get, undefined);

async function resolveAction(session, action) {
  if (action.edit || !action.data) return action;
  return session.connection.sendRequest('codeAction/resolve', action);
}

test('precondition: HYBRIDLS_BIN is an executable', () => {
  assert.ok(BIN, 'HYBRIDLS_BIN is not set');
  assert.ok(wiring.isExecutableFile(BIN), `${BIN} is not an executable file`);
});

test('VS Code session: initialize, push and pull diagnostics, hover, code actions, fix-all, configuration change, shutdown', async (t) => {
  const getRef = { get: explicitGetter({ 'hybridls.debounceMs': 0 }) };
  const session = new Session(BIN, { configuration: answerWith(getRef) });
  try {
    const uri = uriOf('train.py');
    let caps;

    await t.test('initialize with the extension initializationOptions', async () => {
      const options = wiring.initializationOptions(getRef.get);
      assert.deepEqual(options, { debounceMs: 0 });
      const result = await session.initialize(options);
      caps = result.capabilities;
      const version = childProcess.execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim();
      assert.deepEqual(result.serverInfo, { name: 'hybridls', version: version.replace(/^hybridls /, '') });
      assert.equal(caps.positionEncoding, 'utf-16');
      assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
      assert.deepEqual(caps.diagnosticProvider, { identifier: 'hybridls', interFileDependencies: true, workspaceDiagnostics: false });
    });

    let seen = 0;
    await t.test('didOpen publishes the exact diagnostics; the server pulls the hybridls section', async () => {
      await session.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'python', version: 1, text: TEXT },
      });
      const pub = await session.nextPublish(uri, seen);
      seen = pub.index;
      assert.deepEqual(pub.params, { uri, version: 1, diagnostics: [hy305(), hy201(uri), hy306()] });
      assert.deepEqual(session.configurationRequests, [{ items: [{ section: 'hybridls' }] }]);
      assert.deepEqual(session.messages, []);
    });

    await t.test('textDocument/diagnostic pull: the same items, then unchanged', async () => {
      const full = await session.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      assert.equal(full.kind, 'full');
      assert.equal(typeof full.resultId, 'string');
      assert.deepEqual(full.items, [hy305(), hy201(uri), hy306()]);
      const again = await session.connection.sendRequest('textDocument/diagnostic', {
        textDocument: { uri },
        previousResultId: full.resultId,
      });
      assert.deepEqual(again, { kind: 'unchanged', resultId: full.resultId });
    });

    await t.test('hover on a blank line is null; on a suppression comment, the rule explanation', async (st) => {
      if (!caps.hoverProvider) {
        st.skip('pending: the server does not advertise hoverProvider');
        return;
      }
      assert.equal(caps.hoverProvider, true);
      const blank = await session.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: 1, character: 0 },
      });
      assert.equal(blank, null);
      const suppressedUri = uriOf('suppressed.py');
      const text = 'import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(x)  # hybridls: ignore[HY201]\n    return x\n';
      await session.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: suppressedUri, languageId: 'python', version: 1, text },
      });
      const pub = await session.nextPublish(suppressedUri, 0);
      assert.deepEqual(pub.params.diagnostics, []);
      const hover = await session.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: suppressedUri },
        position: { line: 5, character: 30 },
      });
      const explain = childProcess.execFileSync(BIN, ['explain', 'HY201'], { encoding: 'utf8' });
      const firstParagraph = explain.split('\n\n')[2];
      assert.ok(firstParagraph.startsWith('AutoGraph leaves the builtin `print` alone'), firstParagraph);
      assert.equal(hover.contents.kind, 'markdown');
      assert.ok(hover.contents.value.includes(firstParagraph), hover.contents.value);
      assert.ok(hover.range.start.line === 5 && hover.range.end.line === 5, JSON.stringify(hover.range));
      assert.ok(hover.range.start.character <= 30 && hover.range.end.character >= 30, JSON.stringify(hover.range));
      await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: suppressedUri } });
    });

    await t.test('code action: the quick fix of HY306, resolved, exact edit', async (st) => {
      if (!caps.codeActionProvider) {
        st.skip('pending: the server does not advertise codeActionProvider');
        return;
      }
      assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix', 'refactor.rewrite', 'source.fixAll.hybridls']);
      const actions = await session.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: hy306().range,
        context: { diagnostics: [hy306()], only: ['quickfix'], triggerKind: 1 },
      });
      const rename = actions.filter((a) => a.title === HY306_FIX.title);
      assert.equal(rename.length, 1, JSON.stringify(actions));
      assert.ok(actions.every((a) => a.kind === 'quickfix'), JSON.stringify(actions));
      const resolved = await resolveAction(session, rename[0]);
      assert.equal(resolved.kind, 'quickfix');
      assert.deepEqual(resolved.diagnostics, [hy306()]);
      assert.deepEqual(resolved.edit, { documentChanges: [{ textDocument: { uri, version: 1 }, edits: [HY306_FIX.edit] }] });
    });

    let version = 1;
    let text = TEXT;
    await t.test('fix-all (source.fixAll.hybridls): exactly the safe fixes; applying it clears HY306', async (st) => {
      if (!caps.codeActionProvider) {
        st.skip('pending: the server does not advertise codeActionProvider');
        return;
      }
      const actions = await session.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: range(0, 0, 14, 0),
        context: { diagnostics: [], only: ['source.fixAll.hybridls'], triggerKind: 2 },
      });
      assert.equal(actions.length, 1, JSON.stringify(actions));
      assert.equal(actions[0].title, 'Fix all safe hybridls problems');
      assert.equal(actions[0].kind, 'source.fixAll.hybridls');
      const resolved = await resolveAction(session, actions[0]);
      assert.deepEqual(resolved.edit, { documentChanges: [{ textDocument: { uri, version: 1 }, edits: [HY306_FIX.edit] }] });
      text = applyEdits(text, resolved.edit.documentChanges[0].edits);
      assert.ok(text.includes('    if tf.config.functions_run_eagerly():\n'));
      version += 1;
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
      const pub = await session.nextPublish(uri, seen);
      seen = pub.index;
      assert.deepEqual(pub.params, { uri, version, diagnostics: [hy305(), hy201(uri)] });
    });

    await t.test('typing (run onType) republishes: tf.print clears HY201', async () => {
      const line5 = range(5, 4, 5, 4);
      version += 1;
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: line5, text: 'tf.' }],
      });
      text = applyEdits(text, [{ range: line5, newText: 'tf.' }]);
      const pub = await session.nextPublish(uri, seen);
      seen = pub.index;
      const expected = caps.codeActionProvider ? [hy305()] : [hy305(), hy306()];
      assert.deepEqual(pub.params, { uri, version, diagnostics: expected });
      // Put print back for the configuration test.
      version += 1;
      text = applyEdits(text, [{ range: range(5, 4, 5, 7), newText: '' }]);
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: range(5, 4, 5, 7), text: '' }],
      });
      const back = await session.nextPublish(uri, seen);
      seen = back.index;
      assert.equal(back.params.version, version);
      assert.deepEqual(back.params.diagnostics.map((d) => d.code), caps.codeActionProvider ? ['HY305', 'HY201'] : ['HY305', 'HY201', 'HY306']);
    });

    await t.test('workspace/didChangeConfiguration: hybridls.select = ["HY305"] republishes HY305 only', async () => {
      getRef.get = explicitGetter({ 'hybridls.debounceMs': 0, 'hybridls.select': ['HY305'] });
      const params = wiring.didChangeConfigurationParams(getRef.get);
      assert.deepEqual(params, {
        settings: { hybridls: { debounceMs: 0, select: ['HY305'] } },
      });
      const pulls = session.configurationRequests.length;
      await session.connection.sendNotification('workspace/didChangeConfiguration', params);
      const pub = await session.nextPublish(uri, seen);
      seen = pub.index;
      assert.deepEqual(pub.params, { uri, version, diagnostics: [hy305()] });
      const pull = await session.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      assert.deepEqual(pull.items, [hy305()]);
      assert.ok(session.configurationRequests.length > pulls, 'the server did not pull the configuration again');
    });

    await t.test('severity and ignore through the configuration', async () => {
      getRef.get = explicitGetter({
        'hybridls.debounceMs': 0,
        'hybridls.ignore': ['HY305'],
        'hybridls.severity': { 'print-at-trace-time': 'error' },
      });
      await session.connection.sendNotification('workspace/didChangeConfiguration', wiring.didChangeConfigurationParams(getRef.get));
      const pub = await session.nextPublish(uri, seen);
      seen = pub.index;
      const err = { ...hy201(uri), severity: 1 };
      assert.deepEqual(pub.params.diagnostics, caps.codeActionProvider ? [err] : [err, hy306()]);
    });

    await t.test('shutdown and exit: exit code 0', async () => {
      const status = await session.shutdown();
      assert.deepEqual(status, { code: 0, signal: null });
      assert.deepEqual(session.messages, []);
    });
  } finally {
    session.kill();
  }
});

test('VS Code session with hybridls.run = onSave: no publish while typing, one on save', async () => {
  const get = explicitGetter({ 'hybridls.debounceMs': 0, 'hybridls.run': 'onSave' });
  const session = new Session(BIN, { configuration: answerWith({ get }) });
  try {
    const uri = uriOf('onsave.py');
    const options = wiring.initializationOptions(get);
    assert.deepEqual(options, { debounceMs: 0, run: 'onSave' });
    await session.initialize(options);
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: TEXT },
    });
    const opened = await session.nextPublish(uri, 0);
    assert.deepEqual(opened.params, { uri, version: 1, diagnostics: [hy305(), hy201(uri), hy306()] });
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: range(5, 4, 5, 4), text: 'tf.' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(session.publishes.length, opened.index, 'published after an edit with run = onSave');
    // The pull model still answers for the text as edited.
    const pull = await session.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(pull.items.map((d) => d.code), ['HY305', 'HY306']);
    await session.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const saved = await session.nextPublish(uri, opened.index);
    assert.deepEqual(saved.params, { uri, version: 2, diagnostics: [hy305(), hy306()] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(session.publishes.length, saved.index, 'more than one publish after one save');
    assert.deepEqual(await session.shutdown(), { code: 0, signal: null });
  } finally {
    session.kill();
  }
});

test('the findings agree with `hybridls check --format json` (the CLI and pre-commit hook)', () => {
  const run = childProcess.spawnSync(BIN, ['check', '--format', 'json', 'tests/clients/fixtures/train.py'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 1, run.stderr);
  const findings = JSON.parse(run.stdout);
  const asLsp = findings.map((f) => ({
    code: f.rule,
    range: range(f.line - 1, f.column - 1, f.end_line - 1, f.end_column - 1),
    message: f.message,
  }));
  const uri = uriOf('train.py');
  assert.deepEqual(
    asLsp,
    [hy305(), hy201(uri), hy306()].map((d) => ({ code: d.code, range: d.range, message: d.message })),
  );
  const safe = findings.flatMap((f) => (f.fixes || []).filter((x) => x.safe));
  assert.deepEqual(safe, [
    {
      title: HY306_FIX.title,
      safe: true,
      edits: [{ line: 11, column: 18, end_line: 11, end_column: 52, text: 'functions_run_eagerly' }],
    },
  ]);
});
