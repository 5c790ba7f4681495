import { describe, expect, it } from '@jest/globals';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CONTROLLER_ONLY_INPUTS,
  REWRITTEN_INPUTS,
  passedInputs,
  remoteDeployArgs,
} from '../../src/fleet/remote-args.js';
import { INPUT_NAMES, readSettings } from '../../src/settings.js';

const settings = (inputs: Record<string, string>, isRoot = true) =>
  readSettings((name) => inputs[name] ?? '', { env: {}, cwd: '/work', isRoot });

describe('the deploy arguments a host gets', () => {
  it('covers every input: each one is passed on, rewritten, or kept by the controller', () => {
    const passed = passedInputs(settings({})).map(([name]) => name);
    const all = [...passed, ...REWRITTEN_INPUTS, ...CONTROLLER_ONLY_INPUTS].sort();
    expect(all).toEqual([...INPUT_NAMES].sort());
  });

  it('passes the settings as --name=value, never credentials or the fleet', () => {
    const args = remoteDeployArgs(
      settings({
        command: 'ship',
        hosts: 'deploy@web-1',
        'ssh-key': 'KEY',
        'known-hosts': 'KNOWN',
        'github-token': 'ghs_x',
        strategy: 'one-at-a-time',
        'application-name': 'shop',
        'deployment-group': 'web',
        'deployment-id': 'd-AAAAAAAAA',
        'deployment-root': '/srv/deploy',
        start: 'systemctl restart "shop" --now',
        'file-exists-behavior': 'overwrite',
        env: 'A=1\nB=two words',
      }),
      '/tmp/deploy-hooks-ship.x/bundle.tar.gz',
    );
    expect(args).toEqual([
      'deploy',
      '--source=/tmp/deploy-hooks-ship.x/bundle.tar.gz',
      '--deployment-root=/srv/deploy',
      '--deployment-type=in-place',
      '--application-name=shop',
      '--deployment-group=web',
      '--deployment-id=d-AAAAAAAAA',
      '--file-exists-behavior=OVERWRITE',
      '--max-bundle-size=512',
      '--max-bundle-entries=100000',
      '--auto-rollback=true',
      '--ignore-stop-failures=false',
      '--max-revisions=5',
      '--env=A=1\nB=two words',
      '--os-type=LINUX86',
      '--start=systemctl restart "shop" --now',
      '--health-check-retries=3',
      '--timeout=3600',
    ]);
    expect(args.join(' ')).not.toMatch(/KEY|KNOWN|ghs_x|web-1|one-at-a-time/);
  });

  it("leaves the deployment root to each host when none was given (the controller's default is not theirs)", () => {
    for (const isRoot of [true, false]) {
      const args = remoteDeployArgs(settings({}, isRoot), '/tmp/b.tar.gz');
      expect(args.some((a) => a.startsWith('--deployment-root'))).toBe(false);
    }
    expect(path.join(os.homedir(), '.local', 'state', 'deploy-hooks')).toBe(
      settings({}, false).deploymentRoot,
    );
  });
});
