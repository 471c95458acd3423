import type { Logger } from '@omni/logging';

interface Step {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * Shutdown steps run in the reverse order of registration (last started, first
 * stopped), each awaited, all within one deadline after which the process exits
 * anyway so Kubernetes never has to SIGKILL a hung pod.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly graceMs: number,
  ) {}

  add(name: string, run: Step['run']): void {
    this.steps.push({ name, run });
  }

  run(reason: string): Promise<void> {
    this.running ??= this.execute(reason);
    return this.running;
  }

  private async execute(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      this.logger.error({ graceMs: this.graceMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, this.graceMs);
    deadline.unref();
    for (const step of [...this.steps].reverse()) {
      try {
        await step.run();
      } catch (error: unknown) {
        this.logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(deadline);
    this.logger.info('shutdown complete');
  }
}
