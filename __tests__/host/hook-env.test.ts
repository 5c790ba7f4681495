import { describe, expect, it } from '@jest/globals';
import { hookEnvironment } from '../../src/host/hook-env.js';

describe('hookEnvironment', () => {
  it('drops RUNNER_TRACKING_ID so started services outlive the job, and adds the extras', () => {
    const env = hookEnvironment(
      { PATH: '/usr/bin', RUNNER_TRACKING_ID: 'github_abc', HOME: '/root', UNSET: undefined },
      { LIFECYCLE_EVENT: 'ApplicationStart', HOME: '/srv' },
    );
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/srv', LIFECYCLE_EVENT: 'ApplicationStart' });
  });
});
