// Worker thread for large first scans: reads its share of the files into a store of
// its own and hands the de-duplicated entries back (see LogReader).
import { parentPort, workerData } from 'node:worker_threads';
import { EntryStore } from './entries';
import { Pricer, type PriceOverride } from './pricing';
import { ChunkReader } from './reader';

interface Job {
  files: Array<[string, number, number]>;
  prices: Record<string, PriceOverride>;
}

async function run(job: Job): Promise<void> {
  const pricer = new Pricer(job.prices);
  const store = new EntryStore(pricer, 'w');
  const reader = new ChunkReader(store, Infinity);
  const offsets: number[] = [];
  for (const [file, from, size] of job.files) {
    try {
      offsets.push(await reader.readFile(file, from, size));
    } catch {
      offsets.push(-1);
    }
  }
  const entries = store.export();
  parentPort?.postMessage(
    { offsets, entries, unknownModels: [...pricer.unknownModels], corruptLines: reader.corruptLines, bytesRead: reader.bytesRead },
    [entries.numbers.buffer as ArrayBuffer],
  );
}

void run(workerData as Job);
