// An instance drawn on its own process version: completed, active and overdue elements marked,
// call activities linked to their child instances' diagrams.
import { api, apiJson, escapeHtml, NotLoggedIn } from './auth.js';
import { indonesian } from './bpmn-id.js';

const STATUS = { running: 'berjalan', completed: 'selesai', cancelled: 'dibatalkan', error: 'galat' };

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
  $('#title').textContent = `${state.key} v${state.version} · instans ${state.instance_id}`;
  document.title = `Instans ${state.instance_id} · diagram`;
  $('#parent').innerHTML = state.parent
    ? `<a href="${state.parent.diagram_url}">↑ instans induk ${state.parent.instance_id}</a>`
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
    `${STATUS[state.status] || state.status}${who ? ` · ${who}` : ''} · ${state.completed.length} selesai, ` +
      `${state.active.length} aktif, ${state.overdue.length} terlambat${state.error ? ` · galat: ${state.error}` : ''}`,
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
        <span class="count">${children.length} instans ▾</span>
        <div class="list">${children
          .map(
            (c) => `<a href="${c.diagram_url}" title="${escapeHtml(c.key)}">${escapeHtml(c.subject || c.key)}
              #${c.instance_id} · ${escapeHtml(STATUS[c.status] || c.status)}</a>`,
          )
          .join('')}</div></div>`,
    });
  }
}

async function guarded(fn) {
  try {
    await fn();
  } catch (error) {
    if (error instanceof NotLoggedIn) {
      return; // on the way to the login page
    }
    if (error.status === 403) {
      status('Anda tidak berhak melihat instans ini. Masuk sebagai staf LSP atau administrator.', 'error');
    } else {
      status(error.message, 'error');
    }
  }
}

async function init() {
  if (!window.BpmnJS) {
    status('bpmn-js belum terpasang di server: jalankan `make setup` (menjalankan npm ci).', 'error');
    return;
  }
  // What bpmn-js writes on the diagram (a collapsed subprocess's "Buka …" button) in Indonesian.
  viewer = new window.BpmnJS({ container: '#canvas', additionalModules: [(await indonesian()).module] });
  window.ujikomViewer = viewer; // for tests and the browser console
  $('#refresh').addEventListener('click', () => guarded(load));
  guarded(load);
}

init().catch((error) => status(error.message, 'error'));
