import * as actionsCache from '@actions/cache'
import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CacheStats } from '../engine/audit.js'
import { folderCache, runningCodeId, type SideCache } from '../engine/side-cache.js'

/**
 * Base sides cached between workflow runs with the Actions cache service (one entry per base
 * blob and settings, named `dataset-audit-<key>`), through a folder ($DATASET_AUDIT_CACHE, else
 * under RUNNER_TEMP): the service saves and restores files at a path that is part of the
 * entry's version, so the folder must be the same from run to run, as RUNNER_TEMP is. Without the service (a runner
 * without it, GitHub Enterprise without cache storage) the folder alone serves the job.
 * A service error is logged and costs only time: the audit reads the file instead.
 */
export function actionsSideCache(dir = process.env.DATASET_AUDIT_CACHE || join(process.env.RUNNER_TEMP || tmpdir(), 'dataset-audit-cache')): SideCache {
  const local = folderCache(dir)
  const service = actionsCache.isFeatureAvailable()
  const file = (key: string): string => join(dir, `${key}.bin`)
  const entryKey = (key: string): string => `dataset-audit-${key}`
  return {
    async get(key) {
      const here = await local.get(key)
      if (here || !service) return here
      try {
        const restored = await actionsCache.restoreCache([file(key)], entryKey(key))
        return restored ? await local.get(key) : undefined
      } catch (error) {
        core.info(`dataset-audit: the Actions cache could not be read (${(error as Error).message}); reading the base file instead.`)
        return undefined
      }
    },
    async set(key, chunks) {
      await local.set(key, chunks)
      if (!service) return
      try {
        await actionsCache.saveCache([file(key)], entryKey(key))
      } catch (error) {
        // Most often another job saved the same entry first: nothing is lost.
        core.debug(`dataset-audit: the Actions cache did not save ${entryKey(key)}: ${(error as Error).message}`)
      }
    }
  }
}

/** The audit's cache option for the Action: undefined when the input turns it off or the code cannot be named. */
export function actionCacheOption(enabled: boolean, stats: CacheStats): { store: SideCache; code: string; stats: CacheStats } | undefined {
  const code = runningCodeId()
  return enabled && code ? { store: actionsSideCache(), code, stats } : undefined
}

/** One log line on what the cache did, when it did anything. */
export function logCacheStats(stats: CacheStats): void {
  if (stats.hits + stats.stored + stats.failures === 0) return
  core.info(`dataset-audit: base files from the cache: ${stats.hits}, read and stored: ${stats.stored}${stats.failures > 0 ? `, cache failures: ${stats.failures}` : ''}`)
}

/** Empty stats for one audit. */
export function newCacheStats(): CacheStats {
  return { hits: 0, misses: 0, stored: 0, failures: 0 }
}
