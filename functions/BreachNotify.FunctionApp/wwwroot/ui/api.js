// The API client. The key lives in sessionStorage only (gone when the tab closes; never localStorage, never a cookie,
// so no other site can make the browser send it) and goes out as the X-Api-Key header on every call.
const KEY = 'breachnotify.apiKey';
const FUNCTIONS_KEY = 'breachnotify.functionsKey';

/** /api/ relative to the dashboard (/api/ui/), so a path prefix in front of the Functions host still works. */
export const apiBase = new URL('../', new URL('.', document.baseURI)).href;

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  get functionsKey() { return sessionStorage.getItem(FUNCTIONS_KEY); },
  save(key, functionsKey) {
    sessionStorage.setItem(KEY, key);
    if (functionsKey) sessionStorage.setItem(FUNCTIONS_KEY, functionsKey); else sessionStorage.removeItem(FUNCTIONS_KEY);
  },
  clear() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(FUNCTIONS_KEY); },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/**
 * Calls the API. Returns { status, data, headers }; throws ApiError with the problem details for 4xx/5xx
 * (a 401 also logs out). Options: method, json (body), body + contentType, headers, key (override), accept.
 */
export async function api(path, options = {}) {
  const headers = new Headers(options.headers ?? {});
  const key = options.key ?? session.key;
  if (key) headers.set('X-Api-Key', key);
  const fkey = options.functionsKey ?? session.functionsKey;
  if (fkey) headers.set('x-functions-key', fkey);
  headers.set('Accept', options.accept ?? 'application/json, application/problem+json');
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers.set('Content-Type', options.contentType ?? 'application/json');
  } else if (options.contentType) headers.set('Content-Type', options.contentType);
  const res = await fetch(apiBase + path.replace(/^\//, ''), {
    method: options.method ?? 'GET', headers, body, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
  });
  const type = res.headers.get('Content-Type') ?? '';
  let data = null;
  if (options.blob && res.ok) data = await res.blob();
  else if (type.includes('json')) data = await res.json().catch(() => null);
  else data = await res.text();
  if (!res.ok) {
    if (res.status === 401 && !options.key) onUnauthorized();
    throw new ApiError(res.status, typeof data === 'object' && data ? data : { title: res.statusText, detail: typeof data === 'string' ? data.slice(0, 300) : undefined });
  }
  return { status: res.status, data, headers: res.headers };
}

/**
 * Calls an endpoint that may not exist on this server yet. Resolves to { available: false } when it answers 404
 * (the panel then says "not available"); every other failure is thrown.
 */
export async function optional(path, options) {
  try {
    return { available: true, ...(await api(path, options)) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { available: false, problem: e.problem };
    throw e;
  }
}

export const newIdempotencyKey = () => crypto.randomUUID();
