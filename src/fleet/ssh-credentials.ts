/**
 * The key and known-hosts files ssh reads, in a private (0700) temp dir that
 * also holds the control sockets. Removed by dispose(), and by a process
 * 'exit' hook should anything skip it; RUNNER_TEMP is wiped by the runner
 * after the job even if the process is killed outright.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError, type Settings } from '../settings.js';
import type { HostAddress } from './host-address.js';

export interface SshCredentials {
  /** Private dir: key, known_hosts, control sockets. */
  dir: string;
  keyFile?: string;
  knownHostsFile: string;
  strictHostKeyChecking: 'yes' | 'accept-new';
  dispose(): void;
}

/** Unix socket paths are limited to ~104 bytes; control sockets live in this dir. */
const MAX_DIR_LENGTH = 80;

function privateDir(env: NodeJS.ProcessEnv): string {
  const base = env.RUNNER_TEMP && env.RUNNER_TEMP.length < MAX_DIR_LENGTH ? env.RUNNER_TEMP : '';
  const dir = fs.mkdtempSync(path.join(base || os.tmpdir(), 'dh-ssh-'));
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** `ssh-keyscan` lines to get the keys, grouped by port (-p applies to the whole call). */
export function keyscanCommands(hosts: HostAddress[]): string {
  const byPort = new Map<number | undefined, string[]>();
  for (const h of hosts) byPort.set(h.port, [...(byPort.get(h.port) ?? []), h.hostname]);
  return [...byPort]
    .map(([port, names]) => `ssh-keyscan ${port ? `-p ${port} ` : ''}${names.join(' ')}`)
    .join('; ');
}

export function missingKnownHostsMessage(hosts: HostAddress[]): string {
  return (
    `known-hosts is empty: ship checks every host's key against it and refuses unknown hosts. ` +
    `Collect the keys once from a machine you trust — \`${keyscanCommands(hosts)} > known_hosts\` — check them ` +
    `(\`ssh-keygen -lf known_hosts\` against the hosts' own fingerprints), store the file's text in a secret ` +
    'and pass it as known-hosts: ${{ secrets.KNOWN_HOSTS }}. ' +
    'Or set strict-host-key-checking: accept-new to trust whatever key each host presents (first use only, not recommended)'
  );
}

/** OpenSSH refuses a key whose last line lacks its newline; secrets often lose it, or gain CRs. */
function normalizeKey(key: string): string {
  return `${key.replace(/\r\n?/g, '\n').trim()}\n`;
}

export function prepareCredentials(
  settings: Settings,
  hosts: HostAddress[],
  env: NodeJS.ProcessEnv = process.env,
): SshCredentials {
  const knownHosts = settings.knownHosts?.trim();
  if (!knownHosts && settings.strictHostKeyChecking !== 'accept-new') {
    throw new SettingsError(missingKnownHostsMessage(hosts));
  }
  const dir = privateDir(env);
  const dispose = (): void => {
    fs.rmSync(dir, { recursive: true, force: true });
    process.off('exit', dispose);
  };
  process.on('exit', dispose);
  try {
    let keyFile: string | undefined;
    if (settings.sshKey?.trim()) {
      keyFile = path.join(dir, 'id');
      fs.writeFileSync(keyFile, normalizeKey(settings.sshKey), { mode: 0o600 });
    }
    // With accept-new and no known-hosts, keys learned go here, never to ~/.ssh.
    const knownHostsFile = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHostsFile, knownHosts ? `${knownHosts.replace(/\r\n?/g, '\n')}\n` : '', {
      mode: 0o600,
    });
    return {
      dir,
      keyFile,
      knownHostsFile,
      strictHostKeyChecking: settings.strictHostKeyChecking,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}
