import { expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runShipCommand, shipFailure, shipOutputs } from '../../src/commands/ship.js';
import { fleetSummary } from '../../src/report/fleet-summary.js';
import { freePort, describeFleet, type TestFleet } from '../helpers/sshd.js';
import {
  fleetInputs,
  recordingLog,
  runnerTemp,
  shipSettings,
  traceRevision,
  useFleet,
} from './ship-fixture.js';

let fleet: TestFleet;

const TOKEN = 'tok-4f1d9c27e0b8-never-on-a-command-line';

// The hook proves it got the secret, and records every command line on the machine meanwhile.
const revision = traceRevision('secrets', {
  BeforeInstall: [
    'printf %s "$SECRET_TOKEN" >"$HOME/secret-seen"',
    'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " <"$f" 2>/dev/null; echo; done >"$HOME/cmdlines"',
  ].join('\n'),
});

/** Every regular file under dir whose text contains needle. */
function filesContaining(dir: string, needle: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && fs.readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

describeFleet('ship keeps its secrets', () => {
  useFleet(2, (started) => (fleet = started));

  it('never shows the key in logs, summary, outputs or reports, and leaves it nowhere on disk', async () => {
    // the key's first line of base64 is unique to it
    const needle = fleet.clientKey.split('\n')[1];
    expect(needle.length).toBeGreaterThan(40);
    const temp = runnerTemp();
    const closed = await freePort();
    const log = recordingLog();
    // stored as a secret often is: CRLF line ends, no final newline
    const key = fleet.clientKey.trim().replace(/\n/g, '\r\n');
    const report = await runShipCommand(
      shipSettings({
        ...fleetInputs(fleet),
        source: revision,
        hosts: [...fleet.hosts.map((h) => h.spec), `nobody@127.0.0.1:${closed}`].join('\n'),
        'ssh-key': key,
        strategy: 'all-at-once',
        env: `SECRET_TOKEN=${TOKEN}\nPLAIN=1`,
      }),
      log,
      new AbortController().signal,
      { cliPath: fleet.cliPath, env: { ...process.env, RUNNER_TEMP: temp } },
    );
    expect(report.hosts.map((h) => h.status)).toEqual(['succeeded', 'succeeded', 'unreachable']);
    const shown = [
      log.text(),
      fleetSummary(report),
      JSON.stringify(shipOutputs(report)),
      shipFailure(report) ?? '',
      fs.readFileSync(report.reportPath!, 'utf8'),
    ].join('\n');
    for (const secret of [needle, 'PRIVATE KEY', TOKEN]) expect(shown).not.toContain(secret);
    expect(fs.readdirSync(temp).filter((n) => n.startsWith('dh-ssh-'))).toEqual([]);
    expect(filesContaining(temp, needle)).toEqual([]);
    for (const host of fleet.hosts) expect(filesContaining(host.home, needle)).toEqual([]);
  });

  it('gives the hooks the env secrets without putting them on any command line on the host', async () => {
    const report = await runShipCommand(
      shipSettings({ ...fleetInputs(fleet), source: revision, env: `SECRET_TOKEN=${TOKEN}` }),
      recordingLog(),
      new AbortController().signal,
      { cliPath: fleet.cliPath, env: { ...process.env, RUNNER_TEMP: runnerTemp() } },
    );
    expect(report.status).toBe('succeeded');
    for (const host of fleet.hosts) {
      expect(fs.readFileSync(path.join(host.home, 'secret-seen'), 'utf8')).toBe(TOKEN);
      const cmdlines = fs.readFileSync(path.join(host.home, 'cmdlines'), 'utf8');
      // taken while the engine ran: its wrapper is there, the secret is not
      expect(cmdlines).toContain('ship-wrapper.mjs');
      expect(cmdlines).not.toContain(TOKEN);
    }
  });
});
