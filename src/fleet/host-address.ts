/**
 * `hosts` lines (`user@host[:port]`, `[v6]:port`) → what ssh needs and a
 * short label for log prefixes. Strict on purpose: a host string reaches
 * ssh's argument list, so nothing that could read as an option gets through.
 */
import * as fs from 'node:fs';
import { lines, SettingsError, type Settings } from '../settings.js';

export interface HostAddress {
  /** As written in `hosts`. */
  spec: string;
  user?: string;
  /** Name or address, without brackets. */
  hostname: string;
  port?: number;
  /** Unique among the fleet: `web-1`, or `web-1:2222` when names collide. */
  label: string;
}

const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function parseOne(spec: string, line: number): Omit<HostAddress, 'label'> {
  const fail = (why: string): never => {
    throw new SettingsError(
      `hosts line ${line} "${spec}": ${why} — write user@host or user@host:port, e.g. deploy@web-1.internal:2222`,
    );
  };
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER.test(user)) fail(`"${user}" is not a user name`);
  }
  let hostname: string;
  let portText: string | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    [, hostname, portText] = bracketed;
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) fail('an IPv6 address goes in brackets, as in [2001:db8::1]:22');
    [hostname, portText] = parts;
    if (!NAME.test(hostname)) fail(`"${hostname}" is not a host name`);
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) fail(`port "${portText}" is not a number from 1 to 65535`);
  }
  return { spec, user, hostname, port };
}

/** `web-1.internal` → `web-1`; addresses stay whole. */
function shortName(hostname: string): string {
  if (IPV4.test(hostname) || hostname.includes(':')) return hostname;
  return hostname.split('.')[0];
}

/**
 * Parses every line and gives each host the shortest label that is unique:
 * the short name, then with the port, then with the user.
 */
export function parseHosts(lines: string[]): HostAddress[] {
  const hosts = lines.map((line, i) => parseOne(line, i + 1));
  const seen = new Map<string, number>();
  hosts.forEach((h, i) => {
    const key = `${h.user ?? ''}@${h.hostname.toLowerCase()}:${h.port ?? 22}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new SettingsError(
        `hosts line ${i + 1} "${h.spec}" names the same host as line ${first + 1} — list each host once`,
      );
    }
    seen.set(key, i);
  });
  const levels: ((h: Omit<HostAddress, 'label'>) => string)[] = [
    (h) => shortName(h.hostname),
    (h) => `${shortName(h.hostname)}:${h.port ?? 22}`,
    (h) => `${h.user ? `${h.user}@` : ''}${shortName(h.hostname)}:${h.port ?? 22}`,
    (h) => h.spec,
  ];
  return hosts.map((h) => {
    for (const level of levels) {
      const label = level(h);
      if (hosts.filter((other) => level(other) === label).length === 1) return { ...h, label };
    }
    return { ...h, label: h.spec };
  });
}

/** The destination argument for ssh (the port goes in `-p`). */
export function sshDestination(host: HostAddress): string {
  return host.user ? `${host.user}@${host.hostname}` : host.hostname;
}

/** The `hosts` lines, then those of `hosts-file` (comments and blank lines skipped). */
export function hostLines(settings: Pick<Settings, 'hosts' | 'hostsFile'>): string[] {
  if (!settings.hostsFile) return settings.hosts;
  let text: string;
  try {
    text = fs.readFileSync(settings.hostsFile, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist'
        : (error as Error).message;
    throw new SettingsError(
      `hosts-file ${settings.hostsFile} ${reason}: list one user@host[:port] a line in it`,
    );
  }
  return [...settings.hosts, ...lines(text)];
}
