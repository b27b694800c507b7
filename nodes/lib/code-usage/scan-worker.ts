// Worker thread for large first scans: takes files from a counter shared with the main
// thread, reads them into a store of its own and hands the de-duplicated entries back in
// batches of a few MiB as it goes (see LogReader.readShared).
import { parentPort, workerData } from 'node:worker_threads';
import { EntryStore } from './entries';
import { Pricer, type PriceOverride } from './pricing';
import { ChunkReader, type WorkerMessage } from './reader';

interface Job {
  files: Array<[string, number, number]>;
  /** shared counter: the index of the next file to take */
  next: Int32Array;
  prices: Record<string, PriceOverride>;
  /** keeps the keys of id-less lines apart from the main thread's */
  anonymousPrefix: string;
  /** bytes read before a batch is handed over */
  batchBytes: number;
  /** IANA zone for limit walls' clock times that name none */
  timeZone: string;
}

async function run(job: Job): Promise<void> {
  const pricer = new Pricer(job.prices);
  const store = new EntryStore(pricer, job.anonymousPrefix, job.timeZone);
  const reader = new ChunkReader(store, Infinity);
  let offsets: Array<[number, number]> = [];
  let corrupt = 0;
  let bytes = 0;
  const send = (): void => {
    const entries = store.export();
    const batch: WorkerMessage = {
      kind: 'batch',
      offsets,
      entries,
      unknownModels: [...pricer.unknownModels],
      corruptLines: reader.corruptLines - corrupt,
      bytesRead: reader.bytesRead - bytes,
    };
    parentPort?.postMessage(batch, [entries.numbers.buffer as ArrayBuffer]);
    store.clear();
    offsets = [];
    corrupt = reader.corruptLines;
    bytes = reader.bytesRead;
  };
  for (let i = Atomics.add(job.next, 0, 1); i < job.files.length; i = Atomics.add(job.next, 0, 1)) {
    const [file, from, size] = job.files[i];
    try {
      offsets.push([i, await reader.readFile(file, from, size)]);
    } catch {
      offsets.push([i, -1]);
    }
    if (reader.bytesRead - bytes >= job.batchBytes) send();
  }
  if (offsets.length) send();
  parentPort?.postMessage({ kind: 'done' } satisfies WorkerMessage);
}

void run(workerData as Job);
