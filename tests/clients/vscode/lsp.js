'use strict';
// Drives the built server through Microsoft's LSP client library
// (vscode-languageserver-protocol, the one vscode-languageclient is built on)
// over the child's stdio, the way the extension does.

const childProcess = require('child_process');
const path = require('path');
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  ConfigurationRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  ShowMessageNotification,
  LogMessageNotification,
} = require('vscode-languageserver-protocol/node');

const ROOT = path.resolve(__dirname, '..', '..', '..');

// The client capabilities of vscode-languageclient 9.0.1 in VS Code that the
// server reads or that shape its answers (a subset; the rest changes nothing).
const VSCODE_CLIENT_CAPABILITIES = Object.freeze({
  general: {
    positionEncodings: ['utf-16'],
    markdown: { parser: 'marked', version: '1.1.0' },
  },
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'], failureHandling: 'textOnlyTransactional', normalizesLineEndings: true },
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    diagnostics: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: false,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: {
        codeActionKind: {
          valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
        },
      },
      honorsChangeAnnotations: false,
    },
  },
});

class Session {
  constructor(binary, { configuration } = {}) {
    this.child = childProcess.spawn(binary, ['serve'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout),
      new StreamMessageWriter(this.child.stdin),
    );
    this.publishes = [];
    this.messages = [];
    this.configurationRequests = [];
    this.waiters = [];
    // The answer to workspace/configuration: the extension's middleware.
    this.configuration = configuration || (() => [null]);
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params);
      return this.configuration(params);
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publishes.push(params);
      this.wake();
    });
    this.connection.onNotification(ShowMessageNotification.type, (params) => this.messages.push(params));
    this.connection.onNotification(LogMessageNotification.type, () => {});
    this.connection.listen();
  }

  wake() {
    const pending = this.waiters;
    this.waiters = [];
    for (const w of pending) w();
  }

  // The first publication for `uri` after index `from` of this.publishes
  // (that is: not seen before), waiting up to `ms`.
  async nextPublish(uri, from, ms = 10000) {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = from; i < this.publishes.length; i++) {
        if (this.publishes[i].uri === uri) return { params: this.publishes[i], index: i + 1 };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no publishDiagnostics for ${uri} within ${ms} ms; stderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async initialize(initializationOptions, capabilities = VSCODE_CLIENT_CAPABILITIES) {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
      rootUri: null,
      workspaceFolders: null,
      capabilities,
      initializationOptions,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async shutdown() {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const status = await this.exited;
    this.connection.dispose();
    return status;
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}

module.exports = { Session, ROOT, VSCODE_CLIENT_CAPABILITIES };
