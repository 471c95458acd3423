/**
 * Runs a service's main function; a start-up failure (bad config, unreachable
 * port) ends the process with its reason on stderr and exit code 1.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${service} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
