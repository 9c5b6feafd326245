// examples/agent.ts runs as written against the dev server: the quick tool answers, the slow one is
// stopped by the user talking over it, and the history follows.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '../..');

it('examples/agent.ts: get_weather answers, barge-in aborts get_forecast, the history is printed', async () => {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY; // the dev server, whatever the machine has
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', require.resolve('tsx'), join(root, 'examples/agent.ts')],
    { cwd: root, env, timeout: 40_000 },
  );
  const lines = stdout.split('\n').map((line) => line.replace(/^\s*\d+\.\d+s {2}/, ''));
  const at = (pattern: RegExp) => {
    const index = lines.findIndex((line) => pattern.test(line));
    expect({ pattern, found: index >= 0 }).toEqual({ pattern, found: true });
    return index;
  };

  expect(lines[0]).toMatch(/^the dev server at ws:\/\/127\.0\.0\.1:\d+$/);
  // The quick tool ran and its output was answered; the model's reply quotes it.
  const asked = at(/^history \+ user message \(\w+\) "call get_weather/);
  const call = at(/^history [+~] \w+ function_call \(\w+\) ".*get_weather/);
  const answered = at(/^answered (call_dev_\d+): \{"city":"Paris","sky":"sunny","celsius":21\}$/);
  const output = at(/^history [+~] tool function_call_output \(\w+\) ".*sunny/);
  const reply = at(/^history ~ assistant message \(completed\) "The function call call_dev_\d+ returned/);
  expect(asked).toBeLessThan(call);
  expect(call).toBeLessThan(answered);
  expect(answered).toBeLessThan(output);
  expect(output).toBeLessThan(reply);

  // The slow tool started, the user talked, its signal was aborted, and nothing was answered for it.
  const [, forecastCall] = /started \((call_dev_\d+)\)/.exec(
    lines[at(/^get_forecast\(Paris, 3 days\) started/)],
  )!;
  const talking = at(/^the user starts talking$/);
  const aborted = at(/^get_forecast: signal aborted after \d+\.\d s$/);
  expect(talking).toBeLessThan(aborted);
  expect(Number(/after (\d+\.\d) s/.exec(lines[aborted])![1])).toBeLessThan(5); // not its 10 s
  expect(stdout).not.toContain(`answered ${forecastCall}`);
  expect(lines.filter((line) => line.startsWith('answered '))).toHaveLength(1);

  // What the user said joins the history, transcribed, and the echo of it ends the demo.
  const said = at(/^history ~ user message \(completed\) "\(\d+\.\d\d s of audio\)"$/);
  expect(aborted).toBeLessThan(said);
  expect(lines.at(-2)).toBe('closed: requested');
}, 45_000); // about 7 s of real time (the user's speech, the echo), more on a loaded machine
