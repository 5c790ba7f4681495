import { afterAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SUCCESS_CODES } from '../../../src/manifest/model.js';
import { HEAD, diag, parseIn, removeRevisions, script } from './revision.js';

afterAll(removeRevisions);

describe('parseAppSpec: version, os and top-level keys', () => {
  it('accepts the minimal server AppSpec', () => {
    const result = parseIn(HEAD);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).toEqual({
      kind: 'appspec',
      platform: 'server',
      manifestPath: 'appspec.yml',
      files: [],
      permissions: [],
      events: {},
      eventPositions: {},
    });
  });

  it('requires version and os, at the top of the document', () => {
    expect(parseIn('files: []\n').diagnostics).toEqual([
      diag(1, 1, 'error', 'appspec.yml has no `version`; add `version: 0.0`'),
      diag(1, 1, 'error', 'appspec.yml has no `os`; add `os: linux`'),
    ]);
  });

  it('compares version as written: 0.0 only', () => {
    const message = 'version must be 0.0 (the only AppSpec version)';
    expect(parseIn('version: 0.00\nos: linux\n').diagnostics).toEqual([
      diag(1, 10, 'error', message),
    ]);
    expect(parseIn('version: 1\nos: linux\n').diagnostics).toEqual([diag(1, 10, 'error', message)]);
    expect(parseIn('version: [0.0]\nos: linux\n').diagnostics).toEqual([
      diag(1, 10, 'error', message),
    ]);
    expect(parseIn('version: "0.0"\nos: linux\n').diagnostics).toEqual([]);
  });

  it('refuses os: windows with the reason, and other systems', () => {
    expect(parseIn('version: 0.0\nos: windows\n').diagnostics).toEqual([
      diag(
        2,
        5,
        'error',
        'this engine deploys to Linux; os: windows AppSpecs need the CodeDeploy agent on Windows',
      ),
    ]);
    expect(parseIn('version: 0.0\nos: Linux\n').diagnostics).toEqual([
      diag(2, 5, 'error', 'os must be linux (got `Linux`)'),
    ]);
  });

  it('warns about unknown keys, suggesting the nearest known one', () => {
    expect(parseIn(`${HEAD}hook: {}\nfoo: 1\n`).diagnostics).toEqual([
      diag(3, 1, 'warning', 'unknown key `hook` is ignored; did you mean hooks?'),
      diag(4, 1, 'warning', 'unknown key `foo` is ignored'),
    ]);
  });

  it('says what an empty or comment-only file needs', () => {
    const message = 'appspec.yml is empty: it needs at least `version: 0.0` and `os: linux`';
    for (const text of ['', '# just a comment\n\n', '---\n']) {
      const result = parseIn(text);
      expect(result).toEqual({ diagnostics: [diag(1, 1, 'error', message)] });
    }
    expect(parseIn('', {}, 'deploy/appspec.yml').diagnostics[0]).toEqual(
      diag(
        1,
        1,
        'error',
        'deploy/appspec.yml is empty: it needs at least `version: 0.0` and `os: linux`',
        'deploy/appspec.yml',
      ),
    );
  });

  it('requires the document to be a mapping, and gives no spec otherwise', () => {
    expect(parseIn('- version: 0.0\n- os: linux\n')).toEqual({
      diagnostics: [
        diag(
          1,
          1,
          'error',
          'appspec.yml must be a mapping of keys (version, os, files, permissions, hooks), not a list',
        ),
      ],
    });
    expect(parseIn('just words\n').spec).toBeUndefined();
  });

  it('still gives a spec when the mapping has errors', () => {
    const result = parseIn('version: 2\nos: windows\n');
    expect(result.diagnostics).toHaveLength(2);
    expect(result.spec?.kind).toBe('appspec');
  });
});

describe('parseAppSpec: a full sample', () => {
  const sample = [
    'version: 0.0',
    'os: linux',
    'files:',
    '  - source: build',
    '    destination: /var/www/app',
    'file_exists_behavior: OVERWRITE',
    'permissions:',
    '  - object: /var/www/app',
    '    owner: www-data',
    '    group: www-data',
    '    mode: 0644',
    '    type:',
    '      - file',
    'hooks:',
    '  ApplicationStop:',
    '    - location: scripts/stop.sh',
    '      timeout: 60',
    '  AfterInstall:',
    '    - location: ./scripts/migrate.sh',
    '      timeout: 600',
    '      runas: deploy',
    '  ApplicationStart:',
    '    - location: scripts/start.sh',
    '  ValidateService:',
    '    - location: scripts/check.sh',
    '      timeout: 30',
    '',
  ].join('\n');
  const files = {
    'build/index.html': '<h1>hi</h1>\n',
    'scripts/stop.sh': script('systemctl stop app'),
    'scripts/migrate.sh': script('./migrate'),
    'scripts/start.sh': script('systemctl start app'),
    'scripts/check.sh': script('curl -f localhost'),
  };

  it('parses to the expected DeploymentSpec without diagnostics', () => {
    const { spec, diagnostics } = parseIn(sample, files);
    expect(diagnostics).toEqual([]);
    expect(spec?.files).toEqual([
      {
        source: 'build',
        destination: '/var/www/app',
        position: { file: 'appspec.yml', line: 4, column: 5 },
      },
    ]);
    expect(spec?.fileExistsBehavior).toBe('OVERWRITE');
    expect(spec?.permissions).toEqual([
      {
        object: '/var/www/app',
        pattern: '**',
        except: [],
        owner: 'www-data',
        group: 'www-data',
        mode: '644',
        acls: [],
        types: ['file'],
        position: { file: 'appspec.yml', line: 8, column: 5 },
      },
    ]);
    expect(Object.keys(spec?.events ?? {})).toEqual([
      'ApplicationStop',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
    ]);
    expect(spec?.events.AfterInstall).toEqual([
      {
        script: 'scripts/migrate.sh',
        timeoutSeconds: 600,
        runas: 'deploy',
        successCodes: DEFAULT_SUCCESS_CODES,
        env: {},
        source: { file: 'appspec.yml', line: 19, column: 7 },
      },
    ]);
    expect(spec?.events.ApplicationStart[0].timeoutSeconds).toBe(3600);
    expect(spec?.eventPositions.ValidateService).toEqual({
      file: 'appspec.yml',
      line: 24,
      column: 3,
    });
  });

  it('reads the same AppSpec written as appspec.json, with JSON positions', () => {
    const json = JSON.stringify(
      {
        version: 0.0,
        os: 'linux',
        files: [{ source: 'build', destination: '/var/www/app' }],
        hooks: { ApplicationStart: [{ location: 'scripts/start.sh', timeout: 300 }] },
      },
      null,
      2,
    ).replace('"version": 0', '"version": 0.0');
    const { spec, diagnostics } = parseIn(json, files, 'appspec.json');
    expect(diagnostics).toEqual([]);
    expect(spec?.manifestPath).toBe('appspec.json');
    expect(spec?.events.ApplicationStart[0]).toMatchObject({
      script: 'scripts/start.sh',
      timeoutSeconds: 300,
      source: { file: 'appspec.json', line: 13, column: 9 },
    });
    const broken = json.replace('"timeout": 300', '"timeout": "5m"');
    expect(parseIn(broken, files, 'appspec.json').diagnostics).toEqual([
      diag(14, 20, 'error', 'timeout "5m" is not a number of seconds — write 300', 'appspec.json'),
    ]);
  });
});

describe('parseAppSpec: odd keys', () => {
  it('ignores a key that is not text, with a warning', () => {
    expect(parseIn(`${HEAD}? [a, b]\n: 1\n`).diagnostics).toEqual([
      diag(3, 3, 'warning', 'a key that is not text is ignored'),
    ]);
  });
});
