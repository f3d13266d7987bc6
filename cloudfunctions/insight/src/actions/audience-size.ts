import { insightContract } from '@shared/contracts/insight'
import { disclosedSize, K_ANONYMITY_MIN } from '@shared/domain/insight'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { audienceSize as count } from '@server/insight/audience'

/**
 * How many residents who consented to marketing a rule reaches. Under 10 the answer is AUDIENCE.TOO_SMALL and
 * no number, so narrowing rules can never single anyone out.
 */
export const audienceSize = action({
  access: ['merchant', 'admin'],
  input: insightContract.audienceSize,
  async run({ db, now }, { audience }) {
    const size = disclosedSize(await count(db, audience, now))
    if (size === null) return fail(ERROR_CODES.AUDIENCE_TOO_SMALL, `fewer than ${K_ANONYMITY_MIN} consenting residents match this audience`)
    return ok({ size })
  },
})
