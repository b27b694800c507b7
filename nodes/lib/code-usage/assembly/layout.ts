// The line scanner's layout, shared by the WebAssembly module (./line-scanner.ts, compiled
// with AssemblyScript) and its glue (../line-scanner.ts, compiled with TypeScript): what a
// scan answers, the wanted fields' numbers and the value types recorded per field. Plain
// integer constants, so both compilers read this one file.

// Wanted fields, in tree order with each container (message, usage, cache_creation,
// server_tool_use) after its plain siblings and its own fields numbered right after it,
// up to containerEnd(): record() clears them when the container is seen again.
export const F_TIMESTAMP = 0;
export const F_REQUEST_ID = 1;
export const F_SESSION_ID = 2;
export const F_IS_SIDECHAIN = 3;
export const F_IS_API_ERROR = 4;
export const F_MESSAGE = 5;
export const F_MESSAGE_ID = 6;
export const F_MODEL = 7;
export const F_USAGE = 8;
export const F_INPUT = 9;
export const F_OUTPUT = 10;
export const F_CACHE_WRITE = 11;
export const F_CACHE_READ = 12;
export const F_SPEED = 13;
export const F_INFERENCE_GEO = 14;
export const F_CACHE_CREATION = 15;
export const F_CACHE_WRITE_1H = 16;
export const F_SERVER_TOOL_USE = 17;
export const F_WEB_SEARCH = 18;
export const FIELD_COUNT = 19;

// Value types recorded per field.
export const T_ABSENT = 0;
export const T_STRING = 1;
export const T_NUMBER = 2;
export const T_TRUE = 3;
export const T_FALSE = 4;
export const T_NULL = 5;
export const T_OBJECT = 6;
export const T_ARRAY = 7;

// What scan() answers.
/** not a JSON object (invalid JSON, or valid JSON of another kind) */
export const NOT_OBJECT = 0;
/** a JSON object; the slots hold each wanted field's type, position and value */
export const FOUND = 1;
/** valid so far but outside what the scanner decodes: the caller parses the line with JSON.parse */
export const USE_JSON_PARSE = 2;
