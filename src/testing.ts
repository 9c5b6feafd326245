/**
 * realtime-rx/testing: stand-ins for a realtime server in your tests (a test socket, a scripted server, the dev server).
 * @packageDocumentation
 */
export * from './testing/scriptedServer.js';
export * from './testing/devServer.js';
export * from './testing/testSocket.js';
export * from './testing/fixtures.js';
export { fixtures } from './testing/recorded.js';
export { openaiServerEvent, type OpenAIServerEventFields } from './testing/openaiServerEvent.js';
