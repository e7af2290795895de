'use strict';
// The extension's manifest, and a stand-in for
// `vscode.workspace.getConfiguration('hybridls').get`: the user's value of a
// setting, else the default the manifest declares (what VS Code returns).

const path = require('path');

const manifest = require(path.join(__dirname, '..', '..', '..', 'editors', 'vscode', 'package.json'));

function settingsGetter(user = {}) {
  const props = manifest.contributes.configuration.properties;
  return (key) => {
    const full = 'hybridls.' + key;
    if (Object.prototype.hasOwnProperty.call(user, full)) return user[full];
    return props[full] ? props[full].default : undefined;
  };
}

// A stand-in for `WorkspaceConfiguration.inspect(key)`: the manifest's
// default, and the user's value as the user (global) value when set.
function settingsInspector(user = {}) {
  const props = manifest.contributes.configuration.properties;
  return (key) => {
    const full = 'hybridls.' + key;
    if (!props[full] && !Object.prototype.hasOwnProperty.call(user, full)) return undefined;
    const info = { key: full, defaultValue: props[full] ? props[full].default : undefined };
    if (Object.prototype.hasOwnProperty.call(user, full)) info.globalValue = user[full];
    return info;
  };
}

// What the extension sends the server: only the values the user set.
function explicitGetter(user = {}) {
  const wiring = require(path.join(__dirname, '..', '..', '..', 'editors', 'vscode', 'lib', 'wiring.js'));
  const inspect = settingsInspector(user);
  return (key) => wiring.explicitValue(inspect(key));
}

module.exports = { manifest, settingsGetter, settingsInspector, explicitGetter };
