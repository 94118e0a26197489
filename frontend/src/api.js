// Requests to the service (same origin only), with the read token when one is needed.
const KEY = 'graphsvc-token';
let askToken = null; // set by main: () => Promise<void> that stores a token

export function onTokenNeeded(fn) { askToken = fn; }
export function token() { return sessionStorage.getItem(KEY); }
export function setToken(v) { sessionStorage.setItem(KEY, v); }
export function clearToken() { sessionStorage.removeItem(KEY); }

export class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function get(path, params = {}, asBlob = false) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const headers = {};
    const tok = token();
    if (tok) headers.Authorization = `Bearer ${tok}`;
    const r = await fetch(path + query(params), { headers });
    if (r.status === 401 && askToken) {
      if (tok) clearToken();
      await askToken(Boolean(tok));
      continue;
    }
    if (r.status === 503) { await new Promise((ok) => setTimeout(ok, 1000)); continue; }
    if (!r.ok) {
      let detail = r.statusText;
      try { detail = (await r.json()).detail || detail; } catch (e) { /* not json */ }
      throw new ApiError(r.status, detail);
    }
    return asBlob ? r.blob() : r.json();
  }
  throw new ApiError(0, 'the service did not answer');
}
