// Log in with the API's OAuth2 password flow and keep the bearer token for this browser tab.

const KEY = 'ujikom.token';

export class NotLoggedIn extends Error {}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function logout() {
  sessionStorage.removeItem(KEY);
}

// Log out on the server too: every token of the user is revoked (POST /api/auth/logout), then forgotten here.
export async function endSession() {
  const current = token();
  logout();
  if (current) {
    await fetch('/api/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${current}` } }).catch(() => {});
  }
}

export async function login(username, password) {
  const response = await fetch('/api/auth/token', {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.detail || `login failed (${response.status})`);
  }
  sessionStorage.setItem(KEY, body.access_token);
  return me();
}

/** fetch() with the bearer token; a 401 forgets the token and throws NotLoggedIn. */
export async function api(path, options = {}) {
  if (!token()) {
    throw new NotLoggedIn('not logged in');
  }
  const headers = { ...(options.headers || {}), Authorization: `Bearer ${token()}` };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    logout();
    throw new NotLoggedIn((await response.json().catch(() => ({}))).detail || 'log in again');
  }
  return response;
}

export async function apiJson(path, options = {}) {
  const response = await api(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.detail || `${path}: ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

export async function me() {
  return apiJson('/api/me');
}

/** Wire a <form> with username/password inputs; calls onLogin(user) after a successful login. */
export function loginForm(form, onLogin) {
  const message = form.querySelector('.message');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      const user = await login(form.username.value, form.password.value);
      form.password.value = '';
      onLogin(user);
    } catch (error) {
      message.textContent = error.message;
    }
  });
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
