import { defineFunction } from '@server/define'
import { audienceSize } from './actions/audience-size'
import { dashboard } from './actions/dashboard'

export const main = defineFunction({ dashboard, audienceSize })
