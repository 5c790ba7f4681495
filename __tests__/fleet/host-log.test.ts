import { describe, expect, it } from '@jest/globals';
import { FleetLog } from '../../src/fleet/host-log.js';
import { recordingLog } from './ship-fixture.js';

describe('FleetLog: a group per host, live for one host at a time', () => {
  it('streams the first host live; a concurrent host waits and gets its own group after', () => {
    const log = recordingLog();
    const fleet = new FleetLog(log);
    const a = fleet.host('web-1', 'web-1: deploy');
    const b = fleet.host('web-2', 'web-2: deploy');
    a.info('a one');
    b.info('b one');
    b.warning('b warns');
    expect(log.lines).toEqual(['::group::web-1: deploy', '[web-1] a one']);
    a.error('a fails');
    a.close();
    b.info('b two');
    b.close();
    expect(log.lines).toEqual([
      '::group::web-1: deploy',
      '[web-1] a one',
      'error: [web-1] a fails',
      '::endgroup::',
      '::group::web-2: deploy',
      '[web-2] b one',
      'warning: [web-2] b warns',
      '[web-2] b two',
      '::endgroup::',
    ]);
  });

  it('prints hosts that finished while waiting in start order, each in one group', () => {
    const log = recordingLog();
    const fleet = new FleetLog(log);
    const a = fleet.host('a', 'a');
    const b = fleet.host('b', 'b');
    const c = fleet.host('c', 'c');
    c.info('c done');
    c.close();
    b.info('b done');
    b.close();
    a.close();
    expect(log.lines).toEqual([
      '::group::a',
      '::endgroup::',
      '::group::b',
      '[b] b done',
      '::endgroup::',
      '::group::c',
      '[c] c done',
      '::endgroup::',
    ]);
  });

  it('bounds what a waiting host holds back, and says so', () => {
    const log = recordingLog();
    const fleet = new FleetLog(log);
    const a = fleet.host('a', 'a');
    const b = fleet.host('b', 'b');
    const line = 'x'.repeat(1024);
    for (let i = 0; i < 5000; i++) b.info(line);
    b.error('the failure still shows');
    a.close();
    b.close();
    const held = log.lines.filter((l) => l.startsWith('[b] x')).length;
    expect(held).toBeGreaterThan(3000);
    expect(held).toBeLessThan(5000);
    expect(log.lines).toContain('error: [b] the failure still shows');
    expect(log.lines).toContain(
      `[b] … ${5000 - held} more lines were held back while other hosts printed, and dropped here; the host's deployment log has them all`,
    );
  });
});
