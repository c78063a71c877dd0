// bpmn-js in Indonesian, for the modeller and the instance diagram. diagram-js's `translate` service is
// replaced (its documented i18n way) by a lookup in bpmn-id.json, which holds every string the installed
// bpmn-js and diagram-js pass to translate() (tests/test_modeler_dictionary.py reads them from node_modules).
// The few words diagram-js's popup menu writes without translate() are replaced where they appear.

// Written by diagram-js's popup menu without translate(): attribute values and text nodes, whole.
const PAGE_WORDS = ['Search', 'Results', 'Back', 'Open entry documentation', 'result', 'results', 'found'];
const PAGE_TEMPLATES = ['Open entry documentation for {label}'];
const ATTRIBUTES = ['aria-label', 'title'];

/** The dictionary and a diagram-js module that makes it the viewer's or modeller's `translate`. */
export async function indonesian() {
  const response = await fetch('/web/bpmn-id.json');
  const dictionary = response.ok ? await response.json() : {};
  const missing = new Set();

  function translate(template, replacements = {}) {
    let text = template;
    if (Object.hasOwn(dictionary, template)) {
      text = dictionary[template];
    } else if (!missing.has(template)) {
      missing.add(template);
      console.warn(`bpmn-id.json has no entry for ${JSON.stringify(template)}`);
    }
    return text.replace(/\{([^}]+)\}/g, (whole, key) => (Object.hasOwn(replacements, key) ? String(replacements[key]) : whole));
  }

  return { translate, module: { translate: ['value', translate] } };
}

function pageText(value, translate) {
  const trimmed = value.trim();
  if (PAGE_WORDS.includes(trimmed)) {
    return value.replace(trimmed, () => translate(trimmed));
  }
  for (const template of PAGE_TEMPLATES) {
    const [before, after] = template.split(/\{\w+\}/);
    if (trimmed.startsWith(before) && trimmed.endsWith(after) && trimmed.length > before.length + after.length) {
      const label = trimmed.slice(before.length, trimmed.length - after.length);
      return value.replace(trimmed, () => translate(template, { label }));
    }
  }
  return null;
}

function translateAttribute(element, name, translate) {
  const value = element.getAttribute(name);
  const text = value ? pageText(value, translate) : null;
  if (text !== null) {
    element.setAttribute(name, text);
  }
}

function translateText(node, translate) {
  const text = pageText(node.data, translate);
  if (text !== null) {
    node.data = text; // in place: preact keeps this node and rewrites it when its value changes
  }
}

function translateTree(root, translate) {
  for (const element of [root, ...root.querySelectorAll('[aria-label], [title]')]) {
    ATTRIBUTES.forEach((name) => translateAttribute(element, name, translate));
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    translateText(text, translate);
  }
}

const POPUP = '.djs-popup-parent';

function inPopup(node) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  return Boolean(element && element.closest(POPUP));
}

/** Keep the popup menus in `container` (where diagram-js draws them) free of their untranslated words. */
export function translatePopups(container, translate) {
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') {
        if (inPopup(m.target)) {
          translateAttribute(m.target, m.attributeName, translate);
        }
      } else if (m.type === 'characterData') {
        if (inPopup(m.target)) {
          translateText(m.target, translate);
        }
      } else {
        for (const node of m.addedNodes) {
          if (node.nodeType === Node.TEXT_NODE && inPopup(node)) {
            translateText(node, translate);
          } else if (node.nodeType === Node.ELEMENT_NODE) {
            const popups = inPopup(node) ? [node] : [...node.querySelectorAll(POPUP)];
            popups.forEach((popup) => translateTree(popup, translate));
          }
        }
      }
    }
  });
  observer.observe(container, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ATTRIBUTES,
  });
  return observer;
}
