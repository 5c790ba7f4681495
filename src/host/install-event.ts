/**
 * The reserved Install event: plan the copy (every DISALLOW conflict found
 * before anything is removed), record what will be created, install, apply
 * permissions, then record exactly what was created.
 */
import type { DeploymentSpec, FileExistsBehavior } from '../manifest/model.js';
import { planInstall } from './install-plan.js';
import { applyInstall, tempPathFor } from './install.js';
import { readInstallList, writeInstallList } from './install-list.js';
import { applyPermissions } from './permissions.js';

export interface InstallEventResult {
  note: string;
}

export async function runInstallEvent(
  spec: DeploymentSpec,
  revisionRoot: string,
  installList: string,
  behavior: FileExistsBehavior,
): Promise<InstallEventResult> {
  const previousInstalled = readInstallList(installList);
  const plan = planInstall({
    revisionRoot,
    files: spec.files,
    fileExistsBehavior: behavior,
    previousInstalled,
  });
  if (!plan.ok) throw new Error(plan.message);
  // Written before copying: if the engine dies half-way, the next deployment
  // still knows which files were ours to remove.
  const planned = plan.copies.flatMap((c) =>
    c.kind === 'directory' ? [c.to] : [c.to, tempPathFor(c.to)],
  );
  writeInstallList(installList, [...new Set([...previousInstalled, ...planned])]);
  const { installed } = await applyInstall(plan);
  writeInstallList(installList, installed);
  await applyPermissions(spec.permissions, installed);
  const retained = plan.retained.length ? `, ${plan.retained.length} kept (RETAIN)` : '';
  return {
    note: `${installed.length} path${installed.length === 1 ? '' : 's'} installed, ${plan.removals.length} of the previous revision removed${retained}`,
  };
}
