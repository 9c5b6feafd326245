// Loads both entry points through the package's own `exports` map, as ESM and as CommonJS,
// and checks that the public functions are there. Run after `npm run build`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const expected = { 'realtime-rx': ['connectConversation', 'realtimeSession', 'dropNewest', 'priorityMerge'], 'realtime-rx/testing': ['startScriptedServer'] };
let failed = false;
for (const [entry, names] of Object.entries(expected)) {
  const esm = await import(entry);
  const cjs = require(entry);
  for (const name of names) {
    for (const [format, mod] of [['ESM', esm], ['CommonJS', cjs]]) {
      if (typeof mod[name] !== 'function') {
        console.error(`${entry} (${format}) does not export ${name}`);
        failed = true;
      }
    }
  }
}
if (failed) process.exit(1);
console.log('ESM and CommonJS entry points load: ' + Object.keys(expected).join(', '));
