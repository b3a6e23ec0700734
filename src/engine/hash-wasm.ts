// Generated from src/engine/hash.wat by scripts/build-wasm.mjs (wabt): do not edit.
// Change the .wat and run `node scripts/build-wasm.mjs` (`npm run build` does it first);
// a test fails while this file is stale.

/** The WebAssembly module compiled from hash.wat (317 bytes), base64. */
export const HASH_WASM_BASE64 =
  'AGFzbQEAAAABCAFgA39/fwF8AwIBAAUDAQABBxYCBm1lbW9yeQIACWhhc2hCeXRlcwAACocCAYQCAQR/Qe/9tvV9IAJzIQNB15yb' +
  'jgQgAnMhBCAAIAFqIQUCQANAIABBBGogBUsNASAAKAIAIQYgAyAGc0Gx893xeWwhAyAEIAZzQZXJ1fkFbCEEIABBBGohAAwACwsC' +
  'QANAIAAgBU8NASAALQAAIQYgAyAGc0Gx893xeWwhAyAEIAZzQZXJ1fkFbCEEIABBAWohAAwACwsgAyABcyEDIAQgAUGx893xeWxz' +
  'IQQgAyADQRB2c0HrlK+veGwgBCAEQQ12c0G13MqVfGxzIQMgBCAEQRB2c0HrlK+veGwgAyADQQ12c0G13MqVfGxzIQQgBEH///8A' +
  'cbhEAAAAAAAA8EGiIAO4oAs='
