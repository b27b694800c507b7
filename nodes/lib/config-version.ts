// Node configs carry `version`: the shape of properties they were created with. A config
// from before versions existed has none and counts as 0. On load every config is brought to
// CONFIG_VERSION by the steps after its own version, in order, so a flow saved by an older
// release behaves as it did. A config from a newer release is used as it is.
//
// Node-RED's editor saves `version` only for a node created with a release that has it (a
// property without a field in the dialog keeps its value): an old node that is edited and
// saved again still has none. So a step must also be right for a config already in the newer
// shape, changing only what is still in the old one.

/** The shape this release saves; the editors' `version` default is the same number. */
export const CONFIG_VERSION = 1;

type Props = Record<string, unknown>;

interface Step {
  /** the version a config has after this step */
  to: number;
  /** changes the copy it is given, for the node types it concerns */
  apply(type: string, config: Props): void;
}

const STEPS: readonly Step[] = [
  {
    // The first versioned shape. A property added since the first release gets the value that
    // keeps an older flow's behaviour.
    to: 1,
    apply(type, c) {
      if (type === 'claude-code-usage' && (c.mode === undefined || c.mode === '')) c.mode = 'logs';
    },
  },
];

export interface MigratedConfig<T> {
  config: T & { version: number };
  /** the version the config was saved with */
  from: number;
  /** saved by a release newer than this one */
  newer: boolean;
}

/** The version a config was saved with (0 when it has none or an unreadable one). */
export function configVersion(config: object): number {
  const v = Number((config as Props).version);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/** A copy of `config` brought to CONFIG_VERSION (a newer config is returned as it is). */
export function migrateConfig<T extends object>(type: string, config: T): MigratedConfig<T> {
  const from = configVersion(config);
  if (from > CONFIG_VERSION) return { config: config as T & { version: number }, from, newer: true };
  const copy = { ...config } as Props;
  for (const step of STEPS) if (step.to > from) step.apply(type, copy);
  copy.version = CONFIG_VERSION;
  return { config: copy as T & { version: number }, from, newer: false };
}
