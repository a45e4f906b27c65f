#!/usr/bin/env node
import './threadpool.js';
import { describeError, isVjError } from '../core/errors.js';

/**
 * The command line's entry. `vj-host models …` loads only what adding a model needs, not the host
 * (whose modules take about half a second to load here, repeated for every model a script adds).
 */
async function run(argv: string[]): Promise<void> {
  if (argv[0] === 'models') {
    const { modelsCommand } = await import('./models-command.js');
    process.exitCode = await modelsCommand(argv.slice(1), (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`));
    return;
  }
  const { main } = await import('./host-cli.js');
  await main(argv);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`vj-host: ${isVjError(error) ? error.message : describeError(error)}\n`);
  process.exit(1);
});
