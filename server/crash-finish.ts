import { isCrash } from '@server/crash-points'

/**
 * The finishers' one loop (settle's sweep after a crash: finishInterruptedPayments, finishInterruptedHandovers,
 * finishConfirmedRefunds): finish each document's later steps; one that fails is logged and left for the next tick
 * (its steps are keyed, so a retry does each once), while a simulated crash (crash-points.ts) goes on up, as a real
 * one would end the whole run. Answers how many finished.
 */
export async function finishEach<T extends { _id: string }>(docs: readonly T[], finish: (doc: T) => Promise<unknown>, label: string): Promise<number> {
  let finished = 0
  for (const doc of docs) {
    try {
      await finish(doc)
      finished++
    } catch (err) {
      if (isCrash(err)) throw err
      console.error(`[${label}] finishing`, doc._id, 'failed; the next tick retries', err)
    }
  }
  return finished
}
