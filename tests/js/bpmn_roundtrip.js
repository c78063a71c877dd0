// Open and save BPMN files exactly as the modeller does (bpmn-moddle with our spiffworkflow descriptor),
// without edits. Usage: node tests/js/bpmn_roundtrip.js OUT_DIR FILE.bpmn...
// Prints {"<file>": {"warnings": [...]}} as JSON; the saved files land in OUT_DIR under the same names.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BpmnModdle } from 'bpmn-moddle';

import { restoreUnresolvedReferences } from '../../api/web/moddle-refs.js';

const descriptor = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../api/web/spiffworkflow-moddle.json', import.meta.url)), 'utf8'),
);
const [outDir, ...files] = process.argv.slice(2);
const report = {};
for (const file of files) {
  const moddle = new BpmnModdle({ spiffworkflow: descriptor });
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'), 'bpmn:Definitions');
  const remaining = restoreUnresolvedReferences(moddle, warnings);
  const { xml } = await moddle.toXML(rootElement, { format: true });
  writeFileSync(join(outDir, basename(file)), xml);
  report[basename(file)] = { warnings: remaining.map((w) => w.message) };
}
process.stdout.write(JSON.stringify(report));
