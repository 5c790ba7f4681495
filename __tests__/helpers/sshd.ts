/**
 * A fleet of real OpenSSH servers on 127.0.0.1 for the ship tests: one sshd
 * per "host" on its own port with its own host key, each logging into its
 * own Unix user (so each has its own home and default deployment root).
 * Nothing of the system's ssh configuration is read or touched. Needs root.
 */
import { describe } from '@jest/globals';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './run-action.js';

export const SSHD = '/usr/sbin/sshd';

/**
 * The fleet needs root (useradd, sshd switching users). CI runs as root, so
 * the ship tests run there; they can only be skipped on a non-root machine.
 */
export const describeFleet = process.getuid?.() === 0 ? describe : describe.skip;

export interface TestHost {
  user: string;
  port: number;
  home: string;
  /** `user@127.0.0.1:port`, as in the hosts input. */
  spec: string;
  /** The line for known_hosts. */
  knownHostsLine: string;
  logFile: string;
  /** How many SSH connections this host's sshd accepted so far. */
  acceptedConnections(): number;
}

export interface TestFleet {
  dir: string;
  /** The client's private key, as a user would put it in the ssh-key secret. */
  clientKey: string;
  /** The known_hosts text for every host. */
  knownHosts: string;
  hosts: TestHost[];
  /** A snapshot of dist/cli.js, the engine ship copies to each host. */
  cliPath: string;
  stop(): void;
}

export interface FleetOptions {
  /** Extra `-o` options for host i's sshd (e.g. SetEnv=PATH=/nowhere). */
  sshdOptions?: (index: number) => string[];
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'deploy-hooks-test',
    '-f',
    file,
  ]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function keyscan(port: number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const scan = spawnSync(
      'ssh-keyscan',
      ['-T', '1', '-t', 'ed25519', '-p', String(port), '127.0.0.1'],
      {
        encoding: 'utf8',
      },
    );
    const line = scan.stdout.split('\n').find((l) => l.includes('ssh-ed25519'));
    if (line) return line.trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd on port ${port} did not come up`);
}

function createUser(name: string): string {
  execFileSync('useradd', ['-m', '-s', '/bin/bash', name]);
  // useradd locks the password with '!', which sshd treats as a locked account even for keys.
  execFileSync('usermod', ['-p', '*', name]);
  return `/home/${name}`;
}

function snapshotCli(dir: string): string {
  const source = path.join(REPO_ROOT, 'dist', 'cli.js');
  const copy = path.join(dir, 'cli.js');
  fs.copyFileSync(source, copy);
  execFileSync(process.execPath, [copy, '--version']);
  return copy;
}

export async function startFleet(count: number, options: FleetOptions = {}): Promise<TestFleet> {
  if (process.getuid?.() !== 0) throw new Error('the ship tests need root (users and sshd)');
  if (!fs.existsSync(SSHD))
    throw new Error(`${SSHD} is missing: apt-get install -y openssh-server`);
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-sshd-'));
  // Each test user's sshd reads the shared authorized_keys file as that user.
  fs.chmodSync(dir, 0o755);
  keygen(path.join(dir, 'client'));
  const authorized = path.join(dir, 'authorized_keys');
  fs.copyFileSync(path.join(dir, 'client.pub'), authorized);
  fs.chmodSync(authorized, 0o644);
  const tag = randomBytes(3).toString('hex');
  const daemons: ChildProcess[] = [];
  const users: string[] = [];
  const fleet: TestFleet = {
    dir,
    clientKey: fs.readFileSync(path.join(dir, 'client'), 'utf8'),
    knownHosts: '',
    hosts: [],
    cliPath: snapshotCli(dir),
    stop() {
      for (const daemon of daemons) daemon.kill('SIGTERM');
      for (const user of users) spawnSync('userdel', ['-r', '-f', user], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < count; i++) {
      const user = `dhs${tag}h${i + 1}`;
      const home = createUser(user);
      users.push(user);
      const hostKey = path.join(dir, `host${i + 1}`);
      keygen(hostKey);
      const port = await freePort();
      const logFile = path.join(dir, `sshd${i + 1}.log`);
      const daemon = spawn(
        SSHD,
        [
          '-D',
          '-E',
          logFile,
          '-f',
          '/dev/null',
          ...[
            `ListenAddress=127.0.0.1:${port}`,
            `HostKey=${hostKey}`,
            `AuthorizedKeysFile=${authorized}`,
            'PidFile=none',
            'StrictModes=no',
            'PermitRootLogin=prohibit-password',
            ...(options.sshdOptions?.(i) ?? []),
          ].flatMap((o) => ['-o', o]),
        ],
        { stdio: 'ignore' },
      );
      daemons.push(daemon);
      const knownHostsLine = await keyscan(port);
      fleet.hosts.push({
        user,
        port,
        home,
        spec: `${user}@127.0.0.1:${port}`,
        knownHostsLine,
        logFile,
        acceptedConnections: () =>
          fs.existsSync(logFile)
            ? (fs.readFileSync(logFile, 'utf8').match(/Accepted publickey/g) ?? []).length
            : 0,
      });
    }
  } catch (error) {
    fleet.stop();
    throw error;
  }
  fleet.knownHosts = fleet.hosts.map((h) => h.knownHostsLine).join('\n') + '\n';
  return fleet;
}

/** A user's processes and their command lines, from /proc (procps may be missing). */
export function processesOf(user: string): { pid: number; args: string }[] {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const found: { pid: number; args: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(name), args });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
