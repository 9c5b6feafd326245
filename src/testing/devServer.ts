/*
 * The dev server of `realtime-rx serve`, for tests and demos started from code. Node only: browser
 * bundles get devServer.browser.ts instead (the `browser` export condition), so they never reach `ws`
 * or `node:http`.
 */
export { startDevServer, type DevServer, type DevServerOptions } from '../server/devServer.js';
export type { DevConnectionStats } from '../server/serverDialect.js';
export type { VadOptions } from '../server/vad.js';
