import { run } from './main.js'

// The Action's entry: everything happens in run().
await run()
