// The incident page (#/incident/SENSOR/ID): GET /api/incidents/SENSOR/ID shown as its facts,
// the rule that raised it and why, ATT&CK, the hosts and how they connect, the timeline of its
// evidence, related incidents and its history; and the analysts' actions, POSTed to
// .../actions. Live: an `action` event for this incident updates it at once, an `incident`
// event reads it again (250 ms after the first of a burst, then at most once a second). A part
// whose data did not change is not built again, so the focus in it stays where it was.

import {api, apiPath} from './api.js';
import {$, el, setText, cell, severityBadge, incidentRoute, clear, spaced} from './dom.js';
import {
  severityName, shortTime, preciseTime, tacticLabel, number, duration, text, list, endpoints, appDetail, condition,
} from './format.js';
import {notify} from './notice.js';
import * as live from './live.js';
import * as incidents from './incidents.js';

const REFRESH_DELAY_MS = 250;
const REFRESH_EVERY_MS = 1000;
const TIMELINE_MAX = 2000;
const CONNECTIONS_MAX = 50;
const HISTORY_MAX = 500;

let current = null;  // {sensor, id, key, detail}
let active = false;
let canAct = false;
let refreshTimer = 0;
let lastLoad = 0;
let loading = false;
let loadAgain = false;
let acting = false;  // an action is on its way: another click waits for its answer
const shownParts = new Map();  // part -> the JSON of the data it shows

const ACTIONS = {
  'action-acknowledge': {action: 'acknowledge', done: 'Acknowledged'},
  'action-assign': {action: 'assign', input: 'assign-owner', field: 'owner', missing: 'Name the analyst to assign it to.', done: 'Assigned'},
  'action-comment': {action: 'comment', input: 'comment-text', field: 'text', missing: 'Write the comment first.', done: 'Comment added'},
  'action-close': {action: 'close', input: 'close-reason', field: 'reason', missing: 'Give the reason for closing it.', done: 'Closed'},
  'action-false-positive': {action: 'false_positive', input: 'close-reason', field: 'reason', missing: 'Give the reason it is a false positive.', done: 'Marked false positive'},
  'action-reopen': {action: 'reopen', done: 'Reopened'},
};

export function init() {
  for (const [id, spec] of Object.entries(ACTIONS)) $(id).addEventListener('click', () => act(spec));
  live.on('action', onAction);
  live.on('incident', (inc) => {
    if (active && current && `${inc?.sensor}/${inc?.id}` === current.key) scheduleRefresh();
  });
  live.on('resync', () => { if (active && current) load(); });
}

export function setRole(role) {
  canAct = role === 'analyst';
  $('actions-note').hidden = canAct;
  $('actions-note').textContent = canAct ? '' : `Signed in as a ${role}: you can read incidents but not act on them.`;
  updateButtons();
}

export function enter(route) {
  active = true;
  const key = `${route.sensor}/${route.id}`;
  incidents.markSeen(key);
  if (!current || current.key !== key) {
    current = {sensor: route.sensor, id: route.id, key, detail: null};
    blank(key);
  }
  load();
}

export function leave() {
  active = false;
  clearTimeout(refreshTimer);
  refreshTimer = 0;
}

export function reset() {
  current = null;
  blank('');
}

// The incident the page shows, for the router's focus on return to the queue.
export function currentKey() {
  return current?.key ?? null;
}

function blank(key) {
  setText($('incident-title'), key ? `Incident ${key}` : '', null);
  for (const id of ['incident-severity', 'incident-state', 'incident-triage', 'incident-owner', 'incident-sensors',
    'incident-seen', 'incident-rule', 'incident-tactics', 'incident-hosts', 'timeline', 'history']) {
    clear($(id));
  }
  shownParts.clear();
  $('related').tBodies[0].replaceChildren();
  $('timeline-incomplete').hidden = true;
  for (const id of ['assign-owner', 'comment-text', 'close-reason']) $(id).value = '';
  updateButtons();
}

function scheduleRefresh() {
  if (refreshTimer) return;
  const wait = Math.max(REFRESH_DELAY_MS, lastLoad + REFRESH_EVERY_MS - performance.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = 0;
    if (active) load();
  }, wait);
}

async function load() {
  if (loading) {
    loadAgain = true;
    return;
  }
  loading = true;
  lastLoad = performance.now();
  const asked = current;
  try {
    const data = await api('GET', apiPath('incidents', asked.sensor, asked.id));
    if (asked === current && data?.incident) {
      asked.detail = data.incident;
      render();
    }
  } catch (error) {
    if (asked === current && error.status === 404) {
      setText($('incident-title'), `No incident ${asked.key}`, null);
      notify(`Incident ${asked.key} is not known to the console.`);
    } else if (error.status !== 401) {
      notify(`Incident ${asked.key} could not be read: ${error.message}`);
    }
  } finally {
    loading = false;
    if (loadAgain) {
      loadAgain = false;
      if (active && current) load();
    }
  }
}

function render() {
  const inc = current.detail;
  setText($('incident-title'), inc.title ?? current.key, null);
  document.title = `${inc.title ?? current.key} · mamori`;
  $('incident-severity').replaceChildren(severityBadge(inc.severity, severityName(inc.severity)));
  setText($('incident-state'), inc.state, null);
  renderTriage();
  setText($('incident-sensors'), [...new Set([inc.sensor, ...list(inc.sensors)].map(String))].join(', '), null);
  setText($('incident-seen'), `${shortTime(inc.first_seen)} → ${shortTime(inc.last_seen)}, ${number(inc.events)} events`, null);
  renderPart('rule', [inc.rule, inc.events, inc.group_key], () => renderRule(inc));
  renderPart('tactics', [inc.tactics, inc.techniques, inc.stages], () => renderTactics(inc));
  renderPart('hosts', [inc.hosts, inc.source, inc.dest_ports, inc.domains, inc.timeline], () => renderHosts(inc));
  renderPart('timeline', [inc.timeline, inc.timeline_complete], () => renderTimeline(inc));
  renderPart('related', inc.related, () => renderRelated(inc));
  renderPart('history', [inc.history, inc.actions], renderHistory);
}

function renderPart(part, data, build) {
  const json = JSON.stringify(data ?? null);
  if (shownParts.get(part) === json) return;
  shownParts.set(part, json);
  build();
}

function renderTriage() {
  const triage = current.detail.triage ?? {};
  setText($('incident-triage'), triage.status ?? '', null);
  setText($('incident-owner'), triage.owner ?? '', null);
  updateButtons();
}

function updateButtons() {
  const status = current?.detail?.triage?.status;
  const loaded = Boolean(current?.detail);
  for (const id of Object.keys(ACTIONS)) $(id).disabled = !canAct || !loaded;
  $('action-reopen').disabled = !canAct || !loaded || !(status === 'closed' || status === 'false_positive');
}

// A definition list from [term, value] pairs; values are text or nodes.
function facts(pairs) {
  const dl = el('dl', {class: 'facts'});
  for (const [term, value] of pairs) {
    if (value === '' || value === undefined || value === null) continue;
    dl.append(el('dt', {text: term}), value instanceof Node ? el('dd', {}, value) : el('dd', {text: String(value)}));
  }
  return dl;
}

function renderRule(inc) {
  const rule = inc.rule && typeof inc.rule === 'object' ? inc.rule : {name: inc.rule};
  const measured = rule.type === 'value_count' ? `${number(inc.events)} events counted` : `${number(inc.events)} events`;
  $('incident-rule').replaceChildren(facts([
    ['Rule', rule.title ? `${rule.title} (${text(rule.name)})` : text(rule.name)],
    ['Type', text(rule.type)],
    ['Group by', text(rule.group_by)],
    ['Group', text(inc.group_key)],
    ['Timespan', typeof rule.timespan_s === 'number' ? duration(rule.timespan_s) : text(rule.timespan_s)],
    ['Condition', condition(rule)],
    ['Measured', measured],
  ]));
}

function renderTactics(inc) {
  const node = $('incident-tactics');
  const parts = [];
  const tactics = list(inc.tactics), techniques = list(inc.techniques), stages = list(inc.stages);
  if (tactics.length) {
    parts.push(el('h3', {text: 'Tactics'}), el('ul', {class: 'tactics'}, ...tactics.map((t) => el('li', {text: tacticLabel(t)}))));
  }
  if (techniques.length) {
    parts.push(el('h3', {text: 'Techniques'}), el('ul', {class: 'tactics'}, ...techniques.map((t) => el('li', {text: String(t)}))));
  }
  if (stages.length) {
    parts.push(el('h3', {text: 'Stages, in order'}), el('ol', {class: 'stages'}, ...stages.map((s) => el('li', {text: String(s)}))));
  }
  if (!parts.length) parts.push(el('p', {class: 'note', text: 'No ATT&CK tags on this incident’s rule or evidence.'}));
  node.replaceChildren(...parts);
}

function renderHosts(inc) {
  const hosts = list(inc.hosts).map(String);
  const source = inc.source ? String(inc.source) : null;
  const targets = hosts.filter((h) => h !== source);
  const ports = list(inc.dest_ports).map(String);
  const parts = [];
  if (source) {
    parts.push(el('p', {}, 'Source ', el('strong', {class: 'host', text: source})));
    parts.push(el('ul', {class: 'links'}, ...targets.map((t) => el('li', {class: 'link', text: `${source} → ${t}`}))));
  } else if (hosts.length) {
    parts.push(el('ul', {class: 'links'}, ...hosts.map((h) => el('li', {text: h}))));
  }
  if (ports.length) parts.push(el('p', {}, 'Destination ports: ', ports.join(', ')));
  const domains = list(inc.domains).map(String);
  if (domains.length) parts.push(el('p', {}, 'Domains: ', domains.join(', ')));

  // How they connect, as the evidence shows it: each source → destination:port/proto.
  const connections = new Map();
  for (const entry of list(inc.timeline)) {
    const r = entry?.record;
    if (!r || r.src_ip === undefined || r.dest_ip === undefined) continue;
    const key = `${endpointsNoSourcePort(r)} ${r.proto ?? ''}`;
    connections.set(key, (connections.get(key) ?? 0) + 1);
  }
  if (connections.size) {
    const sorted = [...connections].sort((a, b) => b[1] - a[1]).slice(0, CONNECTIONS_MAX);
    parts.push(el('h3', {text: 'Connections in the timeline'}));
    parts.push(el('ul', {class: 'connections'}, ...sorted.map(([c, n]) => el('li', {text: `${c} ×${n}`}))));
  }
  $('incident-hosts').replaceChildren(...parts);
}

function endpointsNoSourcePort(r) {
  return endpoints({src_ip: r.src_ip, dest_ip: r.dest_ip, dest_port: r.dest_port});
}

function renderTimeline(inc) {
  const entries = list(inc.timeline);
  const shown = entries.slice(0, TIMELINE_MAX);
  const items = shown.map((entry) => timelineItem(entry ?? {}));
  $('timeline').replaceChildren(...items);
  const incomplete = inc.timeline_complete === false || entries.length > TIMELINE_MAX;
  $('timeline-incomplete').hidden = !incomplete;
  if (entries.length > TIMELINE_MAX) {
    $('timeline-incomplete').textContent = `The first ${TIMELINE_MAX} of ${entries.length} records are shown.`;
  }
  if (!entries.length) $('timeline').append(el('li', {class: 'note', text: 'The console holds none of this incident’s evidence.'}));
}

function timelineItem(entry) {
  const r = entry.record && typeof entry.record === 'object' ? entry.record : {};
  const type = String(entry.event_type ?? r.event_type ?? '');
  const what = [];
  if (type === 'alert' && r.alert) {
    what.push(el('span', {class: 'tl-signature', text: text(r.alert.signature)}));
    what.push(el('span', {class: 'tl-meta', text: `sid ${text(r.alert.signature_id)}, severity ${text(r.alert.severity)}`}));
    if (appDetail(r)) what.push(el('span', {class: 'tl-app', text: appDetail(r)}));
  } else if (type === 'flow' && r.flow) {
    const f = r.flow;
    what.push(el('span', {class: 'tl-meta', text:
      `${text(f.state)} (${text(f.reason)}), ${number(f.pkts_toserver)}/${number(f.pkts_toclient)} packets, ` +
      `${number(f.bytes_toserver)}/${number(f.bytes_toclient)} bytes`}));
  } else if (type === 'dns' && r.dns) {
    what.push(el('span', {class: 'tl-app', text: [r.dns.type, appDetail(r), r.dns.rrtype, r.dns.rcode].filter((v) => v !== undefined && v !== '').map(text).join(' ')}));
  } else if (type === 'http' && r.http) {
    what.push(el('span', {class: 'tl-app', text: [appDetail(r), r.http.status].filter((v) => v !== undefined && v !== '').map(text).join(' ')}));
    if (r.http.http_user_agent) what.push(el('span', {class: 'tl-meta', text: `user agent ${text(r.http.http_user_agent)}`}));
  } else if (type === 'tls' && r.tls) {
    what.push(el('span', {class: 'tl-app', text: [r.tls.sni, r.tls.version, r.tls.subject].filter(Boolean).map(text).join(' · ')}));
  } else if (appDetail(r)) {
    what.push(el('span', {class: 'tl-app', text: appDetail(r)}));
  }
  const where = r.src_ip !== undefined ? `${endpoints(r)} ${text(r.proto)}${r.app_proto ? `/${text(r.app_proto)}` : ''}` : '';
  return el('li', {class: `tl tl-${type.replace(/[^a-z0-9_-]/gi, '')}`, dataset: {type}}, ...spaced(
    el('time', {class: 'tl-time', text: preciseTime(entry.ts ?? r.timestamp), title: text(entry.ts ?? r.timestamp)}),
    el('span', {class: 'tl-type', text: type}),
    ...what,
    where ? el('span', {class: 'tl-where', text: where}) : null,
    r.host !== undefined ? el('span', {class: 'tl-meta', text: `on ${text(r.host)}`}) : null));
}

function renderRelated(inc) {
  const tbody = $('related').tBodies[0];
  const related = list(inc.related);
  tbody.replaceChildren(...related.map((r) => {
    const link = el('a', {href: incidentRoute(r.sensor, r.id), text: text(r.title ?? `${r.sensor}/${r.id}`)});
    const titleCell = el('td', {dataset: {col: 'title'}, title: text(r.title)}, link);
    return el('tr', {dataset: {key: `${r.sensor}/${r.id}`}},
      el('td', {dataset: {col: 'severity'}}, severityBadge(r.severity, severityName(r.severity))),
      titleCell,
      cell('triage', r.triage?.status ?? ''),
      cell('last_seen', shortTime(r.last_seen), r.last_seen));
  }));
  if (!related.length) tbody.append(el('tr', {}, el('td', {colspan: 4, class: 'note', text: 'No other incident names these hosts.'})));
}

function actionText(a) {
  const what = {
    acknowledge: 'acknowledged', assign: `assigned to ${text(a.owner)}`, comment: 'commented', close: 'closed',
    false_positive: 'marked false positive', reopen: 'reopened',
  }[a.action] ?? text(a.action);
  const detail = a.text ?? a.reason;
  return detail ? `${what}: ${text(detail)}` : what;
}

function renderHistory() {
  const inc = current.detail;
  const items = [];
  for (const h of list(inc.history).slice(-HISTORY_MAX)) {
    items.push(el('li', {class: 'hist hist-correlation', dataset: {kind: 'correlation'}}, ...spaced(
      el('time', {text: shortTime(h.ts), title: text(h.ts)}),
      el('span', {class: 'who', text: 'correlation'}),
      el('span', {text: `${text(h.state)}, ${severityName(h.severity)}, ${number(h.events)} events: ${text(h.title)}`}))));
  }
  for (const a of list(inc.actions).slice(-HISTORY_MAX)) {
    items.push(el('li', {class: 'hist hist-action', dataset: {kind: 'action', action: text(a.action)}}, ...spaced(
      el('time', {text: shortTime(a.at), title: text(a.at)}),
      el('span', {class: 'who', text: text(a.user)}),
      el('span', {text: actionText(a)}))));
  }
  $('history').replaceChildren(...items);
}

function actionId(a) {
  return JSON.stringify([a?.at, a?.user, a?.action, a?.owner, a?.text, a?.reason]);
}

// An action this page did or heard of; the same one can come both ways.
function addAction(triage, action) {
  const inc = current.detail;
  if (triage) inc.triage = triage;
  if (action) {
    inc.actions = list(inc.actions);
    if (!inc.actions.some((a) => actionId(a) === actionId(action))) inc.actions.push(action);
  }
  renderTriage();
  renderHistory();
}

function onAction(event) {
  if (!active || !current?.detail || String(event?.key) !== current.key) return;
  addAction(event.triage, event.action);
}

async function act(spec) {
  if (!current?.detail || acting) return;
  const body = {action: spec.action};
  if (spec.input) {
    const value = $(spec.input).value.trim();
    if (!value) {
      notify(spec.missing);
      $(spec.input).focus();
      return;
    }
    body[spec.field] = value;
  }
  const target = current;
  // The buttons stay enabled (disabling the one pressed would drop the keyboard focus).
  acting = true;
  $('actions').setAttribute('aria-busy', 'true');
  try {
    const answer = await api('POST', apiPath('incidents', target.sensor, target.id, 'actions'), body);
    if (target === current && target.detail) {
      addAction(answer?.triage, answer?.action);
      if (spec.input) $(spec.input).value = '';
      notify(`${spec.done}.`, 'info');
    }
  } catch (error) {
    if (error.status === 403) notify(`Not allowed: your account cannot act on incidents (${error.message}).`);
    else if (error.status !== 401) notify(`Could not ${spec.action.replace('_', ' ')} ${target.key}: ${error.message}`);
  } finally {
    acting = false;
    $('actions').removeAttribute('aria-busy');
  }
}
