import { describe, expect, it } from '@jest/globals';
import { parseHosts } from '../../src/fleet/host-address.js';
import { checkNodeVersion, diagnoseConnect } from '../../src/fleet/ssh-diagnosis.js';

// The real OpenSSH messages are exercised against live sshd in ship-failures.test.ts;
// these are the cases a local sshd cannot stage.
const [web] = parseHosts(['deploy@web-1.internal:2222']);

describe('ssh failures in one line, with the fix', () => {
  it('a name that does not resolve', () => {
    expect(
      diagnoseConnect(
        web,
        'ssh: Could not resolve hostname web-1.internal: Name or service not known\r\n',
      ),
    ).toEqual({
      kind: 'unreachable',
      message:
        "cannot resolve web-1.internal: check the name in hosts, or that the runner's DNS knows it",
    });
  });

  it('a connection that times out', () => {
    expect(
      diagnoseConnect(web, 'ssh: connect to host web-1.internal port 2222: Connection timed out\n')
        .message,
    ).toBe(
      'cannot reach web-1.internal:2222 (Connection timed out): check that sshd runs there on that port and that the runner can reach it (firewall, security group)',
    );
  });

  it('a key that is not a key, or has a passphrase', () => {
    expect(diagnoseConnect(web, 'Load key "/tmp/dh-ssh-x/id": invalid format\n').message).toMatch(
      /^ssh-key is not a private key OpenSSH can read: paste the whole private key/,
    );
    expect(
      diagnoseConnect(
        web,
        'Load key "/tmp/dh-ssh-x/id": incorrect passphrase supplied to decrypt private key\n',
      ).message,
    ).toBe('ssh-key is protected by a passphrase: use a deploy key without one');
  });

  it('anything else keeps OpenSSH’s own last line', () => {
    expect(
      diagnoseConnect(web, 'Bad owner or permissions on /x\nsomething odd happened\n').message,
    ).toBe('ssh to web-1.internal:2222 failed: something odd happened');
  });
});

describe('checkNodeVersion', () => {
  it('accepts Node 20 and later', () => {
    expect(checkNodeVersion(web, 'v20.0.0\n')).toBeUndefined();
    expect(checkNodeVersion(web, 'v22.11.0')).toBeUndefined();
  });

  it('names the old version and the fix', () => {
    expect(checkNodeVersion(web, 'v18.19.1')).toBe(
      'web-1 has Node.js v18.19.1; the engine needs Node.js ≥ 20 there — upgrade it, or put a newer node first on the PATH of non-interactive SSH sessions',
    );
  });

  it('says how to make node visible when there is none', () => {
    expect(checkNodeVersion(web, 'no-node')).toMatch(
      /^node not found on web-1: .*non-interactive SSH sessions/,
    );
  });
});
