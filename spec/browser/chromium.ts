/**
 * How the browser specs start Debian's Chromium (never a downloaded one): headless, sandbox and GPU
 * off, no background networking (this machine refuses it), and a fake microphone, answered without a
 * permission prompt.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch flags; `extra` go before the autoplay flag (e.g. a WAV for the fake microphone). */
export function chromiumArgs(...extra: string[]): string[] {
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    ...extra,
    '--autoplay-policy=no-user-gesture-required',
  ];
}
