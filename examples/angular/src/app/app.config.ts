import {
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
  type ApplicationConfig,
} from '@angular/core';
import { fetchClientSecret } from './client-secret';
import {
  provideRealtimeClientSecret,
  provideRealtimeConversation,
  provideRealtimeTools,
} from './realtime-conversation.service';
import { getWeather } from './weather.tool';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // Signals drive the view: no zone.js.
    provideZonelessChangeDetection(),
    // The local dev server (`npx realtime-rx serve --port 8011`): it echoes what it hears, and a text
    // `call get_weather {"city":"Paris"}` makes it call the tool.
    provideRealtimeConversation({ url: 'ws://127.0.0.1:8011', prompt: 'Be brief.' }),
    provideRealtimeTools([getWeather]),
    // A short-lived key for each conversation, from the app's server (key-server.mjs).
    provideRealtimeClientSecret(fetchClientSecret),
  ],
};
