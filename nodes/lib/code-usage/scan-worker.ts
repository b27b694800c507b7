// Worker thread for large first scans: takes files from a counter shared with the main
// thread, reads them into a store of its own and hands the de-duplicated entries back
// (see LogReader.readShared).
import { parentPort, workerData } from 'node:worker_threads';
import { EntryStore } from './entries';
import { Pricer, type PriceOverride } from './pricing';
import { ChunkReader } from './reader';

interface Job {
  files: Array<[string, number, number]>;
  /** shared counter: the index of the next file to take */
  next: Int32Array;
  prices: Record<string, PriceOverride>;
}

async function run(job: Job): Promise<void> {
  const pricer = new Pricer(job.prices);
  const store = new EntryStore(pricer, 'w');
  const reader = new ChunkReader(store, Infinity);
  const offsets: Array<[number, number]> = [];
  for (let i = Atomics.add(job.next, 0, 1); i < job.files.length; i = Atomics.add(job.next, 0, 1)) {
    const [file, from, size] = job.files[i];
    try {
      offsets.push([i, await reader.readFile(file, from, size)]);
    } catch {
      offsets.push([i, -1]);
    }
  }
  const entries = store.export();
  parentPort?.postMessage(
    { offsets, entries, unknownModels: [...pricer.unknownModels], corruptLines: reader.corruptLines, bytesRead: reader.bytesRead },
    [entries.numbers.buffer as ArrayBuffer],
  );
}

void run(workerData as Job);
