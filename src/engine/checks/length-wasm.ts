// Generated from src/engine/checks/length.wat by scripts/build-wasm.mjs (wabt): do not edit.
// Change the .wat and run `node scripts/build-wasm.mjs` (`npm run build` does it first);
// a test fails while this file is stale.

/** The WebAssembly module compiled from length.wat (338 bytes), base64. */
export const LENGTH_WASM_BASE64 =
  'AGFzbQEAAAABBwFgAn9/AX8DAgEABQMBAAEHFwIGbWVtb3J5AgAKYXNjaWlXb3JkcwAACpwCAZkCBAJ/AX4FewJ+IAAhAiAAIAFq' +
  'IQP9DAAAAAAAAAAAAAAAAAAAAAAhBQJAA0AgAiADTw0BIAL9AAQAIQYgAv0ABBAhByAC/QAEICEIIAL9AAQwIQkgBSAGIAf9UCAI' +
  'IAn9UP1Q/VAhBSAGQSD9D/0jIAZBCf0P/XFBBf0P/Sb9UP1krSAHQSD9D/0jIAdBCf0P/XFBBf0P/Sb9UP1krUIQhoQgCEEg/Q/9' +
  'IyAIQQn9D/1xQQX9D/0m/VD9ZK1CIIYgCUEg/Q/9IyAJQQn9D/1xQQX9D/0m/VD9ZK1CMIaEhEJ/hSEKIAQgCiAKQgGGIAuEQn+F' +
  'g3t8IQQgCkI/iCELIAJBwABqIQIMAAsLIAX9ZAR/QX8FIASnCws='
