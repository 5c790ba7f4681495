import { expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runShipCommand, shipFailure, shipOutputs } from '../../src/commands/ship.js';
import { fleetSummary } from '../../src/report/fleet-summary.js';
import { SettingsError } from '../../src/settings.js';
import { freePort, describeFleet, type TestFleet } from '../helpers/sshd.js';
import {
  fleetInputs,
  readHostTrace,
  recordingLog,
  runnerTemp,
  shipSettings,
  traceRevision,
  useFleet,
} from './ship-fixture.js';

// Hosts 1–3 are healthy; host 4's sessions have no node on their PATH.
let fleet: TestFleet;

const never = new AbortController().signal;
// ValidateService fails on a host whose user has a ~/fail file.
const revision = traceRevision('failures', {
  ValidateService: 'if [ -f "$HOME/fail" ]; then echo "health check failed" >&2; exit 3; fi',
});

let groups = 0;
async function ship(inputs: Record<string, string>) {
  const log = recordingLog();
  const report = await runShipCommand(
    shipSettings({
      ...fleetInputs(fleet),
      source: revision,
      // a fresh group each time: no earlier success to roll back to
      'deployment-group': `g${++groups}`,
      ...inputs,
    }),
    log,
    never,
    { cliPath: fleet.cliPath, env: { ...process.env, RUNNER_TEMP: runnerTemp() } },
  );
  return { report, log };
}

describeFleet('ship when hosts fail', () => {
  useFleet(4, (started) => (fleet = started), {
    sshdOptions: (i) => (i === 3 ? ['SetEnv=PATH=/nonexistent'] : []),
  });

  it('min-healthy: 2 of 4 stops the rollout after an unreachable host and a failed deploy; the rest are skipped', async () => {
    const [h1, h2, h3] = fleet.hosts;
    const closedPort = await freePort();
    const unreachable = `deploy@127.0.0.1:${closedPort}`;
    fs.writeFileSync(path.join(h1.home, 'fail'), '');
    try {
      const { report, log } = await ship({
        hosts: [unreachable, h1.spec, h2.spec, h3.spec].join('\n'),
        strategy: 'min-healthy: 2',
      });
      expect(report.status).toBe('failed');
      expect(report.hosts.map((h) => h.status)).toEqual([
        'unreachable',
        'failed',
        'skipped',
        'skipped',
      ]);
      expect(report.hosts[0].message).toBe(
        `cannot reach 127.0.0.1:${closedPort} (Connection refused): check that sshd runs there on that port and that the runner can reach it (firewall, security group)`,
      );
      expect(report.hosts[1].failedEvent).toBe('ValidateService');
      expect(report.hosts[1].message).toMatch(
        /^ValidateService: scripts\/ValidateService\.sh exited 3 \(allowed: 0\)/,
      );
      expect(report.hosts[1].report?.failure?.tail).toContain('health check failed');
      expect(report.stopReason).toBe(
        'stopped after 2 host(s) failed: starting another would leave fewer than 2 healthy (min-healthy: 2)',
      );
      expect(report.hosts[2].message).toBe(report.stopReason);
      // the skipped hosts were never touched
      expect(readHostTrace(h2)).toEqual([]);
      expect(readHostTrace(h3)).toEqual([]);
      expect(shipOutputs(report)).toMatchObject({
        status: 'failed',
        'succeeded-hosts': '',
        'failed-hosts': `${unreachable}\n${h1.spec}`,
      });
      expect(shipFailure(report)).toBe(
        `ship failed on 2 of 4 host(s) — 127.0.0.1:${closedPort}: ${report.hosts[0].message} — and 1 more (see the summary) — 2 skipped (${report.stopReason})`,
      );
      expect(log.text()).toContain(`warning: ${report.stopReason}`);
      const summary = fleetSummary(report);
      expect(summary).toContain('## deploy-hooks ship: ❌ failed');
      expect(summary).toContain('🔌 unreachable');
      expect(summary).toContain('| ❌ failed | `d-');
      expect(summary).toContain('⏭️ skipped');
      expect(summary).toContain('health check failed');
    } finally {
      fs.rmSync(path.join(h1.home, 'fail'));
    }
  });

  it('one-at-a-time stops at the first failed host', async () => {
    const [h1, h2, h3] = fleet.hosts;
    fs.writeFileSync(path.join(h2.home, 'fail'), '');
    try {
      const { report } = await ship({
        hosts: [h2.spec, h1.spec, h3.spec].join('\n'),
        strategy: 'one-at-a-time',
      });
      expect(report.hosts.map((h) => h.status)).toEqual(['failed', 'skipped', 'skipped']);
    } finally {
      fs.rmSync(path.join(h2.home, 'fail'));
    }
  });

  it('refuses a host whose key differs from known-hosts, and one missing from it, with the fix', async () => {
    const [h1, h2, h3] = fleet.hosts;
    // h1's entry carries h2's key: what a man-in-the-middle (or a rebuilt host) looks like
    const forged = h2.knownHostsLine.replace(`]:${h2.port} `, `]:${h1.port} `);
    const { report } = await ship({
      hosts: [h1.spec, h3.spec].join('\n'),
      'known-hosts': `${forged}\n${h2.knownHostsLine}\n`,
      strategy: 'all-at-once',
    });
    expect(report.hosts.map((h) => h.status)).toEqual(['unreachable', 'unreachable']);
    expect(report.hosts[0].message).toBe(
      `host key mismatch: 127.0.0.1:${h1.port} presented a key that differs from the one in known-hosts — refused to connect. ` +
        `If the host was rebuilt, check its new fingerprint out of band and replace its line in known-hosts with the output of \`ssh-keyscan -p ${h1.port} 127.0.0.1\``,
    );
    expect(report.hosts[1].message).toMatch(
      new RegExp(
        `^unknown host key: known-hosts has no key for 127\\.0\\.0\\.1:${h3.port} — refused to connect\\. Add its line to known-hosts: run \`ssh-keyscan -p ${h3.port} 127\\.0\\.0\\.1\``,
      ),
    );
  });

  it('explains a key the host does not accept', async () => {
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dh-otherkey-')), 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const { report } = await ship({
      hosts: fleet.hosts[0].spec,
      'ssh-key': fs.readFileSync(other, 'utf8'),
    });
    fs.rmSync(path.dirname(other), { recursive: true });
    expect(report.hosts[0].status).toBe('unreachable');
    expect(report.hosts[0].message).toBe(
      `authentication failed for ${fleet.hosts[0].user}@127.0.0.1:${fleet.hosts[0].port} (publickey,password,keyboard-interactive): add the public key of ssh-key (\`ssh-keygen -y -f KEYFILE\`) to ~${fleet.hosts[0].user}/.ssh/authorized_keys on the host, and check the user name`,
    );
  });

  it('explains a host without node', async () => {
    const noNode = fleet.hosts[3];
    const { report } = await ship({ hosts: noNode.spec });
    expect(report.hosts[0].status).toBe('failed');
    expect(report.hosts[0].message).toMatch(
      /^node not found on 127\.0\.0\.1: the engine runs there with Node\.js ≥ 20 — install it/,
    );
  });

  it('refuses to start without known-hosts and shows how to get them; accept-new works without touching ~/.ssh', async () => {
    const h1 = fleet.hosts[0];
    const attempt = ship({ hosts: h1.spec, 'known-hosts': '' });
    await expect(attempt).rejects.toThrow(SettingsError);
    await expect(attempt).rejects.toThrow(
      `known-hosts is empty: ship checks every host's key against it and refuses unknown hosts. Collect the keys once from a machine you trust — \`ssh-keyscan -p ${h1.port} 127.0.0.1 > known_hosts\``,
    );
    const userKnownHosts = path.join(os.homedir(), '.ssh', 'known_hosts');
    const before = fs.existsSync(userKnownHosts) ? fs.readFileSync(userKnownHosts, 'utf8') : null;
    const { report } = await ship({
      hosts: h1.spec,
      'known-hosts': '',
      'strict-host-key-checking': 'accept-new',
    });
    expect(report.hosts[0].status).toBe('succeeded');
    const after = fs.existsSync(userKnownHosts) ? fs.readFileSync(userKnownHosts, 'utf8') : null;
    expect(after).toBe(before);
  });
});
