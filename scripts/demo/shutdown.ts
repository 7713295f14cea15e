/**
 * Everything `npm start` started, stopped in reverse order on SIGINT, SIGTERM
 * or SIGHUP (one is enough), or when starting fails. A second signal, or a
 * stop that hangs, ends the process at once: the embedded DynamoDB Local
 * exits with it (its stdin closes), and the relay is killed outright.
 */

export type Step = { what: string; stop: () => unknown };

export class Shutdown {
  private readonly steps: Step[] = [];
  private stopping: Promise<void> | undefined;
  /** Last-resort kills, run synchronously when the process exits however it exits. */
  private readonly onExit: Array<() => void> = [];

  constructor(
    private readonly say: (line: string) => void,
    private readonly graceMs = 15_000,
  ) {
    let first = 0;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        // A Ctrl-C reaches us twice: from the terminal (to its whole process
        // group) and forwarded by npm. Only a later one means "now".
        if (this.stopping) return Date.now() - first > 1000 ? this.force(`${signal} again`) : undefined;
        first = Date.now();
        void this.stop(0, `${signal}: stopping…`);
      });
    }
    process.on('exit', () => {
      for (const kill of this.onExit) kill();
    });
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Stop `step` on the way out; when already stopping, stop it now. */
  add(step: Step, killOnExit?: () => void): void {
    if (killOnExit) this.onExit.push(killOnExit);
    if (this.stopping) void Promise.resolve(step.stop()).catch(() => undefined);
    else this.steps.push(step);
  }

  /** Stop everything, then exit with `code`. */
  stop(code: number, why?: string): Promise<void> {
    this.stopping ??= (async () => {
      if (why) this.say(why);
      setTimeout(() => this.force('a stop took too long'), this.graceMs).unref();
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step.stop();
        } catch (err) {
          this.say(`could not stop ${step.what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      process.exit(code);
    })();
    return this.stopping;
  }

  private force(why: string): void {
    this.say(`${why}: exiting now`);
    process.exit(130);
  }
}
