// The BPMN modeller: open a deployed process with its linked SOPs, edit it (diagram, spiffworkflow
// properties, XML), validate and deploy it, and see every error on the element at fault.
import { api, apiJson, escapeHtml, me, NotLoggedIn, pesanGalat } from './auth.js';
import { indonesian, translatePopups } from './bpmn-id.js';
import { restoreUnresolvedReferences } from './moddle-refs.js';

const $ = (selector) => document.querySelector(selector);
const TASK_TYPES = ['bpmn:Task', 'bpmn:CallActivity', 'bpmn:SubProcess', 'bpmn:Event', 'bpmn:Gateway'];
// What a BPMN element is called in Indonesian on the properties panel (else its type, spaced).
const JENIS = {
  UserTask: 'Tugas pengguna',
  ServiceTask: 'Tugas layanan',
  ScriptTask: 'Tugas skrip',
  ManualTask: 'Tugas manual',
  SendTask: 'Tugas kirim',
  ReceiveTask: 'Tugas terima',
  BusinessRuleTask: 'Tugas aturan bisnis',
  Task: 'Tugas',
  CallActivity: 'Aktivitas panggilan',
  SubProcess: 'Subproses',
  AdHocSubProcess: 'Subproses ad hoc',
  Transaction: 'Transaksi',
  SequenceFlow: 'Alur urutan',
  MessageFlow: 'Alur pesan',
  Association: 'Asosiasi',
  DataInputAssociation: 'Asosiasi masukan data',
  DataOutputAssociation: 'Asosiasi keluaran data',
  ExclusiveGateway: 'Gerbang eksklusif',
  ParallelGateway: 'Gerbang paralel',
  InclusiveGateway: 'Gerbang inklusif',
  ComplexGateway: 'Gerbang kompleks',
  EventBasedGateway: 'Gerbang berbasis peristiwa',
  StartEvent: 'Peristiwa mulai',
  EndEvent: 'Peristiwa akhir',
  IntermediateCatchEvent: 'Peristiwa antara (menunggu)',
  IntermediateThrowEvent: 'Peristiwa antara (memicu)',
  BoundaryEvent: 'Peristiwa batas',
  Lane: 'Lajur',
  Participant: 'Kolam/partisipan',
  Collaboration: 'Kolaborasi',
  Process: 'Proses',
  DataObjectReference: 'Objek data',
  DataStoreReference: 'Penyimpanan data',
  TextAnnotation: 'Anotasi teks',
  Group: 'Grup',
};
const TINGKAT = { error: 'galat', warning: 'peringatan' };

const state = {
  user: null,
  models: [],
  key: null,
  version: null,
  files: [], // {name, url, deployment_id, processes, main, xml, dirty}
  current: -1,
  view: 'diagram', // or 'xml'
  problems: [], // {file, element_id, line, message, level}
  marked: [],
  importing: false,
  forms: {}, // form file name -> {content, original, dirty}: edited beside the BPMN, deployed with it
  editing: null, // the form file open in the form editor
};
const FORM_PROPERTY = 'formJsonSchemaFilename';
let modeler;

function canDeploy() {
  return Boolean(state.user && (state.user.roles.includes('desainer') || state.user.roles.includes('admin')));
}

/** 11 Juni 2026, 14.30 WIB */
function waktu(iso) {
  const d = new Date(iso);
  const tanggal = d.toLocaleDateString('id-ID', { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'long', year: 'numeric' });
  const jam = d.toLocaleTimeString('id-ID', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit' });
  return `${tanggal}, ${jam} WIB`;
}

function currentFile() {
  return state.files[state.current];
}

function status(text, level = 'info') {
  const el = $('#status');
  el.textContent = text;
  el.className = `status ${level}`;
}

// --- log in -------------------------------------------------------------------------------

async function onLogin(user) {
  state.user = user;
  $('#deploy').disabled = !canDeploy();
  $('#validate').disabled = !canDeploy();
  if (!canDeploy()) {
    status('Anda dapat melihat proses; hanya perancang proses dan administrator yang dapat memeriksa dan menerapkannya.', 'warning');
  }
  await Promise.all([loadKnownProperties(), loadModels()]);
}

// The property names the service reads come from the service itself (api/engine/bpmn.py `Prop`);
// any other name may still be typed in (deploy lint warns on it).
async function loadKnownProperties() {
  const known = await apiJson('/api/process-properties');
  $('#known-properties').innerHTML = known
    .map((p) => `<option value="${escapeHtml(p.name)}" label="${escapeHtml(p.description)}">`)
    .join('');
}

async function guarded(fn) {
  try {
    await fn();
  } catch (error) {
    if (error instanceof NotLoggedIn) {
      status(error.message, 'warning'); // on the way to the login page
    } else {
      status(error.message, 'error');
      console.error(error);
    }
  }
}

// --- processes, versions, files ---------------------------------------------------------------

async function loadModels() {
  state.models = await apiJson('/api/process-models');
  const select = $('#process');
  const chosen = select.value || state.key || 'uji_kompetensi';
  select.innerHTML = state.models
    .map((m) => `<option value="${escapeHtml(m.key)}">${escapeHtml(m.name)} (${escapeHtml(m.key)}, v${m.version})</option>`)
    .join('');
  if (state.models.some((m) => m.key === chosen)) {
    select.value = chosen;
  }
}

async function openLatest() {
  const model = state.models.find((m) => m.key === $('#process').value);
  if (model) {
    await openVersion(model.key, model.version);
  }
}

async function openVersion(key, version) {
  if (state.files.some((f) => f.dirty) && !window.confirm('Buang perubahan yang belum diterapkan?')) {
    return;
  }
  const files = await apiJson(`/api/process-definitions/${encodeURIComponent(key)}/versions/${version}/files`);
  const loaded = [];
  for (const f of files) {
    const response = await api(f.url);
    loaded.push({ ...f, xml: await response.text(), dirty: false });
  }
  state.key = key;
  state.version = version;
  state.files = loaded;
  state.current = -1;
  state.problems = [];
  renderProblems();
  await showFile(0);
  status(`Dibuka: ${key} v${version}: ${loaded.map((f) => f.name).join(', ')}`);
  await loadVersions();
}

async function loadVersions() {
  if (!state.key) {
    return;
  }
  const versions = await apiJson(`/api/process-definitions/${encodeURIComponent(state.key)}/versions`);
  $('#versions-title').textContent = `Versi ${state.key}`;
  $('#versions').innerHTML = versions
    .map(
      (v) => `<li data-version="${v.version}" class="${v.version === state.version ? 'open' : ''}">
        <b>v${v.version}</b> <span class="muted">${escapeHtml(waktu(v.created_at))}
        oleh ${escapeHtml(v.created_by)}, penerapan ${v.deployment_id}</span>
        <button type="button" class="open-version">Buka</button>
        ${v.version > 1 ? '<button type="button" class="diff-version">Perubahan</button>' : ''}
      </li>`,
    )
    .join('');
}

async function showDiff(version) {
  const d = await apiJson(`/api/process-definitions/${encodeURIComponent(state.key)}/versions/${version}/diff`);
  const item = (e) => `<li><b>${escapeHtml(e.name || e.id)}</b> <span class="muted">${escapeHtml(e.type)} ${escapeHtml(e.id)}${e.lane ? ` di lajur ${escapeHtml(e.lane)}` : ''}</span>`;
  const section = (title, list, render) =>
    list.length ? `<h4>${title} (${list.length})</h4><ul>${list.map(render).join('')}</ul>` : '';
  const changed = (e) =>
    `${item(e)}<ul>${e.changes
      .map((c) => `<li>${escapeHtml(c.field)}: <del>${escapeHtml(JSON.stringify(c.old))}</del> → <ins>${escapeHtml(JSON.stringify(c.new))}</ins></li>`)
      .join('')}</ul></li>`;
  const empty = !d.added.length && !d.removed.length && !d.changed.length && !d.forms_changed.length;
  $('#diff').innerHTML = `<h3>${escapeHtml(d.key)}: v${d.against} → v${d.version}</h3>
    ${empty ? '<p>Proses tidak berubah (hanya tata letaknya yang berbeda).</p>' : ''}
    ${section('Ditambahkan', d.added, (e) => `${item(e)}</li>`)}
    ${section('Dihapus', d.removed, (e) => `${item(e)}</li>`)}
    ${section('Diubah', d.changed, changed)}
    ${section('Formulir yang berubah', d.forms_changed, (name) => `<li>${escapeHtml(name)}</li>`)}`;
  $('#diff').hidden = false;
}

// --- files: tabs, diagram and XML views -------------------------------------------------------

async function stashCurrent() {
  const f = currentFile();
  if (!f) {
    return;
  }
  if (state.view === 'xml') {
    const text = $('#xml').value;
    if (text !== f.xml) {
      f.xml = text;
      f.dirty = true;
      renderTabs();
    }
  } else if (f.dirty) {
    f.xml = (await modeler.saveXML({ format: true })).xml;
  }
}

async function showFile(index) {
  await stashCurrent();
  state.current = index;
  await importCurrent();
}

async function importCurrent() {
  const f = currentFile();
  if (!f) {
    return;
  }
  $('#xml').value = f.xml;
  if (state.view === 'xml') {
    renderTabs();
    return;
  }
  state.importing = true;
  let warnings = [];
  try {
    const result = await modeler.importXML(f.xml);
    warnings = state.importWarnings.concat((result.warnings || []).filter((w) => !/^unresolved reference/.test(w.message)));
    modeler.get('canvas').zoom('fit-viewport');
  } catch (error) {
    // Keep the text as typed: show it for fixing instead of saving whatever the canvas still holds.
    toggleView('xml');
    status(`${f.name} tidak dapat digambar: ${error.message}. Perbaiki di tab XML.`, 'error');
  } finally {
    state.importing = false;
  }
  if (warnings.length) {
    status(`${f.name}: ${warnings.length} peringatan impor: ${warnings.map((w) => w.message).join('; ')}`, 'warning');
  }
  renderTabs();
  markProblems();
  renderPanel();
}

function toggleView(view) {
  state.view = view;
  // Show the canvas before drawing into it: bpmn-js cannot fit a diagram into a hidden element.
  $('#canvas').hidden = view !== 'diagram';
  $('#xml').hidden = view !== 'xml';
  $('#panel').hidden = view !== 'diagram';
}

async function setView(view) {
  if (view === state.view) {
    return;
  }
  await stashCurrent();
  toggleView(view);
  await importCurrent();
}

function stale(f) {
  return f.newest_deployment_id && f.newest_deployment_id > f.deployment_id;
}

function renderTabs() {
  $('#tabs').innerHTML =
    state.files
      .map(
        (f, i) => `<button type="button" class="tab ${i === state.current ? 'current' : ''}" data-file="${i}"
          title="${escapeHtml(f.processes.join(', '))}${stale(f) ? `: penerapan ${f.newest_deployment_id} memuat versi yang lebih baru dari berkas ini` : ''}"
          >${escapeHtml(f.name)}${stale(f) ? ' ⚠' : ''}${f.dirty ? ' *' : ''}</button>`,
      )
      .join('') +
    (state.files.length
      ? `<span class="spacer"></span>
         <button type="button" class="view ${state.view === 'diagram' ? 'current' : ''}" data-view="diagram">Diagram</button>
         <button type="button" class="view ${state.view === 'xml' ? 'current' : ''}" data-view="xml">XML</button>`
      : '');
}

// --- validate and deploy ---------------------------------------------------------------------------

async function changedFiles() {
  await stashCurrent();
  return state.files.filter((f) => f.dirty);
}

function upload(files) {
  const form = new FormData();
  for (const f of files) {
    form.append('files', new File([f.xml], f.name, { type: 'application/xml' }));
  }
  for (const [name, f] of Object.entries(state.forms)) {
    if (f.dirty) {
      form.append('files', new File([f.content], name, { type: 'application/json' }));
    }
  }
  return form;
}

function setProblems(errors = [], warnings = []) {
  const normal = (level) => (p) => ({
    file: p.file || '',
    element_id: p.element_id || null,
    line: p.line || null,
    message: p.message,
    level,
  });
  state.problems = errors.map(normal('error')).concat(warnings.map(normal('warning')));
  renderProblems();
  markProblems();
}

async function validate() {
  const files = await changedFiles();
  const chosen = files.length ? files : [currentFile()].filter(Boolean);
  const body = await apiJson('/api/deployments/validate', { method: 'POST', body: upload(chosen) });
  setProblems(body.errors, body.warnings);
  const names = chosen.map((f) => f.name).join(', ');
  if (body.errors.length) {
    status(`${names}: ${body.errors.length} galat, ${body.warnings.length} peringatan`, 'error');
  } else {
    status(`${names}: sah${body.warnings.length ? `, ${body.warnings.length} peringatan` : ''}`, 'ok');
  }
}

async function deploy() {
  const files = await changedFiles();
  if (!files.length) {
    status('Tidak ada yang diterapkan: belum ada berkas yang diubah.', 'warning');
    return;
  }
  const response = await api('/api/deployments', { method: 'POST', body: upload(files) });
  const body = await response.json().catch(() => ({}));
  if (response.status === 422) {
    setProblems(body.errors || [], []);
    status(`Penerapan ditolak: ${(body.errors || []).length} galat; tidak ada yang diterapkan.`, 'error');
    const first = state.problems.find((p) => p.element_id);
    if (first) {
      await goTo(first);
    }
    return;
  }
  if (!response.ok) {
    status(`Penerapan gagal: ${pesanGalat(response.status, body)}`, 'error');
    return;
  }
  if (response.status === 202) {
    // It changes where issuing operators (certificates, SKs) run: nothing is active until Ketua LSP approves.
    setProblems([], body.warnings || []);
    const what = (body.penerbitan || [])
      .map((p) => `${p.operator} ${p.perubahan} di ${p.proses} (${p.elemen})`)
      .join('; ');
    status(`Penerapan ${body.id} menunggu persetujuan Ketua LSP (${what}); belum ada yang berlaku sebelum disetujui.`, 'warning');
    return;
  }
  setProblems([], body.warnings || []);
  for (const f of Object.values(state.forms)) {
    f.original = f.content;
    f.dirty = false;
  }
  for (const f of files) {
    f.dirty = false;
    f.deployment_id = body.id;
    f.url = `/api/deployments/${body.id}/files/${encodeURIComponent(f.name)}`;
  }
  const versions = body.processes.map((p) => `${p.key} v${p.version}`).join(', ');
  const mine = body.processes.find((p) => p.key === state.key);
  if (mine) {
    state.version = mine.version;
  }
  for (const f of files) {
    f.newest_deployment_id = body.id;
  }
  // The engine runs a caller's call activities with the versions deployed no later than the caller:
  // a linked SOP deployed alone reaches new periods only once the calling process is deployed anew.
  const main = state.files.find((f) => f.main);
  const pinned = main && !files.includes(main) && response.status === 201
    ? ` Instans ${state.key} yang baru tetap memanggil versi yang diterapkan bersamanya sampai ${main.name} sendiri diubah dan diterapkan.`
    : '';
  status(
    (response.status === 201
      ? `Diterapkan sebagai penerapan ${body.id}: ${versions}.`
      : `Tidak berubah: sudah diterapkan sebagai penerapan ${body.id}: ${versions}.`) + pinned,
    pinned ? 'warning' : 'ok',
  );
  renderTabs();
  await loadModels();
  await loadVersions();
}

// --- problems on the canvas -------------------------------------------------------------------

function shapeFor(elementId) {
  const registry = modeler.get('elementRegistry');
  // A process-level problem is drawn on the participant (pool) that shows the process.
  return (
    registry.get(elementId) ||
    registry.filter((e) => e.businessObject && e.businessObject.processRef && e.businessObject.processRef.id === elementId)[0]
  );
}

function markProblems() {
  if (state.view !== 'diagram' || !currentFile()) {
    return;
  }
  const canvas = modeler.get('canvas');
  const overlays = modeler.get('overlays');
  overlays.remove({ type: 'ujikom-problem' });
  for (const id of state.marked) {
    if (modeler.get('elementRegistry').get(id)) {
      canvas.removeMarker(id, 'ujikom-error');
      canvas.removeMarker(id, 'ujikom-warning');
    }
  }
  state.marked = [];
  for (const p of state.problems) {
    if (p.file !== currentFile().name || !p.element_id) {
      continue;
    }
    const shape = shapeFor(p.element_id);
    if (!shape) {
      continue;
    }
    canvas.addMarker(shape, `ujikom-${p.level}`);
    state.marked.push(shape.id);
    overlays.add(shape, 'ujikom-problem', {
      position: { bottom: -6, left: 0 },
      scale: { min: 1 }, // readable however far the diagram is zoomed out
      html: `<div class="problem-note ${p.level}" data-element-id="${escapeHtml(p.element_id)}">${escapeHtml(p.message)}</div>`,
    });
  }
}

function renderProblems() {
  const list = $('#problems');
  list.innerHTML = state.problems
    .map(
      (p, i) => `<li class="${p.level}" data-problem="${i}"><a href="#">${TINGKAT[p.level] || p.level}: ${escapeHtml(p.file)}${p.line ? `:${p.line}` : ''}
        ${p.element_id ? `[${escapeHtml(p.element_id)}]` : ''}</a> ${escapeHtml(p.message)}</li>`,
    )
    .join('');
  list.hidden = !state.problems.length;
}

async function goTo(problem) {
  const index = state.files.findIndex((f) => f.name === problem.file);
  if (index >= 0 && index !== state.current) {
    await showFile(index);
  }
  if (state.view !== 'diagram') {
    await setView('diagram');
  }
  const shape = problem.element_id && shapeFor(problem.element_id);
  if (shape) {
    const canvas = modeler.get('canvas');
    if (canvas.zoom() < 0.8) {
      canvas.zoom(1); // the whole SOP fits only at a size too small to read the message
    }
    canvas.scrollToElement(shape);
    modeler.get('selection').select(shape);
  }
}

// --- properties panel ------------------------------------------------------------------------------

function selected() {
  const selection = modeler.get('selection').get();
  return selection.length === 1 ? selection[0] : null;
}

function extensionOf(element, type) {
  const extensions = element.businessObject.extensionElements;
  return extensions ? extensions.get('values').find((v) => v.$instanceOf(type)) : undefined;
}

/** The extension of `type` on the element, created (undoably) when missing. */
function ensureExtension(element, type) {
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  let extensions = element.businessObject.extensionElements;
  if (!extensions) {
    extensions = moddle.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = element.businessObject;
    modeling.updateProperties(element, { extensionElements: extensions });
  }
  let found = extensions.get('values').find((v) => v.$instanceOf(type));
  if (!found) {
    found = moddle.create(type);
    found.$parent = extensions;
    modeling.updateModdleProperties(element, extensions, { values: [...extensions.get('values'), found] });
  }
  return found;
}

function addChild(element, container, listName, type, attrs) {
  const child = modeler.get('moddle').create(type, attrs);
  child.$parent = container;
  modeler.get('modeling').updateModdleProperties(element, container, { [listName]: [...container.get(listName), child] });
}

function removeChild(element, container, listName, child) {
  modeler
    .get('modeling')
    .updateModdleProperties(element, container, { [listName]: container.get(listName).filter((c) => c !== child) });
}

function field(label, value, onChange, { multiline = false, list = '', placeholder = '' } = {}) {
  const wrapper = document.createElement('label');
  wrapper.className = 'field';
  wrapper.innerHTML = `<span>${escapeHtml(label)}</span>`;
  const input = document.createElement(multiline ? 'textarea' : 'input');
  input.value = value ?? '';
  input.name = label;
  input.placeholder = placeholder;
  if (list) {
    input.setAttribute('list', list);
  }
  input.addEventListener('change', () => guarded(async () => onChange(input.value)));
  wrapper.append(input);
  return wrapper;
}

function heading(text) {
  const h = document.createElement('h3');
  h.textContent = text;
  return h;
}

function button(text, onClick, className = '') {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.className = className;
  b.addEventListener('click', () => guarded(async () => onClick()));
  return b;
}

function laneOf(element) {
  const lanes = element.businessObject.get ? element.businessObject.get('lanes') : [];
  return lanes && lanes.length ? lanes.map((l) => l.name).join(' / ') : '';
}

function renderPanel() {
  const panel = $('#panel');
  panel.innerHTML = '';
  const element = selected();
  if (!element || !modeler) {
    panel.innerHTML = '<p class="muted">Pilih sebuah elemen untuk mengubah nama dan properti spiffworkflow-nya.</p>';
    return;
  }
  const bo = element.businessObject;
  const modeling = modeler.get('modeling');
  const type = bo.$type.replace('bpmn:', '');
  panel.append(heading(JENIS[type] || type.replace(/([a-z])([A-Z])/g, '$1 $2')));
  panel.append(
    field('id', bo.id, (value) => {
      try {
        modeling.updateProperties(element, { id: value });
      } catch (error) {
        status(`id ${value}: ${error.message}`, 'error');
        renderPanel();
      }
    }),
  );
  panel.append(field('nama', bo.name, (value) => modeling.updateLabel(element, value)));
  if (laneOf(element)) {
    const lane = document.createElement('p');
    lane.className = 'muted';
    lane.textContent = `Lajur: ${laneOf(element)}`;
    panel.append(lane);
  }
  if (bo.$instanceOf('bpmn:CallActivity')) {
    panel.append(field('proses yang dipanggil (calledElement)', bo.calledElement, (value) => modeling.updateProperties(element, { calledElement: value })));
  }
  if (bo.$instanceOf('bpmn:ScriptTask')) {
    panel.append(
      field('skrip (Python)', bo.script, (value) => modeling.updateProperties(element, { script: value, scriptFormat: 'python' }), {
        multiline: true,
      }),
    );
  }
  if (bo.$instanceOf('bpmn:SequenceFlow')) {
    const condition = bo.conditionExpression ? bo.conditionExpression.body : '';
    panel.append(
      field('syarat (Python)', condition, (value) =>
        modeling.updateProperties(element, {
          conditionExpression: value.trim()
            ? modeler.get('moddle').create('bpmn:FormalExpression', { body: value })
            : undefined,
        }),
      ),
    );
  }
  if (bo.$instanceOf('bpmn:ServiceTask')) {
    renderOperator(panel, element);
  }
  if (TASK_TYPES.some((t) => bo.$instanceOf(t))) {
    renderProperties(panel, element);
  }
}

function renderOperator(panel, element) {
  const modeling = modeler.get('modeling');
  panel.append(heading('Operator layanan'));
  const operator = extensionOf(element, 'spiffworkflow:ServiceTaskOperator');
  panel.append(
    field('id operator', operator && operator.id, (value) =>
      modeling.updateModdleProperties(element, ensureExtension(element, 'spiffworkflow:ServiceTaskOperator'), { id: value }),
    { placeholder: 'terbitkan_…' }),
  );
  panel.append(
    field('variabel hasil (resultVariable)', operator && operator.resultVariable, (value) =>
      modeling.updateModdleProperties(element, ensureExtension(element, 'spiffworkflow:ServiceTaskOperator'), {
        resultVariable: value || undefined,
      }),
    ),
  );
  const parameters = operator && operator.parameterList;
  const table = document.createElement('div');
  table.className = 'rows';
  for (const p of parameters ? parameters.get('parameters') : []) {
    const row = document.createElement('div');
    row.className = 'row';
    row.append(
      field('parameter', p.id, (value) => modeling.updateModdleProperties(element, p, { id: value })),
      field('jenis', p.type, (value) => modeling.updateModdleProperties(element, p, { type: value })),
      field('nilai (Python)', p.value, (value) => modeling.updateModdleProperties(element, p, { value })),
      button('✕', () => removeChild(element, parameters, 'parameters', p), 'remove'),
    );
    table.append(row);
  }
  panel.append(table);
  panel.append(
    button('Tambah parameter', () => {
      const op = ensureExtension(element, 'spiffworkflow:ServiceTaskOperator');
      let list = op.parameterList;
      if (!list) {
        list = modeler.get('moddle').create('spiffworkflow:Parameters');
        list.$parent = op;
        modeling.updateModdleProperties(element, op, { parameterList: list });
      }
      addChild(element, list, 'parameters', 'spiffworkflow:Parameter', { id: 'nama', type: 'any', value: 'nama' });
    }),
  );
}

function renderProperties(panel, element) {
  const modeling = modeler.get('modeling');
  panel.append(heading('Properti (spiffworkflow)'));
  const properties = extensionOf(element, 'spiffworkflow:Properties');
  const table = document.createElement('div');
  table.className = 'rows';
  for (const p of properties ? properties.get('properties') : []) {
    const row = document.createElement('div');
    row.className = 'row';
    row.append(
      field('properti', p.name, (value) => modeling.updateModdleProperties(element, p, { name: value }), {
        list: 'known-properties',
      }),
      field(p.name || 'nilai', p.value, (value) => modeling.updateModdleProperties(element, p, { value })),
      button('✕', () => removeChild(element, properties, 'properties', p), 'remove'),
    );
    table.append(row);
  }
  panel.append(table);
  const form = properties && properties.get('properties').find((p) => p.name === FORM_PROPERTY && p.value);
  if (form) {
    panel.append(heading('Formulir'));
    const edited = state.forms[form.value] && state.forms[form.value].dirty ? ' (diubah, belum diterapkan)' : '';
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = `${form.value}${edited}`;
    panel.append(note, button(`Ubah formulir`, () => openFormEditor(form.value), 'primary'));
  }
  const name = field('properti baru', '', () => {}, { list: 'known-properties', placeholder: 'formJsonSchemaFilename' });
  const value = field('nilai', '', () => {});
  panel.append(name, value);
  panel.append(
    button('Tambah properti', () => {
      const n = name.querySelector('input').value.trim();
      if (!n) {
        status('Beri nama propertinya dulu.', 'warning');
        return;
      }
      const container = ensureExtension(element, 'spiffworkflow:Properties');
      addChild(element, container, 'properties', 'spiffworkflow:Property', { name: n, value: value.querySelector('input').value });
    }),
  );
}

// --- the form editor: a task's JSON Schema beside the BPMN, previewed by the pages' own renderer ---------

let previewTimer = null;

async function openFormEditor(name) {
  if (!state.forms[name]) {
    const response = await api(
      `/api/process-definitions/${encodeURIComponent(state.key)}/versions/${state.version}/forms/${encodeURIComponent(name)}`,
    );
    const content = response.ok
      ? await response.text()
      : `${JSON.stringify({ title: 'Formulir baru', type: 'object', properties: {} }, null, 2)}\n`;
    state.forms[name] = { content, original: response.ok ? content : '', dirty: !response.ok };
  }
  state.editing = name;
  $('#form-editor-title').textContent = `Formulir ${name}`;
  $('#form-json').value = state.forms[name].content;
  $('#form-editor').hidden = false;
  await loadSources();
  await preview();
  $('#form-json').focus();
}

async function preview() {
  const body = new FormData();
  body.append('nama', state.editing);
  body.append('isi', $('#form-json').value);
  const response = await api('/modeler/pratinjau-formulir', { method: 'POST', body });
  $('#form-preview').srcdoc = await response.text();
}

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => guarded(preview), 500);
}

function applyForm() {
  const f = state.forms[state.editing];
  f.content = $('#form-json').value;
  f.dirty = f.content !== f.original;
  // A form takes effect with a new version of the process that uses it: deploy the open BPMN file with it.
  const bpmn = currentFile();
  if (f.dirty && bpmn && !bpmn.dirty) {
    bpmn.dirty = true;
  }
  renderTabs();
  renderPanel();
  status(
    f.dirty
      ? `${state.editing} diubah: terapkan untuk memakainya di periode baru.`
      : `${state.editing} sama dengan yang diterapkan.`,
    f.dirty ? 'warning' : 'ok',
  );
}

let sourcesLoaded = false;

async function loadSources() {
  if (sourcesLoaded) {
    return;
  }
  const sources = await apiJson('/api/form-sources');
  $('#form-sources').innerHTML = sources
    .map(
      (s) => `<li><code>"${s.jenis === 'pilihan' ? 'x-sumber' : 'x-isian'}": "${escapeHtml(s.nama)}"</code>
        <span class="muted">${escapeHtml(s.keterangan)}</span></li>`,
    )
    .join('');
  sourcesLoaded = true;
}

// --- start -------------------------------------------------------------------------------------------

async function init() {
  if (!window.BpmnJS) {
    status('bpmn-js belum terpasang di server: jalankan `make setup` (menjalankan npm ci).', 'error');
    return;
  }
  const [descriptor, bahasa] = await Promise.all([
    fetch('/web/spiffworkflow-moddle.json').then((r) => r.json()),
    indonesian(),
  ]);
  modeler = new window.BpmnJS({
    container: '#canvas',
    moddleExtensions: { spiffworkflow: descriptor },
    additionalModules: [bahasa.module], // palette, context pad, menus in Indonesian (bpmn-id.js)
  });
  translatePopups($('#canvas'), bahasa.translate);
  window.ujikomModeler = modeler; // for tests and the browser console
  modeler.on('import.parse.complete', (event) => {
    if (!event.error) {
      state.importWarnings = restoreUnresolvedReferences(modeler.get('moddle'), event.warnings);
    }
  });
  modeler.on('commandStack.changed', (event) => {
    const f = currentFile();
    if (f && !state.importing && event.trigger !== 'clear' && !f.dirty) {
      f.dirty = true;
      renderTabs();
    }
  });
  modeler.on('selection.changed', () => renderPanel());
  modeler.on('elements.changed', ({ elements }) => {
    const element = selected();
    if (element && elements.some((e) => e === element || e.id === element.id)) {
      renderPanel();
    }
  });

  $('#open').addEventListener('click', () => guarded(openLatest));
  $('#validate').addEventListener('click', () => guarded(validate));
  $('#deploy').addEventListener('click', () => guarded(deploy));
  $('#tabs').addEventListener('click', (event) => {
    const tab = event.target.closest('[data-file]');
    const view = event.target.closest('[data-view]');
    if (tab) {
      guarded(() => showFile(Number(tab.dataset.file)));
    } else if (view) {
      guarded(() => setView(view.dataset.view));
    }
  });
  $('#problems').addEventListener('click', (event) => {
    const item = event.target.closest('[data-problem]');
    if (item) {
      event.preventDefault();
      guarded(() => goTo(state.problems[Number(item.dataset.problem)]));
    }
  });
  $('#versions').addEventListener('click', (event) => {
    const item = event.target.closest('[data-version]');
    if (!item) {
      return;
    }
    const version = Number(item.dataset.version);
    if (event.target.classList.contains('open-version')) {
      guarded(() => openVersion(state.key, version));
    } else if (event.target.classList.contains('diff-version')) {
      guarded(() => showDiff(version));
    }
  });
  $('#form-json').addEventListener('input', schedulePreview);
  $('#form-apply').addEventListener('click', () => guarded(async () => applyForm()));
  $('#form-close').addEventListener('click', () => {
    $('#form-editor').hidden = true;
  });
  for (const radio of document.querySelectorAll('input[name="lebar-pratinjau"]')) {
    radio.addEventListener('change', () => {
      $('#form-preview').style.width = radio.value;
    });
  }
  $('#diff').addEventListener('click', () => {
    $('#diff').hidden = true;
  });
  window.addEventListener('beforeunload', (event) => {
    if (state.files.some((f) => f.dirty) || Object.values(state.forms).some((f) => f.dirty)) {
      event.preventDefault();
    }
  });
  renderPanel();
  await guarded(async () => onLogin(await me()));
}

guarded(init);
