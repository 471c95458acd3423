import type { RunningStack } from '@omni/dev-stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { __omniStack?: RunningStack }).__omniStack;
  await stack?.stop();
}
