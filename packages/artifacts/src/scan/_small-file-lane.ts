/** Runs scans one after another: those of small files, which wait on no I/O. */
export class SmallFileLane {
  #last: Promise<void> = Promise.resolve();

  async run<T>(scan: () => Promise<T>): Promise<T> {
    const before = this.#last;
    let done = (): void => {};
    this.#last = new Promise<void>((resolve) => {
      done = resolve;
    });
    await before;
    try {
      return await scan();
    } finally {
      done();
    }
  }
}
