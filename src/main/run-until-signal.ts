/** Runs until SIGINT/SIGTERM, then stops gracefully (a second signal exits at once). */
export async function runUntilSignal(stop: () => Promise<void>): Promise<number> {
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.exit(130);
      }
      stopping = true;
      console.error(`bosun: ${signal} received, stopping…`);
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          console.error(`bosun: error while stopping: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
