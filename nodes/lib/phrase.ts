// Texts for the user as message keys: a lib module names what to say and the values to fill
// in; the node words it from its own catalog (locales/<lang>/<type>.json) with RED._.

/** A message key below the node type (`warn.cooldownHours`) and the values its text fills in. */
export interface Phrase {
  key: string;
  vars?: Record<string, string | number>;
}

/** RED._ as a node has it. */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** The text of `phrase` in the catalog of node type `type`. */
export function word(_: Translate, type: string, phrase: Phrase): string {
  return _(`${type}.${phrase.key}`, phrase.vars);
}
