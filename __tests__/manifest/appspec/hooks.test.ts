import { afterAll, describe, expect, it } from '@jest/globals';
import { HEAD, diag, parseIn, removeRevisions, script } from './revision.js';

afterAll(removeRevisions);

const scripts = {
  'scripts/start.sh': script('systemctl start app'),
  'scripts/stop.sh': script('systemctl stop app'),
};

/** An AppSpec whose hooks section is `lines` (each indented two spaces under `hooks:`). */
function hooks(...lines: string[]) {
  return parseIn(`${HEAD}hooks:\n${lines.map((l) => `  ${l}`).join('\n')}\n`, scripts);
}

describe('parseAppSpec: hooks', () => {
  it('turns each entry into a step, with the location key as its source', () => {
    const { spec, diagnostics } = hooks(
      'BeforeInstall:',
      '  - location: ./scripts/stop.sh',
      '    timeout: 100',
      '  - location: scripts/start.sh',
      '    runas: deploy$',
      '    timeout: 200',
    );
    expect(diagnostics).toEqual([]);
    expect(
      spec?.events.BeforeInstall.map((s) => [s.script, s.timeoutSeconds, s.runas, s.source?.line]),
    ).toEqual([
      ['scripts/stop.sh', 100, undefined, 5],
      ['scripts/start.sh', 200, 'deploy$', 7],
    ]);
    expect(spec?.eventPositions).toEqual({
      BeforeInstall: { file: 'appspec.yml', line: 4, column: 3 },
    });
  });

  it('suggests the nearest event for a misspelt one', () => {
    expect(hooks('AfterInstal:', '  - location: scripts/start.sh').diagnostics).toEqual([
      diag(4, 3, 'error', 'unknown lifecycle event `AfterInstal`: did you mean AfterInstall?'),
    ]);
    expect(hooks('afterinstall:', '  - location: scripts/start.sh').diagnostics[0].message).toBe(
      'unknown lifecycle event `afterinstall`: did you mean AfterInstall?',
    );
  });

  it('lists the events when none is close', () => {
    expect(hooks('Deploy:', '  - location: scripts/start.sh').diagnostics).toEqual([
      diag(
        4,
        3,
        'error',
        'unknown lifecycle event `Deploy`: use one of ApplicationStop, BeforeInstall, AfterInstall, ApplicationStart, ValidateService, BeforeBlockTraffic, AfterBlockTraffic, BeforeAllowTraffic, AfterAllowTraffic',
      ),
    ]);
  });

  it('refuses scripts on the reserved events', () => {
    for (const event of ['DownloadBundle', 'Install', 'BlockTraffic', 'AllowTraffic']) {
      const result = hooks(`${event}:`, '  - location: scripts/start.sh');
      expect(result.diagnostics).toEqual([
        diag(4, 3, 'error', `${event} is run by the engine itself and takes no scripts`),
      ]);
      expect(result.spec?.events).toEqual({});
    }
  });

  it('warns about an event with no scripts and plans no steps for it', () => {
    const result = hooks('AfterInstall:', 'ApplicationStart: []');
    expect(result.diagnostics).toEqual([
      diag(
        4,
        3,
        'warning',
        'AfterInstall lists no scripts and does nothing; add `- location: scripts/…` or remove it',
      ),
      diag(
        5,
        3,
        'warning',
        'ApplicationStart lists no scripts and does nothing; add `- location: scripts/…` or remove it',
      ),
    ]);
    expect(result.spec?.events).toEqual({});
  });

  it('explains a forgotten dash before location', () => {
    expect(hooks('AfterInstall:', '  location: scripts/start.sh').diagnostics).toEqual([
      diag(5, 5, 'error', 'AfterInstall must be a list of scripts: put `- ` before `location`'),
    ]);
  });

  it('requires location, at the entry', () => {
    expect(hooks('AfterInstall:', '  - timeout: 30').diagnostics).toEqual([
      diag(
        5,
        7,
        'error',
        'this hook entry has no `location`: name the script, relative to the revision root',
      ),
    ]);
  });

  it('requires a relative location inside the revision, naming an existing file', () => {
    expect(hooks('AfterInstall:', '  - location: /opt/start.sh').diagnostics).toEqual([
      diag(
        5,
        17,
        'error',
        'location `/opt/start.sh` must be relative to the revision root, not absolute',
      ),
    ]);
    expect(hooks('AfterInstall:', '  - location: scripts/../../x.sh').diagnostics).toEqual([
      diag(
        5,
        17,
        'error',
        'location `scripts/../../x.sh` leaves the revision; scripts must be inside it',
      ),
    ]);
    expect(hooks('AfterInstall:', '  - location: scripts/nope.sh').diagnostics).toEqual([
      diag(
        5,
        17,
        'error',
        'scripts/nope.sh does not exist in the revision; fix `location` (it is relative to the revision root)',
      ),
    ]);
    expect(hooks('AfterInstall:', '  - location: scripts').diagnostics).toEqual([
      diag(5, 17, 'error', 'scripts is a directory; `location` must name a script file'),
    ]);
  });

  it('takes timeout as a positive whole number of seconds, suggesting the conversion', () => {
    const entry = (timeout: string) =>
      hooks('AfterInstall:', '  - location: scripts/start.sh', `    timeout: ${timeout}`);
    expect(entry('"5m"').diagnostics).toEqual([
      diag(6, 16, 'error', 'timeout "5m" is not a number of seconds — write 300'),
    ]);
    expect(entry('2h').diagnostics[0].message).toBe(
      'timeout "2h" is not a number of seconds — write 7200',
    );
    expect(entry('30s').diagnostics[0].message).toBe(
      'timeout "30s" is not a number of seconds — write 30',
    );
    expect(entry('soon').diagnostics[0].message).toBe(
      'timeout "soon" is not a number of seconds — write a whole number of seconds, e.g. 300',
    );
    expect(entry('0').diagnostics).toEqual([
      diag(6, 16, 'error', 'timeout must be a positive number of seconds, e.g. 300'),
    ]);
    expect(entry('-5').diagnostics).toHaveLength(1);
    expect(entry('1.5').diagnostics).toHaveLength(1);
    expect(entry('"120"').spec?.events.AfterInstall[0].timeoutSeconds).toBe(120);
  });

  it('refuses an event whose scripts together may run over 3600 s, at the event key', () => {
    const over = hooks(
      'ApplicationStart:',
      '  - location: scripts/start.sh',
      '    timeout: 3000',
      '  - location: scripts/stop.sh',
      '    timeout: 601',
    );
    expect(over.diagnostics).toEqual([
      diag(
        4,
        3,
        'error',
        'the scripts of ApplicationStart may run 3601 s together, over the 3600 s limit per event; lower their timeouts',
      ),
    ]);
    const defaults = hooks(
      'ApplicationStart:',
      '  - location: scripts/start.sh',
      '  - location: scripts/stop.sh',
    );
    expect(defaults.diagnostics).toEqual([
      diag(
        4,
        3,
        'error',
        'the scripts of ApplicationStart may run 7200 s together (a script without `timeout` counts 3600), over the 3600 s limit per event; lower their timeouts',
      ),
    ]);
    const exact = hooks(
      'ApplicationStart:',
      '  - location: scripts/start.sh',
      '    timeout: 1800',
      '  - location: scripts/stop.sh',
      '    timeout: 1800',
    );
    expect(exact.diagnostics).toEqual([]);
  });

  it('takes runas as a plausible user name, dropping the step otherwise', () => {
    const result = hooks(
      'AfterInstall:',
      '  - location: scripts/start.sh',
      '    runas: "web user"',
    );
    expect(result.diagnostics).toEqual([
      diag(
        6,
        14,
        'error',
        'runas `web user` is not a user name; write a login name such as `deploy`',
      ),
    ]);
    expect(result.spec?.events.AfterInstall).toEqual([]);
    expect(
      hooks('AfterInstall:', '  - location: scripts/start.sh', '    runas: 1000').diagnostics,
    ).toHaveLength(1);
    expect(
      hooks('AfterInstall:', '  - location: scripts/start.sh', '    runas: Web_Admin-2').spec
        ?.events.AfterInstall[0].runas,
    ).toBe('Web_Admin-2');
  });

  it('warns about unknown keys in an entry', () => {
    expect(
      hooks('AfterInstall:', '  - location: scripts/start.sh', '    timout: 30').diagnostics,
    ).toEqual([
      diag(
        6,
        7,
        'warning',
        'unknown key `timout` in a hook entry is ignored; did you mean timeout?',
      ),
    ]);
  });

  it('requires hooks to be a mapping of events', () => {
    expect(hooks('- AfterInstall: x').diagnostics).toEqual([
      diag(
        4,
        3,
        'error',
        '`hooks` must be a mapping (each event name followed by its list of `- location: …`), not a list',
      ),
    ]);
  });
});
