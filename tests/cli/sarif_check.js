// Checks that a file holds a structurally valid SARIF 2.1.0 log as
// `hybridls check --format sarif` promises it: the required fields are
// present with the right types, every result's ruleIndex points at the rule
// named by its ruleId, and regions are well-formed (1-based, end not before
// start). Prints nothing and exits 0 when valid; otherwise prints each
// problem and exits 1.
//
//   node tests/cli/sarif_check.js FILE
'use strict';
const fs = require('fs');

const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v) => typeof v === 'string' && v.length > 0;
const isPosInt = (v) => Number.isInteger(v) && v >= 1;
const LEVELS = ['none', 'note', 'warning', 'error'];

function checkRegion(where, r) {
  if (!isObj(r)) return fail(where, 'region missing');
  for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn'])
    if (!isPosInt(r[k])) fail(where, `region.${k} must be an integer >= 1`);
  if (r.endLine < r.startLine) fail(where, 'region ends before it starts');
  if (r.endLine === r.startLine && r.endColumn < r.startColumn) fail(where, 'region ends before it starts');
}

function checkRun(run, i) {
  const at = `runs[${i}]`;
  if (!isObj(run)) return fail(at, 'not an object');
  const driver = run.tool && run.tool.driver;
  if (!isObj(driver)) return fail(at, 'tool.driver missing');
  if (!isStr(driver.name)) fail(at, 'tool.driver.name missing');
  if (driver.version !== undefined && !isStr(driver.version)) fail(at, 'tool.driver.version not a string');
  const rules = driver.rules;
  if (!Array.isArray(rules) || rules.length === 0) return fail(at, 'tool.driver.rules missing or empty');
  const seen = new Set();
  rules.forEach((r, k) => {
    const where = `${at}.tool.driver.rules[${k}]`;
    if (!isObj(r)) return fail(where, 'not an object');
    if (!isStr(r.id)) fail(where, 'id missing');
    if (seen.has(r.id)) fail(where, `duplicate id ${r.id}`);
    seen.add(r.id);
    if (!isStr(r.name)) fail(where, 'name missing');
    if (!isObj(r.shortDescription) || !isStr(r.shortDescription.text)) fail(where, 'shortDescription.text missing');
    if (r.fullDescription !== undefined && (!isObj(r.fullDescription) || typeof r.fullDescription.text !== 'string'))
      fail(where, 'fullDescription.text missing');
    if (!isStr(r.helpUri) || !/^https:\/\//.test(r.helpUri)) fail(where, 'helpUri missing');
    const dc = r.defaultConfiguration;
    if (!isObj(dc) || !LEVELS.includes(dc.level)) fail(where, 'defaultConfiguration.level invalid');
  });
  if (run.columnKind !== undefined && !['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind))
    fail(at, `columnKind ${run.columnKind} invalid`);
  if (!Array.isArray(run.results)) return fail(at, 'results missing');
  run.results.forEach((res, k) => {
    const where = `${at}.results[${k}]`;
    if (!isObj(res)) return fail(where, 'not an object');
    if (!isStr(res.ruleId)) fail(where, 'ruleId missing');
    if (res.ruleIndex !== undefined) {
      if (!Number.isInteger(res.ruleIndex) || res.ruleIndex < 0 || res.ruleIndex >= rules.length)
        fail(where, `ruleIndex ${res.ruleIndex} out of range`);
      else if (rules[res.ruleIndex].id !== res.ruleId)
        fail(where, `ruleIndex ${res.ruleIndex} is ${rules[res.ruleIndex].id}, not ${res.ruleId}`);
    } else {
      fail(where, 'ruleIndex missing');
    }
    if (!LEVELS.includes(res.level)) fail(where, `level ${res.level} invalid`);
    if (!isObj(res.message) || !isStr(res.message.text)) fail(where, 'message.text missing');
    if (!Array.isArray(res.locations) || res.locations.length === 0) return fail(where, 'locations missing');
    res.locations.forEach((loc, m) => {
      const lw = `${where}.locations[${m}]`;
      const pl = isObj(loc) ? loc.physicalLocation : undefined;
      if (!isObj(pl)) return fail(lw, 'physicalLocation missing');
      if (!isObj(pl.artifactLocation) || !isStr(pl.artifactLocation.uri)) fail(lw, 'artifactLocation.uri missing');
      else if (/[\s\\]/.test(pl.artifactLocation.uri)) fail(lw, 'artifactLocation.uri is not a URI reference');
      checkRegion(lw, pl.region);
    });
  });
}

function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node tests/cli/sarif_check.js FILE');
    process.exit(2);
  }
  let log;
  try {
    log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  } catch (e) {
    console.log(`not JSON: ${e.message}`);
    process.exit(1);
  }
  if (!isObj(log)) fail('log', 'not an object');
  else {
    if (log.version !== '2.1.0') fail('log', `version ${log.version}, expected 2.1.0`);
    if (!isStr(log.$schema) || !/sarif-2\.1\.0/.test(log.$schema)) fail('log', '$schema missing or not 2.1.0');
    if (!Array.isArray(log.runs) || log.runs.length === 0) fail('log', 'runs missing or empty');
    else log.runs.forEach(checkRun);
  }
  for (const p of problems) console.log(p);
  process.exit(problems.length ? 1 : 0);
}

main();
