// The live feed: one EventSource on /api/events while signed in. Each event's JSON goes to the
// handlers registered for its type and is not kept. After the stream broke and came back,
// handlers get a `resync` (events were missed). A stream that broke is reported to the app,
// which checks the session and starts it again or signs out.

import {$} from './dom.js';

const TYPES = ['incident', 'alert', 'skipped', 'action', 'sensors', 'resync'];
const handlers = new Map(TYPES.map((t) => [t, new Set()]));
let source = null;
let broken = false;
let closedHandler = () => {};

export function on(type, handler) {
  handlers.get(type).add(handler);
}

export function onClosed(handler) {
  closedHandler = handler;
}

function dispatch(type, data) {
  for (const handler of handlers.get(type)) {
    try {
      handler(data);
    } catch (error) {
      // One view's bug must not stop the others' updates; it is still reported.
      setTimeout(() => { throw error; });
    }
  }
}

function status(text, kind) {
  const node = $('live-status');
  node.textContent = text;
  node.className = `live live-${kind}`;
  node.hidden = false;
}

export function start() {
  if (source) return;
  source = new EventSource('/api/events');
  status('connecting', 'down');
  for (const type of TYPES) {
    source.addEventListener(type, (event) => {
      let data = null;
      if (event.data) {
        try {
          data = JSON.parse(event.data);
        } catch {
          return;  // not JSON: nothing a view could show
        }
      }
      dispatch(type, data);
    });
  }
  source.addEventListener('open', () => {
    status('live', 'up');
    if (broken) dispatch('resync', null);
    broken = false;
  });
  source.addEventListener('error', () => {
    // The browser would reconnect by itself, also when the session is gone (a restarted
    // console forgets sessions), and a refused stream is an error in the browser's console.
    // So the stream is closed, and the app checks the session before starting it again.
    broken = true;
    stop();
    status('reconnecting', 'down');
    closedHandler();
  });
}

export function stop() {
  if (source) source.close();
  source = null;
  $('live-status').hidden = true;
}
