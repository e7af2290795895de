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

module.exports = { manifest, settingsGetter };
