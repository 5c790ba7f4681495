import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  collectRevisionMetadata,
  readRevisionMetadata,
  serializeRevisionMetadata,
} from '../../src/revision/metadata.js';
import { removeTempDirs, tempDir } from './archive-builders.js';

afterAll(removeTempDirs);

function gitRepo(): { dir: string; commit: string; time: string } {
  const dir = tempDir('meta-git');
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_COMMITTER_DATE: '2023-04-05T06:07:08+02:00',
        GIT_AUTHOR_DATE: '2023-04-05T06:07:08+02:00',
      },
    }).trim();
  git('init', '-q');
  fs.writeFileSync(path.join(dir, 'appspec.yml'), 'version: 0.0\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  return { dir, commit: git('rev-parse', 'HEAD'), time: '2023-04-05T06:07:08+02:00' };
}

describe('collectRevisionMetadata', () => {
  it('takes commit, ref, repository and run from the GitHub environment', () => {
    const dir = tempDir('meta-env');
    const metadata = collectRevisionMetadata({
      sourceDir: dir,
      env: {
        GITHUB_SHA: 'a'.repeat(40),
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REPOSITORY: 'octo/shop',
        GITHUB_RUN_ID: '123',
        GITHUB_RUN_ATTEMPT: '2',
      },
      manifestKind: 'appspec',
      manifestPath: 'appspec.yml',
      toolVersion: '1.2.3',
    });
    expect(metadata).toEqual({
      commit: 'a'.repeat(40),
      ref: 'refs/heads/main',
      repository: 'octo/shop',
      runId: '123',
      runAttempt: '2',
      manifestKind: 'appspec',
      manifestPath: 'appspec.yml',
      toolVersion: '1.2.3',
      commitTime: undefined, // not a repository: no time to find
    });
  });

  it('reads the commit and its committer time from a real git repository', () => {
    const repo = gitRepo();
    const metadata = collectRevisionMetadata({ sourceDir: repo.dir, env: {}, toolVersion: '1' });
    expect(metadata.commit).toBe(repo.commit);
    expect(metadata.commitTime).toBe(repo.time);
    expect(metadata.ref).toBeUndefined();
  });

  it('finds the time of GITHUB_SHA in the checkout', () => {
    const repo = gitRepo();
    const metadata = collectRevisionMetadata({
      sourceDir: repo.dir,
      env: { GITHUB_SHA: repo.commit },
      toolVersion: '1',
    });
    expect(metadata.commitTime).toBe(repo.time);
  });

  it('leaves commit and time out outside git', () => {
    const metadata = collectRevisionMetadata({
      sourceDir: tempDir('meta-none'),
      env: {},
      toolVersion: '1',
    });
    expect(metadata.commit).toBeUndefined();
    expect(metadata.commitTime).toBeUndefined();
  });
});

describe('revision.json', () => {
  it('is written with sorted keys and a trailing newline, and read back', () => {
    const text = serializeRevisionMetadata({
      toolVersion: '1',
      commit: 'abc',
      ref: 'r',
      runId: '9',
    });
    expect(text).toBe(
      '{\n  "commit": "abc",\n  "ref": "r",\n  "runId": "9",\n  "toolVersion": "1"\n}\n',
    );
    const dir = tempDir('meta-read');
    fs.writeFileSync(path.join(dir, 'revision.json'), text);
    expect(readRevisionMetadata(dir)).toEqual({
      toolVersion: '1',
      commit: 'abc',
      ref: 'r',
      runId: '9',
    });
  });

  it.each([
    ['not JSON', '{ nope'],
    ['an array', '[1, 2]'],
    ['null', 'null'],
    ['no known field', '{"other": 1}'],
  ])('is undefined, without throwing, when it is %s', (_what, text) => {
    const dir = tempDir('meta-junk');
    fs.writeFileSync(path.join(dir, 'revision.json'), text);
    expect(readRevisionMetadata(dir)).toBeUndefined();
  });

  it('keeps only string fields it knows', () => {
    const dir = tempDir('meta-mixed');
    fs.writeFileSync(path.join(dir, 'revision.json'), '{"commit": 5, "ref": "main", "evil": "x"}');
    expect(readRevisionMetadata(dir)).toEqual({ toolVersion: '', ref: 'main' });
  });

  it('is undefined when missing or not a regular file', () => {
    const dir = tempDir('meta-missing');
    expect(readRevisionMetadata(dir)).toBeUndefined();
    fs.mkdirSync(path.join(dir, 'revision.json'));
    expect(readRevisionMetadata(dir)).toBeUndefined();
  });
});
