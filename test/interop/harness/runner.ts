// What every peer runner (BIRD, FRR, GoBGP, ExaBGP, necod) shares: the lab it runs in, its
// namespace and name, the one main process it starts and the files named after it in the lab's
// directory. What a daemon is configured and queried with stays in its own runner.
import type { Lab } from '../../support/lab/lab.js';
import type { LabProcess } from '../../support/lab/process.js';

export abstract class PeerRunner {
  readonly name: string;
  /** The daemon's main process, once started. */
  protected proc: LabProcess | null = null;

  protected constructor(
    protected readonly lab: Lab,
    readonly ns: string,
    name: string,
  ) {
    this.name = name;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** `<lab dir>/<name><suffix>`: the runner's config, socket, command file. */
  protected file(suffix: string): string {
    return this.lab.path(`${this.name}${suffix}`);
  }

  /** SIGTERM, then SIGKILL after the grace time (LabProcess.stop). */
  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
