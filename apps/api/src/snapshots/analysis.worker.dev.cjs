// Runs analysis.worker.ts from the sources (tests, `npm run bench`): the thread compiles the
// TypeScript with swc-node the way the API thread does. The compiled build (dist/) loads
// analysis.worker.js directly and never reads this file.
require('@swc-node/register');
module.exports = require('./analysis.worker.ts');
