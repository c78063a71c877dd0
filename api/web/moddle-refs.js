// bpmn-moddle drops a reference it cannot resolve to an element id. SpiffWorkflow's multi-instance
// <bpmn:loopDataInputRef>/<bpmn:loopDataOutputRef> name task-data variables, not elements, so a plain
// open-and-save would silently turn a multi-instance call activity into a single one. Put each
// unresolved reference back as a detached stub that serializes to the same text.
// Shared by the modeller (browser) and the round-trip test (Node).

const UNRESOLVED = /^unresolved reference <(.*)>$/;

/**
 * @param {object} moddle the BpmnModdle instance that parsed the XML
 * @param {Array<{message: string, element?: object, property?: string}>} warnings its fromXML warnings
 * @return {Array} the warnings that remain (everything but restored references)
 */
export function restoreUnresolvedReferences(moddle, warnings) {
  const remaining = [];
  for (const warning of warnings || []) {
    const match = UNRESOLVED.exec(warning.message || '');
    const element = warning.element;
    const property = element && warning.property && element.$descriptor.propertiesByName[warning.property];
    if (!match || !property) {
      remaining.push(warning);
      continue;
    }
    const stub = moddle.create(property.type, { id: match[1] });
    if (property.isMany) {
      element.get(property.name).push(stub);
    } else {
      element.set(property.name, stub);
    }
  }
  return remaining;
}
