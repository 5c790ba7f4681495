/** `<env name="X">value</env>` children → an environment map. */
import type { XmlElement } from './element-tree.js';
import { attribute, warnUnknownAttributes, warnUnknownChildren } from './element-checks.js';
import type { Reporter } from './reporter.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The value is the element's text; a `value` attribute is accepted as well
 * (some packages write name/value pairs that way). A repeated name is a
 * warning and the later value wins, as it would in a shell.
 */
export function readEnvElements(
  elements: XmlElement[],
  report: Reporter,
  into: Record<string, string> = {},
): Record<string, string> {
  const seen = new Map<string, XmlElement>();
  for (const env of elements) {
    warnUnknownAttributes(env, ['name', 'value'], report);
    warnUnknownChildren(env, [], report);
    const name = attribute(env, 'name');
    if (name === undefined) {
      report.error(env, '<env> has no name attribute; write <env name="VARIABLE">value</env>');
      continue;
    }
    if (!ENV_NAME.test(name.value)) {
      report.error(
        name,
        `env name "${name.value}" is not a valid environment variable name; use letters, digits and _, not starting with a digit`,
      );
      continue;
    }
    const valueAttribute = attribute(env, 'value');
    if (valueAttribute !== undefined && env.text !== '' && valueAttribute.value !== env.text) {
      report.error(
        valueAttribute,
        `<env name="${name.value}"> has both a value attribute and text; keep one`,
      );
    }
    const first = seen.get(name.value);
    if (first !== undefined) {
      report.warning(
        env,
        `env ${name.value} is set again (first at line ${first.line}); this later value wins`,
      );
    }
    seen.set(name.value, env);
    into[name.value] = env.text !== '' ? env.text : (valueAttribute?.value ?? '');
  }
  return into;
}
