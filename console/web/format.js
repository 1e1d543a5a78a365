// Turns API values into display text: times, numbers, durations, severities, ATT&CK names,
// endpoints. Pure functions of their arguments; no DOM.

const SEVERITY_NAMES = {1: 'critical', 2: 'high', 3: 'medium', 4: 'low'};

export function severityName(severity) {
  return SEVERITY_NAMES[severity] ?? `severity ${severity ?? '?'}`;
}

// Enterprise ATT&CK tactics: mamori names them by id (correlate/correlation_rule_parser.cpp).
const TACTICS = {
  TA0043: 'Reconnaissance', TA0042: 'Resource Development', TA0001: 'Initial Access',
  TA0002: 'Execution', TA0003: 'Persistence', TA0004: 'Privilege Escalation',
  TA0005: 'Defense Evasion', TA0006: 'Credential Access', TA0007: 'Discovery',
  TA0008: 'Lateral Movement', TA0009: 'Collection', TA0010: 'Exfiltration',
  TA0011: 'Command and Control', TA0040: 'Impact',
};

export function tacticName(id) {
  return Object.hasOwn(TACTICS, id) ? TACTICS[id] : String(id);
}

export function tacticLabel(id) {
  return Object.hasOwn(TACTICS, id) ? `${id} ${TACTICS[id]}` : String(id);
}

const EVE_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?([+-]\d{4}|Z)?$/;

// EVE times are UTC ("2026-03-02T09:03:10.123456+0000"); they are shown as written, not in
// the browser's zone, so that they read the same as the EVE files and `mamori tail`.
export function shortTime(ts) {
  const m = typeof ts === 'string' ? EVE_TIME.exec(ts) : null;
  return m ? `${m[1]} ${m[2]}${zone(m[4])}` : text(ts);
}

// "03-02 09:03:10" (with ms: "03-02 09:03:10.123") for narrow table columns; the whole time
// goes in the cell's tooltip.
export function dayTime(ts, ms = false) {
  const m = typeof ts === 'string' ? EVE_TIME.exec(ts) : null;
  return m ? `${m[1].slice(5)} ${m[2]}${ms ? (m[3] ?? '').slice(0, 4) : ''}${zone(m[4])}` : text(ts);
}

export function preciseTime(ts) {
  const m = typeof ts === 'string' ? EVE_TIME.exec(ts) : null;
  return m ? `${m[1]} ${m[2]}${(m[3] ?? '').slice(0, 4)}${zone(m[4])}` : text(ts);
}

function zone(offset) {
  return !offset || offset === '+0000' || offset === 'Z' ? '' : ` ${offset}`;
}

const numberFormat = new Intl.NumberFormat('en', {maximumFractionDigits: 1});

export function number(value) {
  return typeof value === 'number' && Number.isFinite(value) ? numberFormat.format(value) : text(value);
}

// 900 -> "15m", 3600 -> "1h", 90 -> "1m 30s".
export function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return text(seconds);
  const units = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  const parts = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join(' ') : '0s';
}

// Any API value as text: strings as they are, numbers formatted, lists joined, nothing as "".
export function text(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(text).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function list(value) {
  return Array.isArray(value) ? value : value === null || value === undefined || value === '' ? [] : [value];
}

function hostPort(ip, port) {
  const host = String(ip ?? '?');
  if (port === undefined || port === null) return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// "10.0.0.1:51234 → 192.0.2.8:443" for an EVE record.
export function endpoints(record) {
  return `${hostPort(record.src_ip, record.src_port)} → ${hostPort(record.dest_ip, record.dest_port)}`;
}

// The name an EVE record's application talks to: the HTTP host, the TLS SNI, the DNS query
// name. Alerts carry these when the server adds the flow's app record to them.
export function appName(record) {
  const http = record.http, tls = record.tls, dns = record.dns;
  if (http && typeof http === 'object' && http.hostname) return String(http.hostname);
  if (tls && typeof tls === 'object' && tls.sni) return String(tls.sni);
  if (dns && typeof dns === 'object') {
    const name = dns.query?.[0]?.rrname ?? dns.queries?.[0]?.rrname ?? dns.rrname;
    if (name !== undefined && name !== null) return String(name);
  }
  return '';
}

// appName, and for HTTP the method and URL too: "GET intranet.example /login".
export function appDetail(record) {
  const http = record.http;
  if (http && typeof http === 'object' && (http.hostname || http.url)) {
    return [http.http_method, http.hostname, http.url].filter(Boolean).map(String).join(' ');
  }
  return appName(record);
}

// The correlation rule's condition as a reader says it: "count ≥ 5", "distinct dest_port ≥ 20".
export function condition(rule) {
  const cond = rule?.condition;
  if (cond === undefined || cond === null || cond === '') return '';
  if (typeof cond !== 'object') return String(cond);
  const field = rule.field ?? cond.field;
  const subject = rule.type === 'value_count' && field ? `distinct ${field}` : 'count';
  const ops = {gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '='};
  const parts = [];
  for (const [key, value] of Object.entries(cond)) {
    if (key === 'field') continue;
    if (Object.hasOwn(ops, key)) parts.push(`${subject} ${ops[key]} ${text(value)}`);
    else if (key === 'range') parts.push(`${subject} in ${text(value)}`);
    else parts.push(`${key} ${text(value)}`);
  }
  return parts.join(' and ');
}
