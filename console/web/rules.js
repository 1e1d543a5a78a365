// The rules (#/rules): GET /api/rules: the current set, the version each sensor runs, the
// push history with each sensor's result, and the signatures by alert count, noisiest first.
// Read again when a `sensors` event shows a sensor's version changed since the event before.

import {api} from './api.js';
import {$, el, cell, setText} from './dom.js';
import {shortTime, number, text, list} from './format.js';
import {notify} from './notice.js';
import * as live from './live.js';

const PUSHES_MAX = 200;
const SIGNATURES_MAX = 1000;
let active = false;
let heardVersions = '';  // "name=version;..." of the last `sensors` event, to notice a change

export function init() {
  live.on('sensors', (data) => {
    if (!Array.isArray(data?.sensors)) return;
    const heard = versions(data.sensors);
    if (active && heardVersions && heard !== heardVersions) load();
    heardVersions = heard;
  });
}

export function enter() {
  active = true;
  load();
}

export function leave() {
  active = false;
}

export function reset() {
  heardVersions = '';
  for (const id of ['rules-sensors', 'push-table', 'signature-table']) $(id).tBodies[0].replaceChildren();
  $('rules-current').textContent = '';
}

function versions(sensors) {
  return sensors.map((s) => `${s?.name}=${s?.rules_version}`).sort().join(';');
}

async function load() {
  try {
    const data = await api('GET', '/api/rules');
    if (active && data) render(data);
  } catch (error) {
    if (error.status !== 401) notify(`Rules could not be read: ${error.message}`);
  }
}

function render(data) {
  const current = text(data.current);
  setText($('rules-current'), current || 'none pushed', null);

  const sensors = list(data.sensors);
  $('rules-sensors').tBodies[0].replaceChildren(...sensors.map((s) => {
    const same = current !== '' && text(s.rules_version) === current;
    return el('tr', {dataset: {sensor: text(s.name)}, class: same ? '' : 'behind'},
      cell('name', text(s.name)), cell('rules_version', text(s.rules_version)), cell('current', same ? 'yes' : 'no', null));
  }));

  $('push-table').tBodies[0].replaceChildren(...list(data.pushes).slice(0, PUSHES_MAX).map(pushRow));

  const signatures = list(data.signatures).slice().sort((a, b) => (Number(b?.alerts) || 0) - (Number(a?.alerts) || 0));
  $('signature-table').tBodies[0].replaceChildren(...signatures.slice(0, SIGNATURES_MAX).map((s) => {
    const bySensor = Object.entries(s.by_sensor ?? {}).sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${number(c)}`).join(', ');
    return el('tr', {dataset: {sid: text(s.sid)}},
      cell('gid', text(s.gid), null), cell('sid', text(s.sid), null), cell('signature', text(s.signature)),
      cell('alerts', number(s.alerts), null), cell('by_sensor', bySensor));
  }));
  const note = $('signature-note');
  note.hidden = signatures.length <= SIGNATURES_MAX;
  note.textContent = `The ${SIGNATURES_MAX} noisiest of ${signatures.length} signatures are shown.`;
}

function lines(value) {
  return list(value).map(text).join('\n');
}

function pushRow(p) {
  const perSensor = list(p.sensors).map((s) => {
    const details = [
      s.rules_loaded !== undefined ? `${number(s.rules_loaded)} rules` : '',
      typeof s.build_seconds === 'number' ? `${number(s.build_seconds)} s` : '',
    ].filter(Boolean).join(', ');
    const errors = list(s.errors).length ? `: ${lines(s.errors)}` : '';
    return `${text(s.sensor)}: ${text(s.result)}${details ? ` (${details})` : ''}${errors}`;
  }).join('\n');
  const author = el('td', {dataset: {col: 'author'}, text: text(p.author)});
  if (p.author_fingerprint) author.setAttribute('title', `${text(p.author)}, key ${text(p.author_fingerprint)}`);
  const wrap = (col, value) => el('td', {dataset: {col}, class: 'wrap', text: value});
  return el('tr', {dataset: {push: text(p.id)}, class: p.result === 'refused' ? 'failed' : ''},
    cell('time', shortTime(p.time_at), p.time_at), cell('kind', text(p.kind)), author, cell('comment', text(p.comment)),
    cell('version', text(p.version)), cell('result', text(p.result)), wrap('sensors', perSensor), wrap('errors', lines(p.errors)));
}
