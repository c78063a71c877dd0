// The pages' session: the browser holds it as an HttpOnly cookie (api/ui/sesi.py), so no token lives in
// JavaScript. Calls to the API send the cookie; an unsafe one also sends the session's CSRF token, which the
// page carries in <body data-csrf>. Without a session the browser goes to the login page and back.

export class NotLoggedIn extends Error {}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function toLogin() {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(here)}`);
}

/** fetch() with the session; a 401 (the session ended) sends the browser to the login page. */
export async function api(path, options = {}) {
  const method = (options.method || 'GET').toUpperCase();
  const headers = { ...(options.headers || {}) };
  if (!SAFE.has(method)) {
    headers['X-CSRF-Token'] = document.body.dataset.csrf || '';
  }
  const response = await fetch(path, { ...options, headers, credentials: 'same-origin' });
  if (response.status === 401) {
    toLogin();
    throw new NotLoggedIn('Sesi Anda telah berakhir: silakan masuk lagi.');
  }
  return response;
}

// What a refusal says to the person: the API's Indonesian `errors[].message`, else its status in words. The
// English `detail` is for integrators and the console, never the page.
const PESAN_STATUS = {
  403: 'Anda tidak berhak melakukan ini.',
  404: 'Yang dicari tidak ada.',
  409: 'Data ini baru saja berubah; muat ulang lalu coba lagi.',
  413: 'Berkas terlalu besar.',
  422: 'Permintaan ditolak.',
  503: 'Server sedang sibuk; tidak ada yang tersimpan, coba lagi sebentar lagi.',
};

export function pesanGalat(status, body) {
  const said = ((body && body.errors) || []).map((e) => e && e.message).filter(Boolean);
  return said.length ? said.join('; ') : PESAN_STATUS[status] || `Permintaan gagal (${status}).`;
}

export async function apiJson(path, options = {}) {
  const response = await api(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(pesanGalat(response.status, body));
    error.status = response.status;
    error.detail = body.detail || `${path}: ${response.status}`;
    throw error;
  }
  return body;
}

export async function me() {
  return apiJson('/api/me');
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
