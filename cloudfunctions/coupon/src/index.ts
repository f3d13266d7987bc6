import { defineFunction } from '@server/define'
import { claim } from './actions/claim'
import { createCampaign } from './actions/create-campaign'
import { listCampaigns } from './actions/list-campaigns'
import { listMine } from './actions/list-mine'
import { listMyCampaigns } from './actions/list-my-campaigns'
import { redeem } from './actions/redeem'

export const main = defineFunction({ createCampaign, listCampaigns, claim, listMine, redeem, listMyCampaigns })
