/** necod: the daemon's command line. Checks the configuration, then hands over to src/daemon.ts. */
import { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js';
import { checkConfigFile } from '../config/check-config.js';
import { NECOD_VERSION } from '../util/version.js';

interface NecodOptions {
  config: string;
  checkConfig?: string;
}

const program = new Command('necod')
  .description('BGP-4 speaker for layer-3 data-center servers')
  .version(NECOD_VERSION, '-V, --version', 'print the version and exit')
  .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG_FILE)
  .option('--check-config <file>', 'check a configuration file, print every error, and exit')
  .action(async (options: NecodOptions) => {
    const fileName = options.checkConfig ?? options.config;
    const check = await checkConfigFile(fileName);
    if (!check.ok) {
      process.stderr.write(check.errorLines.map((line) => `${line}\n`).join(''));
      process.exitCode = 1;
      return;
    }
    if (options.checkConfig !== undefined) {
      process.stdout.write(`${check.summary}\n`);
      return;
    }
    // Loaded only now, so that --check-config stays quick and needs no more than the config code.
    const { startDaemon } = await import('../daemon.js');
    try {
      await startDaemon(check.config, { configFile: fileName, rehearse: process.env.NECOD_REHEARSAL !== '0' });
    } catch (error) {
      process.stderr.write(`necod: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync(process.argv);
