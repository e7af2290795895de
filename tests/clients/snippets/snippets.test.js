'use strict';
// The copy-paste configurations of editors/ (Helix, Emacs eglot, Sublime
// Text LSP, Zed) and .pre-commit-hooks.yaml: each parses with a real parser
// of its language (smol-toml, JSON.parse, yaml; Emacs's reader when `emacs`
// is installed, else the s-expression reader below), has the exact
// structure its client reads, and the server accepts its settings without a
// complaint. HYBRIDLS_BIN names the server.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const childProcess = require('child_process');
const TOML = require('smol-toml');
const YAML = require('yaml');
const { Session, ROOT } = require('../vscode/lsp');

const BIN = process.env.HYBRIDLS_BIN;
const EDITORS = path.join(ROOT, 'editors');
const read = (...p) => fs.readFileSync(path.join(EDITORS, ...p), 'utf8');

const SETTINGS = { run: 'onType', debounceMs: 150, select: [], ignore: [], severity: { HY201: 'warning' }, keras: true };
const INIT = { run: 'onType', debounceMs: 150 };

// Starts the server with `init` as initializationOptions and `section` as the
// answer for the hybridls section, opens a document, and returns the
// window/showMessage notifications (a bad setting produces one).
async function serverComplaints(init, section) {
  const session = new Session(BIN, { configuration: (params) => params.items.map(() => section) });
  try {
    await session.initialize(init);
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: { hybridls: section } });
    const uri = 'file://' + path.join(ROOT, 'tests', 'clients', 'virtual', 'snippet.py');
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: 'import tensorflow as tf\n\n@tf.function\ndef f(x):\n    print(x)\n    return x\n' },
    });
    const pub = await session.nextPublish(uri, 0);
    assert.deepEqual(pub.params.diagnostics.map((d) => d.code), ['HY201']);
    assert.deepEqual(await session.shutdown(), { code: 0, signal: null });
    return session.messages;
  } finally {
    session.kill();
  }
}

test('the server complains about a bad setting (so the checks below can fail)', async () => {
  const complaints = await serverComplaints({ run: 'sometimes' }, {});
  assert.equal(complaints.length, 1, JSON.stringify(complaints));
});

test('Helix: languages.toml parses (smol-toml) and declares hybridls for Python', async () => {
  const doc = TOML.parse(read('helix', 'languages.toml'));
  assert.deepEqual(doc['language-server'], {
    hybridls: { command: 'hybridls', args: ['serve'], config: SETTINGS },
  });
  assert.deepEqual(doc.language, [{ name: 'python', 'language-servers': ['hybridls'] }]);
  // Helix sends `config` as initializationOptions and answers the
  // `hybridls` section with null (config has no `hybridls` key).
  assert.deepEqual(await serverComplaints(doc['language-server'].hybridls.config, null), []);
});

test('Sublime Text LSP: LSP.sublime-settings is JSON and declares the client', async () => {
  const doc = JSON.parse(read('sublime', 'LSP.sublime-settings'));
  assert.deepEqual(doc, {
    clients: {
      hybridls: {
        enabled: true,
        command: ['hybridls', 'serve'],
        selector: 'source.python',
        initializationOptions: INIT,
        settings: { hybridls: SETTINGS },
      },
    },
  });
  const c = doc.clients.hybridls;
  assert.deepEqual(await serverComplaints(c.initializationOptions, c.settings.hybridls), []);
});

test('Zed: settings.json is JSON and configures the hybridls server', async () => {
  const doc = JSON.parse(read('zed', 'settings.json'));
  assert.deepEqual(doc, {
    languages: { Python: { language_servers: ['hybridls', '...'] } },
    lsp: {
      hybridls: {
        binary: { path: 'hybridls', arguments: ['serve'] },
        initialization_options: INIT,
        settings: { hybridls: SETTINGS },
      },
    },
  });
  const c = doc.lsp.hybridls;
  assert.deepEqual(await serverComplaints(c.initialization_options, c.settings.hybridls), []);
});

// A reader of Emacs Lisp's printed representation, enough for configuration
// files: lists, vectors, strings with escapes, ?characters, numbers,
// symbols, keywords, quote and function quote, comments. Returns the forms
// as nested arrays ({vector: [...]} for vectors, {string: s} for strings);
// throws on unbalanced or unterminated input.
function readElisp(src) {
  let i = 0;
  const forms = [];
  const skip = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src[i] === ';') {
        while (i < src.length && src[i] !== '\n') i++;
      } else return;
    }
  };
  const atomEnd = /[\s()[\]";']/;
  const form = () => {
    skip();
    if (i >= src.length) throw new Error('unexpected end of input');
    const ch = src[i];
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      const start = i;
      i++;
      const items = [];
      for (;;) {
        skip();
        if (i >= src.length) throw new Error(`unclosed ${ch} opened at offset ${start}`);
        if (src[i] === close) {
          i++;
          return ch === '(' ? items : { vector: items };
        }
        if (src[i] === ')' || src[i] === ']') throw new Error(`mismatched ${src[i]} at offset ${i}`);
        items.push(form());
      }
    }
    if (ch === ')' || ch === ']') throw new Error(`unexpected ${ch} at offset ${i}`);
    if (ch === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error('unterminated string');
        if (src[i] === '\\') {
          s += src[i + 1];
          i += 2;
        } else if (src[i] === '"') {
          i++;
          return { string: s };
        } else s += src[i++];
      }
    }
    if (ch === "'") {
      i++;
      return ['quote', form()];
    }
    if (ch === '#' && src[i + 1] === "'") {
      i += 2;
      return ['function', form()];
    }
    if (ch === '?') {
      i += src[i + 1] === '\\' ? 3 : 2;
      return { char: src[i - 1] };
    }
    const start = i;
    while (i < src.length && !atomEnd.test(src[i])) i++;
    if (src[start] === '.' && i === start + 1) return { dot: true };
    return src.slice(start, i);
  };
  for (;;) {
    skip();
    if (i >= src.length) return forms;
    forms.push(form());
  }
}

test('the s-expression reader rejects broken input', () => {
  assert.throws(() => readElisp('(a (b)'), /unclosed \(/);
  assert.throws(() => readElisp('(a b))'), /unexpected \)/);
  assert.throws(() => readElisp('(a [b)]'), /mismatched \)/);
  assert.throws(() => readElisp('(a "b)'), /unterminated string/);
  assert.deepEqual(readElisp("; c\n(a . \"x\\\"y\") [1 :k] 'q #'f ?a"), [
    ['a', { dot: true }, { string: 'x"y' }],
    { vector: ['1', ':k'] },
    ['quote', 'q'],
    ['function', 'f'],
    { char: 'a' },
  ]);
});

test('Emacs eglot: hybridls.el reads, with the exact forms', async (t) => {
  const src = read('emacs', 'hybridls.el');
  const forms = readElisp(src);
  assert.deepEqual(forms.map((f) => f[0]), ['require', 'add-to-list', 'setq-default', 'add-hook', 'add-hook', 'provide']);
  assert.deepEqual(forms[1], [
    'add-to-list',
    ['quote', 'eglot-server-programs'],
    ['quote', [
      ['python-mode', 'python-ts-mode'],
      { dot: true },
      [{ string: 'hybridls' }, { string: 'serve' }, ':initializationOptions', [':run', { string: 'onType' }, ':debounceMs', '150']],
    ]],
  ]);
  assert.deepEqual(forms[2], [
    'setq-default',
    'eglot-workspace-configuration',
    ['quote', [':hybridls', [
      ':run', { string: 'onType' },
      ':debounceMs', '150',
      ':select', { vector: [] },
      ':ignore', { vector: [] },
      ':severity', [':HY201', { string: 'warning' }],
      ':keras', 't',
    ]]],
  ]);
  assert.deepEqual(forms.slice(3), [
    ['add-hook', ['quote', 'python-mode-hook'], ['function', 'eglot-ensure']],
    ['add-hook', ['quote', 'python-ts-mode-hook'], ['function', 'eglot-ensure']],
    ['provide', ['quote', 'hybridls']],
  ]);
  // The JSON eglot makes of these plists (keywords lose their colon,
  // [] is an empty array, t is true) is what the server accepts.
  assert.deepEqual(await serverComplaints(INIT, SETTINGS), []);

  const emacs = childProcess.spawnSync('sh', ['-c', 'command -v emacs'], { encoding: 'utf8' });
  if (emacs.status !== 0) {
    t.diagnostic('emacs is not installed: the file was read by the Node s-expression reader only');
    return;
  }
  const count = childProcess.spawnSync(
    'emacs',
    ['--batch', '-Q', '--eval',
      '(with-temp-buffer (insert-file-contents (car command-line-args-left)) (goto-char (point-min)) ' +
      '(let ((n 0)) (condition-case nil (while t (read (current-buffer)) (setq n (1+ n))) (end-of-file nil)) (princ n)))',
      path.join(EDITORS, 'emacs', 'hybridls.el')],
    { encoding: 'utf8' },
  );
  assert.equal(count.status, 0, count.stderr);
  assert.equal(count.stdout.trim(), '6');
});

test('.pre-commit-hooks.yaml parses (yaml) with a check hook and a fix hook', () => {
  const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  assert.deepEqual(hooks.map((h) => [h.id, h.entry, h.language, h.types, h.require_serial]), [
    ['hybridls', 'hybridls check', 'system', ['python'], true],
    ['hybridls-fix', 'hybridls check --fix', 'system', ['python'], true],
  ]);
  for (const h of hooks) assert.equal(typeof h.name, 'string');
});

// Runs a hook's entry the way pre-commit does: the entry's words, then the
// file names, with the hybridls under test first on PATH.
function runHook(entry, files, cwd) {
  const bindir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridls-bin-'));
  fs.symlinkSync(BIN, path.join(bindir, 'hybridls'));
  try {
    const [cmd, ...args] = entry.split(' ');
    return childProcess.spawnSync(cmd, [...args, ...files], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bindir}:${process.env.PATH}` },
    });
  } finally {
    fs.rmSync(bindir, { recursive: true, force: true });
  }
}

test('pre-commit check hook: fails on the fixture, passes on a clean file', () => {
  const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridls-hook-'));
  try {
    fs.copyFileSync(path.join(ROOT, 'tests', 'clients', 'fixtures', 'train.py'), path.join(dir, 'train.py'));
    fs.writeFileSync(path.join(dir, 'clean.py'), 'import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return x * 2\n');
    const bad = runHook(hooks[0].entry, ['train.py'], dir);
    assert.equal(bad.status, 1, bad.stderr);
    assert.deepEqual(bad.stdout.split('\n').filter((l) => /^train\.py:\d+:\d+: HY\d+/.test(l)).map((l) => l.split(' ')[0] + ' ' + l.split(' ')[1]), [
      'train.py:4:14: HY305',
      'train.py:6:5: HY201',
      'train.py:11:8: HY306',
    ]);
    const good = runHook(hooks[0].entry, ['clean.py'], dir);
    assert.equal(good.status, 0, good.stdout + good.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pre-commit fix hook: applies the safe fix only', (t) => {
  const help = childProcess.spawnSync(BIN, ['check', '--help'], { encoding: 'utf8' });
  if (!help.stdout.includes('--fix')) {
    t.skip('pending: `hybridls check --fix` is not in this build');
    return;
  }
  const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridls-hook-'));
  try {
    const original = fs.readFileSync(path.join(ROOT, 'tests', 'clients', 'fixtures', 'train.py'), 'utf8');
    fs.writeFileSync(path.join(dir, 'train.py'), original);
    const run = runHook(hooks[1].entry, ['train.py'], dir);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const fixed = fs.readFileSync(path.join(dir, 'train.py'), 'utf8');
    assert.equal(fixed, original.replace('tf.config.experimental_functions_run_eagerly()', 'tf.config.functions_run_eagerly()'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
