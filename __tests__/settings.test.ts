import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { INPUT_NAMES, parseEnv, readSettings, SettingsError } from '../src/settings.js';
import { VERSION } from '../src/version.js';

const root = path.resolve(import.meta.dirname, '..');
const action = load(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};
const context = { env: { GITHUB_REPOSITORY: 'acme/shop' }, cwd: '/work', isRoot: true };
const from = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('settings', () => {
  it('knows exactly the inputs action.yml declares, each documented', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect([name, input.description.length > 10]).toEqual([name, true]);
    }
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('applies the same defaults whether action.yml or the CLI supplies them', () => {
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([n, i]) => [n, i.default ?? '']),
    );
    const viaAction = readSettings(from({ ...defaults, 'deployment-id': 'd-FIXED0001' }), context);
    const viaCli = readSettings(from({ 'deployment-id': 'd-FIXED0001' }), context);
    expect(viaAction).toEqual(viaCli);
    expect(viaCli).toMatchObject({
      command: 'deploy',
      source: '/work',
      deploymentType: 'in-place',
      applicationName: 'shop',
      deploymentGroup: 'default',
      deploymentRoot: '/var/lib/deploy-hooks',
      autoRollback: true,
      ignoreStopFailures: false,
      maxRevisions: 5,
      osType: 'LINUX86',
      healthCheckRetries: 3,
      timeoutSeconds: 3600,
      strategy: 'one-at-a-time',
    });
  });

  it('generates deployment ids as d- and 9 upper-case letters or digits', () => {
    const ids = new Set(
      Array.from({ length: 20 }, () => readSettings(from({}), context).deploymentId),
    );
    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
  });

  it('defaults the deployment root to the user state directory when not root', () => {
    const settings = readSettings(from({}), {
      ...context,
      isRoot: false,
      env: { HOME: '/home/ci' },
    });
    expect(settings.deploymentRoot).toBe('/home/ci/.local/state/deploy-hooks');
  });

  it.each([
    [
      'command',
      'destroy',
      'command "destroy" is not one of: validate, pack, deploy, ship, rollback',
    ],
    [
      'deployment-type',
      'canary',
      'deployment-type "canary" is not one of: in-place, in-place-traffic',
    ],
    ['auto-rollback', 'maybe', 'auto-rollback "maybe" is not a boolean: write true or false'],
    ['max-revisions', '0', 'max-revisions "0" must be a whole number ≥ 1'],
    [
      'file-exists-behavior',
      'replace',
      'file-exists-behavior "REPLACE" is not one of: DISALLOW, OVERWRITE, RETAIN',
    ],
    ['deployment-group', '../etc', 'deployment-group "../etc" may hold only letters'],
    ['working-directory', 'opt/shop', 'working-directory "opt/shop" must be an absolute path'],
  ])('refuses %s=%s with one clear line', (name, value, message) => {
    expect(() => readSettings(from({ [name]: value }), context)).toThrow(SettingsError);
    expect(() => readSettings(from({ [name]: value }), context)).toThrow(message);
  });

  it('reads env as KEY=VALUE lines and names a bad line without showing it', () => {
    expect(parseEnv('A=1\n# comment\n\nB=x=y\n')).toEqual({ A: '1', B: 'x=y' });
    expect(() => parseEnv('A=1\nsecret-value')).toThrow('env line 2 is not KEY=VALUE');
    expect(() => parseEnv('A=1\nsecret-value')).not.toThrow(/secret-value/);
  });

  it('keeps the version equal to package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
