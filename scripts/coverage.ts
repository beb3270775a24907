/**
 * Prints, per service, which of the model's operations Nimbus implements and which answer 501.
 * Used to keep the README's service table true: `npm run coverage`.
 */
import { Cloud } from '../src/core/cloud.js';
import { resolveConfig } from '../src/core/config.js';

const cloud = new Cloud(resolveConfig({ port: 0, logLevel: 'silent' }));
try {
  for (const name of Cloud.modelledServices().sort()) {
    const model = await cloud.model(name);
    const ops = Object.keys(model.operations).sort();
    const handlers = new Set(Object.keys((await cloud.service(name)).handlers));
    const done = ops.filter((o) => handlers.has(o));
    const missing = ops.filter((o) => !handlers.has(o));
    console.log(`## ${name} (${model.protocol}): ${done.length}/${ops.length} operations`);
    if (done.length) console.log(`implemented: ${done.join(', ')}`);
    if (missing.length && done.length) console.log(`not yet (501): ${missing.join(', ')}`);
    console.log();
  }
} finally {
  await cloud.stop();
}
