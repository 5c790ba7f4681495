import { describe, expect, it } from '@jest/globals';
import { editDistance, suggest } from '../../src/manifest/suggest.js';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('hook', 'hooks')).toBe(1);
    expect(editDistance('hooks', 'hook')).toBe(1);
    expect(editDistance('versoin', 'version')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('suggest', () => {
  const events = ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

  it('names the nearest candidate, ignoring case', () => {
    expect(suggest('AfterInstal', events)).toBe('AfterInstall');
    expect(suggest('afterinstall', events)).toBe('AfterInstall');
    expect(suggest('ValidateServices', events)).toBe('ValidateService');
    expect(suggest('hook', ['version', 'os', 'files', 'hooks'])).toBe('hooks');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(suggest('foo', ['version', 'os', 'files', 'hooks'])).toBeUndefined();
    expect(suggest('Deploy', events)).toBeUndefined();
    expect(suggest('x'.repeat(1000), events)).toBeUndefined();
  });
});
