// The sensors (#/sensors): GET /api/sensors, then each live `sensors` event (every 2 s), one
// row per sensor; a quiet sensor's row stands out with a "quiet" label. The nav shows how
// many sensors are quiet whichever view is open.

import {api} from './api.js';
import {$, el, setText} from './dom.js';
import {number, text} from './format.js';
import {notify} from './notice.js';
import * as live from './live.js';

const COLUMNS = ['name', 'connected', 'packets_per_s', 'drops', 'drops_per_s', 'flows_per_s', 'alerts_per_s',
  'rules_version', 'last_seen', 'lag'];
let active = false;
let latest = null;  // the last answer or event: only the current state, never a history

export function init() {
  live.on('sensors', (data) => show(data));
}

export function enter() {
  active = true;
  if (latest) render();
  load();
}

export function leave() {
  active = false;
}

export function reset() {
  latest = null;
  $('sensor-table').tBodies[0].replaceChildren();
  $('sensors-quiet-badge').hidden = true;
}

async function load() {
  try {
    show(await api('GET', '/api/sensors'));
  } catch (error) {
    if (error.status !== 401) notify(`Sensors could not be read: ${error.message}`);
  }
}

function show(data) {
  if (!data || !Array.isArray(data.sensors)) return;
  latest = data;
  const quiet = data.sensors.filter((s) => s?.quiet === true).length;
  const badge = $('sensors-quiet-badge');
  badge.hidden = quiet === 0;
  badge.textContent = `${quiet} quiet`;
  if (active) render();
}

function render() {
  const tbody = $('sensor-table').tBodies[0];
  const rows = new Map([...tbody.rows].map((tr) => [tr.dataset.sensor, tr]));
  const wanted = [];
  for (const s of latest.sensors) {
    if (!s || s.name === undefined) continue;
    const name = String(s.name);
    let tr = rows.get(name);
    if (!tr) {
      tr = el('tr', {dataset: {sensor: name}}, ...COLUMNS.map((col) => el('td', {dataset: {col}})));
    }
    rows.delete(name);
    fill(tr, s);
    wanted.push(tr);
  }
  wanted.forEach((tr, i) => {
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
  });
  for (const stale of rows.values()) stale.remove();
  $('sensor-empty').hidden = wanted.length > 0;
}

function seconds(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${number(value)} s` : text(value);
}

function fill(tr, s) {
  const td = (col) => tr.querySelector(`td[data-col="${col}"]`);
  const quiet = s.quiet === true;
  tr.classList.toggle('quiet', quiet);
  tr.classList.toggle('offline', s.connected === false);
  const nameCell = td('name');
  // The label before the name: a long name is cut at its end, the label stays in sight.
  nameCell.replaceChildren(...(quiet ? [el('span', {class: 'badge badge-quiet', text: 'quiet'}), ' '] : []),
    el('span', {class: 'name', text: String(s.name)}));
  nameCell.setAttribute('title', quiet ? `${s.name} (quiet)` : String(s.name));
  setText(td('connected'), s.connected === true ? 'yes' : s.connected === false ? 'no' : text(s.connected), null);
  setText(td('packets_per_s'), number(s.packets_per_s), null);
  setText(td('drops'), number(s.drops), null);
  setText(td('drops_per_s'), number(s.drops_per_s), null);
  setText(td('flows_per_s'), number(s.flows_per_s), null);
  setText(td('alerts_per_s'), number(s.alerts_per_s), null);
  setText(td('rules_version'), text(s.rules_version));
  setText(td('last_seen'), typeof s.last_seen_s === 'number' ? `${seconds(s.last_seen_s)} ago` : text(s.last_seen_s), null);
  setText(td('lag'), seconds(s.lag_s), null);
}
