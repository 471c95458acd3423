import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  user?: { uid: number; gid: number };
}

/**
 * Runs a build tool to completion, capturing its output. On failure the error carries the
 * output tail, because mvn/go failures are only diagnosable from their own messages.
 */
export function runCommand(command: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...opts.user,
    });
    const chunks: Buffer[] = [];
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const output = Buffer.concat(chunks).toString('utf8').split('\n').slice(-40).join('\n');
      reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}
