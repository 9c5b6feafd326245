import * as t from 'io-ts';
import { map, timer } from 'rxjs';
import { defineTool } from 'realtime-rx';

/**
 * The model's tool: the weather in a city. An Observable, so that the lookup (here a stand-in that
 * takes 300 ms) is cancelled by unsubscribing when the user talks over it or the conversation ends.
 */
export const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather right now in a city.',
  args: t.type({ city: t.string }),
  run: ({ city }) => timer(300).pipe(map(() => JSON.stringify({ city, sky: 'sunny', celsius: 21 }))),
});
