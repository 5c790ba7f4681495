import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostLines, parseHosts, sshDestination } from '../../src/fleet/host-address.js';

describe('parseHosts', () => {
  it('reads user@host[:port] and gives each host its short name as label', () => {
    const hosts = parseHosts(['deploy@web-1.internal', 'deploy@web-2.internal:2222', '10.0.0.7']);
    expect(hosts).toEqual([
      {
        spec: 'deploy@web-1.internal',
        user: 'deploy',
        hostname: 'web-1.internal',
        port: undefined,
        label: 'web-1',
      },
      {
        spec: 'deploy@web-2.internal:2222',
        user: 'deploy',
        hostname: 'web-2.internal',
        port: 2222,
        label: 'web-2',
      },
      {
        spec: '10.0.0.7',
        user: undefined,
        hostname: '10.0.0.7',
        port: undefined,
        label: '10.0.0.7',
      },
    ]);
    expect(sshDestination(hosts[0])).toBe('deploy@web-1.internal');
    expect(sshDestination(hosts[2])).toBe('10.0.0.7');
  });

  it('lengthens labels only where short names collide', () => {
    const labels = parseHosts([
      'a@127.0.0.1:2201',
      'b@127.0.0.1:2202',
      'app@db.eu.internal',
      'app@db.us.internal:22',
      'x@web-1.internal',
      'y@web-1.internal',
    ]).map((h) => h.label);
    expect(labels).toEqual([
      '127.0.0.1:2201',
      '127.0.0.1:2202',
      // same short name and port: the full spec tells them apart
      'app@db.eu.internal',
      'app@db.us.internal:22',
      'x@web-1:22',
      'y@web-1:22',
    ]);
  });

  it('takes IPv6 addresses in brackets', () => {
    const [host] = parseHosts(['deploy@[2001:db8::7]:2222']);
    expect(host).toMatchObject({ hostname: '2001:db8::7', port: 2222, label: '2001:db8::7' });
  });

  it.each([
    ['-oProxyCommand=touch /tmp/x', 'is not a host name'],
    ['deploy@-p1', 'is not a host name'],
    ['-l@web', 'is not a user name'],
    ['deploy@web:0', 'port "0" is not a number from 1 to 65535'],
    ['deploy@web:ssh', 'port "ssh" is not a number'],
    ['deploy@2001:db8::1', 'an IPv6 address goes in brackets'],
    ['deploy@web 1', 'is not a host name'],
  ])('refuses %p: %s', (line, why) => {
    expect(() => parseHosts(['ok@web', line])).toThrow(`hosts line 2 "${line}": `);
    expect(() => parseHosts(['ok@web', line])).toThrow(why);
  });

  it('refuses a host listed twice', () => {
    expect(() => parseHosts(['deploy@web-1', 'deploy@WEB-1:22'])).toThrow(
      'hosts line 2 "deploy@WEB-1:22" names the same host as line 1 — list each host once',
    );
  });
});

describe('hosts from a hosts-file', () => {
  it('adds the file’s hosts after the input’s, skipping comments and blank lines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-hosts-'));
    const file = path.join(dir, 'hosts.txt');
    fs.writeFileSync(
      file,
      '# production web tier\ndeploy@web-2.internal:2222\n\n  deploy@web-3.internal  \n',
    );
    expect(hostLines({ hosts: ['deploy@web-1.internal'], hostsFile: file })).toEqual([
      'deploy@web-1.internal',
      'deploy@web-2.internal:2222',
      'deploy@web-3.internal',
    ]);
    expect(parseHosts(hostLines({ hosts: [], hostsFile: file })).map((h) => h.label)).toEqual([
      'web-2',
      'web-3',
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it('names a missing hosts-file and the fix', () => {
    expect(() => hostLines({ hosts: [], hostsFile: '/no/such/hosts.txt' })).toThrow(
      'hosts-file /no/such/hosts.txt does not exist: list one user@host[:port] a line in it',
    );
  });
});
