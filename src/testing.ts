/**
 * realtime-rx/testing: a scripted realtime server for your tests.
 * @packageDocumentation
 */
export * from './testing/scriptedServer.js';
export * from './testing/devServer.js';
export * from './testing/testSocket.js';
export * from './testing/fixtures.js';
export { fixtures } from './testing/recorded.js';
export { openaiServerEvent, type OpenAIServerEventFields } from './testing/openaiServerEvent.js';
