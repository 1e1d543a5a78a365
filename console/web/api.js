// Calls the console's JSON API (docs/console-api.md): same-origin requests with the session
// cookie, the session's CSRF token on every POST and DELETE, JSON both ways. A failure is an
// ApiError with the server's {"error"} text; a 401 outside sign-in means the session ended,
// which the app is told about once per request.

let csrf = null;
let sessionLost = () => {};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setCsrf(token) {
  csrf = typeof token === 'string' ? token : null;
}

export function onSessionLost(handler) {
  sessionLost = handler;
}

export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if ((method === 'POST' || method === 'DELETE') && csrf) headers['X-CSRF-Token'] = csrf;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'the console server cannot be reached');
  }
  let data = null;
  if ((response.headers.get('Content-Type') ?? '').includes('json')) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const reason = data && typeof data.error === 'string' && data.error ? data.error : response.statusText;
    const error = new ApiError(response.status, `${reason || 'error'} (${response.status})`);
    if (response.status === 401 && path !== '/api/session') sessionLost();
    throw error;
  }
  return data;
}

// "?a=1&b=x" from the parameters that have a value.
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== '' && value !== undefined && value !== null) search.set(name, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

// The path of an API resource named by parts, each encoded: apiPath('incidents', s, id).
export function apiPath(...parts) {
  return '/api/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}
