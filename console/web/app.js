// The console's entry point: the session (sign in, sign out, who is signed in), the hash
// router that shows one view at a time, the live feed's life, and the keyboard: `/` focuses
// the view's search, Escape closes the flow panel or leaves an incident for the queue.

import {api, setCsrf, onSessionLost} from './api.js';
import {$} from './dom.js';
import {notify, clearNotice, initNotice} from './notice.js';
import * as live from './live.js';
import * as incidents from './incidents.js';
import * as incident from './incident.js';
import * as alerts from './alerts.js';
import * as sensors from './sensors.js';
import * as rules from './rules.js';

const VIEWS = {incidents, incident, alerts, sensors, rules};
const TITLES = {signin: 'Sign in', incidents: 'Incidents', incident: 'Incident', alerts: 'Alerts', sensors: 'Sensors', rules: 'Rules'};
const SEARCH = {incidents: 'filter-q', alerts: 'alert-filter-q'};

let session = null;  // {user, role}; the CSRF token lives in api.js
let shown = null;  // the view on screen
let wanted = '#/incidents';  // where to go after signing in

function parseRoute(hash) {
  let parts;
  try {
    parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
  const [name, ...rest] = parts;
  if (['signin', 'incidents', 'alerts', 'sensors', 'rules'].includes(name) && rest.length === 0) return {view: name};
  if (name === 'incident' && rest.length === 2 && rest[0] && rest[1]) return {view: 'incident', sensor: rest[0], id: rest[1]};
  if (name === 'flow' && rest.length === 2 && rest[0] && rest[1]) return {view: 'alerts', flow: {sensor: rest[0], id: rest[1]}};
  return null;
}

function navigate() {
  const route = parseRoute(location.hash);
  if (!session) {
    if (route?.view !== 'signin') {
      if (route) wanted = location.hash;
      location.replace('#/signin');
      return;
    }
  } else if (!route || route.view === 'signin') {
    location.replace('#/incidents');
    return;
  }
  show(route);
}

function show(route) {
  const previous = shown;
  const leavingKey = previous === 'incident' ? incident.currentKey() : null;
  if (previous && previous !== route.view) VIEWS[previous]?.leave();
  if (previous) clearNotice();  // a notice from signing out (shown is null then) stays in sight
  for (const section of document.querySelectorAll('main > .view')) section.hidden = section.id !== `view-${route.view}`;
  const navView = route.view === 'incident' ? 'incidents' : route.view;
  for (const link of document.querySelectorAll('#nav a[data-view]')) {
    if (link.dataset.view === navView) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[route.view]} · mamori`;
  // A view opens at its top; back on the queue, the focus on the incident left brings it into sight.
  if (previous !== route.view || route.view === 'incident') window.scrollTo(0, 0);
  shown = route.view;
  VIEWS[route.view]?.enter(route);
  if (previous !== route.view || route.view === 'incident') focusView(route.view, leavingKey);
}

// Keyboard users land on the view's heading, or back on the incident they just left.
function focusView(view, leavingKey) {
  if (view === 'incidents' && leavingKey) {
    const link = document.querySelector(`#incident-table tr[data-key="${CSS.escape(leavingKey)}"] td[data-col="title"] a`);
    if (link) {
      link.focus();
      return;
    }
  }
  if (view === 'signin') {
    $('signin-user').focus();
    return;
  }
  document.querySelector(`#view-${view} h1`)?.focus();
}

function signedIn(answer) {
  session = {user: String(answer.user), role: String(answer.role ?? '')};
  setCsrf(answer.csrf);
  $('whoami').textContent = `${session.user} (${session.role})`;
  $('whoami').hidden = false;
  $('signout').hidden = false;
  $('nav').hidden = false;
  document.body.dataset.role = session.role;
  incident.setRole(session.role);
  live.start();
}

function signedOut() {
  session = null;
  setCsrf(null);
  live.stop();
  for (const view of Object.values(VIEWS)) view.reset();
  if (shown && VIEWS[shown]) VIEWS[shown].leave();
  shown = null;
  $('whoami').hidden = true;
  $('whoami').textContent = '';
  $('signout').hidden = true;
  $('nav').hidden = true;
  delete document.body.dataset.role;
}

async function signIn(event) {
  event.preventDefault();
  const user = $('signin-user').value.trim();
  const password = $('signin-password').value;
  const error = $('signin-error');
  if (!user || !password) {
    error.textContent = 'Enter your user name and password.';
    return;
  }
  error.textContent = '';
  $('signin-submit').disabled = true;
  try {
    const answer = await api('POST', '/api/session', {user, password});
    $('signin-password').value = '';
    signedIn(answer);
    const target = wanted;
    wanted = '#/incidents';
    location.hash = target;
  } catch (failure) {
    if (failure.status === 429) error.textContent = 'Too many attempts, wait a minute before trying again.';
    else if (failure.status === 401) error.textContent = 'Wrong user or password.';
    else error.textContent = `Signing in failed: ${failure.message}`;
    $('signin-password').select();
  } finally {
    $('signin-submit').disabled = false;
  }
}

async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } catch (error) {
    // Signed out here whatever the server answered; a session it still holds expires there.
    if (error.status !== 401) notify(`The server did not end the session: ${error.message}`);
  }
  signedOut();
  $('signin-user').value = '';
  wanted = '#/incidents';
  location.hash = '#/signin';
}

// A request or the live feed found the session gone (expired, or signed out elsewhere).
function sessionLost() {
  if (!session) return;
  signedOut();
  wanted = location.hash;
  location.replace('#/signin');
  notify('Your session ended: sign in again.');
}

// The live feed was refused: sign in again if the session is gone, else try it again soon.
async function liveClosed() {
  try {
    const answer = await api('GET', '/api/session');
    if (answer?.user) setTimeout(() => { if (session) live.start(); }, 3000);
    else sessionLost();
  } catch (error) {
    if (error.status === 401) sessionLost();
    else setTimeout(() => { if (session) liveClosed(); }, 5000);
  }
}

function editing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey || !session) return;
  if (event.key === '/' && !editing(event.target) && SEARCH[shown]) {
    event.preventDefault();
    $(SEARCH[shown]).focus();
    $(SEARCH[shown]).select();
  } else if (event.key === 'Escape') {
    if (shown === 'alerts' && alerts.flowOpen()) {
      event.preventDefault();
      alerts.closeFlow();
    } else if (shown === 'incident') {
      if (editing(event.target)) {
        event.target.blur();  // first Escape leaves the field, keeping what was typed
      } else {
        event.preventDefault();
        location.hash = '#/incidents';
      }
    }
  }
}

async function start() {
  initNotice();
  for (const view of Object.values(VIEWS)) view.init();
  onSessionLost(sessionLost);
  live.onClosed(liveClosed);
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  $('skip').addEventListener('click', () => {
    const heading = document.querySelector('main > .view:not([hidden]) h1');
    (heading ?? $('main')).focus();
  });
  document.addEventListener('keydown', onKey);
  try {
    const answer = await api('GET', '/api/session');
    if (answer?.user) signedIn(answer);
  } catch (error) {
    if (error.status !== 401) notify(`The console server could not be reached: ${error.message}`);
  }
  window.addEventListener('hashchange', navigate);
  navigate();
}

start();
