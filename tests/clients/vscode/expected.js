'use strict';
// What the server publishes for tests/clients/fixtures/train.py, exactly
// (the Neovim test checks the same findings from Lua).

const README = 'https://github.com/hybridls/hybridls/blob/main/README.md';

const range = (l1, c1, l2, c2) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

function hy305() {
  return {
    range: range(3, 13, 3, 43),
    severity: 2,
    code: 'HY305',
    codeDescription: { href: `${README}#hy305` },
    source: 'hybridls',
    message: 'experimental_relax_shapes is deprecated; use reduce_retracing (TF 2.9+)',
    tags: [2],
  };
}

function hy201(uri) {
  return {
    range: range(5, 4, 5, 23),
    severity: 2,
    code: 'HY201',
    codeDescription: { href: `${README}#hy201` },
    source: 'hybridls',
    message: "print() runs only while 'train_step' is being traced, not on every call; use tf.print to print tensor values each time",
    relatedInformation: [
      {
        location: { uri, range: range(3, 1, 3, 44) },
        message: 'train_step: tf.function that runs this code as a graph',
      },
    ],
  };
}

function hy306() {
  return {
    range: range(10, 7, 10, 53),
    severity: 2,
    code: 'HY306',
    codeDescription: { href: `${README}#hy306` },
    source: 'hybridls',
    message: 'tf.config.experimental_functions_run_eagerly is deprecated; use tf.config.functions_run_eagerly (same behaviour)',
    tags: [2],
  };
}

// The one safe fix of the fixture (HY305's and HY201's fixes are unsafe).
const HY306_FIX = Object.freeze({
  title: 'Rename to functions_run_eagerly',
  edit: { range: range(10, 17, 10, 51), newText: 'functions_run_eagerly' },
});

module.exports = { range, hy305, hy201, hy306, HY306_FIX };
