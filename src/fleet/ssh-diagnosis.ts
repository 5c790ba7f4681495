/**
 * OpenSSH's failure output → one line that says what went wrong with which
 * host and how to fix it. Pure: takes ssh's stderr, returns text.
 */
import type { HostAddress } from './host-address.js';

export interface SshFailure {
  /** unreachable: never connected (network, host key, auth); failed: anything later. */
  kind: 'unreachable' | 'failed';
  message: string;
}

function where(host: HostAddress): string {
  return `${host.hostname}${host.port ? `:${host.port}` : ''}`;
}

function keyscan(host: HostAddress): string {
  return `ssh-keyscan ${host.port ? `-p ${host.port} ` : ''}${host.hostname}`;
}

/** The last meaningful line OpenSSH printed (it may print banners and warnings first). */
export function lastSshLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^@+$/.test(l) && !/^Warning: Permanently added/.test(l));
  return lines.at(-1) ?? '';
}

export function diagnoseConnect(host: HostAddress, stderr: string): SshFailure {
  const text = stderr.replace(/\r/g, '');
  const at = where(host);
  const unreachable = (message: string): SshFailure => ({ kind: 'unreachable', message });
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text)) {
    return unreachable(
      `host key mismatch: ${at} presented a key that differs from the one in known-hosts — refused to connect. ` +
        `If the host was rebuilt, check its new fingerprint out of band and replace its line in known-hosts with the output of \`${keyscan(host)}\``,
    );
  }
  if (/No \S+ host key is known for|Host key verification failed/i.test(text)) {
    return unreachable(
      `unknown host key: known-hosts has no key for ${at} — refused to connect. ` +
        `Add its line to known-hosts: run \`${keyscan(host)}\` from a machine you trust and check the fingerprint (\`ssh-keygen -lf\`)`,
    );
  }
  if (/Could not resolve hostname/i.test(text)) {
    return unreachable(
      `cannot resolve ${host.hostname}: check the name in hosts, or that the runner's DNS knows it`,
    );
  }
  const network =
    /connect to host .*: (Connection refused|Connection timed out|No route to host|Network is unreachable|Operation timed out)/i.exec(
      text,
    );
  if (network) {
    return unreachable(
      `cannot reach ${at} (${network[1]}): check that sshd runs there on that port and that the runner can reach it (firewall, security group)`,
    );
  }
  if (/Load key .*: (invalid format|error in libcrypto)/i.test(text)) {
    return unreachable(
      'ssh-key is not a private key OpenSSH can read: paste the whole private key, from its BEGIN line to its END line',
    );
  }
  if (/incorrect passphrase|passphrase/i.test(text)) {
    return unreachable('ssh-key is protected by a passphrase: use a deploy key without one');
  }
  const denied = /Permission denied \(([^)]*)\)/.exec(text);
  if (denied) {
    const user = host.user ?? 'the remote user';
    return unreachable(
      `authentication failed for ${user}@${at} (${denied[1]}): add the public key of ssh-key (\`ssh-keygen -y -f KEYFILE\`) to ~${host.user ?? ''}/.ssh/authorized_keys on the host, and check the user name`,
    );
  }
  if (/Connection (closed|reset) by|kex_exchange_identification|banner exchange/i.test(text)) {
    return unreachable(
      `${at} closed the connection during the handshake (${lastSshLine(text)}): check that it runs sshd on that port and allows the runner (MaxStartups, AllowUsers, fail2ban)`,
    );
  }
  return unreachable(`ssh to ${at} failed: ${lastSshLine(text) || 'no message from ssh'}`);
}

/** The host's `node --version`, or why it cannot run the engine. */
export function checkNodeVersion(host: HostAddress, output: string): string | undefined {
  const version = /^v?(\d+)\.(\d+)\.(\d+)/m.exec(output.trim());
  if (!version) {
    return `node not found on ${host.label}: the engine runs there with Node.js ≥ 20 — install it (a self-hosted runner has one under its externals/ folder) and make sure \`node\` is on the PATH of non-interactive SSH sessions (e.g. a link in /usr/local/bin)`;
  }
  if (Number(version[1]) < 20) {
    return `${host.label} has Node.js ${version[0].replace(/^v?/, 'v')}; the engine needs Node.js ≥ 20 there — upgrade it, or put a newer node first on the PATH of non-interactive SSH sessions`;
  }
  return undefined;
}
