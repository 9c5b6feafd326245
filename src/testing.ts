/**
 * realtime-rx/testing: a scripted realtime server for your tests.
 * @packageDocumentation
 */
export * from './testing/scriptedServer.js';
export * from './testing/testSocket.js';
