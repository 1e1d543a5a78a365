// The alert stream (#/alerts): GET /api/alerts under the filters, then each live `alert`
// event that passes them, newest first. Arrivals are put on the page in batches, in an
// animation frame at most every 250 ms (each insert lays the whole table out again, so a
// batch per frame at 100 alerts/s would keep the browser busy), and the table keeps at most
// 500 rows. While the analyst has scrolled down the
// stream pauses (the rows stay still) and counts what arrived; scrolling back up or Resume
// shows them. Each alert links to its incident and to its flow's records (#flow-records).
// In a flood the server sends a page only so many alerts a second and tells it how many it
// did not (`skipped`): the view says so, and reloading lists the newest the console holds.

import {api, apiPath, query} from './api.js';
import {$, el, cell, severityBadge, incidentRoute, route, splitKey, readFilters} from './dom.js';
import {severityName, dayTime, preciseTime, endpoints, appName, appDetail, text} from './format.js';
import {notify} from './notice.js';
import * as live from './live.js';

const MAX_ROWS = 500;
const TEXT_IDLE_MS = 300;
const PAUSE_SCROLL_PX = 24;
const FLUSH_MS = 250;
const RECORD_FIELDS_MAX = 200;

const filters = {sensor: '', host: '', sid: '', q: ''};
const FILTER_INPUTS = {sensor: 'alert-filter-sensor', host: 'alert-filter-host', sid: 'alert-filter-sid', q: 'alert-filter-q'};
let active = false;
let generation = 0;
let pending = [];  // arrived, not yet shown, oldest first; never more than MAX_ROWS
let arrivedWhilePaused = 0;
let skipped = 0;  // alerts not sent to this page since the list was last loaded
let paused = false;
let loading = false;  // an answer to GET /api/alerts is on its way
let frame = 0;
let flushTimer = 0;
let lastFlush = 0;
let textTimer = 0;
let flowAsked = null;
let flowOpener = null;

export function init() {
  const form = $('alert-filters');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters();
  });
  form.addEventListener('input', () => {
    clearTimeout(textTimer);
    textTimer = setTimeout(applyFilters, TEXT_IDLE_MS);
  });
  $('alerts-resume').addEventListener('click', () => {
    window.scrollTo(0, 0);
    setPaused(false);
  });
  window.addEventListener('scroll', () => {
    if (active) setPaused(window.scrollY > PAUSE_SCROLL_PX);
  }, {passive: true});
  $('alert-table').tBodies[0].addEventListener('click', (event) => {
    const link = event.target.closest('td[data-col="flow"] a');
    if (!link) return;
    event.preventDefault();
    openFlow(link.dataset.sensor, link.dataset.flow, link);
  });
  $('flow-close').addEventListener('click', closeFlow);
  live.on('alert', onAlert);
  live.on('skipped', onSkipped);
  $('alerts-skipped-reload').addEventListener('click', () => load());
  live.on('resync', () => { if (active) load(); });
}

export function enter(routeInfo) {
  active = true;
  setPaused(window.scrollY > PAUSE_SCROLL_PX);
  load();
  if (routeInfo.flow) openFlow(routeInfo.flow.sensor, routeInfo.flow.id, null);
}

export function leave() {
  active = false;
  pending = [];
  closeFlow();
}

export function reset() {
  pending = [];
  $('alert-table').tBodies[0].replaceChildren();
}

export function flowOpen() {
  return !$('flow-records').hidden;
}

export function closeFlow() {
  const panel = $('flow-records');
  if (panel.hidden) return;
  panel.hidden = true;
  flowAsked = null;
  panel.querySelector('.records').replaceChildren();
  if (location.hash.startsWith('#/flow/')) history.replaceState(null, '', '#/alerts');
  if (flowOpener?.isConnected) flowOpener.focus();
  flowOpener = null;
}

function applyFilters() {
  clearTimeout(textTimer);
  const changed = readFilters(filters, FILTER_INPUTS);
  if (changed) load();
}

async function load() {
  const asked = ++generation;
  pending = [];
  // Live alerts wait in `pending` while the answer is on its way: shown now, the answer
  // would replace them, and those it does not hold yet would be lost.
  loading = true;
  try {
    const data = await api('GET', '/api/alerts' + query({...filters, limit: MAX_ROWS}));
    if (asked !== generation || !active) return;
    const alerts = Array.isArray(data?.alerts) ? data.alerts.slice(0, MAX_ROWS) : [];
    $('alert-table').tBodies[0].replaceChildren(...alerts.map(alertRow));
    // Alerts that arrived while the answer was on its way may be in it already.
    const listed = new Set(alerts.map(alertId));
    pending = pending.filter((a) => !listed.has(alertId(a)));
    arrivedWhilePaused = 0;
    showPaused();
    skipped = 0;
    showSkipped();
    $('alert-empty').hidden = alerts.length > 0;
  } catch (error) {
    if (error.status !== 401) notify(`Alerts could not be read: ${error.message}`);
  } finally {
    if (asked === generation) {
      loading = false;
      if (pending.length) scheduleFlush();
    }
  }
}

// The server's filters, applied to live alerts: sensor and host exact, sid the signature id,
// q case-insensitive in the signature, addresses and category.
function matches(a) {
  if (filters.sensor && String(a.host ?? '') !== filters.sensor) return false;
  if (filters.host && String(a.src_ip ?? '') !== filters.host && String(a.dest_ip ?? '') !== filters.host) return false;
  if (filters.sid && String(a.alert?.signature_id ?? '') !== filters.sid) return false;
  if (filters.q) {
    const q = filters.q.toLowerCase();
    const hay = [a.alert?.signature, a.src_ip, a.dest_ip, a.alert?.category].map((v) => String(v ?? '').toLowerCase());
    if (!hay.some((h) => h.includes(q))) return false;
  }
  return true;
}

function alertId(a) {
  return `${a?.host} ${a?.alert?.signature_id} ${a?.timestamp} ${a?.flow_id}`;
}

function onAlert(a) {
  if (!active || !a || typeof a !== 'object' || !matches(a)) return;
  pending.push(a);
  if (pending.length > MAX_ROWS) pending.splice(0, pending.length - MAX_ROWS);
  if (paused) arrivedWhilePaused++;
  scheduleFlush();
}

function onSkipped(data) {
  const n = Number(data?.alerts);
  if (!active || !Number.isSafeInteger(n) || n <= 0) return;
  skipped += n;
  showSkipped();
}

function showSkipped() {
  $('alerts-skipped').hidden = skipped === 0;
  $('alerts-skipped-count').textContent = String(skipped);
}

function scheduleFlush() {
  if (frame || flushTimer) return;
  const wait = lastFlush + FLUSH_MS - performance.now();
  if (wait <= 0) {
    frame = requestAnimationFrame(flush);
  } else {
    flushTimer = setTimeout(() => {
      flushTimer = 0;
      frame = requestAnimationFrame(flush);
    }, wait);
  }
}

function flush() {
  frame = 0;
  lastFlush = performance.now();
  if (loading) return;  // load() flushes what waits once its answer is in
  if (paused) {
    showPaused();
    return;
  }
  if (!pending.length) return;
  const tbody = $('alert-table').tBodies[0];
  const batch = document.createDocumentFragment();
  for (let i = pending.length - 1; i >= 0; i--) batch.append(alertRow(pending[i]));
  pending = [];
  tbody.prepend(batch);
  while (tbody.rows.length > MAX_ROWS) tbody.lastElementChild.remove();
  $('alert-empty').hidden = true;
}

function setPaused(value) {
  if (paused === value) return;
  paused = value;
  if (!paused) {
    arrivedWhilePaused = 0;
    scheduleFlush();
  }
  showPaused();
}

function showPaused() {
  $('alerts-paused').hidden = !paused;
  $('alerts-paused-count').textContent = String(arrivedWhilePaused);
}

function alertRow(a) {
  const sig = a.alert ?? {};
  const sensor = a.host !== undefined ? String(a.host) : '';
  const incident = splitKey(a.incident);
  const incidentCell = el('td', {dataset: {col: 'incident'}});
  if (incident) {
    incidentCell.append(el('a', {href: incidentRoute(incident.sensor, incident.id), text: String(a.incident), title: String(a.incident)}));
  }
  const flowCell = el('td', {dataset: {col: 'flow'}});
  if (sensor && a.flow_id !== undefined && a.flow_id !== null) {
    const flow = String(a.flow_id);
    flowCell.append(el('a', {href: route('flow', sensor, flow), text: 'flow', dataset: {sensor, flow}, title: `the records of flow ${flow}`}));
  }
  return el('tr', {},
    cell('time', dayTime(a.timestamp, true), a.timestamp),
    cell('sensor', sensor),
    cell('signature', text(sig.signature), `${text(sig.gid)}:${text(sig.signature_id)}:${text(sig.rev)} ${text(sig.signature)}`),
    el('td', {dataset: {col: 'severity'}}, severityBadge(sig.severity, severityName(sig.severity))),
    cell('endpoints', endpoints(a)),
    cell('proto', a.app_proto ? `${text(a.proto)}/${text(a.app_proto)}` : text(a.proto)),
    cell('app', appName(a), appDetail(a)),
    incidentCell,
    flowCell);
}

async function openFlow(sensor, flowId, opener) {
  if (!sensor || !flowId) return;
  const panel = $('flow-records');
  const list = panel.querySelector('.records');
  const asked = {sensor, flowId};
  flowAsked = asked;
  flowOpener = opener;
  $('flow-heading').textContent = `Flow ${flowId} on ${sensor}`;
  list.replaceChildren(el('li', {class: 'note', text: 'Reading the flow’s records…'}));
  panel.hidden = false;
  $('flow-heading').focus();
  try {
    const data = await api('GET', apiPath('flows', sensor, flowId));
    if (flowAsked !== asked) return;
    const records = Array.isArray(data?.records) ? data.records : [];
    list.replaceChildren(...records.map(recordItem));
    if (!records.length) list.append(el('li', {class: 'note', text: 'The console no longer holds this flow’s records.'}));
  } catch (error) {
    if (flowAsked !== asked) return;
    list.replaceChildren(el('li', {class: 'note', text: `The flow’s records could not be read: ${error.message}`}));
  }
}

function recordItem(r) {
  const fields = [];
  flatten('', r, fields);
  const dl = el('dl', {class: 'record-fields'});
  for (const [name, value] of fields.slice(0, RECORD_FIELDS_MAX)) dl.append(el('dt', {text: name}), el('dd', {text: value}));
  if (fields.length > RECORD_FIELDS_MAX) dl.append(el('dt', {text: '…'}), el('dd', {text: `${fields.length - RECORD_FIELDS_MAX} more fields`}));
  return el('li', {class: 'record', dataset: {type: text(r?.event_type)}},
    el('h3', {}, el('span', {class: 'tl-type', text: text(r?.event_type)}), ' ', preciseTime(r?.timestamp)),
    dl);
}

// An EVE object's fields as [dotted name, text] pairs; arrays of plain values joined.
function flatten(prefix, value, out) {
  if (out.length > RECORD_FIELDS_MAX) return;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  } else if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
    value.forEach((v, i) => flatten(`${prefix}[${i}]`, v, out));
  } else {
    out.push([prefix, text(value)]);
  }
}
