'use strict';
// The hybridls extension: starts `hybridls serve` over stdio for Python files
// with vscode-languageclient. The settings -> server mapping and the lookup
// of the executable live in lib/wiring.js (tested in Node without VS Code).

const os = require('os');
const childProcess = require('child_process');
const vscode = require('vscode');
const { LanguageClient, DidChangeConfigurationNotification } = require('vscode-languageclient/node');
const wiring = require('./lib/wiring');

const REPORT_SCHEME = 'hybridls-report';

let client = null;
let outputChannel = null;
let serverCommand = null;
const reports = new Map();
const reportChanged = new vscode.EventEmitter();

// A getter of the `hybridls` section, for a resource scope or the window:
// effective values (the manifest's defaults included), for the extension's
// own settings.
function sectionGetter(scope) {
  const config = vscode.workspace.getConfiguration(wiring.SECTION, scope);
  return (key) => config.get(key);
}

// The values the user set, for what is sent to the server.
function serverGetter(scope) {
  const config = vscode.workspace.getConfiguration(wiring.SECTION, scope);
  return (key) => wiring.explicitValue(config.inspect(key));
}

function scopeOf(scopeUri) {
  return scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
}

function workspaceFolderPath() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

function findServer() {
  return wiring.resolveServerPath(sectionGetter()('path'), {
    env: process.env,
    platform: process.platform,
    homedir: os.homedir(),
    workspaceFolder: workspaceFolderPath(),
    cwd: process.cwd(),
  });
}

async function showNotFound(found) {
  const choice = await vscode.window.showErrorMessage(wiring.notFoundMessage(found), 'Open Settings');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'hybridls.path');
  }
}

async function startClient() {
  const found = findServer();
  if (!found.command) {
    serverCommand = null;
    outputChannel.appendLine(wiring.notFoundMessage(found));
    await showNotFound(found);
    return;
  }
  serverCommand = found.command;
  const clientOptions = {
    documentSelector: wiring.DOCUMENT_SELECTOR.map((filter) => ({ ...filter })),
    initializationOptions: wiring.initializationOptions(serverGetter()),
    outputChannel,
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const fallback = await next(params, token);
          return wiring.configurationResponse(params.items, (scopeUri) => serverGetter(scopeOf(scopeUri)), fallback);
        },
      },
      provideInlayHints: (document, range, token, next) => {
        if (sectionGetter(document.uri)('inlayHints.enable') === false) return [];
        return next(document, range, token);
      },
    },
  };
  client = new LanguageClient('hybridls', 'hybridls', wiring.serverExecutable(found.command), clientOptions);
  try {
    await client.start();
  } catch (error) {
    const message = `Cannot start the hybridls language server (${found.command}): ${error && error.message ? error.message : error}`;
    outputChannel.appendLine(message);
    await vscode.window.showErrorMessage(message);
  }
}

async function stopClient() {
  if (!client) return;
  const old = client;
  client = null;
  try {
    if (old.needsStop()) await old.stop();
  } finally {
    await old.dispose();
  }
}

async function restartServer() {
  await stopClient();
  await startClient();
}

function showGraphReport() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') {
    return vscode.window.showInformationMessage('hybridls: open a Python file to see its graph-mode report.');
  }
  const document = editor.document;
  if (document.uri.scheme !== 'file') {
    return vscode.window.showInformationMessage('hybridls: save the file first; the graph-mode report reads it from disk.');
  }
  const found = serverCommand ? { command: serverCommand } : findServer();
  if (!found.command) return showNotFound(found);
  const file = document.uri.fsPath;
  const dirty = document.isDirty;
  return new Promise((resolve) => {
    childProcess.execFile(
      found.command,
      wiring.graphReportArgs(file),
      { cwd: workspaceFolderPath() || os.homedir(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
        const text = wiring.graphReportText(file, { code, stdout, stderr: stderr || String(error || '') }, dirty);
        const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: file + '.graph.txt' });
        reports.set(uri.toString(), text);
        reportChanged.fire(uri);
        resolve(
          vscode.workspace
            .openTextDocument(uri)
            .then((doc) => vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside })),
        );
      },
    );
  });
}

async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('hybridls');
  context.subscriptions.push(
    outputChannel,
    reportChanged,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: reportChanged.event,
      provideTextDocumentContent: (uri) => reports.get(uri.toString()) || '',
    }),
    vscode.commands.registerCommand('hybridls.restartServer', restartServer),
    vscode.commands.registerCommand('hybridls.showOutput', () => outputChannel.show(true)),
    vscode.commands.registerCommand('hybridls.showGraphReport', showGraphReport),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(wiring.SECTION)) return;
      if (event.affectsConfiguration('hybridls.path')) {
        await restartServer();
        return;
      }
      if (client && client.isRunning()) {
        await client.sendNotification(
          DidChangeConfigurationNotification.type,
          wiring.didChangeConfigurationParams(serverGetter()),
        );
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
