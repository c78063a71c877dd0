// An instance drawn on its own process version: completed, active and overdue elements marked,
// call activities linked to their child instances' diagrams.
import { api, apiJson, escapeHtml, loginForm, NotLoggedIn, token } from './auth.js';

const $ = (selector) => document.querySelector(selector);
const instanceId = Number(window.location.pathname.split('/').filter(Boolean)[1]);
let viewer;
let shownXml = null;

function status(text, level = 'info') {
  $('#status').textContent = text;
  $('#status').className = `status ${level}`;
}

async function load() {
  const state = await apiJson(`/api/instances/${instanceId}/diagram-state`);
  $('#title').textContent = `${state.key} v${state.version} · instance ${state.instance_id}`;
  document.title = `ujikom · instance ${state.instance_id}`;
  $('#parent').innerHTML = state.parent
    ? `<a href="${state.parent.diagram_url}">↑ parent instance ${state.parent.instance_id}</a>`
    : '';
  const xml = await (await api(state.bpmn_url)).text();
  if (xml !== shownXml) {
    await viewer.importXML(xml);
    viewer.get('canvas').zoom('fit-viewport');
    shownXml = xml;
  }
  mark(state);
  const who = [state.business_key, state.subject].filter(Boolean).join(' · ');
  status(
    `${state.status}${who ? ` · ${who}` : ''} · ${state.completed.length} completed, ${state.active.length} active, ` +
      `${state.overdue.length} overdue${state.error ? ` · error: ${state.error}` : ''}`,
    state.overdue.length || state.error ? 'warning' : 'info',
  );
  window.ujikomDiagramState = state; // for tests and the browser console
}

function mark(state) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  overlays.remove({ type: 'ujikom-children' });
  for (const element of registry.getAll()) {
    for (const marker of ['ujikom-completed', 'ujikom-active', 'ujikom-overdue']) {
      canvas.removeMarker(element, marker);
    }
  }
  for (const [list, marker] of [
    [state.completed, 'ujikom-completed'],
    [state.active, 'ujikom-active'],
    [state.overdue, 'ujikom-overdue'],
  ]) {
    for (const id of list) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    }
  }
  const byElement = {};
  for (const child of state.children) {
    if (child.element_id && registry.get(child.element_id)) {
      (byElement[child.element_id] ||= []).push(child);
    }
  }
  for (const [elementId, children] of Object.entries(byElement)) {
    overlays.add(elementId, 'ujikom-children', {
      position: { bottom: -4, left: 0 },
      scale: { min: 1 },
      html: `<div class="children" data-element-id="${escapeHtml(elementId)}">
        <span class="count">${children.length} ${children.length === 1 ? 'instance' : 'instances'} ▾</span>
        <div class="list">${children
          .map(
            (c) => `<a href="${c.diagram_url}" title="${escapeHtml(c.key)}">${escapeHtml(c.subject || c.key)}
              #${c.instance_id} · ${escapeHtml(c.status)}</a>`,
          )
          .join('')}</div></div>`,
    });
  }
}

async function guarded(fn) {
  try {
    await fn();
  } catch (error) {
    if (error instanceof NotLoggedIn || error.status === 403) {
      // Not logged in, or as someone who may not read instances: log in as someone who may.
      $('#login').hidden = false;
      $('#login .message').textContent = error.message;
    } else {
      status(error.message, 'error');
    }
  }
}

function init() {
  if (!window.BpmnJS) {
    status('bpmn-js is not installed on the server: run `make setup` (it runs npm ci).', 'error');
    return;
  }
  viewer = new window.BpmnJS({ container: '#canvas' });
  loginForm($('#login'), (user) => {
    $('#login').hidden = true;
    $('#who').textContent = user.username;
    guarded(load);
  });
  $('#refresh').addEventListener('click', () => guarded(load));
  if (!token()) {
    $('#login').hidden = false;
    return;
  }
  guarded(load);
}

init();
