import {
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
  type ApplicationConfig,
} from '@angular/core';
import { provideRealtimeConversation } from './realtime-conversation.service';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // Signals drive the view: no zone.js.
    provideZonelessChangeDetection(),
    // The local dev server (`npx realtime-rx serve --port 8011`): it echoes what it hears.
    provideRealtimeConversation({ url: 'ws://127.0.0.1:8011', prompt: 'Be brief.' }),
  ],
};
