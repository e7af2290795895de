'use strict';
// The .vsix built by `make vsix` (a zip): the manifest, the entry file, the
// wiring module and vscode-languageclient with its dependencies are inside;
// the packaging tool is not. HYBRIDLS_VSIX names the file.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { ROOT } = require('./lsp');

const VSIX = process.env.HYBRIDLS_VSIX || path.join(ROOT, 'editors', 'vscode', 'hybridls-0.1.0.vsix');
const SRC = path.join(ROOT, 'editors', 'vscode');

// The entries of a zip file (name -> {method, offset, compressedSize}),
// read from its central directory.
function readZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.notEqual(eocd, -1, 'no end of central directory record: not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.set(name, { method, offset, compressedSize });
    p += 46 + nameLen + extraLen + commentLen;
  }
  const read = (name) => {
    const e = entries.get(name);
    assert.ok(e, `${name} is not in the package`);
    const local = e.offset;
    assert.equal(buf.readUInt32LE(local), 0x04034b50, 'bad local header');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    return e.method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
  };
  return { names: [...entries.keys()], read };
}

test('the .vsix holds the manifest, the entry file and vscode-languageclient, not the packager', () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} does not exist: run make vsix`);
  const zip = readZip(fs.readFileSync(VSIX));
  const pkg = JSON.parse(zip.read('extension/package.json').toString('utf8'));
  const src = JSON.parse(fs.readFileSync(path.join(SRC, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes, src.contributes);
  assert.deepEqual([pkg.name, pkg.version, pkg.main, pkg.engines.vscode], [src.name, src.version, './extension.js', '^1.82.0']);
  assert.ok(zip.read('extension/extension.js').equals(fs.readFileSync(path.join(SRC, 'extension.js'))));
  assert.ok(zip.read('extension/lib/wiring.js').equals(fs.readFileSync(path.join(SRC, 'lib', 'wiring.js'))));
  const client = JSON.parse(zip.read('extension/node_modules/vscode-languageclient/package.json').toString('utf8'));
  assert.equal(client.version, '9.0.1');
  for (const name of [
    'extension/node_modules/vscode-languageclient/node.js',
    'extension/node_modules/vscode-languageclient/lib/node/main.js',
    'extension/node_modules/vscode-languageserver-protocol/package.json',
    'extension/node_modules/vscode-jsonrpc/package.json',
    'extension/node_modules/semver/package.json',
    'extension/readme.md',
    'extension.vsixmanifest',
  ]) {
    assert.ok(zip.names.includes(name), `${name} is not in the package`);
  }
  assert.ok(zip.names.some((n) => /^extension\/node_modules\/(vscode-languageclient\/node_modules\/)?minimatch\/package\.json$/.test(n)), 'minimatch is missing');
  assert.deepEqual(zip.names.filter((n) => n.includes('@vscode/vsce') || n.endsWith('.vsix') || n.includes('package-lock.json')), []);
  const manifest = zip.read('extension.vsixmanifest').toString('utf8');
  assert.ok(manifest.includes('Id="hybridls"') && manifest.includes('Publisher="hybridls"'), manifest.slice(0, 400));
});
