// The incident queue (#/incidents): one page of GET /api/incidents under the analyst's filters
// and sort, the counts per severity, and live updates. The server filters, sorts and pages, so
// a live `incident` or `action` event makes the page ask again (at most once per 250 ms: one
// render for a burst of events), and new incidents take their place without a reload. Rows
// keep their elements across updates, so a focused link stays focused.

import {api, query} from './api.js';
import {$, el, setText, severityBadge, incidentRoute, readFilters} from './dom.js';
import {severityName, dayTime, tacticName, tacticLabel, number, list} from './format.js';
import {notify} from './notice.js';
import * as live from './live.js';

const PAGE = 200;
const TEXT_IDLE_MS = 300;
const REFRESH_MS = 250;
const FRESH_MAX = 1000;

// The correlation's state is not the analysts': an incident whose window closed still waits
// for triage, so the queue shows every state unless asked.
const filters = {state: 'all', triage: '', severity: '', sensor: '', host: '', rule: '', q: ''};
const view = {sort: 'severity', order: 'desc', offset: 0};
// Keys of incidents a live event reported and the analyst has not opened since: marked new.
const fresh = new Set();
// Shown rows by key, with the summary each shows.
const rows = new Map();
let active = false;
let generation = 0;  // bumped when filters, sort or page change: answers to older asks are dropped
let loading = false;
let loadAgain = false;
let refreshTimer = 0;
let textTimer = 0;

const FILTER_INPUTS = {
  state: 'filter-state', triage: 'filter-triage', severity: 'filter-severity', sensor: 'filter-sensor',
  host: 'filter-host', rule: 'filter-rule', q: 'filter-q',
};

export function init() {
  const form = $('incident-filters');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters();
  });
  form.addEventListener('change', (event) => {
    if (event.target.tagName === 'SELECT') applyFilters();
  });
  form.addEventListener('input', (event) => {
    if (event.target.tagName !== 'INPUT') return;
    clearTimeout(textTimer);
    textTimer = setTimeout(applyFilters, TEXT_IDLE_MS);
  });
  for (const th of document.querySelectorAll('#incident-table th[data-sort]')) {
    th.addEventListener('click', () => sortBy(th.dataset.sort));
  }
  $('page-prev').addEventListener('click', () => turnPage(-1));
  $('page-next').addEventListener('click', () => turnPage(1));
  live.on('incident', onIncident);
  live.on('action', scheduleRefresh);
  live.on('resync', () => { if (active) reload(); });
}

export function enter() {
  active = true;
  reload();
}

export function leave() {
  active = false;
  clearTimeout(refreshTimer);
  refreshTimer = 0;
}

export function reset() {
  fresh.clear();
  rows.clear();
  $('incident-table').tBodies[0].replaceChildren();
}

// The analyst opened it: no longer new.
export function markSeen(key) {
  fresh.delete(key);
  const row = rows.get(key);
  if (row) markRow(row.tr, key);
}

function applyFilters() {
  clearTimeout(textTimer);
  const changed = readFilters(filters, FILTER_INPUTS);
  if (!changed) return;
  view.offset = 0;
  reload();
}

function sortBy(column) {
  if (view.sort === column) {
    view.order = view.order === 'desc' ? 'asc' : 'desc';
  } else {
    view.sort = column;
    view.order = column === 'title' ? 'asc' : 'desc';
  }
  for (const th of document.querySelectorAll('#incident-table th[data-sort]')) {
    const sorted = th.dataset.sort === view.sort;
    th.setAttribute('aria-sort', sorted ? (view.order === 'desc' ? 'descending' : 'ascending') : 'none');
  }
  view.offset = 0;
  reload();
}

function turnPage(step) {
  view.offset = Math.max(0, view.offset + step * PAGE);
  reload();
  $('incident-table').scrollIntoView({block: 'start'});
}

function reload() {
  ++generation;
  load();
}

function scheduleRefresh() {
  if (!active || refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = 0;
    load();
  }, REFRESH_MS);
}

async function load() {
  if (loading) {
    loadAgain = true;
    return;
  }
  loading = true;
  const asked = generation;
  try {
    const data = await api('GET', '/api/incidents' + query({
      ...filters, sort: view.sort, order: view.order, limit: PAGE, offset: view.offset,
    }));
    if (asked === generation && active) render(data ?? {});
  } catch (error) {
    if (error.status !== 401) notify(`Incidents could not be read: ${error.message}`);
  } finally {
    loading = false;
    if (loadAgain) {
      loadAgain = false;
      load();
    }
  }
}

function render(data) {
  const total = Number(data.total) || 0;
  const incidents = Array.isArray(data.incidents) ? data.incidents : [];
  if (incidents.length === 0 && view.offset > 0 && total > 0) {
    // The page emptied (incidents closed or filtered away): show the last page there is.
    view.offset = Math.floor((total - 1) / PAGE) * PAGE;
    reload();
    return;
  }
  for (const n of [1, 2, 3, 4]) setText($(`count-sev-${n}`), String(Number(data.counts?.[n]) || 0), null);
  setText($('incident-total'), String(total), null);

  const tbody = $('incident-table').tBodies[0];
  const wanted = [];
  const seen = new Set();
  for (const inc of incidents) {
    const key = keyOf(inc);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    wanted.push(showRow(key, inc));
  }
  // Move only rows that are out of place: a row that stays keeps its focus.
  wanted.forEach((tr, i) => {
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
  });
  while (tbody.children.length > wanted.length) {
    const last = tbody.lastElementChild;
    rows.delete(last.dataset.key);
    last.remove();
  }

  $('incident-empty').hidden = wanted.length > 0;
  const first = wanted.length ? view.offset + 1 : 0;
  setText($('page-info'), wanted.length ? `${first}–${view.offset + wanted.length} of ${total}` : `0 of ${total}`, null);
  $('page-prev').disabled = view.offset === 0;
  $('page-next').disabled = view.offset + PAGE >= total;
}

function keyOf(inc) {
  return inc && inc.sensor !== undefined && inc.id !== undefined ? `${inc.sensor}/${inc.id}` : null;
}

// The row of an incident, made or brought up to date.
function showRow(key, inc) {
  let row = rows.get(key);
  if (!row) {
    const tr = el('tr', {dataset: {key}});
    for (const col of ['severity', 'title', 'sensors', 'hosts', 'tactics', 'events', 'first_seen', 'last_seen',
      'state', 'triage', 'owner']) {
      tr.append(el('td', {dataset: {col}}));
    }
    row = {tr, shown: ''};
    rows.set(key, row);
  }
  const shown = JSON.stringify(inc);
  if (row.shown !== shown) {
    row.shown = shown;
    fillRow(row.tr, inc);
  }
  markRow(row.tr, key);
  return row.tr;
}

function fillRow(tr, inc) {
  const td = (col) => tr.querySelector(`td[data-col="${col}"]`);
  const name = severityName(inc.severity);
  td('severity').replaceChildren(severityBadge(inc.severity, name));

  const titleCell = td('title');
  let link = titleCell.querySelector('a');
  if (!link) {
    link = el('a');
    titleCell.prepend(link);
  }
  link.setAttribute('href', incidentRoute(inc.sensor, inc.id));
  setText(link, inc.title ?? `${inc.sensor}/${inc.id}`, null);
  titleCell.setAttribute('title', String(inc.title ?? ''));

  const sensors = [...new Set([inc.sensor, ...list(inc.sensors)].map(String))];
  setText(td('sensors'), sensors.join(', '));
  setText(td('hosts'), list(inc.hosts).join(', '));
  const tactics = list(inc.tactics);
  setText(td('tactics'), tactics.map(tacticName).join(', '), tactics.map(tacticLabel).join(', '));
  setText(td('events'), number(inc.events), null);
  setText(td('first_seen'), dayTime(inc.first_seen), inc.first_seen);
  setText(td('last_seen'), dayTime(inc.last_seen), inc.last_seen);
  setText(td('state'), inc.state);
  setText(td('triage'), inc.triage?.status ?? '');
  setText(td('owner'), inc.triage?.owner ?? '');
}

function markRow(tr, key) {
  const isNew = fresh.has(key);
  tr.classList.toggle('new', isNew);
  const titleCell = tr.querySelector('td[data-col="title"]');
  const badge = titleCell.querySelector('.badge-new');
  if (isNew && !badge) titleCell.append(' ', el('span', {class: 'badge badge-new', text: 'new'}));
  if (!isNew && badge) {
    badge.previousSibling?.remove();  // the space before it
    badge.remove();
  }
}

function onIncident(inc) {
  const key = keyOf(inc);
  if (!key) return;
  fresh.delete(key);
  fresh.add(key);
  if (fresh.size > FRESH_MAX) fresh.delete(fresh.values().next().value);
  scheduleRefresh();
}
