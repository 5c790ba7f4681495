/**
 * A bundle that cannot be packed or unpacked as given: hostile or corrupt
 * content, a wrong name, a limit reached. The message is one line naming the
 * bundle, the entry and the fix; callers print it without a stack.
 */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}
