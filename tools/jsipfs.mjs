#!/usr/bin/env node
// Runs the js-ipfs command line (npm `ipfs` 0.66, the last js-ipfs) on Node 20.
//
//   node tools/jsipfs.mjs <path of ipfs/src/cli.js> <jsipfs arguments...>
//
// Why this exists: one of js-ipfs's dependencies (it-queue, through mortice) calls
// Promise.withResolvers, which Node 20 lacks (it came in Node 22). This defines it the way
// the standard does, then hands the remaining arguments to the unchanged js-ipfs CLI.
// sanzhi starts the embedded IPFS node through it (ledger/devnet/ipfs.py).
import { pathToFileURL } from 'node:url'

if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve, reject
      const promise = new this((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

const cli = process.argv[2]
if (!cli) {
  process.stderr.write('usage: jsipfs.mjs <path of ipfs/src/cli.js> <arguments...>\n')
  process.exit(2)
}
// js-ipfs reads its arguments from process.argv[2:]
process.argv.splice(2, 1)
await import(pathToFileURL(cli).href)
